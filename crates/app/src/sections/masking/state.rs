//! The settings of the masking section and their URL form:
//! `#/masking?n=6&mask=causal&valid=4&seed=42`, and the computation.

use crate::lesson::sentences::read_seed;
use crate::platform::params::int_in_range;
use crate::platform::route::Route;
use attend_core::attention::{softmax_rows, Mask, Matrix};
use attend_core::rng::SplitMix64;

pub const SLUG: &str = "masking";
pub const MIN_N: usize = 2;
pub const MAX_N: usize = 12;
pub const DEFAULT_N: usize = 6;
/// The words shown on the axes; padding slots are written `[PAD]`.
pub const WORDS: [&str; MAX_N] = [
    "the", "cat", "sat", "on", "the", "mat", "and", "then", "it", "fell", "fast", "asleep",
];
pub const PAD: &str = "[PAD]";
/// Scores are drawn from `U(−SPREAD, SPREAD)`.
const SPREAD: f32 = 2.0;

/// Which mask is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MaskKind {
    /// No peeking at later positions (decoders).
    #[default]
    Causal,
    /// Padding keys are hidden (batches of different lengths).
    Padding,
    /// Both at once.
    Both,
}

impl MaskKind {
    pub const ALL: [MaskKind; 3] = [MaskKind::Causal, MaskKind::Padding, MaskKind::Both];

