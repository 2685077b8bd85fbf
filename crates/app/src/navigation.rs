//! Moving between views: the route signal, the URL hash and the history.

use crate::route::Route;
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
        let _ =
            history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&next.to_hash()));
    }
    route.set(next);
}

/// The same view with other settings: rewrites the current history entry so
/// that dragging a control does not fill the Back button with steps.
pub fn replace(route: RwSignal<Route>, next: Route) {
    if route.with_untracked(|r| *r == next) {
        return;
    }
    if let Ok(history) = window().history() {
        let _ =
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&next.to_hash()));
    }
    route.set(next);
}
