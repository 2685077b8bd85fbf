//! `cargo xtask bench`: forward-pass latency of the default model at
//! T = 16 and T = 128 tokens, natively on one thread and as wasm in headless
//! Chromium, with achieved GFLOP/s. Prints a table, writes target/bench.json.
//! `--model DIR` does the same for any BERT directory at T = 16 / 128 / 512,
//! with load times and the WebAssembly memory after load and after 50 runs
//! at 512 tokens (`--replica`: a random-weight bert-base in the Hub layout).

use crate::cmd::{self, cargo};
use crate::{build, model, server, tools};
use anyhow::{bail, Context, Result};
use serde::Serialize;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

const TOKEN_COUNTS: [usize; 2] = [16, 128];
const RUNS: usize = 30;
const WARMUP: usize = 3;

/// What `bench` was asked for.
pub struct Options {
    pub gpu: bool,
    /// `--model DIR`, or the bert-base replica for `--replica`.
    pub model: Option<std::path::PathBuf>,
    pub replica: bool,
    /// `--app`: only the page (cold load, keystroke → map, wasm sizes).
    pub app: bool,
    /// `--soak N`: N runs in one page, and the memory over them.
    pub soak: Option<usize>,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Self> {
        let mut opts = Options {
            gpu: false,
            model: None,
            replica: false,
            app: false,
            soak: None,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--gpu" => opts.gpu = true,
                "--replica" => opts.replica = true,
                "--app" => opts.app = true,
                "--model" => {
                    let dir = args.next().context("--model takes a directory")?;
                    opts.model = Some(dir.into());
                }
                "--soak" => {
                    let n = args.next().context("--soak takes a number of runs")?;
                    opts.soak = Some(n.parse().context("--soak takes a number of runs")?);
                }
                other => bail!(
                    "bench takes --gpu, --app, --soak N, --model DIR or --replica, not `{other}`"
                ),
            }
        }
        Ok(opts)
    }
}

#[derive(Serialize)]
struct Row {
    target: String,
    tokens: usize,
    runs: usize,
    median_ms: f64,
    min_ms: f64,
    max_ms: f64,
    gflops: f64,
}

/// MiniLM-L6: ≈ 21.2 MFLOP per token for the dense layers, plus
/// 6 layers · (QKᵀ and AV: 2·2·T²·384) = 6·1536·T² for attention.
fn minilm_flops(tokens: usize) -> f64 {
    let t = tokens as f64;
    21.2e6 * t + 6.0 * 1536.0 * t * t
}

pub fn run(root: &Path, opts: &Options) -> Result<()> {
    if opts.gpu {
        return crate::bench_gpu::run(root);
    }
    if let Some(runs) = opts.soak {
        return soak(root, runs);
    }
    if opts.replica || opts.model.is_some() {
        let dir = match &opts.model {
            Some(dir) => dir.clone(),
            None => {
                let shape = crate::replica::BERT_BASE;
                crate::replica::ensure(root, shape, &crate::replica::default_dir(root, shape))?
            }
        };
        return crate::bench_model::run(root, &dir);
    }
    tools::ensure_build_tools()?;
    tools::ensure_browser()?;
    model::ensure_default_model(root)?;
    if opts.app {
        return app_only(root);
    }
    let ids = bench_ids(root)?;
    let mut rows = native(root, &ids)?;
    let (wasm_rows, app) = wasm(root, &ids)?;
    rows.extend(wasm_rows);

    println!();
    println!(
        "{:<28} {:>6} {:>10} {:>10} {:>10} {:>9}",
        "target", "tokens", "median ms", "min ms", "max ms", "GFLOP/s"
    );
    for r in &rows {
        println!(
            "{:<28} {:>6} {:>10.2} {:>10.2} {:>10.2} {:>9.2}",
            r.target, r.tokens, r.median_ms, r.min_ms, r.max_ms, r.gflops
        );
    }
    crate::bench_app::print(&app);
    let sizes = build::wasm_sizes(&root.join("dist"))?;
    build::report_wasm_size(&root.join("dist"))?;
    let out = root.join("target/bench.json");
    let report = json!({ "model": model::MODEL_NAME, "forward": rows, "app": app, "wasm": sizes });
    std::fs::write(&out, serde_json::to_string_pretty(&report)?)?;
    println!("\nwrote {}", out.display());
    Ok(())
}

/// `bench --soak N`: the site as built, N runs in one page.
fn soak(root: &Path, runs: usize) -> Result<()> {
    build::site(root)?;
    let (url, _server) = server::spawn(&root.join("dist"))?;
    println!(
        "==> soak: {runs} runs after a warm-up, mixed lengths up to ~120 tokens, views in turn"
    );
    let soak = crate::bench_soak::run(&url, runs)?;
    println!("    {runs} runs in {:.0} s", soak.elapsed_s);
    let out = root.join("target/bench-soak.json");
    std::fs::write(&out, serde_json::to_string_pretty(&soak)?)?;
    println!("\nwrote {}", out.display());
    Ok(())
}

/// `bench --app`: the site as built, the page only.
fn app_only(root: &Path) -> Result<()> {
    build::site(root)?;
    let (url, _server) = server::spawn(&root.join("dist"))?;
    let app = crate::bench_app::run(&url)?;
    crate::bench_app::print(&app);
    let sizes = build::wasm_sizes(&root.join("dist"))?;
    build::report_wasm_size(&root.join("dist"))?;
    let out = root.join("target/bench-app.json");
    let report = json!({ "model": model::MODEL_NAME, "app": app, "wasm": sizes });
    std::fs::write(&out, serde_json::to_string_pretty(&report)?)?;
    println!("\nwrote {}", out.display());
    Ok(())
}

