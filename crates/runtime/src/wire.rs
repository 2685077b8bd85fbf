//! The envelope of every message between page and worker (see
//! [`super::protocol`]): a JS array `[header_json, ...typed arrays]`, whose
//! arrays' buffers go in the transfer list so they move instead of copying.

use crate::error::RuntimeError;
use js_sys::{Array, Float32Array, Uint8Array};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

/// The JSON header of a message.
pub fn encode<T: Serialize>(message: &T) -> String {
    // The protocol types are plain strings and numbers: serialising cannot
    // fail, but a broken header beats a panic if it ever did.
    serde_json::to_string(message).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// Parses a JSON header, or says what is wrong with it.
pub fn decode<T: DeserializeOwned>(header: &str) -> Result<T, RuntimeError> {
    serde_json::from_str(header).map_err(|e| RuntimeError::Unreadable(format!("{header:?}: {e}")))
}

/// A message ready for `postMessage(message, transfer)`.
pub struct Packed {
    pub message: Array,
    pub transfer: Array,
}

/// Builds `[header, ...buffers]` and the list of buffers to transfer.
pub fn pack(header: &str, buffers: &[&JsValue]) -> Packed {
    let message = Array::new();
    let transfer = Array::new();
    message.push(&JsValue::from_str(header));
    for buffer in buffers {
        message.push(buffer);
        if let Some(a) = buffer.dyn_ref::<Uint8Array>() {
            transfer.push(&a.buffer());
        } else if let Some(a) = buffer.dyn_ref::<Float32Array>() {
            transfer.push(&a.buffer());
        }
    }
    Packed { message, transfer }
}

/// Splits a received message into its header and its buffers.
pub fn unpack(data: &JsValue) -> Result<(String, Vec<JsValue>), RuntimeError> {
    let array = data
        .dyn_ref::<Array>()
        .ok_or_else(|| RuntimeError::Unreadable("it is not an array".into()))?;
    let header = array
        .get(0)
        .as_string()
        .ok_or_else(|| RuntimeError::Unreadable("it has no header".into()))?;
    let buffers = (1..array.length()).map(|i| array.get(i)).collect();
    Ok((header, buffers))
}

/// A received message: its decoded header and its buffers.
pub fn receive<T: DeserializeOwned>(data: &JsValue) -> Result<(T, Vec<JsValue>), RuntimeError> {
    let (header, buffers) = unpack(data)?;
    Ok((decode(&header)?, buffers))
}

/// A typed-array copy of `bytes`, owned by JS (so it can be transferred).
pub fn bytes_to_js(bytes: &[u8]) -> Uint8Array {
    Uint8Array::from(bytes)
}

/// Buffer `index` of a message as bytes.
pub fn js_to_bytes(buffers: &[JsValue], index: usize, what: &str) -> Result<Vec<u8>, RuntimeError> {
    buffers
        .get(index)
        .and_then(|b| b.dyn_ref::<Uint8Array>())
        .map(Uint8Array::to_vec)
        .ok_or_else(|| RuntimeError::MissingBuffer(what.into()))
}

/// Buffer `index` of a message as floats.
pub fn js_to_floats(
    buffers: &[JsValue],
    index: usize,
    what: &str,
) -> Result<Vec<f32>, RuntimeError> {
    buffers
        .get(index)
        .and_then(|b| b.dyn_ref::<Float32Array>())
        .map(Float32Array::to_vec)
        .ok_or_else(|| RuntimeError::MissingBuffer(what.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{
        Backend, BackendChoice, BackendStatus, CalibrationPoint, FromWorker, GpuAdapter, GpuState,
        ModelInfo, QkvMeta, RunMeta, ToWorker, TokenizerKind, PROTOCOL_VERSION,
    };

    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(msg: T) {
        let header = encode(&msg);
        assert_eq!(decode::<T>(&header).unwrap(), msg, "{header}");
    }

    #[test]
    fn every_message_survives_the_header() {
        round_trip(ToWorker::LoadUrl {
            base: "models/all-MiniLM-L6-v2/".into(),
            weights: Some("model.f16.safetensors".into()),
            gpu_off: None,
        });
        round_trip(ToWorker::LoadUrl {
            base: "m".into(),
            weights: None,
            gpu_off: Some("it crashed".into()),
        });
        round_trip(ToWorker::LoadFiles {
            name: "local files (a \"b\".safetensors)".into(),
            tokenizer_kind: TokenizerKind::VocabTxt,
            gpu_off: None,
        });
        round_trip(ToWorker::Run {
            request_id: u64::from(u32::MAX) + 5,
            text: "naïve café — 猫".into(),
            pair: Some("second".into()),
            qkv_layer: Some(3),
            backend: BackendChoice::Gpu,
        });
        round_trip(ToWorker::SimulateGpuLoss);
        round_trip(ToWorker::Positions);
        round_trip(ToWorker::Tokenize {
            text: "Dog bites".into(),
            pair: Some("man".into()),
        });
        round_trip(FromWorker::Started {
            protocol: PROTOCOL_VERSION,
        });
        round_trip(FromWorker::Progress {
            file: "model.f16.safetensors".into(),
            received_bytes: 262_144,
            total_bytes: None,
            from_cache: true,
        });
        round_trip(FromWorker::Loaded {
            info: ModelInfo {
                name: "mini".into(),
                layers: 6,
                heads: 12,
                hidden_size: 384,
                intermediate_size: 1536,
                max_tokens: 512,
                weights_file: "model.f16.safetensors".into(),
                load_ms: 812.5,
            },
        });
        round_trip(FromWorker::Stored { not_stored: None });
        round_trip(FromWorker::Tokenized {
            text: "Dog bites".into(),
            pair: None,
            outcome: Ok(crate::protocol::TokenList {
                tokens: vec!["[CLS]".into(), "dog".into(), "bites".into(), "[SEP]".into()],
                token_ids: vec![101, 3899, 15424, 102],
                token_type_ids: vec![0; 4],
                truncated: 0,
            }),
        });
        round_trip(FromWorker::Tokenized {
            text: "x".into(),
            pair: Some("y".into()),
            outcome: Err("no model is loaded yet".into()),
        });
        round_trip(FromWorker::StoredCopyChanged {
            message: "config.json changed".into(),
        });
        round_trip(FromWorker::Positions {
            model: "all-MiniLM-L6-v2".into(),
            positions: 512,
            hidden: 384,
        });
        round_trip(FromWorker::Stored {
            not_stored: Some("model.safetensors could not be stored".into()),
        });
        round_trip(FromWorker::LoadFailed {
            message: "config.json could not be read".into(),
        });
        round_trip(FromWorker::Result {
            request_id: 3,
            meta: RunMeta {
                tokens: vec!["[CLS]".into(), "[SEP]".into()],
                token_ids: vec![101, 102],
                token_type_ids: vec![0, 0],
                truncated: 0,
                layers: 6,
                heads: 12,
                forward_ms: 4.0,
                backend: Backend::Gpu,
                backend_notice: Some("WebGPU is not ready; this ran on the CPU.".into()),
                qkv: Some(QkvMeta {
                    layer: 2,
                    heads: 12,
                    head_dim: 32,
                }),
                head_summary: Default::default(),
                worker_memory_bytes: 0.0,
                cpu_kernel: "WebAssembly SIMD".into(),
            },
        });
        round_trip(FromWorker::Backend {
            status: BackendStatus {
                gpu: GpuState::Ready {
                    adapter: GpuAdapter {
                        name: "google swiftshader".into(),
                        software: true,
                    },
                },
                calibration: vec![CalibrationPoint {
                    max_tokens: 16,
                    tokens: 9,
                    cpu_ms: 31.5,
                    gpu_ms: None,
                }],
                notice: None,
            },
        });
        round_trip(FromWorker::RunFailed {
            request_id: 9,
            message: "no model".into(),
        });
    }

    #[test]
    fn headers_are_snake_case_tags() {
        let h = encode(&ToWorker::LoadFiles {
            name: "x".into(),
            tokenizer_kind: TokenizerKind::TokenizerJson,
            gpu_off: None,
        });
        assert_eq!(
            h,
            r#"{"type":"load_files","name":"x","tokenizer_kind":"tokenizer_json"}"#
        );
        let p: FromWorker = decode(
            r#"{"type":"progress","file":"a","received_bytes":1,"total_bytes":2,"from_cache":false}"#,
        )
        .unwrap();
        assert!(matches!(
            p,
            FromWorker::Progress {
                total_bytes: Some(2),
                ..
            }
        ));
    }

    #[test]
    fn bad_headers_are_errors_not_panics() {
        assert!(decode::<FromWorker>("").is_err());
        assert!(decode::<FromWorker>(r#"{"type":"nope"}"#).is_err());
        assert!(
            decode::<ToWorker>(r#"{"type":"run","request_id":-1,"text":"","pair":null}"#)
                .unwrap_err()
                .to_string()
                .contains("unreadable message")
        );
    }
}
