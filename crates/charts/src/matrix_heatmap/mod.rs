//! A matrix as a heatmap with a colour bar: the positional-encoding,
//! similarity and attention charts use it (token labels on the axes, a
//! fixed 0..1 scale, the weights written in the cells).
//!
//! Column 0 is at the left, row 0 at the top or bottom. When there are more cells
//! than pixels every pixel shows the mean of the cells it covers, so the
//! number of drawn elements is bounded by the pixels, not by the cells;
//! the hover still answers with the exact cell under the cursor.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::axes::{plot_rect, set_caption};
use crate::colorbar::draw_colorbar;
use crate::colorscale::ColorScale;
use crate::error::ChartError;
use crate::grid::{CellGrid, RowOrder};
use crate::hover::{fmt_value, HoverMap, HoverTarget, HoverValue, PixelRect};
use crate::matrix::Matrix;
use crate::message::draw_message;
use crate::palette::{text_on, INK};
use crate::style::{centered, font, with_color, MIN_PX};
use crate::ticked_range::TickedRange;

mod layout;

pub(crate) use layout::Layout;

/// Labels stacked this many font sizes apart still read as separate.
const LINE: f64 = 1.15;

/// Length of the tick marks beside vertical labels, as plotters draws them.
const TICK_MARK: i32 = 5;

/// One axis of the heatmap.
#[derive(Debug, Clone, PartialEq)]
pub struct AxisSpec {
    /// Written along the axis, e.g. "position".
    pub title: String,
    /// Used in the tooltip, e.g. "position" or "p".
    pub name: String,
    /// One label per row/column (e.g. tokens); indices when `None`.
    pub labels: Option<Vec<String>>,
}

impl AxisSpec {
    pub fn new(title: impl Into<String>, name: impl Into<String>) -> Self {
        AxisSpec {
            title: title.into(),
            name: name.into(),
            labels: None,
        }
    }

    pub fn with_labels(mut self, labels: Vec<String>) -> Self {
        self.labels = Some(labels);
        self
    }

    fn label(&self, i: usize) -> String {
        match &self.labels {
            Some(labels) => labels.get(i).cloned().unwrap_or_default(),
            None => i.to_string(),
        }
    }
}

/// Numbers written inside the cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellText {
    Off,
    /// With this many decimals, wherever the number fits in its cell.
    Decimals(usize),
}

/// Which side of the plot the x axis is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum XAxisSide {
    #[default]
    Bottom,
    /// Above the plot, as the keys over an attention matrix.
    Top,
}

/// How the x tick labels are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LabelDirection {
    /// Across; when they do not all fit, only some are written.
    #[default]
    Horizontal,
    /// Upright, reading upwards, in a smaller font where needed, so that
    /// every column of a long sentence keeps its label.
    Vertical,
    /// Across when every label fits so, else upright.
    Auto,
}

/// How the tooltip names a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HoverLabel {
    /// Both axes by name: `key = sat, query = cat` then `weight = 0.1000`.
    #[default]
    Axes,
    /// From the row to the column, with their indices: `cat (1) → sat (2)`
    /// then `attention = 0.1000`.
    RowToColumn,
}

/// Everything [`draw_matrix_heatmap`] needs.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatmapSpec {
    pub matrix: Matrix,
    /// Along x: the columns.
    pub x: AxisSpec,
    /// Along y: the rows.
    pub y: AxisSpec,
    /// Row 0 at the top (matrices) or at the bottom (plots).
    pub row_order: RowOrder,
    /// Names the cell value in the tooltip, e.g. "value", "PE[p]·PE[q]".
    pub value_name: String,
    /// The value range and the palette.
    pub scale: ColorScale,
    pub cell_text: CellText,
    pub colorbar: bool,
    pub caption: Option<String>,
    /// The x axis below or above the plot.
    pub x_side: XAxisSide,
    pub x_label_direction: LabelDirection,
    pub hover_label: HoverLabel,
}

impl HeatmapSpec {
    /// Defaults: axes "column"/"row", row 0 at the top, the scale fitted to
    /// the values on viridis, a colour bar, no numbers in cells, no caption,
    /// the x axis below with horizontal labels, tooltips naming both axes.
    pub fn new(matrix: Matrix) -> Self {
        let scale = ColorScale::fit(matrix.values());
        HeatmapSpec {
            matrix,
            x: AxisSpec::new("column", "column"),
            y: AxisSpec::new("row", "row"),
            row_order: RowOrder::TopDown,
            value_name: "value".into(),
            scale,
            cell_text: CellText::Off,
            colorbar: true,
            caption: None,
            x_side: XAxisSide::Bottom,
            x_label_direction: LabelDirection::Horizontal,
            hover_label: HoverLabel::Axes,
        }
    }

