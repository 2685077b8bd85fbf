//! Plain data that leaves the encoder: no tensors, only `Vec<f32>` + shape.
//!
//! Multi-dimensional results are stored flat (one allocation, cheap to hand to
//! JavaScript as a `Float32Array`) but serialise as nested JSON arrays, e.g.
//! attentions as `[layer][head][query][key]`, which is what people and
//! Python-side tools expect to read.

use serde::de::Error as _;
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{BertError, Encoding};

/// A dense row-major `f32` array with its shape.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NdArray {
    shape: Vec<usize>,
    data: Vec<f32>,
}

impl NdArray {
    /// Wraps `data` as an array of `shape`; the lengths must agree.
    pub fn new(shape: Vec<usize>, data: Vec<f32>) -> Result<Self, BertError> {
        let expected: usize = shape.iter().product();
        if expected != data.len() {
            return Err(BertError::InvalidInput(format!(
                "shape {shape:?} needs {expected} values, got {}",
                data.len()
            )));
        }
        Ok(NdArray { shape, data })
    }

    /// Length of each dimension, outermost first.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// All values, row-major.
    pub fn data(&self) -> &[f32] {
        &self.data
    }

    /// Gives up the flat buffer.
    pub fn into_data(self) -> Vec<f32> {
        self.data
    }

    /// The contiguous sub-array addressed by leading indices: with attentions,
    /// `slice(&[layer, head])` is that head's `T×T` matrix and
    /// `slice(&[layer, head, query])` one softmax row. `None` when out of range.
    pub fn slice(&self, prefix: &[usize]) -> Option<&[f32]> {
        if prefix.len() > self.shape.len() {
            return None;
        }
        let mut offset = 0;
        for (dim, (&i, &n)) in prefix.iter().zip(&self.shape).enumerate() {
            if i >= n {
                return None;
            }
            let stride: usize = self.shape[dim + 1..].iter().product();
            offset += i * stride;
        }
        let len: usize = self.shape[prefix.len()..].iter().product();
        self.data.get(offset..offset + len)
    }

    /// One element, `None` when out of range or of the wrong rank.
    pub fn get(&self, index: &[usize]) -> Option<f32> {
        if index.len() != self.shape.len() {
            return None;
        }
        self.slice(index).and_then(|s| s.first().copied())
    }
}

impl Serialize for NdArray {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// One nesting level: the sub-array `data` of `shape`.
        struct Level<'a> {
            shape: &'a [usize],
            data: &'a [f32],
        }
        impl Serialize for Level<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self.shape {
                    [] => self
                        .data
                        .first()
                        .copied()
                        .unwrap_or(0.0)
                        .serialize(serializer),
                    [_] => self.data.serialize(serializer),
                    [n, rest @ ..] => {
                        let step: usize = rest.iter().product();
                        let mut seq = serializer.serialize_seq(Some(*n))?;
                        for i in 0..*n {
                            seq.serialize_element(&Level {
                                shape: rest,
                                data: &self.data[i * step..(i + 1) * step],
                            })?;
                        }
                        seq.end()
                    }
                }
            }
        }
        Level {
            shape: &self.shape,
            data: &self.data,
        }
        .serialize(serializer)
    }
}

/// A JSON number or a (nested) list of them.
#[derive(Deserialize)]
#[serde(untagged)]
enum Nested {
    Number(f32),
    List(Vec<Nested>),
}

impl<'de> Deserialize<'de> for NdArray {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        fn walk(node: Nested, depth: usize, shape: &mut Vec<usize>, data: &mut Vec<f32>) -> bool {
            match node {
                Nested::Number(x) => {
                    if depth != shape.len() && !shape.is_empty() {
                        return false;
                    }
                    data.push(x);
                    true
                }
                Nested::List(items) => {
                    if depth == shape.len() {
                        // First list seen at this depth fixes its length.
                        if !data.is_empty() {
                            return false;
                        }
                        shape.push(items.len());
                    } else if depth > shape.len() || shape[depth] != items.len() {
                        return false;
                    }
                    items
                        .into_iter()
                        .all(|item| walk(item, depth + 1, shape, data))
                }
            }
        }
        let root = Nested::deserialize(deserializer)?;
        let (mut shape, mut data) = (Vec::new(), Vec::new());
        if !walk(root, 0, &mut shape, &mut data) {
            return Err(D::Error::custom("nested array is not rectangular"));
        }
        NdArray::new(shape, data).map_err(D::Error::custom)
    }
}

