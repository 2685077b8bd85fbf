//! The cross-attention section's settings (`#/cross-attention?pair=fr&focus=2&sharpness=1`)
//! and the weights they give.

use super::pairs::{TranslationPair, PAIRS};
use crate::platform::params::{float_in_range, int_in_range};
use crate::platform::route::Route;
use attend_core::attention::{softmax_rows, Matrix};

pub const SLUG: &str = "cross-attention";
pub const MIN_SHARPNESS: f64 = 0.0;
pub const MAX_SHARPNESS: f64 = 3.0;
const DEFAULT_SHARPNESS: f64 = 1.0;

#[derive(Clone, Debug, PartialEq)]
pub struct CrossState {
    pub pair: &'static str,
    /// The decoder word whose lines are drawn strongly.
    pub focus: usize,
    pub sharpness: f64,
}

impl CrossState {
    pub fn from_route(route: &Route) -> (Self, Vec<String>) {
        let mut notes = Vec::new();
        let pair = match route.get("pair") {
            None => &PAIRS[0],
            Some(slug) => TranslationPair::find(slug).unwrap_or_else(|| {
                notes.push(format!(
                    "There is no sentence pair “{slug}”; showing {}.",
                    PAIRS[0].label
                ));
                &PAIRS[0]
            }),
        };
        let focus = int_in_range(
            "The decoder word",
            route.get("focus"),
            0,
            0,
            pair.target.len() - 1,
            &mut notes,
        );
        let sharpness = float_in_range(
            "Sharpness",
            route.get("sharpness"),
            DEFAULT_SHARPNESS,
            MIN_SHARPNESS,
            MAX_SHARPNESS,
            &mut notes,
        );
        (
            CrossState {
                pair: pair.slug,
                focus,
                sharpness,
            },
            notes,
        )
    }

    pub fn to_route(&self) -> Route {
        Route::with_query(
            SLUG,
            vec![
                ("pair".into(), self.pair.into()),
                ("focus".into(), self.focus.to_string()),
                ("sharpness".into(), format!("{}", self.sharpness)),
            ],
        )
    }

    pub fn pair(&self) -> &'static TranslationPair {
        TranslationPair::find(self.pair).unwrap_or(&PAIRS[0])
    }

    /// softmax over the source words, one row per decoder word.
    pub fn weights(&self) -> Matrix {
        let pair = self.pair();
        let scores = Matrix::new(
            pair.target.len(),
            pair.source.len(),
            pair.scores(self.sharpness as f32),
        )
        .expect("a pair's scores have its own shape");
        softmax_rows(&scores)
    }
}

impl crate::platform::section_state::RouteState for CrossState {
    fn from_route(route: &Route) -> (Self, Vec<String>) {
        CrossState::from_route(route)
    }
    fn to_route(&self) -> Route {
        CrossState::to_route(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_distributions_and_sharpness_zero_is_uniform() {
        let (mut state, notes) = CrossState::from_route(&Route::parse("#/cross-attention?pair=de"));
        assert!(notes.is_empty());
        let w = state.weights();
        for r in 0..w.rows() {
            let sum: f32 = w.row(r).unwrap().iter().sum();
            assert!((sum - 1.0).abs() < 1e-6);
        }
        // "gegessen" (4) looks mostly at "eaten" (2), then at "have" (1).
        let row = w.row(4).unwrap();
        assert!(row[2] > row[1] && row[1] > row[0]);
        assert!((row[2] - 0.7607).abs() < 1e-3, "{}", row[2]);
        state.sharpness = 0.0;
        assert!(state
            .weights()
            .data()
            .iter()
            .all(|&x| (x - 0.2).abs() < 1e-6));
    }

    #[test]
    fn bad_links_are_repaired_with_a_reason() {
        let (state, notes) = CrossState::from_route(&Route::parse(
            "#/cross-attention?pair=xx&focus=9&sharpness=abc",
        ));
        assert_eq!(state.pair, "fr");
        assert_eq!(state.focus, 3);
        assert_eq!(state.sharpness, 1.0);
        assert_eq!(notes.len(), 3);
        let round = CrossState::from_route(&state.to_route());
        assert_eq!(round, (state, vec![]));
    }
}
