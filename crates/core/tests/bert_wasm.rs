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
