//! The lesson's other sections in headless Chromium — why Transformers, the
//! block, cross-attention, architectures, the closing pages, glossary and
//! resources — plus presenter mode and themes. Each section opens from the
//! table of contents and by deep link, its main interaction changes what the
//! page exposes (`data-*`, not pixels), it fits a 360 px phone, and it logs
//! no console errors. Screenshots go to `target/e2e/`.

use anyhow::{ensure, Result};
use attend_e2e::{
    attr_of, choose, fits_the_window, floats, hover_shows_a_number, open_app, screenshot_dir,
    shown_section, summary, testid, wait_section, wait_summary, Browser,
};
use serde_json::Value;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);
/// Loading the model (about 45 MB from the local server) and running it.
const MODEL_WAIT: Duration = Duration::from_secs(120);
const ARROW_RIGHT: &str = "\u{E014}";
const ARROW_LEFT: &str = "\u{E012}";

/// Every section this file covers, with a deep link that changes a setting.
const SECTIONS: [(&str, &str); 8] = [
    ("why", "#/why?example=fox&step=3"),
    ("block", "#/block?stack=decoder&part=cross-attention"),
    ("cross-attention", "#/cross-attention?pair=de&focus=4"),
    ("architectures", "#/architectures"),
    ("powerful", "#/powerful"),
    ("impact", "#/impact"),
    ("glossary", "#/glossary?q=attention"),
    ("resources", "#/resources"),
];

fn wait_attr(browser: &Browser, id: &str, name: &str, want: &str) -> Result<()> {
    browser.wait_until(&format!("{id}[{name}={want}]"), WAIT, || {
        Ok((attr_of(browser, id, name).ok().as_deref() == Some(want)).then_some(()))
    })
}

fn shot(browser: &Browser, name: &str) -> Result<()> {
    browser.screenshot(&screenshot_dir().join(format!("{name}.png")))
}

#[test]
fn every_section_opens_from_the_contents_and_by_deep_link_and_fits_a_phone() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/welcome", "welcome")?;
    for (slug, _) in SECTIONS {
        browser.click(&browser.find(&testid(&format!("toc-{slug}")))?)?;
        wait_section(&browser, slug, &format!("{slug} from the contents"), WAIT)?;
        browser.wait_for(&testid(&format!("section-{slug}")), WAIT)?;
        ensure!(browser.current_url()?.contains(&format!("#/{slug}")));
        let h1 =
            browser.text(&browser.find(&format!("{} h1", testid(&format!("section-{slug}"))))?)?;
        ensure!(h1.contains(" · "), "{slug}: numbered heading, got {h1}");
        shot(&browser, slug)?;
    }
    browser.assert_no_console_errors()?;

    let phone = Browser::start(360, 740)?;
    for (slug, hash) in SECTIONS {
        open_app(&phone, hash, slug)?;
        std::thread::sleep(Duration::from_millis(300));
        fits_the_window(&phone, slug)?;
        // The contents are one row above the lesson, scrolled to this section.
        let toc = phone.execute(
            "const toc = document.querySelector('[data-testid=toc]').getBoundingClientRect();
             const here = document.querySelector('[data-testid=toc-' + arguments[0] + ']').getBoundingClientRect();
             return [toc.height, here.left, here.right];",
            vec![Value::from(slug)],
        )?;
        let (height, left, right) = (
            toc[0].as_f64().unwrap_or(f64::NAN),
            toc[1].as_f64().unwrap_or(f64::NAN),
            toc[2].as_f64().unwrap_or(f64::NAN),
        );
        ensure!(
            height < 80.0,
            "{slug}: the contents take {height} px of a phone"
        );
        ensure!(
            left >= 0.0 && right <= 360.0,
            "{slug}: its contents entry is off screen ({left}..{right})"
        );
        shot(&phone, &format!("{slug}-360px"))?;
    }
    phone.assert_no_console_errors()
}

