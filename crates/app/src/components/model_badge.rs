//! A one-line model status for the sections that can use the real model
//! but do not need it: they work with illustrative numbers until the reader
//! asks for the model (a download of tens of megabytes is the reader's
//! choice on a phone, not a side effect of opening a page).

use crate::state::model_store::{ModelStatus, ModelStore};
use leptos::prelude::*;

/// `what` says what the model adds here ("real attention arcs").
#[component]
pub fn ModelBadge(testid: &'static str, what: &'static str) -> impl IntoView {
    let store = ModelStore::get();
    view! {
        <p class="model-badge" data-testid=testid aria-live="polite"
            data-status=move || match store.status.get() {
                ModelStatus::Idle => "idle",
                ModelStatus::Loading(_) => "loading",
                ModelStatus::Ready(_) => "ready",
                ModelStatus::Failed(_) => "failed",
            }>
            {move || match store.status.get() {
                ModelStatus::Idle => view! {
                    <span>{format!("Illustrative numbers. Load the real model for {what}: ")}</span>
                    <button data-testid=format!("{testid}-load") on:click=move |_| store.load_default_if_idle()>
                        "Load the model (about 45 MB, once)"
                    </button>
                }.into_any(),
                ModelStatus::Loading(files) => {
                    let received: u64 = files.iter().map(|f| f.received_bytes).sum();
                    view! { <span>{format!("Loading the model… {:.1} MiB", received as f64 / 1_048_576.0)}</span> }.into_any()
                }
                ModelStatus::Ready(info) => view! {
                    <span>{format!("Using {} ({} layers × {} heads, width {}).", info.name, info.layers, info.heads, info.hidden_size)}</span>
                    {move || store.latest().map(|r| {
                        let on = store.backend_status.with(|s| crate::components::backend_panel::backend_name(r.meta.backend, s, ""));
                        view! { <span data-testid=format!("{testid}-backend")>{format!(" Last run: {on}, {:.0} ms.", r.meta.forward_ms)}</span> }
                    })}
                }.into_any(),
                ModelStatus::Failed(message) => view! {
                    <span>{format!("The model could not be loaded ({message}); showing illustrative numbers. ")}</span>
                    <button on:click=move |_| store.retry()>"Retry"</button>
                }.into_any(),
            }}
        </p>
    }
}
