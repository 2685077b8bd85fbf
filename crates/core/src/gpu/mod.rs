//! A wgpu compute backend for the BERT encoder (feature `gpu`).
//!
//! The same forward pass as [`crate::BertModel::forward_ids`], as WGSL
//! kernels: it runs on Vulkan/Metal natively and on WebGPU in the browser,
//! and returns the same [`crate::ForwardOutput`] within float rounding.
//!
//! One concept per file: [`context`] (adapter, device, compiled kernels),
//! `kernels` (the WGSL files in `shaders/` and their dispatch parameters),
//! [`encoder`] (either backend behind one forward API),
//! `buffers` (upload, one submission, readback), `weights` (safetensors →
//! GPU buffers, once), [`forward`] ([`GpuBert`]), [`ops`] (single kernels,
//! for tests and teaching), [`error`].
//!
//! ```no_run
//! # async fn demo(cfg: &[u8], st: &[u8]) -> Result<(), attend_core::gpu::GpuError> {
//! use attend_core::gpu::{GpuBert, GpuContext};
//! let ctx = GpuContext::new().await?;
//! let bert = GpuBert::from_bytes(&ctx, cfg, st).await?;
//! let out = bert.forward(&[101, 7592, 102], &[0, 0, 0]).await?;
//! # Ok(()) }
//! ```

mod buffers;
pub mod context;
pub mod encoder;
pub mod error;
pub mod forward;
mod kernels;
pub mod ops;
mod weights;

pub use context::{AdapterSummary, GpuContext};
pub use encoder::Encoder;
pub use error::GpuError;
pub use forward::GpuBert;
pub use kernels::Activation;
/// The wgpu version this backend is built on, for callers that need its types.
pub use wgpu;