#[test]
fn why_plays_the_rnn_word_by_word_while_the_transformer_links_all_at_once() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/why", "why")?;
    assert_eq!(attr_of(&browser, "why-status", "data-step")?, "0");
    assert_eq!(attr_of(&browser, "why-status", "data-words")?, "10");
    assert_eq!(summary(&browser, "why-transformer")?["revealed"], 0);

    browser.click(&browser.find(&testid("why-step"))?)?;
    wait_attr(&browser, "why-status", "data-step", "1")?;
    let arcs = summary(&browser, "why-transformer")?;
    assert_eq!(arcs["revealed"], 7, "all arcs after one step: {arcs}");
    assert!(browser.current_url()?.contains("step=1"));

    // Play to the end: the first word's share of the RNN's memory fades.
    browser.click(&browser.find(&testid("why-play"))?)?;
    wait_summary(
        &browser,
        "why-rnn",
        "the RNN reaches the last word",
        WAIT,
        |s| s["step"] == 10,
    )?;
    let share: f64 = attr_of(&browser, "why-status", "data-first-share")?.parse()?;
    // keep = 0.6: 0.6^9 / Σ 0.6^k (k < 10) = 0.0040
    assert!(
        (share - 0.6f64.powi(9) * 0.4 / (1.0 - 0.6f64.powi(10))).abs() < 1e-4,
        "{share}"
    );
    hover_shows_a_number(&browser, "why-rnn", (0, 0), WAIT)?;
    shot(&browser, "why-played")?;

    browser.click(&browser.find(&testid("why-reset"))?)?;
    wait_attr(&browser, "why-status", "data-step", "0")?;
    browser.assert_no_console_errors()
}

#[test]
fn why_draws_arcs_from_a_real_head() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(
        &browser,
        "#/why?example=animal&step=1&arcs=model&layer=3&head=4",
        "why",
    )?;
    let drawn = wait_summary(
        &browser,
        "why-transformer",
        "a real head's arcs",
        MODEL_WAIT,
        |s| s["source"] == "model" && s["arcs"].as_array().is_some_and(|a| !a.is_empty()),
    )?;
    let tokens: Vec<&str> = drawn["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    // The tokenizer's lower-cased word pieces, without [CLS]/[SEP].
    assert_eq!(tokens.first(), Some(&"the"));
    assert!(
        tokens.contains(&"animal") && !tokens.contains(&"[CLS]"),
        "{tokens:?}"
    );
    assert_eq!(drawn["arcs"].as_array().unwrap().len(), tokens.len());
    for arc in drawn["arcs"].as_array().unwrap() {
        let w = arc[2].as_f64().unwrap();
        assert!(w > 0.0 && w <= 1.0 && arc[0] != arc[1], "{arc}");
    }
    shot(&browser, "why-real-head")?;
    browser.assert_no_console_errors()
}

#[test]
fn block_boxes_explain_themselves_and_stacks_switch() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/block", "block")?;
    assert_eq!(attr_of(&browser, "block-detail", "data-part")?, "attention");
    // all-MiniLM-L6-v2: 4·(384² + 384) parameters in attention.
    assert_eq!(
        attr_of(&browser, "block-detail", "data-parameters")?,
        "591360"
    );
    browser.click(&browser.find(&testid("block-part-ffn"))?)?;
    wait_attr(&browser, "block-detail", "data-part", "ffn")?;
    assert_eq!(
        attr_of(&browser, "block-detail", "data-parameters")?,
        "1181568"
    );
    assert!(browser.current_url()?.contains("part=ffn"));
    ensure!(
        browser.find(&testid("block-part-cross-attention")).is_err(),
        "no cross-attention in an encoder"
    );

    browser.click(&browser.find(&testid("block-stack-decoder"))?)?;
    browser.wait_for(&testid("block-part-cross-attention"), WAIT)?;
    wait_attr(&browser, "block-diagram", "data-stack", "decoder")?;
    let boxes = browser.find_all(&format!("{} button", testid("block-diagram")))?;
    assert_eq!(boxes.len(), 8);
    hover_shows_a_number(&browser, "block-parameters", (0, 40), WAIT)?;
    browser.assert_no_console_errors()
}

#[test]
fn block_reports_the_residual_stream_of_the_loaded_model() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/block?text=Dogs%20bark", "block")?;
    // Before the model: words + [CLS] + [SEP].
    assert_eq!(attr_of(&browser, "block-stream", "data-tokens")?, "4");
    browser.click(&browser.find(&testid("block-model-load"))?)?;
    browser.wait_until("the model loads", MODEL_WAIT, || {
        Ok((attr_of(&browser, "block-model", "data-status")? == "ready").then_some(()))
    })?;
    // "dogs bark" is two word pieces, so T = 4 and the stream 4 × 384.
    browser.wait_until("the tokenized sentence", MODEL_WAIT, || {
        Ok((attr_of(&browser, "block-stream", "data-values")? == "1536").then_some(()))
    })?;
    assert_eq!(attr_of(&browser, "block-stream", "data-width")?, "384");
    browser.assert_no_console_errors()
}