/// Token ids of fixture a01 repeated and cut to each length (the reference
/// timings were taken the same way).
fn bench_ids(root: &Path) -> Result<Vec<Vec<u32>>> {
    let a01: Value =
        serde_json::from_slice(&std::fs::read(root.join("tests/fixtures/minilm/a01.json"))?)?;
    let ids: Vec<u32> = a01["input_ids"]
        .as_array()
        .context("a01.json has no input_ids")?
        .iter()
        .filter_map(|v| v.as_u64().map(|x| x as u32))
        .collect();
    Ok(TOKEN_COUNTS
        .iter()
        .map(|&n| ids.iter().copied().cycle().take(n).collect())
        .collect())
}

fn summarize(target: &str, tokens: usize, mut times_ms: Vec<f64>) -> Row {
    times_ms.sort_by(f64::total_cmp);
    let median_ms = times_ms[times_ms.len() / 2];
    Row {
        target: target.to_string(),
        tokens,
        runs: times_ms.len(),
        median_ms,
        min_ms: times_ms[0],
        max_ms: times_ms[times_ms.len() - 1],
        gflops: minilm_flops(tokens) / (median_ms * 1e6),
    }
}

/// The median of `times_ms` (which must not be empty).
pub fn median(times_ms: &mut [f64]) -> f64 {
    times_ms.sort_by(f64::total_cmp);
    times_ms[times_ms.len() / 2]
}

/// The release CLI, one thread.
fn native(root: &Path, ids: &[Vec<u32>]) -> Result<Vec<Row>> {
    cmd::run(
        "building the attend CLI (release)",
        cargo().args(["build", "--release", "-p", "attend-cli"]),
    )?;
    let exe = root.join("target/release/attend");
    let model_dir = model::model_dir(root);
    let mut rows = Vec::new();
    for ids in ids {
        let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
        println!("==> native forward, {} tokens, {RUNS} runs", ids.len());
        let out = Command::new(&exe)
            .env("RAYON_NUM_THREADS", "1")
            .args(["bench", "--model"])
            .arg(&model_dir)
            .args([
                "--ids",
                &list.join(","),
                "--runs",
                &RUNS.to_string(),
                "--warmup",
                &WARMUP.to_string(),
            ])
            .output()
            .context("running attend bench")?;
        if !out.status.success() {
            bail!(
                "attend bench failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let times: Vec<f64> = serde_json::from_slice::<Value>(&out.stdout)?["times_ms"]
            .as_array()
            .context("attend bench printed no times_ms")?
            .iter()
            .filter_map(Value::as_f64)
            .collect();
        rows.push(summarize("native, 1 thread", ids.len(), times));
    }
    Ok(rows)
}

/// bench.html in headless Chromium (CPU, main thread of the page), then
/// the app itself.
fn wasm(root: &Path, ids: &[Vec<u32>]) -> Result<(Vec<Row>, crate::bench_app::AppTimings)> {
    build::site(root)?;
    let (url, _server) = server::spawn(&root.join("dist"))?;
    let mut rows = Vec::new();
    for (build, target) in WASM_BUILDS {
        let browser = attend_e2e::Browser::start(1024, 768)?;
        let loaded = attend_e2e::open_bench_page_with(&browser, &url, &format!("build={build}"))?;
        println!("    bench.html loaded {loaded}");
        rows.extend(time_build(&browser, target, ids)?);
        browser.assert_no_console_errors()?;
    }
    let app = crate::bench_app::run(&url)?;
    Ok((rows, app))
}

/// Both builds of the model's WebAssembly (static/worker-build.js), and
/// their rows' names.
const WASM_BUILDS: [(&str, &str); 2] = [
    ("attend-worker", "wasm simd128, Chromium"),
    ("attend-worker-relaxed", "wasm relaxed SIMD, Chromium"),
];

/// [`RUNS`] timed forward passes at each length on an open bench.html.
fn time_build(browser: &attend_e2e::Browser, target: &str, ids: &[Vec<u32>]) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for ids in ids {
        println!("==> {target}: forward, {} tokens, {RUNS} runs", ids.len());
        let result = browser.execute_async(
            "const [ids, runs, warmup, done] = arguments;
             (async () => {
               const input = Int32Array.from(ids);
               for (let i = 0; i < warmup; i++) await window.benchForward(input);
               const times = [];
               for (let i = 0; i < runs; i++) {
                 const t0 = performance.now();
                 await window.benchForward(input);
                 times.push(performance.now() - t0);
               }
               return times;
             })().then((t) => done({ times: t }), (e) => done({ error: String(e) }));",
            vec![json!(ids), json!(RUNS), json!(WARMUP)],
        )?;
        if let Some(err) = result["error"].as_str() {
            bail!("benchForward failed: {err}");
        }
        let times: Vec<f64> = result["times"]
            .as_array()
            .context("no times from the page")?
            .iter()
            .filter_map(Value::as_f64)
            .collect();
        rows.push(summarize(target, ids.len(), times));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flop_model_matches_the_issue_figures() {
        // T = 16: 339.2 MFLOP dense + 2.36 MFLOP attention.
        assert!((minilm_flops(16) - 341_559_296.0).abs() < 1.0);
    }

    #[test]
    fn summary_takes_median_min_max() {
        let r = summarize("x", 16, vec![3.0, 1.0, 2.0]);
        assert_eq!((r.median_ms, r.min_ms, r.max_ms), (2.0, 1.0, 3.0));
    }
}
