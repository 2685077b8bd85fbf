//! Word embeddings E, position codes P and their sums E + P in two
//! dimensions: each word is moved by the code of its position, drawn as an
//! arrow E → E + P.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::arrow::draw_arrow;
use crate::axes::{grid_mesh, plot_rect};
use crate::error::ChartError;
use crate::hover::{HoverMap, HoverTarget, HoverValue};
use crate::legend::{draw_legend, LegendEntry, Swatch};
use crate::message::draw_message;
use crate::palette::series_color;
use crate::style::{font, with_color, Sizes};
use crate::ticked_range::TickedRange;
use crate::ticks::{decimals_for, nice_step, nice_ticks};

/// Which of the three sets a point belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PointKind {
    /// The word embedding E.
    Word,
    /// The position code P.
    Position,
    /// E + P.
    Sum,
}

impl PointKind {
    const ALL: [PointKind; 3] = [PointKind::Word, PointKind::Position, PointKind::Sum];

    fn color(self) -> RGBColor {
        match self {
            PointKind::Word => series_color(0),
            PointKind::Position => series_color(1),
            PointKind::Sum => series_color(2),
        }
    }

    fn swatch(self) -> Swatch {
        match self {
            PointKind::Position => Swatch::Square(self.color()),
            _ => Swatch::Dot(self.color()),
        }
    }

    fn legend(self) -> &'static str {
        match self {
            PointKind::Word => "word embedding E",
            PointKind::Position => "position code P",
            PointKind::Sum => "E + P",
        }
    }
}

/// Word `i` sits at position `i`: it has embedding `e[i]` and code `p[i]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmbeddingScatterData {
    pub words: Vec<String>,
    pub e: Vec<(f64, f64)>,
    pub p: Vec<(f64, f64)>,
}

impl EmbeddingScatterData {
    /// `E + P`, word by word.
    pub fn sums(&self) -> Vec<(f64, f64)> {
        self.e
            .iter()
            .zip(&self.p)
            .map(|(e, p)| (e.0 + p.0, e.1 + p.1))
            .collect()
    }

    /// The points of one set.
    pub fn points(&self, kind: PointKind) -> Vec<(f64, f64)> {
        match kind {
            PointKind::Word => self.e.clone(),
            PointKind::Position => self.p.clone(),
            PointKind::Sum => self.sums(),
        }
    }

    fn check(&self) -> Result<(), ChartError> {
        let n = self.words.len();
        if self.e.len() != n || self.p.len() != n {
            return Err(ChartError::InvalidData(format!(
                "{n} words, {} embeddings, {} position codes",
                self.e.len(),
                self.p.len()
            )));
        }
        let finite = |&(x, y): &(f64, f64)| x.is_finite() && y.is_finite();
        if !self.e.iter().chain(&self.p).all(finite) {
            return Err(ChartError::InvalidData("a coordinate is not finite".into()));
        }
        Ok(())
    }
}