#[test]
fn cross_attention_follows_the_chosen_decoder_word() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/cross-attention", "cross-attention")?;
    let text = browser.text(&browser.find(&testid("cross-illustrative"))?)?;
    assert!(text.contains("Illustrative"), "{text}");
    let first = summary(&browser, "cross-matrix")?;
    assert_eq!(first["pair"], "fr");
    assert_eq!(first["focus"], 0);

    choose(&browser, "cross-focus", "2")?;
    let noir = wait_summary(&browser, "cross-lines", "focus on “noir”", WAIT, |s| {
        s["focus"] == 2
    })?;
    let row = floats(&noir["focus_row"]);
    // "noir" looks mostly at "black" (column 1), then at "cat".
    assert!(row[1] > row[2] && row[2] > row[0], "{row:?}");
    assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-5);

    choose(&browser, "cross-pair", "de")?;
    let de = wait_summary(&browser, "cross-matrix", "the German pair", WAIT, |s| {
        s["pair"] == "de"
    })?;
    assert_eq!(de["target"][4], "gegessen");
    assert_eq!(de["focus"], 0);
    hover_shows_a_number(&browser, "cross-matrix", (0, 0), WAIT)?;
    browser.assert_no_console_errors()
}

#[test]
fn architectures_compare_word_overlap_with_the_models_similarity() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/architectures", "architectures")?;
    assert_eq!(browser.find_all(&testid("arch-cards"))?.len(), 1);
    let overlap = summary(&browser, "arch-overlap")?;
    let n = 6;
    assert_eq!(overlap["n"], n);
    let o = floats(&overlap["values"]);
    let at = |m: &[f64], a: usize, b: usize| m[a * n + b];
    // S3 "The dog bit the man." and S4 "The man bit the dog." share every word.
    assert!((at(&o, 2, 3) - 1.0).abs() < 1e-6, "{o:?}");
    browser.find(&testid("arch-model-missing"))?;

    browser.click(&browser.find(&testid("arch-model-load"))?)?;
    let model = wait_summary(
        &browser,
        "arch-similarity",
        "every sentence embedded",
        MODEL_WAIT,
        |s| s["n"] == n,
    )?;
    let m = floats(&model["values"]);
    assert!(
        (m[0] - 1.0).abs() < 1e-4,
        "a sentence is identical to itself"
    );
    // The figures the prose describes (MiniLM, f32: 0.625, 0.978, 0.308;
    // the page's f16 weights move them by far less than these margins).
    let (paraphrase, reordered, bank) = (at(&m, 0, 1), at(&m, 2, 3), at(&m, 4, 5));
    eprintln!("paraphrase {paraphrase:.3}, reordered {reordered:.3}, bank {bank:.3}");
    assert!(
        paraphrase > 0.55 && paraphrase > at(&o, 0, 1) + 0.15,
        "cat/kitten: model {paraphrase} vs overlap {}",
        at(&o, 0, 1)
    );
    assert!(
        (0.95..0.995).contains(&reordered),
        "dog bit man vs man bit dog: {reordered}"
    );
    assert!(bank < 0.4, "river bank vs bank rates: {bank}");
    // Unrelated pairs stay far apart.
    assert!(at(&m, 0, 5) < 0.15 && at(&m, 2, 4) < 0.15, "{m:?}");
    shot(&browser, "architectures-model")?;

    // As typed into the text box, one sentence per line, then left.
    choose(
        &browser,
        "arch-sentences",
        "I like tea\nI enjoy tea\nTrains are late",
    )?;
    wait_summary(&browser, "arch-overlap", "three sentences", WAIT, |s| {
        s["n"] == 3
    })?;
    ensure!(browser
        .current_url()?
        .contains("s=I%20like%20tea%7CI%20enjoy%20tea%7CTrains%20are%20late"));
    let three = wait_summary(
        &browser,
        "arch-similarity",
        "three embedded",
        MODEL_WAIT,
        |s| s["n"] == 3,
    )?;
    let m = floats(&three["values"]);
    assert!(
        m[1] > m[2],
        "like/enjoy tea {} vs tea/trains {}",
        m[1],
        m[2]
    );
    browser.assert_no_console_errors()
}

