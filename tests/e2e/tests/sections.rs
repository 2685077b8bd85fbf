//! The self-attention, multi-head and masking sections in headless
//! Chromium: reachable from the table of contents and by deep link, their
//! main control changes what is drawn (read from `data-summary`, not from
//! pixels), and they fit a 360 px phone.

use anyhow::{ensure, Result};
use attend_e2e::{
    choose, fits_the_window, floats, hover_shows_a_number, open_app, open_app_and_reload,
    screenshot_dir, summary, testid, wait_section, wait_summary, Browser,
};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// Opens the app at the welcome page and clicks `toc-<slug>`.
fn open_from_toc(browser: &Browser, slug: &str) -> Result<()> {
    open_app(browser, "#/welcome", "welcome")?;
    browser.click(&browser.find(&testid(&format!("toc-{slug}")))?)?;
    let what = format!("section {slug} from the contents");
    wait_section(browser, slug, &what, WAIT)?;
    browser.wait_for(&testid(&format!("section-{slug}")), WAIT)?;
    ensure!(
        browser.current_url()?.contains(&format!("#/{slug}")),
        "the address bar names the section"
    );
    Ok(())
}

/// Scrolls to the section `slug` and saves `<slug>.png`.
fn screenshot_section(browser: &Browser, slug: &str) -> Result<()> {
    browser.scroll_into_view(&browser.find(&testid(&format!("section-{slug}")))?)?;
    browser.screenshot(&screenshot_dir().join(format!("{slug}.png")))
}

/// Opens `hash` in a 360 px window: no horizontal scrolling, a screenshot.
fn fits_a_phone(hash: &str, slug: &str) -> Result<()> {
    let browser = Browser::start(360, 740)?;
    open_app(&browser, hash, slug)?;
    fits_the_window(&browser, slug)?;
    browser.screenshot(&screenshot_dir().join(format!("{slug}-360px.png")))?;
    browser.assert_no_console_errors()
}

#[test]
fn self_attention_follows_the_focus_word() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_from_toc(&browser, "self-attention")?;
    // the default sentence, focused on "it"
    let before = summary(&browser, "sa-weights")?;
    assert_eq!(before["word"], "it");
    assert_eq!(before["focus"], 7);
    let weights = floats(&before["weights"]);
    assert_eq!(weights.len(), 10);
    assert!((weights.iter().sum::<f64>() - 1.0).abs() < 1e-4);
    let scores = summary(&browser, "sa-scores")?;
    assert_eq!(floats(&scores["scores"]).len(), 10);
    let formula = browser.text(&browser.find(&testid("sa-formula"))?)?;
    assert!(formula.contains("√4"), "{formula}");

    // another focus word: another softmax row
    browser.click(&browser.find(&testid("sa-token-1"))?)?;
    let after = wait_summary(&browser, "sa-weights", "focus on “animal”", WAIT, |s| {
        s["focus"] == 1
    })?;
    assert_eq!(after["word"], "animal");
    assert_ne!(after["weights"], before["weights"]);
    let pressed = browser.attr(&browser.find(&testid("sa-token-1"))?, "aria-pressed")?;
    assert_eq!(pressed.as_deref(), Some("true"));
    assert!(browser.current_url()?.contains("focus=1"));

    // reseeding changes every number; the output is the sum of the parts
    let old_scores = summary(&browser, "sa-scores")?["scores"].clone();
    browser.click(&browser.find(&testid("sa-reseed"))?)?;
    wait_summary(
        &browser,
        "sa-scores",
        "new scores after reseeding",
        WAIT,
        |s| s["scores"] != old_scores,
    )?;
    assert!(!browser.current_url()?.contains("seed=42"));
    let values = summary(&browser, "sa-values")?;
    let output = floats(&values["output"]);
    for (d, out) in output.iter().enumerate() {
        let sum: f64 = values["weighted"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p[d].as_f64().unwrap())
            .sum();
        assert!((sum - out).abs() < 1e-4, "dimension {d}: {sum} vs {out}");
    }

    // a new sentence
    browser.set_input(&browser.find(&testid("sa-text"))?, "Dog bites man")?;
    wait_summary(&browser, "sa-scores", "the new sentence", WAIT, |s| {
        s["tokens"] == serde_json::json!(["Dog", "bites", "man"])
    })?;
    hover_shows_a_number(&browser, "sa-weights", (0, 0), WAIT)?;
    screenshot_section(&browser, "self-attention")?;
    browser.assert_no_console_errors()
}

#[test]
fn self_attention_deep_links_and_bad_links() -> Result<()> {
    let browser = Browser::start(1280, 900)?;
    open_app_and_reload(
        &browser,
        "#/self-attention?text=Dog%20bites%20man&focus=2&seed=7",
        "self-attention",
        WAIT,
    )?;
    let w = summary(&browser, "sa-weights")?;
    assert_eq!(
        (w["focus"].clone(), w["word"].clone()),
        (2.into(), "man".into())
    );

    open_app(
        &browser,
        "#/self-attention?text=a%20b&focus=99&seed=zz",
        "self-attention",
    )?;
    let notices = browser.wait_for(&testid("sa-notices"), WAIT)?;
    assert!(browser.text(&notices)?.contains("Focus word"));
    browser.wait_until("corrected URL", WAIT, || {
        Ok(browser.current_url()?.contains("focus=1").then_some(()))
    })?;
    browser.assert_no_console_errors()?;
    fits_a_phone("#/self-attention", "self-attention")
}

