//! Reads a BERT checkpoint's tensors from `model.safetensors` bytes and
//! uploads each, once, into a storage buffer.
//!
//! Reading is the CPU loader's own (`bert::weights`: the `bert.` prefix
//! fallback, F16/BF16 → f32, the same errors); only the layout differs:
//! HF's `[out, in]` is kept, which the matmul kernel reads directly, where
//! the CPU path repacks.

use super::{GpuContext, GpuError};
use crate::bert::weights::{WeightFile, Weights};
use crate::bert::BertConfig;

/// Reads `name` (f32, f16 or bf16, with the CPU loader's checks) and uploads
/// it as f32.
fn upload(
    ctx: &GpuContext,
    ck: &Weights<'_, '_>,
    name: &str,
    shape: &[usize],
) -> Result<wgpu::Buffer, GpuError> {
    ctx.upload_f32(name, &ck.get_vec(name, shape)?)
}

/// A dense layer: `weight` `[out, in]` as stored, `bias` `[out]`.
#[derive(Debug)]
pub(crate) struct GpuDense {
    pub(crate) weight: wgpu::Buffer,
    pub(crate) bias: wgpu::Buffer,
}

impl GpuDense {
    fn load(
        ctx: &GpuContext,
        ck: &Weights<'_, '_>,
        path: &str,
        in_dim: usize,
        out_dim: usize,
    ) -> Result<Self, GpuError> {
        Ok(GpuDense {
            weight: upload(ctx, ck, &format!("{path}.weight"), &[out_dim, in_dim])?,
            bias: upload(ctx, ck, &format!("{path}.bias"), &[out_dim])?,
        })
    }

    /// Query, key and value stacked into one `[3H, H]` layer, so a single
    /// product yields the fused `[T, 3H]` rows the attention kernels read.
    fn load_qkv(
        ctx: &GpuContext,
        ck: &Weights<'_, '_>,
        path: &str,
        h: usize,
    ) -> Result<Self, GpuError> {
        let mut weight = Vec::with_capacity(3 * h * h);
        let mut bias = Vec::with_capacity(3 * h);
        for part in ["query", "key", "value"] {
            weight.extend(ck.get_vec(&format!("{path}.{part}.weight"), &[h, h])?);
            bias.extend(ck.get_vec(&format!("{path}.{part}.bias"), &[h])?);
        }
        Ok(GpuDense {
            weight: ctx.upload_f32(&format!("{path}.qkv.weight"), &weight)?,
            bias: ctx.upload_f32(&format!("{path}.qkv.bias"), &bias)?,
        })
    }
}

/// LayerNorm `gamma` (HF: `weight`) and `beta` (`bias`).
#[derive(Debug)]
pub(crate) struct GpuLayerNorm {
    pub(crate) gamma: wgpu::Buffer,
    pub(crate) beta: wgpu::Buffer,
}

impl GpuLayerNorm {
    fn load(
        ctx: &GpuContext,
        ck: &Weights<'_, '_>,
        path: &str,
        h: usize,
    ) -> Result<Self, GpuError> {
        Ok(GpuLayerNorm {
            gamma: upload(ctx, ck, &format!("{path}.weight"), &[h])?,
            beta: upload(ctx, ck, &format!("{path}.bias"), &[h])?,
        })
    }
}

/// `encoder.layer.N`.
#[derive(Debug)]
pub(crate) struct GpuLayer {
    pub(crate) qkv: GpuDense,
    pub(crate) attention_out: GpuDense,
    pub(crate) attention_norm: GpuLayerNorm,
    pub(crate) intermediate: GpuDense,
    pub(crate) output: GpuDense,
    pub(crate) output_norm: GpuLayerNorm,
}

/// Every weight of the encoder, resident on the GPU.
#[derive(Debug)]
pub(crate) struct GpuWeights {
    pub(crate) word_embeddings: wgpu::Buffer,
    pub(crate) position_embeddings: wgpu::Buffer,
    pub(crate) token_type_embeddings: wgpu::Buffer,
    pub(crate) embeddings_norm: GpuLayerNorm,
    pub(crate) layers: Vec<GpuLayer>,
    pub(crate) pooler: Option<GpuDense>,
}

impl GpuWeights {
    /// Reads and uploads every tensor the forward pass uses.
    pub(crate) fn load(
        ctx: &GpuContext,
        safetensors: &[u8],
        cfg: &BertConfig,
    ) -> Result<Self, GpuError> {
        let file = WeightFile::from_bytes(safetensors)?;
        let ck = file.root();
        let (h, inner) = (cfg.hidden_size, cfg.intermediate_size);
        let layers = (0..cfg.num_hidden_layers)
            .map(|i| {
                let p = format!("encoder.layer.{i}");
                Ok(GpuLayer {
                    qkv: GpuDense::load_qkv(ctx, &ck, &format!("{p}.attention.self"), h)?,
                    attention_out: GpuDense::load(
                        ctx,
                        &ck,
                        &format!("{p}.attention.output.dense"),
                        h,
                        h,
                    )?,
                    attention_norm: GpuLayerNorm::load(
                        ctx,
                        &ck,
                        &format!("{p}.attention.output.LayerNorm"),
                        h,
                    )?,
                    intermediate: GpuDense::load(
                        ctx,
                        &ck,
                        &format!("{p}.intermediate.dense"),
                        h,
                        inner,
                    )?,
                    output: GpuDense::load(ctx, &ck, &format!("{p}.output.dense"), inner, h)?,
                    output_norm: GpuLayerNorm::load(ctx, &ck, &format!("{p}.output.LayerNorm"), h)?,
                })
            })
            .collect::<Result<Vec<_>, GpuError>>()?;
        let pooler = if ck.contains("pooler.dense.weight") {
            Some(GpuDense::load(ctx, &ck, "pooler.dense", h, h)?)
        } else {
            None
        };
        Ok(GpuWeights {
            word_embeddings: upload(
                ctx,
                &ck,
                "embeddings.word_embeddings.weight",
                &[cfg.vocab_size, h],
            )?,
            position_embeddings: upload(
                ctx,
                &ck,
                "embeddings.position_embeddings.weight",
                &[cfg.max_position_embeddings, h],
            )?,
            token_type_embeddings: upload(
                ctx,
                &ck,
                "embeddings.token_type_embeddings.weight",
                &[cfg.type_vocab_size, h],
            )?,
            embeddings_norm: GpuLayerNorm::load(ctx, &ck, "embeddings.LayerNorm", h)?,
            layers,
            pooler,
        })
    }
}
