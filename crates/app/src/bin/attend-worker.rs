//! The model's own WebAssembly module. It runs BERT inside a Web Worker so
//! the page never freezes, and it also exports the benchmark entry points
//! that `bench.html` calls on the main thread (see `attend_app::model`).

fn main() {
    console_error_panic_hook::set_once();
}
