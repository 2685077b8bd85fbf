//! Messages between the page and the model worker.
//!
//! Each message is a JS array `[header, ...buffers]`: the header is JSON
//! (these serde types), the buffers are typed arrays moved, not copied, with
//! `postMessage`'s transfer list — attention maps of long inputs are
//! megabytes, far too big to go through JSON.

use serde::{Deserialize, Serialize};

/// Page → worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWorker {
    /// Load a model from a base URL in the Hugging Face layout
    /// (`config.json`, `tokenizer.json` or `vocab.txt`, weights). With
    /// `weights: None` the worker reads `manifest.json` for the default file
    /// and falls back to `model.safetensors`.
    LoadUrl {
        base: String,
        weights: Option<String>,
    },
    /// Load from files the user picked. Buffers, in order: config.json,
    /// weights, then tokenizer.json or vocab.txt (as `tokenizer_kind` says).
    LoadFiles {
        name: String,
        tokenizer_kind: TokenizerKind,
    },
    /// Run the loaded model. Results carry the same `request_id`.
    Run {
        request_id: u64,
        text: String,
        pair: Option<String>,
        /// Also send the per-head queries, keys and values of this layer
        /// (0-based), for the self-attention walk-through.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        qkv_layer: Option<usize>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenizerKind {
    TokenizerJson,
    VocabTxt,
}

/// Worker → page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker's WebAssembly is running and listening.
    Started,
    /// Download progress of one file; `total_bytes` is None when the server
    /// does not say.
    Progress {
        file: String,
        received_bytes: u64,
        total_bytes: Option<u64>,
        from_cache: bool,
    },
    Loaded {
        info: ModelInfo,
    },
    LoadFailed {
        message: String,
    },
    /// Buffers: the attentions `[layer][head][query][key]` as one
    /// Float32Array, then the sentence embedding as a Float32Array; when
    /// `meta.qkv` is set, then Q, K and V, each `[head][token][head_dim]`.
    Result {
        request_id: u64,
        meta: RunMeta,
    },
    RunFailed {
        request_id: u64,
        message: String,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub name: String,
    pub layers: usize,
    pub heads: usize,
    pub hidden_size: usize,
    /// Width of the feed-forward layer inside each block.
    #[serde(default)]
    pub intermediate_size: usize,
    pub max_tokens: usize,
    pub weights_file: String,
    pub load_ms: f64,
}

/// Everything about a result except its big arrays.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    pub tokens: Vec<String>,
    pub token_type_ids: Vec<u32>,
    /// Word pieces dropped to fit `max_tokens`.
    pub truncated: usize,
    pub layers: usize,
    pub heads: usize,
    pub forward_ms: f64,
    /// Present when the run asked for one layer's Q, K, V.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qkv: Option<QkvMeta>,
}

/// Which layer's Q, K, V follow, and their shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QkvMeta {
    pub layer: usize,
    pub heads: usize,
    pub head_dim: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_tagged_json() {
        let msg = ToWorker::Run {
            request_id: 7,
            text: "Dog bites man".into(),
            pair: None,
            qkv_layer: None,
        };
        let json = serde_json::to_string(&msg).unwrap();
        assert_eq!(
            json,
            r#"{"type":"run","request_id":7,"text":"Dog bites man","pair":null}"#
        );
        assert_eq!(serde_json::from_str::<ToWorker>(&json).unwrap(), msg);
        let back: FromWorker = serde_json::from_str(r#"{"type":"started"}"#).unwrap();
        assert_eq!(back, FromWorker::Started);
    }
}
