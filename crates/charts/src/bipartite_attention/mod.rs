//! Cross-attention: the decoder's tokens (queries) in a row at the top, the
//! encoder's (keys) in a row at the bottom, and a line from each query to
//! each key, the wider and the more opaque the larger the weight. A focused
//! query keeps its lines strong, with the weights written on them; the
//! others fade.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::attention_lines::{draw_weight_lines, TokenSide};
use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::hover::{fmt_value, HoverMap, HoverTarget, HoverValue, PixelRect};
use crate::message::draw_message;
use crate::palette::{series_color, INK};
use crate::style::{centered, font};
use crate::token_row::{draw_tokens, Facing};

mod layout;

use layout::BipartiteLayout;

/// The lines' colour, also the focused query's.
fn line_color() -> RGBColor {
    series_color(0)
}

/// The weights are written on the focused query's lines up to this many
/// keys.
pub const MAX_KEYS_WITH_NUMBERS: usize = 8;

/// Lines of the other queries while one is focused: this share of their
/// weight as opacity.
const FADED: f64 = 0.2;

/// The focused query's faintest lines: they are drawn at
/// `FOCUS_MIN_OPACITY + (1 − FOCUS_MIN_OPACITY)·weight` so that the
/// weights written on them stay attached to a visible line.
pub const FOCUS_MIN_OPACITY: f64 = 0.3;

/// Query labels of other tokens while one is focused.
const DIMMED: RGBColor = RGBColor(150, 150, 150);

/// Everything [`draw_bipartite_attention`] needs.
#[derive(Debug, Clone, PartialEq)]
pub struct BipartiteSpec {
    /// The decoder's tokens, in the top row.
    pub queries: Vec<String>,
    /// The encoder's tokens, in the bottom row.
    pub keys: Vec<String>,
    /// `queries × keys`, row-major: row `q` is query `q`'s distribution
    /// over the keys.
    pub weights: Vec<f32>,
    /// The query whose lines are drawn strongly, the others faint.
    pub focus: Option<usize>,
    /// Above the top row, e.g. "decoder (French)"; empty for none.
    pub query_label: String,
    /// Below the bottom row, e.g. "encoder (English)"; empty for none.
    pub key_label: String,
}

impl BipartiteSpec {
    fn check(&self) -> Result<(), ChartError> {
        let (nq, nk) = (self.queries.len(), self.keys.len());
        if self.weights.len() != nq * nk {
            return Err(ChartError::InvalidData(format!(
                "{} weights for {nq} queries × {nk} keys",
                self.weights.len()
            )));
        }
        if let Some(q) = self.focus.filter(|&q| q >= nq) {
            return Err(ChartError::InvalidData(format!(
                "focus on query {q} of {nq}"
            )));
        }
        if self.weights.iter().any(|w| !w.is_finite()) {
            return Err(ChartError::InvalidData("weights must be finite".into()));
        }
        Ok(())
    }
}

/// Draws the two rows and the lines between them. With `focus`, that
/// query's lines are drawn strongly (with their weights written on them
/// when there are at most [`MAX_KEYS_WITH_NUMBERS`] keys) and its label
/// highlighted; the other lines fade. Weights below
/// [`MIN_LINE_WEIGHT`](crate::attention_lines::MIN_LINE_WEIGHT) get no
/// line.
///
/// Hover: [`HoverTarget::Token`] over a query ([`TokenSide::Query`], for
/// the app to set the focus) or a key ([`TokenSide::Key`]), with the
/// strongest attention from or to it in the label.
pub fn draw_bipartite_attention<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &BipartiteSpec,
) -> Result<HoverMap, ChartError> {
    spec.check()?;
    if spec.queries.is_empty() || spec.keys.is_empty() {
        return draw_message(area, "no tokens to show");
    }
    area.fill(&WHITE)?;
    let layout = BipartiteLayout::of(spec, area.dim_in_pixel(), area)?;
    draw_titles(area, spec, &layout)?;
    draw_weight_lines(area, &layout.lines, line_color())?;
    draw_focus(area, &layout)?;
    draw_rows(area, spec, &layout)?;
    let base_px = area.get_base_pixel();
    Ok(hover_map(
        layout.queries.cells.shifted(base_px),
        layout.keys.cells.shifted(base_px),
        spec,
    ))
}

