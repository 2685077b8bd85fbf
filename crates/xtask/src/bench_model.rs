//! `cargo xtask bench --model DIR`: any BERT directory, natively (the release
//! CLI, one thread) and as WebAssembly in headless Chromium (`bench.html`
//! with `?model=`, the model served from a second origin as a hub would):
//! load time, forward ms at T = 16 / 128 / 512, and the WebAssembly memory
//! after load and after 50 runs at T = 512.

use crate::bench::median;
use crate::cmd::{self, cargo};
use crate::{build, server, tools};
use anyhow::{bail, Context, Result};
use serde::Serialize;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// (tokens, timed runs): fewer at 512, where one bert-base pass takes seconds.
const LENGTHS: [(usize, usize); 3] = [(16, 10), (128, 10), (512, 3)];
const SOAK_RUNS_AT_512: usize = 50;

#[derive(Serialize)]
struct Forward {
    target: &'static str,
    tokens: usize,
    runs: usize,
    median_ms: f64,
    min_ms: f64,
}

#[derive(Serialize)]
struct Report {
    model: String,
    layers: usize,
    heads: usize,
    hidden: usize,
    native_load_ms: f64,
    wasm_load_ms: f64,
    wasm_memory_after_load_bytes: f64,
    wasm_memory_after_soak_bytes: f64,
    soak_runs_at_512: usize,
    forward: Vec<Forward>,
    /// The app itself, fresh browser: link opened → first map drawn, for a
    /// text of 512 tokens or more (truncated to the model's limit).
    app_cold_load_to_first_map_512_ms: f64,
    /// Then each view of that result, switched to → drawn.
    app_view_ms: Vec<(String, f64)>,
}

fn row(target: &'static str, tokens: usize, mut times_ms: Vec<f64>) -> Forward {
    let runs = times_ms.len();
    let min_ms = times_ms.iter().copied().fold(f64::INFINITY, f64::min);
    Forward {
        target,
        tokens,
        runs,
        median_ms: median(&mut times_ms),
        min_ms,
    }
}

/// Token ids from a01 ("The cat sat on the mat."), cycled to `n` and kept
/// inside the model's vocabulary.
fn ids(root: &Path, n: usize, vocab: usize) -> Result<Vec<u32>> {
    let a01: Value =
        serde_json::from_slice(&std::fs::read(root.join("tests/fixtures/minilm/a01.json"))?)?;
    let base: Vec<u32> = a01["input_ids"]
        .as_array()
        .context("a01.json has no input_ids")?
        .iter()
        .filter_map(|v| v.as_u64().map(|x| (x as usize % vocab) as u32))
        .collect();
    Ok(base.iter().copied().cycle().take(n).collect())
}

pub fn run(root: &Path, dir: &Path) -> Result<()> {
    let config = std::fs::read(dir.join("config.json"))
        .with_context(|| format!("reading {}/config.json", dir.display()))?;
    let cfg = attend_core::BertConfig::from_json(&config)?;
    tools::ensure_build_tools()?;
    tools::ensure_browser()?;
    cmd::run(
        "building the attend CLI (release)",
        cargo().args(["build", "--release", "-p", "attend-cli"]),
    )?;
    let exe = root.join("target/release/attend");
    let mut forward = Vec::new();
    let mut native_load_ms = 0.0;
    for (tokens, runs) in LENGTHS {
        let list: Vec<String> = ids(root, tokens, cfg.vocab_size)?
            .iter()
            .map(u32::to_string)
            .collect();
        println!("==> native forward, {tokens} tokens, {runs} runs");
        let out = Command::new(&exe)
            .args(["bench", "--model"])
            .arg(dir)
            .args(["--ids", &list.join(","), "--runs", &runs.to_string()])
            .args(["--warmup", "1"])
            .output()
            .context("running attend bench")?;
        if !out.status.success() {
            bail!("attend bench: {}", String::from_utf8_lossy(&out.stderr));
        }
        let doc: Value = serde_json::from_slice(&out.stdout)?;
        native_load_ms = doc["load_ms"].as_f64().unwrap_or(0.0);
        let times = doc["times_ms"]
            .as_array()
            .context("no times_ms")?
            .iter()
            .filter_map(Value::as_f64)
            .collect();
        forward.push(row("native, 1 thread", tokens, times));
    }

    build::site(root)?;
    let (site, _site_server) = server::spawn(&root.join("dist"))?;
    // Another port is another origin: the model arrives as from a hub.
    let (model_url, _model_server) = server::spawn(dir)?;
    let browser = attend_e2e::Browser::start(1024, 768)?;
    let started = Instant::now();
    browser.set_script_timeout(std::time::Duration::from_secs(600))?;
    browser.goto(&format!("{site}bench.html?model={model_url}"))?;
    let loaded = browser.execute_async(
        "const done = arguments[arguments.length - 1];
         window.attendReady.then((what) => done({ ok: what }), (e) => done({ error: String(e) }));",
        vec![],
    )?;
    if let Some(err) = loaded["error"].as_str() {
        bail!("bench.html could not load {model_url}: {err}");
    }
    let wasm_load_ms = started.elapsed().as_secs_f64() * 1e3;
    let memory = || -> Result<f64> {
        browser
            .execute("return window.benchMemoryBytes();", vec![])?
            .as_f64()
            .context("benchMemoryBytes returned no number")
    };
    let wasm_memory_after_load_bytes = memory()?;
    for (tokens, runs) in LENGTHS {
        println!("==> wasm forward in Chromium, {tokens} tokens, {runs} runs");
        let times = time_in_page(&browser, &ids(root, tokens, cfg.vocab_size)?, runs)?;
        forward.push(row("wasm, Chromium (CPU)", tokens, times));
    }
    println!("==> {SOAK_RUNS_AT_512} more runs at 512 tokens, for the memory after");
    time_in_page(&browser, &ids(root, 512, cfg.vocab_size)?, SOAK_RUNS_AT_512)?;
    let wasm_memory_after_soak_bytes = memory()?;
    browser.assert_no_console_errors()?;
    drop(browser);
    let (app_cold_load_to_first_map_512_ms, app_view_ms) = app_at_512(&site, &model_url)?;

    let report = Report {
        model: dir.display().to_string(),
        layers: cfg.num_hidden_layers,
        heads: cfg.num_attention_heads,
        hidden: cfg.hidden_size,
        native_load_ms,
        wasm_load_ms,
        wasm_memory_after_load_bytes,
        wasm_memory_after_soak_bytes,
        soak_runs_at_512: SOAK_RUNS_AT_512,
        forward,
        app_cold_load_to_first_map_512_ms,
        app_view_ms,
    };
    print(&report);
    let out = root.join("target/bench-model.json");
    std::fs::write(&out, serde_json::to_string_pretty(&report)?)?;
    println!("\nwrote {}", out.display());
    Ok(())
}

