//! What one head does: its mass on `[CLS]`, `[SEP]`, punctuation and its
//! neighbours, its entropy, and the labels those earn it.

use super::*;
use crate::attention::Matrix;
use serde::{Deserialize, Serialize};

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
pub(super) fn check_head<S: AsRef<str>>(
    attention: &Matrix,
    tokens: &[S],
) -> Result<usize, AnalysisError> {
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
pub(super) fn check_weights(attention: &Matrix) -> Result<(), AnalysisError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use crate::attention::test_util::{close, m, EPS};

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
}
