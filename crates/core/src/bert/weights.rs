//! Named f32 tensors read from the bytes of a `model.safetensors`.
//!
//! The caller fetched the bytes (disk, HTTP, `include_bytes!`); nothing here
//! does I/O. Published BERT checkpoints differ in ways that do not change the
//! model, and this is the one place that absorbs them, for the CPU encoder
//! and the GPU upload alike:
//! - names may carry the `bert.` prefix of `BertForXxx` checkpoints
//!   (bert-base-uncased on the Hub does);
//! - LayerNorms may be stored under TensorFlow's `gamma` / `beta` instead of
//!   PyTorch's `weight` / `bias` (bert-base-uncased again);
//! - weights may be stored as F16/BF16, which we upcast once at load so the
//!   forward pass is pure f32;
//! - extra tensors (`cls.*` pre-training heads, `embeddings.position_ids`, …)
//!   are never read.
//!
//! Every value is checked to be finite as it is converted: a checkpoint with
//! NaN or infinite weights is refused with the tensor's name instead of
//! painting NaN attention maps.

use safetensors::{Dtype, SafeTensors};

use super::BertError;

/// A parsed safetensors buffer plus the name prefix its encoder uses.
pub(crate) struct WeightFile<'a> {
    file: SafeTensors<'a>,
    /// `"bert."` when the checkpoint stores its encoder under that prefix.
    prefix: &'static str,
}

impl<'a> WeightFile<'a> {
    /// Parses the safetensors header. Fails on anything that is not a complete
    /// safetensors file (a truncated download included: the header's offsets
    /// must cover the buffer exactly).
    pub(crate) fn from_bytes(bytes: &'a [u8]) -> Result<Self, BertError> {
        let file = SafeTensors::deserialize(bytes)
            .map_err(|e| BertError::CorruptWeights(format!("{e} ({} bytes read)", bytes.len())))?;
        let has = |name: &str| file.tensor(name).is_ok();
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

/// The older name a checkpoint may store `name` under: TensorFlow-era BERTs
/// call a LayerNorm's scale and shift `gamma` and `beta`.
fn legacy_name(name: &str) -> Option<String> {
    let (module, leaf) = name.rsplit_once('.')?;
    if !module.ends_with("LayerNorm") {
        return None;
    }
    let old = match leaf {
        "weight" => "gamma",
        "bias" => "beta",
        _ => return None,
    };
    Some(format!("{module}.{old}"))
}

/// A position in the tensor name tree, candle `VarBuilder` style: `w.pp("encoder")`
/// descends, `w.get_vec("weight", shape)` loads.
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

    /// The stored tensor for the logical (modern, unprefixed) `name`.
    fn find(&self, name: &str) -> Option<safetensors::tensor::TensorView<'a>> {
        let logical = format!("{}{name}", self.path);
        let prefix = self.file.prefix;
        let file = &self.file.file;
        file.tensor(&format!("{prefix}{logical}")).ok().or_else(|| {
            let old = legacy_name(&logical)?;
            file.tensor(&format!("{prefix}{old}")).ok()
        })
    }

    /// Whether `name` (relative to this view) exists.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    /// The tensor `name` (relative to this view) as row-major f32 values with
    /// exactly `shape`.
    pub(crate) fn get_vec(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, BertError> {
        let logical = format!("{}{name}", self.path);
        let view = self.find(name).ok_or_else(|| BertError::MissingTensor {
            name: logical.clone(),
        })?;
        if view.shape() != shape {
            return Err(BertError::WrongShape {
                name: logical,
                expected: shape.to_vec(),
                found: view.shape().to_vec(),
            });
        }
        let values = decode(view.dtype(), view.data(), &logical)?;
        if let Some(index) = values.iter().position(|v| !v.is_finite()) {
            return Err(BertError::NonFiniteWeight {
                name: logical,
                index,
                value: values[index],
            });
        }
        Ok(values)
    }
}

/// Little-endian F32/F16/BF16 bytes of tensor `name` as f32. The safetensors
/// header check has already tied the byte count to the shape, so `bytes`
/// holds whole values. The result is allocated fallibly: a tensor that does
/// not fit is an error, not an abort.
fn decode(dtype: Dtype, bytes: &[u8], name: &str) -> Result<Vec<f32>, BertError> {
    let width = match dtype {
        Dtype::F32 => 4,
        Dtype::F16 | Dtype::BF16 => 2,
        _ => {
            return Err(BertError::UnsupportedDtype {
                name: name.to_string(),
                dtype: format!("{dtype:?}"),
            })
        }
    };
    let n = bytes.len() / width;
    let mut out = Vec::new();
    out.try_reserve_exact(n)
        .map_err(|_| super::memory::out_of_memory(n, &format!("tensor `{name}`")))?;
    let pairs = || bytes.chunks_exact(2).map(|c| [c[0], c[1]]);
    match dtype {
        Dtype::F32 => out.extend(
            bytes
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        ),
        Dtype::F16 => out.extend(pairs().map(|b| half::f16::from_le_bytes(b).to_f32())),
        _ => out.extend(pairs().map(|b| half::bf16::from_le_bytes(b).to_f32())),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_names_are_layer_norm_only() {
        assert_eq!(
            legacy_name("embeddings.LayerNorm.weight").as_deref(),
            Some("embeddings.LayerNorm.gamma")
        );
        assert_eq!(
            legacy_name("encoder.layer.3.output.LayerNorm.bias").as_deref(),
            Some("encoder.layer.3.output.LayerNorm.beta")
        );
        assert_eq!(legacy_name("encoder.layer.3.output.dense.weight"), None);
        assert_eq!(legacy_name("embeddings.LayerNorm.gamma"), None);
        assert_eq!(legacy_name("weight"), None);
    }

    #[test]
    fn decodes_each_float_dtype() {
        let f32_bytes: Vec<u8> = [1.5f32, -2.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        assert_eq!(decode(Dtype::F32, &f32_bytes, "t"), Ok(vec![1.5, -2.0]));
        // 0x3C00 is 1.0 in f16; 0xC000 is -2.0.
        assert_eq!(
            decode(Dtype::F16, &[0x00, 0x3C, 0x00, 0xC0], "t"),
            Ok(vec![1.0, -2.0])
        );
        // 0x3FC0 is 1.5 in bf16.
        assert_eq!(decode(Dtype::BF16, &[0xC0, 0x3F], "t"), Ok(vec![1.5]));
        assert!(matches!(
            decode(Dtype::I64, &[0; 8], "ids"),
            Err(BertError::UnsupportedDtype { name, dtype }) if name == "ids" && dtype == "I64"
        ));
    }
}
