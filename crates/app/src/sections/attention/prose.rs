//! The words of the live attention section.

use crate::components::term_link::Term;
use leptos::prelude::*;

#[component]
pub fn Intro() -> impl IntoView {
    view! {
        <div class="prose">
            <p class="lead">
                "Type a sentence and watch a real "<Term slug="bert">"BERT"</Term>" model read it. The model runs inside this "
                "page, in a background worker, so the maps follow your typing."
            </p>
            <p>
                "Each map is one "<Term slug="attention-head">"attention head"</Term>". A row belongs to one "<Term slug="word-piece">"word piece"</Term>", the "
                <em><Term slug="query">"query"</Term></em>": it shows how that word spreads one unit of attention over all "
                "the word pieces, the "<em><Term slug="key">"keys"</Term></em>". Every row sums to 1. Bright cells are where "
                "that head looked when it rebuilt the word's vector."
            </p>
            <p>
                "BERT reads in both directions. Every word may look at every other word, before and "
                "after it, so the whole square is filled: there is no "<Term slug="causal-mask">"causal mask"</Term>" here. (A causal "
                "mask belongs to decoder models such as "<Term slug="gpt">"GPT"</Term>", which must not peek at the words they "
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
                <strong><Term slug="cls-token">"[CLS]"</Term>" and "<Term slug="sep-token">"[SEP]"</Term>" soak up attention. "</strong>
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
                <strong><Term slug="attention-rollout">"Rollout"</Term>" "</strong>
                "multiplies the layers' mean maps (adding the "<Term slug="residual-connection">"residual connection"</Term>" as an identity) "
                "to estimate how much each input word feeds each output position after all layers."
            </p>
            <p>
                <strong>"Attention is not an explanation by itself. "</strong>
                "A weight says where a head looked, not what it took from there or whether that "
                "mattered for the answer: "<Term slug="value">"value"</Term>" vectors, the "<Term slug="feed-forward-network">"feed-forward layers"</Term>" and the residual "
                "stream all change the picture, and different weights can give the same output. "
                "Treat the maps as clues to test, not as proof."
            </p>
        </div>
    }
}