    /// Fails when the labels do not match the matrix.
    pub(crate) fn check(&self) -> Result<(), ChartError> {
        check_labels(&self.x, self.matrix.cols(), "columns")?;
        check_labels(&self.y, self.matrix.rows(), "rows")
    }
}

/// Draws `spec` on `area` and returns the hover map of its cells.
pub fn draw_matrix_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &HeatmapSpec,
) -> Result<HoverMap, ChartError> {
    spec.check()?;
    if spec.matrix.is_empty() {
        return draw_message(area, "nothing to show");
    }
    let layout = Layout::of(area, spec)?;
    Ok(draw_with_layout(area, spec, &layout)?.0)
}

/// Draws a checked, non-empty `spec` as laid out; the hover map and the
/// plotting area in backend pixels.
pub(crate) fn draw_with_layout<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &HeatmapSpec,
    layout: &Layout,
) -> Result<(HoverMap, PixelRect), ChartError> {
    let m = &spec.matrix;
    area.fill(&WHITE)?;
    let sizes = layout.sizes;
    let (w, _) = area.dim_in_pixel();
    let (main, bar) = area.split_horizontally(w - layout.bar_w);

    let mut builder = ChartBuilder::on(&main);
    builder
        .margin_top(sizes.margin())
        .margin_right(sizes.margin())
        .y_label_area_size(layout.y_area);
    match spec.x_side {
        XAxisSide::Bottom => builder.x_label_area_size(layout.x_area),
        XAxisSide::Top => builder
            .top_x_label_area_size(layout.x_area)
            .margin_bottom(sizes.margin()),
    };
    set_caption(&mut builder, spec.caption.as_ref(), &sizes);
    let (rows, cols) = (m.rows() as f64, m.cols() as f64);
    // plotters puts the start of a range at the bottom
    let y_range = match spec.row_order {
        RowOrder::TopDown => rows - 0.5..-0.5,
        RowOrder::BottomUp => -0.5..rows - 0.5,
    };
    let as_f64 = |ticks: &[usize]| ticks.iter().map(|&t| t as f64).collect();
    // upright labels are written below, not by the mesh
    let mesh_x_ticks = if layout.x_vertical {
        vec![]
    } else {
        as_f64(&layout.x_ticks)
    };
    let mut chart = builder.build_cartesian_2d(
        TickedRange::new(-0.5..cols - 0.5, mesh_x_ticks),
        TickedRange::new(y_range, as_f64(&layout.y_ticks)),
    )?;
    let rect = plot_rect(chart.plotting_area());
    let grid = CellGrid::new(rect, m.rows(), m.cols()).with_row_order(spec.row_order);
    let plot = chart.plotting_area().strip_coord_spec();
    let values = m.values();
    paint_cells(
        &plot,
        &grid,
        |rows, cols| crate::matrix::block_mean(values, m.cols(), rows, cols),
        &spec.scale,
    )?;
    if let CellText::Decimals(decimals) = spec.cell_text {
        write_cells(&plot, &grid, m, &spec.scale, decimals, sizes.small)?;
    }

    let label_of = |axis: &AxisSpec, v: f64| {
        let i = v.round();
        if i >= 0.0 && (v - i).abs() < 1e-9 {
            axis.label(i as usize)
        } else {
            String::new()
        }
    };
    let fx = |v: &f64| label_of(&spec.x, *v);
    let fy = |v: &f64| label_of(&spec.y, *v);
    chart
        .configure_mesh()
        .disable_mesh()
        .axis_style(INK)
        .x_label_style(font(layout.x_font))
        .y_label_style(font(layout.y_font))
        .axis_desc_style(font(sizes.title))
        .x_desc(spec.x.title.as_str())
        .y_desc(spec.y.title.as_str())
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .draw()?;
    if layout.x_vertical {
        draw_upright_x_labels(area, &grid, spec, &layout.x_ticks, layout.x_font)?;
    }

    if spec.colorbar {
        draw_colorbar(&bar, &spec.scale, (rect.y0, rect.y1), &sizes)?;
    }
    Ok((hover_map(grid, spec), rect))
}

/// Writes the x labels upright beside the axis, each centred on its column,
/// with a tick mark like plotters' own.
fn draw_upright_x_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    grid: &CellGrid,
    spec: &HeatmapSpec,
    ticks: &[usize],
    size: f64,
) -> Result<(), ChartError> {
    let (bx, by) = area.get_base_pixel();
    let upright = font(size).transform(FontTransform::Rotate270);
    // reading upwards, the text ends at the axis below the plot and starts
    // at it above
    let (edge, dir, anchor) = match spec.x_side {
        XAxisSide::Bottom => (grid.rect.y1 - by, 1, HPos::Right),
        XAxisSide::Top => (grid.rect.y0 - 1 - by, -1, HPos::Left),
    };
    let style = upright.pos(Pos::new(anchor, VPos::Center));
    for &c in ticks {
        let x = grid.cell_center(0, c).0 - bx;
        area.draw(&PathElement::new(
            vec![(x, edge), (x, edge + dir * TICK_MARK)],
            INK.stroke_width(1),
        ))?;
        area.draw_text(&spec.x.label(c), &style, (x, edge + dir * 2 * TICK_MARK))?;
    }
    Ok(())
}

