//! The model view: every head of every layer as a small heatmap without
//! labels, layers down and heads across, to spot the heads worth a closer
//! look. Each thumbnail is painted per pixel, not per cell, so a whole
//! model of long sentences draws quickly.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::attention_heatmap::AttentionScale;
use crate::error::ChartError;
use crate::grid::CellGrid;
use crate::hover::{fmt_value, HoverMap, HoverTarget, HoverValue, PixelRect};
use crate::matrix::block_mean;
use crate::matrix_heatmap::paint_cells;
use crate::measure::TextMeasure;
use crate::message::draw_message;
use crate::palette::{series_color, Palette};
use crate::style::{font, Sizes, MIN_PX};

/// The shape of attention weights stored flat as `[layer][head][query][key]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttentionShape {
    pub layers: usize,
    pub heads: usize,
    /// `T`: each head's map is `T×T`.
    pub tokens: usize,
}

impl AttentionShape {
    pub fn new(layers: usize, heads: usize, tokens: usize) -> Self {
        AttentionShape {
            layers,
            heads,
            tokens,
        }
    }

    /// `layers · heads · T²`, or `None` when that overflows.
    pub fn value_count(&self) -> Option<usize> {
        self.layers
            .checked_mul(self.heads)?
            .checked_mul(self.tokens.checked_mul(self.tokens)?)
    }

    /// The `T×T` map of one head in `weights` of this shape.
    pub fn head<'a>(&self, weights: &'a [f32], layer: usize, head: usize) -> Option<&'a [f32]> {
        if layer >= self.layers || head >= self.heads {
            return None;
        }
        let n = self.tokens * self.tokens;
        let start = (layer * self.heads + head) * n;
        weights.get(start..start + n)
    }
}

/// How the model view looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ModelGridOptions {
    /// `(layer, head)` framed, e.g. the one shown in detail.
    pub highlight: Option<(usize, usize)>,
    /// [`AttentionScale::Fitted`] fits each head on its own.
    pub scale: AttentionScale,
    pub palette: Palette,
}

/// Draws every head of `weights` (of `shape`) as a thumbnail, rows = layers
/// labelled `L0…`, columns = heads labelled `H0…`. Hover:
/// [`HoverTarget::Head`] anywhere on a head's square, labelled
/// `layer L, head H` with its largest weight; the app can pass a click
/// position to [`HoverMap::at`] to pick that head.
pub fn draw_attention_model_grid<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    weights: &[f32],
    shape: AttentionShape,
    options: &ModelGridOptions,
) -> Result<HoverMap, ChartError> {
    if shape.value_count() != Some(weights.len()) {
        return Err(ChartError::InvalidData(format!(
            "{} layers × {} heads × {t}×{t} tokens do not make {} weights",
            shape.layers,
            shape.heads,
            weights.len(),
            t = shape.tokens,
        )));
    }
    if let Some((layer, head)) = options.highlight {
        if layer >= shape.layers || head >= shape.heads {
            return Err(ChartError::InvalidData(format!(
                "highlight on layer {layer}, head {head} of {}×{}",
                shape.layers, shape.heads
            )));
        }
    }
    if weights.is_empty() {
        return draw_message(area, "no attention to show");
    }
    area.fill(&WHITE)?;
    let layout = ModelGridLayout::of(shape, area.dim_in_pixel(), area)?;
    draw_thumbnails(area, weights, shape, options, &layout)?;
    draw_highlight(area, options, &layout)?;
    draw_labels(area, shape, &layout)?;

    let heads_grid = layout.heads.shifted(area.get_base_pixel());
    let maxima = head_maxima(weights, shape);
    let heads = shape.heads;
    Ok(HoverMap::new(heads_grid.rect, move |px| {
        let (layer, head) = heads_grid.cell_at(px)?;
        Some(HoverValue {
            target: HoverTarget::Head { layer, head },
            anchor: heads_grid.cell_center(layer, head),
            label: format!(
                "layer {layer}, head {head}\nmax weight = {}",
                fmt_value(maxima[layer * heads + head] as f64)
            ),
        })
    }))
}

