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

use std::fmt;
use std::ops::Deref;

use super::kernels;
use super::matmul::{gemm, PackedB};
use super::output::{ForwardOutput, NdArray, Qkv};
use super::weights::{WeightFile, Weights};
use super::{BertConfig, BertError, HiddenAct};

/// A parameter vector. Its `Debug` shows the length only: printing a model
/// should not print megabytes of weights.
#[derive(Clone, Default, PartialEq)]
struct Param(Vec<f32>);

impl fmt::Debug for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[f32; {}]", self.0.len())
    }
}

impl Deref for Param {
    type Target = [f32];
    fn deref(&self) -> &[f32] {
        &self.0
    }
}

/// A dense layer `y = x·Wᵀ + b`. HF stores `W` as `[out, in]`; we keep `Wᵀ`
/// packed for the micro-kernel, once, at load.
#[derive(Debug, Clone)]
struct Dense {
    weight_t: PackedB,
    bias: Param,
}

impl Dense {
    /// Loads `weight` `[out, in]` and `bias` `[out]`.
    fn load(w: &Weights, in_dim: usize, out_dim: usize) -> Result<Self, BertError> {
        let weight = w.get_vec("weight", &[out_dim, in_dim])?;
        let bias = w.get_vec("bias", &[out_dim])?;
        Ok(Self::from_parts(&weight, bias, in_dim))
    }

    /// From `weight` `[out, in]` row-major and `bias` `[out]`.
    fn from_parts(weight: &[f32], bias: Vec<f32>, in_dim: usize) -> Self {
        let mut weight_t = PackedB::default();
        weight_t.pack_transposed(weight, in_dim, bias.len(), in_dim);
        Dense {
            weight_t,
            bias: Param(bias),
        }
    }

    /// Stacks layers that read the same input side by side, so one product
    /// computes all their outputs (the fused Q/K/V projection).
    fn load_fused(parts: &[Weights], in_dim: usize, out_dim: usize) -> Result<Self, BertError> {
        let mut weight = Vec::with_capacity(parts.len() * out_dim * in_dim);
        let mut bias = Vec::with_capacity(parts.len() * out_dim);
        for w in parts {
            weight.extend(w.get_vec("weight", &[out_dim, in_dim])?);
            bias.extend(w.get_vec("bias", &[out_dim])?);
        }
        Ok(Self::from_parts(&weight, bias, in_dim))
    }

    fn out_dim(&self) -> usize {
        self.weight_t.n()
    }

    /// `out[t, out] = x[t, in]·Wᵀ + b (+ residual[t, out])`.
    fn forward(&self, t: usize, x: &[f32], residual: Option<&[f32]>, out: &mut [f32]) {
        let n = self.out_dim();
        let out = &mut out[..t * n];
        kernels::fill_rows(out, &self.bias, residual);
        gemm(t, x, self.weight_t.k(), &self.weight_t, out, n, true);
    }
}

/// HF's `LayerNorm` (weight + bias, eps from the config).
#[derive(Debug, Clone)]
struct LayerNorm {
    weight: Param,
    bias: Param,
    eps: f32,
}

impl LayerNorm {
    fn load(w: &Weights, size: usize, eps: f64) -> Result<Self, BertError> {
        Ok(LayerNorm {
            weight: Param(w.get_vec("weight", &[size])?),
            bias: Param(w.get_vec("bias", &[size])?),
            eps: eps as f32,
        })
    }

    /// Normalises each row of `x` in place.
    fn forward(&self, x: &mut [f32]) {
        kernels::layer_norm_rows(x, &self.weight, &self.bias, self.eps);
    }
}

/// `embeddings.*`: word + token type + absolute position, then LayerNorm.
#[derive(Debug, Clone)]
struct BertEmbeddings {
    word_embeddings: Param,
    position_embeddings: Param,
    token_type_embeddings: Param,
    layer_norm: LayerNorm,
    hidden: usize,
}

