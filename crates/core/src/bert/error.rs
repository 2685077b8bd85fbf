//! The one error type of the BERT module. Every way a user-supplied file or
//! input can be wrong maps to a variant here, so callers (CLI, browser) can
//! print one readable line instead of crashing.

use thiserror::Error;

/// Everything that can go wrong loading or running the BERT encoder.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum BertError {
    /// `config.json` is not JSON, or lacks a required field.
    #[error("config.json could not be read: {0}")]
    ConfigParse(String),

    /// The config is valid JSON but describes a model this encoder cannot run.
    #[error("unsupported model config: {0}")]
    UnsupportedConfig(String),

    /// The weights are not a readable safetensors file (truncated, bad header…).
    #[error("model.safetensors is corrupt or not a safetensors file: {0}")]
    CorruptWeights(String),

    /// A tensor the architecture needs is absent from the weights.
    #[error("model.safetensors has no tensor `{name}` (also looked for `bert.{name}`)")]
    MissingTensor { name: String },

    /// A tensor is present but its shape disagrees with config.json.
    #[error("tensor `{name}` has shape {found:?} but config.json implies {expected:?}")]
    WrongShape {
        name: String,
        expected: Vec<usize>,
        found: Vec<usize>,
    },

    /// A weight is NaN or infinite: the checkpoint is damaged, and running it
    /// would only paint NaN attention maps.
    #[error("tensor `{name}` holds a non-finite value ({value}) at index {index}; the checkpoint is damaged")]
    NonFiniteWeight {
        name: String,
        index: usize,
        value: f32,
    },

    /// The model described by config.json is too big for this machine (or its
    /// sizes overflow this platform's address space).
    #[error("{0}")]
    TooLarge(String),

    /// A tensor is stored in a dtype we do not upcast (only F32/F16/BF16 are).
    #[error("tensor `{name}` is stored as {dtype}; only F32, F16 and BF16 weights are supported")]
    UnsupportedDtype { name: String, dtype: String },

    /// The tokenizer files could not be loaded, or tokenization failed.
    #[error("tokenizer: {0}")]
    Tokenizer(String),

    /// Ids, lengths or a layer index outside what the model accepts.
    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// A tensor operation failed. This indicates a bug rather than bad input,
    /// because inputs and weights are validated before any computation.
    #[error("tensor computation failed: {0}")]
    Compute(String),
}
