//! The closing sections' links into the rest of the app: the six ideas and
//! their sections, and the “try it yourself” deep links. Built as routes so
//! that a test can check that every link opens without a repair notice.

use crate::platform::route::Route;

/// One of the ideas that make Transformers work, and where the app shows it.
pub struct Idea {
    pub title: &'static str,
    pub body: &'static str,
    /// Slug of the section that shows it.
    pub section: &'static str,
}

pub const IDEAS: [Idea; 6] = [
    Idea {
        title: "Everything at once",
        body: "An RNN has to finish word 9 before it can start word 10. A Transformer layer \
               handles every position in the same step, as a few large matrix multiplications, \
               which is exactly the work graphics chips are built for. Faster training meant \
               models could learn from far more text than before.",
        section: "why",
    },
    Idea {
        title: "Every word can reach every word",
        body: "With self-attention, “it” can look straight at “animal”, however many words \
               stand in between. Nothing has to survive a long chain of hand-overs, so \
               connections across a whole paragraph are as easy to learn as neighbours.",
        section: "self-attention",
    },
    Idea {
        title: "Order without reading in order",
        body: "Reading everything at once would lose word order, so each position adds its own \
               code to the word's vector. “Dog bites man” and “Man bites dog” stay different \
               sentences.",
        section: "positional",
    },
    Idea {
        title: "Several points of view",
        body: "Multi-head attention runs several attention patterns side by side. One head can \
               track grammar while another links pronouns to nouns and a third watches the \
               neighbouring words, and the layer combines all their findings.",
        section: "multi-head",
    },
    Idea {
        title: "Depth that still trains",
        body: "Each block only adds a correction to a running stream of vectors (the residual \
               connection), and layer normalization keeps the numbers in a steady range. That \
               is what lets 12, 24 or close to a hundred blocks be stacked and still learn.",
        section: "block",
    },
    Idea {
        title: "Linking two sequences",
        body: "Cross-attention lets a decoder consult the encoder's reading of the source at \
               every step of writing its output: a translation can look back at exactly the \
               source words it needs for the next word.",
        section: "cross-attention",
    },
];

/// A deep link with a suggestion of what to look for.
pub struct TryLink {
    pub label: &'static str,
    pub hint: &'static str,
    pub route: Route,
}

fn link(label: &'static str, hint: &'static str, section: &str, query: &[(&str, &str)]) -> TryLink {
    TryLink {
        label,
        hint,
        route: Route::with_query(
            section,
            query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ),
    }
}

/// The “try it yourself” list. Layers and heads stay within the live
/// model (6 layers × 12 heads).
pub fn try_links() -> Vec<TryLink> {
    vec![
        link(
            "Who was tired?",
            "Switch to the head view and step through the heads of the middle layers. Look for \
             a head in which “it” sends much of its attention to “animal”.",
            "attention",
            &[
                (
                    "text",
                    "The animal didn't cross the street because it was too tired.",
                ),
                ("layer", "3"),
                ("head", "0"),
                ("view", "lines"),
            ],
        ),
        link(
            "Change one word",
            "Now the street is too wide. Does any head move the attention of “it” from “animal” \
             to “street”? Compare with the previous link.",
            "attention",
            &[
                (
                    "text",
                    "The animal didn't cross the street because it was too wide.",
                ),
                ("layer", "3"),
                ("head", "0"),
                ("view", "lines"),
            ],
        ),
        link(
            "Same words, different order",
            "“Dog bites man” against “Man bites dog”: the same words, yet each word's row \
             changes, because its position is part of what the model reads.",
            "attention",
            &[
                ("text", "Dog bites man."),
                ("compare", "Man bites dog."),
                ("view", "compare"),
            ],
        ),
        link(
            "Hide the special tokens",
            "The average of all heads in a layer with [CLS] and [SEP] hidden: what is left \
             when the parking places for attention are taken away?",
            "attention",
            &[
                ("text", "The cat sat on the mat because it was warm."),
                ("layer", "2"),
                ("view", "mean"),
                ("hide_special", "1"),
            ],
        ),
        link(
            "Follow attention through every layer",
            "Rollout combines all the layers. Which input words end up feeding the others most?",
            "attention",
            &[
                (
                    "text",
                    "She poured water from the jug into the glass until it was full.",
                ),
                ("view", "rollout"),
            ],
        ),
        link(
            "Eight heads, one sentence",
            "The toy multi-head layer with eight heads: count how many genuinely different \
             patterns you can see.",
            "multi-head",
            &[("text", "Dog bites man"), ("heads", "8"), ("seed", "7")],
        ),
        link(
            "Both masks at once",
            "A decoder on a padded batch: nothing from the future and nothing from padding. \
             Check that every row still sums to 1.",
            "masking",
            &[("n", "8"), ("mask", "both"), ("valid", "5"), ("seed", "42")],
        ),
        link(
            "Near and far positions",
            "Positions 0, 1 and 50 side by side: the fast dimensions tell neighbours apart, the \
             slow ones tell distant positions apart.",
            "positional",
            &[("len", "128"), ("pos", "0,1,50")],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::Section;

    #[test]
    fn every_idea_links_to_a_section() {
        for idea in &IDEAS {
            assert!(
                Section::from_slug(idea.section).is_some(),
                "{}",
                idea.section
            );
        }
        let sections: Vec<_> = IDEAS.iter().map(|i| i.section).collect();
        for wanted in [
            "positional",
            "self-attention",
            "multi-head",
            "block",
            "cross-attention",
            "why",
        ] {
            assert!(sections.contains(&wanted), "no card for {wanted}");
        }
    }
}
