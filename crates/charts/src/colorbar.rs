//! The colour bar beside a heatmap: the scale's gradient with value ticks.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::colorscale::ColorScale;
use crate::error::ChartError;
use crate::palette::INK;
use crate::style::{font, Sizes};
use crate::ticked_range::TickedRange;
use crate::ticks::{decimals_for, nice_step, nice_ticks};

/// How many value ticks the bar gets at most.
const MAX_TICKS: usize = 5;

/// Tick labels of the bar, e.g. `-1, -0.5, 0, 0.5, 1`: at most 5, or up
/// to 10 finer ones where 5 would leave a single tick (a fitted range such
/// as 0.004 to 0.93 gets 0.2, 0.4, 0.6, 0.8 rather than just 0.5).
pub fn colorbar_ticks(scale: &ColorScale) -> Vec<(f64, String)> {
    let (lo, hi) = (scale.min.min(scale.max), scale.min.max(scale.max));
    let mut max_ticks = MAX_TICKS;
    let mut ticks = nice_ticks(lo, hi, max_ticks);
    if ticks.len() < 2 {
        max_ticks = 2 * MAX_TICKS;
        ticks = nice_ticks(lo, hi, max_ticks);
    }
    let decimals = decimals_for(nice_step(hi - lo, max_ticks));
    ticks
        .into_iter()
        .map(|v| (v, format!("{v:.decimals$}")))
        .collect()
}

/// Draws the bar in `area`, its gradient spanning backend rows `y0..y1`
/// (the heatmap's plotting rows, so both line up). `sizes` are those of the
/// whole chart: the strip itself is too narrow to size text by.
pub fn draw_colorbar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scale: &ColorScale,
    (y0, y1): (i32, i32),
    sizes: &Sizes,
) -> Result<(), ChartError> {
    let (_, base_y) = area.get_base_pixel();
    let (w, h) = area.dim_in_pixel();
    // an area squeezed below nothing reports a wrapped-around size
    let size = |n: u32| i32::try_from(n).unwrap_or(0);
    let (w, h) = (size(w), size(h));
    let top = (y0 - base_y).clamp(0, h);
    let bottom = (base_y + h - y1).clamp(0, h - top);
    let gap = (sizes.tick * 0.6) as i32;
    let bar_w = (sizes.tick * 1.1) as i32;
    let label_w = (w - gap - bar_w).max(0);
    if label_w == 0 || h - top - bottom < 2 {
        return Ok(());
    }
    let ticks = colorbar_ticks(scale);
    let (lo, hi) = (scale.min, scale.max);
    let chart = ChartBuilder::on(area)
        .margin_top(top)
        .margin_bottom(bottom)
        .margin_left(gap)
        .right_y_label_area_size(label_w)
        .build_cartesian_2d(
            0f64..1f64,
            TickedRange::new(lo..hi, ticks.iter().map(|t| t.0).collect()),
        )?;

    // The gradient, one band per run of equal colour, top (max) to bottom.
    let plot = chart.plotting_area().strip_coord_spec();
    let (pw, ph) = plot.dim_in_pixel();
    let (pw, ph) = (pw as i32, ph as i32);
    let color_of_row = |j: i32| scale.color(hi + (lo - hi) * (j as f64 + 0.5) / ph as f64);
    let mut j = 0;
    while j < ph {
        let color = color_of_row(j);
        let mut end = j + 1;
        while end < ph && color_of_row(end) == color {
            end += 1;
        }
        plot.draw(&Rectangle::new([(0, j), (pw, end)], color.filled()))?;
        j = end;
    }
    plot.draw(&Rectangle::new([(0, 0), (pw, ph)], INK.stroke_width(1)))?;

    let labels: Vec<(f64, String)> = ticks;
    let formatter = |v: &f64| {
        labels
            .iter()
            .find(|(t, _)| (t - v).abs() < 1e-12)
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    };
    let mut chart = chart;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .set_tick_mark_size(LabelAreaPosition::Right, (sizes.tick * 0.3) as i32)
        .axis_style(INK)
        .label_style(font(sizes.tick))
        .y_label_formatter(&formatter)
        .draw()?;
    Ok(())
}
