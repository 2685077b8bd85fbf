//! The app as a user meets it, in headless Chromium: time from a cold page
//! load to the first drawn attention map, and keystroke → redrawn map
//! latency, read from the app's `attend-input:`/`attend-drawn:` marks.

use anyhow::{Context, Result};
use attend_e2e::Browser;
use serde::Serialize;
use serde_json::json;
use std::time::{Duration, Instant};

const KEYSTROKES: usize = 30;
/// About 16 tokens with [CLS]/[SEP].
const SHORT: &str = "The animal didn't cross the street because it was";
/// About 64 tokens.
const LONG: &str =
    "The students studied hard for their final exam because the course had been difficult, \
and although the weather was lovely outside, they stayed in the library until late every evening, \
reading their notes and asking each other questions about attention and";

#[derive(Serialize)]
pub struct AppTimings {
    pub cold_load_to_first_map_ms: f64,
    pub keystroke: Vec<KeystrokeRow>,
}

#[derive(Serialize)]
pub struct KeystrokeRow {
    pub tokens_approx: usize,
    pub samples: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
}

fn mark_time(browser: &Browser, name: &str) -> Result<Option<f64>> {
    let v = browser.execute(
        "const e = performance.getEntriesByName(arguments[0]); return e.length ? e[e.length - 1].startTime : null;",
        vec![json!(name)],
    )?;
    Ok(v.as_f64())
}

fn wait_mark(browser: &Browser, name: &str, timeout: Duration) -> Result<f64> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(t) = mark_time(browser, name)? {
            return Ok(t);
        }
        if Instant::now() > deadline {
            anyhow::bail!("no performance mark {name} after {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub fn run(url: &str) -> Result<AppTimings> {
    let browser = Browser::start(1280, 1000)?;
    let hash = format!(
        "#/attention?text={}",
        SHORT.replace(' ', "%20").replace('\'', "%27")
    );
    println!("==> app: cold load to the first map");
    browser.goto(&format!("{url}{hash}"))?;
    let cold = wait_mark(
        &browser,
        &format!("attend-drawn:{SHORT}"),
        Duration::from_secs(300),
    )?;

    let mut keystroke = Vec::new();
    for (base, tokens) in [(SHORT, 16), (LONG, 64)] {
        println!("==> app: keystroke → map at about {tokens} tokens, {KEYSTROKES} keystrokes");
        let input = browser.find("[data-testid=\"attention-text\"]")?;
        browser.clear(&input)?;
        browser.send_keys(&input, base)?;
        wait_mark(
            &browser,
            &format!("attend-drawn:{base}"),
            Duration::from_secs(120),
        )?;
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
            let drawn = wait_mark(
                &browser,
                &format!("attend-drawn:{text}"),
                Duration::from_secs(60),
            )?;
            let typed =
                mark_time(&browser, &format!("attend-input:{text}"))?.context("no input mark")?;
            samples.push(drawn - typed);
        }
        samples.sort_by(f64::total_cmp);
        keystroke.push(KeystrokeRow {
            tokens_approx: tokens,
            samples: samples.len(),
            p50_ms: percentile(&samples, 0.5),
            p95_ms: percentile(&samples, 0.95),
        });
    }
    browser.assert_no_console_errors()?;
    Ok(AppTimings {
        cold_load_to_first_map_ms: cold,
        keystroke,
    })
}

pub fn print(t: &AppTimings) {
    println!(
        "\napp in Chromium: cold page load → first drawn map: {:.0} ms",
        t.cold_load_to_first_map_ms
    );
    for r in &t.keystroke {
        println!(
            "app in Chromium: keystroke → redrawn map at ~{} tokens: p50 {:.1} ms, p95 {:.1} ms ({} keystrokes)",
            r.tokens_approx, r.p50_ms, r.p95_ms, r.samples
        );
    }
}
