//! Helpers for the unit tests of `attention` and `analysis`.

use super::Matrix;

/// How close two `f32` must be to count as equal.
pub(crate) const EPS: f32 = 1e-6;

/// A matrix from its rows.
pub(crate) fn m(rows: &[&[f32]]) -> Matrix {
    Matrix::from_rows(rows).unwrap()
}

/// `a` and `b` within [`EPS`].
pub(crate) fn close(a: f32, b: f32) -> bool {
    (a - b).abs() < EPS
}

/// Same length, every value within [`EPS`].
pub(crate) fn assert_close(actual: &[f32], expected: &[f32]) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (a, e) in actual.iter().zip(expected) {
        assert!(close(*a, *e), "{actual:?} vs {expected:?}");
    }
}
