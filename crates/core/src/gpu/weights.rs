//! Reads a BERT checkpoint's tensors from `model.safetensors` bytes and
//! uploads each, once, into a storage buffer.
//!
//! Reading mirrors `bert::weights` (same `bert.` prefix fallback, same
//! F16/BF16 → f32 upcast, same errors) but keeps HF's `[out, in]` layout,
//! which the matmul kernel reads directly; the CPU path repacks instead.

use candle_core::safetensors::SliceSafetensors;
use candle_core::{DType, Device, Tensor};

use super::{GpuContext, GpuError};
use crate::bert::{BertConfig, BertError};

/// A parsed safetensors file plus the name prefix its encoder uses.
struct Checkpoint<'a> {
    file: SliceSafetensors<'a>,
    prefix: &'static str,
}

impl<'a> Checkpoint<'a> {
    fn from_bytes(bytes: &'a [u8]) -> Result<Self, BertError> {
        let file =
            SliceSafetensors::new(bytes).map_err(|e| BertError::CorruptWeights(e.to_string()))?;
        let probe = "embeddings.word_embeddings.weight";
        // Same rule as the CPU loader: bare names win; `bert.` only when the
        // bare ones are absent.
        let prefix = if file.get(probe).is_err() && file.get(&format!("bert.{probe}")).is_ok() {
            "bert."
        } else {
            ""
        };
        Ok(Checkpoint { file, prefix })
    }

    fn contains(&self, name: &str) -> bool {
        self.file.get(&format!("{}{name}", self.prefix)).is_ok()
    }

    /// The tensor `name` as flat f32 values with exactly `shape`.
    fn get(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, BertError> {
        let view = self
            .file
            .get(&format!("{}{name}", self.prefix))
            .map_err(|_| BertError::MissingTensor { name: name.into() })?;
        if view.shape() != shape {
            return Err(BertError::WrongShape {
                name: name.into(),
                expected: shape.to_vec(),
                found: view.shape().to_vec(),
            });
        }
        let dtype = match DType::try_from(view.dtype()) {
            Ok(d @ (DType::F32 | DType::F16 | DType::BF16)) => d,
            _ => {
                return Err(BertError::UnsupportedDtype {
                    name: name.into(),
                    dtype: format!("{:?}", view.dtype()),
                })
            }
        };
        let tensor = Tensor::from_raw_buffer(view.data(), dtype, shape, &Device::Cpu)
            .map_err(|e| BertError::CorruptWeights(format!("tensor `{name}`: {e}")))?;
        Ok(tensor
            .to_dtype(DType::F32)?
            .flatten_all()?
            .to_vec1::<f32>()?)
    }

    /// Reads `name` and uploads it.
    fn upload(
        &self,
        ctx: &GpuContext,
        name: &str,
        shape: &[usize],
    ) -> Result<wgpu::Buffer, GpuError> {
        ctx.upload_f32(name, &self.get(name, shape)?)
    }
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
        ck: &Checkpoint<'_>,
        path: &str,
        in_dim: usize,
        out_dim: usize,
    ) -> Result<Self, GpuError> {
        Ok(GpuDense {
            weight: ck.upload(ctx, &format!("{path}.weight"), &[out_dim, in_dim])?,
            bias: ck.upload(ctx, &format!("{path}.bias"), &[out_dim])?,
        })
    }

    /// Query, key and value stacked into one `[3H, H]` layer, so a single
    /// product yields the fused `[T, 3H]` rows the attention kernels read.
    fn load_qkv(
        ctx: &GpuContext,
        ck: &Checkpoint<'_>,
        path: &str,
        h: usize,
    ) -> Result<Self, GpuError> {
        let mut weight = Vec::with_capacity(3 * h * h);
        let mut bias = Vec::with_capacity(3 * h);
        for part in ["query", "key", "value"] {
            weight.extend(ck.get(&format!("{path}.{part}.weight"), &[h, h])?);
            bias.extend(ck.get(&format!("{path}.{part}.bias"), &[h])?);
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
    fn load(ctx: &GpuContext, ck: &Checkpoint<'_>, path: &str, h: usize) -> Result<Self, GpuError> {
        Ok(GpuLayerNorm {
            gamma: ck.upload(ctx, &format!("{path}.weight"), &[h])?,
            beta: ck.upload(ctx, &format!("{path}.bias"), &[h])?,
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
        let ck = Checkpoint::from_bytes(safetensors)?;
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
            word_embeddings: ck.upload(
                ctx,
                "embeddings.word_embeddings.weight",
                &[cfg.vocab_size, h],
            )?,
            position_embeddings: ck.upload(
                ctx,
                "embeddings.position_embeddings.weight",
                &[cfg.max_position_embeddings, h],
            )?,
            token_type_embeddings: ck.upload(
                ctx,
                "embeddings.token_type_embeddings.weight",
                &[cfg.type_vocab_size, h],
            )?,
            embeddings_norm: GpuLayerNorm::load(ctx, &ck, "embeddings.LayerNorm", h)?,
            layers,
            pooler,
        })
    }
}
