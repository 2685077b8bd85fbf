//! The site as a host serves it, and after the host is gone: the content
//! security policy is on and nothing breaks it; a link naming a model on
//! another host, or something that is no address, loads nothing by itself;
//! after one visit the app and its model work with the server stopped; a
//! crashed page does not leave a dead page (a crashed or stuck model
//! worker: `worker_faults.rs`); a full storage quota costs a download, not
//! the model.

use anyhow::{bail, ensure, Context, Result};
use attend_e2e::{open_app, testid, type_text, wait_map, Browser, StoppableServer};
use std::path::PathBuf;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(120);

fn dist() -> Result<PathBuf> {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../dist")
        .canonicalize()
        .context("dist/ is missing: run the end-to-end tests with `cargo xtask test`")
}

/// Waits until the stored-models list shows the default model with at least
/// its f16 weights stored (the worker writes them just after loading);
/// returns the bytes stored.
fn wait_stored_whole(browser: &Browser, weights: u64) -> Result<u64> {
    browser.wait_until("the default model in the list, stored whole", WAIT, || {
        for el in browser.find_all(&testid("stored-model"))? {
            let base = browser.attr(&el, "data-base")?.unwrap_or_default();
            let bytes: u64 = browser
                .attr(&el, "data-bytes")?
                .unwrap_or_default()
                .parse()
                .unwrap_or(0);
            if base.ends_with("/models/all-MiniLM-L6-v2/") && bytes >= weights {
                return Ok(Some(bytes));
            }
        }
        Ok(None)
    })
}

#[test]
fn the_policy_is_on_and_the_page_has_no_inline_script() -> Result<()> {
    let browser = Browser::start(1280, 900)?;
    open_app(&browser, "#/attention", "attention")?;
    browser.wait_for(&testid("model-ready"), WAIT)?;
    let page = browser.execute(
        "const meta = document.querySelector('meta[http-equiv=Content-Security-Policy]');
         return {
           policy: meta ? meta.content : '',
           inline: Array.from(document.scripts).filter(s => !s.src).length,
         };",
        vec![],
    )?;
    let policy = page["policy"].as_str().unwrap_or_default();
    for directive in [
        "script-src 'self' 'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'none'",
    ] {
        ensure!(
            policy.contains(directive),
            "the policy {policy:?} lacks {directive:?}"
        );
    }
    ensure!(page["inline"].as_u64() == Some(0), "inline scripts: {page}");
    // The policy holds: a script the page did not ship is refused (and the
    // browser says so, which is what any violation would look like).
    let injected = browser.execute(
        "const s = document.createElement('script');
         s.textContent = 'window.__attendInjected = true;';
         document.head.append(s);
         return window.__attendInjected === true;",
        vec![],
    )?;
    ensure!(
        injected == serde_json::Value::Bool(false),
        "an inline script ran"
    );
    let refused = browser.console_errors()?;
    ensure!(
        refused
            .iter()
            .any(|e| e.contains("Content Security Policy")),
        "no report of the refused script: {refused:?}"
    );
    // Everything else the app does (typing, the views) breaks no rule.
    type_text(&browser, "The policy lets the model run.")?;
    wait_map(&browser, "The policy lets the model run.", WAIT)?;
    for view in ["lines", "model", "mean", "rollout"] {
        browser.click(&browser.find(&testid(&format!("view-{view}")))?)?;
    }
    browser.assert_no_console_errors()
}

