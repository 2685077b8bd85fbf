//! How one query's output is assembled: for every dimension, the weighted
//! value vectors `wⱼ·vⱼ` of all words stacked on top of each other
//! (positive parts upwards from zero, negative parts downwards), and the
//! output, their sum, marked on top.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::axes::{column_axis, grid_mesh, plot_rect, set_caption, ValueTicks};
use crate::bars::{BAR, HIGHLIGHT};
use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::hover::{fmt_value, HoverMap, HoverTarget, HoverValue};
use crate::legend::{draw_legend, LegendEntry, Swatch};
use crate::message::draw_message;
use crate::palette::INK;
use crate::style::{font, Sizes};
use crate::ticked_range::TickedRange;

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
    let dims = spec.dims();
    if spec.parts.is_empty() || dims == 0 {
        return draw_message(area, "nothing to stack");
    }
    area.fill(&WHITE)?;
    let sizes = Sizes::of(area);
    let output = spec.output();

    // the extent of the stacks
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for d in 0..dims {
        let pos: f64 = spec.parts.iter().map(|p| (p[d] as f64).max(0.0)).sum();
        let neg: f64 = spec.parts.iter().map(|p| (p[d] as f64).min(0.0)).sum();
        hi = hi.max(pos);
        lo = lo.min(neg);
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.08;
    let (lo, hi) = (lo - pad, hi + pad);

    let mut entries = vec![LegendEntry::new("other words", Swatch::Square(BAR))];
    if let Some(h) = spec.highlight {
        entries.insert(
            0,
            LegendEntry::new(format!("“{}”", spec.labels[h]), Swatch::Square(HIGHLIGHT)),
        );
    }
    entries.push(LegendEntry::new("output = sum", Swatch::Line(INK)));
    let body = draw_legend(area, &entries, sizes.legend)?;

    let tick_font = font(sizes.tick);
    let ValueTicks {
        ticks: y_ticks,
        decimals: y_decimals,
        label_width: y_label_w,
    } = ValueTicks::new(&body, (lo, hi), &tick_font)?;
    let mut builder = ChartBuilder::on(&body);
    builder
        .margin_right(sizes.margin())
        .x_label_area_size(sizes.x_label_area())
        .y_label_area_size(sizes.y_label_area(y_label_w));
    set_caption(&mut builder, spec.caption.as_ref(), &sizes);
    let mut chart =
        builder.build_cartesian_2d(column_axis(dims), TickedRange::new(lo..hi, y_ticks))?;
    let integer = |v: &f64| format!("{v:.0}");
    let y_label = |v: &f64| format!("{v:.y_decimals$}");
    grid_mesh(&mut chart, &sizes)
        .disable_x_mesh()
        .label_style(tick_font)
        .x_desc("dimension of the value vectors")
        .y_desc("weighted value")
        .x_label_formatter(&integer)
        .y_label_formatter(&y_label)
        .draw()?;

    let rect = plot_rect(chart.plotting_area());
    let grid = CellGrid::new(rect, 1, dims);
    // backend pixels → pixels of `area`
    let (bx, by) = area.get_base_pixel();
    let y_px = |v: f64| chart.backend_coord(&(0.0, v)).1 - by;
    for d in 0..dims {
        let cell = grid.cell_rect(0, d);
        let gap = (cell.width() / 5).max(1);
        let (mut up, mut down) = (0.0f64, 0.0f64);
        for (j, part) in spec.parts.iter().enumerate() {
            let v = part[d] as f64;
            let (from, to) = if v >= 0.0 {
                let r = (up, up + v);
                up += v;
                r
            } else {
                let r = (down, down + v);
                down += v;
                r
            };
            let (a, b) = (y_px(from), y_px(to));
            if a == b {
                continue;
            }
            let color = if spec.highlight == Some(j) {
                HIGHLIGHT
            } else if j % 2 == 0 {
                BAR
            } else {
                BAR_LIGHT
            };
            let corners = [
                (cell.x0 + gap - bx, a.min(b)),
                (cell.x1 - gap - bx, a.max(b)),
            ];
            area.draw(&Rectangle::new(corners, color.filled()))?;
            area.draw(&Rectangle::new(corners, WHITE.stroke_width(1)))?;
        }
    }
    let zero = y_px(0.0);
    area.draw(&PathElement::new(
        vec![(rect.x0 - bx, zero), (rect.x1 - bx, zero)],
        INK.stroke_width(1),
    ))?;
    // the output: a line through a marker per dimension
    let points: Vec<(i32, i32)> = (0..dims)
        .map(|d| (grid.cell_center(0, d).0 - bx, y_px(output[d] as f64)))
        .collect();
    let stroke = (sizes.tick / 8.0).max(2.0) as u32;
    area.draw(&PathElement::new(points.clone(), INK.stroke_width(stroke)))?;
    let radius = (sizes.tick / 4.0).max(3.0) as i32;
    for &p in &points {
        area.draw(&Circle::new(p, radius, INK.filled()))?;
    }

    let labels = spec.labels.clone();
    let parts = spec.parts.clone();
    Ok(HoverMap::new(rect, move |px| {
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
            anchor: (points[dim].0 + bx, points[dim].1 + by),
            label,
        })
    }))
}
