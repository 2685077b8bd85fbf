//! Browser calls whose failure the reader cannot act on (a storage write in
//! a private window, a history entry, a style toggle): the page goes on,
//! and the console says what failed and why, instead of the error vanishing.

use wasm_bindgen::JsValue;

/// Logs `result`'s error, if any, as "Attend: `what` failed".
pub fn warn_on_err<T, E: std::fmt::Debug>(what: &str, result: Result<T, E>) {
    if let Err(error) = result {
        web_sys::console::warn_1(&JsValue::from_str(&format!(
            "Attend: {what} failed: {error:?}"
        )));
    }
}