/// Where the thumbnails and their labels go, in pixels of the chart's own
/// area.
#[derive(Debug, Clone, PartialEq)]
struct ModelGridLayout {
    /// One square cell per head: layers down, heads across.
    heads: CellGrid,
    /// Font size of the `L…` and `H…` labels.
    label_px: f64,
    /// Every `row_step`-th layer and `col_step`-th head is labelled.
    row_step: usize,
    col_step: usize,
    /// Space between a cell's edge and its thumbnail.
    gap_px: i32,
    /// Where the layer labels end (they are right-aligned).
    row_label_x_px: i32,
    /// Where the head labels stand (they are bottom-aligned).
    col_label_y_px: i32,
}

impl ModelGridLayout {
    /// The layout of a non-empty `shape` on an area of `size_px`.
    fn of<M: TextMeasure + ?Sized>(
        shape: AttentionShape,
        size_px: (u32, u32),
        measure: &M,
    ) -> Result<ModelGridLayout, ChartError> {
        let sizes = Sizes::for_size_px(size_px);
        let (w, h) = (size_px.0 as i32, size_px.1 as i32);
        let (layers, heads) = (shape.layers, shape.heads);
        let margin = sizes.margin();

        // The squares as large as the labels leave room for; the labels
        // shrink with the squares, which then grow a little.
        let last_layer = format!("L{}", layers - 1);
        let label_room = |size: f64| -> Result<(i32, i32), ChartError> {
            let (tw, th) = measure.text_size_px(&last_layer, &font(size))?;
            Ok((tw as i32 + (size * 0.5) as i32, (th as f64 * 1.5) as i32))
        };
        let pitch_for = |(left, top): (i32, i32)| {
            let across = (w - left - 2 * margin) / heads as i32;
            let down = (h - top - 2 * margin) / layers as i32;
            across.min(down).max(1)
        };
        let mut pitch = pitch_for(label_room(sizes.tick)?);
        let label_px = (pitch as f64 * 0.55).clamp(MIN_PX, sizes.tick);
        let (left, top) = label_room(label_px)?;
        pitch = pitch.max(pitch_for((left, top)));
        // every label where they fit: rows by their height, columns by width
        let every = |room: f64| ((room / pitch as f64 - 1e-9).ceil() as usize).max(1);
        let widest_head = measure.text_size_px(&format!("H{}", heads - 1), &font(label_px))?;
        let grid_w = pitch * heads as i32;
        let x0 = left + margin + ((w - left - 2 * margin - grid_w) / 2).max(0);
        let grid_h = pitch * layers as i32;
        let y0 = top + margin + ((h - top - 2 * margin - grid_h) / 2).max(0);
        Ok(ModelGridLayout {
            heads: CellGrid::new(
                PixelRect {
                    x0,
                    y0,
                    x1: x0 + grid_w,
                    y1: y0 + grid_h,
                },
                layers,
                heads,
            ),
            label_px,
            row_step: every(label_px * 1.15),
            col_step: every(widest_head.0 as f64 + label_px * 0.4),
            gap_px: if pitch >= 8 { (pitch / 16).max(1) } else { 0 },
            row_label_x_px: x0 - (label_px * 0.4) as i32,
            col_label_y_px: y0 - (label_px * 0.3) as i32,
        })
    }

    /// The thumbnail of one head: its cell less the gap; `None` when
    /// nothing of it is left.
    fn thumbnail(&self, layer: usize, head: usize) -> Option<PixelRect> {
        let cell = self.heads.cell_rect(layer, head);
        let thumb = PixelRect {
            x0: cell.x0 + self.gap_px,
            y0: cell.y0 + self.gap_px,
            x1: cell.x1 - self.gap_px,
            y1: cell.y1 - self.gap_px,
        };
        (thumb.width() > 0 && thumb.height() > 0).then_some(thumb)
    }
}

/// Every head's map painted into its thumbnail.
fn draw_thumbnails<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    weights: &[f32],
    shape: AttentionShape,
    options: &ModelGridOptions,
    layout: &ModelGridLayout,
) -> Result<(), ChartError> {
    let t = shape.tokens;
    for layer in 0..shape.layers {
        for head in 0..shape.heads {
            let Some(thumb) = layout.thumbnail(layer, head) else {
                continue;
            };
            let map = shape.head(weights, layer, head).unwrap_or_default();
            let scale = options.scale.color_scale(map, options.palette);
            let sub = area.clone().shrink(
                (thumb.x0, thumb.y0),
                (thumb.width() as u32, thumb.height() as u32),
            );
            paint_cells(
                &sub,
                &CellGrid::new(thumb, t, t),
                |rows, cols| block_mean(map, t, rows, cols),
                &scale,
            )?;
        }
    }
    Ok(())
}

