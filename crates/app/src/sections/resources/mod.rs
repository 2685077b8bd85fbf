//! Where to read further.

use crate::lesson::Section;
use leptos::prelude::*;

pub struct Resource {
    pub title: &'static str,
    /// Authors and year, or the publisher.
    pub by: &'static str,
    pub url: &'static str,
    /// What it is good for, in one line.
    pub good_for: &'static str,
}

pub struct Group {
    pub heading: &'static str,
    pub intro: &'static str,
    pub items: &'static [Resource],
}

pub const GROUPS: &[Group] = &[
    Group {
        heading: "Start here",
        intro: "Friendly, picture-heavy explanations; good next steps after this app.",
        items: &[
            Resource {
                title: "The Illustrated Transformer",
                by: "Jay Alammar, 2018",
                url: "https://jalammar.github.io/illustrated-transformer/",
                good_for: "The whole encoder–decoder model drawn step by step, with the same \
                           queries, keys and values as here. A favourite for lesson planning.",
            },
            Resource {
                title: "The Illustrated BERT, ELMo, and co.",
                by: "Jay Alammar, 2018",
                url: "https://jalammar.github.io/illustrated-bert/",
                good_for: "How an encoder-only model is pretrained and then fine-tuned, with \
                           the [CLS] token doing the classifying.",
            },
            Resource {
                title: "The Illustrated GPT-2",
                by: "Jay Alammar, 2019",
                url: "https://jalammar.github.io/illustrated-gpt2/",
                good_for: "Decoder-only models that write one token at a time, and what the \
                           causal mask looks like inside them.",
            },
            Resource {
                title: "Transformer Explainer",
                by: "Cho et al., Georgia Tech (Polo Club), 2024",
                url: "https://poloclub.github.io/transformer-explainer/",
                good_for: "A live GPT-2 in the browser: type a prompt and follow it through \
                           embeddings, attention and the next-token probabilities — the \
                           decoder-side companion to this app.",
            },
            Resource {
                title: "Hugging Face course",
                by: "Hugging Face",
                url: "https://huggingface.co/course",
                good_for: "A free, hands-on course: load pretrained Transformers in Python, \
                           tokenize text, fine-tune a model and share it.",
            },
            Resource {
                title: "Hugging Face blog",
                by: "Hugging Face",
                url: "https://huggingface.co/blog",
                good_for: "Short articles on new models and techniques, many with code you \
                           can run.",
            },
        ],
    },
    Group {
        heading: "The original papers",
        intro: "Denser reading, but the primary sources that everything else cites.",
        items: &[
            Resource {
                title: "Attention Is All You Need",
                by: "Vaswani, Shazeer, Parmar, Uszkoreit, Jones, Gomez, Kaiser & Polosukhin, 2017",
                url: "https://arxiv.org/abs/1706.03762",
                good_for: "The paper that introduced the Transformer. Section 3 is the \
                           architecture this app takes apart; the figures are worth a look \
                           even if you skip the maths.",
            },
            Resource {
                title: "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
                by: "Devlin, Chang, Lee & Toutanova, 2018",
                url: "https://arxiv.org/abs/1810.04805",
                good_for: "Where BERT, its [CLS] and [SEP] tokens and the fill-in-the-blank \
                           pretraining come from.",
            },
            Resource {
                title: "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
                by: "Dosovitskiy et al., 2020",
                url: "https://arxiv.org/abs/2010.11929",
                good_for: "The Vision Transformer: images cut into patches and read like \
                           sentences.",
            },
            Resource {
                title: "Sentence-BERT: Sentence Embeddings using Siamese BERT-Networks",
                by: "Reimers & Gurevych, 2019",
                url: "https://arxiv.org/abs/1908.10084",
                good_for: "How a BERT-style encoder is tuned to give one vector per sentence, \
                           the kind of model that runs in this app.",
            },
        ],
    },
    Group {
        heading: "Looking inside attention",
        intro: "For those who want to read attention maps like the ones in this app, and to \
                know their limits.",
        items: &[
            Resource {
                title: "A Multiscale Visualization of Attention in the Transformer Model (BertViz)",
                by: "Jesse Vig, 2019",
                url: "https://arxiv.org/abs/1906.05714",
                good_for: "The BertViz tool's head and model views, close cousins of this \
                           app's “Head view” and “All heads”, and what they reveal about BERT \
                           and GPT-2.",
            },
            Resource {
                title: "What Does BERT Look At? An Analysis of BERT's Attention",
                by: "Clark, Khandelwal, Levy & Manning, 2019",
                url: "https://arxiv.org/abs/1906.04341",
                good_for: "Heads that attend to [SEP], to the next word or to a verb's \
                           object: a catalogue of the patterns you can spot yourself.",
            },
            Resource {
                title: "Quantifying Attention Flow in Transformers",
                by: "Abnar & Zuidema, 2020",
                url: "https://arxiv.org/abs/2005.00928",
                good_for: "Attention rollout, the method behind this app's rollout view.",
            },
            Resource {
                title: "Attention is not Explanation",
                by: "Jain & Wallace, 2019",
                url: "https://arxiv.org/abs/1902.10186",
                good_for: "Why a bright cell in an attention map does not by itself prove \
                           what a model relied on. A healthy dose of caution.",
            },
        ],
    },
    Group {
        heading: "Build one yourself",
        intro: "For programmers who learn best by writing the code.",
        items: &[Resource {
            title: "The Annotated Transformer",
            by: "Harvard NLP (Rush, 2018; updated 2022)",
            url: "https://nlp.seas.harvard.edu/annotated-transformer/",
            good_for: "The original paper interleaved line by line with a working PyTorch \
                       implementation.",
        }],
    },
];

