//! Where the stacked chart's value axis, parts and output go, worked out
//! before anything is drawn (the marks in pixels of the chart's own area).

use super::StackedSpec;
use crate::axes::{value_y_px, ValueTicks};
use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::hover::PixelRect;
use crate::measure::TextMeasure;
use crate::style::{font, Sizes};

/// The value axis of the stacked chart, worked out before anything is
/// drawn.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StackedLayout {
    pub(crate) sizes: Sizes,
    /// The extent of the stacks, with a margin.
    pub(crate) y_range: (f64, f64),
    pub(crate) y_ticks: ValueTicks,
    /// Width of the y label area.
    pub(crate) y_area_px: i32,
}

/// One word's part of one dimension's stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StackPart {
    /// The word, which picks the colour.
    pub(crate) word: usize,
    pub(crate) rect: PixelRect,
}

/// What is drawn in the plotting area.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StackMarks {
    /// Dimension by dimension, words in order; parts too thin for a pixel
    /// are left out.
    pub(crate) parts: Vec<StackPart>,
    /// The line at zero runs across the plot.
    pub(crate) zero_x_px: (i32, i32),
    pub(crate) zero_y_px: i32,
    /// The output of every dimension, over its column's centre.
    pub(crate) output_px: Vec<(i32, i32)>,
    pub(crate) output_line_px: u32,
    pub(crate) output_marker_px: i32,
}

impl StackedLayout {
    /// The layout of a checked, non-empty `spec` on an area of `size_px`.
    pub(crate) fn of<M: TextMeasure + ?Sized>(
        spec: &StackedSpec,
        size_px: (u32, u32),
        measure: &M,
    ) -> Result<StackedLayout, ChartError> {
        let sizes = Sizes::for_size_px(size_px);
        let y_range = stack_range(spec);
        let y_ticks = ValueTicks::new(measure, y_range, &font(sizes.tick))?;
        Ok(StackedLayout {
            sizes,
            y_range,
            y_area_px: sizes.y_label_area(y_ticks.label_width),
            y_ticks,
        })
    }

    /// The stacks and the output in `plot`, the plotting area plotters laid
    /// out for this layout.
    pub(crate) fn marks(&self, spec: &StackedSpec, output: &[f32], plot: PixelRect) -> StackMarks {
        let dims = spec.dims();
        let grid = CellGrid::new(plot, 1, dims);
        let y_px = |v: f64| value_y_px(self.y_range, v, &plot);
        let mut parts = Vec::new();
        for d in 0..dims {
            let cell = grid.cell_rect(0, d);
            let gap = (cell.width() / 5).max(1);
            // positive parts upwards from zero, negative ones downwards
            let (mut up, mut down) = (0.0f64, 0.0f64);
            for (word, part) in spec.parts.iter().enumerate() {
                let v = part[d] as f64;
                let (from, to) = if v >= 0.0 {
                    let r = (up, up + v);
                    up += v;
                    r
                } else {
                    let r = (down, down + v);
                    down += v;
                    r
                };
                let (a, b) = (y_px(from), y_px(to));
                if a == b {
                    continue;
                }
                parts.push(StackPart {
                    word,
                    rect: PixelRect {
                        x0: cell.x0 + gap,
                        y0: a.min(b),
                        x1: cell.x1 - gap,
                        y1: a.max(b),
                    },
                });
            }
        }
        StackMarks {
            parts,
            zero_x_px: (plot.x0, plot.x1),
            zero_y_px: y_px(0.0),
            output_px: (0..dims)
                .map(|d| (grid.cell_center(0, d).0, y_px(output[d] as f64)))
                .collect(),
            output_line_px: (self.sizes.tick / 8.0).max(2.0) as u32,
            output_marker_px: (self.sizes.tick / 4.0).max(3.0) as i32,
        }
    }
}

/// Zero and the highest and lowest stack, 8 % of the extent beyond.
fn stack_range(spec: &StackedSpec) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for d in 0..spec.dims() {
        let pos: f64 = spec.parts.iter().map(|p| (p[d] as f64).max(0.0)).sum();
        let neg: f64 = spec.parts.iter().map(|p| (p[d] as f64).min(0.0)).sum();
        hi = hi.max(pos);
        lo = lo.min(neg);
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.08;
    (lo - pad, hi + pad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::HalfEm;

    /// Two dimensions: 1 + 1 up in the first; −0.5 down and 0.5 up in the
    /// second; a third word adds nothing.
    fn two_dims() -> StackedSpec {
        StackedSpec {
            labels: vec!["x".into(), "y".into(), "z".into()],
            parts: vec![vec![1.0, -0.5], vec![1.0, 0.5], vec![0.0, 0.0]],
            highlight: None,
            caption: None,
        }
    }

    #[test]
    fn the_axis_spans_the_stacks_and_a_margin() {
        let layout = StackedLayout::of(&two_dims(), (640, 420), &HalfEm).unwrap();
        // −0.5..2 and 8 % of 2.5 beyond
        let (lo, hi) = layout.y_range;
        assert!((lo + 0.7).abs() < 1e-9 && (hi - 2.2).abs() < 1e-9);
        assert_eq!(layout.y_ticks.ticks, [0.0, 1.0, 2.0]);
        // "0" is 9 px wide at the 17.64 px tick font: 9 + 0.8 · 17.64
        // + 1.5 · 20.16 (title) = 53.35
        assert_eq!(layout.y_area_px, 53);
    }

    #[test]
    fn parts_stack_up_and_down_from_zero() {
        let spec = two_dims();
        let layout = StackedLayout::of(&spec, (640, 420), &HalfEm).unwrap();
        // two 100 px columns, −0.7..2.2 over 101 rows: 0 at y = 76, 1 at
        // 42, 2 at 7, −0.5 at 94, 0.5 at 59
        let plot = PixelRect {
            x0: 0,
            y0: 0,
            x1: 200,
            y1: 101,
        };
        let marks = layout.marks(&spec, &spec.output(), plot);
        let part = |word, x0, y0, x1, y1| StackPart {
            word,
            rect: PixelRect { x0, y0, x1, y1 },
        };
        // a fifth of the column (20 px) free on each side; word 2's
        // empty parts are left out
        assert_eq!(
            marks.parts,
            [
                part(0, 20, 42, 80, 76),
                part(1, 20, 7, 80, 42),
                part(0, 120, 76, 180, 94),
                part(1, 120, 59, 180, 76),
            ]
        );
        assert_eq!((marks.zero_x_px, marks.zero_y_px), ((0, 200), 76));
        assert_eq!(marks.output_px, [(49, 7), (149, 76)]);
        // ⌊17.64 / 8⌋ and ⌊17.64 / 4⌋
        assert_eq!((marks.output_line_px, marks.output_marker_px), (2, 4));
    }
}
