//! Short translation pairs for the cross-attention picture. The scores are
//! written by hand — no translation model runs here — to show the shape of
//! what trained models learn: mostly one source word per target word, in a
//! different order, plus weaker links where grammar ties words together.

/// One sentence pair and the hand-made query·key scores between them.
pub struct TranslationPair {
    pub slug: &'static str,
    pub label: &'static str,
    /// Encoder side (keys and values).
    pub source: &'static [&'static str],
    /// Decoder side (queries).
    pub target: &'static [&'static str],
    /// (target index, source index, score); every other score is 0.
    pub links: &'static [(usize, usize, f32)],
}

/// The word each target word translates.
const ALIGNED: f32 = 3.0;

pub const PAIRS: &[TranslationPair] = &[
    TranslationPair {
        slug: "fr",
        label: "English → French",
        source: &["the", "black", "cat", "sleeps"],
        target: &["le", "chat", "noir", "dort"],
        links: &[
            (0, 0, ALIGNED),
            // "le" is masculine because "chat" is: the article looks at the noun.
            (0, 2, 1.5),
            (1, 2, ALIGNED),
            (2, 1, ALIGNED),
            // The adjective agrees with its noun.
            (2, 2, 1.0),
            (3, 3, ALIGNED),
            (3, 2, 0.8),
        ],
    },
    TranslationPair {
        slug: "de",
        label: "English → German",
        source: &["I", "have", "eaten", "an", "apple"],
        target: &["ich", "habe", "einen", "Apfel", "gegessen"],
        links: &[
            (0, 0, ALIGNED),
            (1, 1, ALIGNED),
            (2, 3, ALIGNED),
            // "einen": the article's case and gender come from "Apfel".
            (2, 4, 1.5),
            (3, 4, ALIGNED),
            // The verb moves to the end; it still belongs with "have".
            (4, 2, ALIGNED),
            (4, 1, 1.2),
        ],
    },
    TranslationPair {
        slug: "es",
        label: "English → Spanish",
        source: &["the", "red", "house", "is", "big"],
        target: &["la", "casa", "roja", "es", "grande"],
        links: &[
            (0, 0, ALIGNED),
            (0, 2, 1.5),
            (1, 2, ALIGNED),
            (2, 1, ALIGNED),
            (2, 2, 1.2),
            (3, 3, ALIGNED),
            (4, 4, ALIGNED),
            (4, 2, 0.8),
        ],
    },
];

impl TranslationPair {
    pub fn find(slug: &str) -> Option<&'static TranslationPair> {
        PAIRS.iter().find(|p| p.slug == slug)
    }

    /// `target × source` scores, row-major, each multiplied by `sharpness`
    /// (a stand-in for how confident a trained model is).
    pub fn scores(&self, sharpness: f32) -> Vec<f32> {
        let cols = self.source.len();
        let mut scores = vec![0.0; self.target.len() * cols];
        for &(t, s, score) in self.links {
            scores[t * cols + s] = score * sharpness;
        }
        scores
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_is_inside_its_pair_and_every_target_word_has_its_source() {
        for pair in PAIRS {
            for &(t, s, score) in pair.links {
                assert!(
                    t < pair.target.len() && s < pair.source.len(),
                    "{}",
                    pair.slug
                );
                assert!(score > 0.0);
            }
            for t in 0..pair.target.len() {
                let aligned = pair
                    .links
                    .iter()
                    .filter(|l| l.0 == t && l.2 == ALIGNED)
                    .count();
                assert_eq!(aligned, 1, "{}: target word {t}", pair.slug);
            }
        }
    }

    #[test]
    fn scores_are_scaled_by_sharpness() {
        let fr = TranslationPair::find("fr").unwrap();
        let s = fr.scores(2.0);
        assert_eq!(s.len(), 16);
        assert_eq!(s[0], 6.0); // le → the
        assert_eq!(s[2], 3.0); // le → cat
        assert_eq!(s[1], 0.0); // le → black
        assert_eq!(s[2 * 4 + 1], 6.0); // noir → black
    }
}
