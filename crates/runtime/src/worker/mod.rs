//! The model worker: runs inside a dedicated Web Worker (started by
//! `model-worker.js`), answers [`ToWorker`] messages with [`FromWorker`]
//! ones, and keeps the loaded [`Bert`] for as long as the page lives.
//!
//! Loading is asynchronous (downloads). The page sends one run at a time
//! (see `client`); a run on the CPU is synchronous, a run on WebGPU awaits
//! the GPU. A newer load cancels an older one that is still downloading; a
//! failed load keeps the previous model. After a model loads, its weights
//! are put on the GPU in the background ([`crate::gpu_worker`]).

use crate::fetch::{FileProgress, Watch};
use crate::gpu_worker;
use crate::loader::{self, LoadError, Loaded};
use crate::protocol::{FromWorker, ToWorker, TokenizerKind};
use crate::wire;
use attend_core::{Bert, Encoding};
use js_sys::Promise;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

mod run;

use run::{calibrate_last_run, run, RunArgs};

/// Everything the worker keeps between messages. The worker is one thread
/// and one instance, so it lives in a thread-local; it is only borrowed for
/// a moment, never across an `await`.
#[derive(Default)]
struct WorkerState {
    bert: Option<Rc<Bert>>,
    /// The loaded model's name, as in [`crate::protocol::ModelInfo`].
    model_name: String,
    /// Bumped by every load; a load whose number is no longer current has
    /// been superseded and stays silent.
    load_generation: u64,
    /// A load is being parsed, so a panic is reported as a failed load.
    loading: bool,
    /// The last input the automatic choice ran on the CPU, and its time:
    /// WebGPU is timed on it as soon as it is ready, so the calibration does
    /// not wait for the reader to type.
    last_auto_run: Option<(Encoding, f64)>,
    /// The run being computed, so a panic is reported as its failure.
    running: Option<u64>,
    /// Why the page wants this model kept off the GPU, if it does.
    gpu_off: Option<String>,
}

/// Whether the model being loaded goes on the GPU: where WebGPU exists and
/// the page did not turn it off.
fn wants_gpu() -> bool {
    gpu_worker::has_webgpu() && with_state(|s| s.gpu_off.is_none())
}

thread_local! {
    static STATE: RefCell<WorkerState> = RefCell::new(WorkerState::default());
}

