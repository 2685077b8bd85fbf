//! The BERT encoder, laid out like HF's `modeling_bert.py` (and candle's
//! `bert.rs`) so every weight name maps to one field — but, unlike those, it
//! keeps each layer's attention probabilities.
//!
//! Batch size is always 1 and nothing is padded, so no attention mask is
//! needed. The forward pass works on plain row-major `f32` slices: each
//! layer's output is written straight into the `hidden_states` result and its
//! softmax into the `attentions` result, and the few intermediates (fused
//! QKV, context, feed-forward) live in buffers allocated once per call. The
//! products run on this crate's packed micro-kernels ([`super::matmul`]).

use super::output::{ForwardOutput, NdArray, Qkv};
use super::weights::{WeightFile, Weights};
use super::{BertConfig, BertError};

mod layers;

use layers::{BertEmbeddings, BertLayer, Dense, Scratch};

/// A BERT encoder that keeps its attention probabilities.
#[derive(Debug, Clone)]
pub struct BertModel {
    embeddings: BertEmbeddings,
    layers: Vec<BertLayer>,
    /// `pooler.dense`, present in most checkpoints but not needed for attention.
    pooler: Option<Dense>,
    config: BertConfig,
}

impl BertModel {
    /// Builds the encoder from `config.json` and `model.safetensors` bytes.
    pub fn from_bytes(config_json: &[u8], safetensors: &[u8]) -> Result<Self, BertError> {
        let config = BertConfig::from_json(config_json)?;
        // Refuse sizes this platform cannot even address before allocating.
        let estimate = config.memory_estimate()?;
        if usize::try_from(estimate.weights_bytes).is_err() {
            return Err(BertError::TooLarge(format!(
                "this model's weights take {} as f32, more than a {}-bit program can address",
                super::format_bytes(estimate.weights_bytes),
                usize::BITS
            )));
        }
        let file = WeightFile::from_bytes(safetensors)?;
        Self::load(&file.root(), &config)
    }

    /// Candle-style constructor from a weight view and a validated config.
    pub(crate) fn load(w: &Weights, cfg: &BertConfig) -> Result<Self, BertError> {
        let embeddings = BertEmbeddings::load(&w.pp("embeddings"), cfg)?;
        let layers = (0..cfg.num_hidden_layers)
            .map(|i| BertLayer::load(&w.pp("encoder").pp("layer").pp(i), cfg))
            .collect::<Result<Vec<_>, _>>()?;
        let pooler_w = w.pp("pooler").pp("dense");
        let pooler = if pooler_w.contains("weight") {
            Some(Dense::load(&pooler_w, cfg.hidden_size, cfg.hidden_size)?)
        } else {
            None
        };
        Ok(BertModel {
            embeddings,
            layers,
            pooler,
            config: cfg.clone(),
        })
    }

    /// The validated `config.json`.
    pub fn config(&self) -> &BertConfig {
        &self.config
    }

    /// The learned position embeddings, `max_position_embeddings × hidden`,
    /// row-major: what the model adds to the piece at each position.
    pub fn position_embeddings(&self) -> &[f32] {
        &self.embeddings.position_embeddings
    }

    /// Checks ids against the config.
    fn validate(&self, ids: &[u32], type_ids: &[u32]) -> Result<(), BertError> {
        validate_ids(&self.config, ids, type_ids)
    }

    /// Runs the encoder on ids (one sequence, special tokens included).
    pub fn forward_ids(&self, ids: &[u32], type_ids: &[u32]) -> Result<ForwardOutput, BertError> {
        self.validate(ids, type_ids)?;
        let cfg = &self.config;
        let (t, h, heads) = (ids.len(), cfg.hidden_size, cfg.num_attention_heads);
        let n_layers = self.layers.len();
        // Checked first: the products below cannot wrap once these fit.
        let (attention_len, hidden_len) = cfg.forward_sizes(t)?;
        let (state, map) = (t * h, heads * t * t);

        // Both results are filled in place: state k of `hidden` is the input
        // of layer k, which writes state k + 1 and its slice of `attentions`.
        let mut hidden = super::memory::try_zeros(hidden_len, "the hidden states")?;
        let mut attentions = super::memory::try_zeros(attention_len, "the attention maps")?;
        self.embeddings.forward(ids, type_ids, &mut hidden[..state]);
        let mut scratch = Scratch::new(cfg, t);
        for (k, (layer, probs)) in self
            .layers
            .iter()
            .zip(attentions.chunks_exact_mut(map))
            .enumerate()
        {
            let (done, rest) = hidden.split_at_mut((k + 1) * state);
            layer.forward(
                t,
                &done[k * state..],
                &mut rest[..state],
                probs,
                &mut scratch,
            );
        }

        let last = hidden[n_layers * state..].to_vec();
        let embedding = mean_pool_normalised(&last, h);
        let pooler_output = self.pooler.as_ref().map(|dense| {
            let mut out = vec![0f32; h];
            dense.forward(1, &last[..h], None, &mut out);
            out.iter_mut().for_each(|x| *x = x.tanh());
            out
        });
        Ok(ForwardOutput {
            attentions: NdArray::new(vec![n_layers, heads, t, t], attentions)?,
            hidden_states: NdArray::new(vec![n_layers + 1, t, h], hidden)?,
            last_hidden_state: NdArray::new(vec![t, h], last)?,
            embedding,
            pooler_output,
        })
    }

