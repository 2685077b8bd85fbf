//! Where a bar chart's labels, bars and numbers go, worked out before
//! anything is drawn (the bars in pixels of the chart's own area).

use super::BarSpec;
use crate::axes::{value_y_px, ValueTicks};
use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::hover::PixelRect;
use crate::measure::TextMeasure;
use crate::style::{font, Sizes, MIN_PX};

/// The y range: zero and every value, with room for the numbers.
fn y_range(values: &[f32], unit: bool) -> (f64, f64) {
    let mut lo = values.iter().fold(0.0f64, |m, &v| m.min(v as f64));
    let mut hi = values.iter().fold(0.0f64, |m, &v| m.max(v as f64));
    if unit {
        hi = hi.max(1.0);
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.12;
    if lo < 0.0 {
        lo -= pad;
    }
    hi += pad;
    (lo, hi)
}

/// Font sizes, ticks and label areas of a bar chart, worked out before
/// anything is drawn.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BarsLayout {
    pub(crate) sizes: Sizes,
    /// The y axis: zero and every value, with room for the numbers.
    pub(crate) y_range: (f64, f64),
    pub(crate) y_ticks: ValueTicks,
    /// Width of the y label area.
    pub(crate) y_area_px: i32,
    /// The bar labels' font: the tick size, shrunk until the longest
    /// label fits under its bar.
    pub(crate) x_label_px: f64,
    /// The font of the numbers at the bars.
    pub(crate) value_px: f64,
}

/// One bar and the number written at its end.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BarMark {
    /// The bar, from zero to its value (at least one pixel high).
    pub(crate) rect: PixelRect,
    pub(crate) highlighted: bool,
    /// Left out where the number is wider than the bar's column.
    pub(crate) value_label: Option<ValueLabel>,
}

/// A bar's number, centred above a positive bar or below a negative one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ValueLabel {
    pub(crate) text: String,
    pub(crate) at_px: (i32, i32),
    pub(crate) above: bool,
}

impl BarsLayout {
    /// The layout of a checked, non-empty `spec` on an area of `size_px`.
    pub(crate) fn of<M: TextMeasure + ?Sized>(
        spec: &BarSpec,
        size_px: (u32, u32),
        measure: &M,
    ) -> Result<BarsLayout, ChartError> {
        let sizes = Sizes::for_size_px(size_px);
        let y_range = y_range(&spec.values, spec.unit_range);
        let y_ticks = ValueTicks::new(measure, y_range, &font(sizes.tick))?;
        let y_area_px = sizes.y_label_area(y_ticks.label_width);
        // x labels shrink until the longest fits under its bar
        let pitch = (size_px.0 as f64 - y_area_px as f64 - sizes.margin() as f64)
            / spec.values.len() as f64;
        let mut x_label_px = sizes.tick;
        let longest = spec
            .labels
            .iter()
            .max_by_key(|l| l.chars().count())
            .cloned()
            .unwrap_or_default();
        let widest = measure.text_size_px(&longest, &font(x_label_px))?.0 as f64;
        if widest > pitch * 0.95 && widest > 0.0 {
            x_label_px = (x_label_px * pitch * 0.95 / widest).max(MIN_PX);
        }
        Ok(BarsLayout {
            sizes,
            y_range,
            y_ticks,
            y_area_px,
            x_label_px,
            value_px: sizes.small.min(x_label_px.max(MIN_PX)),
        })
    }

    /// The bars in `plot`, the plotting area plotters laid out for this
    /// layout.
    pub(crate) fn bar_marks<M: TextMeasure + ?Sized>(
        &self,
        spec: &BarSpec,
        plot: PixelRect,
        measure: &M,
    ) -> Result<Vec<BarMark>, ChartError> {
        let grid = CellGrid::new(plot, 1, spec.values.len());
        let zero_y = self.zero_y_px(plot);
        let value_font = font(self.value_px);
        let mut marks = Vec::with_capacity(spec.values.len());
        for (i, &v) in spec.values.iter().enumerate() {
            let cell = grid.cell_rect(0, i);
            let gap = (cell.width() / 6).max(1);
            let top = value_y_px(self.y_range, v as f64, &plot);
            let (y0, y1) = if top <= zero_y {
                (top, zero_y)
            } else {
                (zero_y, top)
            };
            let text = format!("{:.*}", spec.decimals, v);
            let text_w = measure.text_size_px(&text, &value_font)?.0 as i32;
            let above = v >= 0.0;
            let value_label = (text_w <= cell.width()).then(|| ValueLabel {
                text,
                at_px: (
                    (cell.x0 + cell.x1) / 2,
                    if above { top - 2 } else { top + 2 },
                ),
                above,
            });
            marks.push(BarMark {
                rect: PixelRect {
                    x0: cell.x0 + gap,
                    y0,
                    x1: cell.x1 - gap,
                    y1: y1.max(y0 + 1),
                },
                highlighted: spec.highlight == Some(i),
                value_label,
            });
        }
        Ok(marks)
    }