#[test]
fn links_to_other_hosts_or_other_schemes_load_nothing_by_themselves() -> Result<()> {
    let browser = Browser::start(1280, 900)?;
    // Nothing listens there: a load that started anyway would fail loudly.
    let elsewhere = "http://127.0.0.1:9/models/bert/";
    open_app(
        &browser,
        &format!(
            "#/attention?model={}",
            attend_e2e::encode_uri_component(elsewhere)
        ),
        "attention",
    )?;
    browser.wait_for(&testid("model-confirm"), WAIT)?;
    let host = browser.text(&browser.find(&testid("model-confirm-host"))?)?;
    ensure!(host == "127.0.0.1:9", "the question names {host:?}");
    std::thread::sleep(Duration::from_secs(2));
    ensure!(
        browser.find_all(&testid("model-loading"))?.is_empty()
            && browser.find_all(&testid("model-error"))?.is_empty(),
        "the model started loading before the reader agreed"
    );
    // No: the default model loads instead, and the link forgets the other one.
    browser.click(&browser.find(&testid("model-confirm-default"))?)?;
    browser.wait_for(&testid("model-ready"), WAIT)?;
    let url = browser.current_url()?;
    ensure!(
        !url.contains("model="),
        "the link still names the model: {url}"
    );

    // A scheme that is no download at all is refused with a notice.
    open_app(
        &browser,
        "#/attention?model=javascript%3Aalert(1)%2F%2F",
        "attention",
    )?;
    let notice = browser.wait_for(&testid("attention-notices"), WAIT)?;
    let text = browser.text(&notice)?;
    ensure!(text.contains("javascript:"), "the notice says {text:?}");
    ensure!(browser.find_all(&testid("model-confirm"))?.is_empty());
    browser.assert_no_console_errors()
}

#[test]
fn after_one_visit_the_app_and_its_model_work_with_the_server_gone() -> Result<()> {
    let server = StoppableServer::start(&dist()?)?;
    let url = server.url.clone();
    let browser = Browser::start(1280, 900)?;
    browser.goto(&format!("{url}#/attention"))?;
    browser.wait_for(&testid("model-ready"), Duration::from_secs(240))?;
    // The service worker has installed this version and controls the page
    // (the first visit is not controlled; a reload is).
    browser.set_script_timeout(WAIT)?;
    let ready = browser.execute_async(
        "const done = arguments[arguments.length - 1];
         navigator.serviceWorker.ready.then(() => done(true), (e) => done(String(e)));",
        vec![],
    )?;
    ensure!(
        ready == serde_json::Value::Bool(true),
        "no service worker: {ready}"
    );
    browser.refresh()?;
    browser.wait_for(&testid("model-ready"), WAIT)?;
    let controlled = browser.execute("return !!navigator.serviceWorker.controller;", vec![])?;
    ensure!(
        controlled == serde_json::Value::Bool(true),
        "the page is not controlled"
    );
    // The worker stores a model's files just after it has loaded; wait
    // until they are all in, as a reader who closes the laptop later would.
    browser.click(&browser.find(&format!("{} summary", testid("stored-models")))?)?;
    let weights =
        std::fs::metadata(dist()?.join("models/all-MiniLM-L6-v2/model.f16.safetensors"))?.len();
    wait_stored_whole(&browser, weights)?;
    // The version keeps the one build of the model's WebAssembly that this
    // browser runs (Chromium: relaxed SIMD), not both.
    let kept = browser.execute_async(
        "const done = arguments[arguments.length - 1];
         (async () => {
           const names = (await caches.keys()).filter((n) => n.startsWith('attend-app-'));
           const cache = await caches.open(names[0]);
           return (await cache.keys()).map((r) => new URL(r.url).pathname.split('/').pop());
         })().then(done, (e) => done([String(e)]));",
        vec![],
    )?;
    let kept: Vec<&str> = kept
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    ensure!(
        kept.contains(&"attend-worker-relaxed_bg.wasm") && !kept.contains(&"attend-worker_bg.wasm"),
        "the app cache holds {kept:?}"
    );

    server.stop()?;
    // Really gone: a request past the service worker fails.
    if ureq_get(&url).is_ok() {
        bail!("the server still answers after being stopped");
    }
    browser.refresh()?;
    browser.wait_for(&testid("section-attention"), WAIT)?;
    let ready = browser.wait_for(&testid("model-ready"), WAIT)?;
    let from = browser.text(&ready)?;
    let text = "Offline, the model still answers.";
    type_text(&browser, text)?;
    wait_map(&browser, text, WAIT)?;
    eprintln!("offline: {from}");
    Ok(())
}

