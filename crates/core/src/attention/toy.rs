//! Seeded toy weights and word vectors, so a lesson can run attention on a
//! real sentence without downloading a model, and show the same numbers on
//! every run and every platform.

use serde::{Deserialize, Serialize};

use super::{attend, AttentionError, AttentionSteps, Mask, Matrix};
use crate::rng::{derive_seed, fnv1a64, SplitMix64};

/// Stream number for the output projection `W_o` in [`multi_head`]; heads
/// use streams `0..heads`, so the largest `u64` cannot collide with them.
const OUTPUT_PROJECTION_STREAM: u64 = u64::MAX;

/// Half-width of the uniform distribution for toy embeddings: `U(−√3, √3)`
/// has variance 1, so dot products between embeddings have a spread of
/// about `√d_model` and the scaled scores are lively enough to show
/// non-uniform attention even for `d_model = 4`.
const EMBEDDING_HALF_WIDTH: f32 = 1.732_050_8;

/// `x · W`: each row of `x` (a token vector, `d_model` wide) mapped to a
/// query, key or value vector (`w.cols()` wide).
pub fn project(x: &Matrix, w: &Matrix) -> Result<Matrix, AttentionError> {
    if x.cols() != w.rows() {
        return Err(AttentionError::ShapeMismatch {
            op: "projection x·W",
            left: x.shape(),
            right: w.shape(),
        });
    }
    x.matmul(w)
}

/// One `d_model`-wide vector per token, `U(−√3, √3)` per entry.
///
/// Each vector is drawn from a generator seeded with the hash of the token
/// text (mixed with `seed`), so the same word always gets the same vector,
/// wherever it stands in the sentence. No position information is added;
/// add a positional encoding to tell repeated words apart.
pub fn toy_embeddings<S: AsRef<str>>(
    tokens: &[S],
    d_model: usize,
    seed: u64,
) -> Result<Matrix, AttentionError> {
    if d_model == 0 {
        return Err(AttentionError::ZeroDimension { what: "d_model" });
    }
    let len = tokens
        .len()
        .checked_mul(d_model)
        .ok_or(AttentionError::TooLarge {
            rows: tokens.len(),
            cols: d_model,
        })?;
    let mut data = Vec::with_capacity(len);
    for token in tokens {
        let mut rng = SplitMix64::new(derive_seed(seed, fnv1a64(token.as_ref())));
        data.extend((0..d_model).map(|_| rng.uniform(-EMBEDDING_HALF_WIDTH, EMBEDDING_HALF_WIDTH)));
    }
    Matrix::new(tokens.len(), d_model, data)
}

/// A `fan_in × fan_out` matrix with Glorot/Xavier-uniform entries,
/// `U(−a, a)` with `a = √(6 / (fan_in + fan_out))`: the usual
/// initialisation, which keeps the projected vectors on roughly the same
/// scale as the inputs.
fn xavier(rng: &mut SplitMix64, fan_in: usize, fan_out: usize) -> Result<Matrix, AttentionError> {
    let len = fan_in
        .checked_mul(fan_out)
        .ok_or(AttentionError::TooLarge {
            rows: fan_in,
            cols: fan_out,
        })?;
    let limit = (6.0 / (fan_in as f64 + fan_out as f64)).sqrt() as f32;
    let data = (0..len).map(|_| rng.uniform(-limit, limit)).collect();
    Matrix::new(fan_in, fan_out, data)
}

/// One attention head with seeded random projections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToyAttention {
    pub seed: u64,
    pub d_model: usize,
    pub d_k: usize,
    /// `d_model × d_k`
    pub w_q: Matrix,
    /// `d_model × d_k`
    pub w_k: Matrix,
    /// `d_model × d_k` (values are as wide as keys here, as in BERT and the
    /// original Transformer)
    pub w_v: Matrix,
}

impl ToyAttention {
    /// Draws `W_q`, `W_k`, `W_v` in that order from one generator seeded
    /// with `seed`.
    pub fn new(seed: u64, d_model: usize, d_k: usize) -> Result<Self, AttentionError> {
        if d_model == 0 {
            return Err(AttentionError::ZeroDimension { what: "d_model" });
        }
        if d_k == 0 {
            return Err(AttentionError::ZeroDimension { what: "d_k" });
        }
        let mut rng = SplitMix64::new(seed);
        let w_q = xavier(&mut rng, d_model, d_k)?;
        let w_k = xavier(&mut rng, d_model, d_k)?;
        let w_v = xavier(&mut rng, d_model, d_k)?;
        Ok(Self {
            seed,
            d_model,
            d_k,
            w_q,
            w_k,
            w_v,
        })
    }

