//! Opening Attend and where its screenshots go.

use crate::checks::testid;
use crate::driver::Browser;
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::time::Duration;

/// The base URL of the served site (set by `cargo xtask test`).
pub fn app_url() -> Result<String> {
    std::env::var("ATTEND_URL")
        .context("ATTEND_URL is not set: run the end-to-end tests with `cargo xtask test`")
}

pub fn screenshot_dir() -> PathBuf {
    std::env::var_os("ATTEND_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/e2e"))
}

/// Opens the app at `hash` (e.g. `#/positional?len=8`) and waits until the
/// section's view is mounted.
pub fn open_app(browser: &Browser, hash: &str, section: &str) -> Result<()> {
    browser.goto(&format!("{}{hash}", app_url()?))?;
    browser.wait_for(
        &testid(&format!("section-{section}")),
        Duration::from_secs(60),
    )?;
    Ok(())
}

/// Opens the app at `hash` as [`open_app`] does, reloads the page and
/// waits up to `timeout` until the section's view is mounted again.
pub fn open_app_and_reload(
    browser: &Browser,
    hash: &str,
    section: &str,
    timeout: Duration,
) -> Result<()> {
    open_app(browser, hash, section)?;
    browser.refresh()?;
    browser.wait_for(&testid(&format!("section-{section}")), timeout)?;
    Ok(())
}

/// The host part (`host[:port]`) of an absolute URL.
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or_default()
}

/// A `model=` link to another host asks first: checks that the question
/// names `model_url`'s host and that nothing is loading yet, then says yes.
pub fn confirm_other_host(browser: &Browser, model_url: &str) -> Result<()> {
    let question = browser.wait_for(&testid("model-confirm"), Duration::from_secs(60))?;
    let host = browser.text(&browser.find(&testid("model-confirm-host"))?)?;
    anyhow::ensure!(
        host == host_of(model_url),
        "the question names {host:?}, the link's host is {:?}",
        host_of(model_url)
    );
    anyhow::ensure!(
        browser.find_all(&testid("model-loading"))?.is_empty()
            && browser.find_all(&testid("model-ready"))?.is_empty(),
        "the model started loading before the reader agreed"
    );
    let text = browser.text(&question)?;
    anyhow::ensure!(
        text.contains(model_url),
        "the question does not show the full address: {text:?}"
    );
    browser.click(&browser.find(&testid("model-confirm-load"))?)?;
    Ok(())
}

/// Opens `bench.html` under `base_url` and waits for `window.attendReady`;
/// returns what the page says it loaded.
pub fn open_bench_page(browser: &Browser, base_url: &str) -> Result<String> {
    open_bench_page_with(browser, base_url, "")
}

/// [`open_bench_page`] with a query (`build=attend-worker&weights=…`, see
/// static/bench.js).
pub fn open_bench_page_with(browser: &Browser, base_url: &str, query: &str) -> Result<String> {
    browser.set_script_timeout(Duration::from_secs(600))?;
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    browser.goto(&format!("{base_url}bench.html{query}"))?;
    let loaded = browser.execute_async(
        "const done = arguments[arguments.length - 1];
         window.attendReady.then((what) => done({ ok: what }), (e) => done({ error: String(e) }));",
        vec![],
    )?;
    match loaded["error"].as_str() {
        Some(err) => anyhow::bail!("bench.html could not load the model: {err}"),
        None => Ok(loaded["ok"].as_str().unwrap_or_default().to_string()),
    }
}

/// `encodeURIComponent`: `text` made safe as one value of a link's query.
pub fn encode_uri_component(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
