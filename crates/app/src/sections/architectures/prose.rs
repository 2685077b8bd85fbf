//! The architectures section's text and the three family cards.

use crate::components::term_link::Term;
use leptos::prelude::*;

/// A tiny attention mask drawn in CSS: who may look at whom.
#[component]
fn MaskThumb(causal: bool, label: &'static str) -> impl IntoView {
    const N: usize = 5;
    view! {
        <div class="mask-thumb" role="img" aria-label=label>
            {(0..N * N).map(|i| {
                let (q, k) = (i / N, i % N);
                let seen = !causal || k <= q;
                view! { <span class=if seen { "on" } else { "off" }></span> }
            }).collect_view()}
        </div>
    }
}

#[component]
pub fn Families() -> impl IntoView {
    view! {
        <div class="arch-cards" data-testid="arch-cards">
            <section class="arch-card" data-testid="arch-encoder">
                <h3>"Encoder-only"</h3>
                <p class="arch-flow">"text → [encoder × N] → one vector per token"</p>
                <MaskThumb causal=false label="Every token sees every token" />
                <p>"Reads everything at once, both directions. Built to understand, not to write."</p>
                <p><strong>"Examples: "</strong>"BERT, RoBERTa, MiniLM (the model in this app)."</p>
                <p><strong>"Used for: "</strong>"classifying text, finding names and places, extracting answers, search and similarity (try it below)."</p>
            </section>
            <section class="arch-card" data-testid="arch-decoder">
                <h3>"Decoder-only"</h3>
                <p class="arch-flow">"prompt → [masked decoder × N] → next token, again and again"</p>
                <MaskThumb causal=true label="Each token sees only itself and earlier tokens" />
                <p>"Each token sees only the ones before it, so the model can be trained to predict the next one — and then generate text word by word."</p>
                <p><strong>"Examples: "</strong>"GPT-2 and GPT-3, LLaMA, Mistral (published decoder-only designs)."</p>
                <p><strong>"Used for: "</strong>"chat assistants, writing, code completion, summaries written from scratch."</p>
            </section>
            <section class="arch-card" data-testid="arch-encoder-decoder">
                <h3>"Encoder-decoder"</h3>
                <p class="arch-flow">"source → [encoder] ⇢ cross-attention ⇢ [decoder] → target"</p>
                <div class="mask-pair">
                    <MaskThumb causal=false label="The encoder reads the source in both directions" />
                    <MaskThumb causal=true label="The decoder writes left to right" />
                </div>
                <p>"The original 2017 Transformer: an encoder reads the source, a decoder writes the output while "
                   <a href="#/cross-attention">"cross-attending"</a> " to it."</p>
                <p><strong>"Examples: "</strong>"the original Transformer, T5, BART, Whisper (speech → text)."</p>
                <p><strong>"Used for: "</strong>"translation, summarisation, speech recognition — turning one sequence into another."</p>
            </section>
        </div>
    }
}

#[component]
pub fn Intro() -> impl IntoView {
    view! {
        <div class="prose">
            <p class="lead">"The same blocks, assembled three ways. What differs is who may attend to whom."</p>
            <p>"Each card shows its attention " <Term slug="causal-mask">"mask"</Term>
               " as a small grid: rows are tokens asking, columns tokens being looked at; a filled square means “allowed”."</p>
        </div>
    }
}

#[component]
pub fn SimilarityIntro() -> impl IntoView {
    view! {
        <div class="prose">
            <h2>"Try an encoder: which sentences mean the same?"</h2>
            <p>"An encoder turns a sentence into vectors; averaging them gives one "
               <Term slug="sentence-embedding">"sentence embedding"</Term>
               ". Sentences with similar meaning point in similar directions, so the "
               <Term slug="cosine-similarity">"cosine"</Term> " of the angle between them measures similarity. "
               "Compare it with simply counting shared words, pair by pair:"</p>
            <ul>
                <li>"S1 and S2 say the same thing in other words: only “the” and “on” are shared, yet the "
                    "model puts them closer than word counting does."</li>
                <li>"S3 and S4 share every word, so word counting calls them identical. The model scores "
                    "them a little lower, but still very high: averaging the token vectors into one keeps "
                    "little of the word order, even though each token's vector was computed in context. "
                    "Who bit whom is exactly what such a summary blurs — tasks that need it use the "
                    "per-token vectors, or a model trained on pairs like these."</li>
                <li>"S5 and S6 share “bank” but not its meaning: the model keeps them apart."</li>
            </ul>
        </div>
    }
}
