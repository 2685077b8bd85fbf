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
use crate::style::{centered, font, with_color};

mod layout;

use layout::LinesLayout;

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
    let layout = LinesLayout::of(tokens, weights, focus, area.dim_in_pixel(), area)?;
    draw_headings(area, &layout)?;
    draw_weight_lines(area, &layout.lines, series_color(0))?;
    draw_labels(area, tokens, focus, &layout)?;

    let base_px = area.get_base_pixel();
    Ok(hover_map(
        layout.queries.shifted(base_px),
        layout.keys.shifted(base_px),
        tokens,
        weights,
        (
            layout.query_text_x_px + base_px.0,
            layout.key_text_x_px + base_px.0,
        ),
    ))
}

/// A line from a query to a key, as the head view and the cross-attention
/// chart draw them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct WeightLine {
    pub(crate) from_px: (i32, i32),
    pub(crate) to_px: (i32, i32),
    pub(crate) opacity: f64,
    pub(crate) width_px: u32,
}

/// Draws `lines` in order, in `color` at each line's opacity.
pub(crate) fn draw_weight_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[WeightLine],
    color: RGBColor,
) -> Result<(), ChartError> {
    for line in lines {
        area.draw(&PathElement::new(
            vec![line.from_px, line.to_px],
            color.mix(line.opacity).stroke_width(line.width_px),
        ))?;
    }
    Ok(())
}

fn draw_headings<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    layout: &LinesLayout,
) -> Result<(), ChartError> {
    let heading = centered(font(layout.heading_px));
    area.draw_text("query", &heading, layout.query_heading_at)?;
    area.draw_text("key", &heading, layout.key_heading_at)?;
    Ok(())
}

/// The labels, the focused query on a tinted band and in the line colour,
/// the other queries dimmed.
fn draw_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    tokens: &[String],
    focus: Option<usize>,
    layout: &LinesLayout,
) -> Result<(), ChartError> {
    let color = series_color(0);
    if let Some(r) = layout.focus_band {
        area.draw(&Rectangle::new(
            [(r.x0, r.y0), (r.x1, r.y1)],
            color.mix(0.18).filled(),
        ))?;
    }
    let label_font = font(layout.label_px);
    let right = label_font.pos(Pos::new(HPos::Right, VPos::Center));
    let left = label_font.pos(Pos::new(HPos::Left, VPos::Center));
    for (i, token) in tokens.iter().enumerate() {
        let y = layout.queries.cell_center(i, 0).1;
        let shown = i % layout.step == 0;
        if shown || focus == Some(i) {
            let ink = match focus {
                Some(q) if q == i => color,
                Some(_) => DIMMED,
                None => INK,
            };
            area.draw_text(
                token,
                &with_color(right.clone(), ink),
                (layout.query_text_x_px, y),
            )?;
        }
        if shown {
            area.draw_text(token, &left, (layout.key_text_x_px, y))?;
        }
    }
    Ok(())
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
