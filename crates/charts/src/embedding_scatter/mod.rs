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

mod layout;

use layout::ScatterLayout;

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
    let entries: Vec<LegendEntry> = PointKind::ALL
        .iter()
        .map(|k| LegendEntry::new(k.legend(), k.swatch()))
        .collect();
    let body = draw_legend(area, &entries, sizes.legend)?;

    // The label areas first (with a dummy range), to know the plot's
    // aspect ratio.
    let y_label_w = body.estimate_text_size("-0.00", &font(sizes.tick))?.0;
    let mut builder = ChartBuilder::on(&body);
    builder
        .margin_right(sizes.margin())
        .x_label_area_size(sizes.x_label_area())
        .y_label_area_size(sizes.y_label_area(y_label_w));
    let probe = builder.build_cartesian_2d(0f64..1f64, 0f64..1f64)?;
    let probe_rect = plot_rect(probe.plotting_area());
    drop(probe);
    let layout = ScatterLayout::of(data, (probe_rect.width(), probe_rect.height()), &sizes);
    let mut chart = builder.build_cartesian_2d(
        TickedRange::new(layout.x_range.clone(), layout.x_ticks.clone()),
        TickedRange::new(layout.y_range.clone(), layout.y_ticks.clone()),
    )?;
    draw_axes(&mut chart, &layout, &sizes)?;
    draw_arrows(&chart, data, p_from_origin, &layout)?;
    let sets: Vec<(PointKind, Vec<(f64, f64)>)> = PointKind::ALL
        .iter()
        .map(|&k| (k, data.points(k)))
        .collect();
    draw_points(&mut chart, &sets, &layout)?;
    draw_point_labels(&mut chart, data, &sets, &layout)?;
    Ok(hover_map(&chart, data, &sets))
}

/// The scatter's coordinates: data on both axes.
type Scatter<'a, DB> = ChartContext<'a, DB, Cartesian2d<TickedRange, TickedRange>>;

/// The mesh, and the axes through the origin.
fn draw_axes<DB: DrawingBackend>(
    chart: &mut Scatter<'_, DB>,
    layout: &ScatterLayout,
    sizes: &Sizes,
) -> Result<(), ChartError> {
    let decimals = layout.decimals;
    let fmt = |v: &f64| format!("{v:.decimals$}");
    grid_mesh(chart, sizes)
        .label_style(font(sizes.tick))
        .x_desc("dimension 0")
        .y_desc("dimension 1")
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .draw()?;
    let zero = RGBColor(150, 150, 150);
    let (xr, yr) = (&layout.x_range, &layout.y_range);
    if layout.origin_x_inside {
        let line = vec![(0.0, yr.start), (0.0, yr.end)];
        chart.draw_series(std::iter::once(PathElement::new(line, zero)))?;
    }
    if layout.origin_y_inside {
        let line = vec![(xr.start, 0.0), (xr.end, 0.0)];
        chart.draw_series(std::iter::once(PathElement::new(line, zero)))?;
    }
    Ok(())
}

/// The arrows 0 → P (with `p_from_origin`) and E → E + P, in pixels of the
/// plotting area.
fn draw_arrows<DB: DrawingBackend>(
    chart: &Scatter<'_, DB>,
    data: &EmbeddingScatterData,
    p_from_origin: bool,
    layout: &ScatterLayout,
) -> Result<(), ChartError> {
    let rect = plot_rect(chart.plotting_area());
    let plot = chart.plotting_area().strip_coord_spec();
    let local = |pt: (f64, f64)| {
        let (x, y) = chart.backend_coord(&pt);
        (x - rect.x0, y - rect.y0)
    };
    let (stroke, head) = (layout.arrow_stroke_px, layout.arrow_head_px);
    // arrows stop short of the point they end at
    let gap = layout.point_radius_px + 1.0;
    let p_color = PointKind::Position.color();
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
                gap,
            )?;
        }
    }
    for (&e, &s) in data.e.iter().zip(&data.sums()) {
        draw_arrow(
            &plot,
            local(e),
            local(s),
            p_color.mix(0.9),
            stroke,
            head,
            gap,
        )?;
    }
    Ok(())
}

/// Squares for P, dots for E and E + P.
fn draw_points<DB: DrawingBackend>(
    chart: &mut Scatter<'_, DB>,
    sets: &[(PointKind, Vec<(f64, f64)>)],
    layout: &ScatterLayout,
) -> Result<(), ChartError> {
    let r = layout.point_radius_px as i32;
    for (kind, pts) in sets {
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
    Ok(())
}

/// Word labels beside E and E + P, position numbers beside P.
fn draw_point_labels<DB: DrawingBackend>(
    chart: &mut Scatter<'_, DB>,
    data: &EmbeddingScatterData,
    sets: &[(PointKind, Vec<(f64, f64)>)],
    layout: &ScatterLayout,
) -> Result<(), ChartError> {
    let small = font(layout.label_px);
    let r = layout.point_radius_px as i32;
    let offset = (r + 2, -(r + 2));
    for (kind, pts) in sets {
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
    Ok(())
}

/// Hover: the point nearest to the cursor.
fn hover_map<DB: DrawingBackend>(
    chart: &Scatter<'_, DB>,
    data: &EmbeddingScatterData,
    sets: &[(PointKind, Vec<(f64, f64)>)],
) -> HoverMap {
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
    HoverMap::new(plot_rect(chart.plotting_area()), move |(x, y)| {
        let nearest = hover_points.iter().min_by_key(|h| {
            let (dx, dy) = ((h.pixel.0 - x) as i64, (h.pixel.1 - y) as i64);
            dx * dx + dy * dy
        })?;
        Some(nearest.value(&words))
    })
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
