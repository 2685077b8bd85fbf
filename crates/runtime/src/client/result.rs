//! One run's answer as the page holds it: every attention map, the
//! embedding and, when asked for, one layer's queries, keys and values;
//! shapes are checked once, when the answer arrives.

use crate::client::RunRequest;
use crate::error::RuntimeError;
use crate::protocol::{QkvMeta, RunMeta};

/// One run's answer: the tokens, every attention map and the embedding.
#[derive(Clone, Debug, PartialEq)]
pub struct AttentionResult {
    pub request_id: u64,
    pub text: String,
    pub pair: Option<String>,
    pub meta: RunMeta,
    /// `[layer][head][query][key]`, row-major: `layers × heads × T × T`.
    pub attentions: Vec<f32>,
    /// The sentence embedding (mean-pooled, L2-normalised).
    pub embedding: Vec<f32>,
    /// One layer's queries, keys and values, when the run asked for them.
    pub qkv: Option<QkvArrays>,
}

/// How alike a model's learned position embeddings are: the cosine of
/// every pair of positions.
#[derive(Clone, Debug, PartialEq)]
pub struct PositionCosines {
    /// The model they belong to (`ModelInfo::name`).
    pub model: String,
    pub positions: usize,
    /// The width of each embedding.
    pub hidden: usize,
    /// `positions × positions`, row-major.
    pub cosines: Vec<f32>,
}

impl PositionCosines {
    /// Checks the matrix against the announced shape.
    pub fn new(
        model: String,
        positions: usize,
        hidden: usize,
        cosines: Vec<f32>,
    ) -> Result<Self, RuntimeError> {
        if positions.checked_mul(positions) != Some(cosines.len()) {
            return Err(RuntimeError::Malformed {
                what: "table of position cosines",
                detail: format!("{} values for {positions} positions", cosines.len()),
            });
        }
        Ok(PositionCosines {
            model,
            positions,
            hidden,
            cosines,
        })
    }

    pub fn get(&self, p: usize, q: usize) -> Option<f32> {
        (p < self.positions && q < self.positions).then(|| self.cosines[p * self.positions + q])
    }
}

/// Q, K and V of one layer, each `[head][token][head_dim]`, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct QkvArrays {
    pub layer: usize,
    pub heads: usize,
    pub head_dim: usize,
    pub q: Vec<f32>,
    pub k: Vec<f32>,
    pub v: Vec<f32>,
}

impl QkvArrays {
    /// Checks the three arrays against the shape `meta` announces.
    pub fn new(
        meta: &QkvMeta,
        tokens: usize,
        q: Vec<f32>,
        k: Vec<f32>,
        v: Vec<f32>,
    ) -> Result<Self, RuntimeError> {
        let expected = meta
            .heads
            .checked_mul(tokens)
            .and_then(|n| n.checked_mul(meta.head_dim));
        if [q.len(), k.len(), v.len()]
            .iter()
            .any(|&n| Some(n) != expected)
        {
            return Err(RuntimeError::Malformed {
                what: "set of queries, keys and values",
                detail: format!(
                    "{} values, expected {}",
                    q.len(),
                    expected.map_or_else(|| "an impossible size".into(), |n| n.to_string())
                ),
            });
        }
        Ok(QkvArrays {
            layer: meta.layer,
            heads: meta.heads,
            head_dim: meta.head_dim,
            q,
            k,
            v,
        })
    }

    /// One head's `tokens × head_dim` slice of `which` (Q, K or V).
    pub fn head<'a>(&self, which: &'a [f32], head: usize) -> &'a [f32] {
        let size = which.len() / self.heads.max(1);
        which.get(head * size..(head + 1) * size).unwrap_or(&[])
    }
}

impl AttentionResult {
    /// Pairs an answer with the request it answers, checking that the
    /// attentions have the size the metadata implies.
    pub fn new(
        request: RunRequest,
        meta: RunMeta,
        attentions: Vec<f32>,
        embedding: Vec<f32>,
    ) -> Result<Self, RuntimeError> {
        let t = meta.tokens.len();
        // Checked: on wasm32 a bogus header could otherwise wrap to a match.
        let expected = [meta.heads, t, t]
            .iter()
            .try_fold(meta.layers, |acc, &f| acc.checked_mul(f));
        if expected != Some(attentions.len()) || meta.token_type_ids.len() != t {
            return Err(RuntimeError::Malformed {
                what: "result",
                detail: format!(
                    "{} attention values for {} layers × {} heads × {t}² tokens",
                    attentions.len(),
                    meta.layers,
                    meta.heads
                ),
            });
        }
        Ok(AttentionResult {
            request_id: request.request_id,
            text: request.text,
            pair: request.pair,
            meta,
            attentions,
            embedding,
            qkv: None,
        })
    }

