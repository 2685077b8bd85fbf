//! The words of the multi-head section.

use crate::components::term_link::Term;
use leptos::prelude::*;

#[component]
pub fn Intro() -> impl IntoView {
    view! {
        <div class="prose">
            <p class="lead">
                "One attention pattern per word is one opinion about the sentence. A Transformer "
                "asks several at once."
            </p>
            <p>
                "A "<Term slug="multi-head-attention">"multi-head attention"</Term>" layer runs the calculation of the previous section several "
                "times side by side. Each run, called a "<Term slug="attention-head">"head"</Term>", has its own three weight matrices, so "
                "it builds its own "<Term slug="query">"queries"</Term>", "<Term slug="key">"keys"</Term>" and "<Term slug="value">"values"</Term>" from the same words and arrives at its "
                "own weights. The heads do not talk to each other while they work."
            </p>
            <h2>"A panel of specialists"</h2>
            <p>
                "Picture a manuscript handed to a review panel. The grammarian marks which verb "
                "belongs to which subject; the fact-checker links every “it” and “she” to the "
                "person meant; a third reviewer only cares about the words right next to each "
                "other. Each writes a short report on every word, and an editor merges the reports "
                "into one. In a trained model the heads drift into roles like these because "
                "splitting the work pays off; nobody assigns them. With the random weights here "
                "the heads simply differ, which is already enough to see that they disagree."
            </p>
        </div>
    }
}

#[component]
pub fn Combine() -> impl IntoView {
    view! {
        <div class="prose">
            <h2>"Merging the reports: concatenate, then W_o"</h2>
            <p>
                "Each head produces a short vector per word. These are laid end to end "
                "(concatenated) into one long vector, and a last weight matrix W_o mixes them, so "
                "that what one head found can flow into every dimension of the result. The output "
                "has the same width as the input, which lets the next layer stack on top."
            </p>
            <p>
                "Real models keep the total width fixed and divide it among the heads: "<Term slug="bert">"BERT"</Term>"-base "
                "has 768 dimensions and 12 heads of 64. The toy here gives every head 4 dimensions "
                "instead, so that any number of heads works; d_model is 4 × heads."
            </p>
        </div>
    }
}
