//! Where the two token rows, the lines between them and the focused
//! query's weights go, worked out before anything is drawn, in pixels of
//! the chart's own area.

use plotters::style::TextStyle;

use super::{BipartiteSpec, FADED, FOCUS_MIN_OPACITY, MAX_KEYS_WITH_NUMBERS};
use crate::attention_lines::{WeightLine, MIN_LINE_WEIGHT};
use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::hover::PixelRect;
use crate::measure::TextMeasure;
use crate::style::{centered, font, Sizes};
use crate::token_row::{fit_tokens, RowFont};

/// Gap between a token row and the ends of the lines.
const LINE_GAP_PX: i32 = 4;

/// Where along a focused line (from the query) its weight is written:
/// near the keys, where the lines are furthest apart.
const WEIGHT_AT: f64 = 0.72;

/// A weight written on one of the focused query's lines, on a pale
/// backdrop.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WeightLabel {
    pub(crate) text: String,
    /// The text's centre.
    pub(crate) at_px: (i32, i32),
    pub(crate) backdrop: PixelRect,
}

/// A row of tokens: its cells and how its labels are written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TokenRow {
    pub(crate) cells: CellGrid,
    pub(crate) font: RowFont,
}

impl TokenRow {
    pub(crate) fn y_px(&self) -> (i32, i32) {
        (self.cells.rect.y0, self.cells.rect.y1)
    }

    pub(crate) fn center_x(&self, i: usize) -> i32 {
        self.cells.cell_center(0, i).0
    }
}

/// Everything the drawing passes of [`super::draw_bipartite_attention`]
/// paint.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BipartiteLayout {
    pub(crate) queries: TokenRow,
    pub(crate) keys: TokenRow,
    /// Font size of the row titles.
    pub(crate) title_px: f64,
    /// Centres of the row titles (none for an empty title).
    pub(crate) query_title_at: Option<(i32, i32)>,
    pub(crate) key_title_at: Option<(i32, i32)>,
    /// Faintest first, the focused query's last, so that strong lines stay
    /// on top; none when the rows leave no room between them.
    pub(crate) lines: Vec<WeightLine>,
    /// The focused query's cell, tinted.
    pub(crate) focus_band: Option<PixelRect>,
    /// Font size of the weights on the focused query's lines.
    pub(crate) weight_px: f64,
    pub(crate) weight_labels: Vec<WeightLabel>,
}

impl BipartiteLayout {
    /// The layout of a checked `spec` with queries and keys on an area of
    /// `size_px`.
    pub(crate) fn of<M: TextMeasure + ?Sized>(
        spec: &BipartiteSpec,
        size_px: (u32, u32),
        measure: &M,
    ) -> Result<BipartiteLayout, ChartError> {
        let (nq, nk) = (spec.queries.len(), spec.keys.len());
        let sizes = Sizes::for_size_px(size_px);
        let (w, h) = (size_px.0 as i32, size_px.1 as i32);
        let m = sizes.margin();
        let width = (w - 2 * m).max(1) as f64;
        let (q_pitch, k_pitch) = (width / nq as f64, width / nk as f64);
        let title_h = |text: &str| {
            if text.is_empty() {
                0
            } else {
                (sizes.title * 1.6) as i32
            }
        };
        let (q_title_h, k_title_h) = (title_h(&spec.query_label), title_h(&spec.key_label));
        let q_font = fit_tokens(measure, &spec.queries, q_pitch, sizes.tick, h / 4)?;
        let k_font = fit_tokens(measure, &spec.keys, k_pitch, sizes.tick, h / 4)?;
        let q_y0 = m + q_title_h;
        let k_y1 = h - m - k_title_h;
        let row = |y0: i32, y1: i32, n: usize, font: RowFont| TokenRow {
            cells: CellGrid::new(
                PixelRect {
                    x0: m,
                    y0,
                    x1: w - m,
                    y1,
                },
                1,
                n,
            ),
            font,
        };
        let queries = row(q_y0, q_y0 + q_font.height, nq, q_font);
        let keys = row(k_y1 - k_font.height, k_y1, nk, k_font);
        let title_at = |h_px: i32, y: i32| (h_px > 0).then_some((w / 2, y));

        let (y_from, y_to) = (queries.y_px().1 + LINE_GAP_PX, keys.y_px().0 - LINE_GAP_PX);
        let room_for_lines = y_to > y_from;
        let max_width = (q_pitch.min(k_pitch) * 0.12).clamp(1.5, 6.0);
        let lines = if room_for_lines {
            weight_lines(spec, max_width, |q, k| {
                ((queries.center_x(q), y_from), (keys.center_x(k), y_to))
            })
        } else {
            Vec::new()
        };

        let weight_px = sizes.small;
        let weight_labels = match spec.focus {
            Some(q) if nk <= MAX_KEYS_WITH_NUMBERS && room_for_lines => {
                let from = (queries.center_x(q), y_from);
                let key_ends: Vec<_> = (0..nk).map(|k| (keys.center_x(k), y_to)).collect();
                let weights = &spec.weights[q * nk..(q + 1) * nk];
                weight_labels(
                    weights,
                    from,
                    &key_ends,
                    &centered(font(weight_px)),
                    measure,
                )?
            }
            _ => Vec::new(),
        };

        Ok(BipartiteLayout {
            focus_band: spec.focus.map(|q| queries.cells.cell_rect(0, q)),
            query_title_at: title_at(q_title_h, m + q_title_h / 2),
            key_title_at: title_at(k_title_h, h - m - k_title_h / 2),
            queries,
            keys,
            title_px: sizes.title,
            lines,
            weight_px,
            weight_labels,
        })
    }
}

