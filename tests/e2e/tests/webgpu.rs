//! The WebGPU backend in the app, in headless Chromium with
//! `--enable-unsafe-webgpu` (SwiftShader where there is no GPU): a
//! `backend=gpu` link runs the model on WebGPU with the CPU's numbers, the
//! automatic choice follows its calibration, and a lost device falls back
//! to the CPU keeping the text and the view; a worker that crashes while
//! putting the model on the GPU is restarted with the model on the CPU.

use anyhow::{bail, Context, Result};
use attend_e2e::{
    attr_of, choose, open_app, open_table, screenshot_dir, table_cells, testid, type_text, Browser,
};
use std::time::Duration;

/// Loading the model, then putting it on an emulated GPU.
const GPU_WAIT: Duration = Duration::from_secs(300);
const WAIT: Duration = Duration::from_secs(120);

/// Waits until the last result came from `backend` (`cpu` or `gpu`) and
/// shows `text`.
fn wait_backend(browser: &Browser, backend: &str, text: &str, timeout: Duration) -> Result<()> {
    browser.wait_until(
        &format!("a result for {text:?} computed on {backend}"),
        timeout,
        || {
            if browser.find_all(&testid("backend-line"))?.is_empty() {
                return Ok(None);
            }
            let view = browser.find(&testid("attention-view"))?;
            let shown = browser.attr(&view, "data-text")?.unwrap_or_default();
            let ready = browser.attr(&view, "data-ready")?.as_deref() == Some("true");
            let on = attr_of(browser, "backend-line", "data-backend")?;
            Ok((ready && shown == text && on == backend).then_some(()))
        },
    )
}

/// Every cell of the attention table: `(query, key, value)`.
fn table(browser: &Browser) -> Result<Vec<(usize, usize, f64)>> {
    open_table(browser, WAIT)?;
    let cells = table_cells(browser)?;
    if cells.is_empty() {
        bail!("the attention table is empty");
    }
    Ok(cells)
}

/// A tall window with the model panel at the top: the backend, its notices
/// and the map in one picture.
fn screenshot(browser: &Browser, name: &str) -> Result<()> {
    browser.set_window_size(1280, 1900)?;
    let panel = browser.find(&testid("model-panel"))?;
    browser.execute(
        "arguments[0].scrollIntoView({block: 'start'})",
        vec![panel.to_json()],
    )?;
    browser.screenshot(&screenshot_dir().join(name))?;
    browser.set_window_size(1280, 1000)
}

fn open_details(browser: &Browser) -> Result<()> {
    browser.execute(
        "document.querySelector('.backend-details').open = true;",
        vec![],
    )?;
    Ok(())
}

/// A WebGPU browser on the attention section at `link` (which names
/// `backend=gpu`), once `text` has been computed on WebGPU; the backend
/// details are open.
fn open_on_webgpu(link: &str, text: &str) -> Result<Browser> {
    let browser = Browser::start_with_webgpu(1280, 1000)?;
    open_app(&browser, link, "attention")?;
    wait_backend(&browser, "gpu", text, GPU_WAIT)?;
    open_details(&browser)?;
    Ok(browser)
}

