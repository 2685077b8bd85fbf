//! The positional encoding as a picture: positions along x, dimensions up
//! y (dimension 0 at the bottom), the value in viridis from −1 to 1.

use attend_core::PositionalEncoding;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::colorscale::ColorScale;
use crate::error::ChartError;
use crate::grid::RowOrder;
use crate::hover::HoverMap;
use crate::matrix::Matrix;
use crate::matrix_heatmap::{draw_matrix_heatmap, AxisSpec, HeatmapSpec};

/// The heatmap spec of `pe`: rows are dimensions, columns positions.
pub fn pe_heatmap_spec(pe: &PositionalEncoding) -> HeatmapSpec {
    let matrix = Matrix::from_fn(pe.d_model, pe.max_len, |dim, pos| pe.get(pos, dim));
    HeatmapSpec {
        x: AxisSpec::new("position", "position"),
        y: AxisSpec::new("dimension", "dimension"),
        row_order: RowOrder::BottomUp,
        scale: ColorScale::new(-1.0, 1.0),
        ..HeatmapSpec::new(matrix)
    }
}

/// Refuses an encoding whose values do not fill `max_len × d_model`
/// (reading it would go out of bounds).
pub(crate) fn check_encoding(pe: &PositionalEncoding) -> Result<(), ChartError> {
    if pe.max_len.checked_mul(pe.d_model) == Some(pe.values.len()) {
        Ok(())
    } else {
        Err(ChartError::InvalidData(format!(
            "a {}×{} encoding with {} values",
            pe.max_len,
            pe.d_model,
            pe.values.len()
        )))
    }
}

/// Draws `pe` as a heatmap. Hover: [`crate::HoverTarget::Cell`] with
/// `row` = dimension, `col` = position.
pub fn draw_pe_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pe: &PositionalEncoding,
) -> Result<HoverMap, ChartError> {
    check_encoding(pe)?;
    draw_matrix_heatmap(area, &pe_heatmap_spec(pe))
}
