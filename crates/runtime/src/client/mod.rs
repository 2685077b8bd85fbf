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
//!
//! A worker that stops answering (stuck, or a stalled download) sends no
//! error; [`Watchdog`] gives each load and run a deadline, and one that
//! passes is handled as a crash: the worker is stopped and the UI told.

mod early;
mod events;
mod messages;
mod queue;
mod result;
mod watch;
mod watchdog;

pub use events::{worker_error_message, ClientEvent, Tokenized};
pub use queue::{RequestQueue, RunRequest};
pub use result::{example_meta, AttentionResult, PositionCosines, QkvArrays};
pub use watchdog::{run_allowance_ms, token_bound, Stall, Watchdog, LOAD_SILENCE_MS};

use crate::error::RuntimeError;
use crate::protocol::{
    BackendChoice, FromWorker, ModelInfo, ToWorker, TokenizerKind, PROTOCOL_VERSION,
};
use crate::wire::{self, Packed};
use early::early_worker;
use events::version_mismatch;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use watch::now_ms;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker};

/// The worker's script, next to `index.html`.
pub const WORKER_SCRIPT: &str = "model-worker.js";

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
    watchdog: Watchdog,
    /// The loaded model (its size sets how long a run may take).
    model: Option<ModelInfo>,
}

struct Inner {
    on_event: Box<dyn Fn(ClientEvent)>,
    state: RefCell<State>,
    serials: Cell<u64>,
    /// Sent with every run.
    backend: Cell<BackendChoice>,
    /// Why loads are to stay off the GPU, once a worker crashed on it.
    gpu_off: RefCell<Option<String>>,
    /// The watchdog's tick (made once; holds a weak reference back).
    tick: RefCell<Option<Closure<dyn FnMut()>>>,
    /// The interval running `tick`, while something is awaited.
    ticking: Cell<Option<i32>>,
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
                watchdog: Watchdog::new(),
                model: None,
            }),
            serials: Cell::new(0),
            backend: Cell::new(BackendChoice::Auto),
            gpu_off: RefCell::new(None),
            tick: RefCell::new(None),
            ticking: Cell::new(None),
        });
        let weak = Rc::downgrade(&inner);
        *inner.tick.borrow_mut() = Some(Closure::<dyn FnMut()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                inner.on_tick();
            }
        }));
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
        let header = wire::encode(&ToWorker::LoadUrl {
            base,
            weights,
            gpu_off: self.inner.gpu_off.borrow().clone(),
        });
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
            gpu_off: self.inner.gpu_off.borrow().clone(),
        });
        let config = wire::bytes_to_js(&config);
        let weights = wire::bytes_to_js(&weights);
        let tokenizer = wire::bytes_to_js(&tokenizer);
        self.inner.send_load(wire::pack(
            &header,
            &[config.as_ref(), weights.as_ref(), tokenizer.as_ref()],
        ));
    }

    /// Keeps the models loaded from now on off the GPU, for `reason` (a
    /// worker crashed while using it: trying again would crash again).
    pub fn turn_off_gpu(&self, reason: String) {
        *self.inner.gpu_off.borrow_mut() = Some(reason);
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

    /// Asks for the loaded model's position cosines (answered with
    /// [`ClientEvent::Positions`]; nothing before a model is loaded).
    pub fn request_positions(&self) {
        let header = wire::encode(&ToWorker::Positions);
        if let Err(why) = self.inner.post(&wire::pack(&header, &[])) {
            web_sys::console::error_1(&format!("Attend: {why}").into());
        }
    }

    /// Asks for the tokens of `text` (and `pair`) only, answered with
    /// [`ClientEvent::Tokenized`]. Cheap: no queue, no forward pass.
    pub fn tokenize(&self, text: String, pair: Option<String>) {
        let header = wire::encode(&ToWorker::Tokenize { text, pair });
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
            // From now: the worker's own start counts as part of the load.
            state.watchdog.load_started(now_ms());
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
        self.watch();
    }

    /// Posts a load; a failure to post fails the load.
    fn post_load(&self, packed: &Packed) {
        if let Err(why) = self.post(packed) {
            let mut state = self.state.borrow_mut();
            state.queue.load_finished(false);
            state.watchdog.load_finished();
            drop(state);
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
        let (request_id, allowance_ms) = {
            let state = self.state.borrow();
            let allowance_ms = state.model.as_ref().map_or(LOAD_SILENCE_MS, |info| {
                let tokens = token_bound(&request.text, request.pair.as_deref(), info.max_tokens);
                run_allowance_ms(info, tokens)
            });
            (request.request_id, allowance_ms)
        };
        let header = wire::encode(&ToWorker::Run {
            request_id: request.request_id,
            text: request.text,
            pair: request.pair,
            qkv_layer: request.qkv_layer,
            backend: self.backend.get(),
        });
        if let Err(why) = self.post(&wire::pack(&header, &[])) {
            let deliver = self.state.borrow_mut().queue.failed(request_id);
            if deliver.is_some() {
                self.emit(ClientEvent::RunFailed(format!(
                    "the text could not be sent to the model worker: {why}"
                )));
            }
            return;
        }
        self.state
            .borrow_mut()
            .watchdog
            .run_sent(request_id, now_ms(), allowance_ms);
        self.watch();
    }

    fn on_worker_error(&self, serial: u64, detail: Option<&str>) {
        if !self.is_current(serial) {
            return;
        }
        let message = worker_error_message(detail, self.state.borrow().started);
        self.lose_worker(serial, message);
    }

    /// The worker `serial` crashed or stopped answering: it is stopped and
    /// forgotten, and the UI told why.
    fn lose_worker(&self, serial: u64, message: String) {
        if !self.is_current(serial) {
            return;
        }
        let handle = {
            let mut state = self.state.borrow_mut();
            state.queue.worker_lost();
            state.watchdog.reset();
            state.started = false;
            state.waiting_load = None;
            state.model = None;
            state.worker.take()
        };
        self.stop_watching();
        // Terminated outside the borrow; its handlers go with it.
        drop(handle);
        web_sys::console::warn_1(&format!("Attend: {message}").into());
        self.emit(ClientEvent::WorkerError(message));
    }
}