/// A text of well over 512 word pieces.
fn long_text() -> String {
    let sentence = "The students read the notes again because the exam on attention was close, \
                    and every head of the model looked at a different word. ";
    sentence.repeat(24)
}

/// The app at 512 tokens: a fresh browser opens a link to the model and a
/// long text, and every view is drawn in turn. The tab must survive it all.
fn app_at_512(site: &str, model_url: &str) -> Result<(f64, Vec<(String, f64)>)> {
    use std::time::Duration;
    let text = long_text();
    let browser = attend_e2e::Browser::start(1280, 1000)?;
    let link = format!(
        "{site}#/attention?model={}&text={}&view=heatmap",
        attend_e2e::encode_uri_component(model_url),
        attend_e2e::encode_uri_component(&text)
    );
    println!("==> the app at 512 tokens: cold load → first map, then every view");
    let started = Instant::now();
    browser.goto(&link)?;
    let drawn = |what: &str| -> Result<()> {
        browser.wait_until(what, Duration::from_secs(900), || {
            let view = browser.find("[data-testid=attention-view]")?;
            let ready = browser.attr(&view, "data-ready")?.as_deref() == Some("true");
            let shown = browser.attr(&view, "data-text")?.unwrap_or_default();
            Ok((ready && shown == text).then_some(()))
        })
    };
    drawn("the first map at 512 tokens")?;
    let first_map_ms = started.elapsed().as_secs_f64() * 1e3;
    let mut views = Vec::new();
    for view in ["model", "mean", "rollout", "lines", "heatmap"] {
        let t0 = Instant::now();
        browser.click(&browser.find(&format!("[data-testid=view-{view}]"))?)?;
        drawn(&format!("the {view} view at 512 tokens"))?;
        // One frame more, so the canvas has been painted.
        browser.execute_async(
            "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(done));",
            vec![],
        )?;
        views.push((view.to_string(), t0.elapsed().as_secs_f64() * 1e3));
    }
    browser.assert_no_console_errors_but_404s_from(model_url)?;
    Ok((first_map_ms, views))
}

/// `runs` timed passes (after one untimed) of `ids` on bench.html.
fn time_in_page(browser: &attend_e2e::Browser, ids: &[u32], runs: usize) -> Result<Vec<f64>> {
    let result = browser.execute_async(
        "const [ids, runs, done] = arguments;
         (async () => {
           const input = Int32Array.from(ids);
           await window.benchForward(input);
           const times = [];
           for (let i = 0; i < runs; i++) {
             const t0 = performance.now();
             await window.benchForward(input);
             times.push(performance.now() - t0);
           }
           return times;
         })().then((t) => done({ times: t }), (e) => done({ error: String(e) }));",
        vec![json!(ids), json!(runs)],
    )?;
    if let Some(err) = result["error"].as_str() {
        bail!("benchForward failed: {err}");
    }
    Ok(result["times"]
        .as_array()
        .context("no times from the page")?
        .iter()
        .filter_map(Value::as_f64)
        .collect())
}

fn print(r: &Report) {
    let mb = |b: f64| b / 1e6;
    println!();
    println!(
        "{} ({} layers × {} heads, hidden {})",
        r.model, r.layers, r.heads, r.hidden
    );
    println!(
        "load: native {:.0} ms, wasm (download from a second origin + parse) {:.0} ms",
        r.native_load_ms, r.wasm_load_ms
    );
    println!(
        "wasm memory: {:.0} MB after load, {:.0} MB after {} more runs at 512 tokens",
        mb(r.wasm_memory_after_load_bytes),
        mb(r.wasm_memory_after_soak_bytes),
        r.soak_runs_at_512
    );
    println!(
        "{:<24} {:>6} {:>5} {:>10} {:>10}",
        "target", "tokens", "runs", "median ms", "min ms"
    );
    for f in &r.forward {
        println!(
            "{:<24} {:>6} {:>5} {:>10.1} {:>10.1}",
            f.target, f.tokens, f.runs, f.median_ms, f.min_ms
        );
    }
}
