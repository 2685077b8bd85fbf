//! Where the token row and the arcs go, worked out before anything is
//! drawn, in pixels of the area below the legend.

use super::{unit, ArcSpec, ArcsSpec, ARC_MIN_OPACITY};
use crate::attention_lines::MIN_LINE_WEIGHT;
use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::hover::PixelRect;
use crate::measure::TextMeasure;
use crate::style::Sizes;
use crate::token_row::{fit_tokens, RowFont};

/// The shape of one drawn arc.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ArcMark {
    /// An arc from a token to itself: a small circle above it.
    Loop {
        center_px: (i32, i32),
        radius_px: i32,
    },
    /// Half an ellipse from one token towards the other, ending where the
    /// filled head (tip first) begins.
    Curve {
        points_px: Vec<(i32, i32)>,
        head_px: [(i32, i32); 3],
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DrawnArc {
    /// Picks the colour.
    pub(crate) kind: usize,
    pub(crate) opacity: f64,
    pub(crate) width_px: u32,
    pub(crate) mark: ArcMark,
}

/// Where the token row and the arcs go, in pixels of the area below the
/// legend.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ArcsLayout {
    /// One column per token, from the top margin to the bottom of the row.
    pub(crate) columns: CellGrid,
    pub(crate) row: RowFont,
    /// Top and bottom of the token row.
    pub(crate) row_y_px: (i32, i32),
    /// The revealed arcs of at least [`MIN_LINE_WEIGHT`], faintest first.
    pub(crate) arcs: Vec<DrawnArc>,
    /// The hover answers from here down to the bottom of the row (the
    /// labels and the feet of the arcs).
    pub(crate) hover_y0_px: i32,
}

impl ArcsLayout {
    /// The layout of a checked `spec` with at least one token on a body of
    /// `body_px` (below the legend) with the fonts of `sizes`.
    pub(crate) fn of<M: TextMeasure + ?Sized>(
        spec: &ArcsSpec,
        sizes: &Sizes,
        body_px: (u32, u32),
        measure: &M,
    ) -> Result<ArcsLayout, ChartError> {
        let n = spec.tokens.len();
        let (w, h) = (body_px.0 as i32, body_px.1 as i32);
        let m = sizes.margin();
        let pitch = (w - 2 * m).max(1) as f64 / n as f64;
        let row = fit_tokens(measure, &spec.tokens, pitch, sizes.tick, h * 3 / 10)?;
        let row_y1 = h - m;
        let row_y0 = row_y1 - row.height;
        let base = row_y0 - 3;
        let top = m;
        let columns = CellGrid::new(
            PixelRect {
                x0: m,
                y0: top,
                x1: w - m,
                y1: row_y1,
            },
            1,
            n,
        );
        let head = (sizes.tick * 0.7).min(pitch * 0.35).max(4.0);
        let shape = ArcShape {
            base_px: base,
            avail_px: (base - top).max(1) as f64,
            pitch_px: pitch,
            max_width_px: (pitch * 0.12).clamp(2.0, 7.0),
            head_px: head,
            // arcs leave a little off their word's centre and land a little
            // less off it, on the side they come from, so that a → b and
            // b → a differ
            offset_px: (pitch * 0.08).min(5.0),
            // the longest arc of all (revealed or not: the layout stays
            // put) rises to the top
            longest: spec
                .arcs
                .iter()
                .map(|a| a.from.abs_diff(a.to))
                .max()
                .unwrap_or(1)
                .max(1) as f64,
        };
        let mut order: Vec<&ArcSpec> = spec
            .shown()
            .iter()
            .filter(|a| a.weight >= MIN_LINE_WEIGHT)
            .collect();
        order.sort_by(|a, b| a.weight.total_cmp(&b.weight));
        let cx = |t: usize| columns.cell_center(0, t).0 as f64;
        let arcs = order.into_iter().map(|a| shape.arc(a, cx)).collect();
        Ok(ArcsLayout {
            columns,
            row,
            row_y_px: (row_y0, row_y1),
            arcs,
            hover_y0_px: (base - (head * 2.0) as i32).max(top),
        })
    }
}

/// What every arc's shape depends on.
struct ArcShape {
    /// The arcs stand on this pixel row.
    base_px: i32,
    /// Room above the base.
    avail_px: f64,
    pitch_px: f64,
    max_width_px: f64,
    head_px: f64,
    offset_px: f64,
    /// The longest span of any arc, in tokens.
    longest: f64,
}

