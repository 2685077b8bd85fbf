//! The settings of the multi-head section and their URL form:
//! `#/multi-head?text=…&heads=4&seed=42`, and the toy computation.

use crate::lesson::sentences::{read_seed, read_sentence, toy_inputs, words};
use crate::platform::params::int_in_range;
use crate::platform::route::Route;
use attend_core::attention::{multi_head, Mask, MultiHeadSteps};

pub const SLUG: &str = "multi-head";
pub const MIN_HEADS: usize = 2;
pub const MAX_HEADS: usize = 8;
pub const DEFAULT_HEADS: usize = 4;
/// Every toy head is this wide; `d_model = heads × D_HEAD`.
pub const D_HEAD: usize = 4;

#[derive(Clone, Debug, PartialEq)]
pub struct MultiHeadState {
    pub text: String,
    pub heads: usize,
    pub seed: u64,
}

impl Default for MultiHeadState {
    fn default() -> Self {
        MultiHeadState::from_route(&Route::new(SLUG)).0
    }
}

impl MultiHeadState {
    pub fn from_route(route: &Route) -> (Self, Vec<String>) {
        let mut notes = Vec::new();
        let text = read_sentence(route.get("text"), &mut notes);
        let heads = int_in_range(
            "Heads",
            route.get("heads"),
            DEFAULT_HEADS,
            MIN_HEADS,
            MAX_HEADS,
            &mut notes,
        );
        let seed = read_seed(route.get("seed"), &mut notes);
        (MultiHeadState { text, heads, seed }, notes)
    }

    pub fn to_route(&self) -> Route {
        Route::with_query(
            SLUG,
            vec![
                ("text".into(), self.text.clone()),
                ("heads".into(), self.heads.to_string()),
                ("seed".into(), self.seed.to_string()),
            ],
        )
    }

    pub fn words(&self) -> Vec<String> {
        words(&self.text)
    }

    pub fn d_model(&self) -> usize {
        self.heads * D_HEAD
    }
}

/// The sentence through `heads` toy heads, their concatenation and `W_o`.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiHeadData {
    pub words: Vec<String>,
    pub steps: MultiHeadSteps,
}

impl MultiHeadData {
    pub fn compute(state: &MultiHeadState) -> Result<Self, String> {
        let words = state.words();
        let d_model = state.d_model();
        let x = toy_inputs(&words, d_model, state.seed)?;
        let steps = multi_head(&x, state.heads, d_model, state.seed, &Mask::None)
            .map_err(|e| e.to_string())?;
        Ok(MultiHeadData { words, steps })
    }
}

impl crate::platform::section_state::RouteState for MultiHeadState {
    fn from_route(route: &Route) -> (Self, Vec<String>) {
        MultiHeadState::from_route(route)
    }

    fn to_route(&self) -> Route {
        MultiHeadState::to_route(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_url() {
        let state = MultiHeadState {
            text: "Dog bites man".into(),
            heads: 6,
            seed: 7,
        };
        let route = Route::parse(&state.to_route().to_hash());
        assert_eq!(MultiHeadState::from_route(&route), (state, vec![]));
    }

    #[test]
    fn garbage_falls_back_with_notices() {
        let (state, notes) =
            MultiHeadState::from_route(&Route::parse("#/multi-head?heads=1&seed=x&text="));
        assert_eq!(state.heads, MIN_HEADS);
        assert_eq!(state.seed, 42);
        assert_eq!(notes.len(), 3, "{notes:?}");
        let (state, notes) = MultiHeadState::from_route(&Route::parse("#/multi-head?heads=99"));
        assert_eq!(state.heads, MAX_HEADS);
        assert_eq!(notes.len(), 1);
        let (state, notes) = MultiHeadState::from_route(&Route::parse("#/multi-head?heads=2.5"));
        assert_eq!(state.heads, DEFAULT_HEADS);
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn every_head_count_computes() {
        for heads in MIN_HEADS..=MAX_HEADS {
            let state = MultiHeadState {
                heads,
                ..MultiHeadState::default()
            };
            let data = MultiHeadData::compute(&state).unwrap();
            let n = state.words().len();
            assert_eq!(data.steps.per_head.len(), heads);
            assert_eq!(data.steps.concat.shape(), (n, heads * D_HEAD));
            assert_eq!(data.steps.output.shape(), (n, heads * D_HEAD));
            for head in &data.steps.per_head {
                for sum in head.weights.row_sums() {
                    assert!((sum - 1.0).abs() < 1e-5);
                }
            }
        }
        // the heads look at the sentence differently
        let data = MultiHeadData::compute(&MultiHeadState::default()).unwrap();
        assert_ne!(
            data.steps.per_head[0].weights,
            data.steps.per_head[1].weights
        );
    }
}
