// Attend's model worker: loads the model's WebAssembly (built by Trunk)
// inside a dedicated Web Worker — the relaxed-SIMD build where this browser
// validates it, the plain simd128 one elsewhere (worker-build.js). The
// wasm's main() installs the message handler and posts "started".
// Relative URLs resolve against this script, so any sub-path works.
importScripts("worker-build.js");
importScripts(self.attendWorkerBuild + ".js");
wasm_bindgen({ module_or_path: self.attendWorkerBuild + "_bg.wasm" }).catch((error) => {
  // A rejected promise would go unnoticed by the page; a thrown error
  // reaches the Worker's onerror, which the app shows.
  setTimeout(() => {
    throw new Error(
      "the model's WebAssembly could not start: " + ((error && error.message) || error),
    );
  });
});
