//! Every way the weights, config or ids can be wrong gives an `Err` with a
//! useful message, never a panic; and harmless checkpoint variations (the
//! `bert.` prefix, F16/BF16 storage, extra tensors) load.
// Reads fixtures from disk; the browser variant is bert_wasm.rs.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use attend_core::{BertError, BertModel};
use common::files::{read, tiny_dir};
use common::*;

fn tiny_config() -> Vec<u8> {
    read(tiny_dir().join("config.json"))
}

fn tiny_tensors() -> Vec<RawTensor> {
    read_safetensors(&read(tiny_dir().join("model.safetensors")))
}

fn load(tensors: &[RawTensor]) -> Result<BertModel, BertError> {
    BertModel::from_bytes(&tiny_config(), &write_safetensors(tensors))
}

/// The tiny golden input 2 (a sentence pair).
const IDS: [u32; 7] = [2, 17, 45, 3, 63, 8, 3];
const TYPES: [u32; 7] = [0, 0, 0, 0, 1, 1, 1];

#[test]
fn re_serialised_weights_load_identically() {
    // Guards the in-memory writer the other tests rely on.
    let original =
        BertModel::from_bytes(&tiny_config(), &read(tiny_dir().join("model.safetensors")))
            .expect("fixture loads");
    let rewritten = load(&tiny_tensors()).expect("rewritten loads");
    let a = original.forward_ids(&IDS, &TYPES).expect("forward");
    let b = rewritten.forward_ids(&IDS, &TYPES).expect("forward");
    assert_eq!(a, b);
}

#[test]
fn missing_tensor_is_named() {
    let tensors: Vec<RawTensor> = tiny_tensors()
        .into_iter()
        .filter(|t| t.name != "encoder.layer.1.attention.self.key.weight")
        .collect();
    let err = load(&tensors).unwrap_err();
    assert_eq!(
        err,
        BertError::MissingTensor {
            name: "encoder.layer.1.attention.self.key.weight".into()
        }
    );
    assert!(err
        .to_string()
        .contains("encoder.layer.1.attention.self.key.weight"));
}

#[test]
fn empty_safetensors_is_missing_embeddings() {
    let err = load(&[]).unwrap_err();
    assert!(
        matches!(&err, BertError::MissingTensor { name } if name == "embeddings.word_embeddings.weight"),
        "{err}"
    );
}

#[test]
fn wrong_shape_is_reported_with_both_shapes() {
    let mut tensors = tiny_tensors();
    let t = tensors
        .iter_mut()
        .find(|t| t.name == "encoder.layer.0.intermediate.dense.weight")
        .expect("present");
    // Same number of values, transposed shape: only the shape check catches it.
    t.shape = vec![32, 37];
    let err = load(&tensors).unwrap_err();
    assert_eq!(
        err,
        BertError::WrongShape {
            name: "encoder.layer.0.intermediate.dense.weight".into(),
            expected: vec![37, 32],
            found: vec![32, 37],
        }
    );
}

#[test]
fn config_disagreeing_with_weights_is_a_shape_error() {
    let mut cfg: serde_json::Value = serde_json::from_slice(&tiny_config()).expect("json");
    cfg["vocab_size"] = 100.into();
    let err = BertModel::from_bytes(
        cfg.to_string().as_bytes(),
        &read(tiny_dir().join("model.safetensors")),
    )
    .unwrap_err();
    assert!(
        matches!(&err, BertError::WrongShape { name, .. } if name == "embeddings.word_embeddings.weight"),
        "{err}"
    );
}

