//! Moving between views: the route signal, the URL hash and the history.

use crate::platform::route::Route;
use leptos::prelude::*;

/// The current route, shared through context.
#[derive(Clone, Copy)]
pub struct CurrentRoute(pub RwSignal<Route>);

pub fn current_route() -> RwSignal<Route> {
    expect_context::<CurrentRoute>().0
}

pub fn route_from_location() -> Route {
    let hash = window().location().hash().unwrap_or_default();
    Route::parse(&hash)
}

/// A new view: a history entry of its own, so Back returns to the last one.
pub fn navigate(route: RwSignal<Route>, next: Route) {
    if let Ok(history) = window().history() {
        attend_runtime::report::warn_on_err(
            "adding a history entry",
            history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&next.to_hash())),
        );
    }
    route.set(next);
}

/// Link parameters that belong to the whole app, not to a section's
/// settings: a section rewriting its link keeps them.
pub const APP_PARAMS: [&str; 1] = [BACKEND_PARAM];

/// `backend=auto|cpu|gpu`: where the model runs (the backend panel).
pub const BACKEND_PARAM: &str = "backend";

/// `next` plus the app-wide parameters of `current` that it does not set.
pub fn keep_app_params(current: &Route, mut next: Route) -> Route {
    for key in APP_PARAMS {
        if next.get(key).is_none() {
            if let Some(value) = current.get(key) {
                next.query.push((key.to_string(), value.to_string()));
            }
        }
    }
    next
}

/// The same view with other settings: rewrites the current history entry so
/// that dragging a control does not fill the Back button with steps.
/// App-wide parameters (`backend=`) stay in the link.
pub fn replace(route: RwSignal<Route>, next: Route) {
    let next = route.with_untracked(|r| keep_app_params(r, next));
    if route.with_untracked(|r| *r == next) {
        return;
    }
    if let Ok(history) = window().history() {
        attend_runtime::report::warn_on_err(
            "updating the link",
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&next.to_hash())),
        );
    }
    route.set(next);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_rewriting_its_link_keeps_the_backend() {
        let current = Route::parse("#/attention?text=a&backend=gpu");
        let next = Route::parse("#/attention?text=b&layer=2");
        assert_eq!(
            keep_app_params(&current, next).to_hash(),
            "#/attention?text=b&layer=2&backend=gpu"
        );
        // A link that sets it itself wins.
        let next = Route::parse("#/attention?backend=cpu");
        assert_eq!(
            keep_app_params(&current, next).to_hash(),
            "#/attention?backend=cpu"
        );
    }
}
