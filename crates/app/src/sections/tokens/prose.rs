//! The words of the tokenizer section.

use crate::components::term_link::Term;
use leptos::prelude::*;

#[component]
pub fn Intro() -> impl IntoView {
    view! {
        <div class="prose">
            <p class="lead">
                "A Transformer never sees letters or words. A "<Term slug="tokenizer">"tokenizer"</Term>
                " first cuts the text into pieces from a fixed vocabulary and replaces each piece by "
                "its number; every attention map in this app is drawn over these pieces."
            </p>
            <p>
                "The strip below is the loaded model's own tokenizer at work, on whatever you type. "
                "Each chip is one piece with its id underneath; hover a chip for its sentence and "
                "what kind of piece it is. Try a rare word, a name, an emoji, or a second sentence."
            </p>
        </div>
    }
}

#[component]
pub fn Why() -> impl IntoView {
    view! {
        <div class="prose">
            <h2>"How WordPiece cuts a word"</h2>
            <p>
                "BERT's tokenizer (WordPiece) works in three steps. It normalises the text — the "
                "uncased models lower-case it and strip accents, so “Café” and “cafe” are the same — "
                "then splits it at spaces and around every punctuation mark. Each word is then "
                "spelled from the vocabulary greedily: the longest piece that starts the word, then "
                "the longest piece that continues it, and so on. Pieces that continue a word are "
                "written with a leading “##”. The vocabulary of bert-base-uncased and MiniLM has "
                "30,522 entries, so frequent words are a single piece and rare ones are spelled "
                "from smaller parts that the model has seen often."
            </p>
            <p>
                "When a word cannot be spelled from the vocabulary at all (a character it has never "
                "seen, most emoji, or a “word” of more than 100 characters), the whole word becomes "
                "[UNK], the unknown token; the model learns nothing about what it was."
            </p>
            <h2>"The tokens nobody typed"</h2>
            <p>
                "[CLS] opens every input; in BERT's pre-training its final vector was used to "
                "classify the whole input, which is why so many heads attend to it. [SEP] closes each "
                "sentence. With a second sentence the input is [CLS] A [SEP] B [SEP], and every "
                "piece carries a token type: 0 for the first sentence (and [CLS]), 1 for the "
                "second. The model adds a learned vector for each type to the piece's embedding, "
                "which is how it tells question from passage, or premise from hypothesis."
            </p>
            <h2>"A length limit"</h2>
            <p>
                "BERT-style models have one learned position vector per place, 512 of them, so "
                "they cannot read more than 512 pieces at once — special tokens included. Longer "
                "input is truncated: pieces are dropped from the end, from the longer of the two "
                "sentences first. Raise “Repeat” until the count above reaches the limit to see it. "
                "Long documents are therefore read in overlapping windows, or by models trained "
                "with more positions."
            </p>
        </div>
    }
}
