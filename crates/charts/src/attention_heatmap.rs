//! One attention map as a heatmap: the queries down the side (the first
//! token at the top), the keys along the bottom or the top, each cell the
//! weight a query gives a key; every row sums to 1. The mean over heads and
//! the rollout are drawn the same way under another title.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::colorscale::ColorScale;
use crate::error::ChartError;
use crate::grid::RowOrder;
use crate::hover::HoverMap;
use crate::matrix::Matrix;
use crate::matrix_heatmap::{
    draw_matrix_heatmap, AxisSpec, CellText, HeatmapSpec, HoverLabel, LabelDirection, XAxisSide,
};
use crate::message::draw_message;
use crate::palette::Palette;

/// Sentences up to this many tokens get their weights written in the cells
/// (where the numbers fit).
pub const MAX_TOKENS_WITH_NUMBERS: usize = 20;

/// Which weights the colours span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AttentionScale {
    /// 0 to 1, so that a colour means the same weight on every map.
    #[default]
    Unit,
    /// The smallest to the largest weight shown: brings out the pattern of
    /// a flat map, but colours no longer compare between maps.
    Fitted,
}

impl AttentionScale {
    /// The colour scale for `values` on `palette`.
    pub fn color_scale(self, values: &[f32], palette: Palette) -> ColorScale {
        match self {
            AttentionScale::Unit => ColorScale::new(0.0, 1.0),
            AttentionScale::Fitted => ColorScale::fit(values),
        }
        .with_palette(palette)
    }
}

/// How an attention heatmap looks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AttentionOptions {
    /// Above the map, e.g. "Layer 3, head 7" (see [`head_title`]).
    pub title: Option<String>,
    pub scale: AttentionScale,
    pub palette: Palette,
    /// The keys below the map or above it.
    pub key_side: XAxisSide,
}

impl AttentionOptions {
    /// The defaults under `title`.
    pub fn titled(title: impl Into<String>) -> Self {
        AttentionOptions {
            title: Some(title.into()),
            ..AttentionOptions::default()
        }
    }
}

/// The title of one head's map: "Layer 3, head 7".
pub fn head_title(layer: usize, head: usize) -> String {
    format!("Layer {layer}, head {head}")
}

/// Fails unless `weights` is a `T×T` matrix for the `T` tokens.
pub(crate) fn check_attention(tokens: &[String], weights: &[f32]) -> Result<(), ChartError> {
    let t = tokens.len();
    if t.checked_mul(t) == Some(weights.len()) {
        Ok(())
    } else {
        Err(ChartError::InvalidData(format!(
            "{t} tokens need a {t}×{t} attention matrix, got {} weights",
            weights.len()
        )))
    }
}

/// The heatmap spec of one attention map: `weights` is `T×T` row-major,
/// rows are queries and columns keys, for the `T` `tokens`. The weights
/// are written in the cells up to [`MAX_TOKENS_WITH_NUMBERS`] tokens; the
/// key labels stand upright when they do not fit across.
pub fn attention_heatmap_spec(
    tokens: &[String],
    weights: &[f32],
    options: &AttentionOptions,
) -> Result<HeatmapSpec, ChartError> {
    check_attention(tokens, weights)?;
    let t = tokens.len();
    let matrix = Matrix::new(t, t, weights.to_vec())?;
    let scale = options.scale.color_scale(weights, options.palette);
    let cell_text = if t <= MAX_TOKENS_WITH_NUMBERS {
        CellText::Decimals(2)
    } else {
        CellText::Off
    };
    Ok(HeatmapSpec {
        matrix,
        x: AxisSpec::new("key", "key").with_labels(tokens.to_vec()),
        y: AxisSpec::new("query", "query").with_labels(tokens.to_vec()),
        row_order: RowOrder::TopDown,
        value_name: "attention".into(),
        scale,
        cell_text,
        colorbar: true,
        caption: options.title.clone(),
        x_side: options.key_side,
        x_label_direction: LabelDirection::Auto,
        hover_label: HoverLabel::RowToColumn,
    })
}

/// Draws one attention map (see [`attention_heatmap_spec`]). Hover:
/// [`crate::HoverTarget::Cell`] with `row` = query and `col` = key, labelled
/// e.g. `cat (3) → sat (4)` / `attention = 0.4321`.
pub fn draw_attention_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    tokens: &[String],
    weights: &[f32],
    options: &AttentionOptions,
) -> Result<HoverMap, ChartError> {
    check_attention(tokens, weights)?;
    if tokens.is_empty() {
        return draw_message(area, "no tokens to show");
    }
    draw_matrix_heatmap(area, &attention_heatmap_spec(tokens, weights, options)?)
}
