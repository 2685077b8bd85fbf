//! The GPU forward pass on WebGPU in a real browser (headless Chromium with
//! `--enable-unsafe-webgpu`, SwiftShader in CI): the tiny BERT and one MiniLM
//! sentence against the goldens, within 1e-4.
//!
//! `cargo xtask test` runs this with the wasm-bindgen runner and a local
//! server for `static/models/`, whose address it passes at build time as
//! `ATTEND_MODEL_URL` (the browser has no file system to read weights from).
//! Without WebGPU these tests fail: they are only run where it must exist.
#![cfg(all(feature = "gpu", target_arch = "wasm32"))]

mod common;

use attend_core::gpu::{GpuBert, GpuContext};
use attend_core::ForwardOutput;
use common::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// What the issue asks of the browser backend, for attentions and hidden
/// states alike.
const WEB_TOL: f32 = 1e-4;

const TINY_CONFIG: &[u8] = include_bytes!("../../../tests/fixtures/tiny-bert/config.json");
const TINY_WEIGHTS: &[u8] = include_bytes!("../../../tests/fixtures/tiny-bert/model.safetensors");
const TINY_GOLDEN: &str = include_str!("../../../tests/fixtures/tiny-bert/golden.json");
const MINILM_GOLDEN: &str = include_str!("../../../tests/fixtures/minilm/a01.json");

async fn context() -> GpuContext {
    match GpuContext::new().await {
        Ok(ctx) => {
            console_log!("WebGPU adapter: {:?}", ctx.summary());
            ctx
        }
        Err(e) => panic!(
            "these tests need WebGPU (cargo xtask test starts Chromium with \
             --enable-unsafe-webgpu): {e}"
        ),
    }
}

fn check(what: &str, ours: &ForwardOutput, reference: Tensors) {
    let dev = deviation(what, ours.into(), reference);
    console_log!(
        "{what}: attention max|Δ| {:.3e}, hidden max|Δ| {:.3e}, last hidden max|Δ| {:.3e}",
        dev.attention,
        dev.hidden,
        dev.last_hidden
    );
    for (part, value) in [
        ("attention", dev.attention),
        ("hidden states", dev.hidden),
        ("last hidden state", dev.last_hidden),
    ] {
        assert!(
            value <= WEB_TOL,
            "{what}: {part} max|Δ| {value:e} > {WEB_TOL:e}"
        );
    }
    assert_rows_sum_to_one(&ours.attentions, what);
}

#[wasm_bindgen_test]
async fn tiny_bert_on_webgpu_matches_golden() {
    let ctx = context().await;
    let golden: TinyGolden = serde_json::from_str(TINY_GOLDEN).expect("golden parses");
    let bert = GpuBert::from_bytes(&ctx, TINY_CONFIG, TINY_WEIGHTS)
        .await
        .expect("tiny BERT uploads");
    assert_eq!(golden.inputs.len(), 3);
    for (i, rec) in golden.inputs.iter().enumerate() {
        let ours = bert
            .forward(&rec.input_ids, &rec.token_type_ids)
            .await
            .expect("WebGPU forward");
        check(&format!("WebGPU tiny-bert input {i}"), &ours, rec.into());
        let pooler = ours
            .pooler_output
            .as_deref()
            .expect("tiny BERT has a pooler");
        let dev = max_abs_diff_slices("pooler", pooler, &rec.pooler_output);
        assert!(dev <= WEB_TOL, "input {i}: pooler max|Δ| {dev:e}");
    }
}

#[wasm_bindgen_test]
async fn minilm_on_webgpu_matches_golden_a01() {
    let base = option_env!("ATTEND_MODEL_URL").unwrap_or_else(|| {
        panic!(
            "ATTEND_MODEL_URL was not set when this test was built: run it \
             through `cargo xtask test`, which serves static/models/"
        )
    });
    let ctx = context().await;
    let config = fetch_bytes(&format!("{base}config.json")).await;
    let weights = fetch_bytes(&format!("{base}model.safetensors")).await;
    let bert = GpuBert::from_bytes(&ctx, &config, &weights)
        .await
        .expect("MiniLM uploads");
    let golden: MiniLmGolden = serde_json::from_str(MINILM_GOLDEN).expect("golden parses");
    let ours = bert
        .forward(&golden.input_ids, &golden.token_type_ids)
        .await
        .expect("WebGPU forward");
    let what = format!("WebGPU MiniLM a01 ({} tokens)", golden.num_tokens);
    check(&what, &ours, (&golden).into());
    let cos = cosine(&ours.embedding, &golden.embedding);
    console_log!("{what}: embedding cosine {cos:.9}");
    assert!(
        cos >= MIN_EMBEDDING_COSINE,
        "{what}: embedding cosine {cos}"
    );
}

/// The bytes at `url`; panics with the reason, since a missing model here is
/// a broken test setup.
async fn fetch_bytes(url: &str) -> Vec<u8> {
    let window = web_sys::window().expect("a browser window");
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .unwrap_or_else(|e| panic!("fetching {url} failed: {e:?}"));
    let response: web_sys::Response = response.dyn_into().expect("a Response");
    assert!(response.ok(), "{url}: HTTP {}", response.status());
    let buffer = JsFuture::from(response.array_buffer().expect("a body"))
        .await
        .unwrap_or_else(|e| panic!("reading {url} failed: {e:?}"));
    js_sys::Uint8Array::new(&buffer).to_vec()
}

/// After the device is lost, forwards fail with `DeviceLost` (the app's cue
/// to fall back to the CPU) instead of hanging on a readback that never comes.
#[wasm_bindgen_test]
async fn a_lost_webgpu_device_fails_every_later_forward() {
    use attend_core::gpu::GpuError;
    let ctx = context().await;
    let bert = GpuBert::from_bytes(&ctx, TINY_CONFIG, TINY_WEIGHTS)
        .await
        .expect("tiny BERT uploads");
    bert.forward(&[1, 2, 3], &[0, 0, 0])
        .await
        .expect("healthy forward");
    ctx.simulate_device_loss();
    for attempt in 0..2 {
        let err = bert
            .forward(&[1, 2, 3], &[0, 0, 0])
            .await
            .expect_err("forward on a lost device");
        assert!(
            matches!(err, GpuError::DeviceLost(_)),
            "attempt {attempt}: {err}"
        );
        assert!(err.is_device_failure());
    }
}
