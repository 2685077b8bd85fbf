//! Cells of a `rows × cols` matrix laid over a pixel rectangle, in integer
//! arithmetic so that drawing and hovering agree pixel for pixel.
//!
//! Column `c` covers pixels `[x0 + ⌈c·w/cols⌉, x0 + ⌈(c+1)·w/cols⌉)`, so pixel
//! `x0 + i` lies in column `⌊i·cols/w⌋`. Rows likewise, counted from the
//! top or, with [`RowOrder::BottomUp`], from the bottom.

use std::ops::Range;

use crate::hover::PixelRect;

/// Where row 0 of a matrix is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowOrder {
    /// Row 0 at the top, as a matrix is written (attention maps).
    #[default]
    TopDown,
    /// Row 0 at the bottom, as on a plot's y axis.
    BottomUp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellGrid {
    pub rect: PixelRect,
    pub rows: usize,
    pub cols: usize,
    pub order: RowOrder,
}

/// First pixel (offset) of cell `k` of `n` over `len` pixels.
fn edge(k: usize, n: usize, len: i32) -> i32 {
    let len = len.max(0) as u64;
    ((k as u64 * len).div_ceil(n as u64)) as i32
}

/// The cell of `n` over `len` pixels that pixel offset `i` lies in.
fn cell(i: i32, n: usize, len: i32) -> usize {
    ((i as u64 * n as u64) / len as u64) as usize
}

/// The cells pixel offset `i` stands for: those that start inside it, or
/// the one it lies in when cells are wider than pixels. Consecutive pixels
/// partition the cells when there are more cells than pixels.
fn cells_of_pixel(i: i32, n: usize, len: i32) -> Range<usize> {
    let start = cell(i, n, len);
    let end = cell(i + 1, n, len);
    start..end.max(start + 1).min(n)
}

impl CellGrid {
    /// Row 0 at the top; see [`CellGrid::with_row_order`].
    pub fn new(rect: PixelRect, rows: usize, cols: usize) -> Self {
        CellGrid {
            rect,
            rows,
            cols,
            order: RowOrder::TopDown,
        }
    }

    pub fn with_row_order(mut self, order: RowOrder) -> Self {
        self.order = order;
        self
    }

    /// The same cells moved by `(dx, dy)` pixels, e.g. from an area's own
    /// pixels to backend pixels: cell edges and centres move by exactly as
    /// much, since they are counted from the rectangle's corner.
    pub fn shifted(mut self, (dx, dy): (i32, i32)) -> Self {
        self.rect = self.rect.shifted((dx, dy));
        self
    }

    /// Pixel row offset `j` (from the top) as an offset from row 0's side:
    /// bottom-up grids are the exact mirror image of top-down ones.
    fn offset_from_row0(&self, j: i32) -> i32 {
        match self.order {
            RowOrder::TopDown => j,
            RowOrder::BottomUp => self.rect.height() - 1 - j,
        }
    }

    fn usable(&self) -> bool {
        self.rows > 0 && self.cols > 0 && self.rect.width() > 0 && self.rect.height() > 0
    }

    /// `(row, col)` under backend pixel `px`, if inside.
    pub fn cell_at(&self, px: (i32, i32)) -> Option<(usize, usize)> {
        if !self.usable() || !self.rect.contains(px) {
            return None;
        }
        Some((
            cell(
                self.offset_from_row0(px.1 - self.rect.y0),
                self.rows,
                self.rect.height(),
            ),
            cell(px.0 - self.rect.x0, self.cols, self.rect.width()),
        ))
    }

    /// The pixels of a cell (may be empty when cells are thinner than pixels).
    pub fn cell_rect(&self, row: usize, col: usize) -> PixelRect {
        let (w, h) = (self.rect.width(), self.rect.height());
        let (top, bottom) = match self.order {
            RowOrder::TopDown => (edge(row, self.rows, h), edge(row + 1, self.rows, h)),
            RowOrder::BottomUp => (h - edge(row + 1, self.rows, h), h - edge(row, self.rows, h)),
        };
        PixelRect {
            x0: self.rect.x0 + edge(col, self.cols, w),
            y0: self.rect.y0 + top,
            x1: self.rect.x0 + edge(col + 1, self.cols, w),
            y1: self.rect.y0 + bottom,
        }
    }

