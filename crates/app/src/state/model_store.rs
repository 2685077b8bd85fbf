//! The loaded model, shared by every section that uses it: one worker for
//! the whole app, so moving between sections never reloads the weights.

use super::model_consent::ModelConsent;
use super::token_lists::TokenLists;
use attend_runtime::client::{AttentionResult, ClientEvent, ModelClient, PositionCosines};
pub use attend_runtime::fetch::FileProgress;
use attend_runtime::protocol::{BackendChoice, BackendStatus, GpuState, ModelInfo, TokenizerKind};
use attend_runtime::RuntimeError;
use leptos::prelude::*;
use std::rc::Rc;

/// Results kept for quick switching between recent inputs: the newest two
/// always (the compare view shows two at once), older ones while all of them
/// together stay under a byte budget. A count would not do: one 512-token
/// result of bert-base (12 × 12 × 512² attention values) is 151 MB, a
/// 10-token one of MiniLM 29 kB.
const ALWAYS_KEPT_RESULTS: usize = 2;
const CACHED_RESULTS_MAX: usize = 8;
const CACHED_RESULTS_BUDGET_BYTES: usize = 48 << 20;

/// Drops the oldest results (the end of `cache`) beyond the budget.
fn evict_over_budget(cache: &mut Vec<Rc<AttentionResult>>) {
    let mut total_bytes = 0usize;
    let keep = cache
        .iter()
        .take(CACHED_RESULTS_MAX)
        .enumerate()
        .take_while(|(i, result)| {
            total_bytes = total_bytes.saturating_add(result.size_bytes());
            *i < ALWAYS_KEPT_RESULTS || total_bytes <= CACHED_RESULTS_BUDGET_BYTES
        })
        .count();
    cache.truncate(keep);
}

/// Where `cargo xtask fetch-model` puts the default model inside the site.
pub const DEFAULT_MODEL_BASE: &str = "models/all-MiniLM-L6-v2/";

