//! What the client tells the UI, and the sentences for a worker that failed.

use super::result::{AttentionResult, PositionCosines};
use crate::error::RuntimeError;
use crate::protocol::{BackendStatus, ModelInfo, TokenList, PROTOCOL_VERSION};
use std::rc::Rc;

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
    /// The cosines between the loaded model's position embeddings, as asked
    /// for by [`super::ModelClient::request_positions`].
    Positions(Rc<PositionCosines>),
    /// The loaded model's files were stored for offline use, or the
    /// sentence saying which could not be.
    Stored { not_stored: Option<String> },
    /// The tokens of one input (see [`super::ModelClient::tokenize`]).
    Tokenized(Rc<Tokenized>),
    /// The stored copy of the loaded model is out of date on its host and
    /// was removed (the sentence says so, and that a reload gets the new one).
    StoredCopyChanged(String),
}

/// One input's tokens under the loaded model's tokenizer, or why there are
/// none.
#[derive(Clone, Debug, PartialEq)]
pub struct Tokenized {
    pub text: String,
    pub pair: Option<String>,
    pub outcome: Result<TokenList, String>,
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

/// Why a worker of another protocol version is not used.
pub(super) fn version_mismatch(worker_protocol: u32) -> String {
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
