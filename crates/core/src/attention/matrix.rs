//! A small dense row-major `f32` matrix: just enough linear algebra for the
//! attention lessons, with every shape checked so that user-sized inputs turn
//! into errors rather than panics.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::AttentionError;

/// A `rows × cols` matrix stored row-major: entry `(r, c)` is
/// `data[r * cols + c]`.
///
/// The fields are private so that `data.len() == rows * cols` always holds;
/// deserialising checks it too. In serialised form the matrix is
/// `{ "rows": .., "cols": .., "data": [..] }`, where a masked score (−∞) is
/// written as `null`, since JSON has no infinities, and `null` reads back
/// as −∞. NaN and +∞ are also written as `null` by JSON encoders and so read
/// back as −∞; attention never produces them from finite inputs.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "MatrixRepr")]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<f32>,
}

impl Matrix {
    /// Wraps row-major `data` as a `rows × cols` matrix.
    pub fn new(rows: usize, cols: usize, data: Vec<f32>) -> Result<Self, AttentionError> {
        let expected = rows
            .checked_mul(cols)
            .ok_or(AttentionError::TooLarge { rows, cols })?;
        if data.len() != expected {
            return Err(AttentionError::BadLength {
                rows,
                cols,
                len: data.len(),
            });
        }
        Ok(Self { rows, cols, data })
    }

    /// Builds a matrix from equally long rows. No rows gives a 0×0 matrix.
    pub fn from_rows<R: AsRef<[f32]>>(rows: &[R]) -> Result<Self, AttentionError> {
        let cols = rows.first().map_or(0, |r| r.as_ref().len());
        let mut data = Vec::with_capacity(rows.len().saturating_mul(cols));
        for (index, row) in rows.iter().enumerate() {
            let row = row.as_ref();
            if row.len() != cols {
                return Err(AttentionError::RaggedRows {
                    row: index,
                    expected: cols,
                    found: row.len(),
                });
            }
            data.extend_from_slice(row);
        }
        Self::new(rows.len(), cols, data)
    }

    /// A matrix of zeros.
    ///
    /// # Panics
    /// If `rows * cols` overflows `usize`, exactly as `vec![0.0; n]` would.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    /// The `n × n` identity.
    ///
    /// # Panics
    /// If `n * n` overflows `usize`.
    pub fn identity(n: usize) -> Self {
        let mut m = Self::zeros(n, n);
        for i in 0..n {
            m.data[i * n + i] = 1.0;
        }
        m
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    /// `(rows, cols)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    pub fn is_square(&self) -> bool {
        self.rows == self.cols
    }

    /// All entries, row-major.
    pub fn data(&self) -> &[f32] {
        &self.data
    }

    pub fn into_data(self) -> Vec<f32> {
        self.data
    }

    /// Entry `(row, col)`, or `None` outside the matrix.
    pub fn get(&self, row: usize, col: usize) -> Option<f32> {
        if row < self.rows && col < self.cols {
            Some(self.data[row * self.cols + col])
        } else {
            None
        }
    }

    /// Row `row`, or `None` outside the matrix.
    pub fn row(&self, row: usize) -> Option<&[f32]> {
        (row < self.rows).then(|| self.row_slice(row))
    }

    /// The rows in order. (Works for zero-width matrices too, where
    /// `chunks_exact(0)` would panic.)
    pub fn iter_rows(&self) -> impl ExactSizeIterator<Item = &[f32]> + '_ {
        (0..self.rows).map(move |r| self.row_slice(r))
    }

    /// Copies the rows out, for callers that want `Vec<Vec<f32>>`.
    pub fn to_rows(&self) -> Vec<Vec<f32>> {
        self.iter_rows().map(<[f32]>::to_vec).collect()
    }

    /// The sum of each row.
    pub fn row_sums(&self) -> Vec<f32> {
        self.iter_rows().map(|r| r.iter().sum()).collect()
    }

    pub fn transpose(&self) -> Matrix {
        let mut out = Matrix::zeros(self.cols, self.rows);
        for r in 0..self.rows {
            for c in 0..self.cols {
                out.data[c * self.rows + r] = self.data[r * self.cols + c];
            }
        }
        out
    }

    /// The matrix product `self · rhs`.
    pub fn matmul(&self, rhs: &Matrix) -> Result<Matrix, AttentionError> {
        if self.cols != rhs.rows {
            return Err(AttentionError::ShapeMismatch {
                op: "matrix product",
                left: self.shape(),
                right: rhs.shape(),
            });
        }
        let mut out = Matrix::zeros(self.rows, rhs.cols);
        for r in 0..self.rows {
            let out_row = &mut out.data[r * rhs.cols..(r + 1) * rhs.cols];
            // i-k-j order walks both `rhs` and `out` along rows, which keeps
            // the inner loop on contiguous memory.
            for (k, &a) in self.row_slice(r).iter().enumerate() {
                for (o, &b) in out_row.iter_mut().zip(rhs.row_slice(k)) {
                    *o += a * b;
                }
            }
        }
        Ok(out)
    }

    /// Applies `f` to every entry.
    pub fn map(&self, f: impl Fn(f32) -> f32) -> Matrix {
        Matrix {
            rows: self.rows,
            cols: self.cols,
            data: self.data.iter().map(|&x| f(x)).collect(),
        }
    }

    pub(crate) fn row_slice(&self, row: usize) -> &[f32] {
        &self.data[row * self.cols..(row + 1) * self.cols]
    }

    pub(crate) fn row_slice_mut(&mut self, row: usize) -> &mut [f32] {
        &mut self.data[row * self.cols..(row + 1) * self.cols]
    }
}

/// The wire form, checked on the way in.
#[derive(Deserialize)]
struct MatrixRepr {
    rows: usize,
    cols: usize,
    #[serde(deserialize_with = "deserialize_masked")]
    data: Vec<f32>,
}

impl TryFrom<MatrixRepr> for Matrix {
    type Error = AttentionError;

    fn try_from(repr: MatrixRepr) -> Result<Self, Self::Error> {
        Matrix::new(repr.rows, repr.cols, repr.data)
    }
}

impl Serialize for Matrix {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire {
            rows: usize,
            cols: usize,
            data: Vec<Option<f32>>,
        }
        // −∞ (a masked score) becomes "absent" so that formats without
        // infinities, JSON above all, can carry it and read it back.
        let data = self
            .data
            .iter()
            .map(|&x| (x != f32::NEG_INFINITY).then_some(x))
            .collect();
        Wire {
            rows: self.rows,
            cols: self.cols,
            data,
        }
        .serialize(serializer)
    }
}

fn deserialize_masked<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<f32>, D::Error> {
    let values = Vec::<Option<f32>>::deserialize(deserializer)?;
    Ok(values
        .into_iter()
        .map(|x| x.unwrap_or(f32::NEG_INFINITY))
        .collect())
}
