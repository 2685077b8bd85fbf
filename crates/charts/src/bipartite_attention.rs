//! Cross-attention: the decoder's tokens (queries) in a row at the top, the
//! encoder's (keys) in a row at the bottom, and a line from each query to
//! each key, the wider and the more opaque the larger the weight. A focused
//! query keeps its lines strong, with the weights written on them; the
//! others fade.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::attention_lines::{TokenSide, MIN_LINE_WEIGHT};
use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::hover::{fmt_value, HoverMap, HoverTarget, HoverValue, PixelRect};
use crate::message::draw_message;
use crate::palette::{series_color, INK};
use crate::style::{centered, font, Sizes};
use crate::token_row::{draw_tokens, fit_tokens, Facing};

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
/// highlighted; the other lines fade. Weights below [`MIN_LINE_WEIGHT`]
/// get no line.
///
/// Hover: [`HoverTarget::Token`] over a query ([`TokenSide::Query`], for
/// the app to set the focus) or a key ([`TokenSide::Key`]), with the
/// strongest attention from or to it in the label.
pub fn draw_bipartite_attention<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &BipartiteSpec,
) -> Result<HoverMap, ChartError> {
    spec.check()?;
    let (nq, nk) = (spec.queries.len(), spec.keys.len());
    if nq == 0 || nk == 0 {
        return draw_message(area, "no tokens to show");
    }
    area.fill(&WHITE)?;
    let sizes = Sizes::of(area);
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let m = sizes.margin();
    let (bx, by) = area.get_base_pixel();
    let width = (w - 2 * m).max(1) as f64;
    let (q_pitch, k_pitch) = (width / nq as f64, width / nk as f64);
    let label_h = |text: &str| {
        if text.is_empty() {
            0
        } else {
            (sizes.title * 1.6) as i32
        }
    };
    let (q_label_h, k_label_h) = (label_h(&spec.query_label), label_h(&spec.key_label));
    let q_row = fit_tokens(area, &spec.queries, q_pitch, sizes.tick, h / 4)?;
    let k_row = fit_tokens(area, &spec.keys, k_pitch, sizes.tick, h / 4)?;
    let q_y0 = m + q_label_h;
    let q_y1 = q_y0 + q_row.height;
    let k_y1 = h - m - k_label_h;
    let k_y0 = k_y1 - k_row.height;
    let row_grid = |y0: i32, y1: i32, n: usize| {
        CellGrid::new(
            PixelRect {
                x0: bx + m,
                y0: by + y0,
                x1: bx + w - m,
                y1: by + y1,
            },
            1,
            n,
        )
    };
    let queries = row_grid(q_y0, q_y1, nq);
    let keys = row_grid(k_y0, k_y1, nk);
    let qx = |q: usize| queries.cell_center(0, q).0 - bx;
    let kx = |k: usize| keys.cell_center(0, k).0 - bx;

    let title = centered(font(sizes.title));
    if q_label_h > 0 {
        area.draw_text(&spec.query_label, &title, (w / 2, m + q_label_h / 2))?;
    }
    if k_label_h > 0 {
        area.draw_text(&spec.key_label, &title, (w / 2, h - m - k_label_h / 2))?;
    }

    // the lines, faintest first so that strong ones stay on top; the
    // focused query's last
    let color = series_color(0);
    let gap = 4;
    let (y_from, y_to) = (q_y1 + gap, k_y0 - gap);
    let max_width = (q_pitch.min(k_pitch) * 0.12).clamp(1.5, 6.0);
    let mut lines: Vec<(bool, f32, usize, usize)> = (0..nq)
        .flat_map(|q| (0..nk).map(move |k| (q, k)))
        .map(|(q, k)| (spec.focus == Some(q), spec.weights[q * nk + k], q, k))
        .filter(|&(_, v, _, _)| v >= MIN_LINE_WEIGHT)
        .collect();
    lines.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    if y_to > y_from {
        for &(focused, v, q, k) in &lines {
            let v = (v as f64).min(1.0);
            let width = 1.0 + (v * (max_width - 1.0)).round();
            let style = if spec.focus.is_none() {
                color.mix(v).stroke_width(width as u32)
            } else if focused {
                let opacity = FOCUS_MIN_OPACITY + (1.0 - FOCUS_MIN_OPACITY) * v;
                color.mix(opacity).stroke_width(width as u32)
            } else {
                color.mix(v * FADED).stroke_width(1)
            };
            area.draw(&PathElement::new(
                vec![(qx(q), y_from), (kx(k), y_to)],
                style,
            ))?;
        }
    }

    // the focused query: a tinted band, and its weights on its lines
    if let Some(q) = spec.focus {
        let r = queries.cell_rect(0, q);
        area.draw(&Rectangle::new(
            [(r.x0 - bx, r.y0 - by), (r.x1 - bx, r.y1 - by)],
            color.mix(0.18).filled(),
        ))?;
        if nk <= MAX_KEYS_WITH_NUMBERS && y_to > y_from {
            let style = centered(font(sizes.small));
            for k in 0..nk {
                let v = spec.weights[q * nk + k];
                let text = format!("{v:.2}");
                // near the keys, where the lines are furthest apart
                let f = 0.72;
                let x = qx(q) as f64 + (kx(k) - qx(q)) as f64 * f;
                let y = y_from as f64 + (y_to - y_from) as f64 * f;
                let (tw, th) = area.estimate_text_size(&text, &style)?;
                let (x, y) = (x.round() as i32, y.round() as i32);
                let (hw, hh) = (tw as i32 / 2 + 2, th as i32 / 2 + 1);
                area.draw(&Rectangle::new(
                    [(x - hw, y - hh), (x + hw, y + hh)],
                    WHITE.mix(0.85).filled(),
                ))?;
                area.draw_text(&text, &style, (x, y))?;
            }
        }
    }

    let query_ink = |i: usize| match spec.focus {
        Some(q) if q == i => color,
        Some(_) => DIMMED,
        None => INK,
    };
    draw_tokens(
        area,
        &spec.queries,
        &queries,
        &q_row,
        (q_y0, q_y1),
        Facing::Down,
        query_ink,
        spec.focus,
    )?;
    draw_tokens(
        area,
        &spec.keys,
        &keys,
        &k_row,
        (k_y0, k_y1),
        Facing::Up,
        |_| INK,
        None,
    )?;

    Ok(hover_map(queries, keys, spec))
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
