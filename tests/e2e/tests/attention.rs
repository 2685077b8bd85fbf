//! The live attention section with the real default model, in headless
//! Chromium: fidelity against the reference outputs, every view, options,
//! export, deep links and latest-wins typing.

use anyhow::{bail, Context, Result};
use attend_e2e::{
    choose, open_app, open_table, screenshot_dir, summary, table_cells, testid, type_text,
    wait_summary, Browser,
};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

const MODEL_WAIT: Duration = Duration::from_secs(240);
const WAIT: Duration = Duration::from_secs(60);

fn fixture(name: &str) -> Result<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/minilm")
        .join(format!("{name}.json"));
    Ok(serde_json::from_slice(
        &std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?,
    )?)
}

fn wait_model(browser: &Browser) -> Result<()> {
    browser
        .wait_for(&testid("model-ready"), MODEL_WAIT)
        .map(|_| ())
}

/// Waits until the view shows the result for exactly `text`.
fn wait_result(browser: &Browser, text: &str) -> Result<()> {
    attend_e2e::wait_map(browser, text, WAIT)
}

fn wait_table(browser: &Browser, layer: usize, head: usize, text: &str) -> Result<()> {
    browser.wait_until("the table of the right head", WAIT, || {
        let table = browser.find(&testid("attention-table"))?;
        let ok = browser.attr(&table, "data-layer")?.as_deref() == Some(&layer.to_string())
            && browser.attr(&table, "data-head")?.as_deref() == Some(&head.to_string())
            && browser.attr(&table, "data-text")?.as_deref() == Some(text);
        Ok(ok.then_some(()))
    })
}

fn compare_with_fixture(
    browser: &Browser,
    golden: &Value,
    layer: usize,
    head: usize,
) -> Result<f64> {
    let cells = table_cells(browser)?;
    let t = golden["num_tokens"].as_u64().context("num_tokens")? as usize;
    if cells.len() != t * t {
        bail!("the table has {} cells, expected {}", cells.len(), t * t);
    }
    let mut worst = 0.0f64;
    for (q, k, v) in cells {
        let want = golden["attentions"][layer][head][q][k]
            .as_f64()
            .context("fixture value")?;
        let dev = (v - want).abs();
        if !dev.is_finite() {
            bail!("cell ({q}, {k}) shows {v}, the reference is {want}");
        }
        worst = worst.max(dev);
    }
    Ok(worst)
}

#[test]
fn typed_sentences_match_the_reference_attentions() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/attention?weights=f32", "attention")?;
    wait_model(&browser)?;
    for (name, layer, head) in [("a01", 0, 0), ("a05", 5, 7)] {
        let golden = fixture(name)?;
        let text = golden["sentence"].as_str().context("sentence")?;
        type_text(&browser, text)?;
        choose(&browser, "attention-layer", &layer.to_string())?;
        choose(&browser, "attention-head", &head.to_string())?;
        wait_result(&browser, text)?;
        open_table(&browser, WAIT)?;
        wait_table(&browser, layer, head, text)?;
        let worst = compare_with_fixture(&browser, &golden, layer, head)?;
        eprintln!("{name} layer {layer} head {head}: max |Δ| = {worst:.2e}");
        assert!(worst < 1e-4, "{name}: max |Δ| {worst}");
        // Chromium validates relaxed SIMD, so the worker runs that build.
        let kernel = browser.attr(&browser.find(&testid("backend-line"))?, "data-cpu-kernel")?;
        assert_eq!(
            kernel.as_deref(),
            Some("WebAssembly relaxed SIMD (fused multiply-add)"),
            "the worker build the page chose"
        );
    }
    browser.screenshot(&screenshot_dir().join("attention-table.png"))?;
    browser.assert_no_console_errors()
}

