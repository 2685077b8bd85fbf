//! The page's side of the model worker: [`ModelClient`] starts the worker,
//! sends it [`ToWorker`] messages and turns its answers into
//! [`ClientEvent`]s for the UI.
//!
//! Runs are *latest wins*: at most one is in flight; a run asked for while
//! one is in flight replaces any earlier waiting one; and only the answer to
//! the newest request is ever delivered (answers to requests the reader
//! has already typed past are dropped). Runs asked for before a model is
//! loaded wait for it. The bookkeeping is [`RequestQueue`], plain Rust.

use super::protocol::{
    BackendChoice, BackendStatus, FromWorker, ModelInfo, QkvMeta, RunMeta, ToWorker, TokenizerKind,
};
use super::wire::{self, Packed};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker};

/// The worker's script, next to `index.html`.
pub const WORKER_SCRIPT: &str = "model-worker.js";

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
}

/// One run's answer: the tokens, every attention map and the embedding.
#[derive(Clone, Debug, PartialEq)]
pub struct AttentionResult {
    pub request_id: u64,
    pub text: String,
    pub pair: Option<String>,
    pub meta: RunMeta,
    /// `[layer][head][query][key]`, row-major: `layers × heads × T × T`.
    pub attentions: Vec<f32>,
    /// The sentence embedding (mean-pooled, L2-normalised).
    pub embedding: Vec<f32>,
    /// One layer's queries, keys and values, when the run asked for them.
    pub qkv: Option<QkvArrays>,
}

/// Q, K and V of one layer, each `[head][token][head_dim]`, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct QkvArrays {
    pub layer: usize,
    pub heads: usize,
    pub head_dim: usize,
    pub q: Vec<f32>,
    pub k: Vec<f32>,
    pub v: Vec<f32>,
}

impl QkvArrays {
    /// Checks the three arrays against the shape `meta` announces.
    pub fn new(
        meta: &QkvMeta,
        tokens: usize,
        q: Vec<f32>,
        k: Vec<f32>,
        v: Vec<f32>,
    ) -> Result<Self, String> {
        let expected = meta
            .heads
            .checked_mul(tokens)
            .and_then(|n| n.checked_mul(meta.head_dim));
        if [q.len(), k.len(), v.len()]
            .iter()
            .any(|&n| Some(n) != expected)
        {
            return Err(format!(
                "the model worker sent malformed queries/keys/values ({} values, expected {})",
                q.len(),
                expected.map_or_else(|| "an impossible size".into(), |n| n.to_string())
            ));
        }
        Ok(QkvArrays {
            layer: meta.layer,
            heads: meta.heads,
            head_dim: meta.head_dim,
            q,
            k,
            v,
        })
    }

    /// One head's `tokens × head_dim` slice of `which` (Q, K or V).
    pub fn head<'a>(&self, which: &'a [f32], head: usize) -> &'a [f32] {
        let size = which.len() / self.heads.max(1);
        which.get(head * size..(head + 1) * size).unwrap_or(&[])
    }
}

impl AttentionResult {
    /// Pairs an answer with the request it answers, checking that the
    /// attentions have the size the metadata implies.
    pub fn new(
        request: RunRequest,
        meta: RunMeta,
        attentions: Vec<f32>,
        embedding: Vec<f32>,
    ) -> Result<Self, String> {
        let t = meta.tokens.len();
        // Checked: on wasm32 a bogus header could otherwise wrap to a match.
        let expected = [meta.heads, t, t]
            .iter()
            .try_fold(meta.layers, |acc, &f| acc.checked_mul(f));
        if expected != Some(attentions.len()) || meta.token_type_ids.len() != t {
            return Err(format!(
                "the model worker sent a malformed result ({} attention values for {} layers × {} heads × {t}² tokens)",
                attentions.len(),
                meta.layers,
                meta.heads
            ));
        }
        Ok(AttentionResult {
            request_id: request.request_id,
            text: request.text,
            pair: request.pair,
            meta,
            attentions,
            embedding,
            qkv: None,
        })
    }

    /// Bytes this result holds: its arrays and its text.
    pub fn size_bytes(&self) -> usize {
        let qkv = self
            .qkv
            .as_ref()
            .map_or(0, |q| q.q.len() + q.k.len() + q.v.len());
        let floats = self.attentions.len() + self.embedding.len() + qkv;
        floats
            .saturating_mul(std::mem::size_of::<f32>())
            .saturating_add(self.text.len())
            .saturating_add(self.pair.as_ref().map_or(0, String::len))
    }

