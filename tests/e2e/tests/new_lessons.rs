//! The lessons that only a page with a model in it can give, in headless
//! Chromium: attention's blindness to order (toy head) and the tokenizer
//! (the loaded model's own). Each opens from the contents and by deep link,
//! its main interaction changes what the charts report (`data-summary`),
//! hover answers with numbers, bad links give notices, and it fits a
//! 360 px phone without console errors. Screenshots go to `target/e2e/`.

use anyhow::{ensure, Result};
use attend_e2e::{
    fits_the_window, floats, hover_shows_a_number, open_app, open_app_and_reload, screenshot_dir,
    summary, testid, wait_section, wait_summary, Browser,
};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn shuffled_words_get_the_same_outputs_until_positions_are_added() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/welcome", "welcome")?;
    browser.click(&browser.find(&testid("toc-order"))?)?;
    wait_section(
        &browser,
        "order",
        "the order section from the contents",
        WAIT,
    )?;
    let blind = summary(&browser, "order-written")?;
    ensure!(
        blind["positions"] == false
            && blind["shuffled"] == serde_json::json!(["the", "man", "bit", "the", "dog"]),
        "{blind}"
    );
    let largest = blind["max_difference"].as_f64().unwrap_or(1.0);
    ensure!(
        largest < 1e-5,
        "without positions the outputs moved by {largest}"
    );
    ensure!(floats(&blind["differences"]).len() == 5, "{blind}");
    hover_shows_a_number(&browser, "order-written", (0, 0), WAIT)?;
    hover_shows_a_number(&browser, "order-put-back", (0, 0), WAIT)?;
    browser.screenshot(&screenshot_dir().join("order.png"))?;

    // Position codes: the same words, now different outputs.
    browser.click(&browser.find(&testid("order-pe"))?)?;
    let seen = wait_summary(&browser, "order-written", "positions added", WAIT, |s| {
        s["positions"] == true
    })?;
    let moved = seen["max_difference"].as_f64().unwrap_or(0.0);
    ensure!(
        moved > 0.05,
        "with positions the outputs moved only {moved}"
    );
    ensure!(
        browser.current_url()?.contains("pe=1"),
        "the link keeps the switch"
    );
    let facts = browser.text(&browser.find(&testid("order-facts"))?)?;
    ensure!(facts.contains("With position codes"), "{facts}");

    // Another shuffle is another permutation of the same words.
    browser.click(&browser.find(&testid("order-shuffle"))?)?;
    let shuffled = wait_summary(&browser, "order-written", "a new shuffle", WAIT, |s| {
        s["order"] != serde_json::json!([0, 4, 2, 3, 1])
    })?;
    let mut order: Vec<u64> = shuffled["order"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_u64()).collect())
        .unwrap_or_default();
    order.sort_unstable();
    ensure!(
        order == vec![0, 1, 2, 3, 4],
        "not a permutation: {shuffled}"
    );
    browser.screenshot(&screenshot_dir().join("order-positions.png"))?;
    browser.assert_no_console_errors()
}

#[test]
fn order_links_reopen_bad_ones_are_repaired_and_it_fits_a_phone() -> Result<()> {
    let browser = Browser::start(1280, 900)?;
    open_app_and_reload(
        &browser,
        "#/order?text=cats+chase+mice&order=2,1,0&pe=1&seed=7",
        "order",
        WAIT,
    )?;
    let s = summary(&browser, "order-written")?;
    ensure!(
        s["shuffled"] == serde_json::json!(["mice", "chase", "cats"]) && s["positions"] == true,
        "the link was not reopened: {s}"
    );
    open_app(&browser, "#/order?text=a+b+c&order=0,0,7&pe=2", "order")?;
    let notices = browser.wait_for(&testid("order-notices"), WAIT)?;
    let text = browser.text(&notices)?;
    ensure!(text.contains("Order") && text.contains("pe"), "{text}");
    browser.assert_no_console_errors()?;

    let phone = Browser::start(360, 740)?;
    open_app(&phone, "#/order?pe=1", "order")?;
    fits_the_window(&phone, "order")?;
    phone.screenshot(&screenshot_dir().join("order-360px.png"))?;
    phone.assert_no_console_errors()
}

