//! The live attention section as the tests drive it: typing a sentence and
//! reading the table of exact numbers.

use crate::checks::testid;
use crate::driver::{Browser, Element};
use anyhow::{Context, Result};
use std::time::Duration;

/// Replaces the sentence, keystroke by keystroke; returns the input.
pub fn type_text(browser: &Browser, text: &str) -> Result<Element> {
    let input = browser.find(&testid("attention-text"))?;
    browser.clear(&input)?;
    browser.send_keys(&input, text)?;
    Ok(input)
}

/// Waits up to `timeout` until the live chart shows the up-to-date map of
/// `text`.
pub fn wait_map(browser: &Browser, text: &str, timeout: Duration) -> Result<()> {
    browser.wait_until(&format!("the map of {text:?}"), timeout, || {
        let view = browser.find(&testid("attention-view"))?;
        let ready = browser.attr(&view, "data-ready")?.as_deref() == Some("true");
        let shown = browser.attr(&view, "data-text")?.unwrap_or_default();
        Ok((ready && shown == text).then_some(()))
    })
}

/// Opens "Show the numbers as a table" (if closed) and waits for the table.
pub fn open_table(browser: &Browser, timeout: Duration) -> Result<()> {
    if browser.find_all(&testid("attention-table"))?.is_empty() {
        browser.click(&browser.find(&testid("attention-table-toggle"))?)?;
    }
    browser
        .wait_for(&testid("attention-table"), timeout)
        .map(|_| ())
}

/// `[q, k, value]` of every cell of the table, values at full precision.
pub fn table_cells(browser: &Browser) -> Result<Vec<(usize, usize, f64)>> {
    let cells = browser.execute(
        "return Array.from(document.querySelectorAll('[data-testid=attention-table] td'))
                .map(td => [Number(td.dataset.q), Number(td.dataset.k), Number(td.dataset.value)]);",
        vec![],
    )?;
    Ok(cells
        .as_array()
        .context("no table")?
        .iter()
        .map(|c| {
            (
                c[0].as_u64().unwrap_or(0) as usize,
                c[1].as_u64().unwrap_or(0) as usize,
                c[2].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect())
}
