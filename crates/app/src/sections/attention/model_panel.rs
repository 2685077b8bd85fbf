//! Which model is loaded, how far its download is, and how to pick another.

use super::state::AttentionState;
use super::{Setter, DEFAULT_MODEL_BASE};
use crate::platform::navigation::current_route;
use crate::state::model_store::{FileProgress, LoadRequest, ModelStatus, ModelStore};
use attend_runtime::protocol::TokenizerKind;
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};

#[component]
pub fn ModelPanel() -> impl IntoView {
    let store = ModelStore::get();
    view! {
        <section class="model-panel" data-testid="model-panel" aria-live="polite">
            <ConfirmOtherHost />
            {move || match store.status.get() {
                ModelStatus::Idle => view! { <p>"The model loads when this section opens."</p> }.into_any(),
                ModelStatus::Loading(files) => view! { <Progress files=files /> }.into_any(),
                ModelStatus::Ready(info) => view! {
                    <p data-testid="model-ready" data-layers=info.layers data-heads=info.heads>
                        <strong>{info.name.clone()}</strong>
                        {format!(" is ready: {} layers × {} heads, hidden size {}, up to {} tokens ({}, loaded in {:.1} s).",
                            info.layers, info.heads, info.hidden_size, info.max_tokens, info.weights_file, info.load_ms / 1000.0)}
                    </p>
                    <crate::components::backend_panel::BackendPanel />
                }.into_any(),
                ModelStatus::Failed(message) => view! {
                    <div class="notice error" data-testid="model-error">
                        <p>{format!("The model could not be loaded: {message}")}</p>
                        <p>"The other sections keep working meanwhile."</p>
                        <button data-testid="model-retry" on:click=move |_| store.retry()>"Retry"</button>
                    </div>
                }.into_any(),
            }}
            {move || store.not_stored.get().map(|why| view! {
                <p class="notice" role="status" data-testid="model-not-stored">{why}</p>
            })}
            {move || store.stored_copy_changed.get().map(|why| view! {
                <div class="notice warn" role="status" data-testid="model-changed">
                    <p>{why}</p>
                    <button data-testid="model-reload" on:click=move |_| store.retry()>"Reload the model"</button>
                </div>
            })}
            <details class="model-picker">
                <summary>"Use another model"</summary>
                <ModelPicker />
            </details>
            <super::stored_models::StoredModels />
        </section>
    }
}

/// A link's model on another host: shown, and loaded only on a yes.
#[component]
fn ConfirmOtherHost() -> impl IntoView {
    let store = ModelStore::get();
    let state = Memo::new(move |_| AttentionState::from_route(&current_route().get()).0);
    let update = Setter::new(state);
    move || {
        store.consent.awaiting.get().map(|waiting| {
            let base = waiting.base.clone();
            view! {
                <div class="notice" role="alertdialog" aria-labelledby="model-confirm-title" data-testid="model-confirm">
                    <p id="model-confirm-title">
                        "This link asks to load a model from "<strong data-testid="model-confirm-host">{waiting.host.clone()}</strong>
                        ", another site."
                    </p>
                    <p class="url"><code>{waiting.base.clone()}</code></p>
                    <p>{format!(
                        "Its files download from that site, which sees your address. The sizes show as the download starts; a weights file over {} MiB or any other file over {} MiB is refused.",
                        attend_runtime::fetch::MAX_WEIGHTS_BYTES >> 20,
                        attend_runtime::fetch::MAX_METADATA_BYTES >> 20
                    )}</p>
                    <button data-testid="model-confirm-load" on:click=move |_| store.consent.confirm(&base)>
                        {format!("Load from {}", waiting.host)}
                    </button>
                    " "
                    <button data-testid="model-confirm-default" on:click=move |_| {
                        store.consent.dismiss();
                        update.apply(|s| s.model = None);
                    }>"Use the default model"</button>
                </div>
            }
        })
    }
}

