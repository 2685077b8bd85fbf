//! Where the head view's columns, lines and labels go, worked out before
//! anything is drawn, in pixels of the chart's own area.

use super::{WeightLine, LINE, MIN_LINE_WEIGHT};
use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::hover::PixelRect;
use crate::measure::{widest_px, TextMeasure};
use crate::style::{font, Sizes, MIN_PX};

/// Where the head view's columns, lines and labels go, in pixels of the
/// chart's own area.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LinesLayout {
    /// One row per token in the left (query) and right (key) column.
    pub(crate) queries: CellGrid,
    pub(crate) keys: CellGrid,
    pub(crate) heading_px: f64,
    pub(crate) query_heading_at: (i32, i32),
    pub(crate) key_heading_at: (i32, i32),
    /// Font size of the token labels.
    pub(crate) label_px: f64,
    /// Every `step`-th token is labelled (and the focused one).
    pub(crate) step: usize,
    /// Query labels end here, key labels start here.
    pub(crate) query_text_x_px: i32,
    pub(crate) key_text_x_px: i32,
    /// Faintest first so that strong ones stay on top.
    pub(crate) lines: Vec<WeightLine>,
    /// The tinted band behind the focused query's label.
    pub(crate) focus_band: Option<PixelRect>,
}

impl LinesLayout {
    /// The layout of checked, non-empty `T×T` `weights` for `tokens` with
    /// an optional (valid) `focus` on an area of `size_px`.
    pub(crate) fn of<M: TextMeasure + ?Sized>(
        tokens: &[String],
        weights: &[f32],
        focus: Option<usize>,
        size_px: (u32, u32),
        measure: &M,
    ) -> Result<LinesLayout, ChartError> {
        let t = tokens.len();
        let sizes = Sizes::for_size_px(size_px);
        let (w, h) = (size_px.0 as i32, size_px.1 as i32);
        let margin = sizes.margin();

        // Column headings, then one row per token.
        let heading_h = (sizes.title * 1.6) as i32;
        let top = margin + heading_h;
        let body_h = (h - top - margin).max(0);
        let pitch = body_h as f64 / t as f64;
        let label_px = (pitch / LINE).clamp(MIN_PX, sizes.tick);
        let step = if pitch > 0.0 {
            ((label_px * LINE / pitch - 1e-9).ceil().max(1.0) as usize).min(t)
        } else {
            t
        };
        let widest = widest_px(measure, tokens, &font(label_px))? as i32;
        let gap = (sizes.tick * 0.6) as i32;
        let col_w = (widest + gap).min(w * 3 / 10);
        let column = |x0: i32| PixelRect {
            x0,
            y0: top,
            x1: x0 + col_w,
            y1: top + body_h,
        };
        let queries = CellGrid::new(column(margin), t, 1);
        let keys = CellGrid::new(column(w - margin - col_w), t, 1);
        let heading_y = margin + heading_h / 2;

        // The lines run a gap further in than the labels.
        let (x_from, x_to) = (queries.rect.x1 + gap / 2, keys.rect.x0 - gap / 2);
        let lines = if x_to > x_from {
            let max_width = (pitch * 0.3).clamp(1.0, 6.0);
            weight_lines(weights, t, focus, max_width, |q, k| {
                (
                    (x_from, queries.cell_center(q, 0).1),
                    (x_to, keys.cell_center(k, 0).1),
                )
            })
        } else {
            Vec::new()
        };

        let focus_band = focus.map(|q| {
            let r = queries.cell_rect(q, 0);
            let half = ((label_px * 0.8) as i32).min(r.height() / 2);
            let y = queries.cell_center(q, 0).1;
            PixelRect {
                x0: r.x0,
                y0: y - half,
                x1: r.x1,
                y1: y + half + 1,
            }
        });
        Ok(LinesLayout {
            query_heading_at: (queries.rect.x1 - col_w / 2, heading_y),
            key_heading_at: (keys.rect.x0 + col_w / 2, heading_y),
            query_text_x_px: queries.rect.x1 - gap / 2,
            key_text_x_px: keys.rect.x0 + gap / 2,
            queries,
            keys,
            heading_px: sizes.title,
            label_px,
            step,
            lines,
            focus_band,
        })
    }
}

