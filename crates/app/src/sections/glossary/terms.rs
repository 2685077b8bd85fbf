//! The glossary's entries and its search. Plain data, so that the search
//! and the links between entries and sections can be tested natively.

/// One glossary entry.
#[derive(Debug, PartialEq)]
pub struct GlossaryTerm {
    /// The URL form (`#/glossary?term=<slug>`); kebab-case, unique.
    pub slug: &'static str,
    /// The term as it is written in the text.
    pub term: &'static str,
    pub definition: &'static str,
    /// Slugs of the sections where the term is used or shown.
    pub sections: &'static [&'static str],
}

const fn t(
    slug: &'static str,
    term: &'static str,
    definition: &'static str,
    sections: &'static [&'static str],
) -> GlossaryTerm {
    GlossaryTerm {
        slug,
        term,
        definition,
        sections,
    }
}

/// Every entry, in no particular order; [`sorted`] and [`search`] return
/// them alphabetically.
pub const TERMS: &[GlossaryTerm] = &[
    t(
        "add-and-norm",
        "Add & Norm",
        "The step that follows each sublayer of a Transformer block: the sublayer's output is \
         added to its own input (a residual connection), and the sum is then rescaled by layer \
         normalization. It keeps signals and gradients well behaved, so dozens of blocks can be \
         stacked and still trained.",
        &["block", "powerful"],
    ),
    t(
        "attention-head",
        "Attention head",
        "One independent copy of the attention calculation inside a layer, with its own query, \
         key and value matrices. Each head produces its own attention map, so different heads \
         can follow different relationships, such as the next word, a verb's object or a \
         pronoun's noun.",
        &["multi-head", "attention"],
    ),
    t(
        "attention-rollout",
        "Attention rollout",
        "A way to follow attention through all the layers at once: the layers' average attention \
         maps, each with the residual connection added as an identity, are multiplied together. \
         The result estimates how much each input word feeds each position at the top. It is a \
         rough guide, not an exact account.",
        &["attention"],
    ),
    t(
        "attention-weights",
        "Attention weights (attention map)",
        "The numbers that say how much each word takes from every other word. For each query \
         they are a softmax over the scores, so they are between 0 and 1 and each row adds up \
         to 1. Drawn as a grid, with queries as rows and keys as columns, they form an \
         attention map or heatmap.",
        &["self-attention", "multi-head", "masking", "attention"],
    ),
    t(
        "bert",
        "BERT",
        "Bidirectional Encoder Representations from Transformers (Google, 2018): a stack of \
         Transformer encoders pretrained by hiding some words and guessing them from the words \
         on both sides. Every word may attend to every other, left and right, so there is no \
         causal mask. Good at understanding text; not built to write it. The live section runs \
         a small model of this family.",
        &[
            "positional",
            "masking",
            "architectures",
            "attention",
            "impact",
        ],
    ),
    t(
        "causal-mask",
        "Causal mask (look-ahead mask)",
        "A mask that lets each position attend only to itself and the positions before it, by \
         setting the scores of later positions to minus infinity before the softmax. Models \
         that generate text one token at a time, such as GPT, need it so that training never \
         lets a word peek at the words it must learn to predict.",
        &["masking", "architectures", "attention"],
    ),
    t(
        "cls-token",
        "[CLS]",
        "A special token BERT puts at the very start of every input. Its final vector is often \
         used as a summary of the whole input, for example to classify a sentence. In attention \
         maps many heads send a large share of their attention to it.",
        &["attention"],
    ),
    t(
        "context-window",
        "Context window",
        "The largest number of tokens a model can take in at once. Learned position vectors \
         exist only up to a fixed length (512 for BERT), and the cost of attention grows with \
         the square of the length, so longer inputs have to be cut or split.",
        &["attention", "powerful"],
    ),
    t(
        "cosine-similarity",
        "Cosine similarity",
        "A measure of how closely two vectors point in the same direction: their dot product \
         divided by the product of their lengths. It is 1 for the same direction, 0 for \
         unrelated (perpendicular) directions and −1 for opposite ones. It is the usual way to \
         compare sentence embeddings.",
        &["attention"],
    ),
    t(
        "cross-attention",
        "Cross-attention",
        "Attention between two sequences: the queries come from one (in translation, the \
         decoder's sentence being written) and the keys and values from the other (the \
         encoder's reading of the source sentence). It is how the output side looks things up \
         in the input side.",
        &["cross-attention", "architectures", "powerful"],
    ),
    t(
        "decoder",
        "Decoder",
        "The half of a Transformer that produces output one token at a time. Its blocks use \
         masked (causal) self-attention over what has been written so far and, in an \
         encoder–decoder model, cross-attention to the encoder's output. GPT-style models are \
         stacks of decoder blocks without the cross-attention.",
        &["masking", "cross-attention", "architectures"],
    ),
    t(
        "dot-product",
        "Dot product",
        "Multiply two vectors number by number and add up the results. The sum is large and \
         positive when the vectors point the same way, near zero when they are unrelated, and \
         negative when they point apart. Attention uses it to score each query against each key.",
        &["self-attention", "positional"],
    ),
    t(
        "embedding",
        "Embedding",
        "A learned vector that stands for a discrete item such as a token. Items used in \
         similar ways end up with similar vectors. A Transformer's first step is to look up the \
         embedding of every token and add a positional encoding to it.",
        &["positional", "self-attention"],
    ),
    t(
        "encoder",
        "Encoder",
        "The half of a Transformer that reads the whole input and turns each token into a \
         vector that reflects its context. Its blocks use self-attention without a causal mask, \
         so every token sees the entire input. BERT is a stack of encoder blocks.",
        &["block", "cross-attention", "architectures"],
    ),
    t(
        "feed-forward-network",
        "Feed-forward network (FFN)",
        "The second sublayer of every Transformer block: a small two-layer neural network \
         applied to each position separately, with the same weights everywhere. Attention moves \
         information between words; the feed-forward network then works on each word's vector \
         on its own. Its hidden layer is usually four times wider than the model.",
        &["block"],
    ),
    t(
        "fine-tuning",
        "Fine-tuning (transfer learning)",
        "Taking a model that was pretrained on a huge amount of general text and training it a \
         little more on a small, task-specific data set. The general knowledge transfers, so a \
         few thousand labelled examples can be enough where training from scratch would need \
         far more.",
        &["architectures", "impact"],
    ),
    t(
        "gelu",
        "GELU",
        "Gaussian Error Linear Unit, the activation function inside the feed-forward networks \
         of BERT and GPT. Like ReLU it lets positive inputs through and silences strongly \
         negative ones, but it bends smoothly around zero instead of having a sharp corner.",
        &["block"],
    ),
    t(
        "gpt",
        "GPT",
        "Generative Pre-trained Transformer (OpenAI, from 2018): a stack of decoder blocks \
         trained to predict the next token. A causal mask lets each word see only the words \
         before it, which is exactly what writing text one token at a time requires.",
        &["masking", "architectures", "impact"],
    ),
    t(
        "hidden-state",
        "Hidden state",
        "The vector a network carries for a position between its input and its output. In an \
         RNN it is the running memory handed from one word to the next; in a Transformer, each \
         layer produces a new hidden state for every token.",
        &["why"],
    ),
    t(
        "key",
        "Key (K)",
        "The vector a token offers to be found by: every query is compared with every key, and \
         a good match means that token's value gets a large weight. Keys are made by multiplying \
         the token's vector by a learned matrix W_k.",
        &[
            "self-attention",
            "multi-head",
            "cross-attention",
            "attention",
        ],
    ),
    t(
        "layer",
        "Layer",
        "One stage of a network that turns a set of vectors into a new set. In a Transformer, \
         “layer” usually means one whole block (attention plus feed-forward network, each with \
         Add & Norm); BERT-base has 12, and the live model in this app has 6.",
        &["block", "attention"],
    ),
    t(
        "layer-normalization",
        "Layer normalization",
        "Rescaling each token's vector so that its numbers have mean 0 and variance 1, followed \
         by a learned scale and shift. It is done for each position on its own and keeps values \
         from drifting as they pass through many layers.",
        &["block"],
    ),
    t(
        "masked-self-attention",
        "Masked self-attention",
        "Self-attention in which some scores are blocked out before the softmax, so those \
         positions get weight 0. In a decoder the mask hides all later positions, so a word can \
         only use the words that came before it.",
        &["masking", "architectures"],
    ),
    t(
        "multi-head-attention",
        "Multi-head attention",
        "Several attention heads run side by side on the same input, each with its own learned \
         query, key and value matrices. Their outputs are concatenated and mixed by one more \
         matrix, W_o, so the layer can follow several kinds of relationship at once.",
        &["multi-head", "attention", "powerful"],
    ),
    t(
        "padding-mask",
        "Padding mask",
        "A mask that hides filler [PAD] tokens. Sentences in a batch are padded to the same \
         length, and the mask makes sure no real word takes information from the padding. BERT \
         uses only this kind of mask.",
        &["masking"],
    ),
    t(
        "positional-encoding",
        "Positional encoding",
        "A vector added to each token's embedding that depends only on the token's position. \
         Attention by itself ignores word order; the positional encoding writes the order into \
         the input. The original Transformer used sines and cosines; BERT learns one vector per \
         position.",
        &["positional", "order", "learned-positions", "powerful"],
    ),
    t(
        "query",
        "Query (Q)",
        "The vector a token uses to ask what it is looking for. Its dot product with every key \
         gives that token's attention scores. Queries are made by multiplying the token's \
         vector by a learned matrix W_q.",
        &[
            "self-attention",
            "multi-head",
            "cross-attention",
            "attention",
        ],
    ),
    t(
        "residual-connection",
        "Residual connection (residual stream)",
        "A shortcut that adds a sublayer's input to its output, so each sublayer only has to \
         learn a change rather than a whole new vector. Seen across the whole model, these \
         shortcuts form a “residual stream” that every layer reads from and writes into.",
        &["block", "attention", "powerful"],
    ),
    t(
        "rnn",
        "RNN (recurrent neural network)",
        "A network that reads a sequence one item at a time and carries a hidden state from \
         each step to the next. The steps cannot run in parallel, and information from early \
         words has to survive many hand-overs to reach later ones, which is what Transformers \
         set out to avoid.",
        &["why", "positional", "impact"],
    ),
    t(
        "scaled-dot-product",
        "Scaled dot-product attention (√d_k)",
        "The attention formula of the Transformer: softmax(Q·Kᵀ / √d_k)·V. The scores are \
         divided by the square root of the key width d_k because dot products of wider vectors \
         grow larger, which would push the softmax towards all-or-nothing weights.",
        &["self-attention", "multi-head"],
    ),
    t(
        "self-attention",
        "Self-attention",
        "Attention in which a sequence attends to itself: every token compares its query with \
         the keys of all tokens in the same sequence and takes a weighted mix of their values. \
         Every token does this at the same time, and any two tokens are one step apart however \
         far apart they stand.",
        &[
            "why",
            "self-attention",
            "multi-head",
            "masking",
            "attention",
            "powerful",
        ],
    ),
    t(
        "sentence-embedding",
        "Sentence embedding",
        "One vector for a whole sentence, often made by averaging the vectors of its tokens \
         (mean pooling). Sentences with similar meaning get vectors with a high cosine \
         similarity, which powers semantic search.",
        &["attention", "impact"],
    ),
    t(
        "sep-token",
        "[SEP]",
        "A special token BERT puts at the end of each sentence, and between the two sentences \
         of a pair. Heads with nothing particular to look at often park their attention on it.",
        &["attention"],
    ),
    t(
        "softmax",
        "Softmax",
        "A function that turns a list of scores into weights between 0 and 1 that add up to 1: \
         each score is exponentiated and divided by the total. Large scores win more than \
         proportionally, and a score of minus infinity gets weight exactly 0.",
        &["self-attention", "masking"],
    ),
    t(
        "token",
        "Token",
        "One unit of text as the model sees it: a whole word, a piece of a word, a punctuation \
         mark or a special marker such as [CLS]. A tokenizer splits the text into tokens, and \
         each token gets its own vector.",
        &["self-attention", "tokens", "attention"],
    ),
    t(
        "tokenizer",
        "Tokenizer",
        "The step before the model: it normalises the text, cuts it into tokens from a fixed \
         vocabulary and replaces each token by its id. BERT's tokenizer is WordPiece; it also \
         adds [CLS] and [SEP] and cuts inputs longer than the model's 512 positions.",
        &["tokens"],
    ),
    t(
        "transformer",
        "Transformer",
        "A neural network architecture, introduced in 2017, built from stacked blocks of \
         self-attention and feed-forward networks. It processes all tokens of a sequence at \
         once instead of one after another, which makes training fast and lets distant words \
         interact directly.",
        &["why", "block", "architectures", "powerful", "impact"],
    ),
    t(
        "value",
        "Value (V)",
        "The information a token hands over when it is attended to. A token's new vector is \
         the sum of all values, each scaled by its attention weight. Values are made by \
         multiplying the token's vector by a learned matrix W_v.",
        &["self-attention", "multi-head", "cross-attention"],
    ),
    t(
        "word-piece",
        "Word piece",
        "A piece of a word in BERT's vocabulary. Common words are single pieces; rarer ones are \
         split, so “embeddings” becomes “em”, “##bed”, “##ding”, “##s” (“##” marks a piece \
         that continues a word). A fixed vocabulary of about 30,000 pieces spells almost any \
         word; one it cannot spell (an unseen character, most emoji) becomes [UNK].",
        &["tokens", "attention"],
    ),
];

