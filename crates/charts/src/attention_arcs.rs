//! Attention as arcs over a sentence: each arc leaves the word that attends
//! and lands, with an arrow head, on the word it attends to; the wider and
//! the more opaque the stronger, coloured by the kind of relation (e.g.
//! "verb → subject"). Arcs can be revealed one by one for an animation.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::attention_lines::{TokenSide, MIN_LINE_WEIGHT};
use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::hover::{fmt_value, HoverMap, HoverTarget, HoverValue, PixelRect};
use crate::legend::{draw_legend, LegendEntry, Swatch};
use crate::message::draw_message;
use crate::palette::{series_color, INK};
use crate::style::Sizes;
use crate::token_row::{draw_tokens, fit_tokens, Facing};

/// The faintest arc's opacity: arcs are drawn at
/// `ARC_MIN_OPACITY + (1 − ARC_MIN_OPACITY)·weight`.
pub const ARC_MIN_OPACITY: f64 = 0.15;

/// One arc: `from` attends to `to` with `weight`, a relation of kind
/// `kind` (an index into [`ArcsSpec::kinds`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArcSpec {
    pub from: usize,
    pub to: usize,
    /// In `[0, 1]` (clamped when drawn).
    pub weight: f32,
    pub kind: usize,
}

/// Everything [`draw_attention_arcs`] needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ArcsSpec {
    /// The sentence, in one row.
    pub tokens: Vec<String>,
    pub arcs: Vec<ArcSpec>,
    /// The legend's names of the kinds of arcs, e.g. "verb → subject".
    pub kinds: Vec<String>,
    /// How many of `arcs` (the first ones) are drawn; `arcs.len()` or more
    /// draws all.
    pub revealed: usize,
}

impl ArcsSpec {
    fn check(&self) -> Result<(), ChartError> {
        let (n, k) = (self.tokens.len(), self.kinds.len());
        for (i, a) in self.arcs.iter().enumerate() {
            if a.from >= n || a.to >= n {
                return Err(ChartError::InvalidData(format!(
                    "arc {i} joins tokens {} and {} of {n}",
                    a.from, a.to
                )));
            }
            if a.kind >= k {
                return Err(ChartError::InvalidData(format!(
                    "arc {i} is of kind {} of {k}",
                    a.kind
                )));
            }
            if !a.weight.is_finite() {
                return Err(ChartError::InvalidData(format!(
                    "arc {i} has weight {}",
                    a.weight
                )));
            }
        }
        Ok(())
    }

    /// The arcs drawn.
    fn shown(&self) -> &[ArcSpec] {
        &self.arcs[..self.revealed.min(self.arcs.len())]
    }
}

/// The weight as drawn.
fn unit(w: f32) -> f64 {
    (w as f64).clamp(0.0, 1.0)
}