#[test]
fn every_view_draws_and_options_apply() -> Result<()> {
    let downloads = screenshot_dir().join("downloads");
    let _ = std::fs::remove_dir_all(&downloads);
    std::fs::create_dir_all(&downloads)?;
    let browser = Browser::start_with_downloads(1280, 1100, Some(&downloads))?;
    let text = "The cat sat on the mat.";
    open_app(
        &browser,
        &format!("#/attention?text={}", text.replace(' ', "%20")),
        "attention",
    )?;
    wait_model(&browser)?;
    wait_result(&browser, text)?;
    for view in ["heatmap", "lines", "model", "mean", "rollout", "compare"] {
        browser.click(&browser.find(&testid(&format!("view-{view}")))?)?;
        wait_summary(
            &browser,
            "attention-chart",
            &format!("view {view}"),
            WAIT,
            |s| s["view"] == view,
        )?;
        if view == "compare" {
            std::thread::sleep(Duration::from_secs(2));
        }
        browser.scroll_into_view(&browser.find(&testid("attention-chart"))?)?;
        browser.screenshot(&screenshot_dir().join(format!("attention-{view}.png")))?;
        assert!(browser.current_url()?.contains(&format!("view={view}")));
    }

    // Model view: a click on a thumbnail opens that head.
    browser.click(&browser.find(&testid("view-model"))?)?;
    let chart = browser.find(&testid("attention-chart"))?;
    browser.scroll_into_view(&chart)?;
    std::thread::sleep(Duration::from_millis(300));
    browser.click(&chart)?; // the centre of the grid: some layer/head
    browser.wait_until("a head opened from the model view", WAIT, || {
        Ok(browser
            .current_url()?
            .contains("view=heatmap")
            .then_some(()))
    })?;

    // Hide [CLS]/[SEP]: the table loses two rows and renormalises.
    open_table(&browser, WAIT)?;
    let before = table_cells(&browser)?.len();
    browser.click(&browser.find(&testid("attention-hide-special"))?)?;
    let after = browser.wait_until("specials hidden", WAIT, || {
        let n = table_cells(&browser)?.len();
        Ok((n != before).then_some(n))
    })?;
    assert_eq!((before, after), (81, 49));
    let cells = table_cells(&browser)?;
    for row in 0..7 {
        let sum: f64 = cells.iter().skip(row * 7).take(7).map(|c| c.2).sum();
        assert!((sum - 1.0).abs() < 1e-5, "row {row} sums to {sum}");
    }
    browser.scroll_into_view(&browser.find(&testid("attention-chart"))?)?;
    browser.screenshot(&screenshot_dir().join("attention-hide-special.png"))?;

    for format in ["png", "svg", "csv", "json"] {
        browser.click(&browser.find(&testid(&format!("export-{format}")))?)?;
        browser.wait_until(&format!("a .{format} download"), WAIT, || {
            let found = std::fs::read_dir(&downloads)?
                .filter_map(|e| e.ok())
                .any(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .ends_with(&format!(".{format}"))
                        && e.metadata().map(|m| m.len() > 0).unwrap_or(false)
                });
            Ok(found.then_some(()))
        })?;
    }
    let csv = std::fs::read_dir(&downloads)?
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().ends_with(".csv"))
        .context("csv")?;
    let csv = std::fs::read_to_string(csv.path())?;
    assert_eq!(
        csv.lines().count(),
        8,
        "header + 7 rows without [CLS]/[SEP]"
    );
    browser.assert_no_console_errors()
}

#[test]
fn deep_link_reproduces_the_state() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    let hash = "#/attention?text=Dog%20bites%20man.&layer=2&head=5&view=lines&hide_special=1";
    open_app(&browser, hash, "attention")?;
    wait_model(&browser)?;
    wait_result(&browser, "Dog bites man.")?;
    browser.refresh()?;
    wait_model(&browser)?;
    wait_result(&browser, "Dog bites man.")?;
    let drawn = summary(&browser, "attention-chart")?;
    assert_eq!(drawn["view"], "lines");
    assert_eq!(
        (drawn["layer"].clone(), drawn["head"].clone()),
        (2.into(), 5.into())
    );
    assert_eq!(drawn["hide_special"], true);
    let hide = browser.find(&testid("attention-hide-special"))?;
    assert_eq!(
        browser.execute("return arguments[0].checked", vec![hide.to_json()])?,
        true
    );

    // Out of range: a notice, and the nearest valid state.
    open_app(
        &browser,
        "#/attention?layer=40&head=3&view=sideways",
        "attention",
    )?;
    let notices = browser.wait_for(&testid("attention-notices"), WAIT)?;
    let text = browser.text(&notices)?;
    assert!(
        text.contains("sideways") && text.contains("6 layers"),
        "{text}"
    );
    browser.wait_until("layer fitted to the model", WAIT, || {
        Ok(browser.current_url()?.contains("layer=0").then_some(()))
    })?;
    browser.assert_no_console_errors()
}