/// Everything one forward pass computes, for inputs given as ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForwardOutput {
    /// `[layer][head][query][key]` softmax probabilities; each row sums to 1.
    pub attentions: NdArray,
    /// `[num_layers + 1][token][hidden]`: `[0]` is the embeddings output (after
    /// LayerNorm), `[k]` the output of layer `k`.
    pub hidden_states: NdArray,
    /// `[token][hidden]`, equal to the last entry of `hidden_states`.
    pub last_hidden_state: NdArray,
    /// Mean over tokens of `last_hidden_state`, L2-normalised (the
    /// sentence-transformers sentence embedding).
    pub embedding: Vec<f32>,
    /// `tanh(W · h[CLS] + b)` when the checkpoint has pooler weights.
    pub pooler_output: Option<Vec<f32>>,
}

/// A forward pass on tokenized text: the tokens plus every intermediate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BertOutput {
    /// Word pieces, special tokens included (`[CLS] … [SEP]`).
    pub tokens: Vec<String>,
    pub input_ids: Vec<u32>,
    /// 0 for the first sentence (and `[CLS]`), 1 for the pair sentence.
    pub token_type_ids: Vec<u32>,
    /// How many word pieces truncation dropped to fit the maximum length.
    pub truncated: usize,
    /// `[layer][head][query][key]` softmax probabilities.
    pub attentions: NdArray,
    /// `[num_layers + 1][token][hidden]`, `[0]` = embeddings output.
    pub hidden_states: NdArray,
    /// `[token][hidden]`.
    pub last_hidden_state: NdArray,
    /// Mean-pooled, L2-normalised sentence embedding.
    pub embedding: Vec<f32>,
    /// Pooler output when the checkpoint has a pooler.
    pub pooler_output: Option<Vec<f32>>,
}

impl BertOutput {
    /// Attaches the tokens of `enc` to a forward pass over its ids (from
    /// either backend).
    pub fn from_forward(enc: &Encoding, out: ForwardOutput) -> Self {
        BertOutput {
            tokens: enc.tokens.clone(),
            input_ids: enc.input_ids.clone(),
            token_type_ids: enc.token_type_ids.clone(),
            truncated: enc.truncated,
            attentions: out.attentions,
            hidden_states: out.hidden_states,
            last_hidden_state: out.last_hidden_state,
            embedding: out.embedding,
            pooler_output: out.pooler_output,
        }
    }

    /// Sequence length `T` (special tokens included).
    pub fn num_tokens(&self) -> usize {
        self.input_ids.len()
    }

    /// The `T×T` attention matrix of one head, row-major (`[query][key]`).
    pub fn attention(&self, layer: usize, head: usize) -> Option<&[f32]> {
        self.attentions.slice(&[layer, head])
    }

    /// Where one query token looks: a softmax row of length `T`.
    pub fn attention_row(&self, layer: usize, head: usize, query: usize) -> Option<&[f32]> {
        self.attentions.slice(&[layer, head, query])
    }
}

/// The per-head query, key and value vectors entering one layer's attention,
/// each `[head][token][head_dim]`. `scores = q·kᵀ / √head_dim` and
/// `softmax(scores)·v` reproduce that layer's attention and context exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Qkv {
    pub layer: usize,
    pub q: NdArray,
    pub k: NdArray,
    pub v: NdArray,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_and_nested_json() {
        let a = NdArray::new(vec![2, 2, 3], (0..12).map(|x| x as f32).collect()).expect("ok");
        assert_eq!(a.slice(&[1]), Some(&[6.0, 7.0, 8.0, 9.0, 10.0, 11.0][..]));
        assert_eq!(a.slice(&[1, 0]), Some(&[6.0, 7.0, 8.0][..]));
        assert_eq!(a.get(&[0, 1, 2]), Some(5.0));
        assert_eq!(a.get(&[0, 2, 0]), None);
        assert_eq!(a.slice(&[2]), None);
        let json = serde_json::to_string(&a).expect("serialise");
        assert_eq!(
            json,
            "[[[0.0,1.0,2.0],[3.0,4.0,5.0]],[[6.0,7.0,8.0],[9.0,10.0,11.0]]]"
        );
        let back: NdArray = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, a);
        assert!(serde_json::from_str::<NdArray>("[[1.0],[2.0,3.0]]").is_err());
        assert!(serde_json::from_str::<NdArray>("[[1.0],2.0]").is_err());
        assert!(NdArray::new(vec![2, 2], vec![1.0]).is_err());
    }
}
