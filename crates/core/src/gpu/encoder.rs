//! [`Encoder`]: one forward API over both backends, chosen by a
//! [`Backend`] value, so callers (the app's worker, the benchmark) do not
//! branch on the engine anywhere else.

use super::{GpuBert, GpuError};
use crate::backend::Backend;
use crate::bert::{BertModel, BertOutput, Encoding};

/// A loaded model on one of the two backends.
#[derive(Debug, Clone, Copy)]
pub enum Encoder<'a> {
    Cpu(&'a BertModel),
    Gpu(&'a GpuBert),
}

impl Encoder<'_> {
    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            Encoder::Cpu(_) => Backend::Cpu,
            Encoder::Gpu(_) => Backend::Gpu,
        }
    }

    /// Runs the encoder on tokenized text. The CPU path's errors arrive as
    /// [`GpuError::InvalidInput`] or [`GpuError::Model`], as the GPU path's
    /// do, so one error type covers both.
    pub async fn forward(&self, enc: &Encoding) -> Result<BertOutput, GpuError> {
        let out = match self {
            Encoder::Cpu(model) => model
                .forward_ids(&enc.input_ids, &enc.token_type_ids)
                .map_err(GpuError::from_model)?,
            Encoder::Gpu(model) => model.forward(&enc.input_ids, &enc.token_type_ids).await?,
        };
        Ok(BertOutput::from_forward(enc, out))
    }
}
