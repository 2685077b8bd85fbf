//! What do the heads of BERT look at?
//!
//! Clark et al. (2019, "What Does BERT Look At?") found that many heads do
//! one simple thing: park their attention on `[CLS]`, `[SEP]` or punctuation
//! (a "no-op" sink), look at the previous or next token, or spread evenly
//! over the sentence. This module measures those behaviours for one head
//! ([`head_stats`], [`HeadStats::labels`]) and ranks the heads of a whole
//! model so that a lesson can start from the few that do something more
//! specific ([`rank_heads`]). Abnar & Zuidema (2020, "Quantifying Attention
//! Flow in Transformers") follow attention through all layers at once:
//! [`rollout`].
//!
//! Every function takes the attention of one head as a `T × T` row-major
//! [`Matrix`]: row `i` holds the weights of query token `i` over the key
//! tokens, and sums to 1.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::attention::{AttentionError, Matrix};

/// BERT's sequence-start token.
pub const CLS_TOKEN: &str = "[CLS]";
/// BERT's separator token, also at the end of every sequence.
pub const SEP_TOKEN: &str = "[SEP]";

/// A head is a sink when, on average, more than this share of a query's
/// attention goes to `[CLS]`, to `[SEP]` or to punctuation.
pub const SINK_MASS_THRESHOLD: f32 = 0.6;
/// A head is positional when, on average, more than this share of a
/// query's attention goes to the previous token, the next token or itself.
pub const POSITIONAL_MASS_THRESHOLD: f32 = 0.5;
/// A head is broad when its mean normalised entropy `H / ln T` exceeds
/// this (1.0 is uniform attention).
pub const BROAD_ENTROPY_THRESHOLD: f32 = 0.78;
/// Below this mean normalised entropy a head is called focused in the
/// reasons of a [`Recommendation`].
pub const FOCUSED_ENTROPY_THRESHOLD: f32 = 0.5;

/// Why an attention matrix could not be analysed.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum AnalysisError {
    #[error("the attention matrix is empty")]
    Empty,
    #[error("the attention of a head must be square (one row and one column per token), got {rows}×{cols}")]
    NotSquare { rows: usize, cols: usize },
    #[error("{tokens} tokens do not label a {size}×{size} attention matrix")]
    TokenCountMismatch { tokens: usize, size: usize },
    #[error("attention weights must be finite and non-negative, but row {row}, column {col} holds {value}")]
    NotAWeight { row: usize, col: usize, value: f32 },
    #[error("no heads to average")]
    NoHeads,
    #[error("no layers to roll out")]
    NoLayers,
    #[error("{what} {index} is {}×{}, but {what} 0 is {}×{}", .found.0, .found.1, .expected.0, .expected.1)]
    InconsistentShape {
        what: &'static str,
        index: usize,
        expected: (usize, usize),
        found: (usize, usize),
    },
    #[error("layer {layer}, head {head}: {source}")]
    InHead {
        layer: usize,
        head: usize,
        #[source]
        source: Box<AnalysisError>,
    },
    #[error(transparent)]
    Matrix(#[from] AttentionError),
}

/// What one head does, averaged over its query rows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HeadStats {
    /// Mean over queries of the weight on `[CLS]` keys.
    pub cls_mass: f32,
    /// Mean over queries of the weight on `[SEP]` keys.
    pub sep_mass: f32,
    /// Mean over queries of the weight on punctuation keys (see
    /// [`is_punctuation`]).
    pub punct_mass: f32,
    /// Mean of `A[i, i−1]` over the queries `i = 1..T` that have a previous
    /// token (the first query has none and is left out of the mean); 0 when
    /// `T = 1`.
    pub prev_mass: f32,
    /// Mean of `A[i, i+1]` over the queries `i = 0..T−1` that have a next
    /// token (the last query has none and is left out of the mean); 0 when
    /// `T = 1`.
    pub next_mass: f32,
    /// Mean of `A[i, i]` over all queries.
    pub self_mass: f32,
    /// Mean over queries of `H(row) / ln T`, with `H = −Σ p ln p` (natural
    /// log, `0 ln 0 = 0`) of the row divided by its sum: 0 when every query
    /// looks at a single key, 1 when every query looks at all keys equally.
    /// A row whose weights are all 0 counts as 0. For `T = 1` there is only
    /// one key to look at, so the head is fully focused: 0.
    pub entropy_norm: f32,
}

