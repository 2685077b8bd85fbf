//! A BERT in bert-base-uncased's published layout (`bert.` names, LayerNorm
//! gamma/beta, `cls.*` heads; 12 layers × 12 heads), loaded by a `model=`
//! link from another origin — a second local server that sends CORS headers,
//! standing in for the Hub. Its pickers show its 12 × 12 heads and its table
//! gives the `attend` CLI's numbers.

use anyhow::{bail, Context, Result};
use attend_e2e::{
    confirm_other_host, open_app, open_table, screenshot_dir, table_cells, testid, Browser,
    HUB_MODEL_TEXT,
};
use serde_json::Value;
use std::time::Duration;

const MODEL_WAIT: Duration = Duration::from_secs(240);
const WAIT: Duration = Duration::from_secs(60);
/// The page shows f32 weights of a URL model, so only float printing differs.
const TOLERANCE: f64 = 1e-4;

fn env(name: &str) -> Result<String> {
    std::env::var(name)
        .with_context(|| format!("{name} is not set; run this through `cargo xtask test`"))
}

/// The option values of a picker.
fn options(browser: &Browser, id: &str) -> Result<Vec<String>> {
    let v = browser.execute(
        "return Array.from(document.querySelectorAll(`[data-testid=${arguments[0]}] option`)).map(o => o.value);",
        vec![Value::from(id)],
    )?;
    Ok(v.as_array()
        .context("no options")?
        .iter()
        .filter_map(|o| o.as_str().map(str::to_string))
        .collect())
}

#[test]
fn a_hub_layout_bert_from_another_origin_matches_the_cli() -> Result<()> {
    let model_url = env("ATTEND_HUB_MODEL_URL")?;
    let expected: Value = serde_json::from_slice(
        &std::fs::read(env("ATTEND_HUB_EXPECTED")?).context("reading the CLI's output")?,
    )?;
    let (layers, heads) = (
        expected["num_layers"].as_u64(),
        expected["num_heads"].as_u64(),
    );
    if (layers, heads) != (Some(12), Some(12)) {
        bail!(
            "the Hub-layout model should have 12 × 12 heads, the CLI says {layers:?} × {heads:?}"
        );
    }
    let browser = Browser::start(1280, 1000)?;
    let (layer, head) = (11, 7);
    open_app(
        &browser,
        &format!(
            "#/attention?model={}&text={}&layer={layer}&head={head}",
            attend_e2e::encode_uri_component(&model_url),
            attend_e2e::encode_uri_component(HUB_MODEL_TEXT)
        ),
        "attention",
    )?;
    confirm_other_host(&browser, &model_url)?;
    browser.wait_for(&testid("model-ready"), MODEL_WAIT)?;
    let twelve: Vec<String> = (0..12).map(|i| i.to_string()).collect();
    assert_eq!(
        options(&browser, "attention-layer")?,
        twelve,
        "layer picker"
    );
    assert_eq!(options(&browser, "attention-head")?, twelve, "head picker");

    open_table(&browser, WAIT)?;
    browser.wait_until("the table of layer 11, head 7", WAIT, || {
        let table = browser.find(&testid("attention-table"))?;
        let ok = browser.attr(&table, "data-layer")?.as_deref() == Some("11")
            && browser.attr(&table, "data-head")?.as_deref() == Some("7")
            && browser.attr(&table, "data-text")?.as_deref() == Some(HUB_MODEL_TEXT);
        Ok(ok.then_some(()))
    })?;
    let cells = table_cells(&browser)?;
    let t = expected["tokens"].as_array().context("tokens")?.len();
    if cells.len() != t * t {
        bail!(
            "the table has {} cells, the CLI has {t}² values",
            cells.len()
        );
    }
    let mut worst = 0.0f64;
    for (q, k, v) in cells {
        let want = expected["attentions"][layer][head][q][k]
            .as_f64()
            .context("CLI value")?;
        worst = worst.max((v - want).abs());
    }
    eprintln!("Hub-layout BERT from another origin: layer {layer} head {head}, max |Δ| vs the CLI {worst:.2e} over {t}² values");
    assert!(worst <= TOLERANCE, "max |Δ| {worst:e} > {TOLERANCE:e}");
    browser.screenshot(&screenshot_dir().join("hub-layout-bert-12x12.png"))?;
    // It has no manifest.json, which the browser logs as a 404.
    browser.assert_no_console_errors_but_404s_from(&model_url)
}
