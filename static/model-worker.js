// Attend's model worker: loads the model's WebAssembly (attend-worker.js and
// attend-worker_bg.wasm, built by Trunk) inside a dedicated Web Worker. The
// wasm's main() installs the message handler and posts "started".
// Relative URLs resolve against this script, so any sub-path works.
importScripts("attend-worker.js");
wasm_bindgen({ module_or_path: "attend-worker_bg.wasm" }).catch((error) => {
  // A rejected promise would go unnoticed by the page; a thrown error
  // reaches the Worker's onerror, which the app shows.
  setTimeout(() => {
    throw new Error(
      "the model's WebAssembly could not start: " + ((error && error.message) || error),
    );
  });
});