impl HeadStats {
    /// `[CLS]` + `[SEP]` + punctuation mass, capped at 1.
    pub fn sink_mass(&self) -> f32 {
        (self.cls_mass + self.sep_mass + self.punct_mass).min(1.0)
    }

    /// Previous + self + next mass, capped at 1: how much attention stays
    /// within one position of the query.
    pub fn local_mass(&self) -> f32 {
        (self.prev_mass + self.self_mass + self.next_mass).min(1.0)
    }

    /// Every label whose threshold this head exceeds, in the order of
    /// [`HeadLabel`]; empty for a head that fits no simple pattern.
    pub fn labels(&self) -> Vec<HeadLabel> {
        let checks = [
            (HeadLabel::ClsSink, self.cls_mass > SINK_MASS_THRESHOLD),
            (HeadLabel::SepSink, self.sep_mass > SINK_MASS_THRESHOLD),
            (
                HeadLabel::PunctuationSink,
                self.punct_mass > SINK_MASS_THRESHOLD,
            ),
            (
                HeadLabel::PreviousToken,
                self.prev_mass > POSITIONAL_MASS_THRESHOLD,
            ),
            (
                HeadLabel::NextToken,
                self.next_mass > POSITIONAL_MASS_THRESHOLD,
            ),
            (
                HeadLabel::SelfToken,
                self.self_mass > POSITIONAL_MASS_THRESHOLD,
            ),
            (
                HeadLabel::Broad,
                self.entropy_norm > BROAD_ENTROPY_THRESHOLD,
            ),
        ];
        checks
            .into_iter()
            .filter_map(|(label, applies)| applies.then_some(label))
            .collect()
    }
}

/// The simple behaviours of Clark et al. (2019).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HeadLabel {
    /// `cls_mass > SINK_MASS_THRESHOLD`
    #[serde(rename = "[CLS]-sink")]
    ClsSink,
    /// `sep_mass > SINK_MASS_THRESHOLD`
    #[serde(rename = "[SEP]-sink")]
    SepSink,
    /// `punct_mass > SINK_MASS_THRESHOLD`
    #[serde(rename = "punctuation-sink")]
    PunctuationSink,
    /// `prev_mass > POSITIONAL_MASS_THRESHOLD`
    #[serde(rename = "previous-token")]
    PreviousToken,
    /// `next_mass > POSITIONAL_MASS_THRESHOLD`
    #[serde(rename = "next-token")]
    NextToken,
    /// `self_mass > POSITIONAL_MASS_THRESHOLD`
    #[serde(rename = "self")]
    SelfToken,
    /// `entropy_norm > BROAD_ENTROPY_THRESHOLD`
    #[serde(rename = "broad")]
    Broad,
}

impl HeadLabel {
    pub fn as_str(&self) -> &'static str {
        match self {
            HeadLabel::ClsSink => "[CLS]-sink",
            HeadLabel::SepSink => "[SEP]-sink",
            HeadLabel::PunctuationSink => "punctuation-sink",
            HeadLabel::PreviousToken => "previous-token",
            HeadLabel::NextToken => "next-token",
            HeadLabel::SelfToken => "self",
            HeadLabel::Broad => "broad",
        }
    }
}

impl std::fmt::Display for HeadLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a token is punctuation: non-empty and made only of punctuation
/// characters (ASCII punctuation and common typographic marks), after
/// dropping a WordPiece continuation prefix `##`. So `,`, `...`, `##.` and
/// `—` are punctuation; `[CLS]`, `a.` and `""` are not.
pub fn is_punctuation(token: &str) -> bool {
    const TYPOGRAPHIC: &[char] = &[
        '¡', '¿', '«', '»', '‘', '’', '‚', '“', '”', '„', '–', '—', '…', '·', '、', '。', '，',
        '：', '；', '！', '？',
    ];
    let core = match token.strip_prefix("##") {
        Some(rest) if !rest.is_empty() => rest,
        _ => token,
    };
    !core.is_empty()
        && core
            .chars()
            .all(|c| c.is_ascii_punctuation() || TYPOGRAPHIC.contains(&c))
}

