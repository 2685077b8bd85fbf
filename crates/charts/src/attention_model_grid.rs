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
    let sizes = Sizes::of(area);
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let (layers, heads, t) = (shape.layers, shape.heads, shape.tokens);
    let margin = sizes.margin();
    // the grid is in backend pixels, drawing is relative to the area
    let (bx, by) = area.get_base_pixel();

    // The squares as large as the labels leave room for; the labels shrink
    // with the squares, which then grow a little.
    let last_layer = format!("L{}", layers - 1);
    let label_room = |size: f64| -> Result<(i32, i32), ChartError> {
        let (tw, th) = area.estimate_text_size(&last_layer, &font(size))?;
        Ok((tw as i32 + (size * 0.5) as i32, (th as f64 * 1.5) as i32))
    };
    let pitch_for = |(left, top): (i32, i32)| {
        let across = (w - left - 2 * margin) / heads as i32;
        let down = (h - top - 2 * margin) / layers as i32;
        across.min(down).max(1)
    };
    let mut pitch = pitch_for(label_room(sizes.tick)?);
    let size = (pitch as f64 * 0.55).clamp(MIN_PX, sizes.tick);
    let (left, top) = label_room(size)?;
    pitch = pitch.max(pitch_for((left, top)));
    // every label where they fit: rows by their height, columns by width
    let every = |room: f64| ((room / pitch as f64 - 1e-9).ceil() as usize).max(1);
    let row_step = every(size * 1.15);
    let widest_head = area.estimate_text_size(&format!("H{}", heads - 1), &font(size))?;
    let col_step = every(widest_head.0 as f64 + size * 0.4);
    let grid_w = pitch * heads as i32;
    let x0 = bx + left + margin + ((w - left - 2 * margin - grid_w) / 2).max(0);
    let grid_h = pitch * layers as i32;
    let y0 = by + top + margin + ((h - top - 2 * margin - grid_h) / 2).max(0);
    let heads_grid = CellGrid::new(
        PixelRect {
            x0,
            y0,
            x1: x0 + grid_w,
            y1: y0 + grid_h,
        },
        layers,
        heads,
    );

    // The thumbnails, a gap apart.
    let gap = if pitch >= 8 { (pitch / 16).max(1) } else { 0 };
    let mut maxima = Vec::with_capacity(layers * heads);
    for layer in 0..layers {
        for head in 0..heads {
            let map = shape.head(weights, layer, head).unwrap_or_default();
            maxima.push(
                map.iter()
                    .filter(|v| v.is_finite())
                    .fold(f32::NAN, |m, &v| m.max(v)),
            );
            let cell = heads_grid.cell_rect(layer, head);
            let thumb = PixelRect {
                x0: cell.x0 + gap,
                y0: cell.y0 + gap,
                x1: cell.x1 - gap,
                y1: cell.y1 - gap,
            };
            if thumb.width() <= 0 || thumb.height() <= 0 {
                continue;
            }
            let scale = options.scale.color_scale(map, options.palette);
            let sub = area.clone().shrink(
                (thumb.x0 - bx, thumb.y0 - by),
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
    if let Some((layer, head)) = options.highlight {
        let r = heads_grid.cell_rect(layer, head);
        let stroke = gap.max(2) as u32;
        area.draw(&Rectangle::new(
            [(r.x0 - bx, r.y0 - by), (r.x1 - 1 - bx, r.y1 - 1 - by)],
            series_color(5).stroke_width(stroke),
        ))?;
    }

    // L0… beside the rows, H0… above the columns.
    let label_font = font(size);
    let row_style = label_font.pos(Pos::new(HPos::Right, VPos::Center));
    let col_style = label_font.pos(Pos::new(HPos::Center, VPos::Bottom));
    for layer in (0..layers).step_by(row_step) {
        let (_, y) = heads_grid.cell_center(layer, 0);
        let x = x0 - (size * 0.4) as i32;
        area.draw_text(&format!("L{layer}"), &row_style, (x - bx, y - by))?;
    }
    for head in (0..heads).step_by(col_step) {
        let (x, _) = heads_grid.cell_center(0, head);
        let y = y0 - (size * 0.3) as i32;
        area.draw_text(&format!("H{head}"), &col_style, (x - bx, y - by))?;
    }

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
