//! The frame around every section: header, table of contents, pager, and
//! the keyboard and URL plumbing that tie them to the route.

use crate::components::classroom::presenter::{Presenter, PresenterBar, PresenterToggle};
use crate::components::classroom::theme::ThemeToggle;
use crate::lesson::Section;
use crate::platform::navigation::{self, CurrentRoute};
use crate::platform::route::Route;
use crate::sections;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn App() -> impl IntoView {
    let route = RwSignal::new(navigation::route_from_location());
    provide_context(CurrentRoute(route));
    let store = crate::state::model_store::ModelStore::provide();
    let presenter = Presenter::provide();
    // `backend=` works in any section's link.
    Effect::new(move |_| route.with(|r| crate::components::backend_panel::apply_link(store, r)));

    // Back/Forward and hand-edited links.
    let on_hash = window_event_listener_untyped("hashchange", move |_| {
        route.set(navigation::route_from_location())
    });
    let on_pop = window_event_listener_untyped("popstate", move |_| {
        route.set(navigation::route_from_location())
    });
    let on_key = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.alt_key() || ev.ctrl_key() || ev.meta_key() || is_typing(&ev) {
            return;
        }
        let presenting = presenter.on.get_untracked();
        let forward = match ev.key().as_str() {
            "ArrowRight" => true,
            "ArrowLeft" => false,
            // Presentation clickers send PageDown/PageUp.
            "PageDown" if presenting => true,
            "PageUp" if presenting => false,
            "p" | "P" => {
                presenter.on.update(|on| *on = !*on);
                return;
            }
            "Escape" if presenting => {
                presenter.on.set(false);
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        let section_step = if presenting {
            presenter.step(forward)
        } else {
            Some(if forward { 1 } else { -1 })
        };
        if let Some(step) = section_step {
            go_relative(route, step);
        }
    });
    on_cleanup(move || {
        on_hash.remove();
        on_pop.remove();
        on_key.remove();
    });

    // Only a change of section re-creates the section's view; a change of
    // its settings must not (that would steal focus from the control).
    let slug = Memo::new(move |_| route.with(|r| r.section.clone()));
    let known = Memo::new(move |_| slug.with(|s| s.is_empty() || Section::from_slug(s).is_some()));
    let section =
        Memo::new(move |_| slug.with(|s| Section::from_slug(s).unwrap_or(Section::Welcome)));
    let position = Memo::new(move |_| section.get().index());
    // On a phone the contents are one scrollable row: keep the current
    // section's entry in sight.
    Effect::new(move |_| {
        let slug = section.get().slug();
        request_animation_frame(move || reveal_toc_entry(slug));
    });

    view! {
        <header class="topbar">
            <a class="brand" href="#/welcome">"Attend"</a>
            <span class="tagline">"Transformers and attention, live in your browser"</span>
            <span class="spacer"></span>
            <span class="keys-hint"><kbd>"←"</kbd> " " <kbd>"→"</kbd> " change section"</span>
            <PresenterToggle />
            <ThemeToggle />
        </header>
        <div class="layout">
            <nav class="toc" aria-label="Sections" data-testid="toc">
                <ol>
                    {Section::ALL
                        .into_iter()
                        .enumerate()
                        .map(|(i, s)| {
                            view! {
                                <li>
                                    <a
                                        href=format!("#/{}", s.slug())
                                        data-testid=format!("toc-{}", s.slug())
                                        aria-current=move || (position.get() == i).then_some("page")
                                    >
                                        {s.title()}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </nav>
            <main id="main" data-testid="main" data-section=move || section.get().slug()>
                <Show when=move || !known.get()>
                    <p class="notice" data-testid="route-notice">
                        {move || format!("There is no section called “{}”; showing the first one instead.", slug.get())}
                    </p>
                </Show>
                {move || sections::view_of(section.get())}
                {move || view! {
                    <crate::components::check_yourself::CheckYourself
                        section=section.get().slug()
                        all=crate::lesson::questions::QUESTIONS />
                }}
                <nav class="pager" aria-label="Previous and next section">
                    <button
                        data-testid="prev"
                        disabled=move || position.get() == 0
                        on:click=move |_| go_relative(route, -1)
                    >
                        {move || position.get().checked_sub(1).map(|i| format!("← {}", Section::ALL[i].title())).unwrap_or_else(|| "←".into())}
                    </button>
                    <button
                        data-testid="next"
                        disabled=move || { position.get() + 1 >= Section::ALL.len() }
                        on:click=move |_| go_relative(route, 1)
                    >
                        {move || Section::ALL.get(position.get() + 1).map(|s| format!("{} →", s.title())).unwrap_or_else(|| "→".into())}
                    </button>
                </nav>
            </main>
        </div>
        <PresenterBar position=position sections=Section::ALL.len() />
    }
}

fn go_relative(route: RwSignal<Route>, step: isize) {
    let here = route
        .with_untracked(|r| Section::from_slug(&r.section))
        .unwrap_or(Section::Welcome);
    let next = here.step(step);
    if next != here {
        navigation::navigate(route, Route::new(next.slug()));
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Scrolls the contents row sideways (never the page) so `slug`'s entry is
/// centred; a no-op where the contents are a column.
fn reveal_toc_entry(slug: &str) {
    let document = document();
    let (Ok(Some(list)), Ok(Some(entry))) = (
        document.query_selector("[data-testid=toc] ol"),
        document.query_selector(&format!("[data-testid=toc-{slug}]")),
    ) else {
        return;
    };
    let (Ok(list), Ok(entry)) = (
        list.dyn_into::<web_sys::HtmlElement>(),
        entry.dyn_into::<web_sys::HtmlElement>(),
    ) else {
        return;
    };
    if list.scroll_width() > list.client_width() {
        let centre = entry.offset_left() - list.offset_left() + entry.offset_width() / 2;
        list.set_scroll_left(centre - list.client_width() / 2);
    }
}

/// Arrow keys belong to the control being typed in, not to navigation.
fn is_typing(ev: &web_sys::KeyboardEvent) -> bool {
    let Some(target) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    matches!(target.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || target.has_attribute("contenteditable")
}
