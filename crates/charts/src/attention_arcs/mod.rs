//! Attention as arcs over a sentence: each arc leaves the word that attends
//! and lands, with an arrow head, on the word it attends to; the wider and
//! the more opaque the stronger, coloured by the kind of relation (e.g.
//! "verb → subject"). Arcs can be revealed one by one for an animation.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::attention_lines::TokenSide;
use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::hover::{fmt_value, HoverMap, HoverTarget, HoverValue, PixelRect};
use crate::legend::{draw_legend, LegendEntry, Swatch};
use crate::message::draw_message;
use crate::palette::{series_color, INK};
use crate::style::Sizes;
use crate::token_row::{draw_tokens, Facing};

mod layout;

use layout::{ArcMark, ArcsLayout};

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
/// Longer arcs rise higher. Arcs weaker than
/// [`MIN_LINE_WEIGHT`](crate::attention_lines::MIN_LINE_WEIGHT) are not
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
    if spec.tokens.is_empty() {
        return draw_message(area, "no tokens to show");
    }
    area.fill(&WHITE)?;
    let sizes = Sizes::of(area);
    let body = draw_legend(area, &legend_entries(spec), sizes.legend)?;
    let layout = ArcsLayout::of(spec, &sizes, body.dim_in_pixel(), &body)?;
    draw_arcs(&body, &layout)?;
    let base_px = body.get_base_pixel();
    draw_tokens(
        &body,
        &spec.tokens,
        &layout.columns.shifted(base_px),
        &layout.row,
        layout.row_y_px,
        Facing::Up,
        |_| INK,
        None,
    )?;

    let hover_rect = PixelRect {
        y0: layout.hover_y0_px,
        ..layout.columns.rect
    };
    let (row_y0, row_y1) = layout.row_y_px;
    Ok(hover_map(
        CellGrid::new(hover_rect, 1, spec.tokens.len()).shifted(base_px),
        spec,
        base_px.1 + (row_y0 + row_y1) / 2,
    ))
}

/// A legend entry for every kind used by any arc (revealed or not, so
/// that the layout stays put while arcs are revealed).
fn legend_entries(spec: &ArcsSpec) -> Vec<LegendEntry> {
    let mut present: Vec<usize> = spec.arcs.iter().map(|a| a.kind).collect();
    present.sort_unstable();
    present.dedup();
    present
        .iter()
        .map(|&k| LegendEntry::new(spec.kinds[k].clone(), Swatch::Line(series_color(k))))
        .collect()
}

fn draw_arcs<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    layout: &ArcsLayout,
) -> Result<(), ChartError> {
    for arc in &layout.arcs {
        let color = series_color(arc.kind).mix(arc.opacity);
        let style = color.stroke_width(arc.width_px);
        match &arc.mark {
            ArcMark::Loop {
                center_px,
                radius_px,
            } => area.draw(&Circle::new(*center_px, *radius_px, style))?,
            ArcMark::Curve { points_px, head_px } => {
                area.draw(&PathElement::new(points_px.clone(), style))?;
                area.draw(&Polygon::new(head_px.to_vec(), color.filled()))?;
            }
        }
    }
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