fn check_labels(axis: &AxisSpec, n: usize, what: &str) -> Result<(), ChartError> {
    match &axis.labels {
        Some(labels) if labels.len() != n => Err(ChartError::InvalidData(format!(
            "{} labels for {n} {what}",
            labels.len()
        ))),
        _ => Ok(()),
    }
}

/// Fills the cells of `grid` on `plot` (an area whose top-left pixel is the
/// grid's), one rectangle per run of equal colour per band of pixel rows
/// that show the same matrix rows. `mean` gives the mean value of a block
/// of cells (rows, columns).
pub(crate) fn paint_cells<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    grid: &CellGrid,
    mean: impl Fn(Range<usize>, Range<usize>) -> f64,
    scale: &ColorScale,
) -> Result<(), ChartError> {
    let (w, h) = (grid.rect.width(), grid.rect.height());
    let mut colors = Vec::with_capacity(w as usize);
    let mut j = 0;
    while j < h {
        let rows = grid.rows_of_pixel(j);
        let mut band_end = j + 1;
        while band_end < h && grid.rows_of_pixel(band_end) == rows {
            band_end += 1;
        }
        colors.clear();
        let mut last: Option<(std::ops::Range<usize>, RGBColor)> = None;
        for i in 0..w {
            let cols = grid.cols_of_pixel(i);
            let color = match &last {
                Some((c, color)) if *c == cols => *color,
                _ => scale.color(mean(rows.clone(), cols.clone())),
            };
            colors.push(color);
            last = Some((cols, color));
        }
        let mut i = 0;
        while i < w {
            let color = colors[i as usize];
            let mut run_end = i + 1;
            while run_end < w && colors[run_end as usize] == color {
                run_end += 1;
            }
            plot.draw(&Rectangle::new(
                [(i, j), (run_end, band_end)],
                color.filled(),
            ))?;
            i = run_end;
        }
        j = band_end;
    }
    Ok(())
}

/// Writes each value in its cell, in a font shrunk down to the smallest
/// size where needed; nothing when even that does not fit.
fn write_cells<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    grid: &CellGrid,
    m: &Matrix,
    scale: &ColorScale,
    decimals: usize,
    size: f64,
) -> Result<(), ChartError> {
    let cell = grid.cell_rect(0, 0);
    let (cw, ch) = (cell.width() as f64 - 4.0, cell.height() as f64 - 2.0);
    if ch < MIN_PX || cw < MIN_PX {
        return Ok(());
    }
    let widest = m
        .values()
        .iter()
        .map(|v| format!("{v:.decimals$}"))
        .max_by_key(|t| t.chars().count())
        .unwrap_or_default();
    let (tw, th) = plot.estimate_text_size(&widest, &font(size))?;
    let fit = size * (cw / tw.max(1) as f64).min(ch / th.max(1) as f64);
    let size = size.min(fit);
    if size < MIN_PX {
        return Ok(());
    }
    for r in 0..m.rows() {
        for c in 0..m.cols() {
            let v = m.get(r, c) as f64;
            let (x, y) = grid.cell_center(r, c);
            let style = centered(with_color(font(size), text_on(scale.color(v))));
            let text = format!("{v:.decimals$}");
            plot.draw_text(&text, &style, (x - grid.rect.x0, y - grid.rect.y0))?;
        }
    }
    Ok(())
}

fn hover_map(grid: CellGrid, spec: &HeatmapSpec) -> HoverMap {
    let m = spec.matrix.clone();
    let (x, y) = (spec.x.clone(), spec.y.clone());
    let value_name = spec.value_name.clone();
    let style = spec.hover_label;
    HoverMap::new(grid.rect, move |px| {
        let (row, col) = grid.cell_at(px)?;
        let value = m.get(row, col) as f64;
        let place = match style {
            HoverLabel::Axes => format!(
                "{} = {}, {} = {}",
                x.name,
                x.label(col),
                y.name,
                y.label(row)
            ),
            HoverLabel::RowToColumn => {
                format!("{} ({row}) → {} ({col})", y.label(row), x.label(col))
            }
        };
        Some(HoverValue {
            target: HoverTarget::Cell { row, col, value },
            anchor: grid.cell_center(row, col),
            label: format!("{place}\n{value_name} = {}", fmt_value(value)),
        })
    })
}
