//! Text nobody should have to think about, typed or pasted into the live
//! attention section of the release site: empty, 100,000 characters,
//! control characters, right-to-left scripts, emoji with combining marks,
//! and markup. Each ends in a drawn map (or a clear notice), markup stays
//! text, and the model still answers an ordinary sentence afterwards.

use anyhow::{bail, Result};
use attend_e2e::{open_app, open_table, testid, type_text, wait_map, Browser};
use serde_json::{json, Value};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(120);

/// Puts `text` into the sentence field as a paste does (one `input` event,
/// the field's `maxlength` bypassed as a script or an IME can).
fn paste(browser: &Browser, text: &str) -> Result<()> {
    browser.execute(
        "const field = document.querySelector('[data-testid=attention-text]');
         field.value = arguments[0];
         field.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![json!(text)],
    )?;
    Ok(())
}

/// Waits until the map shown is the up-to-date one for whatever the field
/// now holds (the app may have shortened it); returns that text's length
/// in characters.
fn wait_map_of_field(browser: &Browser, what: &str) -> Result<usize> {
    let shown = browser.wait_until(&format!("the map of {what}"), WAIT, || {
        let v = browser.execute(
            "const view = document.querySelector('[data-testid=attention-view]');
             const field = document.querySelector('[data-testid=attention-text]');
             if (!view || !field) return null;
             if (view.dataset.ready !== 'true' || view.dataset.text !== field.value) return null;
             return [...field.value].length;",
            vec![],
        )?;
        Ok(v.as_u64())
    })?;
    Ok(shown as usize)
}

fn notices(browser: &Browser) -> Result<String> {
    match browser.find_all(&testid("attention-notices"))?.first() {
        Some(el) => browser.text(el),
        None => Ok(String::new()),
    }
}

/// Markup that would run if it ever reached the DOM as HTML.
const MARKUP: &str = "<script>window.attendInjected = 1</script>\
    <img src=x onerror=\"window.attendInjected = 2\"> <b>bold</b> &amp; done";

#[test]
fn awkward_text_draws_a_map_and_stays_text() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/attention", "attention")?;
    browser.wait_for(&testid("model-ready"), Duration::from_secs(240))?;
    let images_before = browser
        .execute("return document.images.length", vec![])?
        .as_u64();

    let cases: [(&str, String); 6] = [
        ("empty text", String::new()),
        (
            "control characters",
            "tab\there\u{0}nul\u{7}bell\u{1b}[31mescape\u{200b}zero\u{feff}width\r\nnewline"
                .to_string(),
        ),
        (
            "right-to-left text",
            "\u{202e}reversed\u{202c} שלום עולם مرحبا بالعالم".to_string(),
        ),
        (
            "emoji and combining marks",
            "👩🏽‍🔬 e\u{301}\u{301}\u{301} Z̸̢͎͌a̴͚͊l̶̰̎g̷̱̃o 🇫🇷 \u{1F600}\u{FE0F}".to_string(),
        ),
        ("markup", MARKUP.to_string()),
        (
            "replacement, noncharacter and private-use characters",
            "\u{FFFD}\u{10FFFF}\u{E000}".to_string(),
        ),
    ];
    for (what, text) in &cases {
        paste(&browser, text)?;
        let shown = wait_map_of_field(&browser, what)?;
        // A one-line field drops line breaks (the HTML value sanitisation);
        // nothing else may go missing.
        let expected = text.chars().filter(|c| !matches!(c, '\r' | '\n')).count();
        if shown != expected {
            bail!("{what}: the map is of {shown} characters, the text has {expected}");
        }
        eprintln!("{what}: map drawn ({shown} characters)");
    }

    // The markup is in the page as text only: the table shows its word
    // pieces, and nothing it names was created or ran.
    paste(&browser, MARKUP)?;
    wait_map_of_field(&browser, "markup again")?;
    open_table(&browser, WAIT)?;
    let table = browser.text(&browser.find(&testid("attention-table"))?)?;
    let header = table.lines().nth(1).unwrap_or_default();
    for piece in [
        "< script >",
        "< im ##g sr ##c = x",
        "< b > bold < / b > & amp ;",
    ] {
        if !header.contains(piece) {
            bail!("the table's header lacks the word pieces {piece:?}: {header:?}");
        }
    }
    let injected = browser.execute(
        "return [window.attendInjected ?? null, document.images.length,
                 document.querySelectorAll('b').length,
                 [...document.scripts].filter(s => !s.src).length]",
        vec![],
    )?;
    let expected = json!([Value::Null, images_before, 0, 0]);
    if injected != expected {
        bail!("markup reached the DOM: [flag, images, <b>, inline scripts] = {injected}, expected {expected}");
    }

    // 100,000 characters pasted: shortened to what the app accepts, with a
    // notice, and the model's own limit (512 word pieces) said as well.
    let long: String = "the cat sat on the mat and "
        .repeat(4_000)
        .chars()
        .take(100_000)
        .collect();
    paste(&browser, &long)?;
    let shown = wait_map_of_field(&browser, "100,000 characters")?;
    if shown >= long.chars().count() || shown == 0 {
        bail!("100,000 characters: the map is of {shown} characters");
    }
    let said = notices(&browser)?;
    if !said.contains("cut to its first") {
        bail!("100,000 characters: no notice that the text was cut: {said:?}");
    }
    let truncated = browser.wait_for(&testid("attention-truncated"), WAIT)?;
    if !browser
        .text(&truncated)?
        .contains("word pieces were dropped")
    {
        bail!("100,000 characters: no notice of the model's own limit");
    }
    eprintln!("100,000 characters: shortened to {shown}, both notices shown");

    // Afterwards an ordinary sentence, typed key by key, still gets its map.
    let ordinary = "The model still answers.";
    type_text(&browser, ordinary)?;
    wait_map(&browser, ordinary, WAIT)?;
    browser.assert_no_console_errors()
}

#[test]
fn a_link_full_of_garbage_opens_with_notices() -> Result<()> {
    let browser = Browser::start(360, 800)?;
    let garbage = [
        "layer=-1",
        "head=99999999999999999999999",
        "view=%3Cscript%3E",
        "scale=%00",
        "palette=%F0%9F%92%A9",
        "weights=f8",
        "hide_special=maybe",
        "text=%E0%A4%A",
        "pair=%20%20",
        "unknown=1",
        "text=second",
    ]
    .join("&");
    open_app(&browser, &format!("#/attention?{garbage}"), "attention")?;
    browser.wait_for(&testid("model-ready"), Duration::from_secs(240))?;
    let said = browser.text(&browser.wait_for(&testid("attention-notices"), WAIT)?)?;
    for phrase in [
        "Layer",
        "Head",
        "no view called",
        "colour scale",
        "palette",
        "weights",
        "hide_special",
    ] {
        if !said.contains(phrase) {
            bail!("the notices do not mention {phrase:?}: {said:?}");
        }
    }
    // Whatever text the link ended up with, its map is drawn.
    wait_map_of_field(&browser, "the garbage link's text")?;
    let ordinary = "Still fine on a phone.";
    type_text(&browser, ordinary)?;
    wait_map(&browser, ordinary, WAIT)?;
    browser.assert_no_console_errors()
}
