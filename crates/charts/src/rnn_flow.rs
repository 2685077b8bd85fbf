//! How a recurrent network reads a sentence: one word per step, each hidden
//! state `hₜ` made from the word and the previous state (the relay). Inside
//! every state a stacked bar shows how much of each earlier word is still
//! in it, so the first word can be seen fading as the sentence goes on.
//!
//! The shares are illustrative, not a trained network's: a state keeps
//! `retention` of the previous one and adds the new word with weight 1, so
//! word `i`'s share in `hₜ` is `retentionᵗ⁻ⁱ` normalised (see
//! [`rnn_retention`]).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::arrow::draw_arrow;
use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::hover::{fmt_value, HoverMap, HoverTarget, HoverValue, PixelRect};
use crate::message::draw_message;
use crate::palette::{series_color, INK};
use crate::style::{font, with_color, Sizes, MIN_PX};
use crate::token_row::{draw_tokens, fit_tokens, subscript, Facing};

/// Tokens and states not read yet.
const UNREAD: RGBColor = RGBColor(175, 175, 175);
/// The inside of a state not computed yet.
const UNREAD_FILL: RGBColor = RGBColor(246, 246, 246);
/// The band behind the current step.
const CURRENT_BAND: RGBColor = RGBColor(255, 239, 204);

/// Everything [`draw_rnn_flow`] needs.
#[derive(Debug, Clone, PartialEq)]
pub struct RnnFlowSpec {
    /// The sentence, one token per step.
    pub tokens: Vec<String>,
    /// How many tokens the network has read so far, `0..=tokens.len()`;
    /// the state `h_step` is the current one.
    pub step: usize,
    /// How much of the previous state survives each step, in `[0, 1]`,
    /// e.g. 0.6.
    pub retention: f32,
}

impl RnnFlowSpec {
    fn check(&self) -> Result<(), ChartError> {
        if self.step > self.tokens.len() {
            return Err(ChartError::InvalidData(format!(
                "step {} of a sentence of {} tokens",
                self.step,
                self.tokens.len()
            )));
        }
        if !(0.0..=1.0).contains(&self.retention) {
            return Err(ChartError::InvalidData(format!(
                "retention {} is not in [0, 1]",
                self.retention
            )));
        }
        Ok(())
    }
}

/// The share of every word in every state read so far: row `t` (for
/// `t < min(step, n_tokens)`) holds the shares of words `0..=t` in `hₜ`
/// (0-based: the state after reading word `t`), proportional to
/// `retention^(t−i)` and summing to 1. `retention` is clamped to
/// `[0, 1]` (NaN counts as 0: each state holds only its own word).
///
/// ```
/// let shares = attend_charts::rnn_retention(3, 3, 0.5);
/// assert_eq!(shares[1], [1.0 / 3.0, 2.0 / 3.0]);
/// assert_eq!(shares[2], [1.0 / 7.0, 2.0 / 7.0, 4.0 / 7.0]);
/// ```
pub fn rnn_retention(n_tokens: usize, step: usize, retention: f32) -> Vec<Vec<f32>> {
    let r = if retention.is_nan() {
        0.0
    } else {
        retention.clamp(0.0, 1.0) as f64
    };
    (0..step.min(n_tokens))
        .map(|t| {
            let raw: Vec<f64> = (0..=t).map(|i| r.powi((t - i) as i32)).collect();
            let sum: f64 = raw.iter().sum();
            raw.iter().map(|v| (v / sum) as f32).collect()
        })
        .collect()
}

