//! Which heads of a model deserve a closer look, and why in numbers.

use super::*;
use crate::attention::Matrix;
use serde::{Deserialize, Serialize};

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

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use crate::attention::test_util::close;

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
}
