//! The glossary's settings and their URL form:
//! `#/glossary?q=<search text>&term=<slug of the highlighted entry>`.

use super::terms;
use crate::platform::route::Route;

pub const SLUG: &str = "glossary";
/// Longer searches are cut; nothing in the glossary is this long anyway.
pub const MAX_QUERY_CHARS: usize = 100;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct GlossaryState {
    /// The search text as typed (spaces kept, so typing is not disturbed).
    pub q: String,
    /// The highlighted entry; always a known slug.
    pub term: Option<&'static str>,
}

impl GlossaryState {
    pub fn from_route(route: &Route) -> (Self, Vec<String>) {
        let mut notes = Vec::new();
        let raw_q = route.get("q").unwrap_or_default();
        let q: String = if raw_q.chars().count() > MAX_QUERY_CHARS {
            notes.push(format!(
                "The search was cut to its first {MAX_QUERY_CHARS} characters."
            ));
            raw_q.chars().take(MAX_QUERY_CHARS).collect()
        } else {
            raw_q.to_string()
        };
        let term = match route.get("term").map(str::trim) {
            None | Some("") => None,
            Some(raw) => match terms::find(raw) {
                Some(t) => Some(t.slug),
                None => {
                    let shown: String = raw.chars().take(40).collect();
                    notes.push(format!(
                        "The glossary has no entry called “{shown}”; showing all terms instead."
                    ));
                    None
                }
            },
        };
        (GlossaryState { q, term }, notes)
    }

    /// The canonical link; empty settings are left out.
    pub fn to_route(&self) -> Route {
        let mut q = Vec::new();
        if !self.q.is_empty() {
            q.push(("q".to_string(), self.q.clone()));
        }
        if let Some(term) = self.term {
            q.push(("term".to_string(), term.to_string()));
        }
        Route::with_query(SLUG, q)
    }
}

impl crate::platform::section_state::RouteState for GlossaryState {
    fn from_route(route: &Route) -> (Self, Vec<String>) {
        GlossaryState::from_route(route)
    }

    fn to_route(&self) -> Route {
        GlossaryState::to_route(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_url() {
        for state in [
            GlossaryState::default(),
            GlossaryState {
                q: "dot product & √d_k ".into(),
                term: Some("softmax"),
            },
            GlossaryState {
                q: String::new(),
                term: Some("cls-token"),
            },
        ] {
            let route = Route::parse(&state.to_route().to_hash());
            assert_eq!(GlossaryState::from_route(&route), (state, vec![]));
        }
        assert_eq!(GlossaryState::default().to_route().to_hash(), "#/glossary");
    }

    #[test]
    fn an_unknown_term_is_a_notice_not_a_crash() {
        let (state, notes) =
            GlossaryState::from_route(&Route::parse("#/glossary?term=flux-capacitor&q=mask"));
        assert_eq!(state.term, None);
        assert_eq!(state.q, "mask");
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("flux-capacitor"), "{notes:?}");
        // an empty term is simply no term
        let (state, notes) = GlossaryState::from_route(&Route::parse("#/glossary?term="));
        assert_eq!((state.term, notes.len()), (None, 0));
    }

    #[test]
    fn a_huge_query_is_clipped() {
        let route = Route::with_query(SLUG, vec![("q".into(), "x".repeat(1000))]);
        let (state, notes) = GlossaryState::from_route(&route);
        assert_eq!(state.q.chars().count(), MAX_QUERY_CHARS);
        assert_eq!(notes.len(), 1);
    }
}
