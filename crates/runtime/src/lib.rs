//! Attend's model runtime: loading and running BERT in the browser, with no
//! UI in it (the app crate draws; this crate computes and moves bytes).
//!
//! The model runs in a Web Worker (`attend-worker.wasm`, started by
//! `model-worker.js`) so typing never freezes the page: [`client`] is the
//! page's side, [`worker`] the worker's, [`protocol`] what they say to each
//! other and [`wire`] how it travels. [`loader`] and [`fetch`] turn a base
//! URL or picked files into a model, for the worker and for the benchmark
//! page ([`bench`]) alike. [`calibration`] decides between the CPU and
//! WebGPU for each input; [`gpu_worker`] is the worker's WebGPU side.

pub mod bench;
pub mod calibration;
pub mod client;
pub mod digest;
mod error;
pub mod fetch;
pub mod gpu_worker;
pub mod head_summary;
pub mod loader;
pub mod model_cache;
pub mod perf_marks;
pub mod protocol;
pub mod report;
pub mod revalidate;
pub mod wire;
pub mod worker;
mod worker_binary;

pub use error::RuntimeError;
