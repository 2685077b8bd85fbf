//! How large a text will be, asked of the drawing area when a chart is
//! drawn and of a fixed-width stand-in when its layout is tested, so that
//! layouts can be computed (and checked) without a backend.

use plotters::coord::CoordTranslate;
use plotters::prelude::*;

use crate::error::ChartError;

/// Measures text before it is drawn.
pub(crate) trait TextMeasure {
    /// `(width, height)` in pixels of `text` written in `style`.
    fn text_size_px(&self, text: &str, style: &TextStyle) -> Result<(u32, u32), ChartError>;
}

impl<DB: DrawingBackend, CT: CoordTranslate> TextMeasure for DrawingArea<DB, CT> {
    fn text_size_px(&self, text: &str, style: &TextStyle) -> Result<(u32, u32), ChartError> {
        Ok(self.estimate_text_size(text, style)?)
    }
}

/// Widest of `texts` in `style`, in pixels (0 for none).
pub(crate) fn widest_px<M: TextMeasure + ?Sized, S: AsRef<str>>(
    measure: &M,
    texts: impl IntoIterator<Item = S>,
    style: &TextStyle,
) -> Result<u32, ChartError> {
    let mut widest = 0;
    for text in texts {
        widest = widest.max(measure.text_size_px(text.as_ref(), style)?.0);
    }
    Ok(widest)
}

/// A stand-in for the backend in layout tests: every character is half the
/// font size wide and a text is as high as the font size, so expected
/// positions can be worked out by hand.
#[cfg(test)]
pub(crate) struct HalfEm;

#[cfg(test)]
impl TextMeasure for HalfEm {
    fn text_size_px(&self, text: &str, style: &TextStyle) -> Result<(u32, u32), ChartError> {
        let size_px = style.font.get_size();
        let width_px = (text.chars().count() as f64 * size_px / 2.0).round() as u32;
        Ok((width_px, size_px.round() as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::style::font;

    #[test]
    fn half_em_is_half_the_font_size_per_character() {
        assert_eq!(HalfEm.text_size_px("abcd", &font(10.0)), Ok((20, 10)));
        assert_eq!(widest_px(&HalfEm, ["a", "abc", "ab"], &font(12.0)), Ok(18));
    }
}
