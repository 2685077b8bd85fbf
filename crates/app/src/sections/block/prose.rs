//! The block section's text.

use crate::components::term_link::Term;
use leptos::prelude::*;

#[component]
pub fn Intro() -> impl IntoView {
    view! {
        <div class="prose">
            <p class="lead">"A Transformer is one block repeated: BERT-base stacks 12, the default model in this app 6, today's large language models typically 32 to 80 or more."</p>
            <p>"Think of an office building where every floor does the same two jobs. First the tokens hold a meeting — "
               <Term slug="self-attention">"self-attention"</Term> " — and each one takes notes from the others. "
               "Then everyone goes back to their own desk and thinks alone — the "
               <Term slug="feed-forward-network">"feed-forward network"</Term> ". After each job, what was learned is "
               <em>"added"</em> " to what each token already knew, and tidied up ("
               <Term slug="add-and-norm">"add & norm"</Term> "). Click a box to see what it does."</p>
        </div>
    }
}

#[component]
pub fn Stacks() -> impl IntoView {
    view! {
        <div class="prose">
            <h2>"Encoder and decoder stacks"</h2>
            <p><strong>"Encoder"</strong> ": a stack of the blocks above. It reads the whole input at once and returns one "
               "context-rich vector per token. BERT is only this: every token sees every other, which is why its "
               "attention maps are full squares, not triangles."</p>
            <p><strong>"Decoder"</strong> ": self-attention is "
               <Term slug="causal-mask">"masked"</Term> " so that a token cannot peek at the ones after it, "
               "and the feed-forward network follows — two sub-layers, as in the encoder. A GPT-style "
               "decoder-only model is exactly this. In an encoder–decoder model (the original Transformer, T5, "
               "translation systems) each decoder block has a third sub-layer between the two: "
               <Term slug="cross-attention">"cross-attention"</Term> ", which reads the encoder's output. On top, "
               "a linear layer and a softmax give the probability of every possible next token. Switch the "
               "diagram to “Decoder block” to see the encoder–decoder version with its extra box."</p>
        </div>
    }
}
