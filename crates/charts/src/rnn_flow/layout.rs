//! Where the parts of the recurrent-network chart go, worked out before
//! anything is drawn, in pixels of the chart's own area.

use super::RnnFlowSpec;
use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::hover::PixelRect;
use crate::measure::TextMeasure;
use crate::style::{Sizes, MIN_PX};
use crate::token_row::{fit_tokens, RowFont};

/// One word's share of a state: a slice of the state's stacked bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ShareSlice {
    /// The word, which also picks the slice's colour.
    pub(crate) word: usize,
    /// Top and bottom pixel rows (top < bottom).
    pub(crate) y_px: (i32, i32),
}

/// One hidden state's box above its token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StateBox {
    /// Left and right edge of the frame.
    pub(crate) x_px: (i32, i32),
    /// Computed already; an unread state is drawn empty and grey.
    pub(crate) read: bool,
    /// Width of the frame: the current state's is the widest.
    pub(crate) frame_px: u32,
    /// The words' shares, word 0 at the bottom (none when unread; a share
    /// too small for a pixel gets no slice).
    pub(crate) slices: Vec<ShareSlice>,
}

/// An arrow into a state, from its word or from the previous state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FlowArrow {
    pub(crate) from_px: (i32, i32),
    pub(crate) to_px: (i32, i32),
    pub(crate) width_px: u32,
}

/// Everything the drawing passes of [`super::draw_rnn_flow`] paint, from
/// the bottom up: the token row, a colour swatch per word read, the
/// arrows, the state boxes and their labels.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RnnFlowLayout {
    /// One column per token, from the top margin to the bottom of the
    /// token row; the hover answers over it.
    pub(crate) columns: CellGrid,
    pub(crate) row: RowFont,
    /// Top and bottom of the token row.
    pub(crate) row_y_px: (i32, i32),
    /// Top and bottom of the word colour swatches above the tokens.
    pub(crate) swatch_y_px: (i32, i32),
    pub(crate) swatch_half_w_px: i32,
    /// Top and bottom of every state box.
    pub(crate) box_y_px: (i32, i32),
    /// Font size of the `hₜ` labels above the boxes.
    pub(crate) state_label_px: f64,
    /// Length of the arrow heads.
    pub(crate) arrow_head_px: f64,
    /// The state computed last, on a tinted band.
    pub(crate) current: Option<usize>,
    /// The number of tokens read (the states and swatches drawn in colour).
    pub(crate) step: usize,
    pub(crate) states: Vec<StateBox>,
    pub(crate) arrows: Vec<FlowArrow>,
}

