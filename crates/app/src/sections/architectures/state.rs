//! The architectures section's settings: the sentences compared
//! (`#/architectures?s=first|second|…`).

use crate::platform::route::Route;

pub const SLUG: &str = "architectures";
pub const MAX_SENTENCES: usize = 6;
pub const MIN_SENTENCES: usize = 2;
pub const MAX_CHARS: usize = 160;

/// Three pairs, each making one point (figures from all-MiniLM-L6-v2, f32):
/// the same meaning in other words (model 0.63, word overlap 0.40); the same words
/// in another order (overlap 1.00, model 0.98 — mean pooling keeps little of
/// the order); one shared word with two meanings (model 0.31).
pub const DEFAULT_SENTENCES: [&str; 6] = [
    "The cat sat on the mat.",
    "A kitten was resting on the rug.",
    "The dog bit the man.",
    "The man bit the dog.",
    "She sat by the river bank.",
    "The bank raised its interest rates.",
];

#[derive(Clone, Debug, PartialEq)]
pub struct ArchState {
    pub sentences: Vec<String>,
}

impl ArchState {
    /// Sentences come one per line from the text box and `|`-separated in
    /// the link (a `|` inside a sentence cannot be told apart, so it is a
    /// separator everywhere).
    pub fn from_route(route: &Route) -> (Self, Vec<String>) {
        let mut notes = Vec::new();
        let Some(raw) = route.get("s") else {
            return (Self::default_sentences(), notes);
        };
        let mut sentences: Vec<String> = raw
            .split(['|', '\n'])
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty())
            .map(|s| {
                if s.chars().count() > MAX_CHARS {
                    notes.push(format!(
                        "Sentences are limited to {MAX_CHARS} characters; one was shortened."
                    ));
                    s.chars().take(MAX_CHARS).collect()
                } else {
                    s
                }
            })
            .collect();
        if sentences.len() > MAX_SENTENCES {
            notes.push(format!(
                "At most {MAX_SENTENCES} sentences at once; kept the first {MAX_SENTENCES}."
            ));
            sentences.truncate(MAX_SENTENCES);
        }
        if sentences.len() < MIN_SENTENCES {
            notes.push(format!(
                "Comparing needs at least {MIN_SENTENCES} sentences; using the examples."
            ));
            return (Self::default_sentences(), notes);
        }
        (ArchState { sentences }, notes)
    }

    fn default_sentences() -> Self {
        ArchState {
            sentences: DEFAULT_SENTENCES.iter().map(|s| s.to_string()).collect(),
        }
    }

    pub fn to_route(&self) -> Route {
        Route::with_query(SLUG, vec![("s".into(), self.sentences.join("|"))])
    }
}

impl crate::platform::section_state::RouteState for ArchState {
    fn from_route(route: &Route) -> (Self, Vec<String>) {
        ArchState::from_route(route)
    }
    fn to_route(&self) -> Route {
        ArchState::to_route(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_round_trip_through_the_link() {
        let (state, notes) = ArchState::from_route(&Route::parse("#/architectures"));
        assert_eq!(state.sentences.len(), DEFAULT_SENTENCES.len());
        assert!(notes.is_empty());
        let back = ArchState::from_route(&Route::parse(&state.to_route().to_hash()));
        assert_eq!(back, (state, vec![]));
    }

    #[test]
    fn text_box_lines_and_bad_input() {
        let mut route = Route::new(SLUG);
        route
            .query
            .push(("s".into(), "one  two\n\n three \nfour".into()));
        let (state, notes) = ArchState::from_route(&route);
        assert_eq!(state.sentences, vec!["one two", "three", "four"]);
        assert!(notes.is_empty());
        let (state, notes) = ArchState::from_route(&Route::parse("#/architectures?s=alone"));
        assert_eq!(state.sentences.len(), DEFAULT_SENTENCES.len());
        assert_eq!(notes.len(), 1);
        let (state, notes) =
            ArchState::from_route(&Route::parse("#/architectures?s=a|b|c|d|e|f|g|h"));
        assert_eq!(state.sentences.len(), MAX_SENTENCES);
        assert_eq!(notes.len(), 1);
    }
}
