//! What the page says about the heads of one result — every head's
//! statistics and the few worth a look — computed in the worker next to the
//! forward pass, so the page only reads it.

use attend_core::analysis::{rank_heads, HeadStats, Recommendation};
use attend_core::attention::Matrix;
use attend_core::BertOutput;
use serde::{Deserialize, Serialize};

/// How many recommended heads a result carries (the page lists six).
pub const TOP_HEADS: usize = 6;

/// The heads of one result, measured as in Clark et al. (2019).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HeadSummary {
    /// Every head's statistics, layer by layer: `[layer·heads + head]`.
    pub stats: Vec<HeadStats>,
    /// The best-scoring heads, best first (at most [`TOP_HEADS`]).
    pub top: Vec<Recommendation>,
}

impl HeadSummary {
    /// Measures every head of `out`, a model with `heads` heads per layer.
    pub fn of(out: &BertOutput, layers: usize, heads: usize) -> Result<Self, String> {
        let t = out.num_tokens();
        let matrices: Vec<Vec<Matrix>> = (0..layers)
            .map(|layer| {
                (0..heads)
                    .map(|head| {
                        let weights = out.attention(layer, head).ok_or_else(|| {
                            format!("layer {layer}, head {head} is missing from the result")
                        })?;
                        Matrix::new(t, t, weights.to_vec()).map_err(|e| e.to_string())
                    })
                    .collect::<Result<Vec<_>, String>>()
            })
            .collect::<Result<_, _>>()?;
        // One measurement per head: the ranking carries every head's
        // statistics, so model order is recovered from it, not re-measured.
        let ranked = rank_heads(&matrices, &out.tokens).map_err(|e| e.to_string())?;
        let mut stats = vec![None; ranked.len()];
        for rec in &ranked {
            if let Some(slot) = stats.get_mut(rec.layer * heads + rec.head) {
                *slot = Some(rec.stats);
            }
        }
        let stats = stats
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .ok_or("a head is missing from the ranking")?;
        let mut top = ranked;
        top.truncate(TOP_HEADS);
        Ok(HeadSummary { stats, top })
    }

    /// The statistics of one head of a model with `heads` heads per layer.
    pub fn head(&self, layer: usize, head: usize, heads: usize) -> Option<&HeadStats> {
        if head >= heads {
            return None;
        }
        self.stats.get(layer.checked_mul(heads)?.checked_add(head)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use attend_core::NdArray;

    /// 1 layer × 2 heads over "[CLS] dog bites [SEP]": head 0 looks at
    /// itself, head 1 at the next token (the last at [SEP]).
    fn output() -> BertOutput {
        let mut data = Vec::new();
        for q in 0..4 {
            for k in 0..4 {
                data.push(if q == k { 1.0 } else { 0.0 });
            }
        }
        for q in 0..4 {
            for k in 0..4 {
                data.push(if k == (q + 1).min(3) { 1.0 } else { 0.0 });
            }
        }
        let tokens: Vec<String> = ["[CLS]", "dog", "bites", "[SEP]"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        BertOutput {
            tokens,
            input_ids: vec![101, 3899, 7499, 102],
            token_type_ids: vec![0; 4],
            truncated: 0,
            attentions: NdArray::new(vec![1, 2, 4, 4], data).unwrap(),
            hidden_states: NdArray::new(vec![2, 4, 1], vec![0.0; 8]).unwrap(),
            last_hidden_state: NdArray::new(vec![4, 1], vec![0.0; 4]).unwrap(),
            embedding: vec![1.0],
            pooler_output: None,
        }
    }

    #[test]
    fn every_head_is_measured_in_model_order() {
        let summary = HeadSummary::of(&output(), 1, 2).unwrap();
        assert_eq!(summary.stats.len(), 2);
        let own = summary.head(0, 0, 2).unwrap();
        assert_eq!(own.self_mass, 1.0);
        assert_eq!(own.next_mass, 0.0);
        // the 3 rows that have a next token look at it; the last row (and
        // the one before it) at [SEP]
        let next = summary.head(0, 1, 2).unwrap();
        assert!((next.next_mass - 1.0).abs() < 1e-6, "{next:?}");
        assert!((next.self_mass - 0.25).abs() < 1e-6, "{next:?}");
        assert!((next.sep_mass - 0.5).abs() < 1e-6, "{next:?}");
        assert!(summary.head(0, 2, 2).is_none());
        assert!(summary.head(1, 0, 2).is_none());
    }

    #[test]
    fn the_top_heads_are_the_ranking_cut_short() {
        let out = output();
        let summary = HeadSummary::of(&out, 1, 2).unwrap();
        let matrices: Vec<Vec<Matrix>> = vec![(0..2)
            .map(|h| Matrix::new(4, 4, out.attention(0, h).unwrap().to_vec()).unwrap())
            .collect()];
        let ranked = rank_heads(&matrices, &out.tokens).unwrap();
        assert_eq!(summary.top, ranked);
        assert!(summary.top.len() <= TOP_HEADS);
    }

    #[test]
    fn a_result_without_a_head_says_which() {
        let err = HeadSummary::of(&output(), 2, 2).unwrap_err();
        assert!(err.contains("layer 1, head 0"), "{err}");
    }
}
