//! The closing sections: what makes Transformers powerful, and their impact.

pub mod links;

use crate::components::term_link::Term;
use crate::lesson::Section;
use leptos::prelude::*;
use links::{try_links, IDEAS};

fn title_of(slug: &str) -> &'static str {
    Section::from_slug(slug).map_or("", Section::title)
}

#[component]
pub fn PowerfulSection() -> impl IntoView {
    view! {
        <article data-testid="section-powerful">
            <h1>{Section::Powerful.heading()}</h1>
            <div class="prose">
                <p class="lead">
                    "No single trick makes a Transformer work. Six ideas, each simple on its own, "
                    "fit together, and every one of them has a page in this app where you can "
                    "try it out."
                </p>
            </div>
            <ol class="idea-cards">
                {IDEAS
                    .iter()
                    .enumerate()
                    .map(|(i, idea)| {
                        view! {
                            <li class="idea-card" data-testid="powerful-card" data-section=idea.section>
                                <h2><span class="idea-number" aria-hidden="true">{i + 1}</span>{idea.title}</h2>
                                <p>{idea.body}</p>
                                <a class="idea-link" href=format!("#/{}", idea.section)>
                                    {format!("See it in “{}” →", title_of(idea.section))}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            <div class="prose">
                <h2>"What it costs, and where it stops"</h2>
                <p>
                    <strong>"Attention grows with the square of the length. "</strong>
                    "Every word scores every other word, so T words need T × T scores, in every "
                    <Term slug="attention-head">"head"</Term>" of every "<Term slug="layer">"layer"</Term>
                    ". Double the text and the work and memory for attention roughly quadruple. "
                    "At 512 word pieces that is 262,144 scores per head; BERT-base, with 12 layers "
                    "of 12 heads, computes about 38 million of them for a single input."
                </p>
                <p>
                    "You can feel this in "<a href="#/attention">"“"{title_of("attention")}"”"</a>": "
                    "each map is a T × T grid, so a sentence twice as long gives maps with four "
                    "times as many cells."
                </p>
                <p>
                    <strong>"The context window is fixed. "</strong>
                    "A model takes in only so many "<Term slug="token">"tokens"</Term>" at a time: "
                    "BERT has position vectors for 512 slots and nothing beyond. Longer texts must be "
                    "cut or split into pieces, and the live model in this app drops the word pieces "
                    "that do not fit (and says so). Newer models stretch the "
                    <Term slug="context-window">"context window"</Term>" much further with cheaper "
                    "variants of attention, but the square never goes away for free."
                </p>
                <p>
                    <strong>"They learn what the data shows them. "</strong>
                    "Pretraining takes huge amounts of text and computing power. A model picks up "
                    "the patterns of its data, biases included, and a fluent answer is not "
                    "necessarily a correct one."
                </p>
                <p>
                    <strong>"Attention maps are clues, not explanations. "</strong>
                    "They show where a head looked, not what it took from there or whether that "
                    "mattered to the result."
                </p>
            </div>
        </article>
    }
}

/// Where Transformers went after translation.
const USES: [(&str, &str); 7] = [
    (
        "Translation",
        "The job the Transformer was invented for. Online translation services moved to \
         Transformer-based models, which cope better with long sentences and with languages \
         that order their words differently.",
    ),
    (
        "Search",
        "Encoders such as BERT help search engines understand what a query means rather than \
         just matching its words. Sentence embeddings let a search find passages that say the \
         same thing in different words.",
    ),
    (
        "Summaries and answers",
        "Encoder–decoder and decoder models condense long documents and answer questions about \
         a text, or write the answer in their own words.",
    ),
    (
        "Writing and code",
        "GPT-style decoders, trained to predict the next token, write text, hold conversations \
         and, trained on source code as well, complete and explain programs.",
    ),
    (
        "Images",
        "A Vision Transformer (ViT) cuts a picture into small square patches and treats each \
         patch as a token. Attention then relates distant parts of the image directly.",
    ),
    (
        "Speech and sound",
        "Audio can be cut into short frames and treated as a sequence too, so speech \
         recognition and generation use the same machinery.",
    ),
    (
        "Biology",
        "Proteins are sequences of amino acids. Protein language models read them like \
         sentences, and attention-based networks such as AlphaFold 2 predict how a protein \
         folds into its 3-D shape.",
    ),
];

/// The lesson in one breath: each step and the section that shows it.
const RECAP: [(&str, &str); 7] = [
    (
        "The text is split into tokens, and each token is looked up as an embedding.",
        "attention",
    ),
    (
        "A positional encoding is added, so the order of the words is not lost.",
        "positional",
    ),
    (
        "Self-attention lets every token gather information from every other token.",
        "self-attention",
    ),
    (
        "Several heads do this side by side and their findings are merged.",
        "multi-head",
    ),
    (
        "A feed-forward network, residual connections and layer normalization complete \
         the block, and blocks are stacked.",
        "block",
    ),
    (
        "Masks decide who may look at whom: decoders must not peek ahead.",
        "masking",
    ),
    (
        "Encoders, decoders and cross-attention combine into BERT, GPT and translators.",
        "architectures",
    ),
];

#[component]
pub fn ImpactSection() -> impl IntoView {
    view! {
        <article data-testid="section-impact">
            <h1>{Section::Impact.heading()}</h1>
            <div class="prose">
                <p class="lead">
                    "In 2017 the Transformer was a new design for translating sentences. Within a "
                    "few years it had become the standard building block of language technology, "
                    "and then spread far beyond language."
                </p>
                <h2>"Where Transformers went"</h2>
            </div>
            <ul class="use-cards">
                {USES
                    .iter()
                    .map(|(title, body)| view! {
                        <li class="use-card" data-testid="impact-use"><h3>{*title}</h3><p>{*body}</p></li>
                    })
                    .collect_view()}
            </ul>
            <div class="prose">
                <h2>"Learn once, reuse many times"</h2>
                <p>
                    "Most of this success rests on "<Term slug="fine-tuning">"transfer learning"</Term>
                    ". First a model is "<strong>"pretrained"</strong>" on an enormous amount of "
                    "ordinary text with a task that needs no human labels: "
                    <Term slug="bert">"BERT"</Term>" fills in words that were blanked out, "
                    <Term slug="gpt">"GPT"</Term>" predicts the next word. To do that well it has "
                    "to learn a great deal about grammar, meaning and the world."
                </p>
                <p>
                    "Then the same model is "<strong>"fine-tuned"</strong>": trained a little more "
                    "on a small labelled data set for one job, such as spotting spam or grading "
                    "the sentiment of a review. The expensive part is done once and shared; each "
                    "new task needs only a modest amount of data and computing. The small model "
                    "running in this app went the same way: pretrained on general text, then tuned "
                    "on pairs of sentences to produce "
                    <Term slug="sentence-embedding">"sentence embeddings"</Term>"."
                </p>
                <h2>"Putting it all together"</h2>
                <p>"The whole lesson, in seven steps:"</p>
                <ol class="recap">
                    {RECAP
                        .iter()
                        .map(|(step, slug)| view! {
                            <li>{*step}" "<a href=format!("#/{slug}")>{format!("({})", title_of(slug))}</a></li>
                        })
                        .collect_view()}
                </ol>
                <p>
                    "None of these steps is complicated on its own: dot products, a softmax, "
                    "weighted sums, additions. What makes the result remarkable is that the weights "
                    "inside them are learned from vast amounts of text, and that the design lets "
                    "this learning run in parallel and stack deep. Keep that balance in mind when "
                    "you read about the next big model: simple parts, learned at scale."
                </p>
                <h2>"Try it yourself"</h2>
                <p>"Each link opens a section with the settings already chosen."</p>
            </div>
            <ul class="try-list" data-testid="try-links">
                {try_links()
                    .into_iter()
                    .map(|l| view! {
                        <li>
                            <a href=l.route.to_hash() data-testid="try-link">{l.label}</a>
                            <span class="try-where">{format!(" · {}", title_of(&l.route.section))}</span>
                            <p>{l.hint}</p>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recap_links_point_at_sections() {
        for (_, slug) in RECAP {
            assert!(!title_of(slug).is_empty(), "{slug}");
        }
    }
}
