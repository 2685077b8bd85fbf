//! The tiny BERT inside a browser: same golden checks as natively, with the
//! fixtures compiled in (no file system on the web). Run with
//! `wasm-pack test --headless --chrome crates/core` or the wasm-bindgen runner.
#![cfg(target_arch = "wasm32")]

mod common;

use attend_core::BertModel;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CONFIG: &[u8] = include_bytes!("../../../tests/fixtures/tiny-bert/config.json");
const WEIGHTS: &[u8] = include_bytes!("../../../tests/fixtures/tiny-bert/model.safetensors");
const GOLDEN: &str = include_str!("../../../tests/fixtures/tiny-bert/golden.json");

#[wasm_bindgen_test]
fn tiny_bert_matches_golden_in_wasm() {
    let model = BertModel::from_bytes(CONFIG, WEIGHTS).expect("tiny BERT loads");
    let devs = common::check_tiny_golden(&model, GOLDEN);
    for (i, (dev, pooler)) in devs.iter().enumerate() {
        console_log!(
            "tiny-bert input {i}: attention max|Δ| {:.3e}, hidden max|Δ| {:.3e}, pooler max|Δ| {:.3e}",
            dev.attention,
            dev.hidden,
            pooler
        );
    }
}

/// bert-base-uncased's Hub layout gives the modern layout's outputs bit for
/// bit in the browser too.
#[wasm_bindgen_test]
fn hub_layout_matches_the_modern_layout_in_wasm() {
    let modern = common::read_safetensors(WEIGHTS);
    let hub = common::write_safetensors(&common::hub_layout(&modern));
    let from_hub = BertModel::from_bytes(CONFIG, &hub).expect("Hub layout loads");
    let from_modern = BertModel::from_bytes(CONFIG, WEIGHTS).expect("modern layout loads");
    let (ids, types) = ([2, 17, 45, 3, 63, 8, 3], [0, 0, 0, 0, 1, 1, 1]);
    assert_eq!(
        from_hub.forward_ids(&ids, &types).expect("forward"),
        from_modern.forward_ids(&ids, &types).expect("forward")
    );
    common::check_tiny_golden(&from_hub, GOLDEN);
}
