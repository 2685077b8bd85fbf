//! The parts of a BERT layer, each with HF's weight names: dense
//! projections (weights packed once at load), LayerNorm, the embeddings,
//! self-attention, the feed-forward block, and the layer that chains them;
//! with the scratch buffers a forward pass reuses.

use std::fmt;
use std::ops::Deref;

use super::super::kernels;
use super::super::matmul::{gemm, PackedB};
use super::super::weights::Weights;
use super::super::{BertConfig, BertError, HiddenAct};

/// A parameter vector. Its `Debug` shows the length only: printing a model
/// should not print megabytes of weights.
#[derive(Clone, Default, PartialEq)]
pub(super) struct Param(pub(super) Vec<f32>);

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
pub(super) struct Dense {
    pub(super) weight_t: PackedB,
    pub(super) bias: Param,
}

impl Dense {
    /// Loads `weight` `[out, in]` and `bias` `[out]`.
    pub(super) fn load(w: &Weights, in_dim: usize, out_dim: usize) -> Result<Self, BertError> {
        let weight = w.get_vec("weight", &[out_dim, in_dim])?;
        let bias = w.get_vec("bias", &[out_dim])?;
        Ok(Self::from_parts(&weight, bias, in_dim))
    }

    /// From `weight` `[out, in]` row-major and `bias` `[out]`.
    pub(super) fn from_parts(weight: &[f32], bias: Vec<f32>, in_dim: usize) -> Self {
        let mut weight_t = PackedB::default();
        weight_t.pack_transposed(weight, in_dim, bias.len(), in_dim);
        Dense {
            weight_t,
            bias: Param(bias),
        }
    }

    /// Stacks layers that read the same input side by side, so one product
    /// computes all their outputs (the fused Q/K/V projection).
    pub(super) fn load_fused(
        parts: &[Weights],
        in_dim: usize,
        out_dim: usize,
    ) -> Result<Self, BertError> {
        let mut weight = Vec::with_capacity(parts.len() * out_dim * in_dim);
        let mut bias = Vec::with_capacity(parts.len() * out_dim);
        for w in parts {
            weight.extend(w.get_vec("weight", &[out_dim, in_dim])?);
            bias.extend(w.get_vec("bias", &[out_dim])?);
        }
        Ok(Self::from_parts(&weight, bias, in_dim))
    }

    pub(super) fn out_dim(&self) -> usize {
        self.weight_t.n()
    }

    /// `out[t, out] = x[t, in]·Wᵀ + b (+ residual[t, out])`.
    pub(super) fn forward(&self, t: usize, x: &[f32], residual: Option<&[f32]>, out: &mut [f32]) {
        let n = self.out_dim();
        let out = &mut out[..t * n];
        kernels::fill_rows(out, &self.bias, residual);
        gemm(t, x, self.weight_t.k(), &self.weight_t, out, n, true);
    }
}

/// HF's `LayerNorm` (weight + bias, eps from the config).
#[derive(Debug, Clone)]
pub(super) struct LayerNorm {
    pub(super) weight: Param,
    pub(super) bias: Param,
    pub(super) eps: f32,
}

impl LayerNorm {
    pub(super) fn load(w: &Weights, size: usize, eps: f64) -> Result<Self, BertError> {
        Ok(LayerNorm {
            weight: Param(w.get_vec("weight", &[size])?),
            bias: Param(w.get_vec("bias", &[size])?),
            eps: eps as f32,
        })
    }

    /// Normalises each row of `x` in place.
    pub(super) fn forward(&self, x: &mut [f32]) {
        kernels::layer_norm_rows(x, &self.weight, &self.bias, self.eps);
    }
}

/// `embeddings.*`: word + token type + absolute position, then LayerNorm.
#[derive(Debug, Clone)]
pub(super) struct BertEmbeddings {
    pub(super) word_embeddings: Param,
    pub(super) position_embeddings: Param,
    pub(super) token_type_embeddings: Param,
    pub(super) layer_norm: LayerNorm,
    pub(super) hidden: usize,
}