impl ArcShape {
    /// Arc `a` between the columns centred at `cx(token)`.
    fn arc(&self, a: &ArcSpec, cx: impl Fn(usize) -> f64) -> DrawnArc {
        let v = unit(a.weight);
        let width = 1.0 + (v * (self.max_width_px - 1.0)).round();
        let base_y = self.base_px as f64;
        let mark = if a.from == a.to {
            let r = (self.pitch_px * 0.22).min(self.avail_px * 0.2).max(3.0);
            let (x, y) = (cx(a.to), base_y - r);
            ArcMark::Loop {
                center_px: (x.round() as i32, y.round() as i32),
                radius_px: r.round() as i32,
            }
        } else {
            let dir = if a.to > a.from { 1.0 } else { -1.0 };
            let (xa, xb) = (
                cx(a.from) + dir * 2.0 * self.offset_px,
                cx(a.to) - dir * self.offset_px,
            );
            // no arc is taller than 0.8 of its width
            let span = a.from.abs_diff(a.to) as f64;
            let rise = (self.avail_px * (span / self.longest).sqrt()).min(0.8 * (xb - xa).abs());
            let hd = self.head_px + width;
            // the half ellipse from xa to xb, stopping where the head begins
            let end = std::f64::consts::PI - (hd / rise.max(1.0)).min(1.0).asin();
            let steps = 40;
            let point = |th: f64| {
                (
                    (xa + (xb - xa) * (1.0 - th.cos()) / 2.0).round() as i32,
                    (base_y - rise * th.sin()).round() as i32,
                )
            };
            let half = hd * 0.5;
            let back = (base_y - hd).round() as i32;
            ArcMark::Curve {
                points_px: (0..=steps)
                    .map(|s| point(end * s as f64 / steps as f64))
                    .collect(),
                head_px: [
                    (xb.round() as i32, self.base_px),
                    ((xb - half).round() as i32, back),
                    ((xb + half).round() as i32, back),
                ],
            }
        };
        DrawnArc {
            kind: a.kind,
            opacity: ARC_MIN_OPACITY + (1.0 - ARC_MIN_OPACITY) * v,
            width_px: width as u32,
            mark,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::HalfEm;

    /// Three tokens on a 314 × 200 px body with the fonts of that size
    /// (tick 9 px, margin 7 px): columns 100 px wide centred at x = 56,
    /// 156 and 256; the row across, 14 px high, ends at y = 193.
    fn three_token_arcs() -> (ArcsSpec, Sizes) {
        let arc = |from, to, weight, kind| ArcSpec {
            from,
            to,
            weight,
            kind,
        };
        let spec = ArcsSpec {
            tokens: vec!["a".into(), "b".into(), "c".into()],
            arcs: vec![arc(0, 2, 1.0, 0), arc(1, 1, 0.5, 1), arc(2, 1, 0.005, 0)],
            kinds: vec!["one".into(), "two".into()],
            revealed: 3,
        };
        (spec, Sizes::for_size_px((314, 200)))
    }

    #[test]
    fn the_row_and_the_hover_band_sit_at_the_bottom() {
        let (spec, sizes) = three_token_arcs();
        let layout = ArcsLayout::of(&spec, &sizes, (314, 200), &HalfEm).unwrap();
        assert_eq!(layout.row_y_px, (179, 193));
        assert_eq!(
            layout.columns.rect,
            PixelRect {
                x0: 7,
                y0: 7,
                x1: 307,
                y1: 193
            }
        );
        // arcs stand 3 px above the row; the hover reaches two heads
        // (⌊2 · 6.3⌋ = 12 px) above that
        assert_eq!(layout.hover_y0_px, 176 - 12);
    }

    #[test]
    fn arcs_are_drawn_faintest_first_and_the_weakest_not_at_all() {
        let (spec, sizes) = three_token_arcs();
        let layout = ArcsLayout::of(&spec, &sizes, (314, 200), &HalfEm).unwrap();
        let drawn: Vec<_> = layout.arcs.iter().map(|a| (a.kind, a.width_px)).collect();
        // widths 1 + round(weight · (7 − 1)): 0.12 of the pitch is over 7
        assert_eq!(drawn, [(1, 4), (0, 7)]);
        assert!((layout.arcs[0].opacity - (0.15 + 0.85 * 0.5)).abs() < 1e-12);
        assert_eq!(layout.arcs[1].opacity, 1.0);
        // the loop: radius 0.22 · 100, standing on y = 176
        assert_eq!(
            layout.arcs[0].mark,
            ArcMark::Loop {
                center_px: (156, 154),
                radius_px: 22
            }
        );
    }

    #[test]
    fn a_curve_leaves_off_centre_and_ends_at_its_head() {
        let (spec, sizes) = three_token_arcs();
        let layout = ArcsLayout::of(&spec, &sizes, (314, 200), &HalfEm).unwrap();
        let ArcMark::Curve { points_px, head_px } = &layout.arcs[1].mark else {
            panic!("0 → 2 is a curve, not {:?}", layout.arcs[1].mark);
        };
        // from 2 · 5 px right of token 0 to 5 px left of token 2; the head
        // is 6.3 + 7 px long, half as wide each side
        assert_eq!(points_px.len(), 41);
        assert_eq!(points_px[0], (66, 176));
        assert_eq!(points_px[40], (251, 163));
        assert_eq!(*head_px, [(251, 176), (244, 163), (258, 163)]);
        // the rise is 0.8 of the 185 px width (less than the 169 px room)
        let top = points_px.iter().map(|p| p.1).min();
        assert_eq!(top, Some(176 - 148));
    }
}
