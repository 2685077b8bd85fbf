//! The words of the masking section.

use crate::components::term_link::Term;
use leptos::prelude::*;

#[component]
pub fn Intro() -> impl IntoView {
    view! {
        <div class="prose">
            <p class="lead">
                "Sometimes a word must not look at every other word. A mask says which scores to "
                "ignore, and it does so in the bluntest way possible: it replaces them by minus "
                "infinity."
            </p>
            <p>
                "Why −∞ and not 0? The mask is applied to the scores, before the "<Term slug="softmax">"softmax"</Term>". A score "
                "of 0 is an ordinary score and would still get a fair share of the weight. But "
                "e^(−∞) is exactly 0, so a masked position ends up with weight 0 and the remaining "
                "weights still add up to 1. The three matrices below show the scores, the scores "
                "after masking, and the softmax of each row."
            </p>
        </div>
    }
}

#[component]
pub fn Kinds() -> impl IntoView {
    view! {
        <div class="prose">
            <h2>"Causal masks: no reading ahead"</h2>
            <p>
                "A model that writes text, such as "<Term slug="gpt">"GPT"</Term>", produces one word after another. During "
                "training it sees whole sentences, yet the prediction for position 5 must not use "
                "words 6, 7, … – at generation time they do not exist yet. The "<Term slug="causal-mask">"causal (look-ahead) "
                "mask"</Term>" therefore hides everything above the diagonal: row i, the query of word i, "
                "keeps only keys 0 … i. The first word can attend only to itself, so its row is a "
                "single 1. The "<Term slug="decoder">"decoder"</Term>" of the original Transformer uses the same mask."
            </p>
            <h2>"Padding masks: rectangular batches"</h2>
            <p>
                "For speed, sentences are processed in batches, and a batch is a rectangle: shorter "
                "sentences are filled up with [PAD] tokens to the length of the longest. Those "
                "fillers mean nothing, so the "<Term slug="padding-mask">"padding mask"</Term>" hides their columns: no real word may "
                "take information from a [PAD]. The rows of the [PAD] positions are still computed "
                "but thrown away later."
            </p>
            <p>
                <strong><Term slug="bert">"BERT"</Term>" uses only a padding mask."</strong>" It is an "<Term slug="encoder">"encoder"</Term>": it reads the "
                "whole sentence in both directions at once, so every word may look at words to its "
                "left and to its right. That is what makes it good at understanding a sentence "
                "(and unable to generate one word at a time). The heatmaps of the section "
                "“Attention, live” therefore have no empty upper triangle."
            </p>
            <h2>"Both at once"</h2>
            <p>
                "A decoder trained on a padded batch needs both rules: nothing from the future and "
                "nothing from padding. The masks simply add up – a cell is hidden when either rule "
                "hides it."
            </p>
        </div>
    }
}
