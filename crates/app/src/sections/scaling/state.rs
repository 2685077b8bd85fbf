//! The settings of the "Why √d_k" section and their URL form
//! (`#/scaling?dk=64&n=8&scaled=1&seed=42`), and what it computes: random
//! queries and keys, their dot products with and without the division by
//! √d_k, the softmax of each row and how spread out it is.

use crate::lesson::sentences::read_seed;
use crate::platform::params::int_in_range;
use crate::platform::route::Route;
use attend_core::attention::{softmax_rows, Matrix};
use attend_core::rng::SplitMix64;

pub const SLUG: &str = "scaling";
pub const MIN_DK: usize = 1;
pub const MAX_DK: usize = 1024;
/// BERT-base and the original Transformer use 64 dimensions per head.
pub const DEFAULT_DK: usize = 64;
pub const MIN_N: usize = 2;
pub const MAX_N: usize = 12;
pub const DEFAULT_N: usize = 8;
pub const WORDS: [&str; MAX_N] = [
    "the", "cat", "sat", "on", "the", "mat", "because", "it", "was", "warm", "and", "soft",
];

#[derive(Clone, Debug, PartialEq)]
pub struct ScalingState {
    /// Width of each query and key vector.
    pub d_k: usize,
    pub n: usize,
    /// Divide the scores by √d_k (as every Transformer does).
    pub scaled: bool,
    pub seed: u64,
}

impl Default for ScalingState {
    fn default() -> Self {
        ScalingState::from_route(&Route::new(SLUG)).0
    }
}

impl ScalingState {
    pub fn from_route(route: &Route) -> (Self, Vec<String>) {
        let mut notes = Vec::new();
        let d_k = int_in_range(
            "d_k",
            route.get("dk"),
            DEFAULT_DK,
            MIN_DK,
            MAX_DK,
            &mut notes,
        );
        let n = int_in_range(
            "Tokens",
            route.get("n"),
            DEFAULT_N,
            MIN_N,
            MAX_N,
            &mut notes,
        );
        let scaled = match route.get("scaled").map(str::trim) {
            None | Some("1") => true,
            Some("0") => false,
            Some(other) => {
                notes.push(format!(
                    "scaled must be 1 or 0, not “{}”; dividing by √d_k.",
                    other.chars().take(24).collect::<String>()
                ));
                true
            }
        };
        let seed = read_seed(route.get("seed"), &mut notes);
        (
            ScalingState {
                d_k,
                n,
                scaled,
                seed,
            },
            notes,
        )
    }

    pub fn to_route(&self) -> Route {
        Route::with_query(
            SLUG,
            vec![
                ("dk".into(), self.d_k.to_string()),
                ("n".into(), self.n.to_string()),
                ("scaled".into(), if self.scaled { "1" } else { "0" }.into()),
                ("seed".into(), self.seed.to_string()),
            ],
        )
    }
}

impl crate::platform::section_state::RouteState for ScalingState {
    fn from_route(route: &Route) -> (Self, Vec<String>) {
        ScalingState::from_route(route)
    }

    fn to_route(&self) -> Route {
        ScalingState::to_route(self)
    }
}

/// How one setting's softmax came out.
#[derive(Clone, Debug, PartialEq)]
pub struct Softened {
    /// The scores the softmax saw (divided by √d_k or not).
    pub scores: Matrix,
    pub weights: Matrix,
    /// Entropy of each row, in bits (0: all weight on one key;
    /// log₂ n: spread evenly).
    pub entropy_bits: Vec<f32>,
    /// Standard deviation of the scores.
    pub score_sd: f64,
    /// The largest weight of each row, averaged over the rows.
    pub mean_max_weight: f64,
}

impl Softened {
    fn of(scores: Matrix) -> Self {
        let weights = softmax_rows(&scores);
        let entropy_bits = weights.iter_rows().map(entropy_bits).collect();
        let mean_max_weight = weights
            .iter_rows()
            .map(|r| r.iter().fold(0.0f32, |m, &w| m.max(w)) as f64)
            .sum::<f64>()
            / weights.rows().max(1) as f64;
        Softened {
            score_sd: standard_deviation(scores.data()),
            scores,
            weights,
            entropy_bits,
            mean_max_weight,
        }
    }

    pub fn mean_entropy_bits(&self) -> f64 {
        self.entropy_bits.iter().map(|&h| h as f64).sum::<f64>()
            / self.entropy_bits.len().max(1) as f64
    }
}

/// Both settings of one draw of queries and keys.
#[derive(Clone, Debug, PartialEq)]
pub struct ScalingData {
    pub tokens: Vec<String>,
    pub scaled: Softened,
    pub unscaled: Softened,
}

