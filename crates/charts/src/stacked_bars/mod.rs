//! How one query's output is assembled: for every dimension, the weighted
//! value vectors `wⱼ·vⱼ` of all words stacked on top of each other
//! (positive parts upwards from zero, negative parts downwards), and the
//! output, their sum, marked on top.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::axes::{column_axis, grid_mesh, plot_rect, set_caption};
use crate::bars::{BAR, HIGHLIGHT};
use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::hover::{fmt_value, HoverMap, HoverTarget, HoverValue, PixelRect};
use crate::legend::{draw_legend, LegendEntry, Swatch};
use crate::message::draw_message;
use crate::palette::INK;
use crate::style::{font, Sizes};
use crate::ticked_range::TickedRange;

mod layout;

use layout::{StackMarks, StackedLayout};

/// A lighter blue, alternated with [`BAR`] so neighbouring parts differ.
const BAR_LIGHT: RGBColor = RGBColor(86, 180, 233);

/// Everything [`draw_stacked_values`] needs.
#[derive(Debug, Clone, PartialEq)]
pub struct StackedSpec {
    /// One name per stacked vector (the words).
    pub labels: Vec<String>,
    /// One vector per word, all `dims` long: `wⱼ·vⱼ`.
    pub parts: Vec<Vec<f32>>,
    /// The word drawn in the highlight colour.
    pub highlight: Option<usize>,
    pub caption: Option<String>,
}

impl StackedSpec {
    fn dims(&self) -> usize {
        self.parts.first().map_or(0, Vec::len)
    }

    fn check(&self) -> Result<(), ChartError> {
        if self.labels.len() != self.parts.len() {
            return Err(ChartError::InvalidData(format!(
                "{} labels for {} vectors",
                self.labels.len(),
                self.parts.len()
            )));
        }
        let dims = self.dims();
        if let Some(bad) = self.parts.iter().position(|p| p.len() != dims) {
            return Err(ChartError::InvalidData(format!(
                "vector {bad} has {} entries, the first has {dims}",
                self.parts[bad].len()
            )));
        }
        if self.parts.iter().flatten().any(|v| !v.is_finite()) {
            return Err(ChartError::InvalidData("values must be finite".into()));
        }
        Ok(())
    }

    /// The sum of the parts, dimension by dimension.
    pub fn output(&self) -> Vec<f32> {
        let mut out = vec![0.0f32; self.dims()];
        for part in &self.parts {
            for (o, v) in out.iter_mut().zip(part) {
                *o += v;
            }
        }
        out
    }
}

/// Draws the stacked parts and their sum. Hover:
/// [`HoverTarget::Dimension`] for the column under the cursor, with every
/// word's part there as `(word index, value)`; the label starts with the
/// output, e.g. `dimension 2` / `output = 0.1234` / `it: 0.0500` / ….
pub fn draw_stacked_values<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &StackedSpec,
) -> Result<HoverMap, ChartError> {
    spec.check()?;
    if spec.parts.is_empty() || spec.dims() == 0 {
        return draw_message(area, "nothing to stack");
    }
    area.fill(&WHITE)?;
    let sizes = Sizes::of(area);
    let body = draw_legend(area, &legend_entries(spec), sizes.legend)?;
    let layout = StackedLayout::of(spec, area.dim_in_pixel(), &body)?;
    let rect = draw_axes(&body, spec, &layout)?;
    // the marks are placed in pixels of `area`, the hover in backend pixels
    let base_px = area.get_base_pixel();
    let plot = rect.shifted((-base_px.0, -base_px.1));
    let output = spec.output();
    let marks = layout.marks(spec, &output, plot);
    draw_stacks(area, spec, &marks)?;
    draw_output(area, &marks)?;
    Ok(hover_map(spec, output, &marks, rect, base_px))
}

/// The highlighted word first, then the others and the output line.
fn legend_entries(spec: &StackedSpec) -> Vec<LegendEntry> {
    let mut entries = vec![LegendEntry::new("other words", Swatch::Square(BAR))];
    if let Some(h) = spec.highlight {
        entries.insert(
            0,
            LegendEntry::new(format!("“{}”", spec.labels[h]), Swatch::Square(HIGHLIGHT)),
        );
    }
    entries.push(LegendEntry::new("output = sum", Swatch::Line(INK)));
    entries
}

