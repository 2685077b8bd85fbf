//! Text sizes relative to the drawing area, so that a chart reads the same
//! on a laptop and on a projector, and the shared font family.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::palette::INK;

pub const FAMILY: &str = "sans-serif";

/// Never smaller than this many pixels.
const MIN_PX: f64 = 9.0;

/// Font sizes in pixels for one area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sizes {
    /// Tick labels.
    pub tick: f64,
    /// Axis titles and the caption.
    pub title: f64,
    /// Legend entries.
    pub legend: f64,
    /// Numbers written inside cells, point labels.
    pub small: f64,
}

impl Sizes {
    /// Proportional to the shorter side of the area.
    pub fn of<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> Self {
        let (w, h) = area.dim_in_pixel();
        let base = w.min(h) as f64;
        let px = |f: f64| (base * f).max(MIN_PX);
        Sizes {
            tick: px(0.042),
            title: px(0.048),
            legend: px(0.04),
            small: px(0.034),
        }
    }
}

/// The chart font at `size` pixels, in ink colour.
pub fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size).into_font()).color(&INK)
}

/// Same, anchored at its centre.
pub fn centered(style: TextStyle<'static>) -> TextStyle<'static> {
    style.pos(Pos::new(HPos::Center, VPos::Center))
}