fn with_state<R>(f: impl FnOnce(&mut WorkerState) -> R) -> R {
    STATE.with(|state| f(&mut state.borrow_mut()))
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
    post(
        &FromWorker::Started {
            protocol: crate::protocol::PROTOCOL_VERSION,
        },
        &[],
    );
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
        // A panic inside a borrow leaves the state borrowed: then say nothing
        // rather than panic again inside the hook.
        let (running, loading) = STATE
            .with(|state| {
                state
                    .try_borrow_mut()
                    .map(|mut s| (s.running.take(), std::mem::take(&mut s.loading)))
            })
            .unwrap_or((None, false));
        if let Some(request_id) = running {
            post(
                &FromWorker::RunFailed {
                    request_id,
                    message: format!("the model crashed on this input ({what}); reload the model"),
                },
                &[],
            );
        } else if loading {
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
    let (message, buffers) = match wire::receive::<ToWorker>(data) {
        Ok(parsed) => parsed,
        Err(why) => {
            web_sys::console::error_1(&format!("Attend worker: {why}").into());
            return;
        }
    };
    match message {
        ToWorker::LoadUrl {
            base,
            weights,
            gpu_off,
        } => {
            let generation = next_generation();
            with_state(|s| s.gpu_off = gpu_off);
            wasm_bindgen_futures::spawn_local(load_url(generation, base, weights));
        }
        ToWorker::LoadFiles {
            name,
            tokenizer_kind,
            gpu_off,
        } => {
            let generation = next_generation();
            with_state(|s| s.gpu_off = gpu_off);
            load_files(generation, &name, tokenizer_kind, &buffers);
        }
        ToWorker::Run {
            request_id,
            text,
            pair,
            qkv_layer,
            backend,
        } => wasm_bindgen_futures::spawn_local(run(RunArgs {
            request_id,
            text,
            pair,
            qkv_layer,
            choice: backend,
        })),
        ToWorker::Positions => post_positions(),
        ToWorker::Tokenize { text, pair } => post_tokens(text, pair),
        ToWorker::SimulateGpuLoss => {
            let notice = if gpu_worker::simulate_loss() {
                "The GPU device was destroyed on request; the next run will find it lost and switch to the CPU."
            } else {
                "There is no GPU device to lose: WebGPU is not in use."
            };
            post_status(Some(notice.into()));
        }
    }
}

/// The cosines between the loaded model's position embeddings; nothing
/// before a model is loaded (the page asks again once one is).
fn post_positions() {
    let Some(bert) = with_state(|s| s.bert.clone()) else {
        return;
    };
    let cfg = bert.model.config();
    let (positions, hidden) = (cfg.max_position_embeddings, cfg.hidden_size);
    let cosines =
        attend_core::similarity::row_cosines(bert.model.position_embeddings(), positions, hidden);
    let buffer = js_sys::Float32Array::from(&cosines[..]);
    post(
        &FromWorker::Positions {
            model: with_state(|s| s.model_name.clone()),
            positions,
            hidden,
        },
        &[buffer.as_ref()],
    );
}

/// The loaded model's tokens for one input.
fn post_tokens(text: String, pair: Option<String>) {
    let outcome = match with_state(|s| s.bert.clone()) {
        None => Err("no model is loaded yet".to_string()),
        Some(bert) => bert
            .encode(&text, pair.as_deref(), None)
            .map(|enc| crate::protocol::TokenList {
                tokens: enc.tokens,
                token_ids: enc.input_ids,
                token_type_ids: enc.token_type_ids,
                truncated: enc.truncated,
            })
            .map_err(|e| e.to_string()),
    };
    post(
        &FromWorker::Tokenized {
            text,
            pair,
            outcome,
        },
        &[],
    );
}

fn post_status(notice: Option<String>) {
    post(
        &FromWorker::Backend {
            status: gpu_worker::status(notice),
        },
        &[],
    );
}

fn next_generation() -> u64 {
    with_state(|s| {
        s.load_generation += 1;
        s.load_generation
    })
}

fn is_current(generation: u64) -> bool {
    with_state(|s| s.load_generation) == generation
}

async fn load_url(generation: u64, base: String, weights: Option<String>) {
    with_state(|s| s.loading = true);
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
    let result = loader::load_url(&base, weights.as_deref(), &watch, wants_gpu()).await;
    if !is_current(generation) {
        return; // a newer load answers instead
    }
    with_state(|s| s.loading = false);
    match result {
        Ok(loaded) => install(loaded).await,
        Err(LoadError::Cancelled) => {}
        Err(LoadError::Failed(message)) => post(&FromWorker::LoadFailed { message }, &[]),
    }
}

fn load_files(generation: u64, name: &str, kind: TokenizerKind, buffers: &[JsValue]) {
    let files = (|| {
        Ok::<_, crate::RuntimeError>((
            wire::js_to_bytes(buffers, 0, "config.json")?,
            wire::js_to_bytes(buffers, 1, "weights")?,
            wire::js_to_bytes(buffers, 2, loader::tokenizer_file(kind))?,
        ))
    })();
    with_state(|s| s.loading = true);
    let result = files
        .map_err(|e| e.to_string())
        .and_then(|(config, weights, tokenizer)| {
            loader::load_files(name, &config, &weights, kind, &tokenizer, wants_gpu())
        });
    with_state(|s| s.loading = false);
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
        bytes,
        stored_copies,
    } = loaded;
    let bert = Rc::new(bert);
    with_state(|s| {
        s.bert = Some(Rc::clone(&bert));
        s.model_name = info.name.clone();
    });
    post(&FromWorker::Loaded { info }, &[]);
    with_state(|s| s.last_auto_run = None);
    let gpu_generation = gpu_worker::begin_start();
    // Without files for the GPU the state is known now: never announce an
    // upload that will not happen.
    if bytes.is_none() {
        gpu_worker::no_webgpu(gpu_generation, with_state(|s| s.gpu_off.clone()));
    }
    post_status(None);
    let not_stored = cache_writes.commit().await;
    post(&FromWorker::Stored { not_stored }, &[]);
    if !stored_copies.is_empty() {
        let generation = with_state(|s| s.load_generation);
        wasm_bindgen_futures::spawn_local(revalidate(generation, stored_copies));
    }
    if let Some(bytes) = bytes {
        gpu_worker::start(gpu_generation, &bytes.config, &bytes.weights, &bert.model).await;
    }
    if gpu_worker::generation() == gpu_generation {
        post_status(None);
        calibrate_last_run().await;
    }
}

/// Asks the host whether the stored files load `generation` used are still
/// its current version; removes those that are not and tells the page. A
/// newer load makes it stop: its model is another (or a fresh copy of this
/// one), which the answer must not touch.
async fn revalidate(generation: u64, copies: Vec<crate::revalidate::StoredCopy>) {
    let changed = crate::revalidate::changed_copies(&copies).await;
    if changed.is_empty() || !is_current(generation) {
        return;
    }
    if let Some(cache) = crate::fetch::ModelCache::open().await {
        for copy in &changed {
            cache.delete(&copy.url).await;
        }
    }
    let files: Vec<String> = changed.iter().map(|c| c.file.clone()).collect();
    post(
        &FromWorker::StoredCopyChanged {
            message: crate::revalidate::changed_message(&files),
        },
        &[],
    );
}

/// Milliseconds from the worker's high-resolution clock.
fn now_ms() -> f64 {
    scope()
        .and_then(|s| s.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

async fn sleep_ms(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(scope) = scope() {
            crate::report::warn_on_err(
                "a timer",
                scope.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms),
            );
        }
    });
    crate::report::warn_on_err(
        "waiting",
        wasm_bindgen_futures::JsFuture::from(promise).await,
    );
}