/// A frame around the highlighted head's cell.
fn draw_highlight<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    options: &ModelGridOptions,
    layout: &ModelGridLayout,
) -> Result<(), ChartError> {
    if let Some((layer, head)) = options.highlight {
        let r = layout.heads.cell_rect(layer, head);
        let stroke = layout.gap_px.max(2) as u32;
        area.draw(&Rectangle::new(
            [(r.x0, r.y0), (r.x1 - 1, r.y1 - 1)],
            series_color(5).stroke_width(stroke),
        ))?;
    }
    Ok(())
}

/// L0… beside the rows, H0… above the columns.
fn draw_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    shape: AttentionShape,
    layout: &ModelGridLayout,
) -> Result<(), ChartError> {
    let label_font = font(layout.label_px);
    let row_style = label_font.pos(Pos::new(HPos::Right, VPos::Center));
    let col_style = label_font.pos(Pos::new(HPos::Center, VPos::Bottom));
    for layer in (0..shape.layers).step_by(layout.row_step) {
        let (_, y) = layout.heads.cell_center(layer, 0);
        area.draw_text(&format!("L{layer}"), &row_style, (layout.row_label_x_px, y))?;
    }
    for head in (0..shape.heads).step_by(layout.col_step) {
        let (x, _) = layout.heads.cell_center(0, head);
        area.draw_text(&format!("H{head}"), &col_style, (x, layout.col_label_y_px))?;
    }
    Ok(())
}

/// The largest finite weight of every head (NaN for none), layer by layer.
fn head_maxima(weights: &[f32], shape: AttentionShape) -> Vec<f32> {
    let mut maxima = Vec::with_capacity(shape.layers * shape.heads);
    for layer in 0..shape.layers {
        for head in 0..shape.heads {
            let map = shape.head(weights, layer, head).unwrap_or_default();
            maxima.push(
                map.iter()
                    .filter(|v| v.is_finite())
                    .fold(f32::NAN, |m, &v| m.max(v)),
            );
        }
    }
    maxima
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::HalfEm;

    #[test]
    fn squares_fill_the_room_the_labels_leave() {
        // 200 × 120 px: tick font 9 px, margin 7 px; "L1" is 9 × 9 px, so
        // the labels take 9 + 4 px on the left and ⌊1.5 · 9⌋ = 13 px on top
        let layout =
            ModelGridLayout::of(AttentionShape::new(2, 3, 4), (200, 120), &HalfEm).unwrap();
        // across (200 − 13 − 14) / 3 = 57, down (120 − 13 − 14) / 2 = 46
        assert_eq!(
            layout.heads.rect,
            PixelRect {
                x0: 13 + 7 + 17,
                y0: 13 + 7,
                x1: 37 + 3 * 46,
                y1: 20 + 2 * 46
            }
        );
        assert_eq!(layout.label_px, 9.0);
        assert_eq!((layout.row_step, layout.col_step), (1, 1));
        assert_eq!(layout.gap_px, 2);
        assert_eq!(
            layout.thumbnail(1, 2),
            Some(PixelRect {
                x0: 131,
                y0: 68,
                x1: 173,
                y1: 110
            })
        );
        assert_eq!(
            (layout.row_label_x_px, layout.col_label_y_px),
            (37 - 3, 20 - 2)
        );
    }

    #[test]
    fn small_squares_lose_their_gap_and_every_other_label() {
        // twelve layers in 93 px: 7 px squares, shorter than a 10.35 px label
        let layout =
            ModelGridLayout::of(AttentionShape::new(12, 1, 4), (200, 120), &HalfEm).unwrap();
        assert_eq!(layout.heads.rect.height(), 12 * 7);
        assert_eq!(layout.row_step, 2);
        assert_eq!(layout.gap_px, 0);
        assert_eq!(
            layout.thumbnail(0, 0).map(|r| (r.width(), r.height())),
            Some((7, 7))
        );
    }

    #[test]
    fn maxima_skip_what_is_not_finite() {
        let weights = [0.1, 0.7, f32::NAN, 0.2, 0.5, 0.5, 0.25, 0.25];
        let maxima = head_maxima(&weights, AttentionShape::new(1, 2, 2));
        assert_eq!(maxima, [0.7, 0.5]);
    }
}