#[test]
fn corrupt_bytes_are_rejected() {
    let good = read(tiny_dir().join("model.safetensors"));
    let mut garbage_header = good.clone();
    garbage_header[8..40].copy_from_slice(&[b'#'; 32]);
    let huge_header = {
        let mut b = good.clone();
        b[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        b
    };
    let cases: [(&str, &[u8]); 5] = [
        ("empty", &[]),
        ("seven bytes", &[1, 2, 3, 4, 5, 6, 7]),
        ("truncated", &good[..good.len() / 2]),
        ("garbage header", &garbage_header),
        ("header length overflow", &huge_header),
    ];
    for (what, bytes) in cases {
        let err = BertModel::from_bytes(&tiny_config(), bytes).unwrap_err();
        assert!(matches!(err, BertError::CorruptWeights(_)), "{what}: {err}");
    }
}

#[test]
fn unsupported_dtype_is_rejected() {
    let mut tensors = tiny_tensors();
    let t = tensors
        .iter_mut()
        .find(|t| t.name == "embeddings.LayerNorm.bias")
        .expect("present");
    // 32 values as I32: right size, wrong kind.
    t.dtype = "I32".into();
    let err = load(&tensors).unwrap_err();
    assert!(
        matches!(&err, BertError::UnsupportedDtype { name, dtype } if name == "embeddings.LayerNorm.bias" && dtype == "I32"),
        "{err}"
    );
}

#[test]
fn non_bert_configs_are_rejected() {
    let weights = read(tiny_dir().join("model.safetensors"));
    let base: serde_json::Value = serde_json::from_slice(&tiny_config()).expect("json");
    let cases = [
        ("model_type", serde_json::json!("roberta"), "roberta"),
        ("num_attention_heads", serde_json::json!(5), "not divisible"),
        ("hidden_act", serde_json::json!("silu"), "silu"),
    ];
    for (field, value, needle) in cases {
        let mut cfg = base.clone();
        cfg[field] = value;
        let err = BertModel::from_bytes(cfg.to_string().as_bytes(), &weights).unwrap_err();
        assert!(
            matches!(&err, BertError::UnsupportedConfig(m) if m.contains(needle)),
            "{field}: {err}"
        );
    }
    let err = BertModel::from_bytes(b"[1, 2]", &weights).unwrap_err();
    assert!(matches!(err, BertError::ConfigParse(_)), "{err}");
}

#[test]
fn bert_prefixed_names_and_extra_tensors_load() {
    let mut tensors: Vec<RawTensor> = tiny_tensors()
        .into_iter()
        .map(|mut t| {
            t.name = format!("bert.{}", t.name);
            t
        })
        .collect();
    // What BertForMaskedLM checkpoints carry besides the encoder.
    tensors.push(RawTensor {
        name: "cls.predictions.bias".into(),
        dtype: "F32".into(),
        shape: vec![99],
        bytes: f32_bytes(&[0.5; 99]),
    });
    tensors.push(RawTensor {
        name: "bert.embeddings.position_ids".into(),
        dtype: "I64".into(),
        shape: vec![1, 64],
        bytes: (0..64i64).flat_map(|i| i.to_le_bytes()).collect(),
    });
    let prefixed = load(&tensors).expect("prefixed loads");
    let plain = load(&tiny_tensors()).expect("plain loads");
    assert_eq!(
        prefixed.forward_ids(&IDS, &TYPES).expect("forward"),
        plain.forward_ids(&IDS, &TYPES).expect("forward")
    );
}

/// Rounds every weight to a half type, then stores it (a) as that half type
/// and (b) as the rounded f32 values: since upcasting is exact, both models
/// must agree bit for bit.
fn half_precision_loads(dtype: &str, round: fn(f32) -> (f32, [u8; 2])) {
    let (mut halves, mut rounded) = (Vec::new(), Vec::new());
    for t in tiny_tensors() {
        let (values, bytes): (Vec<f32>, Vec<[u8; 2]>) =
            f32_values(&t).into_iter().map(round).unzip();
        halves.push(RawTensor {
            dtype: dtype.into(),
            bytes: bytes.concat(),
            ..t.clone()
        });
        rounded.push(RawTensor {
            bytes: f32_bytes(&values),
            ..t
        });
    }
    let half_model = load(&halves).unwrap_or_else(|e| panic!("{dtype} loads: {e}"));
    let f32_model = load(&rounded).expect("rounded f32 loads");
    let a = half_model.forward_ids(&IDS, &TYPES).expect("forward");
    let b = f32_model.forward_ids(&IDS, &TYPES).expect("forward");
    assert_eq!(a, b, "{dtype}");
    // And the rounding itself only nudges the result.
    let full = load(&tiny_tensors())
        .expect("loads")
        .forward_ids(&IDS, &TYPES)
        .expect("forward");
    let drift = max_abs_diff("attentions", &a.attentions, &full.attentions);
    eprintln!("{dtype} weights: attention max|Δ| vs f32 weights {drift:.3e}");
    assert!(drift > 0.0 && drift < 0.05, "{dtype}: drift {drift}");
}

#[test]
fn f16_weights_load() {
    half_precision_loads("F16", |x| {
        let h = half::f16::from_f32(x);
        (h.to_f32(), h.to_le_bytes())
    });
}

#[test]
fn bf16_weights_load() {
    half_precision_loads("BF16", |x| {
        let h = half::bf16::from_f32(x);
        (h.to_f32(), h.to_le_bytes())
    });
}

#[test]
fn invalid_ids_are_errors() {
    let model = load(&tiny_tensors()).expect("loads");
    let too_long = vec![5u32; 65];
    let cases: [(&str, &[u32], &[u32]); 5] = [
        ("empty", &[], &[]),
        ("id beyond vocab", &[2, 99, 3], &[0, 0, 0]),
        ("type beyond type_vocab", &[2, 5, 3], &[0, 2, 0]),
        ("length mismatch", &[2, 5, 3], &[0, 0]),
        ("longer than max positions", &too_long, &[0; 65]),
    ];
    for (what, ids, types) in cases {
        let err = model.forward_ids(ids, types).unwrap_err();
        assert!(matches!(err, BertError::InvalidInput(_)), "{what}: {err}");
    }
    let err = model.qkv(&IDS, &TYPES, 2).unwrap_err();
    assert!(matches!(err, BertError::InvalidInput(m) if m.contains("2 layers")));
    // The longest allowed input still runs.
    let out = model
        .forward_ids(&[5; 64], &[0; 64])
        .expect("64 tokens fit");
    assert_eq!(out.attentions.shape(), &[2, 4, 64, 64]);
}
