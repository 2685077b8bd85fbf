//! Broken checkpoints opened by `model=` links, each from another origin:
//! wrong shapes, a truncated download, a config with `hidden_size` 10⁶, a NaN
//! weight, a tokenizer of another model, only a `pytorch_model.bin`, weights
//! whose sha256 is not the one their manifest gives. Each
//! ends in its own readable sentence (never a dead worker), and the default
//! model still loads and answers afterwards in the same page.

use anyhow::{bail, Context, Result};
use attend_e2e::{confirm_other_host, open_app, testid, type_text, Browser, BAD_MODELS};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(120);

#[test]
fn each_bad_checkpoint_says_what_is_wrong_and_the_default_model_still_works() -> Result<()> {
    let base = std::env::var("ATTEND_BAD_MODELS_URL")
        .context("ATTEND_BAD_MODELS_URL is not set; run this through `cargo xtask test`")?;
    let browser = Browser::start(1280, 1000)?;
    for (case, phrase) in BAD_MODELS {
        let url = format!("{base}{case}/");
        open_app(
            &browser,
            &format!(
                "#/attention?model={}",
                attend_e2e::encode_uri_component(&url)
            ),
            "attention",
        )?;
        confirm_other_host(&browser, &url)?;
        let message = browser.wait_until(&format!("the message for {case}"), WAIT, || {
            let found = browser.find_all(&testid("model-error"))?;
            match found.first() {
                Some(el) => browser.text(el).map(Some),
                None => Ok(None),
            }
        })?;
        eprintln!("{case}: {message}");
        if !message.contains(phrase) {
            bail!("{case}: the message {message:?} lacks {phrase:?}");
        }
        if message.contains("unreachable") || message.contains("crashed") {
            bail!("{case}: the worker crashed instead of explaining: {message:?}");
        }
    }
    // The same page, the default model: it loads and draws a typed sentence.
    open_app(&browser, "#/attention", "attention")?;
    browser.wait_for(&testid("model-ready"), Duration::from_secs(240))?;
    let text = "The default model still answers.";
    type_text(&browser, text)?;
    browser.wait_until("the map of the typed sentence", WAIT, || {
        let view = browser.find(&testid("attention-view"))?;
        let ready = browser.attr(&view, "data-ready")?.as_deref() == Some("true");
        let shown = browser.attr(&view, "data-text")?.unwrap_or_default();
        Ok((ready && shown == text).then_some(()))
    })?;
    // Beyond the 404s of the files those folders lack, nothing was logged.
    browser.assert_no_console_errors_but_404s_from(&base)
}
