//! Scaled dot-product attention (Vaswani et al., 2017, section 3.2.1), one
//! step at a time.
//!
//! `Attention(Q, K, V) = softmax(QKᵀ / √d_k) · V`. Every query row of `Q` is
//! compared with every key row of `K` (step 1: scores), the scores of a query
//! are turned into weights that sum to 1 (step 2: softmax), and the query's
//! output is the weighted sum of the value rows of `V` (step 3). Dividing by
//! `√d_k` keeps the scores' spread independent of the key width: for unit
//! variance entries a dot product over `d_k` terms has variance `d_k`, and
//! without the division a wide model's softmax would saturate into one-hot
//! rows with vanishing gradients.
//!
//! [`attend`] returns all intermediate matrices so that a lesson can show
//! each step; [`ToyAttention`], [`toy_embeddings`] and [`multi_head`] build
//! small, seeded, reproducible examples to feed it.

mod matrix;
#[cfg(test)]
pub(crate) mod test_util;
mod toy;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use matrix::Matrix;
pub use toy::{multi_head, project, toy_embeddings, MultiHeadSteps, ToyAttention};

/// Why an attention computation could not be carried out.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum AttentionError {
    #[error("a {rows}×{cols} matrix needs rows × cols values, got {len}")]
    BadLength {
        rows: usize,
        cols: usize,
        len: usize,
    },
    #[error("a {rows}×{cols} matrix is too large to address")]
    TooLarge { rows: usize, cols: usize },
    #[error("row {row} has {found} values, but the first row has {expected}")]
    RaggedRows {
        row: usize,
        expected: usize,
        found: usize,
    },
    #[error("{op}: a {}×{} and a {}×{} matrix do not fit together", .left.0, .left.1, .right.0, .right.1)]
    ShapeMismatch {
        op: &'static str,
        left: (usize, usize),
        right: (usize, usize),
    },
    #[error("{what} must be at least 1")]
    ZeroDimension { what: &'static str },
    #[error("{weights} weights cannot weigh {values} value vectors")]
    WeightCountMismatch { weights: usize, values: usize },
    #[error("the input rows have {found} features, but d_model is {expected}")]
    ModelDimensionMismatch { expected: usize, found: usize },
    #[error("d_model = {d_model} cannot be split evenly into {heads} heads")]
    HeadsDoNotDivide { d_model: usize, heads: usize },
}

/// Step 1: the scaled scores `S = QKᵀ / √d_k`, one row per query and one
/// column per key. `d_k` is the common width of `Q` and `K`.
pub fn scores(q: &Matrix, k: &Matrix) -> Result<Matrix, AttentionError> {
    if q.cols() != k.cols() {
        return Err(AttentionError::ShapeMismatch {
            op: "query-key scores",
            left: q.shape(),
            right: k.shape(),
        });
    }
    if q.cols() == 0 {
        return Err(AttentionError::ZeroDimension { what: "d_k" });
    }
    // Computed in f64 so the displayed scores are the correctly rounded
    // values of the formula, not an accumulation of f32 rounding.
    let scale = 1.0 / (q.cols() as f64).sqrt();
    let mut data = Vec::with_capacity(q.rows().saturating_mul(k.rows()));
    for q_row in q.iter_rows() {
        for k_row in k.iter_rows() {
            let dot: f64 = q_row
                .iter()
                .zip(k_row)
                .map(|(&a, &b)| a as f64 * b as f64)
                .sum();
            data.push((dot * scale) as f32);
        }
    }
    Matrix::new(q.rows(), k.rows(), data)
}

/// Softmax of one row of scores; see [`softmax_rows`] for the edge cases.
pub fn softmax(row: &[f32]) -> Vec<f32> {
    let mut out = row.to_vec();
    softmax_in_place(&mut out);
    out
}

