//! The head view: the sentence twice, queries on the left and keys on the
//! right, with a line from each query to each key it attends to, the more
//! opaque and the wider the larger the weight (after BertViz's head view).
//! A focused query keeps only its own lines.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::attention_heatmap::check_attention;
use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::hover::{fmt_value, HoverMap, HoverTarget, HoverValue, PixelRect};
use crate::message::draw_message;
use crate::palette::{series_color, INK};
use crate::style::{centered, font, with_color, Sizes, MIN_PX};

/// Weights below this get no line: they would be all but invisible, and
/// there can be thousands of them.
pub const MIN_LINE_WEIGHT: f32 = 0.01;

/// Labels stacked this many font sizes apart still read as separate.
const LINE: f64 = 1.15;

/// Query labels of other tokens while one is focused.
const DIMMED: RGBColor = RGBColor(150, 150, 150);

/// The two columns of the head view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenSide {
    /// The left column: the tokens that attend.
    Query,
    /// The right column: the tokens attended to.
    Key,
}

/// Draws the head view of one attention map: `weights` is `T×T`
/// row-major, rows are queries and columns keys, for the `T` `tokens`.
/// With `focus`, only the lines of that query are drawn and its label is
/// highlighted. Hover: [`HoverTarget::Token`] over a token label (for the
/// app to set the focus); nothing between the columns.
pub fn draw_attention_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    tokens: &[String],
    weights: &[f32],
    focus: Option<usize>,
) -> Result<HoverMap, ChartError> {
    check_attention(tokens, weights)?;
    let t = tokens.len();
    if let Some(q) = focus.filter(|&q| q >= t) {
        return Err(ChartError::InvalidData(format!(
            "focus on token {q} of {t}"
        )));
    }
    if t == 0 {
        return draw_message(area, "no tokens to show");
    }
    area.fill(&WHITE)?;
    let sizes = Sizes::of(area);
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let margin = sizes.margin();
    // the grids are in backend pixels, drawing is relative to the area
    let (bx, by) = area.get_base_pixel();
    let at = |(x, y): (i32, i32)| (x - bx, y - by);

    // Column headings, then one row per token.
    let heading = font(sizes.title);
    let heading_h = (sizes.title * 1.6) as i32;
    let top = margin + heading_h;
    let body_h = (h - top - margin).max(0);
    let pitch = body_h as f64 / t as f64;
    let size = (pitch / LINE).clamp(MIN_PX, sizes.tick);
    let step = if pitch > 0.0 {
        ((size * LINE / pitch - 1e-9).ceil().max(1.0) as usize).min(t)
    } else {
        t
    };
    let label_font = font(size);
    let mut widest = 0;
    for token in tokens {
        widest = widest.max(area.estimate_text_size(token, &label_font)?.0 as i32);
    }
    let gap = (sizes.tick * 0.6) as i32;
    let col_w = (widest + gap).min(w * 3 / 10);
    let columns = |x0: i32| PixelRect {
        x0: bx + x0,
        y0: by + top,
        x1: bx + x0 + col_w,
        y1: by + top + body_h,
    };
    let queries = CellGrid::new(columns(margin), t, 1);
    let keys = CellGrid::new(columns(w - margin - col_w), t, 1);
    // text ends (queries) or starts (keys) here, the lines a gap further in
    let q_text_x = queries.rect.x1 - gap / 2;
    let k_text_x = keys.rect.x0 + gap / 2;

    let heading_y = by + margin + heading_h / 2;
    area.draw_text(
        "query",
        &centered(heading.clone()),
        at((queries.rect.x1 - col_w / 2, heading_y)),
    )?;
    area.draw_text(
        "key",
        &centered(heading),
        at((keys.rect.x0 + col_w / 2, heading_y)),
    )?;

    // The lines, faintest first so that strong ones stay on top.
    let color = series_color(0);
    let max_width = (pitch * 0.3).clamp(1.0, 6.0);
    let rows: Vec<usize> = match focus {
        Some(q) => vec![q],
        None => (0..t).collect(),
    };
    let mut lines: Vec<(f32, usize, usize)> = rows
        .iter()
        .flat_map(|&q| (0..t).map(move |k| (weights[q * t + k], q, k)))
        .filter(|&(v, _, _)| v >= MIN_LINE_WEIGHT)
        .collect();
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (x_from, x_to) = (queries.rect.x1 + gap / 2, keys.rect.x0 - gap / 2);
    if x_to > x_from {
        for &(v, q, k) in &lines {
            let v = (v as f64).min(1.0);
            let width = 1.0 + (v * (max_width - 1.0)).round();
            let style = color.mix(v).stroke_width(width as u32);
            area.draw(&PathElement::new(
                vec![
                    at((x_from, queries.cell_center(q, 0).1)),
                    at((x_to, keys.cell_center(k, 0).1)),
                ],
                style,
            ))?;
        }
    }

    // The labels, the focused query on a tinted band.
    if let Some(q) = focus {
        let r = queries.cell_rect(q, 0);
        let half = ((size * 0.8) as i32).min(r.height() / 2);
        let y = queries.cell_center(q, 0).1;
        area.draw(&Rectangle::new(
            [at((r.x0, y - half)), at((r.x1, y + half + 1))],
            color.mix(0.18).filled(),
        ))?;
    }
    let right = label_font.pos(Pos::new(HPos::Right, VPos::Center));
    let left = label_font.pos(Pos::new(HPos::Left, VPos::Center));
    for (i, token) in tokens.iter().enumerate() {
        let y = queries.cell_center(i, 0).1;
        let shown = i % step == 0;
        if shown || focus == Some(i) {
            let ink = match focus {
                Some(q) if q == i => color,
                Some(_) => DIMMED,
                None => INK,
            };
            area.draw_text(token, &with_color(right.clone(), ink), at((q_text_x, y)))?;
        }
        if shown {
            area.draw_text(token, &left, at((k_text_x, y)))?;
        }
    }

    Ok(hover_map(
        queries,
        keys,
        tokens,
        weights,
        (q_text_x, k_text_x),
    ))
}

