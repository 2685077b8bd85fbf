//! The settings of the self-attention section and their URL form:
//! `#/self-attention?text=The+animal+…&focus=7&seed=42`, plus the toy
//! computation they stand for (shared with the multi-head section).

use crate::lesson::layer_head::LayerHead;
pub use crate::lesson::sentences::{
    default_focus, key_of, next_seed, read_seed, read_sentence, toy_inputs, words, DEFAULT_SEED,
    DEFAULT_TEXT, MAX_CHARS, MAX_SEED, MAX_WORDS,
};
use crate::platform::params::int_in_range;
use crate::platform::route::Route;
use attend_core::attention::{attend, weighted_values, AttentionSteps, Mask, Matrix, ToyAttention};

pub const SLUG: &str = "self-attention";
/// Width of the toy word vectors.
pub const D_MODEL: usize = 8;
/// Width of the queries, keys and values.
pub const D_K: usize = 4;

#[derive(Clone, Debug, PartialEq)]
pub struct SelfAttentionState {
    /// The sentence, words separated by single spaces.
    pub text: String,
    /// The word whose query is followed through the three steps.
    pub focus: usize,
    pub seed: u64,
    /// Use the loaded model's Q, K, V of this (layer, head), counted from
    /// 0 as everywhere; `None`: seeded toy weights.
    pub model_head: Option<(usize, usize)>,
}

impl Default for SelfAttentionState {
    fn default() -> Self {
        SelfAttentionState {
            text: DEFAULT_TEXT.to_string(),
            focus: default_focus(&words(DEFAULT_TEXT)),
            seed: DEFAULT_SEED,
            model_head: None,
        }
    }
}

impl SelfAttentionState {
    /// Reads the settings from a route; whatever had to be changed is
    /// explained in the returned notices.
    pub fn from_route(route: &Route) -> (Self, Vec<String>) {
        let mut notes = Vec::new();
        let text = read_sentence(route.get("text"), &mut notes);
        let w = words(&text);
        let focus = match route.get("focus") {
            None => default_focus(&w),
            raw => int_in_range(
                "Focus word",
                raw,
                default_focus(&w),
                0,
                w.len() - 1,
                &mut notes,
            ),
        };
        let seed = read_seed(route.get("seed"), &mut notes);
        let model_head = (route.get("source") == Some("model")).then(|| {
            let lh = LayerHead::read(route, &mut notes);
            (lh.layer, lh.head)
        });
        (
            SelfAttentionState {
                text,
                focus,
                seed,
                model_head,
            },
            notes,
        )
    }

    pub fn to_route(&self) -> Route {
        Route::with_query(
            SLUG,
            vec![
                ("text".into(), self.text.clone()),
                ("focus".into(), self.focus.to_string()),
                ("seed".into(), self.seed.to_string()),
            ]
            .into_iter()
            .chain(self.model_head.into_iter().flat_map(|(layer, head)| {
                [
                    ("source".to_string(), "model".to_string()),
                    ("layer".to_string(), layer.to_string()),
                    ("head".to_string(), head.to_string()),
                ]
            }))
            .collect(),
        )
    }

    pub fn words(&self) -> Vec<String> {
        words(&self.text)
    }
}

/// Everything the three steps show, for one sentence, seed and focus word.
#[derive(Clone, Debug, PartialEq)]
pub struct SelfAttentionData {
    pub words: Vec<String>,
    pub focus: usize,
    pub q: Matrix,
    pub k: Matrix,
    pub v: Matrix,
    pub steps: AttentionSteps,
    /// `w_j · v_j` for the focus word's weights.
    pub weighted: Vec<Vec<f32>>,
}

