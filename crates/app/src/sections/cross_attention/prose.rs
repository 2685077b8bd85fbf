//! The cross-attention section's text.

use crate::components::term_link::Term;
use leptos::prelude::*;

#[component]
pub fn Intro() -> impl IntoView {
    view! {
        <div class="prose">
            <p class="lead">"Self-attention lets the words of one sentence read each other. Cross-attention lets the words being written read another sentence."</p>
            <p>"In a translation model the encoder reads the source sentence once. Then, for each word the decoder is about to write, "
               "its " <Term slug="query">"query"</Term> " is compared with the encoder's "
               <Term slug="key">"keys"</Term> ", and the " <Term slug="softmax">"softmax"</Term>
               " of those scores decides how much of each source word's " <Term slug="value">"value"</Term>
               " flows into it. Same formula as before — softmax(QKᵀ/√d)·V — but Q comes from one sequence and K, V from the other, "
               "so the matrix is no longer square: one row per target word, one column per source word."</p>
        </div>
    }
}

#[component]
pub fn After() -> impl IntoView {
    view! {
        <div class="prose">
            <h2>"What to notice"</h2>
            <ul>
                <li>"The order changes: “noir” attends to “black” although they sit in different places. Attention does not care about distance."</li>
                <li>"Not one-to-one: articles and adjectives also look at their noun, whose gender decides their form."</li>
                <li>"Sharpness 0 gives equal weights everywhere: every target word receives the same average of the whole source, so it can no longer tell which source word matters. Trained models are sharp but rarely one-hot."</li>
                <li>"The decoder also has masked self-attention over the words it has written so far (see "
                    <a href="#/masking">"masking"</a> "); cross-attention itself needs no mask, because the whole source is known."</li>
            </ul>
        </div>
    }
}
