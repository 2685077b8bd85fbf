//! Entry points for timing the forward pass from JavaScript (`bench.html`):
//! `bench_load(base)` loads the model named by `base/manifest.json`, and
//! `bench_forward(ids)` runs one full forward pass, attentions included.

use super::fetch::{fetch_bytes, join};
use attend_core::BertModel;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static MODEL: RefCell<Option<BertModel>> = const { RefCell::new(None) };
}

/// Loads config and default weights (per the manifest) from `base`.
/// Resolves to a short description of what was loaded.
#[wasm_bindgen]
pub async fn bench_load(base: String) -> Result<String, JsError> {
    let manifest = fetch_bytes(&join(&base, "manifest.json"))
        .await
        .map_err(|e| JsError::new(&e))?;
    let manifest: serde_json::Value = serde_json::from_slice(&manifest)
        .map_err(|e| JsError::new(&format!("manifest.json: {e}")))?;
    let weights = manifest["default_weights"]
        .as_str()
        .unwrap_or("model.safetensors")
        .to_string();
    let config = fetch_bytes(&join(&base, "config.json"))
        .await
        .map_err(|e| JsError::new(&e))?;
    let tensors = fetch_bytes(&join(&base, &weights))
        .await
        .map_err(|e| JsError::new(&e))?;
    let model =
        BertModel::from_bytes(&config, &tensors).map_err(|e| JsError::new(&e.to_string()))?;
    let cfg = model.config();
    let description = format!(
        "{} layers × {} heads, hidden {}, weights {weights}",
        cfg.num_hidden_layers, cfg.num_attention_heads, cfg.hidden_size
    );
    MODEL.with(|m| *m.borrow_mut() = Some(model));
    Ok(description)
}

/// One forward pass over `ids` (token type 0). Returns the number of
/// attention probabilities computed, so the work cannot be optimised away.
#[wasm_bindgen]
pub fn bench_forward(ids: &[i32]) -> Result<u32, JsError> {
    let ids: Vec<u32> = ids
        .iter()
        .map(|&i| u32::try_from(i).map_err(|_| JsError::new("token ids must not be negative")))
        .collect::<Result<_, _>>()?;
    let types = vec![0u32; ids.len()];
    MODEL.with(|m| {
        let model = m.borrow();
        let model = model
            .as_ref()
            .ok_or_else(|| JsError::new("call bench_load first"))?;
        let out = model
            .forward_ids(&ids, &types)
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(out.attentions.data().len() as u32)
    })
}