fn ureq_get(url: &str) -> Result<()> {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(3))
        .build();
    agent.get(url).call()?;
    Ok(())
}

#[test]
fn a_crash_in_the_page_says_so_and_offers_a_reload() -> Result<()> {
    let browser = Browser::start(1280, 900)?;
    open_app(&browser, "#/attention", "attention")?;
    ensure!(browser.find_all(&testid("crash-banner"))?.is_empty());
    // What the browser delivers when the page's WebAssembly traps (a Rust
    // panic aborts with `unreachable`): an `error` event on the window with
    // the RuntimeError. (Thrown from a WebDriver script it would arrive
    // muted, as "Script error.", so the event is dispatched as the browser
    // would dispatch it.)
    browser.execute(
        "const error = new WebAssembly.RuntimeError('unreachable');
         window.dispatchEvent(new ErrorEvent('error', { error, message: 'RuntimeError: unreachable' }));
         return null;",
        vec![],
    )?;
    let banner = browser.wait_for(&testid("crash-banner"), WAIT)?;
    let text = browser.text(&banner)?;
    ensure!(text.contains("Something broke"), "the banner says {text:?}");
    browser.click(&browser.find(&testid("crash-reload"))?)?;
    browser.wait_for(&testid("section-attention"), WAIT)?;
    ensure!(
        browser.find_all(&testid("crash-banner"))?.is_empty(),
        "the reload did not start the app again"
    );
    Ok(())
}

#[test]
fn stored_models_are_listed_with_sizes_and_can_be_deleted() -> Result<()> {
    let browser = Browser::start(1280, 900)?;
    open_app(&browser, "#/attention", "attention")?;
    browser.wait_for(&testid("model-ready"), WAIT)?;
    let panel = browser.find(&testid("stored-models"))?;
    browser.click(&browser.find(&format!("{} summary", testid("stored-models")))?)?;
    // At least the f16 weights the page loads, at most the whole folder
    // (the list fills in once the worker has stored every file).
    let folder = dist()?.join("models/all-MiniLM-L6-v2");
    let weights = std::fs::metadata(folder.join("model.f16.safetensors"))?.len();
    let mut everything = 0;
    for entry in std::fs::read_dir(&folder)? {
        everything += entry?.metadata()?.len();
    }
    let bytes = wait_stored_whole(&browser, weights)?;
    ensure!(
        bytes <= everything,
        "stored {bytes} bytes; the folder holds {everything}"
    );
    let text = browser.text(&panel)?;
    ensure!(text.contains("MiB"), "no size shown: {text:?}");
    browser.click(&browser.find(&format!("{} button", testid("stored-model")))?)?;
    browser.wait_until("the model gone from the list", WAIT, || {
        let left = browser.find_all(&testid("stored-model"))?;
        Ok(left.is_empty().then_some(()))
    })?;
    // Deleted means downloaded again, not broken: a reload loads it from the
    // network and stores it again.
    browser.refresh()?;
    browser.wait_for(&testid("model-ready"), WAIT)?;
    type_text(&browser, "Stored again.")?;
    wait_map(&browser, "Stored again.", WAIT)?;
    browser.assert_no_console_errors()
}

#[test]
fn a_full_storage_quota_leaves_the_model_working_and_says_it_was_not_stored() -> Result<()> {
    let browser = Browser::start(1280, 900)?;
    let origin = attend_e2e::app_url()?.trim_end_matches('/').to_string();
    // Room for the app's own files (about 6 MB), not for the model's
    // 45 MB of f16 weights.
    browser.limit_storage(&origin, 16 << 20)?;
    open_app(&browser, "#/attention", "attention")?;
    browser.wait_for(&testid("model-ready"), WAIT)?;
    let said = browser.text(&browser.wait_for(&testid("model-not-stored"), WAIT)?)?;
    eprintln!("with a 16 MB quota: {said}");
    ensure!(
        said.contains("model.f16.safetensors") && said.contains("could not be stored"),
        "{said}"
    );
    // The model answers all the same.
    let text = "A full disk costs a download, nothing more.";
    type_text(&browser, text)?;
    wait_map(&browser, text, WAIT)?;
    browser.assert_no_console_errors()
}