impl BertEmbeddings {
    fn load(w: &Weights, cfg: &BertConfig) -> Result<Self, BertError> {
        let h = cfg.hidden_size;
        Ok(BertEmbeddings {
            word_embeddings: Param(w.get_vec("word_embeddings.weight", &[cfg.vocab_size, h])?),
            position_embeddings: Param(w.get_vec(
                "position_embeddings.weight",
                &[cfg.max_position_embeddings, h],
            )?),
            token_type_embeddings: Param(
                w.get_vec("token_type_embeddings.weight", &[cfg.type_vocab_size, h])?,
            ),
            layer_norm: LayerNorm::load(&w.pp("LayerNorm"), h, cfg.layer_norm_eps)?,
            hidden: h,
        })
    }

    /// Writes the `[T, H]` embeddings of validated ids into `out`.
    fn forward(&self, ids: &[u32], type_ids: &[u32], out: &mut [f32]) {
        let h = self.hidden;
        fn row(table: &[f32], h: usize, i: usize) -> &[f32] {
            &table[i * h..(i + 1) * h]
        }
        for (pos, ((&id, &ty), dst)) in ids
            .iter()
            .zip(type_ids)
            .zip(out.chunks_exact_mut(h))
            .enumerate()
        {
            let words = row(&self.word_embeddings, h, id as usize);
            let types = row(&self.token_type_embeddings, h, ty as usize);
            let positions = row(&self.position_embeddings, h, pos);
            for (((d, &w), &ty), &p) in dst.iter_mut().zip(words).zip(types).zip(positions) {
                // Summed in HF's order; float addition is not associative.
                *d = (w + ty) + p;
            }
        }
        self.layer_norm.forward(&mut out[..ids.len() * h]);
    }
}

/// The buffers one forward pass reuses across layers, sized for `T` tokens.
struct Scratch {
    /// `[T, 3H]`: each row is that token's query, key and value.
    qkv: Vec<f32>,
    /// `[T, H]`: the heads' attention-weighted values, side by side.
    context: Vec<f32>,
    /// `[T, H]`: the attention block's output.
    attended: Vec<f32>,
    /// `[T, intermediate]`.
    inner: Vec<f32>,
    /// One head's `Kᵀ` and `V`, packed.
    keys: PackedB,
    values: PackedB,
}

impl Scratch {
    fn new(cfg: &BertConfig, t: usize) -> Self {
        let h = cfg.hidden_size;
        Scratch {
            qkv: vec![0.0; t * 3 * h],
            context: vec![0.0; t * h],
            attended: vec![0.0; t * h],
            inner: vec![0.0; t * cfg.intermediate_size],
            keys: PackedB::default(),
            values: PackedB::default(),
        }
    }
}

/// `attention.self.{query,key,value}`, fused into one `[3H, H]` projection so
/// a layer does one product instead of three.
#[derive(Debug, Clone)]
struct BertSelfAttention {
    qkv: Dense,
    num_heads: usize,
    head_dim: usize,
}

impl BertSelfAttention {
    fn load(w: &Weights, cfg: &BertConfig) -> Result<Self, BertError> {
        let h = cfg.hidden_size;
        let qkv = Dense::load_fused(&[w.pp("query"), w.pp("key"), w.pp("value")], h, h)?;
        Ok(BertSelfAttention {
            qkv,
            num_heads: cfg.num_attention_heads,
            head_dim: cfg.head_dim(),
        })
    }

