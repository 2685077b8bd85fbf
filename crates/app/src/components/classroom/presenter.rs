//! Presenter mode: large type, no sidebar, one panel per screen, ←/→ (and a
//! clicker's PageDown/PageUp) step through panels and then sections, and a
//! bar at the bottom says where the class is.

use super::panels::{self, PanelStep};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

const STORAGE_KEY: &str = "attend-presenter";
/// The headings that start a panel, in document order.
const PANEL_SELECTOR: &str = "#main article h1, #main article h2";

#[derive(Clone, Copy)]
pub struct Presenter {
    pub on: RwSignal<bool>,
    /// (panel shown, panels in this section), both counted from 1.
    pub part: RwSignal<(usize, usize)>,
}

impl Presenter {
    pub fn provide() -> Self {
        let stored = window()
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        let presenter = Presenter {
            on: RwSignal::new(stored.as_deref() == Some("on")),
            part: RwSignal::new((1, 1)),
        };
        Effect::new(move |_| {
            let on = presenter.on.get();
            if let Some(body) = document().body() {
                attend_runtime::report::warn_on_err(
                    "switching presenter mode",
                    body.class_list().toggle_with_force("presenter", on),
                );
            }
            if let Some(s) = window().local_storage().ok().flatten() {
                attend_runtime::report::warn_on_err(
                    "remembering presenter mode",
                    s.set_item(STORAGE_KEY, if on { "on" } else { "off" }),
                );
            }
        });
        provide_context(presenter);
        presenter
    }

    pub fn get() -> Self {
        expect_context::<Presenter>()
    }

    /// Recomputes which panel is shown (after a scroll or a new section).
    pub fn refresh(&self) {
        let tops = heading_tops();
        let total = tops.len().max(1);
        self.part
            .set(((panels::current_panel(&tops) + 1).min(total), total));
    }

    /// One step; returns the section change it needs, if any.
    pub fn step(&self, forward: bool) -> Option<isize> {
        let tops = heading_tops();
        match panels::step(&tops, forward) {
            PanelStep::Panel(i) => {
                if let Some(heading) = headings().get(i) {
                    heading.scroll_into_view_with_bool(true);
                }
                self.part.set((i + 1, tops.len()));
                None
            }
            PanelStep::NextSection => Some(1),
            PanelStep::PreviousSection => Some(-1),
        }
    }
}

fn headings() -> Vec<web_sys::Element> {
    let Ok(list) = document().query_selector_all(PANEL_SELECTOR) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
        .collect()
}

fn heading_tops() -> Vec<f64> {
    headings()
        .iter()
        .map(|h| h.get_bounding_client_rect().top())
        .collect()
}

#[component]
pub fn PresenterToggle() -> impl IntoView {
    let presenter = Presenter::get();
    view! {
        <button
            class="topbar-button"
            data-testid="presenter-toggle"
            aria-pressed=move || presenter.on.get().to_string()
            title="Presenter mode: large type, one panel per screen (P)"
            on:click=move |_| presenter.on.update(|on| *on = !*on)
        >
            {move || if presenter.on.get() { "Exit presenter" } else { "Present" }}
        </button>
    }
}

/// "Section 4 of 14 · part 2 of 3", with a bar for the whole lesson.
#[component]
pub fn PresenterBar(position: Memo<usize>, sections: usize) -> impl IntoView {
    let presenter = Presenter::get();
    let scroll = window_event_listener_untyped("scroll", move |_| {
        if presenter.on.get_untracked() {
            presenter.refresh();
        }
    });
    on_cleanup(move || scroll.remove());
    // A new section (or switching the mode on) starts at its first panel.
    Effect::new(move |_| {
        position.track();
        if presenter.on.get() {
            request_animation_frame(move || presenter.refresh());
        }
    });
    let fraction = move || {
        let (part, parts) = presenter.part.get();
        (position.get() as f64 + part as f64 / parts.max(1) as f64) / sections as f64
    };
    view! {
        <Show when=move || presenter.on.get()>
            <div class="presenter-bar" data-testid="presenter-bar"
                data-section=move || position.get() + 1
                data-part=move || presenter.part.get().0
                data-parts=move || presenter.part.get().1>
                <progress max="1" value=move || format!("{:.3}", fraction())></progress>
                <span>{move || {
                    let (part, parts) = presenter.part.get();
                    format!("Section {} of {sections} · part {part} of {parts}", position.get() + 1)
                }}</span>
            </div>
        </Show>
    }
}
