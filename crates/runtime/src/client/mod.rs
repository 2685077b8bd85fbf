//! The page's side of the model worker: [`ModelClient`] starts the worker,
//! sends it [`ToWorker`] messages and turns its answers into
//! [`ClientEvent`]s for the UI.
//!
//! Runs are *latest wins*: at most one is in flight; a run asked for while
//! one is in flight replaces any earlier waiting one. The answer to the run
//! in flight is delivered even when newer text waits (so the map keeps up
//! with fast typing), but never after a newer answer, and never once a load
//! has replaced the model it ran on. Runs asked for before a model is
//! loaded wait for it. The bookkeeping is [`RequestQueue`], plain Rust.

mod queue;
mod result;

pub use queue::{RequestQueue, RunRequest};
pub use result::{example_meta, AttentionResult, QkvArrays};

use crate::error::RuntimeError;
use crate::protocol::{
    BackendChoice, BackendStatus, FromWorker, ModelInfo, ToWorker, TokenizerKind, PROTOCOL_VERSION,
};
use crate::wire::{self, Packed};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker};

/// The worker's script, next to `index.html`.
pub const WORKER_SCRIPT: &str = "model-worker.js";

/// Where `boot.js` leaves the model worker it started before the app's own
/// WebAssembly was loaded (so that the worker's download and compilation
/// overlap the app's): `{ worker, messages: [], errors: [] }`.
const EARLY_WORKER: &str = "attendEarlyWorker";

/// The worker boot.js started, with what it said so far; taken once.
struct EarlyWorker {
    worker: Worker,
    messages: (js_sys::Array, js_sys::Array),
}