impl BertEmbeddings {
    pub(super) fn load(w: &Weights, cfg: &BertConfig) -> Result<Self, BertError> {
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
    pub(super) fn forward(&self, ids: &[u32], type_ids: &[u32], out: &mut [f32]) {
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
pub(super) struct Scratch {
    /// `[T, 3H]`: each row is that token's query, key and value.
    pub(super) qkv: Vec<f32>,
    /// `[T, H]`: the heads' attention-weighted values, side by side.
    pub(super) context: Vec<f32>,
    /// `[T, H]`: the attention block's output.
    pub(super) attended: Vec<f32>,
    /// `[T, intermediate]`.
    pub(super) inner: Vec<f32>,
    /// One head's `Kᵀ` and `V`, packed.
    pub(super) keys: PackedB,
    pub(super) values: PackedB,
}

impl Scratch {
    pub(super) fn new(cfg: &BertConfig, t: usize) -> Self {
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
pub(super) struct BertSelfAttention {
    pub(super) qkv: Dense,
    pub(super) num_heads: usize,
    pub(super) head_dim: usize,
}

impl BertSelfAttention {
    pub(super) fn load(w: &Weights, cfg: &BertConfig) -> Result<Self, BertError> {
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
    pub(super) fn forward(&self, t: usize, x: &[f32], probs: &mut [f32], s: &mut Scratch) {
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
pub(super) struct ResidualOutput {
    pub(super) dense: Dense,
    pub(super) layer_norm: LayerNorm,
}

impl ResidualOutput {
    pub(super) fn load(w: &Weights, in_dim: usize, cfg: &BertConfig) -> Result<Self, BertError> {
        Ok(ResidualOutput {
            dense: Dense::load(&w.pp("dense"), in_dim, cfg.hidden_size)?,
            layer_norm: LayerNorm::load(&w.pp("LayerNorm"), cfg.hidden_size, cfg.layer_norm_eps)?,
        })
    }

    /// `out = LayerNorm(x·Wᵀ + b + residual)`.
    pub(super) fn forward(&self, t: usize, x: &[f32], residual: &[f32], out: &mut [f32]) {
        let out = &mut out[..t * self.dense.out_dim()];
        self.dense.forward(t, x, Some(residual), out);
        self.layer_norm.forward(out);
    }
}

/// `intermediate.dense` followed by the activation.
#[derive(Debug, Clone)]
pub(super) struct BertIntermediate {
    pub(super) dense: Dense,
    pub(super) act: HiddenAct,
}

impl BertIntermediate {
    pub(super) fn load(w: &Weights, cfg: &BertConfig) -> Result<Self, BertError> {
        Ok(BertIntermediate {
            dense: Dense::load(&w.pp("dense"), cfg.hidden_size, cfg.intermediate_size)?,
            act: cfg.hidden_act,
        })
    }

    pub(super) fn forward(&self, t: usize, x: &[f32], out: &mut [f32]) {
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
pub(super) struct BertLayer {
    pub(super) attention: BertSelfAttention,
    pub(super) attention_output: ResidualOutput,
    pub(super) intermediate: BertIntermediate,
    pub(super) output: ResidualOutput,
}

impl BertLayer {
    pub(super) fn load(w: &Weights, cfg: &BertConfig) -> Result<Self, BertError> {
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
    pub(super) fn forward(
        &self,
        t: usize,
        x: &[f32],
        out: &mut [f32],
        probs: &mut [f32],
        s: &mut Scratch,
    ) {
        self.attention.forward(t, x, probs, s);
        self.attention_output
            .forward(t, &s.context, x, &mut s.attended);
        self.intermediate.forward(t, &s.attended, &mut s.inner);
        self.output.forward(t, &s.inner, &s.attended, out);
    }
}
