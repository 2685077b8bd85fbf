// The benchmark page's entry: loads the worker's WebAssembly on this page and
// the model named by `?model=<base URL>` (default: the shipped MiniLM).
(function () {
  "use strict";
  const params = new URLSearchParams(window.location.search);
  const base = params.get("model") || "models/all-MiniLM-L6-v2/";
  const status = document.getElementById("status");
  window.attendReady = wasm_bindgen({ module_or_path: "attend-worker_bg.wasm" })
    .then(() => wasm_bindgen.bench_load(base))
    .then((what) => {
      status.textContent = "ready: " + what;
      return what;
    });
  window.benchForward = (ids) =>
    window.attendReady.then(() => wasm_bindgen.bench_forward(ids));
  window.benchMemoryBytes = () => wasm_bindgen.bench_memory_bytes();
})();
