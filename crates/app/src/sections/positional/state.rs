//! The settings of the positional-encoding section and their URL form:
//! `#/positional?len=64&d=128&base=10000&pos=0,2,4&dims=32&pair=0`.

use crate::platform::params::{float_in_range, index_list, int_in_range};
use crate::platform::route::Route;

pub const SLUG: &str = "positional";
pub const MAX_LEN: usize = 2048;
pub const MAX_D_MODEL: usize = 1024;
pub const MIN_BASE: f64 = 2.0;
pub const MAX_BASE: f64 = 1e9;
/// Lines beyond this many positions stop being readable.
pub const MAX_PLOTTED_POSITIONS: usize = 8;
/// The similarity chart compares at most this many positions (n² cells).
pub const MAX_SIMILARITY_POSITIONS: usize = 128;

#[derive(Clone, Debug, PartialEq)]
pub struct PositionalState {
    pub len: usize,
    pub d_model: usize,
    pub base: f64,
    /// Positions drawn as lines (and as E+P points).
    pub positions: Vec<usize>,
    /// The line chart shows dimensions `0..dims`.
    pub dims: usize,
    /// The scatter projects onto dimensions `2·pair` and `2·pair + 1`.
    pub pair: usize,
}

impl Default for PositionalState {
    fn default() -> Self {
        PositionalState {
            len: 64,
            d_model: 128,
            base: 10_000.0,
            positions: vec![0, 2, 4],
            dims: 32,
            pair: 0,
        }
    }
}

impl PositionalState {
    /// Reads the settings from a route; whatever had to be changed is
    /// explained in the returned notices.
    pub fn from_route(route: &Route) -> (Self, Vec<String>) {
        let d = Self::default();
        let mut notes = Vec::new();
        let len = int_in_range("Length", route.get("len"), d.len, 1, MAX_LEN, &mut notes);
        let mut d_model = int_in_range(
            "d_model",
            route.get("d"),
            d.d_model,
            2,
            MAX_D_MODEL,
            &mut notes,
        );
        if d_model % 2 == 1 {
            notes.push(format!(
                "d_model must be even (sine and cosine come in pairs); using {}.",
                d_model - 1
            ));
            d_model -= 1;
        }
        let base = float_in_range(
            "Base",
            route.get("base"),
            d.base,
            MIN_BASE,
            MAX_BASE,
            &mut notes,
        );
        let positions = index_list(
            "Positions",
            route.get("pos"),
            &d.positions,
            len,
            MAX_PLOTTED_POSITIONS,
            &mut notes,
        );
        let positions = if positions.is_empty() {
            vec![0]
        } else {
            positions
        };
        let dims = int_in_range(
            "Dimensions shown",
            route.get("dims"),
            d.dims.min(d_model),
            2,
            d_model,
            &mut notes,
        );
        let pair = int_in_range(
            "Dimension pair",
            route.get("pair"),
            0,
            0,
            d_model / 2 - 1,
            &mut notes,
        );
        (
            PositionalState {
                len,
                d_model,
                base,
                positions,
                dims,
                pair,
            },
            notes,
        )
    }

    pub fn to_route(&self) -> Route {
        Route::with_query(
            SLUG,
            vec![
                ("len".into(), self.len.to_string()),
                ("d".into(), self.d_model.to_string()),
                ("base".into(), format_number(self.base)),
                ("pos".into(), positions_text(&self.positions)),
                ("dims".into(), self.dims.to_string()),
                ("pair".into(), self.pair.to_string()),
            ],
        )
    }

    /// How many positions the similarity chart compares.
    pub fn similarity_positions(&self) -> usize {
        self.len.min(MAX_SIMILARITY_POSITIONS)
    }
}

/// `0,2,4`: the URL and text-box form of a list of positions.
pub fn positions_text(positions: &[usize]) -> String {
    let parts: Vec<String> = positions.iter().map(|p| p.to_string()).collect();
    parts.join(",")
}

/// `10000` rather than `10000.0`, and no float noise in links.
fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

impl crate::platform::section_state::RouteState for PositionalState {
    fn from_route(route: &Route) -> (Self, Vec<String>) {
        PositionalState::from_route(route)
    }

    fn to_route(&self) -> Route {
        PositionalState::to_route(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_url() {
        let state = PositionalState {
            len: 100,
            d_model: 64,
            base: 500.5,
            positions: vec![1, 50, 99],
            dims: 16,
            pair: 3,
        };
        let route = Route::parse(&state.to_route().to_hash());
        assert_eq!(PositionalState::from_route(&route), (state, vec![]));
    }

    #[test]
    fn the_documented_example_link_parses() {
        let route = Route::parse("#/positional?len=64&d=128&base=10000&pos=0,2,4");
        let (state, notes) = PositionalState::from_route(&route);
        assert!(notes.is_empty());
        assert_eq!((state.len, state.d_model, state.base), (64, 128, 10_000.0));
        assert_eq!(state.positions, vec![0, 2, 4]);
    }

    #[test]
    fn garbage_falls_back_with_notices() {
        let route = Route::parse("#/positional?len=-3&d=7&base=abc&pos=900,x&dims=0&pair=99");
        let (state, notes) = PositionalState::from_route(&route);
        assert_eq!(state.len, 1);
        assert_eq!(state.d_model, 6);
        assert_eq!(state.base, 10_000.0);
        assert_eq!(state.positions, vec![0]);
        assert_eq!(state.dims, 2);
        assert_eq!(state.pair, 2);
        assert!(notes.len() >= 6, "{notes:?}");
        assert!(notes.iter().any(|n| n.contains("even")));
    }

    #[test]
    fn huge_values_are_clamped() {
        let route = Route::parse("#/positional?len=1e9&d=99999999999999999999&base=1e300");
        let (state, notes) = PositionalState::from_route(&route);
        assert_eq!(state.len, MAX_LEN);
        assert_eq!(state.base, MAX_BASE);
        assert_eq!(state.d_model, MAX_D_MODEL);
        assert_eq!(notes.len(), 3);
    }
}
