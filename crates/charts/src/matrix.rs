//! A row-major matrix of `f32`, shared cheaply (the hover map keeps a copy
//! of the handle, not of the numbers).

use std::ops::Range;
use std::sync::Arc;

use crate::error::ChartError;

#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    values: Arc<[f32]>,
}

impl Matrix {
    /// `values[row * cols + col]`; fails when the length is not `rows · cols`.
    pub fn new(rows: usize, cols: usize, values: Vec<f32>) -> Result<Self, ChartError> {
        if rows.checked_mul(cols) != Some(values.len()) {
            return Err(ChartError::InvalidData(format!(
                "a {rows}×{cols} matrix needs {} values, got {}",
                rows.saturating_mul(cols),
                values.len()
            )));
        }
        Ok(Matrix {
            rows,
            cols,
            values: values.into(),
        })
    }

    pub fn from_fn(rows: usize, cols: usize, f: impl Fn(usize, usize) -> f32) -> Self {
        let mut values = Vec::with_capacity(rows * cols);
        for r in 0..rows {
            for c in 0..cols {
                values.push(f(r, c));
            }
        }
        Matrix {
            rows,
            cols,
            values: values.into(),
        }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn values(&self) -> &[f32] {
        &self.values
    }

    pub fn get(&self, row: usize, col: usize) -> f32 {
        self.values[row * self.cols + col]
    }

    /// Mean of the finite values in a block (NaN when there is none).
    pub fn block_mean(&self, rows: Range<usize>, cols: Range<usize>) -> f64 {
        block_mean(&self.values, self.cols, rows, cols)
    }
}

/// Mean of the finite values in a block of the row-major `values` of a
/// matrix with `width` columns (NaN when there is none).
pub(crate) fn block_mean(
    values: &[f32],
    width: usize,
    rows: Range<usize>,
    cols: Range<usize>,
) -> f64 {
    let (mut sum, mut n) = (0.0f64, 0usize);
    for r in rows {
        for &v in &values[r * width + cols.start..r * width + cols.end] {
            if v.is_finite() {
                sum += v as f64;
                n += 1;
            }
        }
    }
    if n == 0 {
        f64::NAN
    } else {
        sum / n as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_length() {
        assert!(Matrix::new(2, 3, vec![0.0; 5]).is_err());
        let m = Matrix::new(2, 3, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(m.get(1, 2), 5.0);
        assert_eq!(m.block_mean(0..2, 1..3), 3.0);
    }
}
