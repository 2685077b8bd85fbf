//! What can go wrong between the page and the model worker, as one type.
//! Every variant reads as a sentence a reader can be shown.

use crate::client::WORKER_SCRIPT;

/// An error at the runtime's edge: starting the worker, talking to it, or
/// an answer that does not have the shape it announces.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RuntimeError {
    /// The worker's script or WebAssembly did not start.
    #[error("the model worker could not start{}", start_detail(.0.as_deref()))]
    WorkerStart(Option<String>),
    /// `postMessage` refused a message (the worker is gone, or a buffer
    /// could not be transferred).
    #[error("{0}")]
    Post(String),
    /// A message that is not `[header, ...buffers]`, or whose header is
    /// not a message of the protocol.
    #[error("unreadable message: {0}")]
    Unreadable(String),
    /// A message lacks one of the buffers its header announces.
    #[error("the message carries no {0}")]
    MissingBuffer(String),
    /// An answer whose arrays do not match its header.
    #[error("the model worker sent a malformed {what} ({detail})")]
    Malformed { what: &'static str, detail: String },
}

fn start_detail(detail: Option<&str>) -> String {
    match detail {
        Some(d) => format!(": {d}"),
        None => format!(" ({WORKER_SCRIPT} or its WebAssembly did not load)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_as_sentences() {
        assert_eq!(
            RuntimeError::WorkerStart(None).to_string(),
            "the model worker could not start (model-worker.js or its WebAssembly did not load)"
        );
        assert_eq!(
            RuntimeError::WorkerStart(Some("boom".into())).to_string(),
            "the model worker could not start: boom"
        );
        assert_eq!(
            RuntimeError::MissingBuffer("keys".into()).to_string(),
            "the message carries no keys"
        );
        let malformed = RuntimeError::Malformed {
            what: "result",
            detail: "8 values".into(),
        };
        assert_eq!(
            malformed.to_string(),
            "the model worker sent a malformed result (8 values)"
        );
    }
}
