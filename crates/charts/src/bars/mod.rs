//! A labelled bar chart: one bar per word (e.g. the scores or the softmax
//! weights of one query), one bar picked out in another colour, the value
//! written at the end of each bar where it fits.
//!
//! Bars grow from zero, so negative scores point down. Hovering anywhere
//! over a bar's column answers with its exact value.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::axes::{column_axis, grid_mesh, plot_rect, set_caption};
use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::hover::{fmt_value, HoverMap, HoverTarget, HoverValue, PixelRect};
use crate::message::draw_message;
use crate::palette::INK;
use crate::style::font;
use crate::ticked_range::TickedRange;

mod layout;

use layout::{BarMark, BarsLayout};

/// The colour of ordinary bars (blue).
pub const BAR: RGBColor = RGBColor(0, 114, 178);
/// The colour of the highlighted bar (vermillion).
pub const HIGHLIGHT: RGBColor = RGBColor(213, 94, 0);

/// Everything [`draw_bars`] needs.
#[derive(Debug, Clone, PartialEq)]
pub struct BarSpec {
    /// One label per bar, written under it.
    pub labels: Vec<String>,
    /// One value per bar.
    pub values: Vec<f32>,
    /// The bar drawn in the highlight colour.
    pub highlight: Option<usize>,
    /// Above the chart.
    pub caption: Option<String>,
    /// Along the y axis, e.g. "score".
    pub y_title: String,
    /// Names the value in the tooltip, e.g. "weight".
    pub value_name: String,
    /// Decimals of the numbers written at the bars.
    pub decimals: usize,
    /// The y axis always includes `0..=1` (weights) when set.
    pub unit_range: bool,
}

impl BarSpec {
    /// Bars with the given labels and values; no highlight, no caption.
    pub fn new(labels: Vec<String>, values: Vec<f32>) -> Self {
        BarSpec {
            labels,
            values,
            highlight: None,
            caption: None,
            y_title: "value".into(),
            value_name: "value".into(),
            decimals: 2,
            unit_range: false,
        }
    }

    fn check(&self) -> Result<(), ChartError> {
        if self.labels.len() != self.values.len() {
            return Err(ChartError::InvalidData(format!(
                "{} labels for {} bars",
                self.labels.len(),
                self.values.len()
            )));
        }
        if let Some(h) = self.highlight.filter(|&h| h >= self.values.len()) {
            return Err(ChartError::InvalidData(format!(
                "bar {h} highlighted, but there are {} bars",
                self.values.len()
            )));
        }
        if self.values.iter().any(|v| !v.is_finite()) {
            return Err(ChartError::InvalidData(
                "bar values must be finite".to_string(),
            ));
        }
        Ok(())
    }
}

/// Draws the bars of `spec`. Hover: [`HoverTarget::Cell`] with `row` 0,
/// `col` the bar and its exact value, labelled e.g. `it (7)` /
/// `weight = 0.1234`.
pub fn draw_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &BarSpec,
) -> Result<HoverMap, ChartError> {
    spec.check()?;
    if spec.values.is_empty() {
        return draw_message(area, "no bars to show");
    }
    area.fill(&WHITE)?;
    let layout = BarsLayout::of(spec, area.dim_in_pixel(), area)?;
    let rect = draw_axes(area, spec, &layout)?;
    // the marks are placed in pixels of `area`, the hover in backend pixels
    let base_px = area.get_base_pixel();
    let plot = rect.shifted((-base_px.0, -base_px.1));
    let marks = layout.bar_marks(spec, plot, area)?;
    draw_marks(area, &layout, &marks)?;
    draw_zero_line(area, &layout, plot)?;
    Ok(hover_map(spec, CellGrid::new(rect, 1, spec.values.len())))
}

/// The mesh, the y ticks and the bar labels; the plotting area in backend
/// pixels.
fn draw_axes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &BarSpec,
    layout: &BarsLayout,
) -> Result<PixelRect, ChartError> {
    let sizes = &layout.sizes;
    let mut builder = ChartBuilder::on(area);
    builder
        .margin_top(sizes.margin())
        .margin_right(sizes.margin())
        .x_label_area_size(sizes.x_label_area())
        .y_label_area_size(layout.y_area_px);
    set_caption(&mut builder, spec.caption.as_ref(), sizes);
    let (lo, hi) = layout.y_range;
    let mut chart = builder.build_cartesian_2d(
        column_axis(spec.values.len()),
        TickedRange::new(lo..hi, layout.y_ticks.ticks.clone()),
    )?;
    let labels = &spec.labels;
    let x_label = |v: &f64| {
        let i = v.round();
        if i >= 0.0 && (v - i).abs() < 1e-9 {
            labels.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    let y_decimals = layout.y_ticks.decimals;
    let y_label = |v: &f64| format!("{v:.y_decimals$}");
    grid_mesh(&mut chart, sizes)
        .disable_x_mesh()
        .x_label_style(font(layout.x_label_px))
        .y_label_style(font(sizes.tick))
        .y_desc(spec.y_title.as_str())
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .draw()?;
    Ok(plot_rect(chart.plotting_area()))
}

/// The bars and their numbers.
fn draw_marks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    layout: &BarsLayout,
    marks: &[BarMark],
) -> Result<(), ChartError> {
    for mark in marks {
        let color = if mark.highlighted { HIGHLIGHT } else { BAR };
        let r = mark.rect;
        area.draw(&Rectangle::new(
            [(r.x0, r.y0), (r.x1, r.y1)],
            color.filled(),
        ))?;
        if let Some(label) = &mark.value_label {
            let anchor = if label.above { VPos::Bottom } else { VPos::Top };
            let style = font(layout.value_px).pos(Pos::new(HPos::Center, anchor));
            area.draw_text(&label.text, &style, label.at_px)?;
        }
    }
    Ok(())
}

/// The line at zero, over the bars' feet.
fn draw_zero_line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    layout: &BarsLayout,
    plot: PixelRect,
) -> Result<(), ChartError> {
    let zero_y = layout.zero_y_px(plot);
    area.draw(&PathElement::new(
        vec![(plot.x0, zero_y), (plot.x1, zero_y)],
        INK.stroke_width(1),
    ))?;
    Ok(())
}

/// Hover over a bar's column: its label and exact value.
fn hover_map(spec: &BarSpec, grid: CellGrid) -> HoverMap {
    let labels = spec.labels.clone();
    let values = spec.values.clone();
    let value_name = spec.value_name.clone();
    HoverMap::new(grid.rect, move |px| {
        let (_, col) = grid.cell_at(px)?;
        let value = values[col] as f64;
        Some(HoverValue {
            target: HoverTarget::Cell { row: 0, col, value },
            anchor: grid.cell_center(0, col),
            label: format!(
                "{} ({col})\n{value_name} = {}",
                labels[col],
                fmt_value(value)
            ),
        })
    })
}