/// Checks that `attention` is a non-empty square matrix of weights with one
/// token per row; returns `T`.
fn check_head<S: AsRef<str>>(attention: &Matrix, tokens: &[S]) -> Result<usize, AnalysisError> {
    let (rows, cols) = attention.shape();
    if rows != cols {
        return Err(AnalysisError::NotSquare { rows, cols });
    }
    if rows == 0 {
        return Err(AnalysisError::Empty);
    }
    if tokens.len() != rows {
        return Err(AnalysisError::TokenCountMismatch {
            tokens: tokens.len(),
            size: rows,
        });
    }
    check_weights(attention)?;
    Ok(rows)
}

/// Rejects NaN, infinities and negative entries, which no softmax produces
/// and which would make every mass and entropy below meaningless.
fn check_weights(attention: &Matrix) -> Result<(), AnalysisError> {
    for (row, values) in attention.iter_rows().enumerate() {
        for (col, &value) in values.iter().enumerate() {
            if !(value.is_finite() && value >= 0.0) {
                return Err(AnalysisError::NotAWeight { row, col, value });
            }
        }
    }
    Ok(())
}

/// `H(row / Σ row) / ln T` for `T = row.len() ≥ 2`; 0 for an all-zero row.
fn normalised_entropy(row: &[f32]) -> f64 {
    let total: f64 = row.iter().map(|&w| w as f64).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let entropy: f64 = row
        .iter()
        .map(|&w| w as f64 / total)
        .filter(|&p| p > 0.0)
        .map(|p| -p * p.ln())
        .sum();
    entropy / (row.len() as f64).ln()
}

/// Measures one head. `tokens[i]` labels row `i` and column `i`.
pub fn head_stats<S: AsRef<str>>(
    attention: &Matrix,
    tokens: &[S],
) -> Result<HeadStats, AnalysisError> {
    let n = check_head(attention, tokens)?;
    let is_cls: Vec<bool> = tokens.iter().map(|t| t.as_ref() == CLS_TOKEN).collect();
    let is_sep: Vec<bool> = tokens.iter().map(|t| t.as_ref() == SEP_TOKEN).collect();
    let is_punct: Vec<bool> = tokens.iter().map(|t| is_punctuation(t.as_ref())).collect();

    // f64 sums: a 512-token head adds up 262,144 weights.
    let (mut cls, mut sep, mut punct) = (0.0f64, 0.0f64, 0.0f64);
    let (mut prev, mut next, mut own, mut entropy) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for (i, row) in attention.iter_rows().enumerate() {
        for (j, &w) in row.iter().enumerate() {
            let w = w as f64;
            if is_cls[j] {
                cls += w;
            }
            if is_sep[j] {
                sep += w;
            }
            if is_punct[j] {
                punct += w;
            }
        }
        own += row[i] as f64;
        if i > 0 {
            prev += row[i - 1] as f64;
        }
        if i + 1 < n {
            next += row[i + 1] as f64;
        }
        if n > 1 {
            entropy += normalised_entropy(row);
        }
    }
    let rows = n as f64;
    // Only n − 1 queries have a previous (or next) token.
    let neighbour_rows = (n - 1).max(1) as f64;
    Ok(HeadStats {
        cls_mass: (cls / rows) as f32,
        sep_mass: (sep / rows) as f32,
        punct_mass: (punct / rows) as f32,
        prev_mass: (prev / neighbour_rows) as f32,
        next_mass: (next / neighbour_rows) as f32,
        self_mass: (own / rows) as f32,
        entropy_norm: (entropy / rows) as f32,
    })
}

/// How interesting a head is to look at, in `[0, 1]`:
///
/// `score = (1 − sink) · (1 − local) · (1 − entropy_norm)`
///
/// with `sink` = [`HeadStats::sink_mass`] (`[CLS]` + `[SEP]` + punctuation)
/// and `local` = [`HeadStats::local_mass`] (previous + self + next). Each
/// factor is 1 for the wanted behaviour (no sink, not positional, focused on
/// few keys) and 0 for its opposite, and the product asks for all three at
/// once: a head that dumps everything on `[SEP]`, only looks next door, or
/// looks everywhere equally scores 0 however well it does on the rest.
/// Heads that score high attend sharply to particular, distant, ordinary
/// words, where Clark et al. found syntax and coreference.
pub fn interest_score(stats: &HeadStats) -> f32 {
    (1.0 - stats.sink_mass()) * (1.0 - stats.local_mass()) * (1.0 - stats.entropy_norm.min(1.0))
}