/// Step 2: softmax of every row, `w_j = exp(s_j − m) / Σ_l exp(s_l − m)`
/// with `m` the row maximum.
///
/// Subtracting `m` changes nothing mathematically (it cancels between
/// numerator and denominator) but keeps `exp` from overflowing: the largest
/// term becomes `exp(0) = 1`, so the sum lies in `[1, n]`.
///
/// Edge cases, chosen so that masking can never create NaN:
/// * a row whose scores are all −∞ (every key masked), or an empty row,
///   gives all zeros: the query attends to nothing and its output is the
///   zero vector;
/// * entries at +∞ share the whole weight equally (the limit of the
///   formula), every other entry gets 0;
/// * a NaN score makes the whole row NaN, so broken input stays visible
///   rather than looking like a plausible distribution.
pub fn softmax_rows(scores: &Matrix) -> Matrix {
    let mut out = scores.clone();
    for r in 0..out.rows() {
        softmax_in_place(out.row_slice_mut(r));
    }
    out
}

fn softmax_in_place(row: &mut [f32]) {
    if row.iter().any(|x| x.is_nan()) {
        row.fill(f32::NAN);
        return;
    }
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if max == f32::NEG_INFINITY {
        row.fill(0.0);
        return;
    }
    if max == f32::INFINITY {
        let winners = row.iter().filter(|&&x| x == f32::INFINITY).count();
        let share = 1.0 / winners as f32;
        for x in row.iter_mut() {
            *x = if *x == f32::INFINITY { share } else { 0.0 };
        }
        return;
    }
    let mut sum = 0.0f64;
    for x in row.iter_mut() {
        // exp(−∞) = 0, so masked entries drop out here without a branch.
        let e = (*x as f64 - max as f64).exp();
        sum += e;
        *x = e as f32;
    }
    // sum ≥ 1 because the maximum contributes exp(0).
    for x in row.iter_mut() {
        *x = (*x as f64 / sum) as f32;
    }
}

/// Which keys a query may not look at. Masked scores become −∞ before the
/// softmax, which turns their weight into exactly 0.
///
/// Queries and keys are taken to be the same positions `0, 1, 2, …`
/// (self-attention), so for [`Mask::Causal`] query `i` sees keys `0..=i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mask {
    /// Every query sees every key (BERT-style encoder).
    #[default]
    None,
    /// Query `i` sees only keys `j ≤ i` (GPT-style decoder): the upper
    /// triangle is masked, so no position can peek at later words.
    Causal,
    /// Only the first `valid_len` keys are real tokens; keys from
    /// `valid_len` on are padding added to make a batch rectangular. Only
    /// keys are masked: the rows of padded queries are still computed, and
    /// a model simply ignores them. `valid_len` beyond the sequence masks
    /// nothing; `valid_len = 0` masks every key.
    Padding { valid_len: usize },
    /// Both at once: causal, and padding keys are masked too.
    CausalPadding { valid_len: usize },
}

impl Mask {
    /// Whether `query` may not attend to `key`.
    pub fn is_masked(&self, query: usize, key: usize) -> bool {
        match *self {
            Mask::None => false,
            Mask::Causal => key > query,
            Mask::Padding { valid_len } => key >= valid_len,
            Mask::CausalPadding { valid_len } => key > query || key >= valid_len,
        }
    }

    /// The scores with masked entries replaced by `f32::NEG_INFINITY`.
    pub fn apply(&self, scores: &Matrix) -> Matrix {
        let mut out = scores.clone();
        for query in 0..out.rows() {
            for (key, s) in out.row_slice_mut(query).iter_mut().enumerate() {
                if self.is_masked(query, key) {
                    *s = f32::NEG_INFINITY;
                }
            }
        }
        out
    }
}

/// Every intermediate result of one attention computation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttentionSteps {
    /// Step 1: `QKᵀ / √d_k`, queries × keys.
    pub scores: Matrix,
    /// The scores after the mask: masked entries are −∞.
    pub masked_scores: Matrix,
    /// Step 2: row-wise softmax of `masked_scores`; each row sums to 1, or
    /// is all zeros when every key of that query is masked.
    pub weights: Matrix,
    /// Step 3: `weights · V`, queries × d_v.
    pub output: Matrix,
}

