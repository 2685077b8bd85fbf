//! The words of the "Attention is blind to order" section.

use crate::components::term_link::Term;
use leptos::prelude::*;

#[component]
pub fn Intro() -> impl IntoView {
    view! {
        <div class="prose">
            <p class="lead">
                "Self-attention compares every word with every other word, but nothing in that "
                "comparison says where a word stands. Shuffle the input and the outputs are "
                "shuffled the same way — each word's own output does not change at all."
            </p>
            <p>
                "Below, one toy attention head (random weights, 16-wide word vectors, no training) "
                "reads a sentence and the same words in another order. With the default example "
                "the two sentences mean opposite things. Leave the "<Term slug="positional-encoding">"position codes"</Term>
                " out and compare the two output charts; then add them and compare again."
            </p>
        </div>
    }
}

#[component]
pub fn Why() -> impl IntoView {
    view! {
        <div class="prose">
            <h2>"Why the outputs cannot change"</h2>
            <p>
                "A word's query meets every key, and the "<Term slug="softmax">"softmax"</Term>
                " turns the scores into weights for the values. The score of two words depends only "
                "on their two vectors. Move the words around and each word still meets the same "
                "keys with the same scores; only the order in which the sums are added changes, so "
                "the output is the same up to rounding. Mathematicians call this permutation "
                "equivariance: permute the inputs and the outputs are permuted the same way."
            </p>
            <p>
                "It also means that two copies of a word (the two “the”s) get identical outputs, and "
                "that any summary built by averaging the outputs is identical for every order of the "
                "words. For such a model “the dog bit the man” and “the man bit the dog” are the "
                "same sentence."
            </p>
            <h2>"How Transformers get order back"</h2>
            <p>
                "Adding a position code to each word vector makes the input at position 2 different "
                "from the same word at position 5, so queries and keys — and with them the scores — "
                "now depend on where the words stand. The original Transformer adds the fixed "
                "sinusoidal codes of the positional-encoding section; BERT learns one vector per "
                "position during training instead; later models rotate queries and keys by an angle "
                "that grows with the position (RoPE) or add a distance-dependent bias to the scores. "
                "Every one of them exists because attention alone treats its input as a set."
            </p>
            <p>
                "A causal mask is a partial exception: a decoder's word only sees the words before "
                "it, which leaks some order information even without position codes. BERT's "
                "attention is bidirectional, so it relies entirely on its position embeddings."
            </p>
        </div>
    }
}
