//! An `f64` axis whose ticks we choose ourselves.
//!
//! plotters' `with_key_points` does the same but loses the value formatter
//! of `f64` axes, so the mesh could not be drawn; this one keeps it.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;

#[derive(Clone)]
pub struct TickedRange {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

impl TickedRange {
    /// `range` may run backwards (`hi..lo`) to flip the axis.
    pub fn new(range: Range<f64>, ticks: Vec<f64>) -> Self {
        TickedRange {
            inner: range.into(),
            ticks,
        }
    }
}

impl Ranged for TickedRange {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
}
