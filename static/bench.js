// The benchmark page's entry: loads one build of the model's WebAssembly on
// this page — `?build=attend-worker` or `?build=attend-worker-relaxed`, by
// default the one the model worker would pick (worker-build.js) — and the
// model named by `?model=<base URL>` (default: the shipped MiniLM), with
// `?weights=<file>` or the model's default weights.
(function () {
  "use strict";
  const BUILDS = ["attend-worker", "attend-worker-relaxed"];
  const params = new URLSearchParams(window.location.search);
  const base = params.get("model") || "models/all-MiniLM-L6-v2/";
  const weights = params.get("weights") || undefined;
  const asked = params.get("build");
  const build = BUILDS.includes(asked) ? asked : self.attendWorkerBuild;
  const status = document.getElementById("status");
  const glue = new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = build + ".js";
    script.onload = resolve;
    script.onerror = () => reject(new Error(build + ".js did not load"));
    document.head.appendChild(script);
  });
  window.attendReady = glue
    .then(() => wasm_bindgen({ module_or_path: build + "_bg.wasm" }))
    .then(() => wasm_bindgen.bench_load(base, weights))
    .then((what) => {
      const line = what + ", build " + build + ", " + wasm_bindgen.bench_kernel();
      status.textContent = "ready: " + line;
      return line;
    });
  window.attendReady.catch((error) => {
    status.textContent = "failed: " + ((error && error.message) || error);
  });
  window.benchForward = (ids) =>
    window.attendReady.then(() => wasm_bindgen.bench_forward(ids));
  window.benchAttention = (ids, layer, head) =>
    window.attendReady.then(() => Array.from(wasm_bindgen.bench_attention(ids, layer, head)));
  window.benchKernel = () => window.attendReady.then(() => wasm_bindgen.bench_kernel());
  window.benchMemoryBytes = () => wasm_bindgen.bench_memory_bytes();
})();