    /// Sequence length `T`, special tokens included.
    pub fn num_tokens(&self) -> usize {
        self.meta.tokens.len()
    }

    /// The `T×T` attention matrix of one head, row-major (`[query][key]`);
    /// empty when `layer` or `head` is out of range.
    pub fn head(&self, layer: usize, head: usize) -> &[f32] {
        if layer >= self.meta.layers || head >= self.meta.heads {
            return &[];
        }
        let size = self.num_tokens() * self.num_tokens();
        let start = (layer * self.meta.heads + head) * size;
        self.attentions.get(start..start + size).unwrap_or(&[])
    }

    /// How much `query` attends to `key` in one head; 0 out of range.
    pub fn value(&self, layer: usize, head: usize, query: usize, key: usize) -> f32 {
        let t = self.num_tokens();
        if query >= t || key >= t {
            return 0.0;
        }
        self.head(layer, head)
            .get(query * t + key)
            .copied()
            .unwrap_or(0.0)
    }
}

/// One run as sent to the worker.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRequest {
    pub request_id: u64,
    pub text: String,
    pub pair: Option<String>,
    /// Also return this layer's Q, K, V.
    pub qkv_layer: Option<usize>,
}

/// The run bookkeeping of [`ModelClient`], without a browser: ids, the
/// request in flight, the one waiting, and whether the worker can run.
#[derive(Clone, Debug, Default)]
pub struct RequestQueue {
    last_id: u64,
    in_flight: Option<RunRequest>,
    pending: Option<RunRequest>,
    /// The worker holds a model (from an earlier successful load).
    has_model: bool,
    /// A load is under way: runs wait for its outcome.
    loading: bool,
    /// The run in flight was sent to the model a load has since replaced:
    /// its answer is not delivered.
    flight_outdated: bool,
}

impl RequestQueue {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a run of `text` (and `pair`) as the newest request, replacing
    /// any waiting one; returns its id. Send what [`Self::take_next`] returns.
    pub fn request(&mut self, text: String, pair: Option<String>) -> u64 {
        self.request_with(text, pair, None)
    }

    /// [`Self::request`], also asking for one layer's Q, K, V.
    pub fn request_with(
        &mut self,
        text: String,
        pair: Option<String>,
        qkv_layer: Option<usize>,
    ) -> u64 {
        self.last_id += 1;
        self.pending = Some(RunRequest {
            request_id: self.last_id,
            text,
            pair,
            qkv_layer,
        });
        self.last_id
    }

    /// The request to send now, if any: the waiting one, when nothing is in
    /// flight and a model is ready. It is then in flight.
    pub fn take_next(&mut self) -> Option<RunRequest> {
        if self.in_flight.is_some() || !self.is_ready() {
            return None;
        }
        let request = self.pending.take()?;
        self.in_flight = Some(request.clone());
        Some(request)
    }

    /// A result for `request_id` arrived. Returns the request it answers if
    /// it is to be drawn: any answer to the run in flight, even when newer
    /// text is waiting, so the map follows fast typing. It can never land
    /// after a newer one: one run is in flight at a time, and the worker
    /// answers in order. Not delivered: answers from a model a load has
    /// replaced, and ids that are not in flight (a replaced worker).
    pub fn answered(&mut self, request_id: u64) -> Option<RunRequest> {
        if self.in_flight.as_ref()?.request_id != request_id {
            return None;
        }
        let request = self.in_flight.take()?;
        let outdated = std::mem::take(&mut self.flight_outdated);
        (!outdated).then_some(request)
    }

    /// A run failed. Only the newest request's failure is reported: an older
    /// text's error means nothing once the reader has typed on.
    pub fn failed(&mut self, request_id: u64) -> Option<RunRequest> {
        self.answered(request_id)
            .filter(|request| request.request_id == self.last_id)
    }

    /// A load was sent: new runs wait for its outcome, and the run in flight
    /// (on the old model) will not be delivered.
    pub fn load_started(&mut self) {
        self.loading = true;
        self.flight_outdated = self.in_flight.is_some();
    }

