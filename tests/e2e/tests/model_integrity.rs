//! Stored model files stay right. The default model's files are checked
//! against the sha256 sums in the site's `manifest.json`: a stored copy that
//! changed (a damaged disk, a file left from an older deploy) is replaced by
//! a fresh download without the reader doing anything. (A download that does
//! not match its sum is refused with a sentence: the `wrong-sha256` case of
//! `bad_models.rs`.) A model stored from a URL is revalidated with its host
//! after it loads: when the host's ETag for a file is not the stored one, the
//! page says so, the copy goes, and "Reload the model" gets the new version.

use anyhow::{bail, Context, Result};
use attend_e2e::{
    confirm_other_host, encode_uri_component, open_app, testid, type_text, wait_map, Browser,
    StoppableServer,
};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(120);
const WEIGHTS: &str = "/models/all-MiniLM-L6-v2/model.f16.safetensors";

/// The sum the built site's manifest gives for the default weights.
fn manifest_sum() -> Result<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../dist/models/all-MiniLM-L6-v2/manifest.json");
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?,
    )?;
    manifest["files"]
        .as_array()
        .and_then(|files| files.iter().find(|f| f["name"] == "model.f16.safetensors"))
        .and_then(|f| f["sha256"].as_str())
        .map(str::to_string)
        .context("manifest.json has no sha256 for model.f16.safetensors")
}

/// The stored copy of the file whose URL ends in `suffix`, as text, or None
/// while there is none.
fn stored_text(browser: &Browser, suffix: &str) -> Result<Option<String>> {
    let got = browser.execute_async(
        "const [suffix, done] = arguments;
         (async () => {
           const cache = await caches.open('attend-models-v1');
           const key = (await cache.keys()).find((r) => r.url.endsWith(suffix));
           return key ? await (await cache.match(key)).text() : null;
         })().then((text) => done({ text }), (e) => done({ error: String(e) }));",
        vec![json!(suffix)],
    )?;
    if let Some(err) = got["error"].as_str() {
        bail!("reading the model cache: {err}");
    }
    Ok(got["text"].as_str().map(str::to_string))
}

/// The sha256 of the stored weights, or None while they are not stored.
/// With `flip`, first changes one byte of the stored copy (keeping its
/// length and the length recorded with it).
fn stored_sum(browser: &Browser, flip: bool) -> Result<Option<String>> {
    let got = browser.execute_async(
        "const [suffix, flip, done] = arguments;
         (async () => {
           const cache = await caches.open('attend-models-v1');
           const key = (await cache.keys()).find((r) => r.url.endsWith(suffix));
           if (!key) return null;
           const response = await cache.match(key);
           const bytes = new Uint8Array(await response.arrayBuffer());
           if (flip) {
             bytes[bytes.length - 3] ^= 1;
             await cache.put(key, new Response(bytes, { headers: {
               'content-type': 'application/octet-stream',
               'x-attend-bytes': String(bytes.length) } }));
           }
           const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
           return Array.from(sum, (b) => b.toString(16).padStart(2, '0')).join('');
         })().then((sum) => done({ sum }), (e) => done({ error: String(e) }));",
        vec![json!(WEIGHTS), json!(flip)],
    )?;
    if let Some(err) = got["error"].as_str() {
        bail!("reading the model cache: {err}");
    }
    Ok(got["sum"].as_str().map(str::to_string))
}

#[test]
fn a_changed_stored_copy_of_the_default_model_is_downloaded_again() -> Result<()> {
    let want = manifest_sum()?;
    let browser = Browser::start(1280, 900)?;
    browser.set_script_timeout(WAIT)?;
    open_app(&browser, "#/attention", "attention")?;
    browser.wait_for(&testid("model-ready"), Duration::from_secs(240))?;
    browser.wait_until("the weights stored", WAIT, || {
        Ok(stored_sum(&browser, false)?.filter(|sum| *sum == want))
    })?;
    let changed = stored_sum(&browser, true)?.context("the weights vanished")?;
    assert_ne!(changed, want, "one byte of the stored copy changed");

    browser.refresh()?;
    browser.wait_for(&testid("model-ready"), Duration::from_secs(240))?;
    let text = "A fresh copy answers.";
    type_text(&browser, text)?;
    wait_map(&browser, text, WAIT)?;
    browser.wait_until("the stored copy whole again", WAIT, || {
        Ok(stored_sum(&browser, false)?.filter(|sum| *sum == want))
    })?;
    browser.assert_no_console_errors()
}

#[test]
fn a_url_model_that_changed_on_its_host_is_noticed_after_it_loads() -> Result<()> {
    // The default model's files, served from another origin as a reader's
    // own model would be (f16 weights under the default name).
    let site = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dist/models/all-MiniLM-L6-v2");
    let host_dir =
        std::env::temp_dir().join(format!("attend-changing-model-{}", std::process::id()));
    if host_dir.exists() {
        std::fs::remove_dir_all(&host_dir)?;
    }
    std::fs::create_dir_all(&host_dir)?;
    for (from, to) in [
        ("config.json", "config.json"),
        ("tokenizer.json", "tokenizer.json"),
        ("model.f16.safetensors", "model.safetensors"),
    ] {
        std::fs::copy(site.join(from), host_dir.join(to))
            .with_context(|| format!("copying {from}"))?;
    }
    let host = StoppableServer::start(&host_dir)?;
    let url = host.url.clone();
    let link = format!("#/attention?model={}", encode_uri_component(&url));
    let browser = Browser::start(1280, 900)?;
    browser.set_script_timeout(WAIT)?;
    open_app(&browser, &link, "attention")?;
    confirm_other_host(&browser, &url)?;
    browser.wait_for(&testid("model-ready"), Duration::from_secs(240))?;
    let first = browser.wait_until("the config stored", WAIT, || {
        stored_text(&browser, "/config.json").map(|t| t.filter(|t| t.contains("hidden_size")))
    })?;

    // A new revision on the host: the same model, one more field.
    let mut config: Value = serde_json::from_str(&first)?;
    config["attend_revision"] = json!(2);
    std::fs::write(host_dir.join("config.json"), config.to_string())?;

    browser.refresh()?;
    confirm_other_host(&browser, &url)?;
    browser.wait_for(&testid("model-ready"), Duration::from_secs(240))?;
    let notice = browser.wait_for(&testid("model-changed"), WAIT)?;
    let said = browser.text(&notice)?;
    assert!(said.contains("config.json"), "{said}");
    assert_eq!(
        stored_text(&browser, "/config.json")?,
        None,
        "the old copy is gone"
    );
    assert!(
        stored_text(&browser, "/tokenizer.json")?.is_some(),
        "an unchanged file stays stored"
    );

    browser.click(&browser.find(&testid("model-reload"))?)?;
    browser.wait_until("the new config stored", WAIT, || {
        stored_text(&browser, "/config.json").map(|t| t.filter(|t| t.contains("attend_revision")))
    })?;
    browser.wait_for(&testid("model-ready"), WAIT)?;
    assert!(
        browser.find_all(&testid("model-changed"))?.is_empty(),
        "the notice went with the reload"
    );
    let text = "The new revision answers.";
    type_text(&browser, text)?;
    wait_map(&browser, text, WAIT)?;
    // The host has no manifest.json (optional): its 404s are expected.
    browser.assert_no_console_errors_but_404s_from(&url)?;
    host.stop()?;
    std::fs::remove_dir_all(&host_dir).context("removing the host's folder")
}
