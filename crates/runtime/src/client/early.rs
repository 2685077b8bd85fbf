//! The model worker `boot.js` may have started before the app's own
//! WebAssembly was loaded, so that its download and compilation overlap
//! the app's; the client adopts it instead of starting a second one.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Worker;

/// Where `boot.js` leaves the model worker it started before the app's own
/// WebAssembly was loaded (so that the worker's download and compilation
/// overlap the app's): `{ worker, messages: [], errors: [] }`.
const EARLY_WORKER: &str = "attendEarlyWorker";

/// The worker boot.js started, with what it said so far; taken once.
pub(super) struct EarlyWorker {
    pub worker: Worker,
    pub messages: (js_sys::Array, js_sys::Array),
}

pub(super) fn early_worker() -> Option<EarlyWorker> {
    let global = js_sys::global();
    let key = JsValue::from_str(EARLY_WORKER);
    let early = js_sys::Reflect::get(&global, &key).ok()?;
    if early.is_undefined() || early.is_null() {
        return None;
    }
    // Taken: a second client (after a crash) starts its own.
    crate::report::warn_on_err(
        "forgetting the early worker",
        js_sys::Reflect::delete_property(global.unchecked_ref::<js_sys::Object>(), &key),
    );
    let field = |name: &str| js_sys::Reflect::get(&early, &JsValue::from_str(name)).ok();
    let worker: Worker = field("worker")?.dyn_into().ok()?;
    let messages: js_sys::Array = field("messages")?.dyn_into().ok()?;
    let errors: js_sys::Array = field("errors")?.dyn_into().ok()?;
    Some(EarlyWorker {
        worker,
        messages: (messages, errors),
    })
}
