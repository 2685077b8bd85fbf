//! The scatter's axes and mark sizes, worked out before anything is
//! drawn.

use std::ops::Range;

use super::{EmbeddingScatterData, PointKind};
use crate::style::Sizes;
use crate::ticks::{decimals_for, nice_step, nice_ticks};

/// The axes and the marks of the scatter, worked out before anything is
/// drawn.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ScatterLayout {
    /// Every point and the origin, with equal units per pixel.
    pub(crate) x_range: Range<f64>,
    pub(crate) y_range: Range<f64>,
    pub(crate) x_ticks: Vec<f64>,
    pub(crate) y_ticks: Vec<f64>,
    /// Of the tick labels on both axes: enough for the finer one.
    pub(crate) decimals: usize,
    /// The axes through the origin are drawn where it is inside the range.
    pub(crate) origin_x_inside: bool,
    pub(crate) origin_y_inside: bool,
    pub(crate) point_radius_px: f64,
    pub(crate) arrow_head_px: f64,
    pub(crate) arrow_stroke_px: u32,
    /// Font size of the point labels.
    pub(crate) label_px: f64,
}

impl ScatterLayout {
    /// The layout of checked, non-empty `data` in a plot of `plot_px`
    /// (width, height) with the fonts of `sizes`.
    pub(crate) fn of(
        data: &EmbeddingScatterData,
        plot_px: (i32, i32),
        sizes: &Sizes,
    ) -> ScatterLayout {
        let points = PointKind::ALL.iter().flat_map(|&k| data.points(k));
        let (x_range, y_range) = equal_aspect_ranges(points, plot_px);
        let ticks = |r: &Range<f64>| nice_ticks(r.start, r.end, 6);
        let decimals = decimals_for(nice_step(x_range.end - x_range.start, 6))
            .max(decimals_for(nice_step(y_range.end - y_range.start, 6)));
        ScatterLayout {
            x_ticks: ticks(&x_range),
            y_ticks: ticks(&y_range),
            decimals,
            origin_x_inside: x_range.start < 0.0 && x_range.end > 0.0,
            origin_y_inside: y_range.start < 0.0 && y_range.end > 0.0,
            x_range,
            y_range,
            point_radius_px: (sizes.tick / 4.0).max(3.0),
            arrow_head_px: (sizes.tick * 0.7).max(7.0),
            arrow_stroke_px: (sizes.tick / 10.0).max(1.5) as u32,
            label_px: sizes.small,
        }
    }
}

/// Data ranges that contain every point and the origin, with a margin, and
/// have the same units per pixel on both axes for a plot of `(w, h)` pixels.
fn equal_aspect_ranges(
    points: impl Iterator<Item = (f64, f64)>,
    (w, h): (i32, i32),
) -> (Range<f64>, Range<f64>) {
    let (mut x0, mut x1, mut y0, mut y1) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for (x, y) in points {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let pad = 0.12 * (x1 - x0).max(y1 - y0).max(1e-9);
    let (x0, x1, y0, y1) = (x0 - pad, x1 + pad, y0 - pad, y1 + pad);
    let (w, h) = (w.max(1) as f64, h.max(1) as f64);
    let per_px = ((x1 - x0) / w).max((y1 - y0) / h);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let (hw, hh) = (per_px * w / 2.0, per_px * h / 2.0);
    (cx - hw..cx + hw, cy - hh..cy + hh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_aspect_keeps_units_per_pixel_equal() {
        let (x, y) = equal_aspect_ranges([(1.0, 2.0), (-1.0, 0.5)].into_iter(), (400, 200));
        let (ux, uy) = ((x.end - x.start) / 400.0, (y.end - y.start) / 200.0);
        assert!((ux - uy).abs() < 1e-12);
        assert!(x.start < -1.0 && x.end > 1.0 && y.start < 0.0 && y.end > 2.0);
    }

    #[test]
    fn the_layout_fits_every_point_and_the_origin_on_equal_scales() {
        // E = (1, 0) and P = (0, 1), so E + P = (1, 1): 0..1 both ways and
        // 12 % beyond, widened to a 200 × 100 px plot
        let data = EmbeddingScatterData {
            words: vec!["w".into()],
            e: vec![(1.0, 0.0)],
            p: vec![(0.0, 1.0)],
        };
        let layout = ScatterLayout::of(&data, (200, 100), &Sizes::for_size_px((640, 480)));
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(layout.x_range.start, -0.74) && close(layout.x_range.end, 1.74));
        assert!(close(layout.y_range.start, -0.12) && close(layout.y_range.end, 1.12));
        // steps of 0.5 on both axes: one decimal
        assert_eq!(layout.x_ticks, [-0.5, 0.0, 0.5, 1.0, 1.5]);
        assert_eq!(layout.y_ticks, [0.0, 0.5, 1.0]);
        assert_eq!(layout.decimals, 1);
        assert!(layout.origin_x_inside && layout.origin_y_inside);
        // at 640 × 480 the tick font is 20.16 px: points of a quarter of
        // it, heads of 0.7, strokes of a tenth
        assert!(close(layout.point_radius_px, 5.04));
        assert!(close(layout.arrow_head_px, 20.16 * 0.7));
        assert_eq!(layout.arrow_stroke_px, 2);
    }

    #[test]
    fn the_origin_is_in_range_when_every_point_is_away_from_it() {
        // E = (2, 3), P = (1, 1), E + P = (3, 4): 0..3 by 0..4 with the
        // origin, 0.48 beyond, widened to 4.96 across for a square plot
        let data = EmbeddingScatterData {
            words: vec!["w".into()],
            e: vec![(2.0, 3.0)],
            p: vec![(1.0, 1.0)],
        };
        let layout = ScatterLayout::of(&data, (100, 100), &Sizes::for_size_px((640, 480)));
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(layout.x_range.start, -0.98) && close(layout.x_range.end, 3.98));
        assert!(close(layout.y_range.start, -0.48) && close(layout.y_range.end, 4.48));
        assert_eq!(layout.x_ticks, [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(layout.y_ticks, [0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(layout.decimals, 0);
        assert!(layout.origin_x_inside && layout.origin_y_inside);
    }
}