impl ScalingData {
    /// Queries and keys with independent entries of mean 0 and variance 1
    /// (uniform on ±√3): each dot product is a sum of d_k such products, so
    /// its variance is d_k.
    pub fn compute(state: &ScalingState) -> Result<Self, String> {
        let mut rng = SplitMix64::new(state.seed);
        let half_width = 3f32.sqrt();
        let mut draw = |rows: usize| -> Vec<Vec<f64>> {
            (0..rows)
                .map(|_| {
                    (0..state.d_k)
                        .map(|_| rng.uniform(-half_width, half_width) as f64)
                        .collect()
                })
                .collect()
        };
        let (q, k) = (draw(state.n), draw(state.n));
        let raw: Vec<f64> = q
            .iter()
            .flat_map(|qi| k.iter().map(move |kj| dot(qi, kj)))
            .collect();
        let root = (state.d_k as f64).sqrt();
        let matrix = |divide_by: f64| {
            let data = raw.iter().map(|&s| (s / divide_by) as f32).collect();
            Matrix::new(state.n, state.n, data).map_err(|e| e.to_string())
        };
        Ok(ScalingData {
            tokens: WORDS[..state.n].iter().map(|w| w.to_string()).collect(),
            scaled: Softened::of(matrix(root)?),
            unscaled: Softened::of(matrix(1.0)?),
        })
    }

    /// The setting the reader chose.
    pub fn shown(&self, state: &ScalingState) -> &Softened {
        if state.scaled {
            &self.scaled
        } else {
            &self.unscaled
        }
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Shannon entropy of a probability row, in bits.
pub fn entropy_bits(row: &[f32]) -> f32 {
    -row.iter()
        .filter(|&&p| p > 0.0)
        .map(|&p| p as f64 * (p as f64).log2())
        .sum::<f64>() as f32
}

fn standard_deviation(values: &[f32]) -> f64 {
    let n = values.len().max(1) as f64;
    let mean = values.iter().map(|&v| v as f64).sum::<f64>() / n;
    (values
        .iter()
        .map(|&v| (v as f64 - mean).powi(2))
        .sum::<f64>()
        / n)
        .sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_url() {
        for scaled in [true, false] {
            let state = ScalingState {
                d_k: 256,
                n: 5,
                scaled,
                seed: 9,
            };
            let route = Route::parse(&state.to_route().to_hash());
            assert_eq!(ScalingState::from_route(&route), (state, vec![]));
        }
    }

    #[test]
    fn garbage_falls_back_with_notices() {
        let (state, notes) =
            ScalingState::from_route(&Route::parse("#/scaling?dk=0&n=99&scaled=maybe&seed=x"));
        assert_eq!((state.d_k, state.n, state.scaled), (MIN_DK, MAX_N, true));
        assert_eq!(notes.len(), 4, "{notes:?}");
        let (state, _) = ScalingState::from_route(&Route::parse("#/scaling?dk=1000000"));
        assert_eq!(state.d_k, MAX_DK);
    }

    #[test]
    fn entropy_is_zero_for_one_key_and_log2_n_for_all() {
        assert_eq!(entropy_bits(&[0.0, 1.0, 0.0, 0.0]), 0.0);
        assert!((entropy_bits(&[0.25; 4]) - 2.0).abs() < 1e-6);
        assert!((entropy_bits(&[0.5, 0.5]) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn dividing_by_root_dk_keeps_the_scores_near_unit_spread() {
        // many draws at d_k = 256: unscaled scores spread about √256 = 16,
        // scaled ones about 1
        let state = ScalingState {
            d_k: 256,
            n: 12,
            scaled: true,
            seed: 3,
        };
        let data = ScalingData::compute(&state).unwrap();
        assert!(
            (data.scaled.score_sd - 1.0).abs() < 0.3,
            "{}",
            data.scaled.score_sd
        );
        assert!(
            (data.unscaled.score_sd / data.scaled.score_sd - 16.0).abs() < 1e-3,
            "the two differ by exactly √d_k"
        );
        // without the division the softmax saturates: nearly one-hot rows
        assert!(
            data.unscaled.mean_max_weight > 0.9,
            "{}",
            data.unscaled.mean_max_weight
        );
        assert!(data.unscaled.mean_entropy_bits() < 0.5);
        // with it the rows stay spread (log2 12 ≈ 3.58 bits at most)
        assert!(
            data.scaled.mean_entropy_bits() > 1.5,
            "{}",
            data.scaled.mean_entropy_bits()
        );
        for row in data.scaled.weights.row_sums() {
            assert!((row - 1.0).abs() < 1e-5);
        }
        assert_eq!(data.shown(&state), &data.scaled);
    }

    #[test]
    fn at_dk_1_the_division_changes_nothing() {
        let state = ScalingState {
            d_k: 1,
            ..ScalingState::default()
        };
        let data = ScalingData::compute(&state).unwrap();
        assert_eq!(data.scaled.scores, data.unscaled.scores);
    }

    /// The figures the page shows by default (d_k = 64, 8 tokens, seed 42),
    /// which the end-to-end test checks with margins.
    #[test]
    fn the_default_page_makes_its_point() {
        let data = ScalingData::compute(&ScalingState::default()).unwrap();
        eprintln!(
            "scaled sd {:.3} max {:.3} H {:.3}; unscaled sd {:.3} max {:.3} H {:.3}",
            data.scaled.score_sd,
            data.scaled.mean_max_weight,
            data.scaled.mean_entropy_bits(),
            data.unscaled.score_sd,
            data.unscaled.mean_max_weight,
            data.unscaled.mean_entropy_bits()
        );
        assert!((0.6..1.5).contains(&data.scaled.score_sd));
        assert!(data.scaled.mean_entropy_bits() > 1.5);
        assert!(data.unscaled.mean_max_weight > 0.85);
        assert!(data.unscaled.mean_entropy_bits() < data.scaled.mean_entropy_bits() / 2.0);
    }
}