#[test]
fn multi_head_draws_one_map_per_head() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_from_toc(&browser, "multi-head")?;
    let before = summary(&browser, "mh-summary")?;
    assert_eq!(before["heads"], 4);
    assert_eq!(before["d_model"], 16);
    assert_eq!(browser.find_all("[data-testid^=\"mh-head-\"]")?.len(), 4);
    let head0 = summary(&browser, "mh-head-0")?;
    for s in floats(&head0["row_sums"]) {
        assert!((s - 1.0).abs() < 1e-4);
    }
    // the heads disagree
    let rows = before["focus_rows"].as_array().unwrap();
    assert_ne!(rows[0], rows[1]);

    browser.set_input(&browser.find(&testid("mh-heads"))?, "6")?;
    let after = wait_summary(&browser, "mh-summary", "six heads", WAIT, |s| {
        s["heads"] == 6
    })?;
    assert_eq!(after["d_model"], 24);
    assert_eq!(after["concat_shape"], serde_json::json!([10, 24]));
    browser.wait_until("six maps", WAIT, || {
        Ok((browser.find_all("[data-testid^=\"mh-head-\"]")?.len() == 6).then_some(()))
    })?;
    assert_eq!(after["focus_rows"].as_array().map(Vec::len), Some(6));
    assert!(browser.current_url()?.contains("heads=6"));
    let diagram = browser.text(&browser.find(&testid("mh-diagram"))?)?;
    assert!(
        diagram.contains("W_o") && diagram.contains("10×24"),
        "{diagram}"
    );
    hover_shows_a_number(&browser, "mh-head-2", (0, 0), WAIT)?;
    screenshot_section(&browser, "multi-head")?;
    browser.assert_no_console_errors()
}

#[test]
fn multi_head_deep_links_and_bad_links() -> Result<()> {
    let browser = Browser::start(1280, 900)?;
    open_app_and_reload(
        &browser,
        "#/multi-head?heads=3&seed=5&text=a%20b%20c",
        "multi-head",
        WAIT,
    )?;
    let s = summary(&browser, "mh-summary")?;
    assert_eq!(s["heads"], 3);
    assert_eq!(s["tokens"], serde_json::json!(["a", "b", "c"]));

    open_app(&browser, "#/multi-head?heads=40", "multi-head")?;
    browser.wait_for(&testid("mh-notices"), WAIT)?;
    wait_summary(&browser, "mh-summary", "clamped to 8 heads", WAIT, |s| {
        s["heads"] == 8
    })?;
    browser.assert_no_console_errors()?;
    fits_a_phone("#/multi-head?heads=8", "multi-head")
}

#[test]
fn masking_switches_between_mask_kinds() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_from_toc(&browser, "masking")?;
    let causal = summary(&browser, "mask-masked")?;
    assert_eq!(causal["kind"], "causal");
    assert_eq!(causal["n"], 6);
    assert_eq!(causal["masked_count"], 15);
    assert_eq!(causal["masked"][0], serde_json::json!([0, 1, 1, 1, 1, 1]));
    let weights = summary(&browser, "mask-weights")?;
    assert_eq!(floats(&weights["weights"][0])[0], 1.0);

    choose(&browser, "mask-kind", "padding")?;
    let padding = wait_summary(&browser, "mask-masked", "padding mask", WAIT, |s| {
        s["kind"] == "padding"
    })?;
    assert_ne!(padding["masked"], causal["masked"]);
    // valid = 4: the last two columns are hidden in every row
    for row in padding["masked"].as_array().unwrap() {
        assert_eq!(row, &serde_json::json!([0, 0, 0, 0, 1, 1]));
    }
    assert!(browser.current_url()?.contains("mask=padding"));

    browser.set_input(&browser.find(&testid("mask-valid"))?, "2")?;
    wait_summary(&browser, "mask-masked", "two real tokens", WAIT, |s| {
        s["valid"] == 2 && s["masked_count"] == 24
    })?;
    choose(&browser, "mask-kind", "both")?;
    let both = wait_summary(&browser, "mask-masked", "both masks", WAIT, |s| {
        s["kind"] == "both"
    })?;
    assert_eq!(both["masked"][0], serde_json::json!([0, 1, 1, 1, 1, 1]));
    assert_eq!(both["masked"][5], serde_json::json!([0, 0, 1, 1, 1, 1]));

    browser.set_input(&browser.find(&testid("mask-n"))?, "10")?;
    wait_summary(&browser, "mask-raw", "ten tokens", WAIT, |s| s["n"] == 10)?;
    for sum in floats(&summary(&browser, "mask-weights")?["row_sums"]) {
        assert!((sum - 1.0).abs() < 1e-4);
    }
    hover_shows_a_number(&browser, "mask-masked", (0, 0), WAIT)?;
    screenshot_section(&browser, "masking")?;
    browser.assert_no_console_errors()
}

#[test]
fn masking_deep_links_and_bad_links() -> Result<()> {
    let browser = Browser::start(1280, 900)?;
    open_app_and_reload(
        &browser,
        "#/masking?n=8&mask=both&valid=5&seed=3",
        "masking",
        WAIT,
    )?;
    let s = summary(&browser, "mask-masked")?;
    assert_eq!(
        (s["n"].clone(), s["kind"].clone(), s["valid"].clone()),
        (8.into(), "both".into(), 5.into())
    );
    let raw = summary(&browser, "mask-raw")?;
    assert_eq!(raw["tokens"][5], "[PAD]");

    open_app(&browser, "#/masking?n=99&mask=diagonal", "masking")?;
    let notices = browser.wait_for(&testid("mask-notices"), WAIT)?;
    assert!(browser.text(&notices)?.contains("causal, padding or both"));
    wait_summary(&browser, "mask-masked", "clamped size", WAIT, |s| {
        s["n"] == 12 && s["kind"] == "causal"
    })?;
    browser.assert_no_console_errors()?;
    fits_a_phone("#/masking?n=12&mask=both&valid=9", "masking")
}