/// Loading the model (about 45 MB from the local server) and running it.
const MODEL_WAIT: Duration = Duration::from_secs(120);
/// `[UNK]`, `[CLS]` and `[SEP]` in the uncased WordPiece vocabulary.
const UNK_ID: u64 = 100;
const CLS_ID: u64 = 101;
const SEP_ID: u64 = 102;

fn ids(v: &serde_json::Value) -> Vec<u64> {
    v.as_array()
        .map(|a| a.iter().filter_map(|x| x.as_u64()).collect())
        .unwrap_or_default()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_tokenizer_shows_pieces_ids_pairs_and_truncation_as_you_type() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/welcome", "welcome")?;
    browser.click(&browser.find(&testid("toc-tokens"))?)?;
    wait_section(
        &browser,
        "tokens",
        "the tokenizer section from the contents",
        WAIT,
    )?;
    browser.click(&browser.wait_for(&testid("tokens-model-load"), WAIT)?)?;
    let first = wait_summary(
        &browser,
        "tokens-strip",
        "the default text's pieces",
        MODEL_WAIT,
        |s| s["tokens"].is_array(),
    )?;
    let (tokens, token_ids) = (strings(&first["tokens"]), ids(&first["ids"]));
    ensure!(
        tokens.len() == token_ids.len() && tokens.len() > 8,
        "{first}"
    );
    ensure!(
        token_ids.first() == Some(&CLS_ID) && token_ids.last() == Some(&SEP_ID),
        "[CLS] … [SEP]: {first}"
    );
    ensure!(
        tokens.iter().any(|t| t.starts_with("##")),
        "a rare word is split: {tokens:?}"
    );
    ensure!(
        token_ids.contains(&UNK_ID) && tokens.contains(&"[UNK]".to_string()),
        "the emoji is unknown: {tokens:?}"
    );
    ensure!(first["continuations"].as_u64().unwrap_or(0) >= 1, "{first}");
    ensure!(
        ids(&first["type_ids"]).iter().all(|&t| t == 0),
        "one sentence: {first}"
    );
    let chips = browser.find_all(&testid("tokens-piece"))?;
    ensure!(
        chips.len() == tokens.len(),
        "{} chips for {} pieces",
        chips.len(),
        tokens.len()
    );
    hover_shows_a_number(&browser, "tokens-pieces", (0, 0), WAIT)?;
    browser.screenshot(&screenshot_dir().join("tokens.png"))?;

    // Typing re-tokenizes: the final text's pieces, with HTML kept as text.
    let input = browser.find(&testid("tokens-text"))?;
    browser.clear(&input)?;
    browser.send_keys(&input, "<b>Hi</b> the cat")?;
    let typed = wait_summary(
        &browser,
        "tokens-strip",
        "the typed text",
        MODEL_WAIT,
        |s| s["text"] == "<b>Hi</b> the cat",
    )?;
    let typed_tokens = strings(&typed["tokens"]);
    ensure!(
        typed_tokens.contains(&"<".to_string()) && typed_tokens.contains(&"the".to_string()),
        "{typed}"
    );
    let bold = browser.execute(
        "return document.querySelectorAll('[data-testid=tokens-strip] b').length",
        vec![],
    )?;
    ensure!(bold.as_i64() == Some(0), "typed HTML became markup");

    // A second sentence: token type 1 after the first [SEP].
    browser.click(&browser.find(&testid("tokens-pair-on"))?)?;
    let pair = wait_summary(
        &browser,
        "tokens-strip",
        "a sentence pair",
        MODEL_WAIT,
        |s| s["pair"].is_string(),
    )?;
    let (types, pair_ids) = (ids(&pair["type_ids"]), ids(&pair["ids"]));
    let first_sep = pair_ids.iter().position(|&i| i == SEP_ID).unwrap_or(0);
    ensure!(
        pair_ids.iter().filter(|&&i| i == SEP_ID).count() == 2
            && types[..=first_sep].iter().all(|&t| t == 0)
            && types[first_sep + 1..].iter().all(|&t| t == 1)
            && first_sep + 1 < types.len(),
        "[CLS] A [SEP] B [SEP] with types 0…0 1…1: {pair}"
    );
    ensure!(
        browser.current_url()?.contains("pair="),
        "the link keeps the pair"
    );

    // Past the model's limit: cut to exactly its length, with a sentence.
    open_app(
        &browser,
        "#/tokens?text=the+cat+sat+on+the+mat&repeat=120",
        "tokens",
    )?;
    let long = wait_summary(
        &browser,
        "tokens-strip",
        "a truncated input",
        MODEL_WAIT,
        |s| s["truncated"].as_u64().unwrap_or(0) > 0,
    )?;
    let max = long["max_tokens"].as_u64().unwrap_or(0);
    ensure!(
        max == 512 && strings(&long["tokens"]).len() as u64 == max,
        "cut to the model's {max} tokens: {} tokens",
        strings(&long["tokens"]).len()
    );
    // 6 pieces × 120 = 720 pieces, 510 fit between [CLS] and [SEP]
    ensure!(long["truncated"] == 210, "{}", long["truncated"]);
    let facts = browser.text(&browser.find(&testid("tokens-facts"))?)?;
    ensure!(
        facts.contains("too long") && facts.contains("512"),
        "{facts}"
    );
    // Only the tokenizer ran: the badge has no forward pass to report.
    ensure!(
        browser
            .find_all(&testid("tokens-model-backend"))?
            .is_empty(),
        "the tokenizer lesson ran the model"
    );
    browser.assert_no_console_errors()?;

    let phone = Browser::start(360, 740)?;
    open_app(&phone, "#/tokens?pair=It+was+tired.", "tokens")?;
    fits_the_window(&phone, "tokens")?;
    phone.screenshot(&screenshot_dir().join("tokens-360px.png"))?;
    phone.assert_no_console_errors()
}