impl RnnFlowLayout {
    /// The layout of a checked `spec` with at least one token on an area
    /// of `size_px`; `shares` is [`super::rnn_retention`] of the spec.
    pub(crate) fn of<M: TextMeasure + ?Sized>(
        spec: &RnnFlowSpec,
        shares: &[Vec<f32>],
        size_px: (u32, u32),
        measure: &M,
    ) -> Result<RnnFlowLayout, ChartError> {
        let n = spec.tokens.len();
        let sizes = Sizes::for_size_px(size_px);
        let (w, h) = (size_px.0 as i32, size_px.1 as i32);
        let m = sizes.margin();
        let pitch = (w - 2 * m).max(1) as f64 / n as f64;

        // from the bottom: tokens, the word colours, arrows, states, labels
        let row = fit_tokens(measure, &spec.tokens, pitch, sizes.tick, h * 3 / 10)?;
        let row_y1 = h - m;
        let row_y0 = row_y1 - row.height;
        let swatch_h = (sizes.tick * 0.35).max(3.0) as i32;
        let swatch_y1 = row_y0 - 2;
        let swatch_y0 = swatch_y1 - swatch_h;
        let arrow_len = ((h as f64 * 0.1).max(sizes.tick * 1.4)) as i32;
        let box_y1 = swatch_y0 - arrow_len;
        let state_label_px = (pitch / 2.2).clamp(MIN_PX, sizes.title);
        let label_h = (state_label_px * 1.5) as i32;
        let box_y0 = (m + label_h).min(box_y1);
        let box_half = ((pitch * 0.3).min(sizes.tick * 2.5).max(1.0)) as i32;
        let columns = CellGrid::new(
            PixelRect {
                x0: m,
                y0: m,
                x1: w - m,
                y1: row_y1,
            },
            1,
            n,
        );
        let cx = |t: usize| columns.cell_center(0, t).0;
        let current = spec.step.checked_sub(1);

        let inner_h = (box_y1 - box_y0 - 4).max(0) as f64;
        let states = (0..n)
            .map(|t| StateBox {
                x_px: (cx(t) - box_half, cx(t) + box_half),
                read: t < spec.step,
                frame_px: match (t < spec.step, current == Some(t)) {
                    (false, _) => 1,
                    (true, false) => 2,
                    (true, true) => 3,
                },
                slices: shares
                    .get(t)
                    .map_or_else(Vec::new, |row| share_slices(row, box_y1 - 2, inner_h)),
            })
            .collect();

        let mid_y = (box_y0 + box_y1) / 2;
        let arrows = flow_arrows(spec.step, cx, (swatch_y0 - 2, box_y1, mid_y), box_half);

        Ok(RnnFlowLayout {
            columns,
            row,
            row_y_px: (row_y0, row_y1),
            swatch_y_px: (swatch_y0, swatch_y1),
            swatch_half_w_px: (pitch * 0.3) as i32,
            box_y_px: (box_y0, box_y1),
            state_label_px,
            arrow_head_px: (sizes.tick * 0.6).min(pitch * 0.2).max(3.0),
            current,
            step: spec.step,
            states,
            arrows,
        })
    }

    /// Centre of token `t`'s column.
    pub(crate) fn center_x(&self, t: usize) -> i32 {
        self.columns.cell_center(0, t).0
    }

    /// Height of the middle of the state boxes, where the relay arrows run.
    pub(crate) fn mid_y(&self) -> i32 {
        (self.box_y_px.0 + self.box_y_px.1) / 2
    }
}

/// The arrows into the first `step` states, whose columns are centred at
/// `cx(t)`: up from the word (from `word_y` to `box_bottom_y`) and, at
/// `mid_y`, across from the previous state (the relay); the current
/// state's are wider.
fn flow_arrows(
    step: usize,
    cx: impl Fn(usize) -> i32,
    (word_y, box_bottom_y, mid_y): (i32, i32, i32),
    box_half: i32,
) -> Vec<FlowArrow> {
    let mut arrows = Vec::with_capacity(2 * step);
    for t in 0..step {
        let width_px = if t + 1 == step { 3 } else { 2 };
        arrows.push(FlowArrow {
            from_px: (cx(t), word_y),
            to_px: (cx(t), box_bottom_y),
            width_px,
        });
        if t > 0 {
            arrows.push(FlowArrow {
                from_px: (cx(t - 1) + box_half + 1, mid_y),
                to_px: (cx(t) - box_half, mid_y),
                width_px,
            });
        }
    }
    arrows
}

