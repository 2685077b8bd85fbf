//! The why-Transformers section's settings:
//! `#/why?example=keys&step=3&keep=0.6&arcs=model&layer=2&head=5`.

use super::examples::{Example, EXAMPLES};
use crate::lesson::layer_head::LayerHead;
use crate::platform::params::{float_in_range, int_in_range};
use crate::platform::route::Route;

pub const SLUG: &str = "why";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArcSource {
    /// The hand-labelled grammatical links.
    Relations,
    /// The strongest links of one head of the loaded model.
    Model,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WhyState {
    pub example: &'static str,
    /// Words the RNN has read (0 = not started).
    pub step: usize,
    /// Share of the hidden state kept from one step to the next.
    pub keep: f64,
    pub arcs: ArcSource,
    /// 1-based, as shown.
    pub layer: usize,
    pub head: usize,
}

impl WhyState {
    pub fn from_route(route: &Route) -> (Self, Vec<String>) {
        let mut notes = Vec::new();
        let example = match route.get("example") {
            None => &EXAMPLES[0],
            Some(slug) => Example::find(slug).unwrap_or_else(|| {
                notes.push(format!(
                    "There is no example “{slug}”; showing the first one."
                ));
                &EXAMPLES[0]
            }),
        };
        let n = example.words().len();
        let step = int_in_range("The step", route.get("step"), 0, 0, n, &mut notes);
        let keep = float_in_range("Memory kept", route.get("keep"), 0.6, 0.0, 1.0, &mut notes);
        let arcs = match route.get("arcs") {
            None | Some("relations") => ArcSource::Relations,
            Some("model") => ArcSource::Model,
            Some(other) => {
                notes.push(format!(
                    "Arcs can come from “relations” or “model”, not “{other}”; showing relations."
                ));
                ArcSource::Relations
            }
        };
        // Counted from 0, as everywhere; checked against the model once loaded.
        let LayerHead { layer, head } = LayerHead::read(route, &mut notes);
        (
            WhyState {
                example: example.slug,
                step,
                keep,
                arcs,
                layer,
                head,
            },
            notes,
        )
    }

    pub fn to_route(&self) -> Route {
        let mut query = vec![
            ("example".to_string(), self.example.to_string()),
            ("step".to_string(), self.step.to_string()),
            ("keep".to_string(), format!("{}", self.keep)),
        ];
        if self.arcs == ArcSource::Model {
            query.push(("arcs".into(), "model".into()));
            query.extend(
                LayerHead {
                    layer: self.layer,
                    head: self.head,
                }
                .query(),
            );
        }
        Route::with_query(SLUG, query)
    }

    pub fn example(&self) -> &'static Example {
        Example::find(self.example).unwrap_or(&EXAMPLES[0])
    }
}

impl crate::platform::section_state::RouteState for WhyState {
    fn from_route(route: &Route) -> (Self, Vec<String>) {
        WhyState::from_route(route)
    }
    fn to_route(&self) -> Route {
        WhyState::to_route(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_round_trip_and_steps_are_clamped_to_the_sentence() {
        let (state, notes) = WhyState::from_route(&Route::parse(
            "#/why?example=fox&step=4&arcs=model&layer=2&head=5",
        ));
        assert!(notes.is_empty());
        assert_eq!((state.step, state.layer, state.head), (4, 2, 5));
        assert_eq!(WhyState::from_route(&state.to_route()), (state, vec![]));
        let (state, notes) =
            WhyState::from_route(&Route::parse("#/why?example=fox&step=99&arcs=x"));
        assert_eq!(state.step, 9);
        assert_eq!(state.arcs, ArcSource::Relations);
        assert_eq!(notes.len(), 2);
    }
}
