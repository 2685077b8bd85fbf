// Attend's model worker: loads the model's WebAssembly (built by Trunk)
// inside a dedicated Web Worker — the relaxed-SIMD build where this browser
// validates it, the plain simd128 one elsewhere (worker-build.js). The
// wasm's main() installs the message handler and posts "started".
// Relative URLs resolve against this script, so any sub-path works.
importScripts("worker-build.js");
let build = self.attendWorkerBuild;
try {
  importScripts(build + ".js");
} catch (error) {
  // Offline, with a version the service worker installed while this
  // browser chose the plain build (it has since gained relaxed SIMD): the
  // plain build runs anywhere. The other way round cannot help.
  if (build !== "attend-worker-relaxed") throw error;
  build = "attend-worker";
  importScripts(build + ".js");
}
wasm_bindgen({ module_or_path: build + "_bg.wasm" }).catch((error) => {
  // A rejected promise would go unnoticed by the page; a thrown error
  // reaches the Worker's onerror, which the app shows.
  setTimeout(() => {
    throw new Error(
      "the model's WebAssembly could not start: " + ((error && error.message) || error),
    );
  });
});
