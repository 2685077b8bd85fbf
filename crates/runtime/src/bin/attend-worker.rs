//! The model's own WebAssembly module. Inside a dedicated Web Worker
//! (started by `model-worker.js`) it runs BERT so the page never freezes;
//! on a page (`bench.html`) it only exports the benchmark entry points
//! (see `attend_runtime`).

fn main() {
    console_error_panic_hook::set_once();
    // Installs the message loop and posts `Started` when in a worker; on a
    // page there is nothing to start.
    attend_runtime::worker::start();
}

use wasm_bindgen::prelude::*;

/// `bench.html`: loads the model at `base` (see `attend_runtime::bench`).
#[wasm_bindgen]
pub async fn bench_load(base: String) -> Result<String, JsError> {
    attend_runtime::bench::load(base).await
}

/// `bench.html`: one full forward pass over `ids`.
#[wasm_bindgen]
pub fn bench_forward(ids: &[i32]) -> Result<u32, JsError> {
    attend_runtime::bench::forward(ids)
}

/// `bench.html`: bytes of this module's linear memory (it only grows).
#[wasm_bindgen]
pub fn bench_memory_bytes() -> f64 {
    attend_runtime::bench::memory_bytes()
}
