//! One checkpoint, two published layouts: the modern names (`LayerNorm.weight`,
//! no prefix) and bert-base-uncased's Hub layout (`bert.` prefix,
//! `LayerNorm.gamma` / `beta`, `cls.*` pre-training heads). Both must give
//! bit-identical outputs; the GPU variant is in gpu_forward.rs and the
//! browser one in bert_wasm.rs.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use attend_core::{BertError, BertModel};
use common::files::{read, tiny_dir};
use common::*;

fn tiny_config() -> Vec<u8> {
    read(tiny_dir().join("config.json"))
}

fn modern() -> Vec<RawTensor> {
    read_safetensors(&read(tiny_dir().join("model.safetensors")))
}

#[test]
fn the_hub_layout_gives_bit_identical_outputs() {
    let hub = hub_layout(&modern());
    assert!(hub
        .iter()
        .any(|t| t.name == "bert.embeddings.LayerNorm.gamma"));
    assert!(hub.iter().any(|t| t.name == "cls.seq_relationship.weight"));
    assert!(!hub.iter().any(|t| t.name.ends_with("LayerNorm.weight")));
    let from_hub =
        BertModel::from_bytes(&tiny_config(), &write_safetensors(&hub)).expect("Hub layout loads");
    let from_modern = BertModel::from_bytes(&tiny_config(), &write_safetensors(&modern()))
        .expect("modern layout loads");
    let golden: TinyGolden =
        serde_json::from_slice(&read(tiny_dir().join("golden.json"))).expect("golden parses");
    for rec in &golden.inputs {
        let a = from_hub
            .forward_ids(&rec.input_ids, &rec.token_type_ids)
            .expect("forward");
        let b = from_modern
            .forward_ids(&rec.input_ids, &rec.token_type_ids)
            .expect("forward");
        assert_eq!(a, b, "Hub layout and modern layout differ");
        // And both are the reference model.
        deviation("Hub layout", (&a).into(), rec.into()).assert_within_tolerance("Hub layout");
    }
}

#[test]
fn a_layer_norm_missing_in_both_spellings_names_the_modern_one() {
    let hub: Vec<RawTensor> = hub_layout(&modern())
        .into_iter()
        .filter(|t| t.name != "bert.encoder.layer.1.output.LayerNorm.beta")
        .collect();
    let err = BertModel::from_bytes(&tiny_config(), &write_safetensors(&hub)).unwrap_err();
    assert_eq!(
        err,
        BertError::MissingTensor {
            name: "encoder.layer.1.output.LayerNorm.bias".into()
        }
    );
}

#[test]
fn a_nan_weight_is_refused_with_its_name() {
    let mut tensors = modern();
    let t = tensors
        .iter_mut()
        .find(|t| t.name == "encoder.layer.0.attention.output.dense.weight")
        .expect("present");
    let mut values = f32_values(t);
    values[7] = f32::NAN;
    t.bytes = f32_bytes(&values);
    let err = BertModel::from_bytes(&tiny_config(), &write_safetensors(&tensors)).unwrap_err();
    assert!(
        matches!(&err, BertError::NonFiniteWeight { name, index: 7, .. }
            if name == "encoder.layer.0.attention.output.dense.weight"),
        "{err}"
    );
    assert!(err.to_string().contains("damaged"), "{err}");
}

#[test]
fn a_huge_hidden_size_is_refused_before_any_weight_is_read() {
    let mut cfg: serde_json::Value = serde_json::from_slice(&tiny_config()).expect("json");
    cfg["hidden_size"] = 1_000_000.into();
    cfg["num_attention_heads"] = 10.into();
    let cfg = cfg.to_string();
    let config = attend_core::BertConfig::from_json(cfg.as_bytes()).expect("valid JSON config");
    let estimate = config.memory_estimate().expect("fits in u64");
    // 99 words + 64 positions + 2 types, a million wide, and two layers.
    assert!(estimate.weights_bytes > 4_000_000_000_000, "{estimate:?}");
    let err = estimate
        .check_fits(3 << 30, "this browser tab")
        .unwrap_err();
    assert!(err.to_string().contains("needs about"), "{err}");
    // Natively the shapes are what disagree first.
    let err = BertModel::from_bytes(cfg.as_bytes(), &read(tiny_dir().join("model.safetensors")))
        .unwrap_err();
    assert!(matches!(err, BertError::WrongShape { .. }), "{err}");
}
