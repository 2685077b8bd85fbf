//! Where a heatmap's labels go and how large they are, worked out before
//! anything is drawn (unit-tested through the charts that use it).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{AxisSpec, HeatmapSpec, LabelDirection, XAxisSide, LINE, TICK_MARK};
use crate::axes::caption_font;
use crate::error::ChartError;
use crate::style::{font, Sizes, MIN_PX};
use crate::ticks::index_ticks;

/// Where the labels go and how large they are, worked out before anything
/// is drawn, so that two heatmaps side by side can share their label areas.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub(crate) sizes: Sizes,
    pub(crate) bar_w: u32,
    pub(crate) x_ticks: Vec<usize>,
    pub(crate) y_ticks: Vec<usize>,
    pub(crate) x_font: f64,
    pub(crate) y_font: f64,
    pub(crate) x_vertical: bool,
    /// Height of the x label area (tick labels and title).
    pub(crate) x_area: i32,
    pub(crate) y_area: i32,
}

impl Layout {
    /// The layout of a checked, non-empty `spec` on `area`.
    pub(crate) fn of<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        spec: &HeatmapSpec,
    ) -> Result<Layout, ChartError> {
        Layout::with_x_area(area, spec, 0)
    }

    /// The same with an x label area at least `min_x_area` high, to line
    /// the plot up with a neighbour's.
    pub(crate) fn with_x_area<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        spec: &HeatmapSpec,
        min_x_area: i32,
    ) -> Result<Layout, ChartError> {
        let m = &spec.matrix;
        let sizes = Sizes::of(area);
        let (w, h) = area.dim_in_pixel();
        let bar_w = if spec.colorbar {
            ((sizes.tick * 5.0) as u32).min(w / 4)
        } else {
            0
        };
        let widest = |axis: &AxisSpec, ticks: &[usize], size: f64| -> Result<u32, ChartError> {
            let style = font(size);
            let mut widest = 0;
            for &t in ticks {
                widest = widest.max(area.estimate_text_size(&axis.label(t), &style)?.0);
            }
            Ok(widest)
        };
        let all = |n: usize| (0..n).collect::<Vec<_>>();
        let old_y_ticks = axis_ticks(&spec.y, m.rows(), h as f64 * 0.8, sizes.tick * 0.7);

        // The plot is at least this wide: the y labels in the full tick
        // font take at most this much room.
        let y_area_max = match &spec.y.labels {
            Some(_) => sizes.y_label_area(widest(&spec.y, &all(m.rows()), sizes.tick)?),
            None => sizes.y_label_area(widest(&spec.y, &old_y_ticks, sizes.tick)?),
        };
        // Auto: every label across when they all fit, else all upright.
        let x_layout = |y_area: i32| -> Result<(bool, f64, Vec<usize>, i32), ChartError> {
            let plot_w = (w - bar_w) as f64 - sizes.margin() as f64 - y_area as f64;
            let x_pitch = plot_w / m.cols() as f64;
            let all_fit_across = match (&spec.x_label_direction, &spec.x.labels) {
                (LabelDirection::Auto, Some(_)) => {
                    let across = widest(&spec.x, &all(m.cols()), sizes.tick)? as f64;
                    across + sizes.tick * 0.5 <= x_pitch
                }
                _ => false,
            };
            let vertical = match spec.x_label_direction {
                LabelDirection::Horizontal => false,
                LabelDirection::Vertical => true,
                LabelDirection::Auto => spec.x.labels.is_some() && !all_fit_across,
            };
            let (size, ticks, x_area) = if vertical {
                let (size, ticks) = stacked_labels(m.cols(), x_pitch, sizes.tick);
                let longest = widest(&spec.x, &ticks, size)? as f64;
                let area = 2.0 * TICK_MARK as f64 + longest + sizes.tick * 0.3 + sizes.title * 1.3;
                (size, ticks, area as i32)
            } else if all_fit_across {
                (sizes.tick, all(m.cols()), sizes.x_label_area())
            } else {
                let ticks = axis_ticks(&spec.x, m.cols(), w as f64 * 0.8, sizes.tick);
                (sizes.tick, ticks, sizes.x_label_area())
            };
            Ok((vertical, size, ticks, x_area.max(min_x_area)))
        };
        let caption_h = match &spec.caption {
            Some(caption) => {
                let th = area.estimate_text_size(caption, &caption_font(&sizes))?.1;
                (th + 2 * (th / 2).min(5)) as f64
            }
            None => 0.0,
        };
        let bottom_margin = match spec.x_side {
            XAxisSide::Bottom => 0.0,
            XAxisSide::Top => sizes.margin() as f64,
        };
        let y_layout = |x_area: i32, max_size: f64| -> (f64, Vec<usize>) {
            match &spec.y.labels {
                Some(_) => {
                    let plot_h = h as f64
                        - sizes.margin() as f64
                        - caption_h
                        - x_area as f64
                        - bottom_margin;
                    stacked_labels(m.rows(), plot_h / m.rows() as f64, max_size)
                }
                None => (sizes.tick, old_y_ticks.clone()),
            }
        };
        // Twice: the x labels for the width the widest possible y labels
        // leave, the y labels for the height those leave; then the x labels
        // for the width these y labels leave, and the y labels again, never
        // wider than before, so the plot is as wide as the x labels assume.
        let (_, _, _, x_area) = x_layout(y_area_max)?;
        let (first_font, first_ticks) = y_layout(x_area, sizes.tick);
        let first_y_area = sizes.y_label_area(widest(&spec.y, &first_ticks, first_font)?);
        let (x_vertical, x_font, x_ticks, x_area) = x_layout(first_y_area)?;
        let (y_font, y_ticks) = y_layout(x_area, first_font);
        let y_area = sizes
            .y_label_area(widest(&spec.y, &y_ticks, y_font)?)
            .min(first_y_area);
        Ok(Layout {
            sizes,
            bar_w,
            x_ticks,
            y_ticks,
            x_font,
            y_font,
            x_vertical,
            x_area,
            y_area,
        })
    }
}

/// Labels stacked `pitch` pixels apart (one per row or column): the font
/// shrinks from `max_size` down to the smallest size so that every label
/// fits; below that every k-th label is written.
fn stacked_labels(n: usize, pitch: f64, max_size: f64) -> (f64, Vec<usize>) {
    let size = (pitch / LINE).clamp(MIN_PX, max_size.max(MIN_PX));
    let step = if pitch > 0.0 {
        // less a rounding error: labels that just fit are all written
        ((size * LINE / pitch - 1e-9).ceil().max(1.0) as usize).min(n.max(1))
    } else {
        n.max(1)
    };
    (size, (0..n).step_by(step).collect())
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
