//! [`GpuBert`]: the BERT forward pass as one GPU submission.
//!
//! Weights are uploaded once, at construction. Everything else depends only
//! on the number of tokens `T`: the work buffers, every layer's dispatches
//! (one compute pass) and the staging buffer for the readback. They are
//! built once per `T` and kept for the last `T` seen, so running the same
//! length again (another word of the same length, a benchmark) only writes
//! the ids and submits. Only what [`ForwardOutput`] holds is read back: the
//! attentions, the hidden states and the pooler output. The sentence
//! embedding is pooled on the host from the read-back last hidden state, in
//! f64 as the CPU path does.

use std::sync::Mutex;

use super::buffers::{self, Plan};
use super::kernels::{check_head_dim, Activation, Recorder};
use super::weights::GpuWeights;
use super::{GpuContext, GpuError};
use crate::bert::model::{mean_pool_normalised, validate_ids};
use crate::bert::{BertConfig, ForwardOutput, NdArray};

/// A BERT encoder whose weights live on the GPU.
#[derive(Debug)]
pub struct GpuBert {
    ctx: GpuContext,
    config: BertConfig,
    weights: GpuWeights,
    /// The forward pass for the last `T`, taken out while it runs: two
    /// forwards at once never share buffers (the second builds its own).
    prepared: Mutex<Option<Prepared>>,
}

/// A forward pass for `t` tokens, recorded and ready to submit.
struct Prepared {
    t: usize,
    ids: wgpu::Buffer,
    type_ids: wgpu::Buffer,
    plan: Plan,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("t", &self.t)
            .finish_non_exhaustive()
    }
}

/// Per-forward GPU buffers, sized for `T` tokens.
struct Work {
    /// `[T, 3H]` fused query, key, value.
    qkv: wgpu::Buffer,
    /// `[T, H]` merged heads.
    context: wgpu::Buffer,
    /// `[T, H]` attention block output.
    attended: wgpu::Buffer,
    /// `[T, intermediate]`.
    inner: wgpu::Buffer,
    /// State `k` is the input of layer `k`; one buffer each, because bind
    /// offsets into a shared buffer would need 256-byte alignment.
    hidden: Vec<wgpu::Buffer>,
    /// `[heads, T, T]` per layer.
    attentions: Vec<wgpu::Buffer>,
    pooled: Option<wgpu::Buffer>,
}

impl GpuBert {
    /// Parses `config.json`, reads `model.safetensors` and uploads every
    /// weight. Fails on the same bad files as [`crate::BertModel::from_bytes`].
    pub async fn from_bytes(
        ctx: &GpuContext,
        config_json: &[u8],
        safetensors: &[u8],
    ) -> Result<Self, GpuError> {
        let config = BertConfig::from_json(config_json)?;
        check_head_dim(config.head_dim())?;
        let weights =
            buffers::within_error_scopes(ctx, |ctx| GpuWeights::load(ctx, safetensors, &config))
                .await?;
        Ok(GpuBert {
            ctx: ctx.clone(),
            config,
            weights,
            prepared: Mutex::new(None),
        })
    }

    /// The validated `config.json`.
    pub fn config(&self) -> &BertConfig {
        &self.config
    }

    /// The context this model runs on.
    pub fn context(&self) -> &GpuContext {
        &self.ctx
    }

    /// Runs the encoder on ids (one sequence, special tokens included) and
    /// returns what [`crate::BertModel::forward_ids`] returns.
    pub async fn forward(&self, ids: &[u32], type_ids: &[u32]) -> Result<ForwardOutput, GpuError> {
        validate_ids(&self.config, ids, type_ids).map_err(GpuError::from_model)?;
        let cfg = &self.config;
        let (t, h, heads) = (ids.len(), cfg.hidden_size, cfg.num_attention_heads);
        let n_layers = cfg.num_hidden_layers;
        let (state, map) = (t * h, heads * t * t);
        let has_pooler = self.weights.pooler.is_some();

        let prepared = match self.take_prepared(t) {
            Some(prepared) => prepared,
            None => buffers::within_error_scopes(&self.ctx, |_| self.record_plan(t)).await?,
        };
        let inputs = [
            (&prepared.ids, bytemuck::cast_slice::<u32, u8>(ids)),
            (
                &prepared.type_ids,
                bytemuck::cast_slice::<u32, u8>(type_ids),
            ),
        ];
        let values = prepared.plan.execute(&self.ctx, &inputs).await?;
        // Kept only after a clean run: after an error the staging buffer
        // may still be mapped.
        self.keep_prepared(prepared);

        let (attentions, rest) = values.split_at(n_layers * map);
        let (hidden, pooled) = rest.split_at((n_layers + 1) * state);
        let last = hidden[n_layers * state..].to_vec();
        Ok(ForwardOutput {
            attentions: NdArray::new(vec![n_layers, heads, t, t], attentions.to_vec())?,
            hidden_states: NdArray::new(vec![n_layers + 1, t, h], hidden.to_vec())?,
            embedding: mean_pool_normalised(&last, h),
            last_hidden_state: NdArray::new(vec![t, h], last)?,
            pooler_output: has_pooler.then(|| pooled.to_vec()),
        })
    }

    /// The kept forward pass if it is for `t` tokens, taken out of the slot.
    fn take_prepared(&self, t: usize) -> Option<Prepared> {
        let mut slot = self.prepared.lock().ok()?;
        match slot.take() {
            Some(prepared) if prepared.t == t => Some(prepared),
            other => {
                *slot = other;
                None
            }
        }
    }

