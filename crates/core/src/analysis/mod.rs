//! What do the heads of BERT look at?
//!
//! Clark et al. (2019, "What Does BERT Look At?") found that many heads do
//! one simple thing: park their attention on `[CLS]`, `[SEP]` or punctuation
//! (a "no-op" sink), look at the previous or next token, or spread evenly
//! over the sentence. This module measures those behaviours for one head
//! ([`head_stats`], [`HeadStats::labels`]) and ranks the heads of a whole
//! model so that a lesson can start from the few that do something more
//! specific ([`rank_heads`]). Abnar & Zuidema (2020, "Quantifying Attention
//! Flow in Transformers") follow attention through all layers at once:
//! [`rollout`].
//!
//! Every function takes the attention of one head as a `T × T` row-major
//! [`Matrix`]: row `i` holds the weights of query token `i` over the key
//! tokens, and sums to 1.

use thiserror::Error;

use crate::attention::AttentionError;

mod flow;
mod head_stats;
mod ranking;

pub use flow::{hide_special, mean_over_heads, rollout};
pub use head_stats::{head_stats, is_punctuation, HeadLabel, HeadStats};
pub use ranking::{interest_score, rank_heads, Recommendation};

/// BERT's sequence-start token.
pub const CLS_TOKEN: &str = "[CLS]";
/// BERT's separator token, also at the end of every sequence.
pub const SEP_TOKEN: &str = "[SEP]";

/// A head is a sink when, on average, more than this share of a query's
/// attention goes to `[CLS]`, to `[SEP]` or to punctuation.
pub const SINK_MASS_THRESHOLD: f32 = 0.6;
/// A head is positional when, on average, more than this share of a
/// query's attention goes to the previous token, the next token or itself.
pub const POSITIONAL_MASS_THRESHOLD: f32 = 0.5;
/// A head is broad when its mean normalised entropy `H / ln T` exceeds
/// this (1.0 is uniform attention).
pub const BROAD_ENTROPY_THRESHOLD: f32 = 0.78;
/// Below this mean normalised entropy a head is called focused in the
/// reasons of a [`Recommendation`].
pub const FOCUSED_ENTROPY_THRESHOLD: f32 = 0.5;

/// Why an attention matrix could not be analysed.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum AnalysisError {
    #[error("the attention matrix is empty")]
    Empty,
    #[error("the attention of a head must be square (one row and one column per token), got {rows}×{cols}")]
    NotSquare { rows: usize, cols: usize },
    #[error("{tokens} tokens do not label a {size}×{size} attention matrix")]
    TokenCountMismatch { tokens: usize, size: usize },
    #[error("attention weights must be finite and non-negative, but row {row}, column {col} holds {value}")]
    NotAWeight { row: usize, col: usize, value: f32 },
    #[error("no heads to average")]
    NoHeads,
    #[error("no layers to roll out")]
    NoLayers,
    #[error("{what} {index} is {}×{}, but {what} 0 is {}×{}", .found.0, .found.1, .expected.0, .expected.1)]
    InconsistentShape {
        what: &'static str,
        index: usize,
        expected: (usize, usize),
        found: (usize, usize),
    },
    #[error("layer {layer}, head {head}: {source}")]
    InHead {
        layer: usize,
        head: usize,
        #[source]
        source: Box<AnalysisError>,
    },
    #[error(transparent)]
    Matrix(#[from] AttentionError),
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use crate::attention::test_util::m;
    use crate::attention::Matrix;

    #[test]
    fn bad_input_is_an_error() {
        let tokens = ["a", "b"];
        assert_eq!(
            head_stats(&Matrix::zeros(2, 3), &tokens),
            Err(AnalysisError::NotSquare { rows: 2, cols: 3 })
        );
        assert_eq!(
            head_stats(&Matrix::zeros(0, 0), &[] as &[&str]),
            Err(AnalysisError::Empty)
        );
        assert_eq!(
            head_stats(&Matrix::identity(3), &tokens),
            Err(AnalysisError::TokenCountMismatch { tokens: 2, size: 3 })
        );
        assert_eq!(
            head_stats(&m(&[&[1.0, 0.0], &[-0.5, 1.5]]), &tokens),
            Err(AnalysisError::NotAWeight {
                row: 1,
                col: 0,
                value: -0.5
            })
        );
        assert!(matches!(
            head_stats(&m(&[&[f32::NAN, 0.0], &[0.0, 1.0]]), &tokens),
            Err(AnalysisError::NotAWeight { row: 0, col: 0, .. })
        ));
        let model = vec![vec![Matrix::identity(2), Matrix::identity(3)]];
        let err = rank_heads(&model, &tokens).unwrap_err();
        assert_eq!(
            err.to_string(),
            "layer 0, head 1: 2 tokens do not label a 3×3 attention matrix"
        );
    }
}