/// The mesh and the tick labels on `body`; the plotting area in backend
/// pixels.
fn draw_axes<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    spec: &StackedSpec,
    layout: &StackedLayout,
) -> Result<PixelRect, ChartError> {
    let sizes = &layout.sizes;
    let mut builder = ChartBuilder::on(body);
    builder
        .margin_right(sizes.margin())
        .x_label_area_size(sizes.x_label_area())
        .y_label_area_size(layout.y_area_px);
    set_caption(&mut builder, spec.caption.as_ref(), sizes);
    let (lo, hi) = layout.y_range;
    let mut chart = builder.build_cartesian_2d(
        column_axis(spec.dims()),
        TickedRange::new(lo..hi, layout.y_ticks.ticks.clone()),
    )?;
    let integer = |v: &f64| format!("{v:.0}");
    let y_decimals = layout.y_ticks.decimals;
    let y_label = |v: &f64| format!("{v:.y_decimals$}");
    grid_mesh(&mut chart, sizes)
        .disable_x_mesh()
        .label_style(font(sizes.tick))
        .x_desc("dimension of the value vectors")
        .y_desc("weighted value")
        .x_label_formatter(&integer)
        .y_label_formatter(&y_label)
        .draw()?;
    Ok(plot_rect(chart.plotting_area()))
}

/// The parts, the highlighted word's in its colour and the others in two
/// alternating blues so that neighbours differ, then the line at zero.
fn draw_stacks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &StackedSpec,
    marks: &StackMarks,
) -> Result<(), ChartError> {
    for part in &marks.parts {
        let color = if spec.highlight == Some(part.word) {
            HIGHLIGHT
        } else if part.word % 2 == 0 {
            BAR
        } else {
            BAR_LIGHT
        };
        let r = part.rect;
        let corners = [(r.x0, r.y0), (r.x1, r.y1)];
        area.draw(&Rectangle::new(corners, color.filled()))?;
        area.draw(&Rectangle::new(corners, WHITE.stroke_width(1)))?;
    }
    let (x0, x1) = marks.zero_x_px;
    let zero = marks.zero_y_px;
    area.draw(&PathElement::new(
        vec![(x0, zero), (x1, zero)],
        INK.stroke_width(1),
    ))?;
    Ok(())
}

/// The output: a line through a marker per dimension.
fn draw_output<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    marks: &StackMarks,
) -> Result<(), ChartError> {
    area.draw(&PathElement::new(
        marks.output_px.clone(),
        INK.stroke_width(marks.output_line_px),
    ))?;
    for &p in &marks.output_px {
        area.draw(&Circle::new(p, marks.output_marker_px, INK.filled()))?;
    }
    Ok(())
}

/// Hover over a dimension's column: the output and every word's part.
fn hover_map(
    spec: &StackedSpec,
    output: Vec<f32>,
    marks: &StackMarks,
    plot: PixelRect,
    base_px: (i32, i32),
) -> HoverMap {
    let grid = CellGrid::new(plot, 1, spec.dims());
    let labels = spec.labels.clone();
    let parts = spec.parts.clone();
    let anchors: Vec<(i32, i32)> = marks
        .output_px
        .iter()
        .map(|&(x, y)| (x + base_px.0, y + base_px.1))
        .collect();
    HoverMap::new(plot, move |px| {
        let (_, dim) = grid.cell_at(px)?;
        let values: Vec<(usize, f64)> = parts
            .iter()
            .enumerate()
            .map(|(j, p)| (j, p[dim] as f64))
            .collect();
        let mut label = format!(
            "dimension {dim}\noutput = {}",
            fmt_value(output[dim] as f64)
        );
        for (j, v) in &values {
            label.push_str(&format!("\n{}: {}", labels[*j], fmt_value(*v)));
        }
        Some(HoverValue {
            target: HoverTarget::Dimension { dim, values },
            anchor: anchors[dim],
            label,
        })
    })
}