#[test]
fn the_models_learned_positions_are_alike_nearby_but_not_shift_invariant() -> Result<()> {
    let browser = Browser::start(1280, 1100)?;
    open_app(&browser, "#/welcome", "welcome")?;
    browser.click(&browser.find(&testid("toc-learned-positions"))?)?;
    wait_section(
        &browser,
        "learned-positions",
        "learned positions from the contents",
        WAIT,
    )?;
    browser.click(&browser.wait_for(&testid("positions-model-load"), WAIT)?)?;
    let s = wait_summary(
        &browser,
        "positions-learned",
        "the model's position cosines",
        MODEL_WAIT,
        |s| s["n"].is_u64(),
    )?;
    ensure!(
        s["n"] == 512 && s["hidden"] == 384,
        "all 512 positions of MiniLM: {s}"
    );
    let diagonal = s["learned_diagonal_min"].as_f64().unwrap_or(0.0);
    ensure!(
        (diagonal - 1.0).abs() < 1e-3,
        "a position is its own twin: {diagonal}"
    );
    let learned = &s["learned"][0];
    let sinusoidal = &s["sinusoidal"][0];
    ensure!(learned["offset"] == 1 && sinusoidal["offset"] == 1, "{s}");
    let (l_min, l_max) = (
        learned["min"].as_f64().unwrap_or(0.0),
        learned["max"].as_f64().unwrap_or(0.0),
    );
    let (s_min, s_max) = (
        sinusoidal["min"].as_f64().unwrap_or(0.0),
        sinusoidal["max"].as_f64().unwrap_or(1.0),
    );
    // neighbours are alike in both; only the formula is the same everywhere
    ensure!(
        learned["mean"].as_f64().unwrap_or(0.0) > 0.3,
        "learned neighbours: {learned}"
    );
    ensure!(
        s_max - s_min < 1e-5,
        "sinusoidal is shift-invariant: {sinusoidal}"
    );
    ensure!(l_max - l_min > 0.05, "learned is not: {learned}");
    let far = &s["learned"][3];
    ensure!(
        far["offset"] == 128
            && far["mean"].as_f64().unwrap_or(1.0) < learned["mean"].as_f64().unwrap_or(0.0),
        "far positions are less alike than neighbours: {s}"
    );
    hover_shows_a_number(&browser, "positions-learned", (10, 10), WAIT)?;
    hover_shows_a_number(&browser, "positions-sinusoidal", (10, 10), WAIT)?;
    let note = browser.text(&browser.find(&testid("positions-precision"))?)?;
    ensure!(note.contains("0.001"), "the f16 note: {note}");
    browser.screenshot(&screenshot_dir().join("learned-positions.png"))?;

    open_app_and_reload(
        &browser,
        "#/learned-positions?n=64",
        "learned-positions",
        MODEL_WAIT,
    )?;
    browser.click(&browser.wait_for(&testid("positions-model-load"), WAIT)?)?;
    wait_summary(
        &browser,
        "positions-learned",
        "64 positions",
        MODEL_WAIT,
        |s| s["n"] == 64,
    )?;
    open_app(&browser, "#/learned-positions?n=2", "learned-positions")?;
    let notices = browser.wait_for(&testid("positions-notices"), WAIT)?;
    ensure!(
        browser.text(&notices)?.contains("Positions"),
        "a notice for n=2"
    );
    browser.assert_no_console_errors()?;

    let phone = Browser::start(360, 740)?;
    open_app(&phone, "#/learned-positions", "learned-positions")?;
    fits_the_window(&phone, "learned-positions")?;
    phone.screenshot(&screenshot_dir().join("learned-positions-360px.png"))?;
    phone.assert_no_console_errors()
}