    /// The load finished; a failed one leaves the earlier model (if any).
    pub fn load_finished(&mut self, ok: bool) {
        self.loading = false;
        self.has_model |= ok;
    }

    /// The worker died: its model and the run in flight are gone. The
    /// waiting request (if any) stays, for the next worker.
    pub fn worker_lost(&mut self) {
        self.in_flight = None;
        self.flight_outdated = false;
        self.has_model = false;
        self.loading = false;
    }

    /// Whether runs can be sent.
    pub fn is_ready(&self) -> bool {
        self.has_model && !self.loading
    }

    /// Id of the most recent request (0 before any).
    pub fn newest(&self) -> u64 {
        self.last_id
    }

    pub fn in_flight(&self) -> Option<&RunRequest> {
        self.in_flight.as_ref()
    }

    pub fn pending(&self) -> Option<&RunRequest> {
        self.pending.as_ref()
    }
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
        (false, Some(d)) => format!("the model worker could not start: {d}"),
        (false, None) => format!(
            "the model worker could not start ({WORKER_SCRIPT} or its WebAssembly did not load)"
        ),
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
    pub fn spawn(on_event: impl Fn(ClientEvent) + 'static) -> Result<Self, String> {
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
        let handle = Inner::start_worker(&inner)?;
        inner.state.borrow_mut().worker = Some(handle);
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

    fn start_worker(this: &Rc<Inner>) -> Result<WorkerHandle, String> {
        let worker = Worker::new(WORKER_SCRIPT)
            .map_err(|e| worker_error_message(Some(&super::fetch::js_error_text(&e)), false))?;
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
        Ok(WorkerHandle {
            worker,
            serial,
            _onmessage: onmessage,
            _onerror: onerror,
        })
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
                Err(message) => {
                    self.emit(ClientEvent::WorkerError(message));
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

    fn post(&self, packed: &Packed) -> Result<(), String> {
        let state = self.state.borrow();
        let worker = &state
            .worker
            .as_ref()
            .ok_or("the model worker is not running")?
            .worker;
        worker
            .post_message_with_transfer(&packed.message, &packed.transfer)
            .map_err(|e| super::fetch::js_error_text(&e))
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
        let parsed = wire::unpack(data).and_then(|(header, buffers)| {
            wire::decode::<FromWorker>(&header).map(|message| (message, buffers))
        });
        let (message, buffers) = match parsed {
            Ok(parsed) => parsed,
            Err(why) => {
                web_sys::console::error_1(&format!("Attend: {why}").into());
                return;
            }
        };
        match message {
            FromWorker::Started => {
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
                        Err(why) => self.emit(ClientEvent::RunFailed(why)),
                    }
                }
            }
            FromWorker::Backend { status } => self.emit(ClientEvent::Backend(status)),
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn sent(q: &mut RequestQueue) -> Option<(u64, String)> {
        q.take_next().map(|r| (r.request_id, r.text))
    }

    fn ready_queue() -> RequestQueue {
        let mut q = RequestQueue::new();
        q.load_started();
        q.load_finished(true);
        q
    }

    #[test]
    fn runs_wait_for_a_model() {
        let mut q = RequestQueue::new();
        q.request("a".into(), None);
        assert_eq!(sent(&mut q), None);
        q.load_started();
        q.request("b".into(), None);
        assert_eq!(sent(&mut q), None);
        q.load_finished(false);
        assert_eq!(sent(&mut q), None, "a failed first load leaves no model");
        q.load_started();
        q.load_finished(true);
        assert_eq!(
            sent(&mut q),
            Some((2, "b".into())),
            "only the newest is sent"
        );
        assert_eq!(q.answered(2).map(|r| r.text), Some("b".into()));
        assert_eq!(sent(&mut q), None);
    }

    #[test]
    fn latest_wins_while_one_is_in_flight() {
        let mut q = ready_queue();
        assert_eq!(q.request("a".into(), None), 1);
        assert_eq!(sent(&mut q), Some((1, "a".into())));
        q.request("b".into(), None);
        q.request("c".into(), Some("d".into()));
        assert_eq!(sent(&mut q), None, "one in flight at a time");
        assert_eq!(q.pending().map(|r| r.request_id), Some(3));
        // The answer to "a" is older than "c" but still drawn (the map
        // follows typing); "c" goes out next, "b" never.
        assert_eq!(q.answered(1).map(|r| r.text), Some("a".into()));
        let next = q.take_next().unwrap();
        assert_eq!((next.request_id, next.pair.as_deref()), (3, Some("d")));
        let delivered = q.answered(3).unwrap();
        assert_eq!((delivered.request_id, delivered.text.as_str()), (3, "c"));
        assert_eq!(q.newest(), 3);
        assert!(q.in_flight().is_none() && q.pending().is_none());
    }

    #[test]
    fn only_the_newest_failure_is_reported() {
        let mut q = ready_queue();
        q.request("a".into(), None);
        q.take_next();
        q.request("b".into(), None);
        assert_eq!(q.failed(1), None, "a is older than b");
        assert_eq!(sent(&mut q), Some((2, "b".into())), "b still goes out");
        assert_eq!(q.failed(2).map(|r| r.text), Some("b".into()));
    }

    #[test]
    fn unknown_and_repeated_answers_are_ignored() {
        let mut q = ready_queue();
        q.request("a".into(), None);
        q.take_next();
        assert_eq!(q.answered(7), None);
        assert!(
            q.in_flight().is_some(),
            "a foreign id does not clear the flight"
        );
        assert!(q.answered(1).is_some());
        assert_eq!(q.answered(1), None, "delivered once");
    }

    #[test]
    fn loads_hold_runs_and_failures_keep_the_old_model() {
        let mut q = ready_queue();
        q.request("a".into(), None);
        q.take_next();
        q.load_started();
        q.request("b".into(), None);
        // The run in flight still answers, from the old model: not drawn …
        assert!(q.answered(1).is_none(), "outdated by the load");
        // … but nothing is sent until the load ends.
        assert_eq!(sent(&mut q), None);
        q.load_finished(false);
        assert!(q.is_ready(), "a failed load keeps the earlier model");
        assert_eq!(sent(&mut q), Some((2, "b".into())));
    }

    #[test]
    fn a_lost_worker_forgets_its_model_and_flight() {
        let mut q = ready_queue();
        q.request("a".into(), None);
        q.take_next();
        q.request("b".into(), None);
        q.worker_lost();
        assert!(!q.is_ready());
        assert!(q.in_flight().is_none());
        assert_eq!(sent(&mut q), None);
        q.load_started();
        q.load_finished(true);
        assert_eq!(sent(&mut q), Some((2, "b".into())));
    }

    pub(crate) fn meta(tokens: usize, layers: usize, heads: usize) -> RunMeta {
        RunMeta {
            tokens: (0..tokens).map(|i| format!("t{i}")).collect(),
            token_type_ids: vec![0; tokens],
            truncated: 0,
            layers,
            heads,
            forward_ms: 1.0,
            backend: crate::model::protocol::Backend::Cpu,
            backend_notice: None,
            qkv: None,
        }
    }

    fn request() -> RunRequest {
        RunRequest {
            request_id: 4,
            text: "x".into(),
            pair: None,
            qkv_layer: None,
        }
    }

    #[test]
    fn results_index_heads_row_major() {
        // 2 layers × 3 heads × 2 × 2, value = its flat index.
        let att: Vec<f32> = (0..24).map(|i| i as f32).collect();
        let r = AttentionResult::new(request(), meta(2, 2, 3), att, vec![0.5; 4]).unwrap();
        assert_eq!(r.num_tokens(), 2);
        assert_eq!(r.head(0, 0), &[0.0, 1.0, 2.0, 3.0]);
        assert_eq!(r.head(1, 2), &[20.0, 21.0, 22.0, 23.0]);
        assert_eq!(r.value(1, 0, 1, 0), 14.0);
        assert_eq!(r.value(0, 1, 0, 1), 5.0);
        assert!(r.head(2, 0).is_empty() && r.head(0, 3).is_empty());
        assert_eq!(r.value(0, 0, 2, 0), 0.0);
        assert_eq!((r.request_id, r.text.as_str()), (4, "x"));
    }

    #[test]
    fn malformed_results_are_rejected() {
        let e = AttentionResult::new(request(), meta(3, 1, 1), vec![0.0; 8], vec![]).unwrap_err();
        assert!(e.contains("malformed"), "{e}");
        let mut m = meta(1, 1, 1);
        m.token_type_ids.clear();
        assert!(AttentionResult::new(request(), m, vec![1.0], vec![]).is_err());
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