/// The slices of one state's bar of `height_px` standing on `bottom_px`,
/// word 0 lowest; edges are rounded from the running sum so the slices
/// meet without gaps.
fn share_slices(shares: &[f32], bottom_px: i32, height_px: f64) -> Vec<ShareSlice> {
    let mut slices = Vec::with_capacity(shares.len());
    let mut below = 0.0f64;
    for (word, &share) in shares.iter().enumerate() {
        let y_lo = bottom_px - (below * height_px).round() as i32;
        below += share as f64;
        let y_hi = bottom_px - (below * height_px).round() as i32;
        if y_hi < y_lo {
            slices.push(ShareSlice {
                word,
                y_px: (y_hi, y_lo),
            });
        }
    }
    slices
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::HalfEm;
    use crate::rnn_flow::rnn_retention;

    /// 314 × 200 px: tick font 9 px, title 9.6 px, margin 7 px, so three
    /// tokens get columns exactly 100 px wide from x = 7.
    fn three_words_two_read() -> (RnnFlowSpec, Vec<Vec<f32>>) {
        let spec = RnnFlowSpec {
            tokens: vec!["a".into(), "bb".into(), "c".into()],
            step: 2,
            retention: 0.5,
        };
        let shares = rnn_retention(3, 2, 0.5);
        (spec, shares)
    }

    #[test]
    fn rows_stack_up_from_the_bottom_margin() {
        let (spec, shares) = three_words_two_read();
        let layout = RnnFlowLayout::of(&spec, &shares, (314, 200), &HalfEm).unwrap();
        // "bb" is 9 px wide at 9 px, well inside 92 px: one row across,
        // ⌈1.5 · 9⌉ = 14 px high, ending at 200 − 7
        assert!(!layout.row.upright);
        assert_eq!(layout.row.size, 9.0);
        assert_eq!(layout.row_y_px, (179, 193));
        // swatches 3 px high, 2 px above the row
        assert_eq!(layout.swatch_y_px, (174, 177));
        assert_eq!(layout.swatch_half_w_px, 30);
        // arrows 0.1 · 200 = 20 px long; labels 9.6 px (title size), 14 px high
        assert_eq!(layout.box_y_px, (21, 154));
        assert!((layout.state_label_px - 9.6).abs() < 1e-9);
        assert_eq!(layout.arrow_head_px, 9.0 * 0.6);
        assert_eq!(layout.current, Some(1));
    }

    #[test]
    fn states_sit_over_their_tokens_and_stack_the_shares() {
        let (spec, shares) = three_words_two_read();
        let layout = RnnFlowLayout::of(&spec, &shares, (314, 200), &HalfEm).unwrap();
        // columns 7..107, 107..207, 207..307; half a box is min(30, 22.5) → 22
        assert_eq!([0, 1, 2].map(|t| layout.center_x(t)), [56, 156, 256]);
        let frames: Vec<_> = layout
            .states
            .iter()
            .map(|s| (s.x_px, s.read, s.frame_px))
            .collect();
        assert_eq!(
            frames,
            [
                ((34, 78), true, 2),
                ((134, 178), true, 3),
                ((234, 278), false, 1)
            ]
        );
        // the bars stand on 154 − 2 and are 154 − 21 − 4 = 129 px high:
        // h₁ is all word 0, h₂ a third word 0 (43 px) and two thirds word 1
        let slice = |word, y_px| ShareSlice { word, y_px };
        assert_eq!(layout.states[0].slices, [slice(0, (23, 152))]);
        assert_eq!(
            layout.states[1].slices,
            [slice(0, (109, 152)), slice(1, (23, 109))]
        );
        assert!(layout.states[2].slices.is_empty());
    }

    #[test]
    fn arrows_come_from_the_word_and_the_previous_state() {
        let (spec, shares) = three_words_two_read();
        let layout = RnnFlowLayout::of(&spec, &shares, (314, 200), &HalfEm).unwrap();
        let arrow = |from_px, to_px, width_px| FlowArrow {
            from_px,
            to_px,
            width_px,
        };
        // up from 2 px above the swatch to the box's bottom; the relay at
        // the boxes' middle (21 + 154) / 2, from 1 px right of h₁ to h₂
        assert_eq!(
            layout.arrows,
            [
                arrow((56, 172), (56, 154), 2),
                arrow((156, 172), (156, 154), 3),
                arrow((79, 87), (134, 87), 3),
            ]
        );
    }

    #[test]
    fn a_share_too_thin_for_a_pixel_gets_no_slice() {
        let slices = share_slices(&[0.001, 0.999], 100, 50.0);
        assert_eq!(
            slices,
            [ShareSlice {
                word: 1,
                y_px: (50, 100)
            }]
        );
    }
}
