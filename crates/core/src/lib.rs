//! Attend's numeric core. No DOM, no network: callers hand in bytes and get
//! plain serde structs back, so the same code runs natively, in the CLI and in
//! the browser (wasm32).

pub mod analysis;
pub mod attention;
pub mod backend;
pub mod bert;
pub mod encoding;
#[cfg(feature = "gpu")]
pub mod gpu;
pub mod rng;
pub mod similarity;

pub use backend::Backend;
pub use bert::{
    cpu_kernel_name, Bert, BertConfig, BertError, BertModel, BertOutput, Encoding, ForwardOutput,
    HiddenAct, NdArray, Qkv, Tokenizer,
};
pub use encoding::{
    position_similarity, positional_encoding, sinusoidal_cosines, EncodingError, PositionalEncoding,
};
#[cfg(feature = "gpu")]
pub use gpu::{GpuBert, GpuContext, GpuError};