#[test]
fn a_backend_gpu_link_runs_on_webgpu_with_the_cpus_numbers() -> Result<()> {
    let text = "The cat sat on the mat.";
    let browser = open_on_webgpu(
        "#/attention?text=The%20cat%20sat%20on%20the%20mat.&layer=2&head=3&backend=gpu",
        text,
    )?;
    let state = browser.text(&browser.find(&testid("gpu-state"))?)?;
    let line = browser.text(&browser.find(&testid("backend-line"))?)?;
    println!("{state}\n{line}");
    if !state.contains("ready on") || !line.contains("WebGPU on") || !line.contains(" ms") {
        bail!("the backend is not shown: {state:?} / {line:?}");
    }
    let on_gpu = table(&browser)?;
    screenshot(&browser, "attention-backend-gpu.png")?;

    choose(&browser, "backend-choice", "cpu")?;
    wait_backend(&browser, "cpu", text, WAIT)?;
    let on_cpu = table(&browser)?;
    if on_gpu.len() != on_cpu.len() {
        bail!(
            "{} cells on WebGPU, {} on the CPU",
            on_gpu.len(),
            on_cpu.len()
        );
    }
    let mut worst = 0.0f64;
    for (g, c) in on_gpu.iter().zip(&on_cpu) {
        if (g.0, g.1) != (c.0, c.1) || !g.2.is_finite() {
            bail!("cells differ: {g:?} vs {c:?}");
        }
        worst = worst.max((g.2 - c.2).abs());
    }
    println!(
        "layer 2 head 3, {} cells: WebGPU vs CPU max |Δ| {worst:.2e}",
        on_gpu.len()
    );
    if worst > 1e-4 {
        bail!("WebGPU and CPU attentions differ by {worst:e}");
    }
    // Picking in settings rewrites the link's backend, so it reopens the same way.
    let url = browser.current_url()?;
    if !url.contains("backend=cpu") {
        bail!("the link still names the old backend: {url}");
    }
    Ok(())
}

#[test]
fn a_lost_gpu_falls_back_to_the_cpu_keeping_text_and_view() -> Result<()> {
    let browser = open_on_webgpu(
        "#/attention?text=Dogs%20chase%20cats.&view=lines&layer=4&head=7&backend=gpu",
        "Dogs chase cats.",
    )?;
    browser.click(&browser.find(&testid("backend-simulate-loss"))?)?;
    browser.wait_until("the loss to be acknowledged", WAIT, || {
        let notices = browser.find_all(&testid("backend-notice"))?;
        match notices.first() {
            Some(n) => Ok(browser.text(n)?.contains("destroyed").then_some(())),
            None => Ok(None),
        }
    })?;

    // The next run finds the device lost and moves to the CPU.
    let second = "Cats chase dogs.";
    type_text(&browser, second)?;
    wait_backend(&browser, "cpu", second, WAIT)?;
    let notice = browser.text(&browser.find(&testid("backend-notice"))?)?;
    println!("notice: {notice}");
    if !notice.contains("switched to the CPU") || !notice.contains("device was lost") {
        bail!("no fallback notice: {notice:?}");
    }
    if attr_of(&browser, "backend-line", "data-gpu")? != "failed" {
        bail!("WebGPU is not marked as failed");
    }
    // The reader's text and view are kept.
    let input = browser.find(&testid("attention-text"))?;
    let typed = browser
        .execute("return arguments[0].value;", vec![input.to_json()])?
        .as_str()
        .unwrap_or_default()
        .to_string();
    let url = browser.current_url()?;
    println!("after the fallback: text {typed:?}, link {url}");
    if typed != second {
        bail!("the text changed to {typed:?}");
    }
    for kept in ["view=lines", "layer=4", "head=7", "backend=gpu"] {
        if !url.contains(kept) {
            bail!("the view lost {kept}: {url}");
        }
    }
    screenshot(&browser, "attention-gpu-lost.png")?;

    // It stays on the CPU for later inputs.
    let third = "Birds sing.";
    type_text(&browser, third)?;
    wait_backend(&browser, "cpu", third, WAIT)?;
    Ok(())
}