    fn keep_prepared(&self, prepared: Prepared) {
        if let Ok(mut slot) = self.prepared.lock() {
            *slot = Some(prepared);
        }
    }

    /// Allocates the buffers for `t` tokens and records the whole pass.
    fn record_plan(&self, t: usize) -> Result<Prepared, GpuError> {
        let ctx = &self.ctx;
        let cfg = &self.config;
        let (h, n_layers) = (cfg.hidden_size, cfg.num_hidden_layers);
        let (state, map) = (t * h, cfg.num_attention_heads * t * t);
        let work = self.work_buffers(ctx, t)?;
        let ids = ctx.input_u32("input ids", t)?;
        let type_ids = ctx.input_u32("token type ids", t)?;
        let mut rec = Recorder::new(&ctx.device, &ctx.kernels);
        self.record(ctx, &mut rec, &work, &ids, &type_ids, t)?;
        let mut readback: Vec<(wgpu::Buffer, usize)> = Vec::with_capacity(2 * n_layers + 2);
        readback.extend(work.attentions.iter().map(|b| (b.clone(), map)));
        readback.extend(work.hidden.iter().map(|b| (b.clone(), state)));
        readback.extend(work.pooled.iter().map(|b| (b.clone(), h)));
        Ok(Prepared {
            t,
            ids,
            type_ids,
            plan: Plan::new(ctx, rec.into_dispatches(), readback)?,
        })
    }

    fn work_buffers(&self, ctx: &GpuContext, t: usize) -> Result<Work, GpuError> {
        let cfg = &self.config;
        let h = cfg.hidden_size;
        let map = cfg.num_attention_heads * t * t;
        Ok(Work {
            qkv: ctx.work_buffer("qkv", t * 3 * h)?,
            context: ctx.work_buffer("context", t * h)?,
            attended: ctx.work_buffer("attended", t * h)?,
            inner: ctx.work_buffer("intermediate", t * cfg.intermediate_size)?,
            hidden: (0..=cfg.num_hidden_layers)
                .map(|k| ctx.work_buffer(&format!("hidden state {k}"), t * h))
                .collect::<Result<_, _>>()?,
            attentions: (0..cfg.num_hidden_layers)
                .map(|k| ctx.work_buffer(&format!("attentions of layer {k}"), map))
                .collect::<Result<_, _>>()?,
            pooled: match self.weights.pooler {
                Some(_) => Some(ctx.work_buffer("pooler output", h)?),
                None => None,
            },
        })
    }

    /// Records embeddings, every layer and the pooler, in order.
    fn record(
        &self,
        ctx: &GpuContext,
        rec: &mut Recorder<'_>,
        work: &Work,
        ids_buf: &wgpu::Buffer,
        types_buf: &wgpu::Buffer,
        t: usize,
    ) -> Result<(), GpuError> {
        let cfg = &self.config;
        let w = &self.weights;
        let (h, heads, d) = (cfg.hidden_size, cfg.num_attention_heads, cfg.head_dim());
        let inner = cfg.intermediate_size;
        let eps = cfg.layer_norm_eps as f32;

        // One unpadded sequence: every key is visible.
        let mask = ctx.upload_f32("attention mask", &vec![0.0; t])?;

        rec.embed(
            ids_buf,
            types_buf,
            &w.word_embeddings,
            &w.position_embeddings,
            &w.token_type_embeddings,
            &work.hidden[0],
            t,
            h,
        )?;
        rec.layer_norm(
            &work.hidden[0],
            &w.embeddings_norm.gamma,
            &w.embeddings_norm.beta,
            t,
            h,
            eps,
        )?;

        for (k, layer) in w.layers.iter().enumerate() {
            let (x, out) = (&work.hidden[k], &work.hidden[k + 1]);
            rec.matmul(
                x,
                &layer.qkv.weight,
                &layer.qkv.bias,
                &work.qkv,
                t,
                3 * h,
                h,
            )?;
            rec.attention_probs(&work.qkv, &mask, &work.attentions[k], t, heads, d)?;
            rec.attention_context(&work.attentions[k], &work.qkv, &work.context, t, heads, d)?;
            let ao = &layer.attention_out;
            rec.matmul(&work.context, &ao.weight, &ao.bias, &work.attended, t, h, h)?;
            rec.residual_add(&work.attended, x, t * h)?;
            let norm = &layer.attention_norm;
            rec.layer_norm(&work.attended, &norm.gamma, &norm.beta, t, h, eps)?;
            let fi = &layer.intermediate;
            rec.matmul(
                &work.attended,
                &fi.weight,
                &fi.bias,
                &work.inner,
                t,
                inner,
                h,
            )?;
            rec.activation(&work.inner, t * inner, cfg.hidden_act.into())?;
            rec.matmul(
                &work.inner,
                &layer.output.weight,
                &layer.output.bias,
                out,
                t,
                h,
                inner,
            )?;
            rec.residual_add(out, &work.attended, t * h)?;
            let norm = &layer.output_norm;
            rec.layer_norm(out, &norm.gamma, &norm.beta, t, h, eps)?;
        }

        if let (Some(dense), Some(pooled)) = (&w.pooler, &work.pooled) {
            // m = 1: only the first row, [CLS], of the last state is read.
            let last = &work.hidden[cfg.num_hidden_layers];
            rec.matmul(last, &dense.weight, &dense.bias, pooled, 1, h, h)?;
            rec.activation(pooled, h, Activation::Tanh)?;
        }
        Ok(())
    }
}