/// Hover over the label columns: the query or key under the cursor, with
/// the key it attends to most or the query that attends to it most.
fn hover_map(
    queries: CellGrid,
    keys: CellGrid,
    tokens: &[String],
    weights: &[f32],
    (q_text_x, k_text_x): (i32, i32),
) -> HoverMap {
    let t = tokens.len();
    let strongest = |cells: &mut dyn Iterator<Item = (usize, f32)>| {
        cells
            .filter(|(_, v)| v.is_finite())
            .fold(None, |best: Option<(usize, f32)>, (i, v)| match best {
                Some((_, b)) if b >= v => best,
                _ => Some((i, v)),
            })
    };
    let name = |i: usize| format!("{} ({i})", tokens[i]);
    let mut query_labels = Vec::with_capacity(t);
    let mut key_labels = Vec::with_capacity(t);
    for i in 0..t {
        let to = strongest(&mut (0..t).map(|k| (k, weights[i * t + k])));
        let from = strongest(&mut (0..t).map(|q| (q, weights[q * t + i])));
        query_labels.push(match to {
            Some((k, v)) => format!(
                "query {}\nmost attention → {} = {}",
                name(i),
                name(k),
                fmt_value(v as f64)
            ),
            None => format!("query {}", name(i)),
        });
        key_labels.push(match from {
            Some((q, v)) => format!(
                "key {}\nmost attention from {} = {}",
                name(i),
                name(q),
                fmt_value(v as f64)
            ),
            None => format!("key {}", name(i)),
        });
    }
    let plot = PixelRect {
        x0: queries.rect.x0,
        y0: queries.rect.y0,
        x1: keys.rect.x1,
        y1: keys.rect.y1,
    };
    HoverMap::new(plot, move |px| {
        let (side, grid, labels, x) = if queries.rect.contains(px) {
            (TokenSide::Query, &queries, &query_labels, q_text_x)
        } else if keys.rect.contains(px) {
            (TokenSide::Key, &keys, &key_labels, k_text_x)
        } else {
            return None;
        };
        let (index, _) = grid.cell_at(px)?;
        Some(HoverValue {
            target: HoverTarget::Token { side, index },
            anchor: (x, grid.cell_center(index, 0).1),
            label: labels[index].clone(),
        })
    })
}