/// A head worth showing, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub layer: usize,
    pub head: usize,
    /// [`interest_score`]
    pub score: f32,
    /// One line per factor of the score, with the numbers, e.g.
    /// `"sink mass 0.12 (low): [CLS] 0.05, [SEP] 0.04, punctuation 0.03"`.
    pub reasons: Vec<String>,
    pub labels: Vec<HeadLabel>,
    pub stats: HeadStats,
}

fn reasons(stats: &HeadStats) -> Vec<String> {
    let sink = stats.sink_mass();
    let sink_word = if sink > SINK_MASS_THRESHOLD {
        "high"
    } else if sink < SINK_MASS_THRESHOLD / 2.0 {
        "low"
    } else {
        "moderate"
    };
    let local = stats.local_mass();
    let local_word = if local > POSITIONAL_MASS_THRESHOLD {
        "positional"
    } else if local < POSITIONAL_MASS_THRESHOLD / 2.0 {
        "not positional"
    } else {
        "partly positional"
    };
    let entropy_word = if stats.entropy_norm > BROAD_ENTROPY_THRESHOLD {
        "broad"
    } else if stats.entropy_norm < FOCUSED_ENTROPY_THRESHOLD {
        "focused"
    } else {
        "spread out"
    };
    vec![
        format!(
            "sink mass {sink:.2} ({sink_word}): [CLS] {:.2}, [SEP] {:.2}, punctuation {:.2}",
            stats.cls_mass, stats.sep_mass, stats.punct_mass
        ),
        format!(
            "positional mass {local:.2} ({local_word}): previous {:.2}, self {:.2}, next {:.2}",
            stats.prev_mass, stats.self_mass, stats.next_mass
        ),
        format!(
            "normalised entropy {:.2} ({entropy_word})",
            stats.entropy_norm
        ),
    ]
}

/// Scores every head of a model, `attentions[layer][head]`, on one input
/// labelled by `tokens`, and returns them best first (ties in layer, then
/// head order). See [`interest_score`] for the formula.
pub fn rank_heads<L, S>(
    attentions: &[L],
    tokens: &[S],
) -> Result<Vec<Recommendation>, AnalysisError>
where
    L: AsRef<[Matrix]>,
    S: AsRef<str>,
{
    let mut out = Vec::new();
    for (layer, heads) in attentions.iter().enumerate() {
        for (head, attention) in heads.as_ref().iter().enumerate() {
            let stats = head_stats(attention, tokens).map_err(|e| AnalysisError::InHead {
                layer,
                head,
                source: Box::new(e),
            })?;
            out.push(Recommendation {
                layer,
                head,
                score: interest_score(&stats),
                reasons: reasons(&stats),
                labels: stats.labels(),
                stats,
            });
        }
    }
    // Scores are finite (the weights were checked), so total_cmp is the
    // usual order; the sort is stable, which keeps ties in model order.
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    Ok(out)
}

/// The element-wise mean of the heads of one layer (all the same shape).
pub fn mean_over_heads(layer: &[Matrix]) -> Result<Matrix, AnalysisError> {
    let first = layer.first().ok_or(AnalysisError::NoHeads)?;
    let mut sum = vec![0.0f64; first.data().len()];
    for (index, head) in layer.iter().enumerate() {
        if head.shape() != first.shape() {
            return Err(AnalysisError::InconsistentShape {
                what: "head",
                index,
                expected: first.shape(),
                found: head.shape(),
            });
        }
        for (s, &x) in sum.iter_mut().zip(head.data()) {
            *s += x as f64;
        }
    }
    let count = layer.len() as f64;
    let data = sum.into_iter().map(|s| (s / count) as f32).collect();
    Ok(Matrix::new(first.rows(), first.cols(), data)?)
}

