//! A row of tokens, one per column, under or over a drawing: the labels
//! keep the tick size while they fit, shrink a little, then turn upright,
//! and when even upright labels would touch only every k-th is written.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::measure::{widest_px, TextMeasure};
use crate::style::{centered, font, with_color, MIN_PX};

/// Labels stacked this many font sizes apart still read as separate.
const LINE: f64 = 1.15;

/// Labels use at most this share of their column's width.
const FILL: f64 = 0.92;

/// Across labels shrink down to this share of the tick size before they
/// are turned upright instead.
const SHRINK: f64 = 0.7;

/// How the labels of one row are written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RowFont {
    /// Font size in pixels.
    pub size: f64,
    /// Written upright (reading upwards) instead of across.
    pub upright: bool,
    /// The row's height in pixels.
    pub height: i32,
    /// Every `step`-th label is written (1: all).
    pub step: usize,
}

/// Which side of the row faces the drawing: upright labels start (or end)
/// there, so they all line up along it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Facing {
    /// The drawing is above the row.
    Up,
    /// The drawing is below the row.
    Down,
}

/// Fits `tokens` into columns `pitch` pixels wide with text of at most
/// `max_size` pixels; upright labels take at most `max_height` pixels.
pub(crate) fn fit_tokens<M: TextMeasure + ?Sized>(
    measure: &M,
    tokens: &[String],
    pitch: f64,
    max_size: f64,
    max_height: i32,
) -> Result<RowFont, ChartError> {
    let max_size = max_size.max(MIN_PX);
    let across = |size: f64| RowFont {
        size,
        upright: false,
        height: (size * 1.5).ceil() as i32,
        step: 1,
    };
    let room = pitch * FILL;
    let wide = widest_px(measure, tokens, &font(max_size))? as f64;
    if wide <= room {
        return Ok(across(max_size));
    }
    let shrunk = max_size * room / wide;
    if shrunk >= (max_size * SHRINK).max(MIN_PX) {
        return Ok(across(shrunk));
    }
    let n = tokens.len().max(1);
    let size = (pitch / LINE).clamp(MIN_PX, max_size);
    let step = if pitch > 0.0 {
        // less a rounding error: labels that just fit are all written
        ((size * LINE / pitch - 1e-9).ceil().max(1.0) as usize).min(n)
    } else {
        n
    };
    let pad = (size * 0.5).ceil();
    let height =
        ((widest_px(measure, tokens, &font(size))? as f64 + pad) as i32).min(max_height.max(0));
    Ok(RowFont {
        size,
        upright: true,
        height,
        step,
    })
}

/// Writes the labels of `row` in the columns of `grid` (backend pixels,
/// one row of cells), each in the colour `ink` gives it. `always` is
/// written even when thinning skips it. `y0..y1` (pixels of `area`) is the
/// row.
#[allow(clippy::too_many_arguments)]
pub(crate) fn draw_tokens<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    tokens: &[String],
    grid: &CellGrid,
    row: &RowFont,
    (y0, y1): (i32, i32),
    facing: Facing,
    ink: impl Fn(usize) -> RGBColor,
    always: Option<usize>,
) -> Result<(), ChartError> {
    let bx = area.get_base_pixel().0;
    let pad = (row.size * 0.25) as i32;
    let style = if row.upright {
        let anchor = match facing {
            Facing::Up => HPos::Right,
            Facing::Down => HPos::Left,
        };
        font(row.size)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(anchor, VPos::Center))
    } else {
        centered(font(row.size))
    };
    for (i, token) in tokens.iter().enumerate() {
        if i % row.step != 0 && always != Some(i) {
            continue;
        }
        let x = grid.cell_center(0, i).0 - bx;
        let y = match (row.upright, facing) {
            (false, _) => (y0 + y1) / 2,
            // reading upwards, the text ends at the top of the row …
            (true, Facing::Up) => y0 + pad,
            // … or starts at its bottom
            (true, Facing::Down) => y1 - pad,
        };
        area.draw_text(token, &with_color(style.clone(), ink(i)), (x, y))?;
    }
    Ok(())
}

/// `n` in subscript digits, e.g. `h` + `subscript(12)` = `h₁₂`.
pub(crate) fn subscript(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(0x2080 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscripts() {
        assert_eq!(subscript(0), "₀");
        assert_eq!(subscript(12), "₁₂");
        assert_eq!(subscript(109), "₁₀₉");
    }
}