#[test]
fn glossary_searches_and_sections_link_into_it() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/glossary", "glossary")?;
    let all: usize = attr_of(&browser, "glossary-count", "data-count")?.parse()?;
    ensure!(all >= 25, "only {all} terms");
    browser.set_input(&browser.find(&testid("glossary-search"))?, "softmax")?;
    browser.wait_until("the search narrows the list", WAIT, || {
        let n: usize = attr_of(&browser, "glossary-count", "data-count")?.parse()?;
        Ok((n < all && n >= 1).then_some(()))
    })?;
    let slugs: Vec<String> = browser
        .find_all(&testid("glossary-entry"))?
        .iter()
        .filter_map(|e| browser.attr(e, "data-slug").ok().flatten())
        .collect();
    assert!(slugs.contains(&"softmax".to_string()), "{slugs:?}");

    // A term in a section's text leads to its entry, highlighted.
    open_app(&browser, "#/block", "block")?;
    browser.click(&browser.find("a.term[data-term='add-and-norm']")?)?;
    wait_section(&browser, "glossary", "a term link", WAIT)?;
    let current = browser.wait_for("[data-testid='glossary-entry'][aria-current='true']", WAIT)?;
    assert_eq!(
        browser.attr(&current, "data-slug")?.as_deref(),
        Some("add-and-norm")
    );
    browser.assert_no_console_errors()
}

#[test]
fn closing_pages_link_back_into_the_lesson() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    open_app(&browser, "#/powerful", "powerful")?;
    let cards = browser.find_all(&testid("powerful-card"))?;
    assert_eq!(cards.len(), 6);
    browser.click(&browser.find(&format!(
        "{} a[href='#/multi-head']",
        testid("section-powerful")
    ))?)?;
    wait_section(&browser, "multi-head", "a card's link", WAIT)?;

    open_app(&browser, "#/resources", "resources")?;
    let links = browser.find_all(&testid("resource-link"))?;
    ensure!(links.len() >= 5, "{} resources", links.len());
    let first = browser.attr(&links[0], "href")?.unwrap_or_default();
    ensure!(first.starts_with("https://"), "{first}");
    assert_eq!(
        browser
            .attr(&links[0], "rel")?
            .as_deref()
            .map(|r| r.contains("noopener")),
        Some(true)
    );
    open_app(&browser, "#/impact", "impact")?;
    browser.assert_no_console_errors()
}

#[test]
fn presenter_mode_steps_through_panels_then_sections() -> Result<()> {
    let browser = Browser::start(1280, 800)?;
    open_app(&browser, "#/block", "block")?;
    browser.click(&browser.find(&testid("presenter-toggle"))?)?;
    browser.wait_for(&testid("presenter-bar"), WAIT)?;
    let class = browser.execute("return document.body.className", vec![])?;
    assert!(class.as_str().unwrap_or("").contains("presenter"));
    // welcome 0, why 1, positional 2, self-attention 3, scaling 4, order 5,
    // learned-positions 6, multi-head 7, block 8 … counted from 1 in the bar
    assert_eq!(attr_of(&browser, "presenter-bar", "data-section")?, "9");
    let parts: usize = attr_of(&browser, "presenter-bar", "data-parts")?.parse()?;
    assert_eq!(parts, 4, "block: its title and three h2 panels");
    assert_eq!(attr_of(&browser, "presenter-bar", "data-part")?, "1");

    browser.press(ARROW_RIGHT)?;
    wait_attr(&browser, "presenter-bar", "data-part", "2")?;
    assert_eq!(
        shown_section(&browser)?,
        "block",
        "→ moves a panel, not a section"
    );
    shot(&browser, "presenter-block")?;
    for _ in 0..parts - 1 {
        browser.press(ARROW_RIGHT)?;
        std::thread::sleep(Duration::from_millis(150));
    }
    wait_section(&browser, "masking", "→ past the last panel", WAIT)?;
    wait_attr(&browser, "presenter-bar", "data-part", "1")?;
    browser.press(ARROW_LEFT)?;
    wait_section(&browser, "block", "← before the first panel", WAIT)?;

    // It survives a reload, and Escape leaves it.
    browser.refresh()?;
    browser.wait_for(&testid("presenter-bar"), WAIT)?;
    browser.press("\u{E00C}")?;
    browser.wait_until("presenter mode off", WAIT, || {
        Ok(browser
            .find(&testid("presenter-bar"))
            .is_err()
            .then_some(()))
    })?;
    browser.assert_no_console_errors()
}

