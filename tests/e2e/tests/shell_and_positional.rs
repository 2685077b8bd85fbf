//! The app shell and the positional-encoding section in headless Chromium.

use anyhow::Result;
use attend_e2e::{
    fits_the_window, hover_shows_a_number, open_app, open_app_and_reload, screenshot_dir,
    shown_section, summary, testid, wait_summary, Browser,
};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);
const ARROW_RIGHT: &str = "\u{E014}";
const ARROW_LEFT: &str = "\u{E012}";

fn wait_section(browser: &Browser, slug: &str, after: &str) -> Result<()> {
    let what = format!("section {slug} after {after}");
    attend_e2e::wait_section(browser, slug, &what, WAIT)
}

#[test]
fn navigates_by_click_and_by_keyboard() -> Result<()> {
    let browser = Browser::start(1280, 900)?;
    open_app(&browser, "#/welcome", "welcome")?;
    browser.screenshot(&screenshot_dir().join("welcome.png"))?;

    browser.click(&browser.find(&testid("toc-positional"))?)?;
    wait_section(&browser, "positional", "a click in the table of contents")?;
    assert!(browser.current_url()?.contains("#/positional"));

    browser.press(ARROW_LEFT)?;
    wait_section(&browser, "why", "←")?;
    browser.press(ARROW_RIGHT)?;
    wait_section(&browser, "positional", "→")?;

    // The pager buttons do the same.
    browser.click(&browser.find(&testid("prev"))?)?;
    wait_section(&browser, "why", "the previous button")?;
    browser.click(&browser.find(&testid("next"))?)?;
    wait_section(&browser, "positional", "the next button")?;

    // Arrow keys typed into a control stay in the control.
    let len = browser.find(&testid("pe-len"))?;
    browser.click(&len)?;
    browser.press(ARROW_LEFT)?;
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(shown_section(&browser)?, "positional");
    browser.assert_no_console_errors()
}

#[test]
fn controls_change_what_is_drawn_and_the_url() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/positional", "positional")?;
    let before = summary(&browser, "pe-heatmap")?;
    assert_eq!(before["rows"], 64);
    assert_eq!(before["cols"], 128);
    // PE[1][0] = sin(1)
    assert!((before["pe_1_0"].as_f64().unwrap() - 1f64.sin()).abs() < 1e-6);

    browser.set_input(&browser.find(&testid("pe-d"))?, "64")?;
    let after = wait_summary(&browser, "pe-heatmap", "d_model 64 drawn", WAIT, |s| {
        s["cols"] == 64
    })?;
    assert_ne!(before["sum"], after["sum"]);
    assert!(browser.current_url()?.contains("d=64"));

    browser.set_input(&browser.find(&testid("pe-len"))?, "100")?;
    browser.set_input(&browser.find(&testid("pe-pos"))?, "1,3,50")?;
    let lines = wait_summary(&browser, "pe-lines", "positions 1,3,50 drawn", WAIT, |s| {
        s["positions"] == serde_json::json!([1, 3, 50])
    })?;
    // The first value drawn for position 3 is sin(3).
    let first = lines["lines"][1][0].as_f64().unwrap();
    assert!((first - 3f64.sin()).abs() < 1e-6, "{first}");
    assert_eq!(summary(&browser, "pe-heatmap")?["rows"], 100);

    browser.set_input(&browser.find(&testid("pe-base"))?, "100")?;
    wait_summary(&browser, "pe-heatmap", "base 100 drawn", WAIT, |s| {
        s["base"] == 100.0
    })?;
    let url = browser.current_url()?;
    assert!(
        url.contains("len=100") && url.contains("base=100") && url.contains("pos=1,3,50"),
        "{url}"
    );

    browser.set_input(&browser.find(&testid("pe-pair"))?, "1")?;
    wait_summary(&browser, "pe-scatter", "scatter uses pair 1", WAIT, |s| {
        s["pair"] == 1
    })?;
    browser.screenshot(&screenshot_dir().join("positional.png"))?;
    browser.assert_no_console_errors()
}

#[test]
fn hovering_a_chart_shows_the_value_under_the_cursor() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/positional?len=64&d=128", "positional")?;
    for chart in ["pe-heatmap", "pe-lines", "pe-scatter", "pe-similarity"] {
        hover_shows_a_number(&browser, chart, (10, 10), WAIT)?;
        if chart == "pe-heatmap" {
            browser.screenshot(&screenshot_dir().join("positional-hover.png"))?;
        }
    }
    browser.assert_no_console_errors()
}

#[test]
fn deep_links_reopen_the_same_view_after_reload() -> Result<()> {
    let browser = Browser::start(1280, 900)?;
    open_app_and_reload(
        &browser,
        "#/positional?len=32&d=16&base=100&pos=1,5&dims=8&pair=2",
        "positional",
        WAIT,
    )?;
    let heat = summary(&browser, "pe-heatmap")?;
    assert_eq!(
        (heat["rows"].clone(), heat["cols"].clone()),
        (32.into(), 16.into())
    );
    assert_eq!(heat["base"], 100.0);
    let lines = summary(&browser, "pe-lines")?;
    assert_eq!(lines["positions"], serde_json::json!([1, 5]));
    assert_eq!(lines["dims"], 8);
    assert_eq!(summary(&browser, "pe-scatter")?["pair"], 2);
    browser.assert_no_console_errors()
}

#[test]
fn garbage_in_the_url_gives_notices_not_a_crash() -> Result<()> {
    let browser = Browser::start(1280, 900)?;
    open_app(
        &browser,
        "#/positional?len=abc&d=7&base=-1&pos=%F0%9F%90%95,999",
        "positional",
    )?;
    let notices = browser.wait_for(&testid("positional-notices"), WAIT)?;
    let text = browser.text(&notices)?;
    assert!(text.contains("even"), "{text}");
    let heat = summary(&browser, "pe-heatmap")?;
    assert_eq!(heat["cols"], 6);
    assert_eq!(heat["rows"], 64);
    // The address bar now holds the corrected link.
    browser.wait_until("corrected URL", WAIT, || {
        Ok(browser.current_url()?.contains("d=6").then_some(()))
    })?;

    open_app(&browser, "#/no-such-section", "welcome")?;
    browser.wait_for(&testid("route-notice"), WAIT)?;
    browser.assert_no_console_errors()
}

#[test]
fn fits_a_360_px_phone_without_horizontal_scrolling() -> Result<()> {
    let browser = Browser::start(360, 740)?;
    open_app(&browser, "#/positional", "positional")?;
    fits_the_window(&browser, "positional")?;
    browser.screenshot(&screenshot_dir().join("positional-360px.png"))?;
    browser.assert_no_console_errors()
}
