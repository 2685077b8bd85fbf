//! Messages between the page and the model worker.
//!
//! Each message is a JS array `[header, ...buffers]`: the header is JSON
//! (these serde types), the buffers are typed arrays moved, not copied, with
//! `postMessage`'s transfer list — attention maps of long inputs are
//! megabytes, far too big to go through JSON.

use crate::head_summary::HeadSummary;
pub use attend_core::Backend;
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
        /// Why this model must stay off the GPU (None: use WebGPU if there).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gpu_off: Option<String>,
    },
    /// Load from files the user picked. Buffers, in order: config.json,
    /// weights, then tokenizer.json or vocab.txt (as `tokenizer_kind` says).
    LoadFiles {
        name: String,
        tokenizer_kind: TokenizerKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gpu_off: Option<String>,
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
        /// Which backend to use (automatic unless the reader chose).
        #[serde(default)]
        backend: BackendChoice,
    },
    /// Send the cosines between the loaded model's learned position
    /// embeddings (answered by [`FromWorker::Positions`]).
    Positions,
    /// Only tokenize (the tokenizer lesson: no forward pass, so a 512-token
    /// input answers at once). Answered by [`FromWorker::Tokenized`].
    Tokenize { text: String, pair: Option<String> },
    /// Destroys the GPU device, as a driver reset would, so the fallback
    /// to the CPU can be seen (and tested). The next GPU run discovers it.
    SimulateGpuLoss,
}

/// The reader's backend setting (`backend=` in links).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendChoice {
    /// WebGPU when a short calibration finds it faster for the input's length.
    #[default]
    Auto,
    Cpu,
    Gpu,
}

impl BackendChoice {
    pub const ALL: [BackendChoice; 3] =
        [BackendChoice::Auto, BackendChoice::Cpu, BackendChoice::Gpu];

    /// The backend the reader fixed, or None for the automatic choice.
    pub fn fixed(self) -> Option<Backend> {
        match self {
            BackendChoice::Auto => None,
            BackendChoice::Cpu => Some(Backend::Cpu),
            BackendChoice::Gpu => Some(Backend::Gpu),
        }
    }

    /// `auto`, or the backend's own slug (`cpu`, `gpu`).
    pub fn slug(self) -> &'static str {
        self.fixed().map_or("auto", Backend::slug)
    }

    pub fn label(self) -> &'static str {
        self.fixed()
            .map_or("Automatic (the faster one)", backend_label)
    }

    pub fn parse(raw: &str) -> Option<BackendChoice> {
        let raw = raw.trim();
        BackendChoice::ALL
            .into_iter()
            .find(|c| c.slug().eq_ignore_ascii_case(raw))
    }
}

/// What the page calls a backend: "CPU" or "WebGPU".
pub fn backend_label(backend: Backend) -> &'static str {
    match backend {
        Backend::Cpu => "CPU",
        Backend::Gpu => "WebGPU",
    }
}

/// How WebGPU stands in the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum GpuState {
    /// Not looked at yet (no model loaded).
    Unknown,
    /// The weights are being uploaded to the GPU.
    Starting,
    Ready {
        adapter: GpuAdapter,
    },
    /// This browser or machine has no usable WebGPU.
    Unavailable {
        reason: String,
    },
    /// WebGPU worked, then failed (device lost, shader or memory error);
    /// the CPU runs everything from now on.
    Failed {
        reason: String,
    },
}

/// The adapter, for display.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GpuAdapter {
    /// E.g. "NVIDIA GeForce RTX 4060" or "google swiftshader".
    pub name: String,
    /// A software rasteriser (no GPU), which the browser flags as a fallback adapter.
    pub software: bool,
}

/// One length bucket's calibration: both backends timed on the same input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalibrationPoint {
    /// Inputs of up to this many tokens use this measurement.
    pub max_tokens: usize,
    /// The input that was timed.
    pub tokens: usize,
    pub cpu_ms: f64,
    /// None when the input could not run on the GPU (too big for its buffers).
    pub gpu_ms: Option<f64>,
}

impl CalibrationPoint {
    /// The faster backend (the CPU on a tie: it needs no upload).
    pub fn winner(&self) -> Backend {
        if self.gpu_ms.is_some_and(|gpu_ms| gpu_ms < self.cpu_ms) {
            Backend::Gpu
        } else {
            Backend::Cpu
        }
    }
}

/// Everything the page shows about backends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BackendStatus {
    pub gpu: GpuState,
    /// Measured buckets, shortest first.
    pub calibration: Vec<CalibrationPoint>,
    /// Something the reader should know now (a fallback, a mismatch).
    pub notice: Option<String>,
}