/// The question `id`'s box, and its state (`unanswered`, `right`, `wrong`).
fn question_state(browser: &Browser, id: &str) -> Result<String> {
    let el = browser.find(&format!("[data-testid=quiz-question][data-id=\"{id}\"]"))?;
    Ok(browser.attr(&el, "data-state")?.unwrap_or_default())
}

fn pick(browser: &Browser, id: &str, choice: usize) -> Result<()> {
    let el = browser.find(&format!(
        "[data-testid=quiz-question][data-id=\"{id}\"] [data-testid=quiz-choice][data-index=\"{choice}\"]"
    ))?;
    browser.scroll_into_view(&el)?;
    browser.click(&el)
}

#[test]
fn check_yourself_explains_each_answer_and_remembers_progress() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/order", "order")?;
    let quiz = browser.wait_for(&testid("quiz"), WAIT)?;
    ensure!(browser.attr(&quiz, "data-section")?.as_deref() == Some("order"));
    ensure!(question_state(&browser, "order-1")? == "unanswered");
    // A wrong choice says so, explains, and shows the right one.
    pick(&browser, "order-1", 0)?;
    browser.wait_until("the wrong answer is marked", WAIT, || {
        Ok((question_state(&browser, "order-1")? == "wrong").then_some(()))
    })?;
    let feedback = browser.text(&browser.find(&testid("quiz-feedback"))?)?;
    ensure!(
        feedback.starts_with("Not quite") && feedback.contains("bag of words"),
        "{feedback}"
    );
    ensure!(
        browser.find_all(".quiz-choice.correct")?.len() == 1,
        "the right choice is shown"
    );
    // Try again, then right; progress counts it and survives a reload.
    browser.click(&browser.find(&testid("quiz-again"))?)?;
    pick(&browser, "order-1", 1)?;
    browser.wait_until("the right answer is marked", WAIT, || {
        Ok((question_state(&browser, "order-1")? == "right").then_some(()))
    })?;
    let progress = browser.text(&browser.find(&testid("quiz-progress"))?)?;
    ensure!(
        progress.starts_with("1 of 2 right in this section"),
        "{progress}"
    );
    browser.screenshot(&screenshot_dir().join("check-yourself.png"))?;
    browser.refresh()?;
    browser.wait_for(&testid("quiz"), WAIT)?;
    ensure!(
        question_state(&browser, "order-1")? == "right",
        "kept across a reload"
    );
    // Another section has its own questions and the same lesson total.
    open_app(&browser, "#/tokens", "tokens")?;
    let progress = browser.text(&browser.wait_for(&testid("quiz-progress"), WAIT)?)?;
    ensure!(
        progress.starts_with("0 of 3 right in this section · 1 of"),
        "{progress}"
    );
    browser.click(&browser.find(&testid("quiz-reset"))?)?;
    browser.wait_until("answers forgotten", WAIT, || {
        let p = browser.text(&browser.find(&testid("quiz-progress"))?)?;
        Ok(p.contains("· 0 of").then_some(()))
    })?;
    // Sections without questions have no box.
    open_app(&browser, "#/glossary", "glossary")?;
    ensure!(
        browser.find_all(&testid("quiz"))?.is_empty(),
        "no questions on the glossary"
    );
    browser.assert_no_console_errors()?;

    let phone = Browser::start(360, 740)?;
    open_app(&phone, "#/scaling", "scaling")?;
    phone.wait_for(&testid("quiz"), WAIT)?;
    fits_the_window(&phone, "check yourself")?;
    phone.assert_no_console_errors()
}