/// The sort key: case and brackets ignored, so “[CLS]” sorts under C.
fn sort_key(term: &str) -> String {
    term.chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every entry, alphabetically.
pub fn sorted() -> Vec<&'static GlossaryTerm> {
    let mut all: Vec<&'static GlossaryTerm> = TERMS.iter().collect();
    all.sort_by_key(|t| sort_key(t.term));
    all
}

/// The entries whose term or definition contains every word of `query`,
/// ignoring case, alphabetically; an empty query matches everything.
pub fn search(query: &str) -> Vec<&'static GlossaryTerm> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    sorted()
        .into_iter()
        .filter(|t| {
            let term = t.term.to_lowercase();
            let definition = t.definition.to_lowercase();
            words
                .iter()
                .all(|w| term.contains(w.as_str()) || definition.contains(w.as_str()))
        })
        .collect()
}

pub fn find(slug: &str) -> Option<&'static GlossaryTerm> {
    TERMS.iter().find(|t| t.slug == slug)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::Section;
    use std::collections::HashSet;
    use std::path::Path;

    fn slugs(query: &str) -> Vec<&'static str> {
        search(query).iter().map(|t| t.slug).collect()
    }

    #[test]
    fn there_are_enough_terms() {
        assert!(TERMS.len() >= 30, "{}", TERMS.len());
    }

    #[test]
    fn slugs_are_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        for t in TERMS {
            assert!(seen.insert(t.slug), "duplicate slug {}", t.slug);
            assert!(
                !t.slug.is_empty()
                    && !t.slug.starts_with('-')
                    && !t.slug.ends_with('-')
                    && !t.slug.contains("--")
                    && t.slug
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "slug {:?} is not kebab-case",
                t.slug
            );
            assert!(!t.term.is_empty() && t.definition.len() > 40, "{}", t.slug);
        }
    }

    #[test]
    fn every_section_slug_exists() {
        for t in TERMS {
            assert!(!t.sections.is_empty(), "{} links no section", t.slug);
            for s in t.sections {
                assert!(
                    Section::from_slug(s).is_some(),
                    "{} links to unknown section {s}",
                    t.slug
                );
            }
            let unique: HashSet<_> = t.sections.iter().collect();
            assert_eq!(
                unique.len(),
                t.sections.len(),
                "{} repeats a section",
                t.slug
            );
        }
    }

    #[test]
    fn sorted_is_alphabetical_and_complete() {
        let all = sorted();
        assert_eq!(all.len(), TERMS.len());
        let keys: Vec<String> = all.iter().map(|t| sort_key(t.term)).collect();
        let mut expected = keys.clone();
        expected.sort();
        assert_eq!(keys, expected);
        assert_eq!(all[0].slug, "add-and-norm");
        // “[CLS]” sorts under C, not before A.
        let cls = all.iter().position(|t| t.slug == "cls-token").unwrap();
        let causal = all.iter().position(|t| t.slug == "causal-mask").unwrap();
        assert_eq!(cls, causal + 1);
    }

    #[test]
    fn empty_query_matches_everything() {
        assert_eq!(search("").len(), TERMS.len());
        assert_eq!(search("   ").len(), TERMS.len());
    }

    #[test]
    fn search_matches_term_and_definition_ignoring_case() {
        assert_eq!(slugs("GELU"), vec!["gelu"]);
        assert_eq!(slugs("gelu"), vec!["gelu"]);
        assert_eq!(slugs("[sep]"), vec!["sep-token", "tokenizer"]);
        assert_eq!(slugs("rollout"), vec!["attention-rollout"]);
        assert_eq!(slugs("mean pooling"), vec!["sentence-embedding"]);
        assert_eq!(slugs("pad"), vec!["padding-mask"]);
        assert_eq!(
            slugs("W_o"),
            vec!["multi-head-attention"],
            "W_o only appears in one definition"
        );
        assert_eq!(slugs("√d_k"), vec!["scaled-dot-product"]);
        assert_eq!(
            slugs("cosine"),
            vec![
                "cosine-similarity",
                "positional-encoding",
                "sentence-embedding"
            ]
        );
        assert_eq!(
            slugs("minus infinity"),
            vec!["causal-mask", "softmax"],
            "every word must match"
        );
    }

    #[test]
    fn search_without_matches_is_empty() {
        assert!(search("photosynthesis").is_empty());
        assert!(search("softmax photosynthesis").is_empty());
    }

    #[test]
    fn find_knows_every_slug_and_nothing_else() {
        for t in TERMS {
            assert_eq!(find(t.slug).map(|f| f.term), Some(t.term));
        }
        assert!(find("flux-capacitor").is_none());
        assert!(find("").is_none());
    }

    /// Every glossary link (a `Term` component with a slug) anywhere in the
    /// app must have an entry.
    #[test]
    fn every_term_link_in_the_source_has_an_entry() {
        fn visit(dir: &Path, found: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    visit(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let marker = concat!("<Term ", "slug=\"");
                    for (i, _) in text.match_indices(marker) {
                        let rest = &text[i + marker.len()..];
                        let slug = rest.split('"').next().unwrap_or_default();
                        found.push((path.display().to_string(), slug.to_string()));
                    }
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        visit(&root, &mut found);
        assert!(!found.is_empty(), "no <Term> links found under {root:?}");
        let missing: Vec<_> = found.iter().filter(|(_, s)| find(s).is_none()).collect();
        assert!(
            missing.is_empty(),
            "term links without an entry: {missing:?}"
        );
    }
}
