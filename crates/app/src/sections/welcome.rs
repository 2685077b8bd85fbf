//! The opening page: what the app is and how to move around it.

use crate::lesson::Section;
use leptos::prelude::*;

#[component]
pub fn Welcome() -> impl IntoView {
    view! {
        <article class="prose" data-testid="section-welcome">
            <h1>"Transformers and attention, live"</h1>
            <p class="lead">
                "A Transformer reads a whole sentence at once and lets every word look at every other "
                "word to decide what it means here. This app takes that idea apart one piece at a "
                "time, with charts you can poke at."
            </p>
            <p>
                "Everything runs inside this page: the maths, the charts and, in the attention "
                "sections, a real BERT language model. There is no server behind it, and once the "
                "page has loaded it keeps working without a network."
            </p>
            <h2>"Getting around"</h2>
            <ul>
                <li>"Pick a section on the left, or press " <kbd>"→"</kbd> " and " <kbd>"←"</kbd> " to step through them."</li>
                <li>"Every control is remembered in the address bar: copy the link to share exactly what you see."</li>
                <li>"Point at any chart to read the exact number under the cursor."</li>
            </ul>
            <h2>"Sections"</h2>
            <ol>
                {Section::ALL
                    .into_iter()
                    .skip(1)
                    .map(|s| view! { <li><a href=format!("#/{}", s.slug())>{s.title()}</a></li> })
                    .collect_view()}
            </ol>
        </article>
    }
}
