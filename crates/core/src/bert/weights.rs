//! Named f32 tensors read from the bytes of a `model.safetensors`.
//!
//! The caller fetched the bytes (disk, HTTP, `include_bytes!`); nothing here
//! does I/O. Checkpoints differ in two harmless ways that we absorb: names may
//! carry the `bert.` prefix of `BertForXxx` heads, and weights may be stored as
//! F16/BF16, which we upcast once at load so the forward pass is pure f32.
//! Extra tensors (`cls.*`, `embeddings.position_ids`, …) are never read.

use candle_core::safetensors::SliceSafetensors;
use candle_core::{DType, Device, Tensor};

use super::BertError;

/// A parsed safetensors buffer plus the name prefix its encoder uses.
pub(crate) struct WeightFile<'a> {
    file: SliceSafetensors<'a>,
    /// `"bert."` when the checkpoint stores its encoder under that prefix.
    prefix: &'static str,
}

impl<'a> WeightFile<'a> {
    /// Parses the safetensors header. Fails on anything that is not a complete
    /// safetensors file.
    pub(crate) fn from_bytes(bytes: &'a [u8]) -> Result<Self, BertError> {
        let file =
            SliceSafetensors::new(bytes).map_err(|e| BertError::CorruptWeights(e.to_string()))?;
        let has = |name: &str| file.get(name).is_ok();
        let probe = "embeddings.word_embeddings.weight";
        // Prefer the bare names; fall back to the prefixed ones only when the
        // bare ones are absent (a checkpoint never has both).
        let prefix = if !has(probe) && has(&format!("bert.{probe}")) {
            "bert."
        } else {
            ""
        };
        Ok(WeightFile { file, prefix })
    }

    /// The view at the root of the encoder's names.
    pub(crate) fn root(&self) -> Weights<'_, 'a> {
        Weights {
            file: self,
            path: String::new(),
        }
    }
}

/// A position in the tensor name tree, candle `VarBuilder` style: `w.pp("encoder")`
/// descends, `w.get("weight", shape)` loads.
pub(crate) struct Weights<'f, 'a> {
    file: &'f WeightFile<'a>,
    /// Where [`Weights::pp`] has descended to, e.g. `encoder.layer.3.`.
    path: String,
}

impl<'f, 'a> Weights<'f, 'a> {
    /// A view one level down.
    pub(crate) fn pp(&self, segment: impl std::fmt::Display) -> Weights<'f, 'a> {
        Weights {
            file: self.file,
            path: format!("{}{segment}.", self.path),
        }
    }

    fn stored_name(&self, name: &str) -> String {
        format!("{}{}{name}", self.file.prefix, self.path)
    }

    /// Whether `name` (relative to this view) exists.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.file.file.get(&self.stored_name(name)).is_ok()
    }

    /// The tensor `name` (relative to this view) as f32 with exactly `shape`.
    pub(crate) fn get(&self, name: &str, shape: &[usize]) -> Result<Tensor, BertError> {
        let logical = format!("{}{name}", self.path);
        let view =
            self.file
                .file
                .get(&self.stored_name(name))
                .map_err(|_| BertError::MissingTensor {
                    name: logical.clone(),
                })?;
        if view.shape() != shape {
            return Err(BertError::WrongShape {
                name: logical,
                expected: shape.to_vec(),
                found: view.shape().to_vec(),
            });
        }
        let dtype = match DType::try_from(view.dtype()) {
            Ok(d @ (DType::F32 | DType::F16 | DType::BF16)) => d,
            _ => {
                return Err(BertError::UnsupportedDtype {
                    name: logical,
                    dtype: format!("{:?}", view.dtype()),
                })
            }
        };
        let tensor = Tensor::from_raw_buffer(view.data(), dtype, shape, &Device::Cpu)
            .map_err(|e| BertError::CorruptWeights(format!("tensor `{logical}`: {e}")))?;
        Ok(tensor.to_dtype(DType::F32)?)
    }

    /// [`Weights::get`] as a flat row-major `Vec`.
    pub(crate) fn get_vec(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, BertError> {
        Ok(self.get(name, shape)?.flatten_all()?.to_vec1::<f32>()?)
    }
}