/// Draws the tokens in a row along the bottom, a hidden state above each,
/// arrows into the states read so far (from their word and from the
/// previous state) and, inside each, the share of every word it still
/// holds (word 0 at the bottom, in the colour of the bar under its token).
/// The current state is on a tinted band; what is not read yet is grey.
///
/// Hover: anywhere over a token's column, [`HoverTarget::Cell`] with `row`
/// the state's index `t` (0-based), `col` 0 and `value` the share of the
/// first word in `hₜ` (NaN for a state not computed yet); the label lists
/// every word's share.
pub fn draw_rnn_flow<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &RnnFlowSpec,
) -> Result<HoverMap, ChartError> {
    spec.check()?;
    let n = spec.tokens.len();
    if n == 0 {
        return draw_message(area, "no tokens to show");
    }
    area.fill(&WHITE)?;
    let shares = rnn_retention(n, spec.step, spec.retention);
    let sizes = Sizes::of(area);
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let m = sizes.margin();
    let (bx, by) = area.get_base_pixel();
    let pitch = (w - 2 * m).max(1) as f64 / n as f64;

    // from the bottom: tokens, the word colours, arrows, states, labels
    let row = fit_tokens(area, &spec.tokens, pitch, sizes.tick, h * 3 / 10)?;
    let row_y1 = h - m;
    let row_y0 = row_y1 - row.height;
    let swatch_h = (sizes.tick * 0.35).max(3.0) as i32;
    let swatch_y1 = row_y0 - 2;
    let swatch_y0 = swatch_y1 - swatch_h;
    let arrow_len = ((h as f64 * 0.1).max(sizes.tick * 1.4)) as i32;
    let box_y1 = swatch_y0 - arrow_len;
    let label_size = (pitch / 2.2).clamp(MIN_PX, sizes.title);
    let label_h = (label_size * 1.5) as i32;
    let box_y0 = (m + label_h).min(box_y1);
    let box_half = ((pitch * 0.3).min(sizes.tick * 2.5).max(1.0)) as i32;
    let columns = CellGrid::new(
        PixelRect {
            x0: bx + m,
            y0: by + m,
            x1: bx + w - m,
            y1: by + row_y1,
        },
        1,
        n,
    );
    let cx = |t: usize| columns.cell_center(0, t).0 - bx;
    let current = spec.step.checked_sub(1);

    if let Some(t) = current {
        let r = columns.cell_rect(0, t);
        area.draw(&Rectangle::new(
            [(r.x0 - bx, r.y0 - by), (r.x1 - bx, r.y1 - by)],
            CURRENT_BAND.filled(),
        ))?;
    }

    // the states: a stacked bar of the words' shares inside each one read
    let inner_h = (box_y1 - box_y0 - 4).max(0) as f64;
    for t in 0..n {
        let (x0, x1) = (cx(t) - box_half, cx(t) + box_half);
        let read = t < spec.step;
        if let Some(row) = shares.get(t) {
            let bottom = box_y1 - 2;
            let mut below = 0.0f64;
            for (i, &s) in row.iter().enumerate() {
                let y_lo = bottom - (below * inner_h).round() as i32;
                below += s as f64;
                let y_hi = bottom - (below * inner_h).round() as i32;
                if y_hi >= y_lo {
                    continue;
                }
                let corners = [(x0 + 2, y_hi), (x1 - 2, y_lo)];
                area.draw(&Rectangle::new(corners, series_color(i).filled()))?;
                area.draw(&Rectangle::new(corners, WHITE.stroke_width(1)))?;
            }
        } else {
            area.draw(&Rectangle::new(
                [(x0, box_y0), (x1, box_y1)],
                UNREAD_FILL.filled(),
            ))?;
        }
        let (ink, stroke) = match (read, current == Some(t)) {
            (false, _) => (UNREAD, 1),
            (true, false) => (INK, 2),
            (true, true) => (INK, 3),
        };
        area.draw(&Rectangle::new(
            [(x0, box_y0), (x1, box_y1)],
            ink.stroke_width(stroke),
        ))?;
        let label = font(label_size).pos(Pos::new(HPos::Center, VPos::Bottom));
        area.draw_text(
            &format!("h{}", subscript(t + 1)),
            &with_color(label, ink),
            (cx(t), box_y0 - 3),
        )?;
    }

    // the arrows: word → state, previous state → state (the relay)
    let head = (sizes.tick * 0.6).min(pitch * 0.2).max(3.0);
    let mid_y = (box_y0 + box_y1) / 2;
    for t in 0..spec.step {
        let width = if current == Some(t) { 3 } else { 2 };
        let color = INK.to_rgba();
        draw_arrow(
            area,
            (cx(t), swatch_y0 - 2),
            (cx(t), box_y1),
            color,
            width,
            head,
            1.0,
        )?;
        if t > 0 {
            draw_arrow(
                area,
                (cx(t - 1) + box_half + 1, mid_y),
                (cx(t) - box_half, mid_y),
                color,
                width,
                head,
                1.0,
            )?;
        }
    }

    // the tokens, with their word colour above the ones read
    for t in 0..spec.step {
        let half = (pitch * 0.3) as i32;
        area.draw(&Rectangle::new(
            [(cx(t) - half, swatch_y0), (cx(t) + half, swatch_y1)],
            series_color(t).filled(),
        ))?;
    }
    draw_tokens(
        area,
        &spec.tokens,
        &columns,
        &row,
        (row_y0, row_y1),
        Facing::Up,
        |t| if t < spec.step { INK } else { UNREAD },
        current,
    )?;

    let tokens = spec.tokens.clone();
    let step = spec.step;
    let anchor_y = by + mid_y;
    Ok(HoverMap::new(columns.rect, move |px| {
        let (_, t) = columns.cell_at(px)?;
        let name = format!("h{} (state {t})", subscript(t + 1));
        let anchor = (columns.cell_center(0, t).0, anchor_y);
        if t >= step {
            return Some(HoverValue {
                target: HoverTarget::Cell {
                    row: t,
                    col: 0,
                    value: f64::NAN,
                },
                anchor,
                label: format!(
                    "{name}\nnot read yet: “{}” comes at step {}",
                    tokens[t],
                    t + 1
                ),
            });
        }
        let mut label = format!("{name}\nafter reading “{}”", tokens[t]);
        for (i, &s) in shares[t].iter().enumerate() {
            label.push_str(&format!("\n{}: {}", tokens[i], fmt_value(s as f64)));
        }
        Some(HoverValue {
            target: HoverTarget::Cell {
                row: t,
                col: 0,
                value: shares[t][0] as f64,
            },
            anchor,
            label,
        })
    }))
}
