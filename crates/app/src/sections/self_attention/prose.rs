//! The words of the self-attention section.

use crate::components::term_link::Term;
use leptos::prelude::*;

#[component]
pub fn Intro() -> impl IntoView {
    view! {
        <div class="prose">
            <p class="lead">
                "Read “The animal didn't cross the street because it was tired” and ask: who was "
                "tired? You answer without effort, because while reading “it” you glanced back at "
                "the nouns before it and picked the one that fits."
            </p>
            <p>
                <Term slug="self-attention">"Self-attention"</Term>" gives every word of a sentence that same move. When the model "
                "works on one word, it looks at all the words of the same sentence, itself "
                "included, decides how relevant each one is, and blends their information into a "
                "new vector for the word. Every word does this at the same time, which is why a "
                "Transformer needs no reading order."
            </p>
            <h2>"Three vectors per word"</h2>
            <p>
                "Each word vector (with its position code added) is multiplied by three weight "
                "matrices, giving three new vectors with three different jobs:"
            </p>
            <ul>
                <li><strong><Term slug="query">"Query q"</Term></strong>" – what this word is looking for (“I am a pronoun; "
                    "which noun do I stand for?”)."</li>
                <li><strong><Term slug="key">"Key k"</Term></strong>" – how this word can be found (“I am a noun, an "
                    "animate thing”)."</li>
                <li><strong><Term slug="value">"Value v"</Term></strong>" – what this word hands over once it is chosen."</li>
            </ul>
            <p>
                "Think of a card catalogue: you write your question on a slip (query), compare it "
                "with the label of every drawer (keys), and take home the contents of the drawers "
                "that match best (values), more of the better matches."
            </p>
            <p class="notice" role="note">
                "The weights here are drawn at random from a seed, not learned, and the word "
                "vectors are random too. The numbers therefore show how the calculation works, not "
                "what a trained model would decide about “it”. Press Reseed to see that the pattern "
                "changes with the weights; the section “Attention, live” shows a trained model."
            </p>
        </div>
    }
}

#[component]
pub fn Steps() -> impl IntoView {
    view! {
        <div class="prose">
            <h2>"The calculation, step by step"</h2>
            <ol>
                <li>
                    <strong>"Scores."</strong>" The focus word's query is compared with every key by "
                    "a "<Term slug="dot-product">"dot product"</Term>": large when the two vectors point the same way. The result is "
                    "divided by "<Term slug="scaled-dot-product">"√d_k"</Term>", the square root of the key width, so that wider vectors do "
                    "not produce ever larger scores."
                </li>
                <li>
                    <strong><Term slug="softmax">"Softmax"</Term>"."</strong>" The scores become weights: each is exponentiated "
                    "and divided by the total, so all weights are positive and add up to 1. "
                    "Bigger scores win more than proportionally."
                </li>
                <li>
                    <strong>"Weighted sum."</strong>" Each value vector is scaled by its weight and "
                    "the scaled vectors are added. The sum is the new vector of the focus word: "
                    "mostly made of the words it attends to."
                </li>
            </ol>
            <p>
                "All queries at once is one matrix formula. The bars below show one row of it, the "
                "row of the word you picked."
            </p>
        </div>
    }
}

#[component]
pub fn Outro() -> impl IntoView {
    view! {
        <div class="prose">
            <h2>"What training adds"</h2>
            <p>
                "Nothing in the calculation knows about pronouns. A trained model has adjusted the "
                "three weight matrices over millions of sentences until queries of words like “it” "
                "line up with keys of the nouns they refer to. The mechanism you see here stays "
                "exactly the same; only the numbers inside the matrices change."
            </p>
        </div>
    }
}