#[test]
fn fast_typing_ends_with_the_map_of_the_final_text() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/attention", "attention")?;
    wait_model(&browser)?;
    let input = browser.find(&testid("attention-text"))?;
    browser.clear(&input)?;
    let text = "Attention lets every word look at all other words.";
    assert_eq!(text.chars().count(), 50);
    for ch in text.chars() {
        browser.send_keys(&input, &ch.to_string())?;
    }
    wait_result(&browser, text)?;
    // And it stays on the final text (no stale result arrives later).
    std::thread::sleep(Duration::from_secs(2));
    let view = browser.find(&testid("attention-view"))?;
    assert_eq!(browser.attr(&view, "data-text")?.as_deref(), Some(text));
    browser.assert_no_console_errors()
}

#[test]
fn a_model_that_fails_to_load_says_why_and_offers_retry() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(
        &browser,
        "#/attention?model=models/no-such-model/",
        "attention",
    )?;
    let error = browser.wait_for(&testid("model-error"), MODEL_WAIT)?;
    let message = browser.text(&error)?;
    assert!(
        message.contains("config.json"),
        "the message names the file: {message}"
    );
    browser.click(&browser.find(&testid("model-retry"))?)?;
    browser.wait_for(&testid("model-error"), MODEL_WAIT)?;

    // The rest of the app keeps working.
    browser.click(&browser.find(&testid("toc-positional"))?)?;
    browser.wait_for(&testid("pe-heatmap"), WAIT)?;
    // The only errors are the 404s of the missing files.
    let unexpected: Vec<String> = browser
        .console_errors()?
        .into_iter()
        .filter(|e| !e.contains("/models/no-such-model/"))
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:?}");
    Ok(())
}

#[test]
fn a_model_loads_from_a_base_url() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    // A base URL in the Hugging Face layout (here the site's own copy).
    let base = format!("{}models/all-MiniLM-L6-v2/", attend_e2e::app_url()?);
    open_app(&browser, &format!("#/attention?model={base}"), "attention")?;
    let ready = browser.wait_for(&testid("model-ready"), MODEL_WAIT)?;
    assert_eq!(browser.attr(&ready, "data-layers")?.as_deref(), Some("6"));
    wait_result(
        &browser,
        "The animal didn't cross the street because it was too tired.",
    )?;

    browser.assert_no_console_errors()
}

#[test]
fn a_model_loads_from_local_files() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/attention", "attention")?;
    browser.wait_for(&testid("model-ready"), MODEL_WAIT)?;
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../static/models/all-MiniLM-L6-v2");
    let dir = dir
        .canonicalize()
        .context("the default model is missing: run `cargo xtask fetch-model`")?;
    let files: Vec<String> = ["config.json", "model.safetensors", "tokenizer.json"]
        .iter()
        .map(|f| dir.join(f).display().to_string())
        .collect();
    browser.execute(
        "document.querySelector('.model-picker').open = true",
        vec![],
    )?;
    browser.send_keys(&browser.find(&testid("model-files"))?, &files.join("\n"))?;
    browser.wait_until("the local model", MODEL_WAIT, || {
        let ready = browser.find_all(&testid("model-ready"))?;
        let text = match ready.first() {
            Some(el) => browser.text(el)?,
            None => String::new(),
        };
        Ok(text.contains("local files").then_some(()))
    })?;
    wait_result(
        &browser,
        "The animal didn't cross the street because it was too tired.",
    )?;
    browser.assert_no_console_errors()
}
