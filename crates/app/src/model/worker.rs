//! The model worker: runs inside a dedicated Web Worker (started by
//! `model-worker.js`), answers [`ToWorker`] messages with [`FromWorker`]
//! ones, and keeps the loaded [`Bert`] for as long as the page lives.
//!
//! Loading is asynchronous (downloads); running is synchronous, so runs are
//! answered in the order they arrive. A newer load cancels an older one that
//! is still downloading; a failed load keeps the previous model.

use super::fetch::{FileProgress, Watch};
use super::loader::{self, LoadError, Loaded};
use super::protocol::{FromWorker, QkvMeta, RunMeta, ToWorker, TokenizerKind};
use super::wire;
use attend_core::Bert;
use js_sys::Float32Array;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

thread_local! {
    static BERT: RefCell<Option<Rc<Bert>>> = const { RefCell::new(None) };
    /// Bumped by every load; a load whose number is no longer current has
    /// been superseded and stays silent.
    static LOAD_GENERATION: Cell<u64> = const { Cell::new(0) };
    /// What is in progress, so a panic can be reported to the right party.
    static LOADING: Cell<bool> = const { Cell::new(false) };
    static RUNNING: Cell<Option<u64>> = const { Cell::new(None) };
}

fn scope() -> Option<DedicatedWorkerGlobalScope> {
    js_sys::global().dyn_into().ok()
}

/// Starts the message loop when running in a dedicated worker and posts
/// `Started`. Returns false (and does nothing) anywhere else, e.g. on the
/// benchmark page, which loads the same WebAssembly.
pub fn start() -> bool {
    let Some(scope) = scope() else {
        return false;
    };
    install_panic_report();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        on_message(&event.data());
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    // The worker lives as long as the page: the handler is never dropped.
    onmessage.forget();
    post(&FromWorker::Started, &[]);
    true
}

/// Posts a message to the page; the buffers are transferred.
fn post(message: &FromWorker, buffers: &[&JsValue]) {
    let Some(scope) = scope() else { return };
    let packed = wire::pack(&wire::encode(message), buffers);
    if let Err(e) = scope.post_message_with_transfer(&packed.message, &packed.transfer) {
        web_sys::console::error_2(&"Attend worker: a message could not be posted".into(), &e);
    }
}

/// A panic is a bug, but the page must not wait forever: report it as the
/// failure of whatever was in progress, then let the console hook log it.
fn install_panic_report() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown error".into());
        if let Some(request_id) = RUNNING.with(Cell::take) {
            post(
                &FromWorker::RunFailed {
                    request_id,
                    message: format!("the model crashed on this input ({what}); reload the model"),
                },
                &[],
            );
        } else if LOADING.with(Cell::take) {
            post(
                &FromWorker::LoadFailed {
                    message: format!("the model worker crashed while loading ({what})"),
                },
                &[],
            );
        }
    }));
}

fn on_message(data: &JsValue) {
    let parsed = wire::unpack(data).and_then(|(header, buffers)| {
        wire::decode::<ToWorker>(&header).map(|message| (message, buffers))
    });
    let (message, buffers) = match parsed {
        Ok(parsed) => parsed,
        Err(why) => {
            web_sys::console::error_1(&format!("Attend worker: {why}").into());
            return;
        }
    };
    match message {
        ToWorker::LoadUrl { base, weights } => {
            let generation = next_generation();
            wasm_bindgen_futures::spawn_local(load_url(generation, base, weights));
        }
        ToWorker::LoadFiles {
            name,
            tokenizer_kind,
        } => {
            let generation = next_generation();
            load_files(generation, &name, tokenizer_kind, &buffers);
        }
        ToWorker::Run {
            request_id,
            text,
            pair,
            qkv_layer,
        } => run(request_id, &text, pair.as_deref(), qkv_layer),
    }
}

fn next_generation() -> u64 {
    LOAD_GENERATION.with(|g| {
        g.set(g.get() + 1);
        g.get()
    })
}

fn is_current(generation: u64) -> bool {
    LOAD_GENERATION.with(Cell::get) == generation
}