/// A line per weight of at least [`MIN_LINE_WEIGHT`] of the `t × t`
/// `weights` (only the `focus` query's when there is one), joining the
/// ends `ends(q, k)` gives, faintest first, wider the larger the weight
/// (up to `max_width`).
fn weight_lines(
    weights: &[f32],
    t: usize,
    focus: Option<usize>,
    max_width: f64,
    ends: impl Fn(usize, usize) -> ((i32, i32), (i32, i32)),
) -> Vec<WeightLine> {
    let rows: Vec<usize> = match focus {
        Some(q) => vec![q],
        None => (0..t).collect(),
    };
    let mut drawn: Vec<(f32, usize, usize)> = rows
        .iter()
        .flat_map(|&q| (0..t).map(move |k| (weights[q * t + k], q, k)))
        .filter(|&(v, _, _)| v >= MIN_LINE_WEIGHT)
        .collect();
    drawn.sort_by(|a, b| a.0.total_cmp(&b.0));
    drawn
        .iter()
        .map(|&(v, q, k)| {
            let v = (v as f64).min(1.0);
            let (from_px, to_px) = ends(q, k);
            WeightLine {
                from_px,
                to_px,
                opacity: v,
                width_px: (1.0 + (v * (max_width - 1.0)).round()) as u32,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::HalfEm;

    /// Three tokens on 300 × 200 px: tick font 9 px, title 9.6 px, margin
    /// 7 px; headings ⌊9.6 · 1.6⌋ = 15 px high, so the rows run from
    /// y = 22 to 193, 57 px each.
    fn three_tokens() -> (Vec<String>, Vec<f32>) {
        let tokens = vec!["a".into(), "bb".into(), "c".into()];
        #[rustfmt::skip]
        let weights = vec![
            0.5, 0.5, 0.0,
            0.0, 0.25, 0.75,
            0.0, 0.0, 1.0,
        ];
        (tokens, weights)
    }

    #[test]
    fn columns_are_as_wide_as_the_widest_label_and_a_gap() {
        let (tokens, weights) = three_tokens();
        let layout = LinesLayout::of(&tokens, &weights, None, (300, 200), &HalfEm).unwrap();
        // "bb" is 9 px wide at 9 px, the gap ⌊0.6 · 9⌋ = 5 px
        let column = |x0| PixelRect {
            x0,
            y0: 22,
            x1: x0 + 14,
            y1: 193,
        };
        assert_eq!(layout.queries.rect, column(7));
        assert_eq!(layout.keys.rect, column(300 - 7 - 14));
        assert_eq!((layout.label_px, layout.step), (9.0, 1));
        assert_eq!((layout.query_text_x_px, layout.key_text_x_px), (19, 281));
        assert_eq!(layout.query_heading_at, (14, 14));
        assert_eq!(layout.key_heading_at, (286, 14));
    }

    #[test]
    fn lines_join_the_row_centres_faintest_first() {
        let (tokens, weights) = three_tokens();
        let layout = LinesLayout::of(&tokens, &weights, None, (300, 200), &HalfEm).unwrap();
        // rows centred at 50, 107, 164; widths 1 + round(weight · 5), 6 px
        // at most (0.3 of the 57 px pitch is more)
        let line = |(q_y, k_y), opacity, width_px| WeightLine {
            from_px: (23, q_y),
            to_px: (277, k_y),
            opacity,
            width_px,
        };
        assert_eq!(
            layout.lines,
            [
                line((107, 107), 0.25, 2),
                line((50, 50), 0.5, 4),
                line((50, 107), 0.5, 4),
                line((107, 164), 0.75, 5),
                line((164, 164), 1.0, 6),
            ]
        );
        assert_eq!(layout.focus_band, None);
    }

    #[test]
    fn a_focused_query_keeps_only_its_lines_on_a_band() {
        let (tokens, weights) = three_tokens();
        let layout = LinesLayout::of(&tokens, &weights, Some(1), (300, 200), &HalfEm).unwrap();
        let ends: Vec<_> = layout.lines.iter().map(|l| (l.from_px, l.to_px)).collect();
        assert_eq!(ends, [((23, 107), (277, 107)), ((23, 107), (277, 164))]);
        // ⌊0.8 · 9⌋ = 7 px either side of the row's centre
        assert_eq!(
            layout.focus_band,
            Some(PixelRect {
                x0: 7,
                y0: 100,
                x1: 21,
                y1: 115
            })
        );
    }

    #[test]
    fn crowded_rows_label_every_other_token() {
        let tokens: Vec<String> = (0..30).map(|i| format!("w{i}")).collect();
        let weights = vec![1.0 / 30.0; 30 * 30];
        let layout = LinesLayout::of(&tokens, &weights, None, (300, 200), &HalfEm).unwrap();
        // 171 px for 30 rows: 5.7 px each, under a 9 px label · 1.15
        assert_eq!((layout.label_px, layout.step), (9.0, 2));
    }
}
