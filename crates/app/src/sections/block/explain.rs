//! What each box of the block diagram does, in a few sentences.

use super::state::{BlockSizes, Part, Stack};
use crate::components::term_link::Term;
use leptos::prelude::*;

/// The explanation of `part` with this model's sizes filled in.
pub fn explanation(part: Part, stack: Stack, sizes: BlockSizes, tokens: usize) -> AnyView {
    let d = sizes.d_model;
    let shape = format!("{tokens} × {d}");
    match part {
        Part::Input => view! {
            <p>"Each token becomes a vector of " {d} " numbers: a learned "
               <Term slug="embedding">"embedding"</Term> " for the word piece plus one for its position. "
               "For your sentence that is a " <code>{shape}</code> " table — the start of the "
               <Term slug="residual-connection">"residual stream"</Term> "."</p>
        }.into_any(),
        Part::SelfAttention => {
            let masked = stack == Stack::Decoder;
            view! {
                <p>{sizes.heads} " heads each project every token to a query, a key and a value of "
                   {sizes.d_head()} " numbers, compare all queries with all keys, and mix the values by the "
                   <Term slug="softmax">"softmax"</Term> " weights. The heads' outputs are concatenated back to "
                   {d} " numbers and mixed by W_o. "
                   {if masked {
                       "In a decoder a causal mask hides the tokens to the right: while generating, they do not exist yet."
                   } else {
                       "In an encoder such as BERT nothing is hidden: every token sees the whole sentence, left and right."
                   }}</p>
            }.into_any()
        }
        Part::CrossAttention => view! {
            <p>"The decoder's tokens ask the questions (queries); the encoder's final vectors answer (keys and values). "
               "This is how a translation model looks back at the source sentence. See "
               <a href="#/cross-attention">"cross-attention"</a> "."</p>
        }.into_any(),
        Part::AddNorm1 | Part::AddNorm2 | Part::AddNormLast => view! {
            <p>"Add: the sub-layer's output is " <em>"added"</em> " to its input, so the layer only has to learn a "
               "correction and the original signal always gets through — deep stacks train because of this shortcut. "
               "Norm: " <Term slug="layer-normalization">"layer normalization"</Term>
               " rescales each token's " {d} " numbers to mean 0 and variance 1, then applies a learned scale and shift."</p>
        }.into_any(),
        Part::FeedForward => view! {
            <p>"The same small two-layer network is applied to every token separately: "
               {d} " → " {sizes.d_ff} " numbers, a bend — "
               {if stack == Stack::Decoder {
                   "ReLU in the original Transformer, GELU in BERT and GPT"
               } else {
                   "GELU in BERT"
               }}
               " (see " <Term slug="gelu">"GELU"</Term> ") — and back to " {d}
               ". Attention moved information between tokens; this step works on what each token now holds. "
               "It holds two thirds of the block's parameters."</p>
        }.into_any(),
        Part::Output => view! {
            <p>"Out comes a table of exactly the same shape, " <code>{shape}</code>
               ", which is why blocks can be stacked: this one feeds the next, " {sizes.layers}
               " times in this model."</p>
        }.into_any(),
    }
}
