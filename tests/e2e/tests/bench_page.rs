//! bench.html: the default model loads in the page and `benchForward` runs
//! a full forward pass (what `cargo xtask bench` times).

use anyhow::{bail, Result};
use attend_e2e::{app_url, Browser};
use serde_json::json;
use std::time::Duration;

#[test]
fn bench_page_loads_the_model_and_runs_a_forward_pass() -> Result<()> {
    let browser = Browser::start(1024, 768)?;
    browser.set_script_timeout(Duration::from_secs(300))?;
    browser.goto(&format!("{}bench.html", app_url()?))?;
    let loaded = browser.execute_async(
        "const done = arguments[arguments.length - 1];
         window.attendReady.then((what) => done({ ok: what }), (e) => done({ error: String(e) }));",
        vec![],
    )?;
    if let Some(err) = loaded["error"].as_str() {
        bail!("the model did not load: {err}");
    }
    assert!(
        loaded["ok"]
            .as_str()
            .unwrap_or_default()
            .contains("6 layers × 12 heads"),
        "{loaded}"
    );

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