impl Default for BackendStatus {
    fn default() -> Self {
        BackendStatus {
            gpu: GpuState::Unknown,
            calibration: Vec::new(),
            notice: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenizerKind {
    TokenizerJson,
    VocabTxt,
}

/// The version of the messages below. A page and a worker from different
/// deploys (a cached old worker script, a new page) may not understand each
/// other; the worker says its version first and the page refuses another.
/// Bump it with any change to a message's meaning or fields.
pub const PROTOCOL_VERSION: u32 = 5;

/// Worker → page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker's WebAssembly is running and listening. `protocol` is its
    /// [`PROTOCOL_VERSION`] (0 from workers older than the field).
    Started {
        #[serde(default)]
        protocol: u32,
    },
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
    /// The files of the model just loaded are in the browser's model cache
    /// now (stored after `Loaded`, so a broken download is never kept), or
    /// `not_stored` says which could not be (a full quota) and why.
    Stored {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        not_stored: Option<String>,
    },
    LoadFailed {
        message: String,
    },
    /// The host of the model just loaded from the browser's copy now has
    /// another version of its files; the copy has been removed. `message`
    /// says so to the reader.
    StoredCopyChanged {
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
    /// WebGPU's state, the calibration so far, and any fallback notice.
    Backend {
        status: BackendStatus,
    },
    /// The tokens of `text` (and `pair`) under the loaded model's tokenizer,
    /// or why there are none.
    Tokenized {
        text: String,
        pair: Option<String>,
        outcome: Result<TokenList, String>,
    },
    /// Buffer: the `positions × positions` cosines between the rows of the
    /// model `model`'s position embeddings (each `hidden` wide), row-major,
    /// as one Float32Array.
    Positions {
        model: String,
        positions: usize,
        hidden: usize,
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
    /// Each token's id in the vocabulary (for the tokenizer lesson).
    #[serde(default)]
    pub token_ids: Vec<u32>,
    pub token_type_ids: Vec<u32>,
    /// Word pieces dropped to fit `max_tokens`.
    pub truncated: usize,
    pub layers: usize,
    pub heads: usize,
    pub forward_ms: f64,
    /// Which backend computed this result.
    #[serde(default = "cpu")]
    pub backend: Backend,
    /// Why this run did not use the backend that was asked for, if it did not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend_notice: Option<String>,
    /// Present when the run asked for one layer's Q, K, V.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qkv: Option<QkvMeta>,
    /// Every head measured, and the ones worth a look (from the worker, so
    /// that the page computes none of it).
    #[serde(default)]
    pub head_summary: HeadSummary,
    /// The worker's WebAssembly memory after this run, in bytes (it only
    /// grows): what `cargo xtask bench --soak` watches.
    #[serde(default)]
    pub worker_memory_bytes: f64,
    /// The CPU's matrix-product kernel in this worker build (e.g. "WebAssembly
    /// relaxed SIMD (fused multiply-add)"): which build the page chose.
    #[serde(default)]
    pub cpu_kernel: String,
}

fn cpu() -> Backend {
    Backend::Cpu
}

/// One input as the model reads it: pieces, ids, sentence of each, and the
/// pieces dropped to fit.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenList {
    pub tokens: Vec<String>,
    pub token_ids: Vec<u32>,
    pub token_type_ids: Vec<u32>,
    pub truncated: usize,
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
            backend: BackendChoice::Gpu,
        };
        let json = serde_json::to_string(&msg).unwrap();
        assert_eq!(
            json,
            r#"{"type":"run","request_id":7,"text":"Dog bites man","pair":null,"backend":"gpu"}"#
        );
        assert_eq!(serde_json::from_str::<ToWorker>(&json).unwrap(), msg);
        let back: FromWorker = serde_json::from_str(r#"{"type":"started"}"#).unwrap();
        assert_eq!(back, FromWorker::Started { protocol: 0 }, "an old worker");
        let back: FromWorker = serde_json::from_str(r#"{"type":"started","protocol":2}"#).unwrap();
        assert_eq!(back, FromWorker::Started { protocol: 2 });
        // An older page's run (no backend field) means automatic.
        let old: ToWorker =
            serde_json::from_str(r#"{"type":"run","request_id":1,"text":"a","pair":null}"#)
                .unwrap();
        assert!(matches!(
            old,
            ToWorker::Run {
                backend: BackendChoice::Auto,
                ..
            }
        ));
    }

    #[test]
    fn backend_choices_parse_from_links() {
        for c in BackendChoice::ALL {
            assert_eq!(BackendChoice::parse(c.slug()), Some(c));
        }
        assert_eq!(BackendChoice::parse("GPU"), Some(BackendChoice::Gpu));
        assert_eq!(BackendChoice::parse("webgl"), None);
    }

    #[test]
    fn the_faster_backend_wins_and_a_tie_keeps_the_cpu() {
        let point = |cpu_ms, gpu_ms: f64| CalibrationPoint {
            max_tokens: 16,
            tokens: 9,
            cpu_ms,
            gpu_ms: Some(gpu_ms),
        };
        assert_eq!(point(40.0, 12.5).winner(), Backend::Gpu);
        assert_eq!(point(40.0, 812.0).winner(), Backend::Cpu);
        assert_eq!(point(5.0, 5.0).winner(), Backend::Cpu);
        let too_big = CalibrationPoint {
            gpu_ms: None,
            ..point(900.0, 1.0)
        };
        assert_eq!(too_big.winner(), Backend::Cpu);
    }
}