    /// Bytes this result holds: its arrays and its text.
    pub fn size_bytes(&self) -> usize {
        let qkv = self
            .qkv
            .as_ref()
            .map_or(0, |q| q.q.len() + q.k.len() + q.v.len());
        let floats = self.attentions.len() + self.embedding.len() + qkv;
        floats
            .saturating_mul(std::mem::size_of::<f32>())
            .saturating_add(self.text.len())
            .saturating_add(self.pair.as_ref().map_or(0, String::len))
    }

    /// Sequence length `T`, special tokens included.
    pub fn num_tokens(&self) -> usize {
        self.meta.tokens.len()
    }

    /// The `T×T` attention matrix of one head, row-major (`[query][key]`);
    /// empty when `layer` or `head` is out of range.
    pub fn head(&self, layer: usize, head: usize) -> &[f32] {
        if layer >= self.meta.layers || head >= self.meta.heads {
            return &[];
        }
        let size = self.num_tokens() * self.num_tokens();
        let start = (layer * self.meta.heads + head) * size;
        self.attentions.get(start..start + size).unwrap_or(&[])
    }

    /// How much `query` attends to `key` in one head; 0 out of range.
    pub fn value(&self, layer: usize, head: usize, query: usize, key: usize) -> f32 {
        let t = self.num_tokens();
        if query >= t || key >= t {
            return 0.0;
        }
        self.head(layer, head)
            .get(query * t + key)
            .copied()
            .unwrap_or(0.0)
    }
}

/// A well-formed header for a run of this shape, with placeholder tokens
/// `t0, t1, …`: for tests of code that consumes results.
pub fn example_meta(tokens: usize, layers: usize, heads: usize) -> RunMeta {
    RunMeta {
        tokens: (0..tokens).map(|i| format!("t{i}")).collect(),
        token_ids: (0..tokens as u32).map(|i| 1000 + i).collect(),
        token_type_ids: vec![0; tokens],
        truncated: 0,
        layers,
        heads,
        forward_ms: 1.0,
        backend: crate::protocol::Backend::Cpu,
        backend_notice: None,
        qkv: None,
        head_summary: Default::default(),
        worker_memory_bytes: 0.0,
        cpu_kernel: String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn position_cosines_check_their_shape() {
        let ok = PositionCosines::new("m".into(), 2, 4, vec![1.0, 0.5, 0.5, 1.0]).unwrap();
        assert_eq!((ok.get(0, 1), ok.get(2, 0)), (Some(0.5), None));
        let bad = PositionCosines::new("m".into(), 3, 4, vec![1.0; 4]).unwrap_err();
        assert_eq!(
            bad.to_string(),
            "the model worker sent a malformed table of position cosines (4 values for 3 positions)"
        );
    }

    use super::*;

    fn request() -> RunRequest {
        RunRequest {
            request_id: 4,
            text: "x".into(),
            pair: None,
            qkv_layer: None,
        }
    }

    #[test]
    fn results_index_heads_row_major() {
        // 2 layers × 3 heads × 2 × 2, value = its flat index.
        let att: Vec<f32> = (0..24).map(|i| i as f32).collect();
        let r = AttentionResult::new(request(), example_meta(2, 2, 3), att, vec![0.5; 4]).unwrap();
        assert_eq!(r.num_tokens(), 2);
        assert_eq!(r.head(0, 0), &[0.0, 1.0, 2.0, 3.0]);
        assert_eq!(r.head(1, 2), &[20.0, 21.0, 22.0, 23.0]);
        assert_eq!(r.value(1, 0, 1, 0), 14.0);
        assert_eq!(r.value(0, 1, 0, 1), 5.0);
        assert!(r.head(2, 0).is_empty() && r.head(0, 3).is_empty());
        assert_eq!(r.value(0, 0, 2, 0), 0.0);
        assert_eq!((r.request_id, r.text.as_str()), (4, "x"));
    }

    #[test]
    fn malformed_results_are_rejected() {
        let e = AttentionResult::new(request(), example_meta(3, 1, 1), vec![0.0; 8], vec![])
            .unwrap_err();
        assert!(e.to_string().contains("malformed result"), "{e}");
        let mut m = example_meta(1, 1, 1);
        m.token_type_ids.clear();
        assert!(AttentionResult::new(request(), m, vec![1.0], vec![]).is_err());
    }
}
