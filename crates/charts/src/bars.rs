//! A labelled bar chart: one bar per word (e.g. the scores or the softmax
//! weights of one query), one bar picked out in another colour, the value
//! written at the end of each bar where it fits.
//!
//! Bars grow from zero, so negative scores point down. Hovering anywhere
//! over a bar's column answers with its exact value.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::axes::{column_axis, grid_mesh, plot_rect, set_caption, ValueTicks};
use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::hover::{fmt_value, HoverMap, HoverTarget, HoverValue};
use crate::message::draw_message;
use crate::palette::INK;
use crate::style::{font, Sizes, MIN_PX};
use crate::ticked_range::TickedRange;

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

/// The y range: zero and every value, with room for the numbers.
fn y_range(values: &[f32], unit: bool) -> (f64, f64) {
    let mut lo = values.iter().fold(0.0f64, |m, &v| m.min(v as f64));
    let mut hi = values.iter().fold(0.0f64, |m, &v| m.max(v as f64));
    if unit {
        hi = hi.max(1.0);
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.12;
    if lo < 0.0 {
        lo -= pad;
    }
    hi += pad;
    (lo, hi)
}

/// Draws the bars of `spec`. Hover: [`HoverTarget::Cell`] with `row` 0,
/// `col` the bar and its exact value, labelled e.g. `it (7)` /
/// `weight = 0.1234`.
pub fn draw_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &BarSpec,
) -> Result<HoverMap, ChartError> {
    spec.check()?;
    let n = spec.values.len();
    if n == 0 {
        return draw_message(area, "no bars to show");
    }
    area.fill(&WHITE)?;
    let sizes = Sizes::of(area);
    let (w, _) = area.dim_in_pixel();
    let (lo, hi) = y_range(&spec.values, spec.unit_range);
    let tick_font = font(sizes.tick);
    let ValueTicks {
        ticks: y_ticks,
        decimals: y_decimals,
        label_width: y_label_w,
    } = ValueTicks::new(area, (lo, hi), &tick_font)?;
    // x labels shrink until the longest fits under its bar
    let y_area = sizes.y_label_area(y_label_w);
    let pitch = (w as f64 - y_area as f64 - sizes.margin() as f64) / n as f64;
    let mut x_font = sizes.tick;
    let longest = spec
        .labels
        .iter()
        .max_by_key(|l| l.chars().count())
        .cloned()
        .unwrap_or_default();
    let widest = area.estimate_text_size(&longest, &font(x_font))?.0 as f64;
    if widest > pitch * 0.95 && widest > 0.0 {
        x_font = (x_font * pitch * 0.95 / widest).max(MIN_PX);
    }

    let mut builder = ChartBuilder::on(area);
    builder
        .margin_top(sizes.margin())
        .margin_right(sizes.margin())
        .x_label_area_size(sizes.x_label_area())
        .y_label_area_size(y_area);
    set_caption(&mut builder, spec.caption.as_ref(), &sizes);
    let mut chart =
        builder.build_cartesian_2d(column_axis(n), TickedRange::new(lo..hi, y_ticks))?;
    let labels = &spec.labels;
    let x_label = |v: &f64| {
        let i = v.round();
        if i >= 0.0 && (v - i).abs() < 1e-9 {
            labels.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    let y_label = |v: &f64| format!("{v:.y_decimals$}");
    grid_mesh(&mut chart, &sizes)
        .disable_x_mesh()
        .x_label_style(font(x_font))
        .y_label_style(tick_font)
        .y_desc(spec.y_title.as_str())
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .draw()?;

    let rect = plot_rect(chart.plotting_area());
    let grid = CellGrid::new(rect, 1, n);
    // backend pixels → pixels of `area`
    let (bx, by) = area.get_base_pixel();
    let zero_y = chart.backend_coord(&(0.0, 0.0)).1;
    let value_font = sizes.small.min(x_font.max(MIN_PX));
    for (i, &v) in spec.values.iter().enumerate() {
        let cell = grid.cell_rect(0, i);
        let gap = (cell.width() / 6).max(1);
        let top = chart.backend_coord(&(0.0, v as f64)).1;
        let color = if spec.highlight == Some(i) {
            HIGHLIGHT
        } else {
            BAR
        };
        let (y0, y1) = if top <= zero_y {
            (top, zero_y)
        } else {
            (zero_y, top)
        };
        area.draw(&Rectangle::new(
            [
                (cell.x0 + gap - bx, y0 - by),
                (cell.x1 - gap - bx, y1.max(y0 + 1) - by),
            ],
            color.filled(),
        ))?;
        let text = format!("{:.*}", spec.decimals, v);
        let style = font(value_font);
        let tw = area.estimate_text_size(&text, &style)?.0 as i32;
        if tw <= cell.width() {
            let (anchor, y) = if v >= 0.0 {
                (VPos::Bottom, top - 2)
            } else {
                (VPos::Top, top + 2)
            };
            let style = style.pos(Pos::new(HPos::Center, anchor));
            area.draw_text(&text, &style, ((cell.x0 + cell.x1) / 2 - bx, y - by))?;
        }
    }
    area.draw(&PathElement::new(
        vec![(rect.x0 - bx, zero_y - by), (rect.x1 - bx, zero_y - by)],
        INK.stroke_width(1),
    ))?;

    let labels = spec.labels.clone();
    let values = spec.values.clone();
    let value_name = spec.value_name.clone();
    Ok(HoverMap::new(rect, move |px| {
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
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_includes_zero_and_room_above() {
        let (lo, hi) = y_range(&[1.0, 2.0], false);
        assert_eq!(lo, 0.0);
        assert!(hi > 2.0);
        let (lo, hi) = y_range(&[-1.0, 0.5], false);
        assert!(lo < -1.0 && hi > 0.5);
        let (lo, hi) = y_range(&[0.2, 0.3], true);
        assert!(lo == 0.0 && hi >= 1.0);
        let (lo, hi) = y_range(&[0.0, 0.0], false);
        assert!(hi > lo);
    }
}
