//! Downloading files with `fetch`, from a page or a worker alike.

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`: `window.fetch` on a page, `self.fetch` in a worker.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str) -> Promise;
}

/// Fetches `url` and returns its bytes, or a sentence saying what failed.
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let response = JsFuture::from(global_fetch(url))
        .await
        .map_err(|_| format!("could not download {url} (network error)"))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| format!("{url}: fetch returned something that is not a response"))?;
    if !response.ok() {
        return Err(format!(
            "could not download {url}: HTTP {}",
            response.status()
        ));
    }
    let buffer = response
        .array_buffer()
        .map_err(|_| format!("{url}: the body cannot be read"))?;
    let buffer = JsFuture::from(buffer)
        .await
        .map_err(|_| format!("{url}: the download was interrupted"))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Joins a base URL ("models/x" or "https://host/x/") and a file name.
pub fn join(base: &str, file: &str) -> String {
    if base.is_empty() || base.ends_with('/') {
        format!("{base}{file}")
    } else {
        format!("{base}/{file}")
    }
}