/// The titles above the queries and below the keys.
fn draw_titles<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &BipartiteSpec,
    layout: &BipartiteLayout,
) -> Result<(), ChartError> {
    let style = centered(font(layout.title_px));
    if let Some(at) = layout.query_title_at {
        area.draw_text(&spec.query_label, &style, at)?;
    }
    if let Some(at) = layout.key_title_at {
        area.draw_text(&spec.key_label, &style, at)?;
    }
    Ok(())
}

/// The focused query: a tinted band, and its weights on its lines.
fn draw_focus<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    layout: &BipartiteLayout,
) -> Result<(), ChartError> {
    if let Some(r) = layout.focus_band {
        area.draw(&Rectangle::new(
            [(r.x0, r.y0), (r.x1, r.y1)],
            line_color().mix(0.18).filled(),
        ))?;
    }
    let style = centered(font(layout.weight_px));
    for label in &layout.weight_labels {
        let b = label.backdrop;
        area.draw(&Rectangle::new(
            [(b.x0, b.y0), (b.x1, b.y1)],
            WHITE.mix(0.85).filled(),
        ))?;
        area.draw_text(&label.text, &style, label.at_px)?;
    }
    Ok(())
}

/// The query labels (the focused one in the line colour, the others
/// dimmed) and the key labels.
fn draw_rows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &BipartiteSpec,
    layout: &BipartiteLayout,
) -> Result<(), ChartError> {
    let base_px = area.get_base_pixel();
    let query_ink = |i: usize| match spec.focus {
        Some(q) if q == i => line_color(),
        Some(_) => DIMMED,
        None => INK,
    };
    draw_tokens(
        area,
        &spec.queries,
        &layout.queries.cells.shifted(base_px),
        &layout.queries.font,
        layout.queries.y_px(),
        Facing::Down,
        query_ink,
        spec.focus,
    )?;
    draw_tokens(
        area,
        &spec.keys,
        &layout.keys.cells.shifted(base_px),
        &layout.keys.font,
        layout.keys.y_px(),
        Facing::Up,
        |_| INK,
        None,
    )
}

/// Hover over the rows: the query or key under the cursor, with the key it
/// attends to most or the query that attends to it most.
fn hover_map(queries: CellGrid, keys: CellGrid, spec: &BipartiteSpec) -> HoverMap {
    let (nq, nk) = (spec.queries.len(), spec.keys.len());
    let weights = &spec.weights;
    let strongest = |cells: &mut dyn Iterator<Item = (usize, f32)>| {
        cells.fold(None, |best: Option<(usize, f32)>, (i, v)| match best {
            Some((_, b)) if b >= v => best,
            _ => Some((i, v)),
        })
    };
    let query_labels: Vec<String> = (0..nq)
        .map(|q| {
            let name = format!("query “{}” ({q})", spec.queries[q]);
            match strongest(&mut (0..nk).map(|k| (k, weights[q * nk + k]))) {
                Some((k, v)) => format!(
                    "{name}\nmost attention → “{}” ({k}) = {}",
                    spec.keys[k],
                    fmt_value(v as f64)
                ),
                None => name,
            }
        })
        .collect();
    let key_labels: Vec<String> = (0..nk)
        .map(|k| {
            let name = format!("key “{}” ({k})", spec.keys[k]);
            match strongest(&mut (0..nq).map(|q| (q, weights[q * nk + k]))) {
                Some((q, v)) => format!(
                    "{name}\nmost attention from “{}” ({q}) = {}",
                    spec.queries[q],
                    fmt_value(v as f64)
                ),
                None => name,
            }
        })
        .collect();
    let plot = PixelRect {
        x0: queries.rect.x0,
        y0: queries.rect.y0,
        x1: queries.rect.x1,
        y1: keys.rect.y1,
    };
    HoverMap::new(plot, move |px| {
        let (side, grid, labels) = if queries.rect.contains(px) {
            (TokenSide::Query, &queries, &query_labels)
        } else if keys.rect.contains(px) {
            (TokenSide::Key, &keys, &key_labels)
        } else {
            return None;
        };
        let (_, index) = grid.cell_at(px)?;
        Some(HoverValue {
            target: HoverTarget::Token { side, index },
            anchor: grid.cell_center(0, index),
            label: labels[index].clone(),
        })
    })
}
