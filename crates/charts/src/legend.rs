//! A legend as a row (or rows) of entries above the plot, where it cannot
//! hide any data.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::ChartError;
use crate::style::font;

/// The little picture before a legend label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    Line(RGBColor),
    Dot(RGBColor),
    Square(RGBColor),
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub label: String,
    pub swatch: Swatch,
}

impl LegendEntry {
    pub fn new(label: impl Into<String>, swatch: Swatch) -> Self {
        LegendEntry {
            label: label.into(),
            swatch,
        }
    }
}

/// Draws `entries` centred at the top of `area` with text of `size` pixels,
/// wrapping into more rows when needed, and returns the area below.
pub fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    size: f64,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    if entries.is_empty() {
        return Ok(area.clone());
    }
    let style = font(size).pos(Pos::new(HPos::Left, VPos::Center));
    let swatch_w = (size * 1.6) as i32;
    let gap = (size * 0.4) as i32;
    let spacing = (size * 1.2) as i32;
    let line_h = (size * 1.6) as i32;
    let (w, _) = area.dim_in_pixel();
    let w = w as i32;

    // Entry widths, then rows that fit the width.
    let mut widths = Vec::with_capacity(entries.len());
    for e in entries {
        widths.push(swatch_w + gap + area.estimate_text_size(&e.label, &style)?.0 as i32);
    }
    let mut rows: Vec<Vec<usize>> = vec![vec![]];
    let mut used = 0;
    for (i, &ew) in widths.iter().enumerate() {
        let row = rows.last_mut().expect("one row at least");
        let need = if row.is_empty() {
            ew
        } else {
            used + spacing + ew
        };
        if !row.is_empty() && need > w {
            rows.push(vec![i]);
            used = ew;
        } else {
            row.push(i);
            used = need;
        }
    }

    let top = (size * 0.3) as i32;
    for (r, row) in rows.iter().enumerate() {
        let row_w: i32 =
            row.iter().map(|&i| widths[i]).sum::<i32>() + spacing * (row.len() as i32 - 1);
        let mut x = ((w - row_w) / 2).max(0);
        let y = top + r as i32 * line_h + line_h / 2;
        for &i in row {
            draw_swatch(area, entries[i].swatch, (x, y), swatch_w, size)?;
            area.draw_text(&entries[i].label, &style, (x + swatch_w + gap, y))?;
            x += widths[i] + spacing;
        }
    }
    let used_h = top * 2 + rows.len() as i32 * line_h;
    Ok(area.split_vertically(used_h).1)
}

fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    swatch: Swatch,
    (x, y): (i32, i32),
    w: i32,
    size: f64,
) -> Result<(), ChartError> {
    let r = (size * 0.3).max(3.0) as i32;
    let cx = x + w / 2;
    match swatch {
        Swatch::Line(c) => area.draw(&PathElement::new(
            vec![(x, y), (x + w, y)],
            c.stroke_width((size / 8.0).max(2.0) as u32),
        ))?,
        Swatch::Dot(c) => area.draw(&Circle::new((cx, y), r, c.filled()))?,
        Swatch::Square(c) => area.draw(&Rectangle::new(
            [(cx - r, y - r), (cx + r, y + r)],
            c.filled(),
        ))?,
    }
    Ok(())
}
