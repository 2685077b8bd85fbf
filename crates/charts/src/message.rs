//! A chart that has nothing to show says so instead.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::ChartError;
use crate::hover::HoverMap;
use crate::style::{centered, font, Sizes};

/// Clears the area, writes `text` in its middle and returns an empty map.
pub fn draw_message<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
) -> Result<HoverMap, ChartError> {
    area.fill(&WHITE)?;
    let (w, h) = area.dim_in_pixel();
    let style = centered(font(Sizes::of(area).title));
    area.draw_text(text, &style, (w as i32 / 2, h as i32 / 2))?;
    Ok(HoverMap::empty())
}
