//! A real BERT encoder that returns every attention matrix.
//!
//! The library implementations discard the attention probabilities after
//! using them; Attend's whole point is to show them, so this module runs the
//! encoder itself and keeps them.
//!
//! One concept per file: [`config`] (`config.json`), [`tokenizer`] (text →
//! ids), `weights` (safetensors bytes → f32 values: every published name layout),
//! [`memory`] (what a config will cost, checked before loading),
//! [`model`] (the forward pass, on plain slices), `matmul` (its packed
//! matrix-product kernels, SIMD in the browser too), `kernels` (softmax,
//! GELU, LayerNorm), [`output`] (plain serde results). Everything takes bytes the caller already
//! has; nothing here touches the file system or the network.
//!
//! ```no_run
//! # fn demo(cfg: &[u8], st: &[u8], tok: &[u8]) -> Result<(), attend_core::BertError> {
//! let bert = attend_core::Bert::from_bytes(cfg, st, tok)?;
//! let out = bert.run("The cat sat on the mat.", None, None)?;
//! let row = out.attention_row(0, 3, 1); // layer 0, head 3, where "the" looks
//! # Ok(()) }
//! ```

pub mod config;
mod error;
mod kernels;
mod matmul;
pub mod memory;
pub mod model;
pub mod output;
pub mod tokenizer;
pub(crate) mod weights;

pub use config::{BertConfig, HiddenAct};
pub use error::BertError;
pub use matmul::cpu_kernel_name;
pub use memory::{format_bytes, MemoryEstimate};
pub use model::BertModel;
pub use output::{BertOutput, ForwardOutput, NdArray, Qkv};
pub use tokenizer::{Encoding, Tokenizer};

/// A model together with its tokenizer: text in, [`BertOutput`] out.
#[derive(Debug, Clone)]
pub struct Bert {
    pub model: BertModel,
    pub tokenizer: Tokenizer,
}

impl Bert {
    /// Loads from the bytes of `config.json`, `model.safetensors` and
    /// `tokenizer.json`.
    pub fn from_bytes(
        config_json: &[u8],
        safetensors: &[u8],
        tokenizer_json: &[u8],
    ) -> Result<Self, BertError> {
        Ok(Bert {
            model: BertModel::from_bytes(config_json, safetensors)?,
            tokenizer: Tokenizer::from_bytes(tokenizer_json)?,
        })
    }

    /// The longest input the model takes: `max_len`, capped at the model's
    /// `max_position_embeddings` (which is also the default).
    pub fn effective_max_len(&self, max_len: Option<usize>) -> usize {
        let limit = self.model.config().max_position_embeddings;
        max_len.map_or(limit, |m| m.min(limit))
    }

    /// Tokenizes `text` (and an optional second sentence) and checks that the
    /// ids fit the model's vocabulary.
    pub fn encode(
        &self,
        text: &str,
        pair: Option<&str>,
        max_len: Option<usize>,
    ) -> Result<Encoding, BertError> {
        self.tokenizer
            .encode(text, pair, self.effective_max_len(max_len))
    }

    /// Tokenizes and runs the encoder. Input longer than `max_len` (default
    /// and cap: `max_position_embeddings`) is truncated, and
    /// [`BertOutput::truncated`] says by how many word pieces.
    pub fn run(
        &self,
        text: &str,
        pair: Option<&str>,
        max_len: Option<usize>,
    ) -> Result<BertOutput, BertError> {
        let enc = self.encode(text, pair, max_len)?;
        self.model.forward(&enc)
    }

    /// Per-head Q, K, V of `layer` for this text (see [`BertModel::qkv`]).
    pub fn qkv(
        &self,
        text: &str,
        pair: Option<&str>,
        max_len: Option<usize>,
        layer: usize,
    ) -> Result<Qkv, BertError> {
        let enc = self.encode(text, pair, max_len)?;
        self.model.qkv(&enc.input_ids, &enc.token_type_ids, layer)
    }
}

impl BertModel {
    /// Runs the encoder on a tokenized input and attaches the tokens.
    pub fn forward(&self, enc: &Encoding) -> Result<BertOutput, BertError> {
        let out = self.forward_ids(&enc.input_ids, &enc.token_type_ids)?;
        Ok(BertOutput::from_forward(enc, out))
    }
}
