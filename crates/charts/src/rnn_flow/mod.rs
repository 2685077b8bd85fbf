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
use crate::hover::{fmt_value, HoverMap, HoverTarget, HoverValue};
use crate::message::draw_message;
use crate::palette::{series_color, INK};
use crate::style::{font, with_color};
use crate::token_row::{draw_tokens, subscript, Facing};

mod layout;

use layout::RnnFlowLayout;

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
    let layout = RnnFlowLayout::of(spec, &shares, area.dim_in_pixel(), area)?;
    draw_current_band(area, &layout)?;
    draw_states(area, &layout)?;
    draw_arrows(area, &layout)?;
    draw_token_row(area, spec, &layout)?;
    Ok(hover_map(spec, shares, &layout, area.get_base_pixel()))
}

/// The tinted band behind the current step's column.
fn draw_current_band<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    layout: &RnnFlowLayout,
) -> Result<(), ChartError> {
    if let Some(t) = layout.current {
        let r = layout.columns.cell_rect(0, t);
        area.draw(&Rectangle::new(
            [(r.x0, r.y0), (r.x1, r.y1)],
            CURRENT_BAND.filled(),
        ))?;
    }
    Ok(())
}

/// The states: a stacked bar of the words' shares inside each one read,
/// an empty grey box for the others, each labelled `hₜ` above.
fn draw_states<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    layout: &RnnFlowLayout,
) -> Result<(), ChartError> {
    let (box_y0, box_y1) = layout.box_y_px;
    for (t, state) in layout.states.iter().enumerate() {
        let (x0, x1) = state.x_px;
        if state.read {
            for slice in &state.slices {
                let corners = [(x0 + 2, slice.y_px.0), (x1 - 2, slice.y_px.1)];
                area.draw(&Rectangle::new(corners, series_color(slice.word).filled()))?;
                area.draw(&Rectangle::new(corners, WHITE.stroke_width(1)))?;
            }
        } else {
            area.draw(&Rectangle::new(
                [(x0, box_y0), (x1, box_y1)],
                UNREAD_FILL.filled(),
            ))?;
        }
        let ink = if state.read { INK } else { UNREAD };
        area.draw(&Rectangle::new(
            [(x0, box_y0), (x1, box_y1)],
            ink.stroke_width(state.frame_px),
        ))?;
        let label = font(layout.state_label_px).pos(Pos::new(HPos::Center, VPos::Bottom));
        area.draw_text(
            &format!("h{}", subscript(t + 1)),
            &with_color(label, ink),
            (layout.center_x(t), box_y0 - 3),
        )?;
    }
    Ok(())
}

/// The arrows into the states read: from the word and from the previous
/// state.
fn draw_arrows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    layout: &RnnFlowLayout,
) -> Result<(), ChartError> {
    for arrow in &layout.arrows {
        // an arrow shorter than its head is left out: nothing to report
        draw_arrow(
            area,
            arrow.from_px,
            arrow.to_px,
            INK.to_rgba(),
            arrow.width_px,
            layout.arrow_head_px,
            1.0,
        )?;
    }
    Ok(())
}

/// The tokens, with their word colour above the ones read.
fn draw_token_row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &RnnFlowSpec,
    layout: &RnnFlowLayout,
) -> Result<(), ChartError> {
    let (swatch_y0, swatch_y1) = layout.swatch_y_px;
    let half = layout.swatch_half_w_px;
    for t in 0..layout.step {
        let cx = layout.center_x(t);
        area.draw(&Rectangle::new(
            [(cx - half, swatch_y0), (cx + half, swatch_y1)],
            series_color(t).filled(),
        ))?;
    }
    draw_tokens(
        area,
        &spec.tokens,
        &layout.columns.shifted(area.get_base_pixel()),
        &layout.row,
        layout.row_y_px,
        Facing::Up,
        |t| if t < layout.step { INK } else { UNREAD },
        layout.current,
    )
}

/// Hover over a token's column: the state's share of every word read.
fn hover_map(
    spec: &RnnFlowSpec,
    shares: Vec<Vec<f32>>,
    layout: &RnnFlowLayout,
    base_px: (i32, i32),
) -> HoverMap {
    let columns = layout.columns.shifted(base_px);
    let tokens = spec.tokens.clone();
    let step = spec.step;
    let anchor_y = base_px.1 + layout.mid_y();
    HoverMap::new(columns.rect, move |px| {
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
    })
}