/// Draws the tokens in a row along the bottom and the first `revealed`
/// arcs above it (faintest first), a legend of the kinds used by any arc
/// (all of them, so that the layout stays put while arcs are revealed).
/// Longer arcs rise higher. Arcs weaker than [`MIN_LINE_WEIGHT`] are not
/// drawn.
///
/// Hover: over a token (its label and the feet of its arcs),
/// [`HoverTarget::Token`] with [`TokenSide::Query`] and its index; the
/// label names its strongest drawn arc out and in, with the weights.
pub fn draw_attention_arcs<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &ArcsSpec,
) -> Result<HoverMap, ChartError> {
    spec.check()?;
    let n = spec.tokens.len();
    if n == 0 {
        return draw_message(area, "no tokens to show");
    }
    area.fill(&WHITE)?;
    let sizes = Sizes::of(area);
    let mut present: Vec<usize> = spec.arcs.iter().map(|a| a.kind).collect();
    present.sort_unstable();
    present.dedup();
    let entries: Vec<LegendEntry> = present
        .iter()
        .map(|&k| LegendEntry::new(spec.kinds[k].clone(), Swatch::Line(series_color(k))))
        .collect();
    let body = draw_legend(area, &entries, sizes.legend)?;

    let (w, h) = body.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let m = sizes.margin();
    let (bx, by) = body.get_base_pixel();
    let pitch = (w - 2 * m).max(1) as f64 / n as f64;
    let row = fit_tokens(&body, &spec.tokens, pitch, sizes.tick, h * 3 / 10)?;
    let row_y1 = h - m;
    let row_y0 = row_y1 - row.height;
    let base = row_y0 - 3;
    let top = m;
    let avail = (base - top).max(1) as f64;
    let columns = CellGrid::new(
        PixelRect {
            x0: bx + m,
            y0: by + top,
            x1: bx + w - m,
            y1: by + row_y1,
        },
        1,
        n,
    );
    let cx = |t: usize| (columns.cell_center(0, t).0 - bx) as f64;

    let max_width = (pitch * 0.12).clamp(2.0, 7.0);
    let head = (sizes.tick * 0.7).min(pitch * 0.35).max(4.0);
    // arcs leave a little off their word's centre and land a little less
    // off it, on the side they come from, so that a → b and b → a differ
    let offset = (pitch * 0.08).min(5.0);
    // the longest arc of all (revealed or not: the layout stays put) rises
    // to the top; no arc is taller than 0.8 of its width
    let longest = spec
        .arcs
        .iter()
        .map(|a| a.from.abs_diff(a.to))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let mut order: Vec<&ArcSpec> = spec
        .shown()
        .iter()
        .filter(|a| a.weight >= MIN_LINE_WEIGHT)
        .collect();
    order.sort_by(|a, b| a.weight.total_cmp(&b.weight));
    for a in order {
        let v = unit(a.weight);
        let color = series_color(a.kind).mix(ARC_MIN_OPACITY + (1.0 - ARC_MIN_OPACITY) * v);
        let width = 1.0 + (v * (max_width - 1.0)).round();
        let style = color.stroke_width(width as u32);
        let base_y = base as f64;
        if a.from == a.to {
            // a small loop above the token
            let r = (pitch * 0.22).min(avail * 0.2).max(3.0);
            area_circle(&body, (cx(a.to), base_y - r), r, style)?;
            continue;
        }
        let dir = if a.to > a.from { 1.0 } else { -1.0 };
        let (xa, xb) = (cx(a.from) + dir * 2.0 * offset, cx(a.to) - dir * offset);
        let span = a.from.abs_diff(a.to) as f64;
        let rise = (avail * (span / longest).sqrt()).min(0.8 * (xb - xa).abs());
        let hd = head + width;
        // the half ellipse from xa to xb, stopping where the head begins
        let end = std::f64::consts::PI - (hd / rise.max(1.0)).min(1.0).asin();
        let steps = 40;
        let point = |th: f64| {
            (
                (xa + (xb - xa) * (1.0 - th.cos()) / 2.0).round() as i32,
                (base_y - rise * th.sin()).round() as i32,
            )
        };
        let points: Vec<(i32, i32)> = (0..=steps)
            .map(|s| point(end * s as f64 / steps as f64))
            .collect();
        body.draw(&PathElement::new(points, style))?;
        let half = hd * 0.5;
        let tip = (xb.round() as i32, base);
        let back = (base_y - hd).round() as i32;
        body.draw(&Polygon::new(
            vec![
                tip,
                ((xb - half).round() as i32, back),
                ((xb + half).round() as i32, back),
            ],
            color.filled(),
        ))?;
    }

    draw_tokens(
        &body,
        &spec.tokens,
        &columns,
        &row,
        (row_y0, row_y1),
        Facing::Up,
        |_| INK,
        None,
    )?;

    let hover_rect = PixelRect {
        y0: by + (base - (head * 2.0) as i32).max(top),
        ..columns.rect
    };
    Ok(hover_map(
        CellGrid::new(hover_rect, 1, n),
        spec,
        by + (row_y0 + row_y1) / 2,
    ))
}

fn area_circle<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (f64, f64),
    r: f64,
    style: ShapeStyle,
) -> Result<(), ChartError> {
    area.draw(&Circle::new(
        (x.round() as i32, y.round() as i32),
        r.round() as i32,
        style,
    ))?;
    Ok(())
}

/// Hover over the tokens: the strongest drawn arc out of and into each.
fn hover_map(grid: CellGrid, spec: &ArcsSpec, anchor_y: i32) -> HoverMap {
    let name = |i: usize| format!("“{}” ({i})", spec.tokens[i]);
    let strongest = |pick: &dyn Fn(&ArcSpec) -> bool| {
        spec.shown()
            .iter()
            .filter(|a| pick(a))
            .fold(None, |best: Option<&ArcSpec>, a| match best {
                Some(b) if b.weight >= a.weight => best,
                _ => Some(a),
            })
    };
    let labels: Vec<String> = (0..spec.tokens.len())
        .map(|i| {
            let mut label = name(i);
            let out = strongest(&|a| a.from == i);
            let into = strongest(&|a| a.to == i);
            if let Some(a) = out {
                label.push_str(&format!(
                    "\nattends most to {} = {} ({})",
                    name(a.to),
                    fmt_value(a.weight as f64),
                    spec.kinds[a.kind]
                ));
            }
            if let Some(a) = into {
                label.push_str(&format!(
                    "\nmost attention from {} = {} ({})",
                    name(a.from),
                    fmt_value(a.weight as f64),
                    spec.kinds[a.kind]
                ));
            }
            if out.is_none() && into.is_none() {
                label.push_str("\nno arcs");
            }
            label
        })
        .collect();
    HoverMap::new(grid.rect, move |px| {
        let (_, index) = grid.cell_at(px)?;
        Some(HoverValue {
            target: HoverTarget::Token {
                side: TokenSide::Query,
                index,
            },
            anchor: (grid.cell_center(0, index).0, anchor_y),
            label: labels[index].clone(),
        })
    })
}
