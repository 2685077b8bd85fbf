//! The one error type of the charts.

use std::fmt;

use plotters::drawing::DrawingAreaErrorKind;

/// Why a chart could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartError {
    /// The drawing backend (canvas, SVG) failed; its message.
    Backend(String),
    /// The input cannot be drawn, e.g. lengths that do not match.
    InvalidData(String),
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChartError::Backend(msg) => write!(f, "drawing failed: {msg}"),
            ChartError::InvalidData(msg) => write!(f, "cannot draw this data: {msg}"),
        }
    }
}

impl std::error::Error for ChartError {}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(err: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Backend(err.to_string())
    }
}
