//! "Stored in this browser": the models whose files the worker kept for
//! offline use, with their sizes, each with a button that deletes it.

use crate::state::model_store::{ModelStatus, ModelStore};
use attend_runtime::model_cache::{group_by_model, ModelCache, StoredModel};
use leptos::prelude::*;
use wasm_bindgen_futures::spawn_local;

async fn list() -> Result<Vec<StoredModel>, String> {
    let cache = ModelCache::open()
        .await
        .ok_or("this browser keeps no copies for this site (no Cache API here)")?;
    Ok(group_by_model(cache.files().await?))
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1_048_576.0)
}

#[component]
pub fn StoredModels() -> impl IntoView {
    let store = ModelStore::get();
    let listing = RwSignal::new(None::<Result<Vec<StoredModel>, String>>);
    let refresh = RwSignal::new(0u32);
    // Listed once a load has settled, again whenever the worker has stored
    // a model's files, and after each deletion.
    Effect::new(move |_| {
        refresh.track();
        store.stored.track();
        let settled = store
            .status
            .with(|s| matches!(s, ModelStatus::Ready(_) | ModelStatus::Failed(_)));
        if settled {
            spawn_local(async move { listing.set(Some(list().await)) });
        }
    });
    let delete = move |base: String| {
        spawn_local(async move {
            let deleted = match ModelCache::open().await {
                Some(cache) => cache.delete_model(&base).await,
                None => Err("no Cache API here".into()),
            };
            if let Err(why) = deleted {
                listing.set(Some(Err(format!("could not delete {base}: {why}"))));
                return;
            }
            refresh.update(|n| *n += 1);
        });
    };
    view! {
        <details class="stored-models" data-testid="stored-models">
            <summary>"Models stored in this browser"</summary>
            {move || match listing.get() {
                None => view! { <p>"Looking…"</p> }.into_any(),
                Some(Err(why)) => view! { <p class="notice">{format!("Not available: {why}.")}</p> }.into_any(),
                Some(Ok(models)) if models.is_empty() => {
                    view! { <p data-testid="stored-models-empty">"None yet: a model is stored once it has loaded."</p> }.into_any()
                }
                Some(Ok(models)) => view! {
                    <p>"Kept for offline use. Deleting one only means downloading it again next time."</p>
                    <ul>
                        {models.into_iter().map(|model| {
                            let base = model.base.clone();
                            let files = model.files.len();
                            view! {
                                <li data-testid="stored-model" data-base=model.base.clone() data-bytes=model.total_bytes()>
                                    <code>{model.base.clone()}</code>
                                    {format!(" — {} in {files} file{}", mib(model.total_bytes()), if files == 1 { "" } else { "s" })}
                                    " "
                                    <button data-testid="stored-model-delete" on:click=move |_| delete(base.clone())>"Delete"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </details>
    }
}