    /// Projects `x` `[T, H]` into `s.qkv`, then for each head writes the
    /// probabilities `softmax(q·kᵀ/√d)` into `probs` `[heads, T, T]` and
    /// their product with `v` into the head's columns of `s.context`.
    fn forward(&self, t: usize, x: &[f32], probs: &mut [f32], s: &mut Scratch) {
        let (d, h) = (self.head_dim, self.num_heads * self.head_dim);
        let row = 3 * h;
        self.qkv.forward(t, x, None, &mut s.qkv);
        let scale = 1.0 / (d as f32).sqrt();
        for (head, p) in probs.chunks_exact_mut(t * t).enumerate() {
            let col = head * d;
            s.keys.pack_transposed(&s.qkv[h + col..], d, t, row);
            gemm(t, &s.qkv[col..], row, &s.keys, p, t, false);
            kernels::scaled_softmax_rows(p, t, scale);
            s.values.pack_rows(&s.qkv[2 * h + col..], t, d, row);
            gemm(t, p, t, &s.values, &mut s.context[col..], h, false);
        }
    }
}

/// `attention.output` (dense, residual, LayerNorm) and HF's `BertOutput`
/// module `output.*` (the same, after the feed-forward); named differently
/// here because `BertOutput` is our public result type.
#[derive(Debug, Clone)]
struct ResidualOutput {
    dense: Dense,
    layer_norm: LayerNorm,
}

impl ResidualOutput {
    fn load(w: &Weights, in_dim: usize, cfg: &BertConfig) -> Result<Self, BertError> {
        Ok(ResidualOutput {
            dense: Dense::load(&w.pp("dense"), in_dim, cfg.hidden_size)?,
            layer_norm: LayerNorm::load(&w.pp("LayerNorm"), cfg.hidden_size, cfg.layer_norm_eps)?,
        })
    }

    /// `out = LayerNorm(x·Wᵀ + b + residual)`.
    fn forward(&self, t: usize, x: &[f32], residual: &[f32], out: &mut [f32]) {
        let out = &mut out[..t * self.dense.out_dim()];
        self.dense.forward(t, x, Some(residual), out);
        self.layer_norm.forward(out);
    }
}

/// `intermediate.dense` followed by the activation.
#[derive(Debug, Clone)]
struct BertIntermediate {
    dense: Dense,
    act: HiddenAct,
}

impl BertIntermediate {
    fn load(w: &Weights, cfg: &BertConfig) -> Result<Self, BertError> {
        Ok(BertIntermediate {
            dense: Dense::load(&w.pp("dense"), cfg.hidden_size, cfg.intermediate_size)?,
            act: cfg.hidden_act,
        })
    }

    fn forward(&self, t: usize, x: &[f32], out: &mut [f32]) {
        let out = &mut out[..t * self.dense.out_dim()];
        self.dense.forward(t, x, None, out);
        match self.act {
            HiddenAct::Gelu => kernels::gelu_erf(out),
            HiddenAct::GeluTanh => kernels::gelu_tanh(out),
            HiddenAct::Relu => kernels::relu(out),
        }
    }
}

/// `encoder.layer.N`.
#[derive(Debug, Clone)]
struct BertLayer {
    attention: BertSelfAttention,
    attention_output: ResidualOutput,
    intermediate: BertIntermediate,
    output: ResidualOutput,
}

impl BertLayer {
    fn load(w: &Weights, cfg: &BertConfig) -> Result<Self, BertError> {
        Ok(BertLayer {
            attention: BertSelfAttention::load(&w.pp("attention").pp("self"), cfg)?,
            attention_output: ResidualOutput::load(
                &w.pp("attention").pp("output"),
                cfg.hidden_size,
                cfg,
            )?,
            intermediate: BertIntermediate::load(&w.pp("intermediate"), cfg)?,
            output: ResidualOutput::load(&w.pp("output"), cfg.intermediate_size, cfg)?,
        })
    }

    /// Writes the layer output `[T, H]` into `out` and its attention
    /// `[heads, T, T]` into `probs`.
    fn forward(&self, t: usize, x: &[f32], out: &mut [f32], probs: &mut [f32], s: &mut Scratch) {
        self.attention.forward(t, x, probs, s);
        self.attention_output
            .forward(t, &s.context, x, &mut s.attended);
        self.intermediate.forward(t, &s.attended, &mut s.inner);
        self.output.forward(t, &s.inner, &s.attended, out);
    }
}

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