impl SelfAttentionData {
    pub fn compute(state: &SelfAttentionState) -> Result<Self, String> {
        let words = state.words();
        let x = toy_inputs(&words, D_MODEL, state.seed)?;
        let head = ToyAttention::new(state.seed, D_MODEL, D_K).map_err(|e| e.to_string())?;
        let (q, k, v) = head.qkv(&x).map_err(|e| e.to_string())?;
        let steps = attend(&q, &k, &v, &Mask::None).map_err(|e| e.to_string())?;
        let focus = state.focus.min(words.len().saturating_sub(1));
        let weights_row = steps.weights.row(focus).unwrap_or_default().to_vec();
        let weighted = weighted_values(&weights_row, &v).map_err(|e| e.to_string())?;
        Ok(SelfAttentionData {
            words,
            focus,
            q,
            k,
            v,
            steps,
            weighted,
        })
    }

    /// The same three steps with one head of the real model: its Q, K, V
    /// (`tokens × head_dim`) over the model's tokens, [CLS] and [SEP]
    /// included. `focus_word` is mapped to the first token of that word.
    pub fn from_model(
        words_typed: &[String],
        tokens: &[String],
        focus_word: usize,
        q: &[f32],
        k: &[f32],
        v: &[f32],
    ) -> Result<Self, String> {
        let t = tokens.len();
        let d = q.len().checked_div(t).unwrap_or(0);
        let matrix = |data: &[f32]| Matrix::new(t, d, data.to_vec()).map_err(|e| e.to_string());
        let (q, k, v) = (matrix(q)?, matrix(k)?, matrix(v)?);
        let steps = attend(&q, &k, &v, &Mask::None).map_err(|e| e.to_string())?;
        let starts = word_starts(words_typed, tokens);
        let focus = starts
            .get(focus_word)
            .copied()
            .unwrap_or(0)
            .min(t.saturating_sub(1));
        let weights_row = steps.weights.row(focus).unwrap_or_default().to_vec();
        let weighted = weighted_values(&weights_row, &v).map_err(|e| e.to_string())?;
        Ok(SelfAttentionData {
            words: tokens.to_vec(),
            focus,
            q,
            k,
            v,
            steps,
            weighted,
        })
    }

    fn row(m: &Matrix, r: usize) -> Vec<f32> {
        m.row(r).map(<[f32]>::to_vec).unwrap_or_default()
    }

    pub fn scores_row(&self) -> Vec<f32> {
        Self::row(&self.steps.scores, self.focus)
    }

    pub fn weights_row(&self) -> Vec<f32> {
        Self::row(&self.steps.weights, self.focus)
    }

    pub fn output_row(&self) -> Vec<f32> {
        Self::row(&self.steps.output, self.focus)
    }

    pub fn query(&self) -> Vec<f32> {
        Self::row(&self.q, self.focus)
    }

    pub fn key(&self, j: usize) -> Vec<f32> {
        Self::row(&self.k, j)
    }

    /// The word the focus word weighs most (ties: the first).
    pub fn strongest(&self) -> usize {
        let w = self.weights_row();
        (0..w.len())
            .max_by(|&a, &b| w[a].total_cmp(&w[b]).then(b.cmp(&a)))
            .unwrap_or(0)
    }
}

/// The index of the first model token of each typed word. Word pieces
/// (`##…`) and split-off punctuation are joined back until they spell the
/// word (lower-cased, as the tokenizer does); [CLS]/[SEP] are skipped.
pub fn word_starts(words_typed: &[String], tokens: &[String]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(words_typed.len());
    let mut i = tokens.iter().position(|t| t != "[CLS]").unwrap_or(0);
    for word in words_typed {
        starts.push(i);
        let target: String = word
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut spelled = String::new();
        while i < tokens.len()
            && tokens[i] != "[SEP]"
            && spelled.chars().count() < target.chars().count()
        {
            spelled.push_str(tokens[i].trim_start_matches("##"));
            i += 1;
        }
    }
    starts
}

impl crate::platform::section_state::RouteState for SelfAttentionState {
    fn from_route(route: &Route) -> (Self, Vec<String>) {
        SelfAttentionState::from_route(route)
    }

