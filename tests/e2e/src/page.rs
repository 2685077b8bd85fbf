//! Opening Attend and where its screenshots go.

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
        &format!("[data-testid=\"section-{section}\"]"),
        Duration::from_secs(60),
    )?;
    Ok(())
}
