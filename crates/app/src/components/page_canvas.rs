//! The drawing backend the page's charts use: plotters-canvas's
//! `CanvasBackend`, with text measured by the canvas itself.
//!
//! Why not `CanvasBackend` alone: plotters measures text in the browser by
//! adding a `<span>` to the document and reading its `offsetWidth`, which
//! forces the browser to lay out the whole page — once per label. A heatmap
//! of 64 tokens measures its labels a few hundred times while it works out
//! where they go, so a keystroke paid tens of milliseconds of page layout
//! before a single cell was drawn. `measureText` on the canvas's own context
//! answers without any layout, and the answers are kept (tokens repeat from
//! one keystroke to the next).
//!
//! And cells: runs of opaque filled rectangles (heatmap cells) are collected
//! and put on the canvas as one image (see `rect_batch`) instead of one
//! `fillRect` each; anything else drawn first flushes them, so the order
//! of drawing is kept.

use std::cell::RefCell;
use std::collections::HashMap;

use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::rect_batch::{paint, Raster, Rect};

/// Sizes kept per page; past this the cache starts again (a page of charts
/// uses a few thousand distinct labels at most).
const MAX_CACHED_SIZES: usize = 8_192;

/// Line height in font sizes when a browser reports no font box (CSS's
/// `line-height: normal` is about this for the page's sans-serif fonts).
const FALLBACK_LINE_HEIGHT: f64 = 1.15;

/// Fewer rectangles than this are drawn one by one: an image costs a
/// buffer the size of their bounding box.
const MIN_RECTS_FOR_IMAGE: usize = 48;

thread_local! {
    /// (CSS font, text) → (width, height) in canvas pixels.
    static TEXT_SIZES: RefCell<HashMap<(String, String), (u32, u32)>> =
        RefCell::new(HashMap::new());
}

/// plotters-canvas does not name its error type; it is this.
type CanvasError = <CanvasBackend as DrawingBackend>::ErrorType;

/// `CanvasBackend` with fast text measuring (see the module comment).
pub struct PageCanvas {
    inner: CanvasBackend,
    context: CanvasRenderingContext2d,
    /// Opaque filled rectangles not yet on the canvas, in drawing order.
    pending: Vec<Rect>,
    /// The painted batch, kept to reuse its allocation.
    rgba: Vec<u8>,
}

impl PageCanvas {
    /// `None` when the canvas has no 2-D context.
    pub fn new(canvas: HtmlCanvasElement) -> Option<Self> {
        let context = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        let inner = CanvasBackend::with_canvas_object(canvas)?;
        Some(PageCanvas {
            inner,
            context,
            pending: Vec::new(),
            rgba: Vec::new(),
        })
    }

    /// Draws the pending rectangles: one by one when they are few (or when
    /// the browser refuses the image), else as one image.
    fn flush(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        let rects = std::mem::take(&mut self.pending);
        if rects.len() >= MIN_RECTS_FOR_IMAGE {
            let (w, h) = self.inner.get_size();
            let Some(raster) = paint(&rects, w, h, &mut self.rgba) else {
                return Ok(());
            };
            match self.put(raster) {
                Ok(()) => return Ok(()),
                Err(e) => web_sys::console::warn_2(
                    &"Attend: cells drawn one by one, the canvas refused them as an image".into(),
                    &e,
                ),
            }
        }
        for r in rects {
            let color = BackendColor {
                alpha: 1.0,
                rgb: r.rgb,
            };
            self.inner
                .draw_rect((r.x0, r.y0), (r.x1, r.y1), &color, true)?;
        }
        Ok(())
    }

    /// Puts the painted batch on the canvas: straight in when it covers its
    /// box, else through a scratch canvas so that its gaps show what is
    /// under them.
    fn put(&self, raster: Raster) -> Result<(), JsValue> {
        let image = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(&self.rgba[..]),
            raster.width,
            raster.height,
        )?;
        let (x, y) = (f64::from(raster.x), f64::from(raster.y));
        if raster.covers_box {
            return self.context.put_image_data(&image, x, y);
        }
        let scratch: HtmlCanvasElement = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(|| JsValue::from_str("no document for a scratch canvas"))?
            .create_element("canvas")?
            .dyn_into()?;
        scratch.set_width(raster.width);
        scratch.set_height(raster.height);
        let scratch_context: CanvasRenderingContext2d = scratch
            .get_context("2d")?
            .ok_or_else(|| JsValue::from_str("no 2-D context on a scratch canvas"))?
            .dyn_into()?;
        scratch_context.put_image_data(&image, 0.0, 0.0)?;
        self.context
            .draw_image_with_html_canvas_element(&scratch, x, y)
    }

    fn measure(&self, font: &str, text: &str) -> (u32, u32) {
        let key = (font.to_owned(), text.to_owned());
        if let Some(size) = TEXT_SIZES.with(|sizes| sizes.borrow().get(&key).copied()) {
            return size;
        }
        self.context.set_font(font);
        let size = match self.context.measure_text(text) {
            Ok(metrics) => {
                let height =
                    metrics.font_bounding_box_ascent() + metrics.font_bounding_box_descent();
                (metrics.width().round(), height)
            }
            // measureText only fails on a detached context; the layout then
            // uses the fallback and the drawing itself reports the problem.
            Err(_) => (0.0, 0.0),
        };
        let size = (size.0.max(0.0) as u32, line_height(size.1, font));
        TEXT_SIZES.with(|sizes| {
            let mut sizes = sizes.borrow_mut();
            if sizes.len() >= MAX_CACHED_SIZES {
                sizes.clear();
            }
            sizes.insert(key, size);
        });
        size
    }
}

/// The height a label takes: the font box the browser reports, or the
/// fallback line height of the font size written in `font`.
fn line_height(reported: f64, font: &str) -> u32 {
    if reported.is_finite() && reported > 0.0 {
        return reported.round() as u32;
    }
    let size_px = font
        .split_whitespace()
        .find_map(|word| word.strip_suffix("px")?.parse::<f64>().ok())
        .unwrap_or(12.0);
    (size_px * FALLBACK_LINE_HEIGHT).round() as u32
}

/// The CSS font plotters-canvas sets before it writes `style`, so that
/// what is measured is what is drawn.
fn css_font<S: BackendTextStyle>(style: &S) -> String {
    format!(
        "{} {}px {}",
        style.style().as_str(),
        style.size(),
        style.family().as_str()
    )
}

impl DrawingBackend for PageCanvas {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.flush()?;
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.flush()?;
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.flush()?;
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let color = style.color();
        if fill && color.alpha >= 1.0 {
            self.pending.push(Rect {
                x0: upper_left.0,
                y0: upper_left.1,
                x1: bottom_right.0,
                y1: bottom_right.1,
                rgb: color.rgb,
            });
            return Ok(());
        }
        self.flush()?;
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.flush()?;
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.flush()?;
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.flush()?;
        self.inner.fill_polygon(vert, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.flush()?;
        self.inner.draw_text(text, style, pos)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        Ok(self.measure(&css_font(style), text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reported_font_box_is_the_height() {
        assert_eq!(line_height(15.4, "normal 13px sans-serif"), 15);
    }

    #[test]
    fn without_a_font_box_the_height_follows_the_font_size() {
        assert_eq!(line_height(0.0, "normal 20px sans-serif"), 23);
        assert_eq!(line_height(f64::NAN, "bold 10.5px serif"), 12);
    }
}
