//! Arrows in pixel space: a straight shaft and a filled triangular head.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::ChartError;

/// Draws an arrow from `from` to `to` (pixels of `area`), stopping `gap`
/// pixels short of `to` so the head does not cover the point it points at.
/// Returns `false` (and draws nothing) when the arrow would be shorter than
/// its head.
pub fn draw_arrow<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: (i32, i32),
    to: (i32, i32),
    color: RGBAColor,
    width: u32,
    head: f64,
    gap: f64,
) -> Result<bool, ChartError> {
    let (dx, dy) = ((to.0 - from.0) as f64, (to.1 - from.1) as f64);
    let len = dx.hypot(dy);
    if len <= gap + head * 0.5 {
        return Ok(false);
    }
    let (ux, uy) = (dx / len, dy / len);
    let tip = (to.0 as f64 - ux * gap, to.1 as f64 - uy * gap);
    let back = (tip.0 - ux * head, tip.1 - uy * head);
    let half = head * 0.45;
    let px = |x: f64, y: f64| (x.round() as i32, y.round() as i32);
    area.draw(&PathElement::new(
        vec![from, px(back.0, back.1)],
        color.stroke_width(width),
    ))?;
    area.draw(&Polygon::new(
        vec![
            px(tip.0, tip.1),
            px(back.0 - uy * half, back.1 + ux * half),
            px(back.0 + uy * half, back.1 - ux * half),
        ],
        color.filled(),
    ))?;
    Ok(true)
}
