//! How alike the codes of two positions are: `PE[p]·PE[q]` for the first
//! positions. Largest on the diagonal and constant along every diagonal,
//! because the dot product depends only on `p − q`.

use attend_core::{position_similarity, PositionalEncoding};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::ChartError;
use crate::hover::HoverMap;
use crate::matrix::Matrix;
use crate::matrix_heatmap::{draw_matrix_heatmap, AxisSpec, HeatmapSpec};
use crate::pe_heatmap::check_encoding;

/// The heatmap spec of the first `positions` positions of `pe` (clipped to
/// `pe.max_len`). The matrix is symmetric; `p` runs along x, `q` down y.
pub fn pe_similarity_spec(
    pe: &PositionalEncoding,
    positions: usize,
) -> Result<HeatmapSpec, ChartError> {
    let n = positions.min(pe.max_len);
    let matrix = Matrix::new(n, n, position_similarity(pe, n))?;
    // `new` fits the colour scale to the values.
    Ok(HeatmapSpec {
        x: AxisSpec::new("position p", "p"),
        y: AxisSpec::new("position q", "q"),
        value_name: "PE[p]·PE[q]".into(),
        ..HeatmapSpec::new(matrix)
    })
}

/// Draws the similarity matrix. Hover: [`crate::HoverTarget::Cell`] with
/// `col` = p, `row` = q and the dot product.
pub fn draw_pe_similarity<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pe: &PositionalEncoding,
    positions: usize,
) -> Result<HoverMap, ChartError> {
    check_encoding(pe)?;
    draw_matrix_heatmap(area, &pe_similarity_spec(pe, positions)?)
}