    /// The per-head query, key and value vectors that layer `layer` computes
    /// from its input, each `[heads, T, head_dim]`, before any scaling.
    pub fn qkv(&self, ids: &[u32], type_ids: &[u32], layer: usize) -> Result<Qkv, BertError> {
        if layer >= self.layers.len() {
            return Err(BertError::InvalidInput(format!(
                "layer {layer} does not exist; the model has {} layers",
                self.layers.len()
            )));
        }
        self.validate(ids, type_ids)?;
        let cfg = &self.config;
        let (t, h, heads, d) = (
            ids.len(),
            cfg.hidden_size,
            cfg.num_attention_heads,
            cfg.head_dim(),
        );
        let mut x = vec![0f32; t * h];
        let mut next = vec![0f32; t * h];
        let mut probs = vec![0f32; heads * t * t];
        let mut scratch = Scratch::new(cfg, t);
        self.embeddings.forward(ids, type_ids, &mut x);
        for earlier in &self.layers[..layer] {
            earlier.forward(t, &x, &mut next, &mut probs, &mut scratch);
            std::mem::swap(&mut x, &mut next);
        }
        self.layers[layer]
            .attention
            .qkv
            .forward(t, &x, None, &mut scratch.qkv);
        // Row `tok` of the fused buffer holds q, k, v; head `hd` owns columns
        // `hd·d..(hd+1)·d` of each.
        let split = |part: usize| -> Result<NdArray, BertError> {
            let mut data = Vec::with_capacity(heads * t * d);
            for hd in 0..heads {
                for tok in 0..t {
                    let start = tok * 3 * h + part * h + hd * d;
                    data.extend_from_slice(&scratch.qkv[start..start + d]);
                }
            }
            NdArray::new(vec![heads, t, d], data)
        };
        Ok(Qkv {
            layer,
            q: split(0)?,
            k: split(1)?,
            v: split(2)?,
        })
    }
}

/// Checks ids against the config: every id must index its embedding table
/// (the GPU path relies on it too — a GPU would read out of bounds silently).
pub(crate) fn validate_ids(
    cfg: &BertConfig,
    ids: &[u32],
    type_ids: &[u32],
) -> Result<(), BertError> {
    let invalid = |m: String| Err(BertError::InvalidInput(m));
    if ids.is_empty() {
        return invalid("no input ids (even empty text has [CLS] and [SEP])".into());
    }
    if ids.len() != type_ids.len() {
        return invalid(format!(
            "{} input ids but {} token type ids",
            ids.len(),
            type_ids.len()
        ));
    }
    if ids.len() > cfg.max_position_embeddings {
        return invalid(format!(
            "{} tokens exceed max_position_embeddings {}",
            ids.len(),
            cfg.max_position_embeddings
        ));
    }
    if let Some(&id) = ids.iter().find(|&&id| id as usize >= cfg.vocab_size) {
        return invalid(format!(
            "input id {id} is outside the vocabulary of {}",
            cfg.vocab_size
        ));
    }
    if let Some(&ty) = type_ids
        .iter()
        .find(|&&ty| ty as usize >= cfg.type_vocab_size)
    {
        return invalid(format!(
            "token type id {ty} is outside type_vocab_size {}",
            cfg.type_vocab_size
        ));
    }
    Ok(())
}

/// Mean over the `T` rows of `[T, H]`, then L2-normalised, as
/// sentence-transformers' MiniLM pipeline does. Sums in f64 so long inputs do
/// not lose precision.
pub(crate) fn mean_pool_normalised(rows: &[f32], h: usize) -> Vec<f32> {
    let t = rows.len() / h.max(1);
    let mut sum = vec![0f64; h];
    for row in rows.chunks_exact(h.max(1)) {
        for (s, &v) in sum.iter_mut().zip(row) {
            *s += f64::from(v);
        }
    }
    let mean: Vec<f64> = sum.iter().map(|s| s / t.max(1) as f64).collect();
    let norm = mean.iter().map(|m| m * m).sum::<f64>().sqrt();
    // sentence-transformers divides by max(norm, 1e-12).
    let norm = norm.max(1e-12);
    mean.iter().map(|m| (m / norm) as f32).collect()
}