#[component]
fn Progress(files: Vec<FileProgress>) -> impl IntoView {
    let received: u64 = files.iter().map(|f| f.received_bytes).sum();
    let total: Option<u64> = files.iter().map(|f| f.total_bytes).sum();
    view! {
        <div data-testid="model-loading">
            <p>{format!("Loading the model… {:.1} MiB", received as f64 / 1_048_576.0)}
               {total.map(|t| format!(" of {:.1} MiB", t as f64 / 1_048_576.0))}</p>
            {files.into_iter().map(|f| {
                let label = format!("{}{}", f.file, if f.from_cache { " (from this browser's cache)" } else { "" });
                view! {
                    <label class="file-progress">
                        <span>{label}</span>
                        <progress max=f.total_bytes.unwrap_or(0).max(1) value=f.received_bytes.min(f.total_bytes.unwrap_or(u64::MAX))></progress>
                    </label>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
fn ModelPicker() -> impl IntoView {
    let store = ModelStore::get();
    let url = RwSignal::new(String::new());
    let state = Memo::new(move |_| AttentionState::from_route(&current_route().get()).0);
    let update = Setter::new(state);
    let file_error = RwSignal::new(None::<String>);
    let on_files = move |files: web_sys::FileList| {
        file_error.set(None);
        spawn_local(async move {
            match read_model_files(files).await {
                Ok(request) => {
                    update.apply(|s| s.model = None);
                    store.load(request);
                }
                Err(message) => file_error.set(Some(message)),
            }
        });
    };
    view! {
        <div class="controls">
            <button data-testid="model-default" on:click=move |_| {
                update.apply(|s| s.model = None);
                let weights = state.get_untracked().weights.file().to_string();
                store.load(LoadRequest::Url { base: DEFAULT_MODEL_BASE.into(), weights: Some(weights) });
            }>"Default: all-MiniLM-L6-v2"</button>
            <label class="wide">
                "Load from a URL (Hugging Face layout, e.g. https://huggingface.co/bert-base-uncased/resolve/main/)"
                <input type="url" data-testid="model-url" placeholder="https://…/resolve/main/"
                    on:input=move |ev| url.set(event_target_value(&ev)) />
            </label>
            <button data-testid="model-url-load" on:click=move |_| {
                let base = url.get_untracked().trim().to_string();
                if !base.is_empty() {
                    // Typed by the reader: that is their yes.
                    store.consent.confirm(&base);
                    update.apply(|s| s.model = Some(base));
                }
            }>"Load"</button>
            <label class="wide drop-zone"
                on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
                on:drop=move |ev: web_sys::DragEvent| {
                    ev.prevent_default();
                    if let Some(files) = ev.data_transfer().and_then(|d| d.files()) { on_files(files) }
                }>
                "Or pick (or drop here) local files: config.json, model.safetensors, and tokenizer.json or vocab.txt"
                <input type="file" multiple data-testid="model-files" accept=".json,.safetensors,.txt"
                    on:change=move |ev| {
                        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
                        if let Some(files) = input.and_then(|i| i.files()) { on_files(files) }
                    } />
            </label>
            {move || file_error.get().map(|e| view! { <p class="notice error wide">{e}</p> })}
        </div>
    }
}

/// Sorts picked files into config, weights and tokenizer by name.
async fn read_model_files(files: web_sys::FileList) -> Result<LoadRequest, String> {
    let (mut config, mut weights, mut tokenizer, mut vocab) = (None, None, None, None);
    let mut name = String::from("local model");
    for i in 0..files.length() {
        let Some(file) = files.get(i) else { continue };
        let file_name = file.name();
        let slot = if file_name == "config.json" {
            &mut config
        } else if file_name.ends_with(".safetensors") {
            name = format!("local files ({file_name})");
            &mut weights
        } else if file_name == "tokenizer.json" {
            &mut tokenizer
        } else if file_name == "vocab.txt" {
            &mut vocab
        } else {
            continue;
        };
        let buffer = JsFuture::from(file.array_buffer())
            .await
            .map_err(|_| format!("{file_name} could not be read"))?;
        *slot = Some(Rc::new(js_sys::Uint8Array::new(&buffer).to_vec()));
    }
    let config = config.ok_or("config.json is missing")?;
    let weights = weights.ok_or("no .safetensors weights file was picked")?;
    let tokenizer = match (tokenizer, vocab) {
        (Some(t), _) => (TokenizerKind::TokenizerJson, t),
        (None, Some(v)) => (TokenizerKind::VocabTxt, v),
        _ => return Err("tokenizer.json or vocab.txt is missing".into()),
    };
    Ok(LoadRequest::Files {
        name,
        config,
        weights,
        tokenizer,
    })
}
