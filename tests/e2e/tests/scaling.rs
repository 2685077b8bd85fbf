//! The "Why √d_k" section in headless Chromium: in the contents and by deep
//! link, the division switched off saturates the softmax (read from the
//! charts' `data-summary`), hover answers with numbers, bad links give
//! notices, and it fits a 360 px phone.

use anyhow::{ensure, Result};
use attend_e2e::{
    choose, fits_the_window, floats, hover_shows_a_number, open_app, open_app_and_reload,
    screenshot_dir, summary, testid, wait_section, wait_summary, Browser,
};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn removing_the_division_saturates_the_softmax() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/welcome", "welcome")?;
    browser.click(&browser.find(&testid("toc-scaling"))?)?;
    wait_section(
        &browser,
        "scaling",
        "the scaling section from the contents",
        WAIT,
    )?;
    let scaled = summary(&browser, "scaling-weights")?;
    ensure!(scaled["d_k"] == 64 && scaled["scaled"] == true, "{scaled}");
    // scores of unit spread: soft rows (log2 8 = 3 bits at most)
    let sd = scaled["score_sd"].as_f64().unwrap_or(0.0);
    ensure!((0.6..1.5).contains(&sd), "scaled score spread {sd}");
    let entropy = scaled["mean_entropy_bits"].as_f64().unwrap_or(0.0);
    ensure!(entropy > 1.5 && entropy <= 3.0, "scaled entropy {entropy}");
    for sum in floats(&scaled["row_sums"]) {
        ensure!((sum - 1.0).abs() < 1e-4, "a row sums to {sum}");
    }
    hover_shows_a_number(&browser, "scaling-weights", (0, 0), WAIT)?;
    browser.screenshot(&screenshot_dir().join("scaling.png"))?;

    // Off: the same vectors, scores √64 = 8 times wider, nearly one-hot rows.
    browser.click(&browser.find(&testid("scaling-scaled"))?)?;
    let unscaled = wait_summary(
        &browser,
        "scaling-weights",
        "the unscaled softmax",
        WAIT,
        |s| s["scaled"] == false,
    )?;
    let ratio = unscaled["score_sd"].as_f64().unwrap_or(0.0) / sd;
    ensure!(
        (ratio - 8.0).abs() < 1e-3,
        "the spread grew {ratio}×, not √64 = 8×"
    );
    let max_weight = unscaled["mean_max_weight"].as_f64().unwrap_or(0.0);
    ensure!(
        max_weight > 0.85,
        "largest weight {max_weight} without the division"
    );
    let entropy_off = unscaled["mean_entropy_bits"].as_f64().unwrap_or(9.0);
    ensure!(
        entropy_off < entropy / 2.0,
        "entropy {entropy_off} vs {entropy} bits"
    );
    let bars = summary(&browser, "scaling-entropy")?;
    ensure!(floats(&bars["entropy_bits"]).len() == 8, "{bars}");
    ensure!(
        browser.current_url()?.contains("scaled=0"),
        "the link keeps the switch"
    );
    let facts = browser.text(&browser.find(&testid("scaling-facts"))?)?;
    ensure!(facts.contains("d_k = 64"), "{facts}");

    // A wider head without the division: the spread follows √d_k.
    choose(&browser, "scaling-dk", "256")?;
    let wide = wait_summary(&browser, "scaling-weights", "d_k = 256", WAIT, |s| {
        s["d_k"] == 256
    })?;
    let sd_wide = wide["score_sd"].as_f64().unwrap_or(0.0);
    ensure!(sd_wide > 10.0, "unscaled spread at d_k = 256 is {sd_wide}");
    browser.assert_no_console_errors()
}

#[test]
fn scaling_deep_links_bad_links_and_a_phone() -> Result<()> {
    let browser = Browser::start(1280, 900)?;
    open_app_and_reload(
        &browser,
        "#/scaling?dk=16&n=5&scaled=0&seed=7",
        "scaling",
        WAIT,
    )?;
    let s = summary(&browser, "scaling-weights")?;
    ensure!(
        s["d_k"] == 16 && s["n"] == 5 && s["scaled"] == false,
        "the link was not reopened: {s}"
    );
    open_app(&browser, "#/scaling?dk=0&n=99&scaled=yes", "scaling")?;
    let notices = browser.wait_for(&testid("scaling-notices"), WAIT)?;
    let text = browser.text(&notices)?;
    ensure!(text.contains("d_k") && text.contains("Tokens"), "{text}");
    browser.assert_no_console_errors()?;

    let phone = Browser::start(360, 740)?;
    open_app(&phone, "#/scaling", "scaling")?;
    fits_the_window(&phone, "scaling")?;
    phone.screenshot(&screenshot_dir().join("scaling-360px.png"))?;
    phone.assert_no_console_errors()
}
