//! bench.html: the default model loads in the page and `benchForward` runs
//! a full forward pass (what `cargo xtask bench` times).

use anyhow::{bail, Result};
use attend_e2e::{app_url, open_bench_page, Browser};
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
