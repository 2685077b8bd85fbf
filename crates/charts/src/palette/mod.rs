//! Colours: two sequential colour maps for heatmaps (viridis and cividis)
//! and a few distinct colours for series.

use plotters::style::RGBColor;
mod tables;

use tables::{CIVIDIS, VIRIDIS};

/// Linear interpolation between the 256 steps of `table` at `t` in
/// `[0, 1]` (clamped); NaN gives mid grey.
fn sample(table: &[(u8, u8, u8); 256], t: f64) -> RGBColor {
    if t.is_nan() {
        return NO_VALUE;
    }
    let x = t.clamp(0.0, 1.0) * 255.0;
    let i = (x.floor() as usize).min(254);
    let f = x - i as f64;
    let (a, b) = (table[i], table[i + 1]);
    let mix = |p: u8, q: u8| (p as f64 + (q as f64 - p as f64) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Viridis at `t` in `[0, 1]` (clamped): dark purple at 0, yellow at 1.
/// Linear interpolation between the 256 steps; NaN gives mid grey.
pub fn viridis(t: f64) -> RGBColor {
    sample(&VIRIDIS, t)
}

/// Cividis at `t` in `[0, 1]` (clamped): dark blue at 0, yellow at 1.
/// Linear interpolation between the 256 steps; NaN gives mid grey.
pub fn cividis(t: f64) -> RGBColor {
    sample(&CIVIDIS, t)
}

/// A sequential colour map for heatmaps. Both are perceptually uniform and
/// safe for colour-blind viewers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Palette {
    /// Dark purple → green → yellow.
    #[default]
    Viridis,
    /// Dark blue → grey → yellow, also for red–green colour blindness.
    Cividis,
}

impl Palette {
    pub const ALL: [Palette; 2] = [Palette::Viridis, Palette::Cividis];

    /// The colour at `t` in `[0, 1]` (clamped); NaN gives mid grey.
    pub fn color(self, t: f64) -> RGBColor {
        match self {
            Palette::Viridis => viridis(t),
            Palette::Cividis => cividis(t),
        }
    }

    /// Its usual name, e.g. for a select box.
    pub fn name(self) -> &'static str {
        match self {
            Palette::Viridis => "viridis",
            Palette::Cividis => "cividis",
        }
    }
}

/// Cells without a value (NaN).
pub const NO_VALUE: RGBColor = RGBColor(160, 160, 160);

/// Text and axes.
pub const INK: RGBColor = RGBColor(34, 34, 34);

/// Grid lines.
pub const GRID: RGBColor = RGBColor(225, 225, 225);

/// Okabe & Ito's colour-blind-safe qualitative palette (no black, no yellow:
/// both vanish on white or in the legend).
const SERIES: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(120, 120, 120), // grey
];

/// The `i`-th series colour (cycles after 7).
pub fn series_color(i: usize) -> RGBColor {
    SERIES[i % SERIES.len()]
}

/// Black or white, whichever reads better on `bg`.
pub fn text_on(bg: RGBColor) -> RGBColor {
    let luma = 0.299 * bg.0 as f64 + 0.587 * bg.1 as f64 + 0.114 * bg.2 as f64;
    if luma > 140.0 {
        RGBColor(0, 0, 0)
    } else {
        RGBColor(255, 255, 255)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_ends_and_middle() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(128.0 / 255.0), RGBColor(33, 145, 140));
        assert_eq!(viridis(-3.0), viridis(0.0));
        assert_eq!(viridis(7.0), viridis(1.0));
        assert_eq!(viridis(f64::NAN), NO_VALUE);
    }

    #[test]
    fn cividis_ends_and_middle() {
        assert_eq!(cividis(0.0), RGBColor(0, 34, 78));
        assert_eq!(cividis(1.0), RGBColor(254, 232, 56));
        assert_eq!(cividis(128.0 / 255.0), RGBColor(125, 124, 120));
        assert_eq!(cividis(-3.0), cividis(0.0));
        assert_eq!(cividis(f64::NAN), NO_VALUE);
        assert_eq!(Palette::Cividis.color(0.25), cividis(0.25));
        assert_eq!(Palette::default().color(0.25), viridis(0.25));
    }

    #[test]
    fn both_maps_get_steadily_lighter() {
        for palette in Palette::ALL {
            let luma = |t: f64| {
                let c = palette.color(t);
                0.299 * c.0 as f64 + 0.587 * c.1 as f64 + 0.114 * c.2 as f64
            };
            for i in 0..255 {
                let (a, b) = (i as f64 / 255.0, (i + 1) as f64 / 255.0);
                assert!(luma(b) >= luma(a) - 0.5, "{} at step {i}", palette.name());
            }
        }
    }
}