#[test]
fn the_automatic_choice_uses_the_faster_backend_it_measured() -> Result<()> {
    let browser = Browser::start_with_webgpu(1280, 1000)?;
    let text = "Time flies like an arrow.";
    // A bad backend name gets a notice and the automatic choice.
    open_app(
        &browser,
        "#/attention?text=Time%20flies%20like%20an%20arrow.&backend=webgl",
        "attention",
    )?;
    let notice = browser.wait_for(&testid("backend-notice"), GPU_WAIT)?;
    let notice = browser.text(&notice)?;
    if !notice.contains("not auto, cpu or gpu") {
        bail!("unexpected notice {notice:?}");
    }
    wait_backend(&browser, "cpu", text, GPU_WAIT)?;
    open_details(&browser)?;
    let row = "[data-testid=calibration] tr[data-max-tokens='16']";
    browser.wait_for(row, GPU_WAIT)?;
    let row = browser.find(row)?;
    let number = |name: &str| -> Result<f64> {
        browser
            .attr(&row, name)?
            .unwrap_or_default()
            .parse::<f64>()
            .with_context(|| format!("{name} is not a number"))
    };
    let (cpu_ms, gpu_ms) = (number("data-cpu-ms")?, number("data-gpu-ms")?);
    let winner = browser.attr(&row, "data-winner")?.unwrap_or_default();
    println!("calibration ≤16 tokens: CPU {cpu_ms:.1} ms, WebGPU {gpu_ms:.1} ms → {winner}");
    let expected = if gpu_ms < cpu_ms { "gpu" } else { "cpu" };
    if winner != expected || cpu_ms <= 0.0 || gpu_ms <= 0.0 {
        bail!("winner {winner} for CPU {cpu_ms} ms vs WebGPU {gpu_ms} ms");
    }
    // Another short input runs where the calibration says.
    let next = "Fruit flies like a banana.";
    type_text(&browser, next)?;
    wait_backend(&browser, expected, next, WAIT)?;
    screenshot(&browser, "attention-calibration.png")?;
    Ok(())
}

#[test]
fn a_worker_that_crashes_putting_the_model_on_the_gpu_restarts_on_the_cpu() -> Result<()> {
    let browser = Browser::start_with_webgpu(1280, 1000)?;
    // The first worker dies just after it says it is uploading the weights
    // to the GPU — what a driver or out-of-memory crash in the upload looks
    // like from the page. Later workers are left alone.
    browser.on_new_document(
        "const NativeWorker = window.Worker;
         window.__attendWorkers = [];
         window.Worker = class extends NativeWorker {
           constructor(...args) {
             super(...args);
             window.__attendWorkers.push(this);
             if (window.__attendWorkers.length !== 1) return;
             this.addEventListener('message', (event) => {
               const header = Array.isArray(event.data) ? event.data[0] : '';
               if (typeof header === 'string' && header.includes('\"state\":\"starting\"')) {
                 setTimeout(() => {
                   this.terminate();
                   this.dispatchEvent(new ErrorEvent('error', { message: 'Uncaught RuntimeError: unreachable' }));
                 }, 0);
               }
             });
           }
         };",
    )?;
    let text = "The upload crashed, the CPU answers.";
    open_app(
        &browser,
        "#/attention?text=The%20upload%20crashed%2C%20the%20CPU%20answers.",
        "attention",
    )?;
    wait_backend(&browser, "cpu", text, GPU_WAIT)?;
    let notice = browser.text(&browser.wait_for(&testid("backend-notice"), WAIT)?)?;
    open_details(&browser)?;
    let state = browser.wait_until("the GPU state of the new worker", WAIT, || {
        let state = browser.text(&browser.find(&testid("gpu-state"))?)?;
        Ok(state.contains("not available").then_some(state))
    })?;
    println!("notice: {notice}\nstate: {state}");
    if !notice.contains("crashed while WebGPU was in use") || !state.contains("off for this visit")
    {
        bail!("the fallback is not explained: {notice:?} / {state:?}");
    }
    // One restart, no loop, no Retry: the second worker never touched the GPU.
    let workers = browser.execute("return window.__attendWorkers.length;", vec![])?;
    if workers.as_u64() != Some(2) {
        bail!("{workers} workers were started, not 2");
    }
    if !browser.find_all(&testid("model-retry"))?.is_empty() {
        bail!("the page asks for Retry");
    }
    let next = "Later texts stay on the CPU.";
    type_text(&browser, next)?;
    wait_backend(&browser, "cpu", next, WAIT)?;
    Ok(())
}
