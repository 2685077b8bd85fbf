//! The pattern every section follows: its settings live in the URL, a bad
//! link is repaired with notices saying what changed, and a control changes
//! the link exactly as if it had been typed into the address bar.

use crate::platform::navigation::{self, current_route};
use crate::platform::route::Route;
use leptos::prelude::*;

/// A section's settings and their URL form.
pub trait RouteState: Clone + PartialEq + Send + Sync + 'static {
    /// Reads the settings; whatever had to be changed is explained.
    fn from_route(route: &Route) -> (Self, Vec<String>);
    /// The canonical link of these settings.
    fn to_route(&self) -> Route;
}

/// The current section's settings (from the URL) and its notices.
pub struct SectionState<S: RouteState> {
    pub state: Memo<S>,
    pub notices: RwSignal<Vec<String>>,
    route: RwSignal<Route>,
}

impl<S: RouteState> Clone for SectionState<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: RouteState> Copy for SectionState<S> {}

impl<S: RouteState> SectionState<S> {
    /// Follows the URL; a link with bad values gets its notices and is
    /// replaced by the corrected one.
    pub fn from_url() -> Self {
        let route = current_route();
        let notices = RwSignal::new(Vec::<String>::new());
        let state = Memo::new(move |_| S::from_route(&route.get()).0);
        Effect::new(move |_| {
            let (fixed, notes) = S::from_route(&route.get());
            if !notes.is_empty() {
                notices.set(notes);
                navigation::replace(route, fixed.to_route());
            }
        });
        SectionState {
            state,
            notices,
            route,
        }
    }

    /// Changes some URL keys (`None` removes one, so its default applies)
    /// and parses the result like a link.
    pub fn set_params(&self, changes: Vec<(&'static str, Option<String>)>) {
        let mut candidate = self.state.get_untracked().to_route();
        for (key, value) in changes {
            candidate.query.retain(|(k, _)| k != key);
            if let Some(v) = value {
                candidate.query.push((key.to_string(), v));
            }
        }
        let (fixed, notes) = S::from_route(&candidate);
        self.notices.set(notes);
        navigation::replace(self.route, fixed.to_route());
    }

    pub fn set_param(&self, key: &'static str, value: String) {
        self.set_params(vec![(key, Some(value))]);
    }
}

/// The list of notices, shown while there are any.
#[component]
pub fn Notices(notices: RwSignal<Vec<String>>, testid: &'static str) -> impl IntoView {
    view! {
        <Show when=move || !notices.with(|n| n.is_empty())>
            <div class="notice" role="status" data-testid=testid>
                <ul>{move || notices.get().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
            </div>
        </Show>
    }
}