/// The focused query's `weights` written on its lines from `from` to
/// each of `key_ends`, in `style`.
fn weight_labels<M: TextMeasure + ?Sized>(
    weights: &[f32],
    from: (i32, i32),
    key_ends: &[(i32, i32)],
    style: &TextStyle,
    measure: &M,
) -> Result<Vec<WeightLabel>, ChartError> {
    let mut labels = Vec::with_capacity(key_ends.len());
    for (&v, &to) in weights.iter().zip(key_ends) {
        let text = format!("{v:.2}");
        let along = |a: i32, b: i32| (a as f64 + (b - a) as f64 * WEIGHT_AT).round() as i32;
        let (x, y) = (along(from.0, to.0), along(from.1, to.1));
        let (tw, th) = measure.text_size_px(&text, style)?;
        let (hw, hh) = (tw as i32 / 2 + 2, th as i32 / 2 + 1);
        labels.push(WeightLabel {
            text,
            at_px: (x, y),
            backdrop: PixelRect {
                x0: x - hw,
                y0: y - hh,
                x1: x + hw,
                y1: y + hh,
            },
        });
    }
    Ok(labels)
}

/// A line per weight of at least [`MIN_LINE_WEIGHT`], joining the ends
/// `ends(q, k)` gives, wider the larger the weight (up to `max_width`),
/// in drawing order.
fn weight_lines(
    spec: &BipartiteSpec,
    max_width: f64,
    ends: impl Fn(usize, usize) -> ((i32, i32), (i32, i32)),
) -> Vec<WeightLine> {
    let (nq, nk) = (spec.queries.len(), spec.keys.len());
    let mut weights: Vec<(bool, f32, usize, usize)> = (0..nq)
        .flat_map(|q| (0..nk).map(move |k| (q, k)))
        .map(|(q, k)| (spec.focus == Some(q), spec.weights[q * nk + k], q, k))
        .filter(|&(_, v, _, _)| v >= MIN_LINE_WEIGHT)
        .collect();
    weights.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    weights
        .into_iter()
        .map(|(focused, v, q, k)| {
            let v = (v as f64).min(1.0);
            let width = (1.0 + (v * (max_width - 1.0)).round()) as u32;
            let (opacity, width_px) = if spec.focus.is_none() {
                (v, width)
            } else if focused {
                (FOCUS_MIN_OPACITY + (1.0 - FOCUS_MIN_OPACITY) * v, width)
            } else {
                (v * FADED, 1)
            };
            let (from_px, to_px) = ends(q, k);
            WeightLine {
                from_px,
                to_px,
                opacity,
                width_px,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::HalfEm;

    /// 314 × 200 px: tick and small font 9 px, title 9.6 px, margin 7 px,
    /// so the rows are 300 px wide from x = 7: two queries 150 px apart,
    /// three keys 100 px apart.
    fn two_queries_three_keys(focus: Option<usize>) -> BipartiteSpec {
        BipartiteSpec {
            queries: vec!["le".into(), "chat".into()],
            keys: vec!["the".into(), "cat".into(), "is".into()],
            weights: vec![0.75, 0.25, 0.0, 0.0, 0.5, 0.5],
            focus,
            query_label: "decoder".into(),
            key_label: "encoder".into(),
        }
    }

    #[test]
    fn rows_sit_under_and_over_their_titles() {
        let layout =
            BipartiteLayout::of(&two_queries_three_keys(None), (314, 200), &HalfEm).unwrap();
        // titles ⌊9.6 · 1.6⌋ = 15 px high inside the 7 px margins; rows of
        // labels across, ⌈1.5 · 9⌉ = 14 px high
        assert_eq!(layout.query_title_at, Some((157, 14)));
        assert_eq!(layout.key_title_at, Some((157, 186)));
        assert_eq!(layout.queries.y_px(), (22, 36));
        assert_eq!(layout.keys.y_px(), (164, 178));
        assert_eq!([0, 1].map(|q| layout.queries.center_x(q)), [81, 231]);
        assert_eq!([0, 1, 2].map(|k| layout.keys.center_x(k)), [56, 156, 256]);
    }

    #[test]
    fn an_empty_title_takes_no_room() {
        let mut spec = two_queries_three_keys(None);
        spec.query_label.clear();
        let layout = BipartiteLayout::of(&spec, (314, 200), &HalfEm).unwrap();
        assert_eq!(layout.query_title_at, None);
        assert_eq!(layout.queries.y_px(), (7, 21));
    }

    #[test]
    fn lines_run_between_the_rows_faintest_first() {
        let layout =
            BipartiteLayout::of(&two_queries_three_keys(None), (314, 200), &HalfEm).unwrap();
        // 4 px from each row; widths 1 + round(weight · (6 − 1)), where 6
        // is the widest (0.12 of a 100 px key pitch, at most 6); weights 0
        // get no line
        let line = |from_px, to_px, opacity, width_px| WeightLine {
            from_px,
            to_px,
            opacity,
            width_px,
        };
        assert_eq!(
            layout.lines,
            [
                line((81, 40), (156, 160), 0.25, 2),
                line((231, 40), (156, 160), 0.5, 4),
                line((231, 40), (256, 160), 0.5, 4),
                line((81, 40), (56, 160), 0.75, 5),
            ]
        );
        assert_eq!(layout.focus_band, None);
        assert!(layout.weight_labels.is_empty());
    }

    #[test]
    fn a_focused_query_is_drawn_last_with_its_weights_written() {
        let layout =
            BipartiteLayout::of(&two_queries_three_keys(Some(1)), (314, 200), &HalfEm).unwrap();
        let drawn: Vec<_> = layout
            .lines
            .iter()
            .map(|l| (l.from_px.0, l.to_px.0, l.width_px))
            .collect();
        // the other query's lines thin and faded to a fifth, then query 1's
        assert_eq!(
            drawn,
            [(81, 156, 1), (81, 56, 1), (231, 156, 4), (231, 256, 4)]
        );
        assert!((layout.lines[0].opacity - 0.05).abs() < 1e-9);
        assert!((layout.lines[2].opacity - 0.65).abs() < 1e-9);
        assert_eq!(
            layout.focus_band,
            Some(PixelRect {
                x0: 157,
                y0: 22,
                x1: 307,
                y1: 36
            })
        );
        // 0.72 of the way from (231, 40) to each key at y = 160; "0.50" is
        // 18 × 9 px, its backdrop 2 px wider and 1 px higher each side
        let labels: Vec<_> = layout
            .weight_labels
            .iter()
            .map(|l| (l.text.as_str(), l.at_px))
            .collect();
        assert_eq!(
            labels,
            [
                ("0.00", (105, 126)),
                ("0.50", (177, 126)),
                ("0.50", (249, 126))
            ]
        );
        assert_eq!(
            layout.weight_labels[1].backdrop,
            PixelRect {
                x0: 166,
                y0: 121,
                x1: 188,
                y1: 131
            }
        );
    }
}