/// Attention rollout (Abnar & Zuidema, 2020): how much each input token
/// flows into each token at the top, through every layer.
///
/// `layers_mean[0]` is the first layer (closest to the input), e.g. from
/// [`mean_over_heads`]. Each layer is first mixed with the residual
/// connection, `Â_l = rownorm(A_l + I)` (for rows summing to 1 this is the
/// paper's `0.5·A + 0.5·I`), then the layers are chained from the input up:
///
/// `R = Â_L · Â_{L−1} · … · Â_1`
///
/// so `R[i, j]` is the share of top-layer token `i` that comes from input
/// token `j`. A product of matrices whose rows sum to 1 has rows summing to
/// 1, so every row of `R` does too.
pub fn rollout(layers_mean: &[Matrix]) -> Result<Matrix, AnalysisError> {
    let first = layers_mean.first().ok_or(AnalysisError::NoLayers)?;
    let (rows, cols) = first.shape();
    if rows != cols {
        return Err(AnalysisError::NotSquare { rows, cols });
    }
    if rows == 0 {
        return Err(AnalysisError::Empty);
    }
    let mut flow: Option<Matrix> = None;
    for (index, layer) in layers_mean.iter().enumerate() {
        if layer.shape() != first.shape() {
            return Err(AnalysisError::InconsistentShape {
                what: "layer",
                index,
                expected: first.shape(),
                found: layer.shape(),
            });
        }
        check_weights(layer)?;
        let mut mixed = layer.clone();
        for i in 0..rows {
            let row = mixed.row_slice_mut(i);
            row[i] += 1.0;
            // ≥ 1 thanks to the identity, so the division is always safe.
            let total: f32 = row.iter().sum();
            row.iter_mut().for_each(|x| *x /= total);
        }
        // Later layers multiply from the left.
        flow = Some(match flow {
            None => mixed,
            Some(below) => mixed.matmul(&below)?,
        });
    }
    // `layers_mean` is non-empty, so the loop ran at least once.
    flow.ok_or(AnalysisError::NoLayers)
}

