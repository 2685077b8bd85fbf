//! Text sizes relative to the drawing area, so that a chart reads the same
//! on a laptop and on a projector, and the shared font family.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::palette::INK;

pub const FAMILY: &str = "sans-serif";

/// Never smaller than this many pixels.
pub(crate) const MIN_PX: f64 = 9.0;

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
        Sizes::for_size_px(area.dim_in_pixel())
    }

    /// The same for an area of `(width, height)` pixels.
    pub fn for_size_px((w, h): (u32, u32)) -> Self {
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

impl Sizes {
    /// Height of the x label area: tick labels and the axis title.
    pub fn x_label_area(&self) -> i32 {
        (self.tick * 1.6 + self.title * 1.3) as i32
    }

    /// Width of the y label area for tick labels `widest` pixels wide.
    pub fn y_label_area(&self, widest: u32) -> i32 {
        (widest as f64 + self.tick * 0.8 + self.title * 1.5) as i32
    }

    /// Margin around the plot on the sides without labels.
    pub fn margin(&self) -> i32 {
        (self.tick * 0.8) as i32
    }
}

/// The chart font at `size` pixels, in ink colour.
pub fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size).into_font()).color(&INK)
}

/// `style` in another colour (plotters' own `color` wants a `'static`
/// borrow for a `'static` style).
pub fn with_color(mut style: TextStyle<'static>, color: RGBColor) -> TextStyle<'static> {
    style.color = color.to_backend_color();
    style
}

/// Same, anchored at its centre.
pub fn centered(style: TextStyle<'static>) -> TextStyle<'static> {
    style.pos(Pos::new(HPos::Center, VPos::Center))
}