/// A copy of the site's top-level files (no models) in a fresh folder.
fn site_copy() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("attend-update-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    for entry in std::fs::read_dir(dist()?)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), dir.join(entry.file_name()))?;
        }
    }
    Ok(dir)
}

/// The names of the app caches the page's origin holds.
fn app_caches(browser: &Browser) -> Result<Vec<String>> {
    let keys = browser.execute_async(
        "const done = arguments[arguments.length - 1];
         caches.keys().then((k) => done(k.filter((n) => n.startsWith('attend-app-'))));",
        vec![],
    )?;
    Ok(keys
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|k| k.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default())
}

#[test]
fn a_new_deploy_installs_whole_and_waits_for_the_readers_reload() -> Result<()> {
    let site = site_copy()?;
    let sw_path = site.join("sw.js");
    let sw = std::fs::read_to_string(&sw_path)?;
    let version = sw
        .lines()
        .find_map(|l| l.strip_prefix("const VERSION = \""))
        .and_then(|rest| rest.strip_suffix("\";"))
        .context("dist/sw.js carries no version: was it built by `cargo xtask build`?")?
        .to_string();
    ensure!(version != "dev", "dist/sw.js was not stamped");
    let server = StoppableServer::start(&site)?;
    let browser = Browser::start(1280, 900)?;
    browser.set_script_timeout(WAIT)?;
    browser.goto(&format!("{}#/welcome", server.url))?;
    browser.wait_for(&testid("section-welcome"), WAIT)?;
    let ready = browser.execute_async(
        "const done = arguments[arguments.length - 1];
         navigator.serviceWorker.ready.then(() => done(true), (e) => done(String(e)));",
        vec![],
    )?;
    ensure!(
        ready == serde_json::Value::Bool(true),
        "no service worker: {ready}"
    );
    browser.refresh()?;
    browser.wait_for(&testid("section-welcome"), WAIT)?;
    ensure!(
        app_caches(&browser)? == vec![format!("attend-app-{version}")],
        "the first version's cache"
    );

    // The next deploy: another version of the files.
    let next = format!("{version}-next");
    std::fs::write(&sw_path, sw.replace(&version, &next))?;
    let update = browser.execute_async(
        "const done = arguments[arguments.length - 1];
         navigator.serviceWorker.getRegistration().then((r) => r.update()).then(() => done(true), (e) => done(String(e)));",
        vec![],
    )?;
    ensure!(
        update == serde_json::Value::Bool(true),
        "update check failed: {update}"
    );
    // Installed whole beside the old one, and offered — not forced.
    browser.wait_for(&testid("update-banner"), WAIT)?;
    let caches = app_caches(&browser)?;
    ensure!(
        caches.contains(&format!("attend-app-{version}"))
            && caches.contains(&format!("attend-app-{next}")),
        "both versions' caches while the reader decides: {caches:?}"
    );
    browser.click(&browser.find(&testid("update-reload"))?)?;
    browser.wait_until(
        "the new version in control, the old cache gone",
        WAIT,
        || {
            if browser.find_all(&testid("section-welcome"))?.is_empty() {
                return Ok(None);
            }
            let caches = app_caches(&browser)?;
            Ok((caches == vec![format!("attend-app-{next}")]).then_some(()))
        },
    )?;
    ensure!(browser.find_all(&testid("update-banner"))?.is_empty());
    server.stop()?;
    std::fs::remove_dir_all(&site)?;
    browser.assert_no_console_errors()
}
