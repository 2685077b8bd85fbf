//! `cargo xtask bench --soak N`: N runs of the live section in one page
//! (texts of 4 to about 120 tokens, every run a new text, the views taken in
//! turn), with the memory of the model worker's WebAssembly, the page's
//! WebAssembly and the JS heap at the start (after a warm-up), the middle
//! and the end. WebAssembly memory only grows, so a flat line after the
//! warm-up means no run keeps anything it should not.

use crate::bench_app::chart_summary;
use anyhow::{bail, Result};
use attend_e2e::Browser;
use serde::Serialize;
use serde_json::json;
use std::time::{Duration, Instant};

/// Runs before the first reading, long texts that grow the buffers and the
/// result cache to their working size (more than the 8 results it keeps).
const WARM_UP_RUNS: usize = 20;
const VIEWS: [&str; 5] = ["heatmap", "lines", "model", "mean", "rollout"];
const WORDS: [&str; 12] = [
    "the", "teacher", "watched", "every", "head", "of", "the", "model", "attend", "to", "a", "word",
];

#[derive(Serialize, Clone, Copy)]
pub struct Reading {
    pub after_runs: usize,
    pub worker_wasm_bytes: f64,
    pub page_wasm_bytes: f64,
    pub js_heap_bytes: f64,
}

#[derive(Serialize)]
pub struct Soak {
    pub runs: usize,
    pub readings: Vec<Reading>,
    pub elapsed_s: f64,
}

/// The text of run `i`: 3 to 102 words (about 5 to 120 tokens), never the
/// same twice (the page keeps recent results and would not run it again).
/// The warm-up runs are all of the longest kind, so that the page's result
/// cache reaches its largest size before the first reading.
fn text_of(i: usize) -> String {
    let words = if i < WARM_UP_RUNS {
        102
    } else {
        3 + (i * 37) % 100
    };
    let mut text: Vec<String> = (0..words)
        .map(|w| WORDS[(w + i) % WORDS.len()].to_string())
        .collect();
    text.push(format!("number {i}"));
    text.join(" ")
}

fn read(browser: &Browser, after_runs: usize) -> Result<Reading> {
    browser.collect_garbage()?;
    let page = browser.execute(
        "return {
           page: window.attendPageMemoryBytes ? window.attendPageMemoryBytes() : 0,
           heap: performance.memory ? performance.memory.usedJSHeapSize : 0,
         };",
        vec![],
    )?;
    Ok(Reading {
        after_runs,
        worker_wasm_bytes: chart_summary(browser)?["worker_memory_bytes"]
            .as_f64()
            .unwrap_or(0.0),
        page_wasm_bytes: page["page"].as_f64().unwrap_or(0.0),
        js_heap_bytes: page["heap"].as_f64().unwrap_or(0.0),
    })
}

pub fn run(url: &str, runs: usize) -> Result<Soak> {
    let started = Instant::now();
    // --js-flags are not needed: performance.memory is there in Chromium.
    let browser = Browser::start(1280, 1000)?;
    browser.goto(&format!("{url}#/attention"))?;
    let total = WARM_UP_RUNS + runs;
    let mut readings = Vec::new();
    for i in 0..total {
        let (view, text) = (VIEWS[i % VIEWS.len()], text_of(i));
        // Replaced, not pushed: the app itself rewrites its link in place on
        // every keystroke, and a thousand history entries are not the
        // page's memory.
        browser.execute(
            "location.replace(arguments[0]);",
            vec![json!(format!(
                "#/attention?view={view}&text={}",
                attend_e2e::encode_uri_component(&text)
            ))],
        )?;
        let deadline = Instant::now() + Duration::from_secs(if i == 0 { 300 } else { 60 });
        loop {
            let s = chart_summary(&browser)?;
            if s["view"] == view && s["text"] == text.as_str() {
                break;
            }
            if Instant::now() > deadline {
                bail!("run {i} ({view}, {} characters) was not drawn", text.len());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let done = i + 1;
        if done == WARM_UP_RUNS || done == WARM_UP_RUNS + runs / 2 || done == total {
            let reading = read(&browser, done.saturating_sub(WARM_UP_RUNS))?;
            println!(
                "    after {:>5} runs: worker wasm {:.1} MB, page wasm {:.1} MB, JS heap {:.1} MB",
                reading.after_runs,
                reading.worker_wasm_bytes / 1e6,
                reading.page_wasm_bytes / 1e6,
                reading.js_heap_bytes / 1e6
            );
            readings.push(reading);
        }
    }
    browser.assert_no_console_errors()?;
    Ok(Soak {
        runs,
        readings,
        elapsed_s: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_run_has_its_own_text_of_varied_length() {
        let texts: Vec<String> = (0..1000).map(text_of).collect();
        let mut unique = texts.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), texts.len());
        let words: Vec<usize> = texts.iter().map(|t| t.split(' ').count()).collect();
        assert_eq!(words.iter().min(), Some(&5));
        assert_eq!(words.iter().max(), Some(&104));
    }
}
