//! Glossary term links in running text.

use leptos::prelude::*;

/// A word in running text that links to its glossary entry
/// (`#/glossary?term=<slug>`), so a student can look it up and come back.
#[component]
pub fn Term(slug: &'static str, children: Children) -> impl IntoView {
    view! {
        <a class="term" href=format!("#/glossary?term={slug}") data-term=slug title="Look this up in the glossary">
            {children()}
        </a>
    }
}
