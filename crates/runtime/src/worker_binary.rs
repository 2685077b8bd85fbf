//! The body of the model worker's binaries, as a macro: the same module is
//! built twice (`attend-worker`, and `attend-worker-relaxed` with the
//! `relaxed-simd` feature), and its `#[wasm_bindgen]` exports must live in
//! the binary, not in this library, or they would land in the page's own
//! WebAssembly too (which depends on this crate for the client).

/// `fn main` (the worker's message loop) and the benchmark page's exports.
#[macro_export]
macro_rules! worker_binary {
    () => {
        fn main() {
            console_error_panic_hook::set_once();
            // Installs the message loop and posts `Started` when in a worker;
            // on a page there is nothing to start.
            $crate::worker::start();
        }

        /// `bench.html`: loads the model at `base`, with the weights file
        /// `weights` or the default ones (see `attend_runtime::bench`).
        #[wasm_bindgen::prelude::wasm_bindgen]
        pub async fn bench_load(
            base: String,
            weights: Option<String>,
        ) -> Result<String, wasm_bindgen::JsError> {
            $crate::bench::load(base, weights).await
        }

        /// `bench.html`: one full forward pass over `ids`.
        #[wasm_bindgen::prelude::wasm_bindgen]
        pub fn bench_forward(ids: &[i32]) -> Result<u32, wasm_bindgen::JsError> {
            $crate::bench::forward(ids)
        }

        /// `bench.html`: one head's attention map over `ids` (layer and head
        /// counted from 0).
        #[wasm_bindgen::prelude::wasm_bindgen]
        pub fn bench_attention(
            ids: &[i32],
            layer: usize,
            head: usize,
        ) -> Result<Vec<f32>, wasm_bindgen::JsError> {
            $crate::bench::attention(ids, layer, head)
        }

        /// `bench.html`: the matrix-product kernel this build runs.
        #[wasm_bindgen::prelude::wasm_bindgen]
        pub fn bench_kernel() -> String {
            attend_core::cpu_kernel_name().to_string()
        }

        /// `bench.html`: bytes of this module's linear memory (it only grows).
        #[wasm_bindgen::prelude::wasm_bindgen]
        pub fn bench_memory_bytes() -> f64 {
            $crate::bench::memory_bytes()
        }
    };
}