    /// `(Q, K, V) = (x·W_q, x·W_k, x·W_v)` for token vectors `x`
    /// (tokens × d_model).
    pub fn qkv(&self, x: &Matrix) -> Result<(Matrix, Matrix, Matrix), AttentionError> {
        if x.cols() != self.d_model {
            return Err(AttentionError::ModelDimensionMismatch {
                expected: self.d_model,
                found: x.cols(),
            });
        }
        Ok((
            project(x, &self.w_q)?,
            project(x, &self.w_k)?,
            project(x, &self.w_v)?,
        ))
    }

    /// Self-attention of `x` with this head's projections.
    pub fn forward(&self, x: &Matrix, mask: &Mask) -> Result<AttentionSteps, AttentionError> {
        let (q, k, v) = self.qkv(x)?;
        attend(&q, &k, &v, mask)
    }
}

/// Every intermediate result of multi-head self-attention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiHeadSteps {
    /// `d_model / heads`: the width of each head's queries, keys and values.
    pub d_k: usize,
    /// Each head's own attention, in head order.
    pub per_head: Vec<AttentionSteps>,
    /// The heads' outputs side by side: tokens × d_model, columns
    /// `h·d_k .. (h+1)·d_k` belong to head `h`.
    pub concat: Matrix,
    /// `concat · W_o`, tokens × d_model: the output projection mixes what
    /// the heads found.
    pub output: Matrix,
}