/// Removes the rows and columns of special tokens (e.g. `[CLS]`, `[SEP]`)
/// and renormalises every remaining row to sum to 1, so the attention
/// between ordinary words becomes visible when sinks dominate the picture.
///
/// Returns the smaller matrix and the original indices of the tokens kept,
/// in order. A row whose whole weight sat on removed tokens has nothing left
/// to renormalise; it becomes uniform over the kept tokens, "no preference",
/// so that every row still sums to 1 and no NaN appears. If every token is
/// special the result is a 0×0 matrix.
pub fn hide_special<S: AsRef<str>>(
    matrix: &Matrix,
    tokens: &[S],
    special: &[&str],
) -> Result<(Matrix, Vec<usize>), AnalysisError> {
    check_head(matrix, tokens)?;
    let kept: Vec<usize> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !special.contains(&t.as_ref()))
        .map(|(i, _)| i)
        .collect();
    let k = kept.len();
    let mut data = Vec::with_capacity(k * k);
    for &i in &kept {
        let row = matrix.row_slice(i);
        let picked: Vec<f32> = kept.iter().map(|&j| row[j]).collect();
        let total: f64 = picked.iter().map(|&w| w as f64).sum();
        if total > 0.0 {
            data.extend(picked.iter().map(|&w| (w as f64 / total) as f32));
        } else {
            data.extend(std::iter::repeat_n(1.0 / k as f32, k));
        }
    }
    Ok((Matrix::new(k, k, data)?, kept))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use crate::attention::test_util::{assert_close, close, m, EPS};

    const SENTENCE: [&str; 4] = ["[CLS]", "the", "cat", "[SEP]"];

    #[test]
    fn previous_token_head() {
        // Query 0 has no previous token and looks at itself.
        let a = m(&[
            &[1.0, 0.0, 0.0, 0.0],
            &[1.0, 0.0, 0.0, 0.0],
            &[0.0, 1.0, 0.0, 0.0],
            &[0.0, 0.0, 1.0, 0.0],
        ]);
        let s = head_stats(&a, &SENTENCE).unwrap();
        // prev: mean of A[1,0], A[2,1], A[3,2] over the 3 queries that have one.
        assert_eq!(s.prev_mass, 1.0);
        assert_eq!(s.next_mass, 0.0);
        assert_eq!(s.self_mass, 0.25);
        // Queries 0 and 1 put everything on [CLS]: 2 / 4.
        assert_eq!(s.cls_mass, 0.5);
        assert_eq!(s.sep_mass, 0.0);
        assert_eq!(s.entropy_norm, 0.0);
        assert_eq!(s.labels(), vec![HeadLabel::PreviousToken]);
        assert_eq!(interest_score(&s), 0.0);
    }

    #[test]
    fn all_to_sep_head() {
        let row: &[f32] = &[0.0, 0.0, 0.0, 1.0];
        let s = head_stats(&m(&[row, row, row, row]), &SENTENCE).unwrap();
        assert_eq!(s.sep_mass, 1.0);
        // Only query 2 has [SEP] as its next token: 1 / 3.
        assert!(close(s.next_mass, 1.0 / 3.0));
        assert_eq!(s.self_mass, 0.25);
        assert_eq!(s.labels(), vec![HeadLabel::SepSink]);
        assert_eq!(HeadLabel::SepSink.to_string(), "[SEP]-sink");
        assert_eq!(
            serde_json::to_string(&s.labels()).unwrap(),
            r#"["[SEP]-sink"]"#
        );
    }

    #[test]
    fn uniform_head_is_broad() {
        let row: &[f32] = &[0.25; 4];
        let tokens = ["[CLS]", "hi", ",", "[SEP]"];
        let s = head_stats(&m(&[row, row, row, row]), &tokens).unwrap();
        assert!(close(s.entropy_norm, 1.0));
        for mass in [
            s.cls_mass,
            s.sep_mass,
            s.punct_mass,
            s.prev_mass,
            s.next_mass,
            s.self_mass,
        ] {
            assert_eq!(mass, 0.25);
        }
        assert_eq!(s.labels(), vec![HeadLabel::Broad]);
        assert!(interest_score(&s).abs() < EPS);
    }

    #[test]
    fn entropy_by_hand() {
        // Row 0: [0.5, 0.25, 0.25] → H = 0.5 ln 2 + 2 · 0.25 ln 4 = 1.5 ln 2 =
        // 1.0397208; / ln 3 = 1.0986123 → 0.9463946. Row 1: one-hot → 0.
        // Row 2: all zeros → counts as 0. Mean 0.9463946 / 3 = 0.3154649.
        let a = m(&[&[0.5, 0.25, 0.25], &[0.0, 1.0, 0.0], &[0.0, 0.0, 0.0]]);
        let s = head_stats(&a, &["a", "b", "c"]).unwrap();
        assert!(close(s.entropy_norm, 0.315_464_9));
    }

    #[test]
    fn a_single_token_is_focused_on_itself() {
        let s = head_stats(&m(&[&[1.0]]), &["[CLS]"]).unwrap();
        assert_eq!(s.entropy_norm, 0.0);
        assert_eq!((s.prev_mass, s.next_mass, s.self_mass), (0.0, 0.0, 1.0));
        assert_eq!(s.labels(), vec![HeadLabel::ClsSink, HeadLabel::SelfToken]);
    }

    #[test]
    fn punctuation_tokens() {
        for t in [",", ".", "...", "##.", "—", "?!", "。"] {
            assert!(is_punctuation(t), "{t}");
        }
        // "'s" mixes a letter in, so it is not punctuation either.
        for t in ["[CLS]", "a.", "", "cat", "##s", "'s"] {
            assert!(!is_punctuation(t), "{t}");
        }
    }

    #[test]
    fn rollout_of_identity_layers_is_identity() {
        let eye = Matrix::identity(3);
        assert_eq!(
            rollout(&[eye.clone(), eye.clone(), eye.clone()]).unwrap(),
            eye
        );
    }

    #[test]
    fn rollout_two_by_two_by_hand() {
        // Layer 1: everyone looks at token 0.  A₁ + I = [[2, 0], [1, 1]],
        //   Â₁ = [[1, 0], [0.5, 0.5]].
        // Layer 2: everyone looks at token 1.  A₂ + I = [[1, 1], [0, 2]],
        //   Â₂ = [[0.5, 0.5], [0, 1]].
        // R = Â₂ · Â₁ = [[0.5·1 + 0.5·0.5, 0.5·0 + 0.5·0.5], [0·1 + 1·0.5, 0 + 1·0.5]]
        //   = [[0.75, 0.25], [0.5, 0.5]].
        // (The other order, Â₁ · Â₂, would give [[0.5, 0.5], [0.25, 0.75]].)
        let a1 = m(&[&[1.0, 0.0], &[1.0, 0.0]]);
        let a2 = m(&[&[0.0, 1.0], &[0.0, 1.0]]);
        let r = rollout(&[a1, a2]).unwrap();
        assert_close(r.data(), &[0.75, 0.25, 0.5, 0.5]);
    }

    #[test]
    fn rollout_rows_sum_to_one() {
        let a = m(&[&[0.2, 0.3, 0.5], &[0.6, 0.1, 0.3], &[0.0, 0.9, 0.1]]);
        let b = m(&[&[0.1, 0.1, 0.8], &[0.3, 0.3, 0.4], &[0.5, 0.0, 0.5]]);
        let r = rollout(&[a.clone(), b, a]).unwrap();
        for sum in r.row_sums() {
            assert!((sum - 1.0).abs() < 1e-5);
        }
        assert_eq!(rollout(&[]), Err(AnalysisError::NoLayers));
        assert!(matches!(
            rollout(&[Matrix::identity(2), Matrix::identity(3)]),
            Err(AnalysisError::InconsistentShape {
                what: "layer",
                index: 1,
                ..
            })
        ));
    }

    #[test]
    fn mean_over_heads_by_hand() {
        let h0 = m(&[&[1.0, 0.0], &[0.0, 1.0]]);
        let h1 = m(&[&[0.0, 1.0], &[0.5, 0.5]]);
        let mean = mean_over_heads(&[h0, h1]).unwrap();
        assert_close(mean.data(), &[0.5, 0.5, 0.25, 0.75]);
        assert_eq!(mean_over_heads(&[]), Err(AnalysisError::NoHeads));
    }

    #[test]
    fn hide_special_renormalises() {
        let tokens = ["[CLS]", "a", "b", "c", "[SEP]"];
        let a = m(&[
            &[0.2, 0.2, 0.2, 0.2, 0.2],
            // [0.1, 0.2, 0.1] / 0.4 = [0.25, 0.5, 0.25]
            &[0.5, 0.1, 0.2, 0.1, 0.1],
            // nothing left on a, b, c: uniform
            &[0.2, 0.0, 0.0, 0.0, 0.8],
            // [0.6, 0.1, 0.1] / 0.8 = [0.75, 0.125, 0.125]
            &[0.1, 0.6, 0.1, 0.1, 0.1],
            &[0.0, 0.0, 0.0, 0.0, 1.0],
        ]);
        let (hidden, kept) = hide_special(&a, &tokens, &[CLS_TOKEN, SEP_TOKEN]).unwrap();
        assert_eq!(kept, vec![1, 2, 3]);
        let third = 1.0 / 3.0;
        assert_close(
            hidden.data(),
            &[0.25, 0.5, 0.25, third, third, third, 0.75, 0.125, 0.125],
        );
        let (nothing, kept) = hide_special(&m(&[&[1.0]]), &["[CLS]"], &["[CLS]"]).unwrap();
        assert_eq!((nothing.shape(), kept.len()), ((0, 0), 0));
    }

    /// Tokens 0..7 and a head where query i puts 0.9 on token σ(i), two
    /// places away, and 0.1 on [SEP].
    fn focused_head() -> Matrix {
        let sigma = [2, 3, 4, 1, 2, 3, 4];
        let rows: Vec<Vec<f32>> = sigma
            .iter()
            .map(|&target| {
                let mut row = vec![0.0; 7];
                row[target] = 0.9;
                row[6] += 0.1;
                row
            })
            .collect();
        Matrix::from_rows(&rows).unwrap()
    }

    #[test]
    fn score_of_a_focused_head_by_hand() {
        let tokens = ["[CLS]", "the", "cat", "sat", "on", "mat", "[SEP]"];
        let s = head_stats(&focused_head(), &tokens).unwrap();
        // sink = 0.1 ([SEP] in every row)
        // local = next (A[5,6] = 0.1 over 6 queries) + self (A[6,6] = 0.1 over 7)
        //       = 0.0166667 + 0.0142857 = 0.0309524
        // entropy per row = −(0.9 ln 0.9 + 0.1 ln 0.1) / ln 7 = 0.3250830 / 1.9459101 = 0.1670596
        // score = 0.9 · 0.9690476 · 0.8329404 = 0.7264430
        assert!(close(s.sep_mass, 0.1));
        assert!(close(s.next_mass, 0.016_666_7));
        assert!(close(s.self_mass, 0.014_285_7));
        assert_eq!(s.prev_mass, 0.0);
        assert!(close(s.entropy_norm, 0.167_059_6));
        assert!(close(interest_score(&s), 0.726_443));
        assert!(s.labels().is_empty());
    }

    #[test]
    fn reasons_carry_the_numbers() {
        let stats = HeadStats {
            cls_mass: 0.1,
            sep_mass: 0.05,
            punct_mass: 0.05,
            prev_mass: 0.1,
            next_mass: 0.05,
            self_mass: 0.1,
            entropy_norm: 0.4,
        };
        // (1 − 0.2) · (1 − 0.25) · (1 − 0.4) = 0.8 · 0.75 · 0.6 = 0.36
        assert!(close(interest_score(&stats), 0.36));
        assert_eq!(
            reasons(&stats),
            vec![
                "sink mass 0.20 (low): [CLS] 0.10, [SEP] 0.05, punctuation 0.05",
                "positional mass 0.25 (partly positional): previous 0.10, self 0.10, next 0.05",
                "normalised entropy 0.40 (focused)",
            ]
        );
    }

    #[test]
    fn ranking_puts_the_focused_head_first() {
        let tokens = ["[CLS]", "the", "cat", "sat", "on", "mat", "[SEP]"];
        let to_sep: Vec<Vec<f32>> = (0..7)
            .map(|_| vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0])
            .collect();
        let sink = Matrix::from_rows(&to_sep).unwrap();
        let uniform = Matrix::new(7, 7, vec![1.0 / 7.0; 49]).unwrap();
        let model = vec![vec![sink.clone(), uniform], vec![sink, focused_head()]];
        let ranked = rank_heads(&model, &tokens).unwrap();
        assert_eq!(ranked.len(), 4);
        assert_eq!((ranked[0].layer, ranked[0].head), (1, 1));
        assert!(close(ranked[0].score, 0.726_443));
        assert_eq!(
            ranked[0].reasons[0],
            "sink mass 0.10 (low): [CLS] 0.00, [SEP] 0.10, punctuation 0.00"
        );
        // The rest score 0 and keep model order.
        let rest: Vec<(usize, usize)> = ranked[1..].iter().map(|r| (r.layer, r.head)).collect();
        assert_eq!(rest, vec![(0, 0), (0, 1), (1, 0)]);
        assert_eq!(ranked[1].labels, vec![HeadLabel::SepSink]);
        assert!(ranked[1].reasons[0].starts_with("sink mass 1.00 (high)"));
    }

    #[test]
    fn bad_input_is_an_error() {
        let tokens = ["a", "b"];
        assert_eq!(
            head_stats(&Matrix::zeros(2, 3), &tokens),
            Err(AnalysisError::NotSquare { rows: 2, cols: 3 })
        );
        assert_eq!(
            head_stats(&Matrix::zeros(0, 0), &[] as &[&str]),
            Err(AnalysisError::Empty)
        );
        assert_eq!(
            head_stats(&Matrix::identity(3), &tokens),
            Err(AnalysisError::TokenCountMismatch { tokens: 2, size: 3 })
        );
        assert_eq!(
            head_stats(&m(&[&[1.0, 0.0], &[-0.5, 1.5]]), &tokens),
            Err(AnalysisError::NotAWeight {
                row: 1,
                col: 0,
                value: -0.5
            })
        );
        assert!(matches!(
            head_stats(&m(&[&[f32::NAN, 0.0], &[0.0, 1.0]]), &tokens),
            Err(AnalysisError::NotAWeight { row: 0, col: 0, .. })
        ));
        let model = vec![vec![Matrix::identity(2), Matrix::identity(3)]];
        let err = rank_heads(&model, &tokens).unwrap_err();
        assert_eq!(
            err.to_string(),
            "layer 0, head 1: 2 tokens do not label a 3×3 attention matrix"
        );
    }
}