/// Draws the three point sets with an arrow E → E + P per word, and with
/// `p_from_origin` also an arrow 0 → P per word. Axes keep equal scales so
/// arrows show true lengths and angles. Hover: [`HoverTarget::Point`], the
/// nearest point to the cursor.
pub fn draw_embedding_scatter<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &EmbeddingScatterData,
    p_from_origin: bool,
) -> Result<HoverMap, ChartError> {
    data.check()?;
    if data.words.is_empty() {
        return draw_message(area, "no words to show");
    }
    area.fill(&WHITE)?;
    let sizes = Sizes::of(area);
    let tick_font = font(sizes.tick);
    let entries: Vec<LegendEntry> = PointKind::ALL
        .iter()
        .map(|k| LegendEntry::new(k.legend(), k.swatch()))
        .collect();
    let body = draw_legend(area, &entries, sizes.legend)?;
    let sets: Vec<(PointKind, Vec<(f64, f64)>)> = PointKind::ALL
        .iter()
        .map(|&k| (k, data.points(k)))
        .collect();

    // Layout first (with a dummy range), to know the plot's aspect ratio.
    let y_label_w = body.estimate_text_size("-0.00", &tick_font)?.0;
    let mut builder = ChartBuilder::on(&body);
    builder
        .margin_right(sizes.margin())
        .x_label_area_size(sizes.x_label_area())
        .y_label_area_size(sizes.y_label_area(y_label_w));
    let probe = builder.build_cartesian_2d(0f64..1f64, 0f64..1f64)?;
    let (pxr, pyr) = probe.plotting_area().get_pixel_range();
    drop(probe);
    let (x_range, y_range) = equal_aspect_ranges(
        sets.iter().flat_map(|(_, pts)| pts.iter().copied()),
        (pxr.end - pxr.start, pyr.end - pyr.start),
    );
    let ticks = |r: &std::ops::Range<f64>| nice_ticks(r.start, r.end, 6);
    let (x_ticks, y_ticks) = (ticks(&x_range), ticks(&y_range));
    let decimals = decimals_for(nice_step(x_range.end - x_range.start, 6))
        .max(decimals_for(nice_step(y_range.end - y_range.start, 6)));
    let mut chart = builder.build_cartesian_2d(
        TickedRange::new(x_range.clone(), x_ticks),
        TickedRange::new(y_range.clone(), y_ticks),
    )?;
    let fmt = |v: &f64| format!("{v:.decimals$}");
    grid_mesh(&mut chart, &sizes)
        .label_style(tick_font)
        .x_desc("dimension 0")
        .y_desc("dimension 1")
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .draw()?;

    // The axes through the origin.
    let zero = RGBColor(150, 150, 150);
    if x_range.start < 0.0 && x_range.end > 0.0 {
        let line = vec![(0.0, y_range.start), (0.0, y_range.end)];
        chart.draw_series(std::iter::once(PathElement::new(line, zero)))?;
    }
    if y_range.start < 0.0 && y_range.end > 0.0 {
        let line = vec![(x_range.start, 0.0), (x_range.end, 0.0)];
        chart.draw_series(std::iter::once(PathElement::new(line, zero)))?;
    }

    // Arrows, in pixels of the plotting area.
    let rect = plot_rect(chart.plotting_area());
    let plot = chart.plotting_area().strip_coord_spec();
    let local = |pt: (f64, f64)| {
        let (x, y) = chart.backend_coord(&pt);
        (x - rect.x0, y - rect.y0)
    };
    let radius = (sizes.tick / 4.0).max(3.0);
    let head = (sizes.tick * 0.7).max(7.0);
    let stroke = (sizes.tick / 10.0).max(1.5) as u32;
    let p_color = PointKind::Position.color();
    let sums = data.sums();
    if p_from_origin {
        for &p in &data.p {
            let color = p_color.mix(0.45);
            draw_arrow(
                &plot,
                local((0.0, 0.0)),
                local(p),
                color,
                stroke,
                head * 0.8,
                radius + 1.0,
            )?;
        }
    }
    for (&e, &s) in data.e.iter().zip(&sums) {
        draw_arrow(
            &plot,
            local(e),
            local(s),
            p_color.mix(0.9),
            stroke,
            head,
            radius + 1.0,
        )?;
    }

    // Points: squares for P, dots for E and E + P.
    let r = radius as i32;
    for (kind, pts) in &sets {
        let color = kind.color();
        if *kind == PointKind::Position {
            let square = |&pt: &(f64, f64)| {
                EmptyElement::at(pt) + Rectangle::new([(-r, -r), (r, r)], color.filled())
            };
            chart.draw_series(pts.iter().map(square))?;
        } else {
            let dot =
                |&pt: &(f64, f64)| EmptyElement::at(pt) + Circle::new((0, 0), r, color.filled());
            chart.draw_series(pts.iter().map(dot))?;
        }
    }

    // Word labels beside E and E + P, position numbers beside P.
    let small = font(sizes.small);
    let offset = (r + 2, -(r + 2));
    for (kind, pts) in &sets {
        let style = with_color(small.clone(), kind.color());
        let label = |(i, &pt): (usize, &(f64, f64))| {
            let text = match kind {
                PointKind::Position => format!("p{i}"),
                _ => data.words[i].clone(),
            };
            EmptyElement::at(pt) + Text::new(text, offset, style.clone())
        };
        chart.draw_series(pts.iter().enumerate().map(label))?;
    }

    let hover_points: Vec<HoverPoint> = sets
        .iter()
        .flat_map(|(kind, pts)| {
            pts.iter().enumerate().map(|(index, &pt)| HoverPoint {
                kind: *kind,
                index,
                at: pt,
                pixel: chart.backend_coord(&pt),
            })
        })
        .collect();
    let words = data.words.clone();
    Ok(HoverMap::new(rect, move |(x, y)| {
        let nearest = hover_points.iter().min_by_key(|h| {
            let (dx, dy) = ((h.pixel.0 - x) as i64, (h.pixel.1 - y) as i64);
            dx * dx + dy * dy
        })?;
        Some(nearest.value(&words))
    }))
}

struct HoverPoint {
    kind: PointKind,
    index: usize,
    at: (f64, f64),
    pixel: (i32, i32),
}

impl HoverPoint {
    fn value(&self, words: &[String]) -> HoverValue {
        let word = &words[self.index];
        let (x, y) = self.at;
        let head = match self.kind {
            PointKind::Word => format!("E(\"{word}\")"),
            PointKind::Position => format!("P(position {}), the code of \"{word}\"", self.index),
            PointKind::Sum => format!("E(\"{word}\") + P(position {})", self.index),
        };
        HoverValue {
            target: HoverTarget::Point {
                kind: self.kind,
                index: self.index,
                x,
                y,
            },
            anchor: self.pixel,
            label: format!("{head}\n({x:.3}, {y:.3})"),
        }
    }
}

/// Data ranges that contain every point and the origin, with a margin, and
/// have the same units per pixel on both axes for a plot of `(w, h)` pixels.
fn equal_aspect_ranges(
    points: impl Iterator<Item = (f64, f64)>,
    (w, h): (i32, i32),
) -> (std::ops::Range<f64>, std::ops::Range<f64>) {
    let (mut x0, mut x1, mut y0, mut y1) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for (x, y) in points {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let pad = 0.12 * (x1 - x0).max(y1 - y0).max(1e-9);
    let (x0, x1, y0, y1) = (x0 - pad, x1 + pad, y0 - pad, y1 + pad);
    let (w, h) = (w.max(1) as f64, h.max(1) as f64);
    let per_px = ((x1 - x0) / w).max((y1 - y0) / h);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let (hw, hh) = (per_px * w / 2.0, per_px * h / 2.0);
    (cx - hw..cx + hw, cy - hh..cy + hh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_aspect_keeps_units_per_pixel_equal() {
        let (x, y) = equal_aspect_ranges([(1.0, 2.0), (-1.0, 0.5)].into_iter(), (400, 200));
        let (ux, uy) = ((x.end - x.start) / 400.0, (y.end - y.start) / 200.0);
        assert!((ux - uy).abs() < 1e-12);
        assert!(x.start < -1.0 && x.end > 1.0 && y.start < 0.0 && y.end > 2.0);
    }
}