/// Multi-head self-attention of `x` (tokens × d_model) with `heads` seeded
/// toy heads of width `d_model / heads` and a seeded `d_model × d_model`
/// output projection `W_o`.
///
/// Head `h` is `ToyAttention::new(derive_seed(seed, h), …)`, so changing the
/// number of heads does not reshuffle the weights of the heads that remain.
pub fn multi_head(
    x: &Matrix,
    heads: usize,
    d_model: usize,
    seed: u64,
    mask: &Mask,
) -> Result<MultiHeadSteps, AttentionError> {
    if heads == 0 {
        return Err(AttentionError::ZeroDimension { what: "heads" });
    }
    if d_model == 0 {
        return Err(AttentionError::ZeroDimension { what: "d_model" });
    }
    if d_model % heads != 0 {
        return Err(AttentionError::HeadsDoNotDivide { d_model, heads });
    }
    if x.cols() != d_model {
        return Err(AttentionError::ModelDimensionMismatch {
            expected: d_model,
            found: x.cols(),
        });
    }
    let d_k = d_model / heads;
    let per_head = (0..heads)
        .map(|h| ToyAttention::new(derive_seed(seed, h as u64), d_model, d_k)?.forward(x, mask))
        .collect::<Result<Vec<_>, _>>()?;

    let mut concat = Vec::with_capacity(x.rows() * d_model);
    for token in 0..x.rows() {
        for head in &per_head {
            concat.extend_from_slice(head.output.row_slice(token));
        }
    }
    let concat = Matrix::new(x.rows(), d_model, concat)?;

    let mut rng = SplitMix64::new(derive_seed(seed, OUTPUT_PROJECTION_STREAM));
    let w_o = xavier(&mut rng, d_model, d_model)?;
    let output = concat.matmul(&w_o)?;
    Ok(MultiHeadSteps {
        d_k,
        per_head,
        concat,
        output,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn same_seed_same_weights_other_seed_other_weights() {
        let a = ToyAttention::new(42, 8, 4).unwrap();
        let b = ToyAttention::new(42, 8, 4).unwrap();
        let c = ToyAttention::new(43, 8, 4).unwrap();
        assert_eq!(a, b);
        assert_ne!(a.w_q, c.w_q);
        assert_ne!(a.w_q, a.w_k, "the three projections are separate draws");
        assert_eq!(a.w_q.shape(), (8, 4));
        // Xavier limit √(6 / (8 + 4)) = √0.5 = 1/√2.
        for w in [&a.w_q, &a.w_k, &a.w_v] {
            assert!(w
                .data()
                .iter()
                .all(|x| x.abs() <= std::f32::consts::FRAC_1_SQRT_2));
        }
    }

    #[test]
    fn the_same_word_gets_the_same_vector() {
        let tokens = ["the", "cat", "saw", "the", "dog"];
        let x = toy_embeddings(&tokens, 6, 7).unwrap();
        assert_eq!(x.shape(), (5, 6));
        assert_eq!(x.row(0), x.row(3));
        assert_ne!(x.row(1), x.row(4));
        assert!(x.data().iter().all(|v| v.abs() <= EMBEDDING_HALF_WIDTH));
        // A word's vector does not depend on its neighbours...
        let alone = toy_embeddings(&["cat".to_string()], 6, 7).unwrap();
        assert_eq!(alone.row(0), x.row(1));
        // ...but does depend on the seed.
        assert_ne!(toy_embeddings(&["cat"], 6, 8).unwrap().row(0), x.row(1));
        assert_eq!(
            toy_embeddings(&["cat"], 0, 7),
            Err(AttentionError::ZeroDimension { what: "d_model" })
        );
    }

    #[test]
    fn projection_by_hand() {
        // [1, 2] · [[1, 0, 2], [3, 1, 0]] = [7, 2, 2]
        let x = Matrix::from_rows(&[[1.0f32, 2.0]]).unwrap();
        let w = Matrix::from_rows(&[[1.0f32, 0.0, 2.0], [3.0, 1.0, 0.0]]).unwrap();
        assert_eq!(project(&x, &w).unwrap().data(), &[7.0, 2.0, 2.0]);
        assert!(project(&w, &w).is_err());
    }

    #[test]
    fn toy_head_runs_end_to_end() {
        let x = toy_embeddings(&["a", "b", "c"], 4, 1).unwrap();
        let head = ToyAttention::new(1, 4, 2).unwrap();
        let steps = head.forward(&x, &Mask::Causal).unwrap();
        assert_eq!(steps.weights.shape(), (3, 3));
        assert_eq!(steps.output.shape(), (3, 2));
        assert_eq!(steps.weights.get(0, 0), Some(1.0));
        for sum in steps.weights.row_sums() {
            assert!((sum - 1.0).abs() < 1e-6);
        }
        assert!(head.forward(&Matrix::zeros(3, 5), &Mask::None).is_err());
    }

    #[test]
    fn multi_head_concatenates_the_heads() {
        let x = toy_embeddings(&["the", "cat", "sat"], 6, 3).unwrap();
        let steps = multi_head(&x, 3, 6, 9, &Mask::None).unwrap();
        assert_eq!(steps.d_k, 2);
        assert_eq!(steps.per_head.len(), 3);
        assert_eq!(steps.concat.shape(), (3, 6));
        assert_eq!(steps.output.shape(), (3, 6));
        // Token 1's row of the concatenation is head 0, head 1, head 2 side by side.
        let row: Vec<f32> = steps
            .per_head
            .iter()
            .flat_map(|h| h.output.row(1).unwrap().to_vec())
            .collect();
        assert_eq!(steps.concat.row(1).unwrap(), row.as_slice());
        // Head h does not depend on how many heads there are.
        let head0 = ToyAttention::new(derive_seed(9, 0), 6, 2).unwrap();
        assert_eq!(head0.forward(&x, &Mask::None).unwrap(), steps.per_head[0]);
        assert_eq!(multi_head(&x, 3, 6, 9, &Mask::None).unwrap(), steps);
        assert_ne!(
            multi_head(&x, 3, 6, 10, &Mask::None).unwrap().output,
            steps.output
        );
    }

    #[test]
    fn multi_head_rejects_bad_shapes() {
        let x = Matrix::zeros(2, 6);
        assert_eq!(
            multi_head(&x, 4, 6, 0, &Mask::None),
            Err(AttentionError::HeadsDoNotDivide {
                d_model: 6,
                heads: 4
            })
        );
        assert_eq!(
            multi_head(&x, 0, 6, 0, &Mask::None),
            Err(AttentionError::ZeroDimension { what: "heads" })
        );
        assert_eq!(
            multi_head(&x, 2, 4, 0, &Mask::None),
            Err(AttentionError::ModelDimensionMismatch {
                expected: 4,
                found: 6
            })
        );
    }
}
