//! The model worker failing behind the page's back: killed (a crash, the
//! tab reclaiming memory) or stuck (it takes the text and never answers).
//! Either way the page says what happened, starts a new worker, loads the
//! model again and answers — no Retry, no reload, no endless "Updating…".

use anyhow::{ensure, Result};
use attend_e2e::{open_app, testid, type_text, wait_map, Browser};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(120);

/// Keeps a handle on every worker the page starts (the app holds its own
/// privately), so that a test can break one from outside. A worker marked
/// `__stuck` swallows what the page sends it: from the page's side that is
/// exactly a worker caught in a loop.
const WORKER_SPY: &str = "const NativeWorker = window.Worker;
     window.__attendWorkers = [];
     window.Worker = class extends NativeWorker {
       constructor(...args) { super(...args); window.__attendWorkers.push(this); }
       postMessage(...args) { if (!this.__stuck) super.postMessage(...args); }
     };";

fn workers_started(browser: &Browser) -> Result<u64> {
    let n = browser.execute("return window.__attendWorkers.length;", vec![])?;
    Ok(n.as_u64().unwrap_or(0))
}

fn open_with_spy(browser: &Browser, first: &str) -> Result<()> {
    browser.on_new_document(WORKER_SPY)?;
    open_app(browser, "#/attention", "attention")?;
    browser.wait_for(&testid("model-ready"), WAIT)?;
    type_text(browser, first)?;
    wait_map(browser, first, WAIT)
}

#[test]
fn a_worker_that_dies_mid_use_is_replaced_and_the_next_keystroke_answers() -> Result<()> {
    let browser = Browser::start(1280, 900)?;
    open_with_spy(&browser, "Before the crash.")?;
    // What a crash looks like from the page: the worker is gone and its
    // `error` event arrives (as after `RuntimeError: unreachable` inside it).
    let killed = browser.execute(
        "const w = window.__attendWorkers[window.__attendWorkers.length - 1];
         if (!w) return false;
         w.terminate();
         w.dispatchEvent(new ErrorEvent('error', { message: 'Uncaught RuntimeError: unreachable' }));
         return true;",
        vec![],
    )?;
    ensure!(killed == serde_json::Value::Bool(true), "no worker to kill");
    // The next keystrokes get their map from a new worker, with no Retry.
    let text = "After the crash, a new worker answers.";
    type_text(&browser, text)?;
    wait_map(&browser, text, WAIT)?;
    ensure!(workers_started(&browser)? >= 2, "no new worker was started");
    ensure!(browser.find_all(&testid("model-retry"))?.is_empty());
    Ok(())
}

#[test]
fn a_worker_that_stops_answering_is_replaced_within_its_deadline() -> Result<()> {
    let browser = Browser::start(1280, 900)?;
    open_with_spy(&browser, "Before it got stuck.")?;
    let before = workers_started(&browser)?;
    browser.execute(
        "window.__attendWorkers[window.__attendWorkers.length - 1].__stuck = true;",
        vec![],
    )?;
    let text = "A text the stuck worker never answers.";
    let typed = Instant::now();
    type_text(&browser, text)?;
    // The page notices (a sentence on MiniLM has a deadline of about 20 s)
    // and says so while the new worker loads the model again.
    let said = browser.wait_until(
        "the notice of the stuck worker",
        Duration::from_secs(90),
        || {
            let view = browser.text(&browser.find(&testid("attention-view"))?)?;
            Ok(view
                .lines()
                .find(|l| l.contains("did not answer within"))
                .map(str::to_string))
        },
    )?;
    let noticed_s = typed.elapsed().as_secs_f64();
    eprintln!("noticed after {noticed_s:.1} s: {said}");
    ensure!(said.contains("restarted"), "{said}");
    // The text typed into the stuck worker gets its map from the new one,
    // without another keystroke and without Retry.
    wait_map(&browser, text, WAIT)?;
    ensure!(
        workers_started(&browser)? > before,
        "no new worker was started"
    );
    ensure!(browser.find_all(&testid("model-retry"))?.is_empty());
    eprintln!(
        "answered {:.1} s after typing",
        typed.elapsed().as_secs_f64()
    );
    Ok(())
}
