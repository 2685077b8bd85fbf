//! The glossary: every term the lesson uses, searchable; sections link
//! their terms here with `components::term_link::Term`.

pub mod state;
pub mod terms;

use crate::lesson::Section;
use crate::platform::section_state::{Notices, SectionState};
use leptos::prelude::*;
use state::GlossaryState;
use terms::GlossaryTerm;

#[component]
pub fn GlossarySection() -> impl IntoView {
    let section = SectionState::<GlossaryState>::from_url();
    let (state, notices) = (section.state, section.notices);
    let total = terms::TERMS.len();

    let visible = Memo::new(move |_| state.with(|s| terms::search(&s.q)));
    let highlighted = Memo::new(move |_| state.with(|s| s.term));

    // Bring the highlighted entry into view once it is on the page; a later
    // valid entry link also retires the notice of an earlier bad one.
    Effect::new(move |prev: Option<Option<&'static str>>| {
        let current = highlighted.get();
        if let Some(slug) = current {
            if prev.is_some() {
                notices.set(vec![]);
            }
            request_animation_frame(move || scroll_to_entry(slug));
        }
        current
    });

    let on_search = move |ev| {
        let q = event_target_value(&ev);
        section.set_params(vec![
            ("q", Some(q).filter(|q| !q.is_empty())),
            ("term", None),
        ]);
    };
    let clear = move |_| section.set_params(vec![("q", None)]);

    view! {
        <article data-testid="section-glossary" class="glossary">
            <h1>{Section::Glossary.heading()}</h1>
            <div class="prose">
                <p class="lead">
                    "The words this lesson leans on, each explained in a few plain sentences. "
                    "Underlined words in the other sections lead here; the links under each "
                    "entry lead back to where the idea is shown."
                </p>
            </div>
            <div class="glossary-search" role="search">
                <label for="glossary-search-input">"Search the glossary"</label>
                <input
                    id="glossary-search-input"
                    type="search"
                    data-testid="glossary-search"
                    placeholder="e.g. softmax, mask, BERT"
                    autocomplete="off"
                    spellcheck="false"
                    maxlength=state::MAX_QUERY_CHARS.to_string()
                    prop:value=move || state.with(|s| s.q.clone())
                    on:input=on_search
                />
            </div>
            <Notices notices=notices testid="glossary-notices" />
            <p
                class="glossary-count"
                data-testid="glossary-count"
                data-count=move || visible.with(Vec::len).to_string()
                aria-live="polite"
            >
                {move || {
                    let n = visible.with(Vec::len);
                    format!("{n} of {total} terms")
                }}
            </p>
            <Show when=move || visible.with(Vec::is_empty)>
                <p class="glossary-empty" data-testid="glossary-empty">
                    {move || {
                        let q = state.with(|s| s.q.trim().to_string());
                        format!("No term matches “{q}”. Try a shorter word or another spelling. ")
                    }}
                    <button type="button" class="glossary-clear" on:click=clear>"Show all terms"</button>
                </p>
            </Show>
            <dl class="glossary-list">
                {move || {
                    let current = highlighted.get();
                    let q = state.with(|s| s.q.clone());
                    visible
                        .get()
                        .into_iter()
                        .map(|t| entry(t, current == Some(t.slug), &q))
                        .collect_view()
                }}
            </dl>
        </article>
    }
}

/// One entry: the term (a link to itself, for sharing), its definition and
/// the sections that show it.
fn entry(t: &'static GlossaryTerm, current: bool, q: &str) -> impl IntoView {
    let self_link = GlossaryState {
        q: q.to_string(),
        term: Some(t.slug),
    }
    .to_route()
    .to_hash();
    let used_in = t
        .sections
        .iter()
        .filter_map(|slug| Section::from_slug(slug))
        .map(|s| view! { <li><a href=format!("#/{}", s.slug())>{s.title()}</a></li> })
        .collect_view();
    view! {
        <div
            class="glossary-entry"
            data-testid="glossary-entry"
            data-slug=t.slug
            aria-current=current.then_some("true")
        >
            <dt>
                <a class="glossary-term" href=self_link title="Link to this entry">{t.term}</a>
            </dt>
            <dd>
                <p>{t.definition}</p>
                <div class="glossary-used">
                    <span>"Shown in:"</span>
                    <ul>{used_in}</ul>
                </div>
            </dd>
        </div>
    }
}

fn scroll_to_entry(slug: &str) {
    let selector = format!("[data-testid=\"glossary-entry\"][data-slug=\"{slug}\"]");
    if let Ok(Some(el)) = document().query_selector(&selector) {
        el.scroll_into_view();
    }
}