    pub(crate) fn zero_y_px(&self, plot: PixelRect) -> i32 {
        value_y_px(self.y_range, 0.0, &plot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::HalfEm;

    #[test]
    fn the_range_includes_zero_and_room_above() {
        let (lo, hi) = y_range(&[1.0, 2.0], false);
        assert_eq!(lo, 0.0);
        assert!(hi > 2.0);
        let (lo, hi) = y_range(&[-1.0, 0.5], false);
        assert!(lo < -1.0 && hi > 0.5);
        let (lo, hi) = y_range(&[0.2, 0.3], true);
        assert!(lo == 0.0 && hi >= 1.0);
        let (lo, hi) = y_range(&[0.0, 0.0], false);
        assert!(hi > lo);
    }

    /// Values 2, −1 and 0.5: the axis runs 12 % of 3 beyond both ends.
    fn three_bars(labels: [&str; 3]) -> BarSpec {
        BarSpec {
            highlight: Some(1),
            ..BarSpec::new(labels.map(String::from).to_vec(), vec![2.0, -1.0, 0.5])
        }
    }

    #[test]
    fn a_long_label_shrinks_the_label_font() {
        let spec = three_bars(["a", &"b".repeat(40), "c"]);
        let layout = BarsLayout::of(&spec, (640, 360), &HalfEm).unwrap();
        let (lo, hi) = layout.y_range;
        assert!((lo + 1.36).abs() < 1e-9 && (hi - 2.36).abs() < 1e-9);
        assert_eq!(layout.y_ticks.ticks, [-1.0, 0.0, 1.0, 2.0]);
        // "-1" is 15 px wide at the 15.12 px tick font: 15 + 0.8 · 15.12
        // + 1.5 · 17.28 (title) = 53.02
        assert_eq!(layout.y_area_px, 53);
        // the 302 px label under a (640 − 53 − 12) / 3 px bar, at 0.95 of it
        let expected = 15.12 * (575.0 / 3.0 * 0.95) / 302.0;
        assert!((layout.x_label_px - expected).abs() < 1e-9);
        // the numbers never larger than the labels
        assert_eq!(layout.value_px, layout.x_label_px);
    }

    #[test]
    fn short_labels_keep_the_tick_font() {
        let layout = BarsLayout::of(&three_bars(["a", "b", "c"]), (640, 360), &HalfEm).unwrap();
        assert!((layout.x_label_px - 15.12).abs() < 1e-9);
        assert!((layout.value_px - 12.24).abs() < 1e-9);
    }

    #[test]
    fn bars_grow_from_zero_with_their_numbers_at_the_end() {
        let spec = three_bars(["a", "b", "c"]);
        let layout = BarsLayout::of(&spec, (640, 360), &HalfEm).unwrap();
        // three 100 px columns; −1.36..2.36 over 101 rows puts 0 at y = 64
        let plot = PixelRect {
            x0: 40,
            y0: 0,
            x1: 340,
            y1: 101,
        };
        assert_eq!(layout.zero_y_px(plot), 64);
        let marks = layout.bar_marks(&spec, plot, &HalfEm).unwrap();
        let rect = |x0, y0, x1, y1| PixelRect { x0, y0, x1, y1 };
        // a sixth of the column (16 px) free on each side
        let rects: Vec<_> = marks.iter().map(|m| (m.rect, m.highlighted)).collect();
        assert_eq!(
            rects,
            [
                (rect(56, 10, 124, 64), false),
                (rect(156, 64, 224, 91), true),
                (rect(256, 50, 324, 64), false),
            ]
        );
        let labels: Vec<_> = marks
            .iter()
            .filter_map(|m| m.value_label.as_ref())
            .map(|l| (l.text.as_str(), l.at_px, l.above))
            .collect();
        assert_eq!(
            labels,
            [
                ("2.00", (90, 8), true),
                ("-1.00", (190, 93), false),
                ("0.50", (290, 48), true)
            ]
        );
    }

    #[test]
    fn a_number_wider_than_its_column_is_left_out() {
        let spec = BarSpec {
            decimals: 12,
            ..three_bars(["a", "b", "c"])
        };
        let layout = BarsLayout::of(&spec, (640, 360), &HalfEm).unwrap();
        let plot = PixelRect {
            x0: 0,
            y0: 0,
            x1: 60,
            y1: 101,
        };
        // "2.000000000000" is 14 · 6.12 px wide, over a 20 px column
        let marks = layout.bar_marks(&spec, plot, &HalfEm).unwrap();
        assert!(marks.iter().all(|m| m.value_label.is_none()));
        assert_eq!(marks[0].rect.width(), 20 - 2 * 3);
    }
}
