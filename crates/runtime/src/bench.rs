//! Timing the forward pass from JavaScript (`bench.html`): `load(base)`
//! loads the model named by `base/manifest.json`, `forward(ids)` runs one
//! full forward pass, attentions included, and `attention(ids, layer, head)`
//! returns one head's map (so each worker build's numbers can be checked). The worker binary exports
//! them as `bench_load` / `bench_forward`; keeping the `#[wasm_bindgen]`
//! exports there keeps BERT out of the page's own (UI) WebAssembly.

use super::fetch::Watch;
use super::loader;
use attend_core::{BertModel, ForwardOutput};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static MODEL: RefCell<Option<BertModel>> = const { RefCell::new(None) };
}

/// Loads the model at `base` with `weights` (a file name), or its default
/// weights per the manifest, exactly as the model worker does (same files,
/// same cache). Resolves to a short description of what was loaded.
pub async fn load(base: String, weights: Option<String>) -> Result<String, JsError> {
    let loaded = loader::load_url(&base, weights.as_deref(), &Watch::silent(), false)
        .await
        .map_err(|e| JsError::new(&e.to_string()))?;
    let cfg = loaded.bert.model.config();
    let description = format!(
        "{} layers × {} heads, hidden {}, weights {}",
        cfg.num_hidden_layers, cfg.num_attention_heads, cfg.hidden_size, loaded.info.weights_file
    );
    let loader::Loaded {
        bert, cache_writes, ..
    } = loaded;
    MODEL.with(|m| *m.borrow_mut() = Some(bert.model));
    cache_writes.commit().await;
    Ok(description)
}

/// One forward pass over `ids` (token type 0) on the loaded model.
fn forward_output(ids: &[i32]) -> Result<ForwardOutput, JsError> {
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
        model
            .forward_ids(&ids, &types)
            .map_err(|e| JsError::new(&e.to_string()))
    })
}

/// One forward pass over `ids` (token type 0). Returns the number of
/// attention probabilities computed, so the work cannot be optimised away.
pub fn forward(ids: &[i32]) -> Result<u32, JsError> {
    Ok(forward_output(ids)?.attentions.data().len() as u32)
}

/// One head's attention probabilities over `ids` (token type 0), row-major
/// `[query][key]`.
pub fn attention(ids: &[i32], layer: usize, head: usize) -> Result<Vec<f32>, JsError> {
    let out = forward_output(ids)?;
    out.attentions
        .slice(&[layer, head])
        .map(<[f32]>::to_vec)
        .ok_or_else(|| {
            let shape = out.attentions.shape();
            JsError::new(&format!(
                "layer {layer}, head {head} is not in a model of {} × {} (counted from 0)",
                shape.first().copied().unwrap_or(0),
                shape.get(1).copied().unwrap_or(0)
            ))
        })
}

/// The size of this WebAssembly module's linear memory, in bytes: the peak
/// it has ever needed, since wasm memory grows and never shrinks.
pub fn memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        const PAGE_BYTES: f64 = 65_536.0;
        core::arch::wasm32::memory_size(0) as f64 * PAGE_BYTES
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}
