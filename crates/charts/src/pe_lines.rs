//! The codes of a few positions drawn as curves over the dimensions: one
//! coloured line per position. Neighbouring positions differ in the fast
//! (low) dimensions and agree in the slow (high) ones.

use attend_core::PositionalEncoding;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::axes::{grid_mesh, plot_rect};
use crate::error::ChartError;
use crate::hover::{fmt_value, HoverMap, HoverTarget, HoverValue};
use crate::legend::{draw_legend, LegendEntry, Swatch};
use crate::message::draw_message;
use crate::palette::series_color;
use crate::pe_heatmap::check_encoding;
use crate::style::{font, Sizes};
use crate::ticked_range::TickedRange;
use crate::ticks::index_ticks;

/// Markers on the lines up to this many dimensions.
const MAX_MARKED_DIMS: usize = 64;

/// Draws `PE[pos, 0..dims]` for every `pos` in `positions` (`dims` is
/// clipped to `d_model`). Hover: [`HoverTarget::Dimension`], the dimension
/// nearest the cursor with every line's value there.
pub fn draw_pe_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pe: &PositionalEncoding,
    positions: &[usize],
    dims: usize,
) -> Result<HoverMap, ChartError> {
    check_encoding(pe)?;
    if let Some(&bad) = positions.iter().find(|&&p| p >= pe.max_len) {
        return Err(ChartError::InvalidData(format!(
            "position {bad} is beyond the {} encoded positions",
            pe.max_len
        )));
    }
    let dims = dims.min(pe.d_model);
    if positions.is_empty() || dims == 0 {
        return draw_message(area, "choose a position and some dimensions");
    }
    area.fill(&WHITE)?;
    let sizes = Sizes::of(area);
    let entries: Vec<LegendEntry> = positions
        .iter()
        .enumerate()
        .map(|(i, pos)| LegendEntry::new(format!("position {pos}"), Swatch::Line(series_color(i))))
        .collect();
    let body = draw_legend(area, &entries, sizes.legend)?;
    let (w, _) = body.dim_in_pixel();
    let tick_font = font(sizes.tick);
    let y_ticks = vec![-1.0, -0.5, 0.0, 0.5, 1.0];
    let y_label_w = body.estimate_text_size("-0.5", &tick_font)?.0;
    let fit = ((w as f64 * 0.8 / (sizes.tick * 3.5)) as usize).clamp(2, 12);
    let x_ticks: Vec<f64> = index_ticks(dims, fit)
        .into_iter()
        .map(|d| d as f64)
        .collect();

    let mut chart = ChartBuilder::on(&body)
        .margin_right(sizes.margin())
        .x_label_area_size(sizes.x_label_area())
        .y_label_area_size(sizes.y_label_area(y_label_w))
        .build_cartesian_2d(
            TickedRange::new(-0.5..dims as f64 - 0.5, x_ticks),
            TickedRange::new(-1.15..1.15, y_ticks),
        )?;
    let one_decimal = |v: &f64| format!("{v:.1}");
    let integer = |v: &f64| format!("{v:.0}");
    grid_mesh(&mut chart, &sizes)
        .label_style(tick_font)
        .x_desc("dimension")
        .y_desc("value")
        .x_label_formatter(&integer)
        .y_label_formatter(&one_decimal)
        .draw()?;

    let stroke = (sizes.tick / 8.0).max(2.0) as u32;
    let radius = (sizes.tick / 5.0).max(2.0) as i32;
    for (i, &pos) in positions.iter().enumerate() {
        let color = series_color(i);
        let points = move |d: usize| (d as f64, pe.get(pos, d) as f64);
        chart.draw_series(LineSeries::new(
            (0..dims).map(points),
            color.stroke_width(stroke),
        ))?;
        if dims <= MAX_MARKED_DIMS {
            chart.draw_series((0..dims).map(|d| Circle::new(points(d), radius, color.filled())))?;
        }
    }

    let plot = plot_rect(chart.plotting_area());
    let columns: Vec<(i32, i32)> = (0..dims)
        .map(|d| chart.backend_coord(&(d as f64, pe.get(positions[0], d) as f64)))
        .collect();
    let lines: Vec<(usize, Vec<f32>)> = positions
        .iter()
        .map(|&pos| (pos, pe.row(pos)[..dims].to_vec()))
        .collect();
    Ok(HoverMap::new(plot, move |(x, _)| {
        let dim = (0..columns.len()).min_by_key(|&d| (columns[d].0 - x).abs())?;
        let values: Vec<(usize, f64)> =
            lines.iter().map(|(pos, v)| (*pos, v[dim] as f64)).collect();
        let mut label = format!("dimension {dim}");
        for (pos, v) in &values {
            label.push_str(&format!("\nposition {pos}: {}", fmt_value(*v)));
        }
        Some(HoverValue {
            target: HoverTarget::Dimension { dim, values },
            anchor: columns[dim],
            label,
        })
    }))
}
