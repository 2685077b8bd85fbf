//! Pieces every chart with axes repeats: the caption, the value ticks of
//! the y axis and where the plot landed in pixels.

use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::Ranged;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::CoordTranslate;
use plotters::prelude::*;

use crate::error::ChartError;
use crate::hover::PixelRect;
use crate::measure::{widest_px, TextMeasure};
use crate::palette::{GRID, INK};
use crate::style::{font, Sizes};
use crate::ticked_range::TickedRange;
use crate::ticks::{decimals_for, nice_step, nice_ticks};

/// The caption's font: a little larger than the axis titles.
pub(crate) fn caption_font(sizes: &Sizes) -> TextStyle<'static> {
    font(sizes.title * 1.1)
}

/// Puts `caption`, if any, above the chart.
pub(crate) fn set_caption<DB: DrawingBackend>(
    builder: &mut ChartBuilder<'_, '_, DB>,
    caption: Option<&String>,
    sizes: &Sizes,
) {
    if let Some(caption) = caption {
        builder.caption(caption, caption_font(sizes));
    }
}

/// The mesh of a chart with grid lines: light grid, ink axes, axis titles
/// in the title size. The caller adds labels and draws it.
pub(crate) fn grid_mesh<'a, 'b, DB: DrawingBackend>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<TickedRange, TickedRange>>,
    sizes: &Sizes,
) -> MeshStyle<'a, 'b, TickedRange, TickedRange, DB> {
    let mut mesh = chart.configure_mesh();
    mesh.bold_line_style(GRID)
        .axis_style(INK)
        .axis_desc_style(font(sizes.title));
    mesh
}

/// An axis of `n` columns, one tick at the centre of each.
pub(crate) fn column_axis(n: usize) -> TickedRange {
    TickedRange::new(-0.5..n as f64 - 0.5, (0..n).map(|i| i as f64).collect())
}

/// Nice ticks for values in `lo..hi`, their decimals and how wide the
/// widest tick label is in `tick_font`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ValueTicks {
    pub ticks: Vec<f64>,
    pub decimals: usize,
    pub label_width: u32,
}

impl ValueTicks {
    pub(crate) fn new<M: TextMeasure + ?Sized>(
        measure: &M,
        (lo, hi): (f64, f64),
        tick_font: &TextStyle,
    ) -> Result<Self, ChartError> {
        let ticks = nice_ticks(lo, hi, 6);
        let decimals = decimals_for(nice_step(hi - lo, 6));
        let label_width = widest_px(
            measure,
            ticks.iter().map(|t| format!("{t:.decimals$}")),
            tick_font,
        )?;
        Ok(ValueTicks {
            ticks,
            decimals,
            label_width,
        })
    }
}

/// The pixel row of value `v` on a y axis over `lo..hi` drawn in `plot`,
/// exactly as plotters' Cartesian charts map it (`lo` on the plot's last
/// pixel row, `hi` on its first), so that marks computed ahead line up with
/// the mesh plotters draws.
pub(crate) fn value_y_px((lo, hi): (f64, f64), v: f64, plot: &PixelRect) -> i32 {
    RangedCoordf64::from(lo..hi).map(&v, (plot.y1 - 1, plot.y0))
}

/// The pixel rectangle of a chart's plotting area, in backend pixels.
pub(crate) fn plot_rect<DB: DrawingBackend, CT: CoordTranslate>(
    plot: &DrawingArea<DB, CT>,
) -> PixelRect {
    let (xr, yr) = plot.get_pixel_range();
    PixelRect {
        x0: xr.start,
        y0: yr.start,
        x1: xr.end,
        y1: yr.end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_map_to_pixel_rows_from_the_bottom() {
        // 101 rows: 0 on the last (y = 100), 1 on the first (y = 0)
        let plot = PixelRect {
            x0: 0,
            y0: 0,
            x1: 10,
            y1: 101,
        };
        assert_eq!(value_y_px((0.0, 1.0), 0.0, &plot), 100);
        assert_eq!(value_y_px((0.0, 1.0), 1.0, &plot), 0);
        assert_eq!(value_y_px((0.0, 1.0), 0.25, &plot), 75);
        assert_eq!(value_y_px((-1.0, 1.0), 0.0, &plot), 50);
    }
}