    /// The centre pixel of a cell.
    pub fn cell_center(&self, row: usize, col: usize) -> (i32, i32) {
        let r = self.cell_rect(row, col);
        let mid = |a: i32, b: i32| if b > a { (a + b - 1) / 2 } else { a };
        (mid(r.x0, r.x1), mid(r.y0, r.y1))
    }

    /// Columns covered by pixel column offset `i` (`0 ≤ i < width`).
    pub fn cols_of_pixel(&self, i: i32) -> Range<usize> {
        cells_of_pixel(i, self.cols, self.rect.width())
    }

    /// Rows covered by pixel row offset `j` (`0 ≤ j < height`, from the top).
    pub fn rows_of_pixel(&self, j: i32) -> Range<usize> {
        cells_of_pixel(self.offset_from_row0(j), self.rows, self.rect.height())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(w: i32, h: i32, rows: usize, cols: usize) -> CellGrid {
        CellGrid::new(
            PixelRect {
                x0: 10,
                y0: 20,
                x1: 10 + w,
                y1: 20 + h,
            },
            rows,
            cols,
        )
    }

    #[test]
    fn every_pixel_of_a_cell_maps_back_to_it() {
        for (w, h, rows, cols) in [(100, 60, 7, 13), (37, 41, 3, 200), (5, 5, 5, 5)] {
            let g = grid(w, h, rows, cols);
            for r in 0..rows {
                for c in 0..cols {
                    let rect = g.cell_rect(r, c);
                    for y in rect.y0..rect.y1 {
                        for x in rect.x0..rect.x1 {
                            assert_eq!(g.cell_at((x, y)), Some((r, c)));
                        }
                    }
                    if rect.width() > 0 && rect.height() > 0 {
                        assert_eq!(g.cell_at(g.cell_center(r, c)), Some((r, c)));
                    }
                }
            }
        }
    }

    #[test]
    fn bottom_up_puts_row_zero_at_the_bottom() {
        for (w, h, rows, cols) in [(100, 60, 7, 13), (37, 41, 3, 200), (30, 10, 40, 3)] {
            let g = grid(w, h, rows, cols).with_row_order(RowOrder::BottomUp);
            let bottom_left = (10, 20 + h - 1);
            assert_eq!(g.cell_at(bottom_left), Some((0, 0)));
            assert_eq!(g.rows_of_pixel(h - 1).start, 0);
            assert_eq!(g.rows_of_pixel(0).end, rows);
            assert!(g.rows_of_pixel(0).contains(&g.cell_at((10, 20)).unwrap().0));
            for r in 0..rows {
                let rect = g.cell_rect(r, 0);
                for y in rect.y0..rect.y1 {
                    assert_eq!(g.cell_at((10, y)), Some((r, 0)));
                    assert!(g.rows_of_pixel(y - 20).contains(&r));
                }
            }
        }
    }

    #[test]
    fn pixel_ranges_partition_the_cells_when_cells_are_small() {
        let g = grid(30, 10, 4, 100);
        let mut next = 0;
        for i in 0..30 {
            let cols = g.cols_of_pixel(i);
            assert!(cols.contains(&g.cell_at((10 + i, 20)).unwrap().1));
            assert_eq!(cols.start, next);
            next = cols.end;
        }
        assert_eq!(next, 100);
    }

    #[test]
    fn a_shifted_grid_has_the_same_cells_moved() {
        let g = grid(37, 41, 3, 7);
        let moved = g.shifted((5, -4));
        assert_eq!(
            moved.rect,
            PixelRect {
                x0: 15,
                y0: 16,
                x1: 52,
                y1: 57
            }
        );
        for c in 0..7 {
            let (x, y) = g.cell_center(1, c);
            assert_eq!(moved.cell_center(1, c), (x + 5, y - 4));
        }
    }

    #[test]
    fn outside_is_none() {
        let g = grid(10, 10, 2, 2);
        assert_eq!(g.cell_at((9, 25)), None);
        assert_eq!(g.cell_at((20, 25)), None);
        assert_eq!(g.cell_at((15, 30)), None);
    }
}
