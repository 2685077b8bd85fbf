//! What the tests read back from the page: elements by `data-testid`, the
//! `data-summary` a chart writes about what it drew, the section shown,
//! hover tooltips and the page's width.

use crate::driver::Browser;
use anyhow::{ensure, Context, Result};
use serde_json::Value;
use std::time::Duration;

/// The CSS selector of the element with `data-testid="{id}"`.
pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// The attribute `name` of the element `id`; an error when it is missing.
pub fn attr_of(browser: &Browser, id: &str, name: &str) -> Result<String> {
    let el = browser.find(&testid(id))?;
    browser
        .attr(&el, name)?
        .with_context(|| format!("{id} has no {name}"))
}

/// The numbers of a JSON array (others skipped; not an array: none).
pub fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

/// The JSON in the `data-summary` attribute of the element `id`.
pub fn summary(browser: &Browser, id: &str) -> Result<Value> {
    let el = browser.find(&testid(id))?;
    let raw = browser.attr(&el, "data-summary")?.unwrap_or_default();
    Ok(serde_json::from_str(&raw)?)
}

/// Waits until the summary of `id` satisfies `ok`, and returns it.
pub fn wait_summary(
    browser: &Browser,
    id: &str,
    what: &str,
    timeout: Duration,
    ok: impl Fn(&Value) -> bool,
) -> Result<Value> {
    browser.wait_until(what, timeout, || {
        let s = summary(browser, id)?;
        Ok(ok(&s).then_some(s))
    })
}

/// The slug of the section the app shows (`data-section` of `main`).
pub fn shown_section(browser: &Browser) -> Result<String> {
    let main = browser.find(&testid("main"))?;
    Ok(browser.attr(&main, "data-section")?.unwrap_or_default())
}

/// Waits until the app shows the section `slug`; `what` names the wait.
pub fn wait_section(browser: &Browser, slug: &str, what: &str, timeout: Duration) -> Result<()> {
    browser.wait_until(what, timeout, || {
        Ok((shown_section(browser)? == slug).then_some(()))
    })
}

/// Sets the `<select>` `id` and fires `change`, as a user's pick would.
pub fn choose(browser: &Browser, id: &str, value: &str) -> Result<()> {
    let el = browser.find(&testid(id))?;
    browser.execute(
        "arguments[0].value = arguments[1]; \
         arguments[0].dispatchEvent(new Event('change', { bubbles: true }));",
        vec![el.to_json(), Value::from(value)],
    )?;
    Ok(())
}

/// Hovers `chart` at (`dx`, `dy`) from its centre and expects its tooltip
/// to show a number.
pub fn hover_shows_a_number(
    browser: &Browser,
    chart: &str,
    (dx, dy): (i64, i64),
    timeout: Duration,
) -> Result<()> {
    let canvas = browser.find(&testid(chart))?;
    browser.scroll_into_view(&canvas)?;
    browser.hover(&canvas, dx, dy)?;
    let tip = browser.wait_for(&testid(&format!("{chart}-tooltip")), timeout)?;
    let text = browser.text(&tip)?;
    ensure!(!text.trim().is_empty(), "{chart}: empty tooltip");
    ensure!(
        text.chars().any(|c| c.is_ascii_digit()),
        "{chart}: tooltip without a number: {text}"
    );
    Ok(())
}

/// Expects the page to be no wider than the window (no horizontal
/// scrolling); `what` starts the message.
pub fn fits_the_window(browser: &Browser, what: &str) -> Result<()> {
    let widths = browser.execute(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]",
        vec![],
    )?;
    let (scroll, client) = (
        widths[0].as_i64().unwrap_or(0),
        widths[1].as_i64().unwrap_or(0),
    );
    ensure!(
        scroll <= client,
        "{what}: page is {scroll}px wide in a {client}px window"
    );
    Ok(())
}