/// The default model in half precision (half the download).
pub fn default_request() -> LoadRequest {
    LoadRequest::Url {
        base: DEFAULT_MODEL_BASE.into(),
        weights: Some("model.f16.safetensors".into()),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ModelStatus {
    Idle,
    Loading(Vec<FileProgress>),
    Ready(ModelInfo),
    Failed(String),
}

/// What to load; kept so that Retry can ask again.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadRequest {
    Url {
        base: String,
        weights: Option<String>,
    },
    Files {
        name: String,
        config: Rc<Vec<u8>>,
        weights: Rc<Vec<u8>>,
        tokenizer: (TokenizerKind, Rc<Vec<u8>>),
    },
}

type RunKey = (String, Option<String>, Option<usize>);

#[derive(Clone, Copy)]
pub struct ModelStore {
    client: StoredValue<Option<ModelClient>, LocalStorage>,
    last_request: StoredValue<Option<LoadRequest>, LocalStorage>,
    pub status: RwSignal<ModelStatus>,
    results: RwSignal<Vec<Rc<AttentionResult>>, LocalStorage>,
    pub run_error: RwSignal<Option<String>>,
    /// What has been asked of the worker most recently (text, pair, Q/K/V layer).
    requested: StoredValue<Option<RunKey>>,
    /// The reader's backend setting, sent with every run.
    pub backend: RwSignal<BackendChoice>,
    /// What the worker last said about WebGPU and the calibration.
    pub backend_status: RwSignal<BackendStatus>,
    /// The last backend notice (a fallback, a bad link), until dismissed.
    pub backend_notice: RwSignal<Option<String>>,
    /// Which models from other hosts the reader agreed to load.
    pub consent: ModelConsent,
    /// Counts the times the worker stored a model's files (the list of
    /// stored models reads it to know when to look again).
    pub stored: RwSignal<u32>,
    /// Why the loaded model's files could not all be stored, if so.
    pub not_stored: RwSignal<Option<String>>,
    /// The loaded model's stored copy was out of date on its host.
    pub stored_copy_changed: RwSignal<Option<String>>,
    /// Worker restarts since the last answer (see `WorkerError`).
    restarts: StoredValue<u32>,
    /// Inputs' tokens without a forward pass (the tokenizer lesson).
    pub tokens: TokenLists,
    /// The loaded model's position cosines, once asked for.
    positions: RwSignal<Option<Rc<PositionCosines>>, LocalStorage>,
    /// They were asked for since the model loaded (they are asked once).
    positions_asked: StoredValue<bool>,
}

/// Why WebGPU is off after a crash (the backend panel shows it too).
const GPU_TURNED_OFF: &str = "off for this visit: the model worker crashed while WebGPU was in use";

/// A worker that keeps dying is not restarted forever.
const MAX_AUTOMATIC_RESTARTS: u32 = 1;

/// Where the backend setting is remembered between visits.
const BACKEND_KEY: &str = "attend.backend";

impl ModelStore {
    pub fn new() -> Self {
        ModelStore {
            client: StoredValue::new_local(None),
            last_request: StoredValue::new_local(None),
            status: RwSignal::new(ModelStatus::Idle),
            results: RwSignal::new_local(Vec::new()),
            run_error: RwSignal::new(None),
            requested: StoredValue::new(None),
            backend: RwSignal::new(stored_backend().unwrap_or_default()),
            backend_status: RwSignal::new(BackendStatus::default()),
            backend_notice: RwSignal::new(None),
            consent: ModelConsent::new(),
            stored: RwSignal::new(0),
            not_stored: RwSignal::new(None),
            stored_copy_changed: RwSignal::new(None),
            restarts: StoredValue::new(0),
            positions: RwSignal::new_local(None),
            positions_asked: StoredValue::new(false),
            tokens: TokenLists::new(),
        }
    }

    pub fn provide() -> Self {
        let store = ModelStore::new();
        provide_context(store);
        store
    }

    pub fn get() -> Self {
        expect_context::<ModelStore>()
    }

    fn client(&self) -> Result<ModelClient, RuntimeError> {
        if let Some(client) = self.client.get_value() {
            return Ok(client);
        }
        let store = *self;
        let client = ModelClient::spawn(move |event| store.on_event(event))?;
        client.set_backend(self.backend.get_untracked());
        self.client.set_value(Some(client.clone()));
        Ok(client)
    }

    fn on_event(&self, event: ClientEvent) {
        match event {
            ClientEvent::Progress {
                file,
                received_bytes,
                total_bytes,
                from_cache,
            } => {
                self.status.update(|status| {
                    let mut files = match status {
                        ModelStatus::Loading(files) => std::mem::take(files),
                        _ => Vec::new(),
                    };
                    match files.iter_mut().find(|f| f.file == file) {
                        Some(f) => {
                            f.received_bytes = received_bytes;
                            f.total_bytes = total_bytes;
                            f.from_cache = from_cache;
                        }
                        None => files.push(FileProgress {
                            file,
                            received_bytes,
                            total_bytes,
                            from_cache,
                        }),
                    }
                    *status = ModelStatus::Loading(files);
                });
            }
            ClientEvent::Loaded(info) => {
                self.results.set(Vec::new());
                self.tokens.clear();
                self.positions.set(None);
                self.positions_asked.set_value(false);
                self.requested.set_value(None);
                self.status.set(ModelStatus::Ready(info));
            }
            ClientEvent::LoadFailed(message) => {
                self.status.set(ModelStatus::Failed(message));
            }
            // A worker that dies while its model is in use (a crash in a
            // run, the tab reclaiming memory) is replaced at once and the
            // model loaded again, so the next keystroke just works; one that
            // dies again before answering anything waits for Retry.
            ClientEvent::WorkerError(message) => {
                let was_ready = self
                    .status
                    .with_untracked(|s| matches!(s, ModelStatus::Ready(_)));
                if was_ready && self.restarts.get_value() < MAX_AUTOMATIC_RESTARTS {
                    self.restarts.update_value(|n| *n += 1);
                    self.keep_off_the_gpu_if_it_was_in_use();
                    self.requested.set_value(None);
                    self.run_error.set(Some(format!(
                        "{message}. It was restarted and the model is loading again."
                    )));
                    self.retry();
                } else {
                    self.status.set(ModelStatus::Failed(message));
                }
            }
            ClientEvent::Result(result) => {
                self.run_error.set(None);
                self.restarts.set_value(0);
                self.results.update(|cache| {
                    cache.retain(|r| {
                        !(r.text == result.text
                            && r.pair == result.pair
                            && r.qkv.as_ref().map(|q| q.layer)
                                == result.qkv.as_ref().map(|q| q.layer))
                    });
                    cache.insert(0, result.clone());
                    evict_over_budget(cache);
                });
                // An older text's result (drawn while the newest runs) does
                // not clear the newest request, or it would be sent twice.
                let key = (result.text.clone(), result.pair.clone());
                self.requested.update_value(|r| {
                    if r.as_ref()
                        .is_some_and(|(t, p, _)| (t, p) == (&key.0, &key.1))
                    {
                        *r = None;
                    }
                });
            }
            ClientEvent::RunFailed(message) => {
                self.requested.set_value(None);
                self.run_error.set(Some(message));
            }
            ClientEvent::Positions(table) => {
                let current = self.info().is_some_and(|i| i.name == table.model);
                if current {
                    self.positions.set(Some(table));
                }
            }
            ClientEvent::Stored { not_stored } => {
                self.not_stored.set(not_stored);
                self.stored.update(|n| *n += 1);
            }
            ClientEvent::Tokenized(answer) => self.tokens.receive(answer),
            ClientEvent::StoredCopyChanged(message) => {
                self.stored_copy_changed.set(Some(message));
                // The list of stored models lost this one.
                self.stored.update(|n| *n += 1);
            }
            ClientEvent::Backend(status) => {
                if let Some(notice) = status.notice.clone() {
                    self.backend_notice.set(Some(notice));
                }
                self.backend_status.set(status);
            }
        }
    }

    /// A worker that died while putting the model on the GPU, or while the
    /// GPU ran it, would most likely die the same way again: the restarted
    /// one keeps the model on the CPU for the rest of this visit.
    fn keep_off_the_gpu_if_it_was_in_use(&self) {
        let gpu_in_use = self
            .backend_status
            .with_untracked(|s| matches!(s.gpu, GpuState::Starting | GpuState::Ready { .. }));
        let Some(client) = self.client.get_value() else {
            return;
        };
        if gpu_in_use {
            client.turn_off_gpu(GPU_TURNED_OFF.into());
            self.backend_notice.set(Some(format!(
                "WebGPU is {GPU_TURNED_OFF}; the CPU computes the maps. Reload the page to try WebGPU again."
            )));
        }
    }

    /// Uses `choice` from now on; with `remember`, also on later visits (a
    /// link's `backend=` applies to this visit only). Results already shown
    /// are computed again, so the choice is visible at once.
    pub fn set_backend(&self, choice: BackendChoice, remember: bool) {
        if remember {
            if let Some(storage) = window().local_storage().ok().flatten() {
                attend_runtime::report::warn_on_err(
                    "remembering the backend",
                    storage.set_item(BACKEND_KEY, choice.slug()),
                );
            }
        }
        if self.backend.get_untracked() == choice {
            return;
        }
        self.backend.set(choice);
        if let Some(client) = self.client.get_value() {
            client.set_backend(choice);
        }
        self.requested.set_value(None);
        self.results.set(Vec::new());
    }

    /// Destroys the GPU device in the worker, to see the fallback happen.
    pub fn simulate_gpu_loss(&self) {
        if let Some(client) = self.client.get_value() {
            client.simulate_gpu_loss();
        }
    }

    pub fn load(&self, request: LoadRequest) {
        self.last_request.set_value(Some(request.clone()));
        self.status.set(ModelStatus::Loading(Vec::new()));
        self.not_stored.set(None);
        self.stored_copy_changed.set(None);
        let client = match self.client() {
            Ok(client) => client,
            Err(error) => {
                self.status.set(ModelStatus::Failed(error.to_string()));
                return;
            }
        };
        match request {
            LoadRequest::Url { base, weights } => client.load_url(base, weights),
            LoadRequest::Files {
                name,
                config,
                weights,
                tokenizer,
            } => client.load_files(
                name,
                config.as_ref().clone(),
                weights.as_ref().clone(),
                (tokenizer.0, tokenizer.1.as_ref().clone()),
            ),
        }
    }

    /// Loads `request` unless it is what is already loaded or loading.
    pub fn ensure_loaded(&self, request: LoadRequest) {
        // A failed load is retried by the user (Retry), not by every redraw.
        if !self
            .last_request
            .with_value(|r| r.as_ref() == Some(&request))
        {
            self.load(request);
        }
    }

    /// Loads the default model unless a model is loaded, loading, or failed
    /// (a failure waits for Retry): for sections where the model is optional.
    pub fn load_default_if_idle(&self) {
        if self
            .status
            .with_untracked(|s| matches!(s, ModelStatus::Idle))
        {
            self.load(default_request());
        }
    }

    pub fn retry(&self) {
        if let Some(request) = self.last_request.get_value() {
            self.load(request);
        }
    }

    /// A model from the user's own files is loaded (or loading); links
    /// that name no model leave it alone.
    pub fn has_local_model(&self) -> bool {
        self.last_request
            .with_value(|r| matches!(r, Some(LoadRequest::Files { .. })))
    }

    pub fn is_ready(&self) -> bool {
        self.status.with(|s| matches!(s, ModelStatus::Ready(_)))
    }

    pub fn info(&self) -> Option<ModelInfo> {
        self.status.with(|s| match s {
            ModelStatus::Ready(info) => Some(info.clone()),
            _ => None,
        })
    }

    /// The cached result for this input, if any (reactive).
    pub fn result_for(&self, text: &str, pair: Option<&str>) -> Option<Rc<AttentionResult>> {
        self.results.with(|cache| {
            cache
                .iter()
                .find(|r| r.text == text && r.pair.as_deref() == pair)
                .cloned()
        })
    }

    /// The newest result of any input (reactive): shown while the current
    /// input is still being computed, so the view does not flash empty.
    pub fn latest(&self) -> Option<Rc<AttentionResult>> {
        self.results.with(|cache| cache.first().cloned())
    }

    /// The cached result for `text` that carries `layer`'s Q, K, V (reactive).
    pub fn result_with_qkv(&self, text: &str, layer: usize) -> Option<Rc<AttentionResult>> {
        self.results.with(|cache| find_qkv(cache, text, layer))
    }

    /// Asks for `text` with layer `layer`'s queries, keys and values.
    pub fn request_qkv(&self, text: &str, layer: usize) {
        if self
            .results
            .with_untracked(|cache| find_qkv(cache, text, layer).is_none())
        {
            self.send((text.to_string(), None, Some(layer)));
        }
    }

    /// The loaded model's position cosines (reactive); asks the worker for
    /// them the first time.
    pub fn position_cosines(&self) -> Option<Rc<PositionCosines>> {
        let table = self.positions.get();
        if table.is_none() && self.is_ready() && !self.positions_asked.get_value() {
            if let Some(client) = self.client.get_value() {
                self.positions_asked.set_value(true);
                client.request_positions();
            }
        }
        table
    }

    /// Asks the worker for this input's tokens only (see [`TokenLists`]).
    pub fn request_tokens(&self, text: &str, pair: Option<&str>) {
        if !self.is_ready() || !self.tokens.should_ask(text, pair) {
            return;
        }
        if let Some(client) = self.client.get_value() {
            client.tokenize(text.to_string(), pair.map(str::to_string));
        }
    }

    /// Asks the worker for this input unless it is cached or already asked.
    pub fn request(&self, text: &str, pair: Option<&str>) {
        let cached = self.results.with_untracked(|c| {
            c.iter()
                .any(|r| r.text == text && r.pair.as_deref() == pair)
        });
        if !cached {
            self.send((text.to_string(), pair.map(str::to_string), None));
        }
    }

    fn send(&self, key: RunKey) {
        if self.requested.with_value(|r| r.as_ref() == Some(&key)) {
            return;
        }
        if let Some(client) = self.client.get_value() {
            self.requested.set_value(Some(key.clone()));
            client.run(key.0, key.1, key.2);
        }
    }
}

fn stored_backend() -> Option<BackendChoice> {
    let storage = window().local_storage().ok().flatten()?;
    BackendChoice::parse(&storage.get_item(BACKEND_KEY).ok().flatten()?)
}

fn find_qkv(
    cache: &[Rc<AttentionResult>],
    text: &str,
    layer: usize,
) -> Option<Rc<AttentionResult>> {
    cache
        .iter()
        .find(|r| {
            r.text == text && r.pair.is_none() && r.qkv.as_ref().is_some_and(|q| q.layer == layer)
        })
        .cloned()
}

impl Default for ModelStore {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use attend_runtime::client::{example_meta as meta, RunRequest};

    fn result(tokens: usize, layers: usize, heads: usize) -> Rc<AttentionResult> {
        let request = RunRequest {
            request_id: 1,
            text: "x".into(),
            pair: None,
            qkv_layer: None,
        };
        let values = vec![0.0; layers * heads * tokens * tokens];
        Rc::new(
            AttentionResult::new(request, meta(tokens, layers, heads), values, vec![0.0; 4])
                .expect("well formed"),
        )
    }

    #[test]
    fn small_results_are_kept_up_to_the_count() {
        let mut cache: Vec<_> = (0..10).map(|_| result(10, 6, 12)).collect();
        evict_over_budget(&mut cache);
        assert_eq!(cache.len(), CACHED_RESULTS_MAX);
    }

    #[test]
    fn big_results_are_kept_under_the_byte_budget() {
        // bert-base at 512 tokens: 151 MB each. The newest two stay (compare
        // needs them), the third goes.
        let big = result(512, 12, 12);
        assert_eq!(big.size_bytes(), 12 * 12 * 512 * 512 * 4 + 16 + 1);
        let mut cache = vec![Rc::clone(&big), Rc::clone(&big), big, result(10, 6, 12)];
        evict_over_budget(&mut cache);
        assert_eq!(cache.len(), 2);
        // 9.4 MB results (bert-base at 128 tokens): as many as fit in 48 MiB.
        let mut cache: Vec<_> = (0..8).map(|_| result(128, 12, 12)).collect();
        let each = cache[0].size_bytes();
        evict_over_budget(&mut cache);
        assert_eq!(cache.len(), CACHED_RESULTS_BUDGET_BYTES / each);
        assert!(cache.len() > ALWAYS_KEPT_RESULTS && cache.len() < 8);
    }
}
