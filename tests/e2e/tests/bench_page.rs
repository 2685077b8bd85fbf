//! bench.html: the default model loads in the page and `benchForward` runs
//! a full forward pass (what `cargo xtask bench` times).

use anyhow::{bail, Result};
use attend_e2e::{app_url, open_bench_page, open_bench_page_with, Browser};
use serde_json::json;

#[test]
fn bench_page_loads_the_model_and_runs_a_forward_pass() -> Result<()> {
    let browser = Browser::start(1024, 768)?;
    let loaded = open_bench_page(&browser, &app_url()?)?;
    assert!(loaded.contains("6 layers × 12 heads"), "{loaded}");

    // "The cat sat on the mat." (fixture a01): 9 tokens.
    let ids = [101, 1996, 4937, 2938, 2006, 1996, 13523, 1012, 102];
    let result = browser.execute_async(
        "const [ids, done] = arguments;
         window.benchForward(Int32Array.from(ids)).then((n) => done({ n }), (e) => done({ error: String(e) }));",
        vec![json!(ids)],
    )?;
    if let Some(err) = result["error"].as_str() {
        bail!("benchForward failed: {err}");
    }
    // 6 layers × 12 heads × 9 × 9 attention probabilities.
    assert_eq!(result["n"], 6 * 12 * 9 * 9);

    let bad = browser.execute_async(
        "const done = arguments[0];
         window.benchForward(Int32Array.from([101, -5, 102])).then((n) => done({ n }), (e) => done({ error: String(e) }));",
        vec![],
    )?;
    assert!(
        bad["error"]
            .as_str()
            .unwrap_or_default()
            .contains("negative"),
        "{bad}"
    );
    browser.assert_no_console_errors()
}

/// Both builds of the model's WebAssembly (plain simd128, and relaxed SIMD's
/// fused multiply-add) give the reference attentions with the f32 weights,
/// and Chromium, which validates relaxed SIMD, is given the relaxed build.
#[test]
fn both_worker_builds_match_the_reference() -> Result<()> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/minilm/a01.json");
    let golden: serde_json::Value = serde_json::from_slice(&std::fs::read(&path)?)?;
    let ids: Vec<i64> = golden["input_ids"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_i64()).collect())
        .unwrap_or_default();
    assert_eq!(ids.len(), 9, "a01 is 9 tokens");
    let url = app_url()?;
    for (build, kernel) in [
        ("attend-worker", "WebAssembly SIMD"),
        ("attend-worker-relaxed", "WebAssembly relaxed SIMD"),
    ] {
        let browser = Browser::start(1024, 768)?;
        let loaded = open_bench_page_with(
            &browser,
            &url,
            &format!("build={build}&weights=model.safetensors"),
        )?;
        assert!(
            loaded.contains(&format!("build {build}, {kernel}")),
            "{loaded}"
        );
        for (layer, head) in [(0, 0), (3, 4), (5, 11)] {
            let got = browser.execute_async(
                "const [ids, layer, head, done] = arguments;
                 window.benchAttention(Int32Array.from(ids), layer, head)
                   .then((map) => done({ map }), (e) => done({ error: String(e) }));",
                vec![json!(ids), json!(layer), json!(head)],
            )?;
            if let Some(err) = got["error"].as_str() {
                bail!("{build}: benchAttention failed: {err}");
            }
            let map = got["map"].as_array().cloned().unwrap_or_default();
            assert_eq!(map.len(), 81, "{build}: a 9 × 9 map");
            let mut worst = 0f64;
            for (i, v) in map.iter().enumerate() {
                let want = golden["attentions"][layer][head][i / 9][i % 9]
                    .as_f64()
                    .unwrap_or(f64::NAN);
                let dev = (v.as_f64().unwrap_or(f64::NAN) - want).abs();
                assert!(dev.is_finite(), "{build}: cell {i} is {v}, want {want}");
                worst = worst.max(dev);
            }
            eprintln!("{build} layer {layer} head {head}: max |Δ| {worst:.2e}");
            assert!(
                worst < 1e-4,
                "{build} layer {layer} head {head}: max |Δ| {worst}"
            );
        }
        browser.assert_no_console_errors()?;
    }
    // Without `build=`, the page takes the build the model worker takes.
    let browser = Browser::start(1024, 768)?;
    let loaded = open_bench_page(&browser, &url)?;
    let chosen = browser.execute("return self.attendWorkerBuild;", vec![])?;
    assert_eq!(
        chosen,
        json!("attend-worker-relaxed"),
        "Chromium has relaxed SIMD"
    );
    assert!(loaded.contains("build attend-worker-relaxed"), "{loaded}");
    browser.assert_no_console_errors()
}