    fn to_route(&self) -> Route {
        SelfAttentionState::to_route(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_words_map_to_their_first_word_piece() {
        let words: Vec<String> = ["The", "animal", "didn't", "cross", "unhappily"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let tokens: Vec<String> = [
            "[CLS]", "the", "animal", "didn", "'", "t", "cross", "un", "##hap", "##pily", "[SEP]",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(word_starts(&words, &tokens), vec![1, 2, 3, 6, 7]);
    }

    #[test]
    fn the_model_source_round_trips_through_the_link() {
        let (state, notes) = SelfAttentionState::from_route(&Route::parse(
            "#/self-attention?text=a+b&focus=1&seed=3&source=model&layer=2&head=7",
        ));
        assert!(notes.is_empty());
        assert_eq!(state.model_head, Some((2, 7)));
        assert_eq!(
            SelfAttentionState::from_route(&state.to_route()),
            (state, vec![])
        );
    }

    #[test]
    fn round_trips_through_the_url() {
        let state = SelfAttentionState {
            text: "Man bites dog & 犬 = 🐕?".into(),
            focus: 2,
            seed: 1234,
            model_head: None,
        };
        let route = Route::parse(&state.to_route().to_hash());
        assert_eq!(SelfAttentionState::from_route(&route), (state, vec![]));
    }

    #[test]
    fn defaults_focus_on_it() {
        let (state, notes) = SelfAttentionState::from_route(&Route::new(SLUG));
        assert!(notes.is_empty());
        assert_eq!(state.text, DEFAULT_TEXT);
        assert_eq!(state.words()[state.focus], "it");
        assert_eq!(state.seed, DEFAULT_SEED);
    }

    #[test]
    fn garbage_falls_back_with_notices() {
        let route = Route::parse("#/self-attention?text=%20%20&focus=99&seed=abc");
        let (state, notes) = SelfAttentionState::from_route(&route);
        assert_eq!(state.text, DEFAULT_TEXT);
        assert_eq!(state.focus, state.words().len() - 1);
        assert_eq!(state.seed, DEFAULT_SEED);
        assert_eq!(notes.len(), 3, "{notes:?}");

        let long = vec!["word"; 40].join(" ");
        let route = Route::with_query(SLUG, vec![("text".into(), long)]);
        let (state, notes) = SelfAttentionState::from_route(&route);
        assert_eq!(state.words().len(), MAX_WORDS);
        assert_eq!(notes.len(), 1);

        let route = Route::parse("#/self-attention?focus=-1&seed=1e12");
        let (state, notes) = SelfAttentionState::from_route(&route);
        assert_eq!((state.focus, state.seed), (0, MAX_SEED));
        assert_eq!(notes.len(), 2);
    }

    #[test]
    fn the_steps_fit_together() {
        let state = SelfAttentionState::default();
        let data = SelfAttentionData::compute(&state).unwrap();
        let n = state.words().len();
        assert_eq!(data.scores_row().len(), n);
        let w = data.weights_row();
        assert!((w.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        // the weights are the softmax of the scores
        let s = data.scores_row();
        let max = s.iter().cloned().fold(f32::MIN, f32::max);
        let z: f32 = s.iter().map(|x| (x - max).exp()).sum();
        for (wi, si) in w.iter().zip(&s) {
            assert!((wi - (si - max).exp() / z).abs() < 1e-5);
        }
        // the score is q·k/√d_k
        let (q, k) = (data.query(), data.key(1));
        let dot: f32 = q.iter().zip(&k).map(|(a, b)| a * b).sum();
        assert!((s[1] - dot / (D_K as f32).sqrt()).abs() < 1e-5);
        // the output is the sum of the weighted values
        let out = data.output_row();
        for d in 0..D_K {
            let sum: f32 = data.weighted.iter().map(|p| p[d]).sum();
            assert!((out[d] - sum).abs() < 1e-5);
        }
        // another focus, another row; another seed, other numbers
        let other = SelfAttentionData::compute(&SelfAttentionState {
            focus: 1,
            ..state.clone()
        })
        .unwrap();
        assert_ne!(other.weights_row(), w);
        let reseeded = SelfAttentionData::compute(&SelfAttentionState {
            seed: next_seed(state.seed),
            ..state
        })
        .unwrap();
        assert_ne!(reseeded.weights_row(), w);
    }
}
