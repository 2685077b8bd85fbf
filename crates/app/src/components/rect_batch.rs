//! Opaque filled rectangles collected and painted as one image.
//!
//! A heatmap is thousands of one-colour rectangles (the model view at 64
//! tokens: 72 maps × 4,096 cells). Drawn one by one, each costs two calls
//! from wasm into the canvas API and a colour string; painted here into one
//! RGBA buffer they reach the canvas in a single call. Pure pixel
//! arithmetic, so it is tested natively.

/// One rectangle: pixels `x0..x1` × `y0..y1` (ends excluded, as the
/// canvas's `fillRect` covers them) in one opaque colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
    pub rgb: (u8, u8, u8),
}

/// Where a painted batch goes on the canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Raster {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    /// Every pixel of the box is painted: the image may replace what is
    /// under it. Otherwise the unpainted pixels are transparent and the
    /// image must be composited over the canvas.
    pub covers_box: bool,
}

/// Paints `rects`, clipped to a `canvas_w × canvas_h` canvas, into `rgba`
/// (resized to their bounding box; later rectangles over earlier ones, as
/// on the canvas). `None` when none of them lies on the canvas.
pub fn paint(rects: &[Rect], canvas_w: u32, canvas_h: u32, rgba: &mut Vec<u8>) -> Option<Raster> {
    let clip = |r: &Rect| {
        let (x0, x1) = (r.x0.min(r.x1).max(0), r.x0.max(r.x1).min(canvas_w as i32));
        let (y0, y1) = (r.y0.min(r.y1).max(0), r.y0.max(r.y1).min(canvas_h as i32));
        (x0 < x1 && y0 < y1).then_some((x0 as u32, y0 as u32, x1 as u32, y1 as u32))
    };
    let clipped: Vec<_> = rects
        .iter()
        .filter_map(|r| clip(r).map(|c| (c, r.rgb)))
        .collect();
    let (mut bx0, mut by0, mut bx1, mut by1) = (u32::MAX, u32::MAX, 0, 0);
    for &((x0, y0, x1, y1), _) in &clipped {
        bx0 = bx0.min(x0);
        by0 = by0.min(y0);
        bx1 = bx1.max(x1);
        by1 = by1.max(y1);
    }
    if clipped.is_empty() {
        return None;
    }
    let (width, height) = (bx1 - bx0, by1 - by0);
    rgba.clear();
    rgba.resize(width as usize * height as usize * 4, 0);
    for ((x0, y0, x1, y1), (r, g, b)) in clipped {
        let pixel = [r, g, b, 255];
        for y in y0..y1 {
            let start = ((y - by0) as usize * width as usize + (x0 - bx0) as usize) * 4;
            let end = start + (x1 - x0) as usize * 4;
            for px in rgba[start..end].chunks_exact_mut(4) {
                px.copy_from_slice(&pixel);
            }
        }
    }
    let covers_box = rgba.chunks_exact(4).all(|px| px[3] == 255);
    Some(Raster {
        x: bx0,
        y: by0,
        width,
        height,
        covers_box,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x0: i32, y0: i32, x1: i32, y1: i32, v: u8) -> Rect {
        Rect {
            x0,
            y0,
            x1,
            y1,
            rgb: (v, v, v),
        }
    }

    fn pixel(rgba: &[u8], width: u32, x: u32, y: u32) -> [u8; 4] {
        let i = ((y * width + x) * 4) as usize;
        [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]]
    }

    #[test]
    fn tiles_fill_their_box_and_later_rectangles_win() {
        let batch = vec![
            rect(2, 3, 4, 5, 10),
            rect(4, 3, 6, 5, 20),
            rect(3, 3, 5, 4, 30),
        ];
        let mut rgba = Vec::new();
        let raster = paint(&batch, 100, 100, &mut rgba).unwrap();
        assert_eq!(
            raster,
            Raster {
                x: 2,
                y: 3,
                width: 4,
                height: 2,
                covers_box: true
            }
        );
        assert_eq!(pixel(&rgba, 4, 0, 0), [10, 10, 10, 255]);
        assert_eq!(pixel(&rgba, 4, 1, 0), [30, 30, 30, 255]);
        assert_eq!(pixel(&rgba, 4, 2, 0), [30, 30, 30, 255]);
        assert_eq!(pixel(&rgba, 4, 3, 0), [20, 20, 20, 255]);
        assert_eq!(pixel(&rgba, 4, 1, 1), [10, 10, 10, 255]);
    }

    #[test]
    fn gaps_stay_transparent() {
        let batch = vec![rect(0, 0, 1, 1, 50), rect(2, 0, 3, 1, 60)];
        let mut rgba = Vec::new();
        let raster = paint(&batch, 10, 10, &mut rgba).unwrap();
        assert_eq!(
            (raster.width, raster.height, raster.covers_box),
            (3, 1, false)
        );
        assert_eq!(pixel(&rgba, 3, 1, 0), [0, 0, 0, 0]);
    }

    #[test]
    fn clipped_to_the_canvas_and_reversed_corners_allowed() {
        let batch = vec![rect(8, 8, -5, 12, 70)];
        let mut rgba = Vec::new();
        let raster = paint(&batch, 10, 10, &mut rgba).unwrap();
        assert_eq!(
            (raster.x, raster.y, raster.width, raster.height),
            (0, 8, 8, 2)
        );
        assert_eq!(rgba.len(), 8 * 2 * 4);
    }

    #[test]
    fn nothing_on_the_canvas_paints_nothing() {
        let batch = vec![rect(20, 20, 30, 30, 1), rect(3, 3, 3, 9, 1)];
        let mut rgba = Vec::new();
        assert_eq!(paint(&batch, 10, 10, &mut rgba), None);
    }
}