    pub fn slug(self) -> &'static str {
        match self {
            MaskKind::Causal => "causal",
            MaskKind::Padding => "padding",
            MaskKind::Both => "both",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            MaskKind::Causal => "Causal (look-ahead)",
            MaskKind::Padding => "Padding",
            MaskKind::Both => "Causal + padding",
        }
    }

    pub fn parse(raw: &str) -> Option<MaskKind> {
        let raw = raw.trim().to_ascii_lowercase();
        MaskKind::ALL.into_iter().find(|k| k.slug() == raw)
    }

    pub fn uses_padding(self) -> bool {
        self != MaskKind::Causal
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct MaskingState {
    pub n: usize,
    pub kind: MaskKind,
    /// Real tokens; positions `valid..n` are padding (padding masks only).
    pub valid: usize,
    pub seed: u64,
}

impl Default for MaskingState {
    fn default() -> Self {
        MaskingState::from_route(&Route::new(SLUG)).0
    }
}

fn default_valid(n: usize) -> usize {
    (n * 2).div_ceil(3).max(1)
}

impl MaskingState {
    pub fn from_route(route: &Route) -> (Self, Vec<String>) {
        let mut notes = Vec::new();
        let n = int_in_range("Size", route.get("n"), DEFAULT_N, MIN_N, MAX_N, &mut notes);
        let kind = match route.get("mask") {
            None => MaskKind::default(),
            Some(raw) => MaskKind::parse(raw).unwrap_or_else(|| {
                notes.push(format!(
                    "Mask must be causal, padding or both, not “{}”; using causal.",
                    raw.chars().take(24).collect::<String>()
                ));
                MaskKind::default()
            }),
        };
        let valid = int_in_range(
            "Real tokens",
            route.get("valid"),
            default_valid(n),
            1,
            n,
            &mut notes,
        );
        let seed = read_seed(route.get("seed"), &mut notes);
        (
            MaskingState {
                n,
                kind,
                valid,
                seed,
            },
            notes,
        )
    }

    pub fn to_route(&self) -> Route {
        Route::with_query(
            SLUG,
            vec![
                ("n".into(), self.n.to_string()),
                ("mask".into(), self.kind.slug().to_string()),
                ("valid".into(), self.valid.to_string()),
                ("seed".into(), self.seed.to_string()),
            ],
        )
    }

    pub fn mask(&self) -> Mask {
        match self.kind {
            MaskKind::Causal => Mask::Causal,
            MaskKind::Padding => Mask::Padding {
                valid_len: self.valid,
            },
            MaskKind::Both => Mask::CausalPadding {
                valid_len: self.valid,
            },
        }
    }

    /// The axis labels: words, with `[PAD]` in the padding slots.
    pub fn tokens(&self) -> Vec<String> {
        (0..self.n)
            .map(|i| {
                if self.kind.uses_padding() && i >= self.valid {
                    PAD.to_string()
                } else {
                    WORDS[i].to_string()
                }
            })
            .collect()
    }
}

/// Raw scores, masked scores and weights.
#[derive(Clone, Debug, PartialEq)]
pub struct MaskingData {
    pub tokens: Vec<String>,
    pub scores: Matrix,
    pub masked: Matrix,
    pub weights: Matrix,
}

impl MaskingData {
    pub fn compute(state: &MaskingState) -> Result<Self, String> {
        let mut rng = SplitMix64::new(state.seed);
        // two decimals, so the numbers in the cells are the numbers used
        let data = (0..state.n * state.n)
            .map(|_| (rng.uniform(-SPREAD, SPREAD) * 100.0).round() / 100.0)
            .collect();
        let scores = Matrix::new(state.n, state.n, data).map_err(|e| e.to_string())?;
        let masked = state.mask().apply(&scores);
        let weights = softmax_rows(&masked);
        Ok(MaskingData {
            tokens: state.tokens(),
            scores,
            masked,
            weights,
        })
    }

    /// 1 where a score was masked, row by row.
    pub fn mask_rows(&self) -> Vec<Vec<u8>> {
        self.masked
            .to_rows()
            .iter()
            .map(|r| {
                r.iter()
                    .map(|&x| u8::from(x == f32::NEG_INFINITY))
                    .collect()
            })
            .collect()
    }
}

impl crate::platform::section_state::RouteState for MaskingState {
    fn from_route(route: &Route) -> (Self, Vec<String>) {
        MaskingState::from_route(route)
    }

    fn to_route(&self) -> Route {
        MaskingState::to_route(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_url() {
        for kind in MaskKind::ALL {
            let state = MaskingState {
                n: 9,
                kind,
                valid: 5,
                seed: 77,
            };
            let route = Route::parse(&state.to_route().to_hash());
            assert_eq!(MaskingState::from_route(&route), (state, vec![]));
        }
    }

    #[test]
    fn garbage_falls_back_with_notices() {
        let route = Route::parse("#/masking?n=50&mask=diagonal&valid=0&seed=-4");
        let (state, notes) = MaskingState::from_route(&route);
        assert_eq!(state.n, MAX_N);
        assert_eq!(state.kind, MaskKind::Causal);
        assert_eq!(state.valid, 1);
        assert_eq!(state.seed, 0);
        assert_eq!(notes.len(), 4, "{notes:?}");
        // valid is clamped to the size
        let (state, notes) = MaskingState::from_route(&Route::parse("#/masking?n=3&valid=8"));
        assert_eq!((state.n, state.valid), (3, 3));
        assert_eq!(notes.len(), 1);
        assert_eq!(
            MaskingState::from_route(&Route::parse("#/masking?mask=BOTH"))
                .0
                .kind,
            MaskKind::Both
        );
    }

    #[test]
    fn causal_masks_the_upper_triangle() {
        let data = MaskingData::compute(&MaskingState::default()).unwrap();
        let m = data.mask_rows();
        for (q, row) in m.iter().enumerate() {
            for (k, &x) in row.iter().enumerate() {
                assert_eq!(x == 1, k > q);
            }
        }
        // softmax after masking: zero weight on the masked cells, rows sum to 1
        for (q, row) in data.weights.to_rows().iter().enumerate() {
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5);
            assert!(row[q + 1..].iter().all(|&w| w == 0.0));
        }
        assert_eq!(data.weights.get(0, 0), Some(1.0));
    }

    #[test]
    fn padding_masks_the_padded_columns_only() {
        let state = MaskingState {
            kind: MaskKind::Padding,
            valid: 4,
            ..MaskingState::default()
        };
        let data = MaskingData::compute(&state).unwrap();
        assert_eq!(data.tokens[3], "on");
        assert_eq!(data.tokens[4], PAD);
        for row in data.mask_rows() {
            assert_eq!(row, vec![0, 0, 0, 0, 1, 1]);
        }
        let both = MaskingData::compute(&MaskingState {
            kind: MaskKind::Both,
            ..state
        })
        .unwrap();
        assert_eq!(both.mask_rows()[5], vec![0, 0, 0, 0, 1, 1]);
        assert_eq!(both.mask_rows()[1], vec![0, 0, 1, 1, 1, 1]);
    }

    #[test]
    fn scores_have_two_decimals_and_depend_on_the_seed() {
        let a = MaskingData::compute(&MaskingState::default()).unwrap();
        for &x in a.scores.data() {
            assert!(((x * 100.0).round() - x * 100.0).abs() < 1e-3);
            assert!(x.abs() <= SPREAD);
        }
        let b = MaskingData::compute(&MaskingState {
            seed: 43,
            ..MaskingState::default()
        })
        .unwrap();
        assert_ne!(a.scores, b.scores);
    }
}
