//! Value → colour: a range mapped onto a palette (viridis unless chosen).

use plotters::style::RGBColor;

use crate::palette::Palette;

/// Maps `[min, max]` onto a palette; values outside are clamped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColorScale {
    pub min: f64,
    pub max: f64,
    pub palette: Palette,
}

impl ColorScale {
    /// On viridis; see [`ColorScale::with_palette`].
    pub fn new(min: f64, max: f64) -> Self {
        ColorScale {
            min,
            max,
            palette: Palette::Viridis,
        }
    }

    pub fn with_palette(mut self, palette: Palette) -> Self {
        self.palette = palette;
        self
    }

    /// The smallest and largest finite value (`0..1` when there is none;
    /// widened by ±0.5 when all values are equal, so colours stay defined).
    pub fn fit(values: &[f32]) -> Self {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for &v in values.iter().filter(|v| v.is_finite()) {
            lo = lo.min(v as f64);
            hi = hi.max(v as f64);
        }
        if lo > hi {
            return ColorScale::new(0.0, 1.0);
        }
        if lo == hi {
            return ColorScale::new(lo - 0.5, hi + 0.5);
        }
        ColorScale::new(lo, hi)
    }

    /// Where `v` lies, 0 at `min` and 1 at `max` (unclamped).
    pub fn fraction(&self, v: f64) -> f64 {
        if self.max == self.min {
            0.5
        } else {
            (v - self.min) / (self.max - self.min)
        }
    }

    pub fn color(&self, v: f64) -> RGBColor {
        self.palette.color(self.fraction(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::palette::{cividis, viridis};

    #[test]
    fn fit_ignores_nan_and_handles_constants() {
        assert_eq!(
            ColorScale::fit(&[1.0, f32::NAN, -2.0]),
            ColorScale::new(-2.0, 1.0)
        );
        assert_eq!(ColorScale::fit(&[3.0, 3.0]), ColorScale::new(2.5, 3.5));
        assert_eq!(ColorScale::fit(&[]), ColorScale::new(0.0, 1.0));
    }

    #[test]
    fn ends_map_to_the_ends_of_viridis() {
        let s = ColorScale::new(-1.0, 1.0);
        assert_eq!(s.color(-1.0), viridis(0.0));
        assert_eq!(s.color(1.0), viridis(1.0));
        assert_eq!(s.color(0.0), viridis(0.5));
    }

    #[test]
    fn the_palette_is_kept() {
        let s = ColorScale::fit(&[0.0, 2.0]).with_palette(Palette::Cividis);
        assert_eq!(s.color(0.0), cividis(0.0));
        assert_eq!(s.color(1.0), cividis(0.5));
    }
}
