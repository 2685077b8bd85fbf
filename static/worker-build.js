// Which build of the model's WebAssembly this browser runs, decided once by
// validating a tiny module: "attend-worker-relaxed" (matrix products with
// relaxed SIMD's fused multiply-add) where the engine accepts
// `f32x4.relaxed_madd`, else "attend-worker" (plain simd128). A module with
// an instruction the engine lacks does not load at all, so the choice is a
// whole file, made before anything is fetched. Loaded by the model worker
// (model-worker.js), the service worker (sw.js: it keeps only this build for
// offline use) and bench.html, so all three agree.
self.attendWorkerBuild = (function () {
  "use strict";
  const zeros = new Array(16).fill(0);
  const v128Const = [0xfd, 0x0c].concat(zeros);
  // (func (result v128) (f32x4.relaxed_madd (v128.const 0) (v128.const 0) (v128.const 0)))
  const body = [0x00].concat(v128Const, v128Const, v128Const, [0xfd, 0x85, 0x02, 0x0b]);
  const probe = new Uint8Array(
    [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00] // "\0asm", version 1
      .concat([0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b]) // type: () -> v128
      .concat([0x03, 0x02, 0x01, 0x00]) // one function of that type
      .concat([0x0a, body.length + 2, 0x01, body.length], body), // its code
  );
  let relaxed = false;
  try {
    relaxed = typeof WebAssembly === "object" && WebAssembly.validate(probe);
  } catch (error) {
    relaxed = false;
  }
  return relaxed ? "attend-worker-relaxed" : "attend-worker";
})();
