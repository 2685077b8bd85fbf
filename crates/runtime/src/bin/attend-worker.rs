//! The model's own WebAssembly module, plain simd128. Inside a dedicated Web
//! Worker (started by `model-worker.js`) it runs BERT so the page never
//! freezes; on a page (`bench.html`) it only exports the benchmark entry
//! points (see `attend_runtime::worker_binary`).

attend_runtime::worker_binary!();
