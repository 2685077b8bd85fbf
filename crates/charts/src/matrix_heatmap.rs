//! A matrix as a heatmap with a colour bar: the positional-encoding and
//! similarity charts use it, attention maps can too (token labels on the
//! axes, a fixed 0..1 scale, the weights written in the cells).
//!
//! Column 0 is at the left, row 0 at the top or bottom. When there are more cells
//! than pixels every pixel shows the mean of the cells it covers, so the
//! number of drawn elements is bounded by the pixels, not by the cells;
//! the hover still answers with the exact cell under the cursor.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::colorbar::draw_colorbar;
use crate::colorscale::ColorScale;
use crate::error::ChartError;
use crate::grid::{CellGrid, RowOrder};
use crate::hover::{fmt_value, HoverMap, HoverTarget, HoverValue, PixelRect};
use crate::matrix::Matrix;
use crate::message::draw_message;
use crate::palette::{text_on, INK};
use crate::style::{centered, font, with_color, Sizes};
use crate::ticked_range::TickedRange;
use crate::ticks::index_ticks;

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
    pub scale: ColorScale,
    pub cell_text: CellText,
    pub colorbar: bool,
    pub caption: Option<String>,
}

impl HeatmapSpec {
    /// Defaults: axes "column"/"row", row 0 at the top, the scale fitted to
    /// the values, a colour bar, no numbers in cells, no caption.
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
        }
    }
}

/// Draws `spec` on `area` and returns the hover map of its cells.
pub fn draw_matrix_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &HeatmapSpec,
) -> Result<HoverMap, ChartError> {
    let m = &spec.matrix;
    check_labels(&spec.x, m.cols(), "columns")?;
    check_labels(&spec.y, m.rows(), "rows")?;
    if m.is_empty() {
        return draw_message(area, "nothing to show");
    }
    area.fill(&WHITE)?;
    let sizes = Sizes::of(area);
    let (w, h) = area.dim_in_pixel();
    let bar_w = if spec.colorbar {
        ((sizes.tick * 5.0) as u32).min(w / 4)
    } else {
        0
    };
    let (main, bar) = area.split_horizontally(w - bar_w);

    let tick_font = font(sizes.tick);
    let title_font = font(sizes.title);
    let widest = |axis: &AxisSpec, ticks: &[usize]| -> Result<u32, ChartError> {
        let mut widest = 0;
        for &t in ticks {
            widest = widest.max(main.estimate_text_size(&axis.label(t), &tick_font)?.0);
        }
        Ok(widest)
    };
    let x_ticks = axis_ticks(&spec.x, m.cols(), w as f64 * 0.8, sizes.tick);
    let y_ticks = axis_ticks(&spec.y, m.rows(), h as f64 * 0.8, sizes.tick * 0.7);
    let y_area = sizes.y_label_area(widest(&spec.y, &y_ticks)?);

    let mut builder = ChartBuilder::on(&main);
    builder
        .margin_top(sizes.margin())
        .margin_right(sizes.margin())
        .x_label_area_size(sizes.x_label_area())
        .y_label_area_size(y_area);
    if let Some(caption) = &spec.caption {
        builder.caption(caption, font(sizes.title * 1.1));
    }
    let (rows, cols) = (m.rows() as f64, m.cols() as f64);
    // plotters puts the start of a range at the bottom
    let y_range = match spec.row_order {
        RowOrder::TopDown => rows - 0.5..-0.5,
        RowOrder::BottomUp => -0.5..rows - 0.5,
    };
    let as_f64 = |ticks: &[usize]| ticks.iter().map(|&t| t as f64).collect();
    let mut chart = builder.build_cartesian_2d(
        TickedRange::new(-0.5..cols - 0.5, as_f64(&x_ticks)),
        TickedRange::new(y_range, as_f64(&y_ticks)),
    )?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let rect = PixelRect {
        x0: xr.start,
        y0: yr.start,
        x1: xr.end,
        y1: yr.end,
    };
    let grid = CellGrid::new(rect, m.rows(), m.cols()).with_row_order(spec.row_order);
    let plot = chart.plotting_area().strip_coord_spec();
    paint_cells(&plot, &grid, m, &spec.scale)?;
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
        .label_style(tick_font.clone())
        .axis_desc_style(title_font)
        .x_desc(spec.x.title.as_str())
        .y_desc(spec.y.title.as_str())
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .draw()?;

    if spec.colorbar {
        draw_colorbar(&bar, &spec.scale, (rect.y0, rect.y1), &sizes)?;
    }
    Ok(hover_map(grid, spec))
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

/// Every index when they fit at `spacing` pixels over `length`, else nice
/// steps.
fn axis_ticks(axis: &AxisSpec, n: usize, length: f64, spacing: f64) -> Vec<usize> {
    let per_tick = match &axis.labels {
        Some(labels) => {
            let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1);
            spacing * 0.6 * longest.max(2) as f64 + spacing
        }
        None => spacing * 3.5,
    };
    let fit = ((length / per_tick).floor() as usize).clamp(2, 12);
    if n <= fit {
        (0..n).collect()
    } else {
        index_ticks(n, fit)
    }
}

/// Fills the cells, one rectangle per run of equal colour per band of pixel
/// rows that show the same matrix rows.
fn paint_cells<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    grid: &CellGrid,
    m: &Matrix,
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
                _ => scale.color(m.block_mean(rows.clone(), cols.clone())),
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

/// Writes each value in its cell where it fits.
fn write_cells<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    grid: &CellGrid,
    m: &Matrix,
    scale: &ColorScale,
    decimals: usize,
    size: f64,
) -> Result<(), ChartError> {
    let cell = grid.cell_rect(0, 0);
    let sample = format!("{:.decimals$}", -0.5f64);
    let (tw, th) = plot.estimate_text_size(&sample, &font(size))?;
    if (cell.width() as u32) < tw + 4 || (cell.height() as u32) < th + 2 {
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
    HoverMap::new(grid.rect, move |px| {
        let (row, col) = grid.cell_at(px)?;
        let value = m.get(row, col) as f64;
        Some(HoverValue {
            target: HoverTarget::Cell { row, col, value },
            anchor: grid.cell_center(row, col),
            label: format!(
                "{} = {}, {} = {}\n{} = {}",
                x.name,
                x.label(col),
                y.name,
                y.label(row),
                value_name,
                fmt_value(value)
            ),
        })
    })
}