async fn load_url(generation: u64, base: String, weights: Option<String>) {
    LOADING.with(|l| l.set(true));
    let progress = move |p: &FileProgress| {
        if is_current(generation) {
            post(
                &FromWorker::Progress {
                    file: p.file.clone(),
                    received_bytes: p.received_bytes,
                    total_bytes: p.total_bytes,
                    from_cache: p.from_cache,
                },
                &[],
            );
        }
    };
    let cancelled = move || !is_current(generation);
    let watch = Watch {
        progress: &progress,
        cancelled: &cancelled,
    };
    let result = loader::load_url(&base, weights.as_deref(), &watch).await;
    if !is_current(generation) {
        return; // a newer load answers instead
    }
    LOADING.with(|l| l.set(false));
    match result {
        Ok(loaded) => install(loaded).await,
        Err(LoadError::Cancelled) => {}
        Err(LoadError::Failed(message)) => post(&FromWorker::LoadFailed { message }, &[]),
    }
}

fn load_files(generation: u64, name: &str, kind: TokenizerKind, buffers: &[JsValue]) {
    let files = (|| {
        Ok::<_, String>((
            wire::js_to_bytes(buffers, 0, "config.json")?,
            wire::js_to_bytes(buffers, 1, "weights")?,
            wire::js_to_bytes(buffers, 2, loader::tokenizer_file(kind))?,
        ))
    })();
    LOADING.with(|l| l.set(true));
    let result = files.and_then(|(config, weights, tokenizer)| {
        loader::load_files(name, &config, &weights, kind, &tokenizer)
    });
    LOADING.with(|l| l.set(false));
    if !is_current(generation) {
        return;
    }
    match result {
        Ok(loaded) => wasm_bindgen_futures::spawn_local(install(loaded)),
        Err(message) => post(&FromWorker::LoadFailed { message }, &[]),
    }
}

/// Makes `loaded` the model, tells the page, then stores the downloads.
async fn install(loaded: Loaded) {
    let Loaded {
        bert,
        info,
        cache_writes,
    } = loaded;
    BERT.with(|b| *b.borrow_mut() = Some(Rc::new(bert)));
    post(&FromWorker::Loaded { info }, &[]);
    cache_writes.commit().await;
}

fn run(request_id: u64, text: &str, pair: Option<&str>, qkv_layer: Option<usize>) {
    let Some(bert) = BERT.with(|b| b.borrow().clone()) else {
        post(
            &FromWorker::RunFailed {
                request_id,
                message: "no model is loaded yet".into(),
            },
            &[],
        );
        return;
    };
    RUNNING.with(|r| r.set(Some(request_id)));
    let started = js_sys::Date::now();
    let result = bert.run(text, pair, None).and_then(|out| {
        let qkv = match qkv_layer {
            Some(layer) => Some(bert.qkv(text, pair, None, layer)?),
            None => None,
        };
        Ok((out, qkv))
    });
    let forward_ms = js_sys::Date::now() - started;
    RUNNING.with(|r| r.set(None));
    match result {
        Ok((out, qkv)) => {
            let shape = out.attentions.shape();
            let (layers, heads) = (
                shape.first().copied().unwrap_or(0),
                shape.get(1).copied().unwrap_or(0),
            );
            let attentions = Float32Array::from(out.attentions.data());
            let embedding = Float32Array::from(&out.embedding[..]);
            let mut buffers = vec![attentions, embedding];
            let qkv_meta = qkv.map(|qkv| {
                let shape = qkv.q.shape().to_vec();
                for part in [&qkv.q, &qkv.k, &qkv.v] {
                    buffers.push(Float32Array::from(part.data()));
                }
                QkvMeta {
                    layer: qkv.layer,
                    heads: shape.first().copied().unwrap_or(0),
                    head_dim: shape.get(2).copied().unwrap_or(0),
                }
            });
            let meta = RunMeta {
                tokens: out.tokens,
                token_type_ids: out.token_type_ids,
                truncated: out.truncated,
                layers,
                heads,
                forward_ms,
                qkv: qkv_meta,
            };
            let refs: Vec<&wasm_bindgen::JsValue> = buffers.iter().map(|b| b.as_ref()).collect();
            post(&FromWorker::Result { request_id, meta }, &refs);
        }
        Err(e) => post(
            &FromWorker::RunFailed {
                request_id,
                message: format!("the model could not run on this input: {e}"),
            },
            &[],
        ),
    }
}
