//! The app as a user meets it, in headless Chromium: time from a cold page
//! load to the first painted attention map, and keystroke → painted map for
//! every view, split into steps by the app's `attend-*` performance marks.
//!
//! A keystroke is timed from the real `keydown` event (a capture-phase
//! listener the bench adds to the page) to the start of the animation frame
//! that shows the new map (`attend-painted:`). Keystrokes are sent one at a
//! time, each after the previous map is on screen.

use anyhow::{Context, Result};
use attend_e2e::Browser;
use serde::Serialize;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const KEYSTROKES: usize = 15;
/// About 16 tokens with [CLS]/[SEP].
const SHORT: &str = "The animal didn't cross the street because it was";
/// About 64 tokens.
const LONG: &str =
    "The students studied hard for their final exam because the course had been difficult, \
and although the weather was lovely outside, they stayed in the library until late every evening, \
reading their notes and asking each other questions about attention and";
/// Every view of the live section, by its `view=` slug.
const VIEWS: [&str; 6] = ["heatmap", "lines", "model", "mean", "rollout", "compare"];

#[derive(Serialize)]
pub struct AppTimings {
    pub cold_load_to_first_map_ms: f64,
    pub keystroke: Vec<KeystrokeRow>,
}

/// p50 / p95 of one step over the keystrokes of a row.
#[derive(Serialize, Clone, Copy)]
pub struct Spread {
    pub p50_ms: f64,
    pub p95_ms: f64,
}

#[derive(Serialize)]
pub struct KeystrokeRow {
    pub view: String,
    pub tokens: usize,
    pub samples: usize,
    /// keydown → painted frame: what the reader sees.
    pub total: Spread,
    /// keydown → the run posted to the worker (input handling, the link
    /// rewritten, effects).
    pub input_to_request: Spread,
    /// The forward pass inside the worker.
    pub worker_forward: Spread,
    /// Posted → answer arrived, minus the forward: tokenizing, the worker's
    /// analysis and the transfer both ways.
    pub analysis_and_transfer: Spread,
    /// Answer arrived → map drawn on the canvas.
    pub draw: Spread,
}

/// One keystroke's marks, in ms since the page's time origin.
struct Sample {
    keydown: f64,
    request: f64,
    result: f64,
    drawn: f64,
    painted: f64,
    forward_ms: f64,
}

fn mark_time(browser: &Browser, name: &str) -> Result<Option<f64>> {
    let v = browser.execute(
        "const e = performance.getEntriesByName(arguments[0]); return e.length ? e[e.length - 1].startTime : null;",
        vec![json!(name)],
    )?;
    Ok(v.as_f64())
}

