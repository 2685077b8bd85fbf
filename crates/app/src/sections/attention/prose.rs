//! The words of the live attention section.

use leptos::prelude::*;

#[component]
pub fn Intro() -> impl IntoView {
    view! {
        <div class="prose">
            <p class="lead">
                "Type a sentence and watch a real BERT model read it. The model runs inside this "
                "page, in a background worker, so the maps follow your typing."
            </p>
            <p>
                "Each map is one attention head. A row belongs to one word piece, the "
                <em>"query"</em>": it shows how that word spreads one unit of attention over all "
                "the word pieces, the "<em>"keys"</em>". Every row sums to 1. Bright cells are where "
                "that head looked when it rebuilt the word's vector."
            </p>
            <p>
                "BERT reads in both directions. Every word may look at every other word, before and "
                "after it, so the whole square is filled: there is no causal mask here. (A causal "
                "mask belongs to decoder models such as GPT, which must not peek at the words they "
                "are about to write.)"
            </p>
        </div>
    }
}

#[component]
pub fn Reading() -> impl IntoView {
    view! {
        <div class="prose">
            <h2>"Reading the maps with care"</h2>
            <p>
                <strong>"[CLS] and [SEP] soak up attention. "</strong>
                "Many heads send most of every row to [SEP] or [CLS]. That is often a head with "
                "nothing useful to do for this input: the special tokens act as a place to park "
                "attention. Hide them (the rows are then renormalised over the real words) to see "
                "what is left."
            </p>
            <p>
                <strong>"Heads specialise. "</strong>
                "Some heads look at the previous or next word, some at the word itself, some spread "
                "evenly; a few follow grammar, such as a verb finding its object or a pronoun its "
                "noun. The list above measures each head and points at the less obvious ones."
            </p>
            <p>
                <strong>"Rollout "</strong>
                "multiplies the layers' mean maps (adding the residual connection as an identity) "
                "to estimate how much each input word feeds each output position after all layers."
            </p>
            <p>
                <strong>"Attention is not an explanation by itself. "</strong>
                "A weight says where a head looked, not what it took from there or whether that "
                "mattered for the answer: value vectors, the feed-forward layers and the residual "
                "stream all change the picture, and different weights can give the same output. "
                "Treat the maps as clues to test, not as proof."
            </p>
        </div>
    }
}