#[component]
pub fn ResourcesSection() -> impl IntoView {
    view! {
        <article data-testid="section-resources">
            <h1>{Section::Resources.heading()}</h1>
            <div class="prose">
                <p class="lead">
                    "Where to go next, whether you want pictures, the original papers or code. "
                    "Links open in a new tab, so this lesson stays where you left it."
                </p>
                <p data-testid="credit">
                    "Credit: this app follows “Demystifying AI — Session 4: Transformers and "
                    "Attention”, a Colab notebook by Pate Motter (MIT licence, © 2025), and reuses "
                    "its example sentences and much of its resource list. The prose, code and "
                    "corrections here are Attend's own; the notebook's source is at "
                    <a href="https://github.com/patemotter/demystifying-ai" target="_blank" rel="noopener noreferrer">
                        "github.com/patemotter/demystifying-ai"
                    </a>"."
                </p>
            </div>
            {GROUPS
                .iter()
                .map(|g| {
                    view! {
                        <section class="resource-group">
                            <h2>{g.heading}</h2>
                            <p class="resource-intro">{g.intro}</p>
                            <ul class="resource-list">
                                {g.items
                                    .iter()
                                    .map(|r| {
                                        view! {
                                            <li class="resource">
                                                <a
                                                    href=r.url
                                                    target="_blank"
                                                    rel="noopener"
                                                    data-testid="resource-link"
                                                >
                                                    {r.title}
                                                </a>
                                                <span class="resource-by">{r.by}</span>
                                                <p>{r.good_for}</p>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </section>
                    }
                })
                .collect_view()}
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn all() -> impl Iterator<Item = &'static Resource> {
        GROUPS.iter().flat_map(|g| g.items.iter())
    }

    #[test]
    fn links_are_https_and_unique() {
        let mut seen = HashSet::new();
        for r in all() {
            assert!(r.url.starts_with("https://"), "{}", r.url);
            assert!(seen.insert(r.url), "duplicate {}", r.url);
            assert!(!r.title.is_empty() && !r.by.is_empty() && !r.good_for.is_empty());
        }
        assert!(seen.len() >= 10);
    }

    #[test]
    fn the_seed_resources_are_all_here() {
        let urls: Vec<_> = all().map(|r| r.url).collect();
        for wanted in [
            "https://arxiv.org/abs/1706.03762",
            "https://jalammar.github.io/illustrated-transformer/",
            "https://jalammar.github.io/illustrated-bert/",
            "https://jalammar.github.io/illustrated-gpt2/",
            "https://huggingface.co/course",
            "https://poloclub.github.io/transformer-explainer/",
        ] {
            assert!(urls.contains(&wanted), "missing {wanted}");
        }
    }
}