/// Runs scaled dot-product attention and keeps every step.
///
/// `q` is queries × d_k, `k` is keys × d_k and `v` is keys × d_v.
pub fn attend(
    q: &Matrix,
    k: &Matrix,
    v: &Matrix,
    mask: &Mask,
) -> Result<AttentionSteps, AttentionError> {
    if k.rows() != v.rows() {
        return Err(AttentionError::ShapeMismatch {
            op: "keys and values (one value row per key)",
            left: k.shape(),
            right: v.shape(),
        });
    }
    let scores = scores(q, k)?;
    let masked_scores = mask.apply(&scores);
    let weights = softmax_rows(&masked_scores);
    let output = weights.matmul(v)?;
    Ok(AttentionSteps {
        scores,
        masked_scores,
        weights,
        output,
    })
}

/// Each value row scaled by its weight: `[w_0 · v_0, w_1 · v_1, …]`.
///
/// Stacking these vectors shows how one query's output is assembled; their
/// sum is that query's row of the attention output.
pub fn weighted_values(weights_row: &[f32], v: &Matrix) -> Result<Vec<Vec<f32>>, AttentionError> {
    if weights_row.len() != v.rows() {
        return Err(AttentionError::WeightCountMismatch {
            weights: weights_row.len(),
            values: v.rows(),
        });
    }
    Ok(weights_row
        .iter()
        .zip(v.iter_rows())
        .map(|(&w, value)| value.iter().map(|&x| w * x).collect())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::test_util::{assert_close, m, EPS};

    #[test]
    fn softmax_of_one_two_three() {
        // e^1, e^2, e^3 = 2.7182818, 7.3890561, 20.0855369; sum 30.1928748.
        assert_close(
            &softmax(&[1.0, 2.0, 3.0]),
            &[0.090_030_57, 0.244_728_47, 0.665_240_96],
        );
    }

    #[test]
    fn softmax_is_stable_for_large_scores() {
        // Without subtracting the maximum, e^1000 overflows to +∞ and the
        // result would be NaN. Shifting all scores leaves softmax unchanged.
        assert_close(
            &softmax(&[1000.0, 1001.0, 1002.0]),
            &[0.090_030_57, 0.244_728_47, 0.665_240_96],
        );
        assert_close(&softmax(&[-1000.0, -1000.0]), &[0.5, 0.5]);
    }

    #[test]
    fn softmax_edge_cases() {
        let ninf = f32::NEG_INFINITY;
        assert_eq!(softmax(&[ninf, ninf, ninf]), vec![0.0, 0.0, 0.0]);
        assert!(softmax(&[]).is_empty());
        assert_eq!(
            softmax(&[f32::INFINITY, 1.0, f32::INFINITY]),
            vec![0.5, 0.0, 0.5]
        );
        assert!(softmax(&[1.0, f32::NAN]).iter().all(|x| x.is_nan()));
        // A masked entry next to a finite one: the finite one takes it all.
        assert_eq!(softmax(&[ninf, 3.0]), vec![0.0, 1.0]);
    }

    #[test]
    fn scores_are_scaled_by_sqrt_dk() {
        // d_k = 4, so √d_k = 2.
        let q = m(&[
            &[1.0, 0.0, 1.0, 0.0],
            &[0.0, 2.0, 0.0, 2.0],
            &[1.0, 1.0, 1.0, 1.0],
        ]);
        let k = m(&[
            &[1.0, 1.0, 0.0, 0.0],
            &[0.0, 0.0, 1.0, 1.0],
            &[2.0, 0.0, 0.0, 0.0],
        ]);
        // QKᵀ = [[1, 1, 2], [2, 2, 0], [2, 2, 2]]
        let s = scores(&q, &k).unwrap();
        assert_eq!(s.shape(), (3, 3));
        assert_close(s.data(), &[0.5, 0.5, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0]);
    }

    #[test]
    fn attend_two_by_two_by_hand() {
        // Q = K = I₂, d_k = 2: scores = I / √2 = [[0.70710678, 0], [0, 0.70710678]].
        // Row 0: e^0.70710678 = 2.02811498, so the weights are
        // 2.02811498 / 3.02811498 = 0.66976155 and 1 / 3.02811498 = 0.33023845.
        // Output row 0 = 0.66976155·[1, 2] + 0.33023845·[3, 4] = [1.66047690, 2.66047690].
        let eye = Matrix::identity(2);
        let v = m(&[&[1.0, 2.0], &[3.0, 4.0]]);
        let steps = attend(&eye, &eye, &v, &Mask::None).unwrap();
        let r = std::f32::consts::FRAC_1_SQRT_2;
        assert_close(steps.scores.data(), &[r, 0.0, 0.0, r]);
        assert_eq!(steps.masked_scores, steps.scores);
        assert_close(
            steps.weights.data(),
            &[0.669_761_55, 0.330_238_45, 0.330_238_45, 0.669_761_55],
        );
        // Row 1 mirrors row 0: 0.33023845·[1, 2] + 0.66976155·[3, 4].
        assert_close(
            steps.output.data(),
            &[1.660_476_9, 2.660_477, 2.339_523, 3.339_523],
        );
    }

    #[test]
    fn causal_mask_zeroes_the_upper_triangle() {
        let zeros = Matrix::zeros(3, 3);
        let ones = m(&[&[1.0], &[2.0], &[6.0]]);
        // With equal scores, query i spreads its weight evenly over keys 0..=i.
        let q = Matrix::zeros(3, 1);
        let steps = attend(&q, &ones, &ones, &Mask::Causal).unwrap();
        assert_eq!(steps.scores, zeros);
        let ninf = f32::NEG_INFINITY;
        assert_eq!(
            steps.masked_scores.data(),
            &[0.0, ninf, ninf, 0.0, 0.0, ninf, 0.0, 0.0, 0.0]
        );
        let third = 1.0 / 3.0;
        assert_close(
            steps.weights.data(),
            &[1.0, 0.0, 0.0, 0.5, 0.5, 0.0, third, third, third],
        );
        for sum in steps.weights.row_sums() {
            assert!((sum - 1.0).abs() < EPS);
        }
        // Outputs: running means of the values 1, 2, 6 → 1, 1.5, 3.
        assert_close(steps.output.data(), &[1.0, 1.5, 3.0]);
    }

    #[test]
    fn padding_mask_zeroes_the_padded_keys() {
        // Scores 1, 2, 3 for every query; key 2 is padding.
        let q = m(&[&[1.0], &[1.0]]);
        let k = m(&[&[1.0], &[2.0], &[3.0]]);
        let v = m(&[&[10.0], &[20.0], &[1000.0]]);
        let steps = attend(&q, &k, &v, &Mask::Padding { valid_len: 2 }).unwrap();
        // softmax([1, 2]) = [1/(1+e), e/(1+e)] = [0.26894142, 0.73105858]
        let row = [0.268_941_42, 0.731_058_6, 0.0];
        assert_close(steps.weights.row(0).unwrap(), &row);
        assert_close(steps.weights.row(1).unwrap(), &row);
        // 0.26894142·10 + 0.73105858·20 = 17.3105858: the padded 1000 is ignored.
        assert!((steps.output.get(0, 0).unwrap() - 17.310_586).abs() < 1e-5);
    }

    #[test]
    fn fully_masked_rows_give_zeros_not_nan() {
        let q = m(&[&[1.0, 2.0], &[3.0, 4.0]]);
        let steps = attend(&q, &q, &q, &Mask::Padding { valid_len: 0 }).unwrap();
        assert!(steps
            .masked_scores
            .data()
            .iter()
            .all(|&x| x == f32::NEG_INFINITY));
        assert_eq!(steps.weights, Matrix::zeros(2, 2));
        assert_eq!(steps.output, Matrix::zeros(2, 2));
    }

    #[test]
    fn combined_mask_is_causal_and_padded() {
        let mask = Mask::CausalPadding { valid_len: 2 };
        let w = softmax_rows(&mask.apply(&Matrix::zeros(3, 3)));
        assert_close(w.data(), &[1.0, 0.0, 0.0, 0.5, 0.5, 0.0, 0.5, 0.5, 0.0]);
        // Padding beyond the sequence masks nothing.
        let none = Mask::Padding { valid_len: 10 }.apply(&Matrix::identity(3));
        assert_eq!(none, Matrix::identity(3));
    }

    #[test]
    fn weighted_values_sum_to_the_output_row() {
        let v = m(&[&[4.0, 8.0], &[2.0, 0.0]]);
        let stacked = weighted_values(&[0.25, 0.75], &v).unwrap();
        assert_eq!(stacked, vec![vec![1.0, 2.0], vec![1.5, 0.0]]);
        // The sum is the attention output for that weight row: [2.5, 2].
        let out = Matrix::from_rows(&[[0.25f32, 0.75]])
            .unwrap()
            .matmul(&v)
            .unwrap();
        assert_eq!(out.data(), &[2.5, 2.0]);
        assert_eq!(
            weighted_values(&[1.0], &v),
            Err(AttentionError::WeightCountMismatch {
                weights: 1,
                values: 2
            })
        );
    }

    #[test]
    fn shape_errors_instead_of_panics() {
        let a = Matrix::zeros(2, 3);
        let b = Matrix::zeros(2, 2);
        assert!(matches!(
            scores(&a, &b),
            Err(AttentionError::ShapeMismatch {
                left: (2, 3),
                right: (2, 2),
                ..
            })
        ));
        assert_eq!(
            scores(&Matrix::zeros(2, 0), &Matrix::zeros(2, 0)),
            Err(AttentionError::ZeroDimension { what: "d_k" })
        );
        assert!(attend(&a, &a, &Matrix::zeros(3, 3), &Mask::None).is_err());
        assert!(a.matmul(&a).is_err());
        assert_eq!(
            Matrix::new(2, 2, vec![1.0; 3]),
            Err(AttentionError::BadLength {
                rows: 2,
                cols: 2,
                len: 3
            })
        );
        assert_eq!(
            Matrix::new(usize::MAX, 2, vec![]),
            Err(AttentionError::TooLarge {
                rows: usize::MAX,
                cols: 2
            })
        );
        assert_eq!(
            Matrix::from_rows(&[vec![1.0, 2.0], vec![3.0]]),
            Err(AttentionError::RaggedRows {
                row: 1,
                expected: 2,
                found: 1
            })
        );
        assert_eq!(a.get(2, 0), None);
        assert_eq!(a.row(5), None);
    }

    #[test]
    fn matrix_basics() {
        let a = m(&[&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]]);
        assert_eq!(
            a.transpose().to_rows(),
            vec![vec![1.0, 4.0], vec![2.0, 5.0], vec![3.0, 6.0]]
        );
        // [[1,2,3],[4,5,6]] · [[1,4],[2,5],[3,6]] = [[14, 32], [32, 77]]
        assert_eq!(
            a.matmul(&a.transpose()).unwrap().data(),
            &[14.0, 32.0, 32.0, 77.0]
        );
        assert_eq!(a.row_sums(), vec![6.0, 15.0]);
        assert_eq!(Matrix::zeros(3, 0).iter_rows().count(), 3);
    }

    #[test]
    fn masked_scores_survive_a_json_round_trip() {
        let steps = attend(
            &Matrix::identity(2),
            &Matrix::identity(2),
            &Matrix::identity(2),
            &Mask::Causal,
        )
        .unwrap();
        let json = serde_json::to_string(&steps.masked_scores).unwrap();
        assert_eq!(
            json,
            r#"{"rows":2,"cols":2,"data":[0.70710677,null,0.0,0.70710677]}"#
        );
        let back: Matrix = serde_json::from_str(&json).unwrap();
        assert_eq!(back, steps.masked_scores);
        let all: AttentionSteps =
            serde_json::from_str(&serde_json::to_string(&steps).unwrap()).unwrap();
        assert_eq!(all, steps);
        // Deserialising checks the shape.
        assert!(serde_json::from_str::<Matrix>(r#"{"rows":2,"cols":2,"data":[1.0]}"#).is_err());
        let mask: Mask = serde_json::from_str(r#"{"kind":"padding","valid_len":3}"#).unwrap();
        assert_eq!(mask, Mask::Padding { valid_len: 3 });
    }
}