/// Waits inside the page (one WebDriver call, a `PerformanceObserver`) for
/// the mark `name`. Polling from here instead would keep chromedriver and
/// the page's main thread busy while the worker computes: on a 2-core
/// machine that doubled the forward pass being measured.
fn wait_mark(browser: &Browser, name: &str, timeout: Duration) -> Result<f64> {
    browser.set_script_timeout(timeout + Duration::from_secs(5))?;
    let got = browser.execute_async(
        "const [name, timeoutMs, done] = arguments;
         const seen = () => {
           const e = performance.getEntriesByName(name);
           return e.length ? e[e.length - 1].startTime : null;
         };
         const now = seen();
         if (now !== null) { done({ t: now }); return; }
         const observer = new PerformanceObserver(() => {
           const t = seen();
           if (t !== null) { observer.disconnect(); clearTimeout(timer); done({ t }); }
         });
         const timer = setTimeout(() => { observer.disconnect(); done({ timeout: true }); }, timeoutMs);
         observer.observe({ type: 'mark' });",
        vec![json!(name), json!(timeout.as_millis() as u64)],
    )?;
    got["t"]
        .as_f64()
        .with_context(|| format!("no performance mark {name} after {timeout:?}"))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn spread(samples: &[Sample], step: impl Fn(&Sample) -> f64) -> Spread {
    let mut v: Vec<f64> = samples.iter().map(step).collect();
    v.sort_by(f64::total_cmp);
    Spread {
        p50_ms: percentile(&v, 0.5),
        p95_ms: percentile(&v, 0.95),
    }
}

fn link(view: &str, text: &str) -> String {
    format!(
        "#/attention?view={view}&text={}",
        attend_e2e::encode_uri_component(text)
    )
}

pub fn run(url: &str) -> Result<AppTimings> {
    let browser = Browser::start(1280, 1000)?;
    println!("==> app: cold load to the first painted map (fresh profile)");
    browser.goto(&format!("{url}{}", link("heatmap", SHORT)))?;
    let cold = wait_mark(
        &browser,
        &format!("attend-painted:{SHORT}"),
        Duration::from_secs(300),
    )?;
    browser.execute(
        "window.attendKeydowns = [];
         document.addEventListener('keydown', () => window.attendKeydowns.push(performance.now()), true);",
        vec![],
    )?;
    let mut keystroke = Vec::new();
    for view in VIEWS {
        for (base, tokens) in [(SHORT, 16), (LONG, 64)] {
            println!("==> app: {view} view, ~{tokens} tokens, {KEYSTROKES} keystrokes");
            let samples = type_and_time(&browser, view, base)?;
            keystroke.push(KeystrokeRow {
                view: view.to_string(),
                tokens,
                samples: samples.len(),
                total: spread(&samples, |s| s.painted - s.keydown),
                input_to_request: spread(&samples, |s| s.request - s.keydown),
                worker_forward: spread(&samples, |s| s.forward_ms),
                analysis_and_transfer: spread(&samples, |s| s.result - s.request - s.forward_ms),
                draw: spread(&samples, |s| s.drawn - s.result),
            });
        }
    }
    browser.assert_no_console_errors()?;
    Ok(AppTimings {
        cold_load_to_first_map_ms: cold,
        keystroke,
    })
}

/// Opens `view` on `base`, then types [`KEYSTROKES`] characters one at a
/// time, each once the previous map is painted.
fn type_and_time(browser: &Browser, view: &str, base: &str) -> Result<Vec<Sample>> {
    // Marks are once per text: clear them so every typed text marks anew.
    browser.execute(
        "performance.clearMarks(); location.hash = arguments[0];",
        vec![json!(link(view, base))],
    )?;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let summary = chart_summary(browser)?;
        if summary["view"] == view && summary["text"] == base {
            break;
        }
        if Instant::now() > deadline {
            anyhow::bail!("the {view} view of {base:?} was not drawn within 120 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // Let that first draw of the view finish before timing keystrokes.
    std::thread::sleep(Duration::from_millis(500));
    let input = browser.find("[data-testid=\"attention-text\"]")?;
    let mut text = base.to_string();
    let mut samples = Vec::new();
    for i in 0..KEYSTROKES {
        let ch = if i % 6 == 5 {
            ' '
        } else {
            (b'a' + (i % 26) as u8) as char
        };
        text.push(ch);
        browser.send_keys(&input, &ch.to_string())?;
        let painted = wait_mark(
            browser,
            &format!("attend-painted:{text}"),
            Duration::from_secs(60),
        )?;
        let mark = |step: &str| -> Result<f64> {
            mark_time(browser, &format!("attend-{step}:{text}"))?
                .with_context(|| format!("no {step} mark for {text:?}"))
        };
        let keydown = browser
            .execute(
                "return window.attendKeydowns[window.attendKeydowns.length - 1];",
                vec![],
            )?
            .as_f64()
            .context("no keydown was recorded")?;
        let summary = chart_summary(browser)?;
        samples.push(Sample {
            keydown,
            request: mark("request")?,
            result: mark("result")?,
            drawn: mark("drawn")?,
            painted,
            forward_ms: summary["forward_ms"].as_f64().unwrap_or(f64::NAN),
        });
    }
    Ok(samples)
}

/// What the live chart says it drew (its `data-summary`), or null.
pub fn chart_summary(browser: &Browser) -> Result<Value> {
    let raw = browser.execute(
        "const c = document.querySelector('[data-testid=\"attention-chart\"]'); return c ? c.dataset.summary : null;",
        vec![],
    )?;
    Ok(raw
        .as_str()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null))
}

pub fn print(t: &AppTimings) {
    println!(
        "\napp in Chromium: cold page load → first painted map: {:.0} ms",
        t.cold_load_to_first_map_ms
    );
    println!(
        "\nkeystroke → painted map, p50 / p95 ms ({} keystrokes each, CPU backend)",
        t.keystroke.first().map_or(0, |r| r.samples)
    );
    println!(
        "{:<8} {:>6} {:>15} {:>15} {:>15} {:>15} {:>15}",
        "view", "tokens", "total", "input→request", "forward", "analysis+xfer", "draw"
    );
    let cell = |s: Spread| format!("{:.1} / {:.1}", s.p50_ms, s.p95_ms);
    for r in &t.keystroke {
        println!(
            "{:<8} {:>6} {:>15} {:>15} {:>15} {:>15} {:>15}",
            r.view,
            r.tokens,
            cell(r.total),
            cell(r.input_to_request),
            cell(r.worker_forward),
            cell(r.analysis_and_transfer),
            cell(r.draw)
        );
    }
}