#[test]
fn themes_switch_and_are_remembered() -> Result<()> {
    let browser = Browser::start(1280, 800)?;
    open_app(&browser, "#/welcome", "welcome")?;
    let theme = || -> Result<String> {
        Ok(browser
            .execute(
                "return document.documentElement.getAttribute('data-theme')",
                vec![],
            )?
            .as_str()
            .unwrap_or("")
            .to_string())
    };
    let background = || -> Result<String> {
        Ok(browser
            .execute(
                "return getComputedStyle(document.body).backgroundColor",
                vec![],
            )?
            .as_str()
            .unwrap_or("")
            .to_string())
    };
    assert_eq!(theme()?, "auto");
    browser.click(&browser.find(&testid("theme-toggle"))?)?; // light
    browser.click(&browser.find(&testid("theme-toggle"))?)?; // dark
    browser.wait_until(
        "dark theme",
        WAIT,
        || Ok((theme()? == "dark").then_some(())),
    )?;
    assert_eq!(background()?, "rgb(16, 20, 28)");
    open_app(&browser, "#/cross-attention", "cross-attention")?;
    shot(&browser, "cross-attention-dark")?;
    browser.refresh()?;
    browser.wait_for(&testid("section-cross-attention"), WAIT)?;
    assert_eq!(theme()?, "dark", "remembered across reloads");
    browser.click(&browser.find(&testid("theme-toggle"))?)?; // auto
    browser.wait_until("back to the system theme", WAIT, || {
        Ok((theme()? == "auto").then_some(()))
    })?;
    assert_eq!(
        background()?,
        "rgb(255, 255, 255)",
        "headless Chromium's system theme is light"
    );
    browser.assert_no_console_errors()
}

#[test]
fn self_attention_can_use_a_real_heads_queries_keys_and_values() -> Result<()> {
    let browser = Browser::start(1280, 1000)?;
    // "it" (word 7) in layer 3, head 4: the model's own numbers.
    open_app(
        &browser,
        "#/self-attention?text=The%20animal%20didn%27t%20cross%20the%20street%20because%20it%20was%20tired&focus=7&seed=42&source=model&layer=3&head=4",
        "self-attention",
    )?;
    let real = wait_summary(
        &browser,
        "sa-weights",
        "the model's Q, K, V",
        MODEL_WAIT,
        |s| {
            s["tokens"]
                .as_array()
                .is_some_and(|t| t.first() == Some(&Value::from("[CLS]")))
        },
    )?;
    assert_eq!(real["d_k"], 32, "MiniLM heads are 384 / 12 wide");
    assert_eq!(real["word"], "it");
    let tokens = real["tokens"].as_array().unwrap();
    // [CLS] the animal didn ' t cross the street because it was tired [SEP]
    assert_eq!(tokens.len(), 14);
    assert_eq!(real["focus"], 10);
    let w = floats(&real["weights"]);
    assert_eq!(w.len(), 14);
    assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-4);

    // Another head: other weights for the same word.
    browser.set_input(&browser.find(&testid("sa-head"))?, "5")?;
    let other = wait_summary(&browser, "sa-weights", "head 5", MODEL_WAIT, |s| {
        s["tokens"].as_array().is_some_and(|t| t.len() == 14) && s["weights"] != real["weights"]
    })?;
    assert_eq!(other["focus"], 10);
    assert!(browser.current_url()?.contains("head=5"));
    shot(&browser, "self-attention-model")?;

    // Back to the seeded toy weights.
    browser.click(&browser.find(&testid("sa-use-model"))?)?;
    wait_summary(&browser, "sa-weights", "toy weights again", WAIT, |s| {
        s["d_k"] == 4
    })?;
    browser.assert_no_console_errors()
}
