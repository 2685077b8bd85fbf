//! How alike the codes of two positions are: `PE[p]·PE[q]` for the first
//! positions. Largest on the diagonal and constant along every diagonal,
//! because the dot product depends only on `p − q`.

use attend_core::{position_similarity, PositionalEncoding};
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
use crate::pe_heatmap::check_encoding;

/// The heatmap spec of the first `positions` positions of `pe` (clipped to
/// `pe.max_len`). The matrix is symmetric; `p` runs along x, `q` down y.
pub fn pe_similarity_spec(
    pe: &PositionalEncoding,
    positions: usize,
) -> Result<HeatmapSpec, ChartError> {
    let n = positions.min(pe.max_len);
    let matrix = Matrix::new(n, n, position_similarity(pe, n))?;
    let scale = ColorScale::fit(matrix.values());
    Ok(HeatmapSpec {
        matrix,
        x: AxisSpec::new("position p", "p"),
        y: AxisSpec::new("position q", "q"),
        row_order: RowOrder::TopDown,
        value_name: "PE[p]·PE[q]".into(),
        scale,
        cell_text: CellText::Off,
        colorbar: true,
        caption: None,
        x_side: XAxisSide::Bottom,
        x_label_direction: LabelDirection::Horizontal,
        hover_label: HoverLabel::Axes,
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
