//! The model's own WebAssembly module with relaxed SIMD's fused multiply-add
//! in the matrix products (feature `relaxed-simd`); `model-worker.js` loads
//! it where the browser validates relaxed SIMD (see `static/worker-build.js`).

attend_runtime::worker_binary!();