fn early_worker() -> Option<EarlyWorker> {
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

/// What the client reports to the UI.
#[derive(Clone, Debug, PartialEq)]
pub enum ClientEvent {
    /// Download progress of one file of the model being loaded.
    Progress {
        file: String,
        received_bytes: u64,
        total_bytes: Option<u64>,
        from_cache: bool,
    },
    /// A model is loaded; runs waiting for it are being sent.
    Loaded(ModelInfo),
    /// Loading failed; the sentence names the file at fault. A model
    /// loaded before stays loaded.
    LoadFailed(String),
    /// The answer to the newest run.
    Result(Rc<AttentionResult>),
    /// The newest run failed.
    RunFailed(String),
    /// The worker itself failed (its script or WebAssembly did not start,
    /// or it crashed). Its model is gone; the next load starts a new worker.
    WorkerError(String),
    /// WebGPU's state or the calibration changed, or there is a notice.
    Backend(BackendStatus),
    /// The loaded model's files were stored for offline use.
    Stored,
}

/// The sentence for a worker `error` event.
pub fn worker_error_message(detail: Option<&str>, started: bool) -> String {
    // "Uncaught Error: x" → "x": the prefixes say nothing to a reader.
    let detail = detail
        .map(|d| {
            let d = d.trim();
            let d = d.strip_prefix("Uncaught ").unwrap_or(d);
            d.strip_prefix("Error: ").unwrap_or(d).trim()
        })
        .filter(|d| !d.is_empty());
    match (started, detail) {
        (true, Some(d)) => format!("the model worker stopped: {d}"),
        (true, None) => "the model worker stopped unexpectedly".into(),
        (false, detail) => RuntimeError::WorkerStart(detail.map(String::from)).to_string(),
    }
}

/// A started worker and its event handlers.
struct WorkerHandle {
    worker: Worker,
    serial: u64,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(Event)>,
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

struct State {
    queue: RequestQueue,
    worker: Option<WorkerHandle>,
    /// The worker's WebAssembly is listening (it posted `Started`).
    started: bool,
    /// A load asked for before the worker listened; only the latest counts.
    waiting_load: Option<Packed>,
}

struct Inner {
    on_event: Box<dyn Fn(ClientEvent)>,
    state: RefCell<State>,
    serials: Cell<u64>,
    /// Sent with every run.
    backend: Cell<BackendChoice>,
}

/// A handle on the model worker. Cheap to clone; every clone drives the
/// same worker, which is terminated when the last clone is dropped.
#[derive(Clone)]
pub struct ModelClient {
    inner: Rc<Inner>,
}

impl ModelClient {
    /// Starts the worker. `on_event` receives every [`ClientEvent`]; it may
    /// call back into the client.
    pub fn spawn(on_event: impl Fn(ClientEvent) + 'static) -> Result<Self, RuntimeError> {
        let inner = Rc::new(Inner {
            on_event: Box::new(on_event),
            state: RefCell::new(State {
                queue: RequestQueue::new(),
                worker: None,
                started: false,
                waiting_load: None,
            }),
            serials: Cell::new(0),
            backend: Cell::new(BackendChoice::Auto),
        });
        let early = early_worker();
        let adopted = early.is_some();
        let (handle, replay) = match early {
            Some(early) => (Inner::attach(&inner, early.worker), Some(early.messages)),
            None => (Inner::start_worker(&inner)?, None),
        };
        let serial = handle.serial;
        inner.state.borrow_mut().worker = Some(handle);
        // What the early worker said before anyone listened (its `started`,
        // or why it could not start), in order.
        if let Some((messages, errors)) = replay {
            for message in messages.iter() {
                inner.on_message(serial, &message);
            }
            if let Some(error) = errors.iter().next() {
                inner.on_worker_error(serial, error.as_string().as_deref());
            }
        }
        if adopted {
            web_sys::console::debug_1(&"Attend: adopted the model worker boot.js started".into());
        }
        Ok(ModelClient { inner })
    }

    /// Loads the model at `base` (a URL ending in the model's folder):
    /// `weights` names the weights file, None for the manifest's default.
    pub fn load_url(&self, base: String, weights: Option<String>) {
        let header = wire::encode(&ToWorker::LoadUrl { base, weights });
        self.inner.send_load(wire::pack(&header, &[]));
    }

    /// Loads a model from files the user picked.
    pub fn load_files(
        &self,
        name: String,
        config: Vec<u8>,
        weights: Vec<u8>,
        tokenizer: (TokenizerKind, Vec<u8>),
    ) {
        let (tokenizer_kind, tokenizer) = tokenizer;
        let header = wire::encode(&ToWorker::LoadFiles {
            name,
            tokenizer_kind,
        });
        let config = wire::bytes_to_js(&config);
        let weights = wire::bytes_to_js(&weights);
        let tokenizer = wire::bytes_to_js(&tokenizer);
        self.inner.send_load(wire::pack(
            &header,
            &[config.as_ref(), weights.as_ref(), tokenizer.as_ref()],
        ));
    }

    /// The backend setting for the runs sent from now on.
    pub fn set_backend(&self, choice: BackendChoice) {
        self.inner.backend.set(choice);
    }

    /// Destroys the worker's GPU device (see [`ToWorker::SimulateGpuLoss`]).
    pub fn simulate_gpu_loss(&self) {
        let header = wire::encode(&ToWorker::SimulateGpuLoss);
        if let Err(why) = self.inner.post(&wire::pack(&header, &[])) {
            web_sys::console::error_1(&format!("Attend: {why}").into());
        }
    }

    /// Runs the model on `text` (and `pair`); the newest request wins.
    /// Returns the request's id.
    pub fn run(&self, text: String, pair: Option<String>, qkv_layer: Option<usize>) -> u64 {
        let id = self
            .inner
            .state
            .borrow_mut()
            .queue
            .request_with(text, pair, qkv_layer);
        self.inner.pump();
        id
    }
}

impl Inner {
    fn emit(&self, event: ClientEvent) {
        (self.on_event)(event);
    }

    fn start_worker(this: &Rc<Inner>) -> Result<WorkerHandle, RuntimeError> {
        let worker = Worker::new(WORKER_SCRIPT)
            .map_err(|e| RuntimeError::WorkerStart(Some(crate::fetch::js_error_text(&e))))?;
        Ok(Inner::attach(this, worker))
    }

    /// Listens to `worker` as this client's current worker.
    fn attach(this: &Rc<Inner>, worker: Worker) -> WorkerHandle {
        let serial = this.serials.get() + 1;
        this.serials.set(serial);
        let weak: Weak<Inner> = Rc::downgrade(this);
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(inner) = weak.upgrade() {
                inner.on_message(serial, &event.data());
            }
        });
        let weak: Weak<Inner> = Rc::downgrade(this);
        let onerror = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            // Handled here: the UI shows it.
            event.prevent_default();
            let detail = event.dyn_ref::<ErrorEvent>().map(ErrorEvent::message);
            if let Some(inner) = weak.upgrade() {
                inner.on_worker_error(serial, detail.as_deref());
            }
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        WorkerHandle {
            worker,
            serial,
            _onmessage: onmessage,
            _onerror: onerror,
        }
    }

    fn is_current(&self, serial: u64) -> bool {
        self.state
            .borrow()
            .worker
            .as_ref()
            .is_some_and(|w| w.serial == serial)
    }

    /// Sends a load now, or once the worker listens; starts a new worker
    /// if the last one died.
    fn send_load(self: &Rc<Self>, packed: Packed) {
        if self.state.borrow().worker.is_none() {
            match Inner::start_worker(self) {
                Ok(handle) => {
                    let mut state = self.state.borrow_mut();
                    state.worker = Some(handle);
                    state.started = false;
                }
                Err(error) => {
                    self.emit(ClientEvent::WorkerError(error.to_string()));
                    return;
                }
            }
        }
        let to_post = {
            let mut state = self.state.borrow_mut();
            state.queue.load_started();
            if state.started {
                Some(packed)
            } else {
                state.waiting_load = Some(packed);
                None
            }
        };
        if let Some(packed) = to_post {
            self.post_load(&packed);
        }
    }

    /// Posts a load; a failure to post fails the load.
    fn post_load(&self, packed: &Packed) {
        if let Err(why) = self.post(packed) {
            self.state.borrow_mut().queue.load_finished(false);
            self.emit(ClientEvent::LoadFailed(format!(
                "the model could not be sent to the worker: {why}"
            )));
        }
    }

    fn post(&self, packed: &Packed) -> Result<(), RuntimeError> {
        let state = self.state.borrow();
        let worker = &state
            .worker
            .as_ref()
            .ok_or_else(|| RuntimeError::Post("the model worker is not running".into()))?
            .worker;
        worker
            .post_message_with_transfer(&packed.message, &packed.transfer)
            .map_err(|e| RuntimeError::Post(crate::fetch::js_error_text(&e)))
    }

    /// Sends the waiting run if the worker can take it.
    fn pump(&self) {
        let next = {
            let mut state = self.state.borrow_mut();
            if !state.started || state.worker.is_none() {
                return;
            }
            state.queue.take_next()
        };
        let Some(request) = next else { return };
        crate::perf_marks::request(&request.text);
        let header = wire::encode(&ToWorker::Run {
            request_id: request.request_id,
            text: request.text,
            pair: request.pair,
            qkv_layer: request.qkv_layer,
            backend: self.backend.get(),
        });
        if let Err(why) = self.post(&wire::pack(&header, &[])) {
            let deliver = self.state.borrow_mut().queue.failed(request.request_id);
            if deliver.is_some() {
                self.emit(ClientEvent::RunFailed(format!(
                    "the text could not be sent to the model worker: {why}"
                )));
            }
        }
    }

    fn on_message(&self, serial: u64, data: &JsValue) {
        if !self.is_current(serial) {
            return;
        }
        let (message, buffers) = match wire::receive::<FromWorker>(data) {
            Ok(parsed) => parsed,
            Err(why) => {
                web_sys::console::error_1(&format!("Attend: {why}").into());
                return;
            }
        };
        match message {
            FromWorker::Started { protocol } if protocol != PROTOCOL_VERSION => {
                self.on_worker_error(serial, Some(&version_mismatch(protocol)));
            }
            FromWorker::Started { .. } => {
                let waiting = {
                    let mut state = self.state.borrow_mut();
                    state.started = true;
                    state.waiting_load.take()
                };
                if let Some(packed) = waiting {
                    self.post_load(&packed);
                }
            }
            FromWorker::Progress {
                file,
                received_bytes,
                total_bytes,
                from_cache,
            } => self.emit(ClientEvent::Progress {
                file,
                received_bytes,
                total_bytes,
                from_cache,
            }),
            FromWorker::Loaded { info } => {
                self.state.borrow_mut().queue.load_finished(true);
                self.emit(ClientEvent::Loaded(info));
            }
            FromWorker::LoadFailed { message } => {
                self.state.borrow_mut().queue.load_finished(false);
                self.emit(ClientEvent::LoadFailed(message));
            }
            FromWorker::Result { request_id, meta } => {
                let deliver = self.state.borrow_mut().queue.answered(request_id);
                // The newest text goes to the worker before this result is
                // unpacked and drawn, so the two overlap.
                self.pump();
                if let Some(request) = deliver {
                    crate::perf_marks::result(&request.text);
                    let result = wire::js_to_floats(&buffers, 0, "attentions").and_then(|att| {
                        let emb = wire::js_to_floats(&buffers, 1, "embedding")?;
                        let qkv = match meta.qkv.clone() {
                            Some(m) => Some(QkvArrays::new(
                                &m,
                                meta.tokens.len(),
                                wire::js_to_floats(&buffers, 2, "queries")?,
                                wire::js_to_floats(&buffers, 3, "keys")?,
                                wire::js_to_floats(&buffers, 4, "values")?,
                            )?),
                            None => None,
                        };
                        let mut result = AttentionResult::new(request, meta, att, emb)?;
                        result.qkv = qkv;
                        Ok(result)
                    });
                    match result {
                        Ok(result) => self.emit(ClientEvent::Result(Rc::new(result))),
                        Err(why) => self.emit(ClientEvent::RunFailed(why.to_string())),
                    }
                }
            }
            FromWorker::Backend { status } => self.emit(ClientEvent::Backend(status)),
            FromWorker::Stored => self.emit(ClientEvent::Stored),
            FromWorker::RunFailed {
                request_id,
                message,
            } => {
                if self.state.borrow_mut().queue.failed(request_id).is_some() {
                    self.emit(ClientEvent::RunFailed(message));
                }
            }
        }
        self.pump();
    }

    fn on_worker_error(&self, serial: u64, detail: Option<&str>) {
        if !self.is_current(serial) {
            return;
        }
        let (handle, message) = {
            let mut state = self.state.borrow_mut();
            let message = worker_error_message(detail, state.started);
            state.queue.worker_lost();
            state.started = false;
            state.waiting_load = None;
            (state.worker.take(), message)
        };
        // Terminated outside the borrow; its handlers go with it.
        drop(handle);
        web_sys::console::warn_1(&format!("Attend: {message}").into());
        self.emit(ClientEvent::WorkerError(message));
    }
}

/// Why a worker of another protocol version is not used.
fn version_mismatch(worker_protocol: u32) -> String {
    format!(
        "this page and its model worker come from different versions of Attend \
         (messages v{PROTOCOL_VERSION} and v{worker_protocol}); reload the page to get matching ones"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_of_another_version_is_explained() {
        let message = version_mismatch(0);
        assert!(message.contains("different versions"), "{message}");
        assert!(message.contains("reload"), "{message}");
        assert_ne!(
            PROTOCOL_VERSION, 0,
            "0 stands for workers older than the field"
        );
    }

    #[test]
    fn worker_errors_read_well() {
        assert_eq!(
            worker_error_message(None, false),
            "the model worker could not start (model-worker.js or its WebAssembly did not load)"
        );
        assert_eq!(
            worker_error_message(Some("Uncaught RuntimeError: unreachable"), true),
            "the model worker stopped: RuntimeError: unreachable"
        );
        assert_eq!(
            worker_error_message(Some("Uncaught Error: boom"), false),
            "the model worker could not start: boom"
        );
        assert_eq!(
            worker_error_message(Some("  "), true),
            "the model worker stopped unexpectedly"
        );
    }
}
