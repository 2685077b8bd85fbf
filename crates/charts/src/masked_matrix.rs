//! A score matrix in which masked entries (−∞) are shown as what they
//! are: a cell in a colour of its own with "−∞" written in it, instead of
//! the darkest colour of the scale. The colours of the other cells span the
//! finite values only.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::colorscale::ColorScale;
use crate::error::ChartError;
use crate::grid::{CellGrid, RowOrder};
use crate::hover::{fmt_value, HoverMap, HoverTarget, HoverValue};
use crate::matrix::Matrix;
use crate::matrix_heatmap::{
    draw_matrix_heatmap, AxisSpec, CellText, HeatmapSpec, HoverLabel, LabelDirection, XAxisSide,
};
use crate::message::draw_message;
use crate::palette::text_on;
use crate::style::{centered, font, with_color, Sizes, MIN_PX};

/// The fill of a masked cell: a pale grey that no palette colour is near.
pub const MASKED: RGBColor = RGBColor(236, 236, 236);
/// The "−∞" written in a masked cell.
pub const MASKED_TEXT: RGBColor = RGBColor(190, 30, 45);

/// Everything [`draw_masked_matrix`] needs.
#[derive(Debug, Clone, PartialEq)]
pub struct MaskedMatrixSpec {
    /// Queries × keys; `f32::NEG_INFINITY` marks a masked entry.
    pub values: Matrix,
    /// One label per row and column (the tokens).
    pub tokens: Vec<String>,
    pub caption: Option<String>,
    /// Names the value in the tooltip, e.g. "score".
    pub value_name: String,
    /// Decimals of the numbers in the cells.
    pub decimals: usize,
    /// The colour range; fitted to the finite values when `None`.
    pub scale: Option<ColorScale>,
}

/// Draws `spec`: queries down the side, keys along the top. Hover:
/// [`HoverTarget::Cell`] with `row` = query, `col` = key and the value
/// (−∞ for a masked cell), labelled e.g. `cat (1) → sat (2)` /
/// `score = −∞ (masked)`.
pub fn draw_masked_matrix<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &MaskedMatrixSpec,
) -> Result<HoverMap, ChartError> {
    let m = &spec.values;
    if m.rows() != spec.tokens.len() || m.cols() != spec.tokens.len() {
        return Err(ChartError::InvalidData(format!(
            "{} tokens need a square matrix of that size, got {}×{}",
            spec.tokens.len(),
            m.rows(),
            m.cols()
        )));
    }
    if m.is_empty() {
        return draw_message(area, "no tokens to show");
    }
    let scale = spec.scale.unwrap_or_else(|| ColorScale::fit(m.values()));
    // masked cells are painted over below; under them lies the bottom colour
    let heat = HeatmapSpec {
        matrix: m.clone(),
        x: AxisSpec::new("key", "key").with_labels(spec.tokens.clone()),
        y: AxisSpec::new("query", "query").with_labels(spec.tokens.clone()),
        row_order: RowOrder::TopDown,
        value_name: spec.value_name.clone(),
        scale,
        cell_text: CellText::Off,
        colorbar: true,
        caption: spec.caption.clone(),
        x_side: XAxisSide::Top,
        x_label_direction: LabelDirection::Auto,
        hover_label: HoverLabel::RowToColumn,
    };
    let inner = draw_matrix_heatmap(area, &heat)?;
    let rect = inner.plot_rect();
    let grid = CellGrid::new(rect, m.rows(), m.cols());
    write_cells(area, &grid, m, &scale, spec.decimals)?;

    let values = m.clone();
    let tokens = spec.tokens.clone();
    let value_name = spec.value_name.clone();
    Ok(HoverMap::new(rect, move |px| {
        let (row, col) = grid.cell_at(px)?;
        let v = values.get(row, col);
        let shown = if v == f32::NEG_INFINITY {
            "−∞ (masked)".to_string()
        } else {
            fmt_value(v as f64)
        };
        Some(HoverValue {
            target: HoverTarget::Cell {
                row,
                col,
                value: v as f64,
            },
            anchor: grid.cell_center(row, col),
            label: format!(
                "{} ({row}) → {} ({col})\n{value_name} = {shown}",
                tokens[row], tokens[col]
            ),
        })
    }))
}

/// Paints the masked cells and writes every cell's number (or "−∞") where
/// it fits.
fn write_cells<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    grid: &CellGrid,
    m: &Matrix,
    scale: &ColorScale,
    decimals: usize,
) -> Result<(), ChartError> {
    let sizes = Sizes::of(area);
    // backend pixels → pixels of `area`
    let (bx, by) = area.get_base_pixel();
    let cell = grid.cell_rect(0, 0);
    let (cw, ch) = (cell.width() as f64 - 4.0, cell.height() as f64 - 2.0);
    let text_of = |v: f32| {
        if v == f32::NEG_INFINITY {
            "−∞".to_string()
        } else {
            format!("{v:.decimals$}")
        }
    };
    // the largest font in which `text` fits a cell (numbers and "−∞"
    // get their own: "−∞" is short and should not shrink with "-1.23")
    let fit = |text: &str| -> Result<f64, ChartError> {
        let (tw, th) = area.estimate_text_size(text, &font(sizes.small))?;
        let fit = sizes.small * (cw / tw.max(1) as f64).min(ch / th.max(1) as f64);
        Ok(sizes.small.min(fit))
    };
    let widest = m
        .values()
        .iter()
        .filter(|v| v.is_finite())
        .map(|&v| text_of(v))
        .max_by_key(|t| t.chars().count())
        .unwrap_or_default();
    let number_size = fit(&widest)?;
    let infinity_size = fit("−∞")?;
    for r in 0..m.rows() {
        for c in 0..m.cols() {
            let v = m.get(r, c);
            let masked = v == f32::NEG_INFINITY;
            if masked {
                let px = grid.cell_rect(r, c);
                area.draw(&Rectangle::new(
                    [(px.x0 - bx, px.y0 - by), (px.x1 - bx, px.y1 - by)],
                    MASKED.filled(),
                ))?;
                area.draw(&Rectangle::new(
                    [(px.x0 - bx, px.y0 - by), (px.x1 - bx, px.y1 - by)],
                    WHITE.stroke_width(1),
                ))?;
            }
            let size = if masked { infinity_size } else { number_size };
            if size >= MIN_PX && cw > 0.0 && ch > 0.0 {
                let color = if masked {
                    MASKED_TEXT
                } else {
                    text_on(scale.color(v as f64))
                };
                let style = centered(with_color(font(size), color));
                let (x, y) = grid.cell_center(r, c);
                area.draw_text(&text_of(v), &style, (x - bx, y - by))?;
            }
        }
    }
    Ok(())
}
