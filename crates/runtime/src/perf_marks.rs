//! Performance marks that any timing harness can read with
//! `performance.getEntriesByName(…)`, one per step of a keystroke's way to
//! the screen: the text changed, its run went to the worker, the result came
//! back, the map was drawn, and the frame that shows it began.
//! (`cargo xtask bench` splits keystroke → map latency with them.)

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Texts whose marks are kept: the timeline would otherwise grow by five
/// marks (each naming its text) with every keystroke for as long as the
/// page is open. A harness reads a text's marks right after its map.
const KEPT_TEXTS: usize = 32;

/// The steps each text is marked at.
const STEPS: [&str; 5] = ["input", "request", "result", "drawn", "painted"];

thread_local! {
    static MARKED: std::cell::RefCell<std::collections::VecDeque<String>> =
        const { std::cell::RefCell::new(std::collections::VecDeque::new()) };
}

/// `attend-input:<text>`: the text field changed to `text`. (Counted among
/// the kept texts here too: with fast typing most texts are never run.)
pub fn input(text: &str) {
    forget_old_texts(text);
    mark(&format!("attend-input:{text}"));
}

/// Forgets the marks of texts older than the last [`KEPT_TEXTS`] run.
fn forget_old_texts(text: &str) {
    let dropped = MARKED.with(|marked| {
        let mut marked = marked.borrow_mut();
        if marked.iter().any(|t| t == text) {
            return None;
        }
        marked.push_back(text.to_string());
        (marked.len() > KEPT_TEXTS)
            .then(|| marked.pop_front())
            .flatten()
    });
    if let (Some(old), Some(perf)) = (dropped, performance()) {
        for step in STEPS {
            perf.clear_marks_with_mark_name(&format!("attend-{step}:{old}"));
        }
    }
}

/// `attend-request:<text>`: the run of `text` was posted to the worker.
pub fn request(text: &str) {
    forget_old_texts(text);
    mark(&format!("attend-request:{text}"));
}

/// `attend-result:<text>`: the worker's answer for `text` arrived.
pub fn result(text: &str) {
    mark(&format!("attend-result:{text}"));
}

/// `attend-drawn:<text>`: the map of `text` is on the canvas (once per
/// text); then `attend-painted:<text>` at the start of the next animation
/// frame, the one that puts it on screen.
pub fn drawn(text: &str) {
    let name = format!("attend-drawn:{text}");
    let Some(perf) = performance() else { return };
    if perf.get_entries_by_name(&name).length() > 0 {
        return;
    }
    mark(&name);
    let painted = format!("attend-painted:{text}");
    let callback = Closure::once_into_js(move || mark(&painted));
    if let Some(window) = web_sys::window() {
        if let Err(e) = window.request_animation_frame(callback.unchecked_ref()) {
            web_sys::console::warn_2(&"Attend: no animation frame for a mark".into(), &e);
        }
    }
}

fn mark(name: &str) {
    let Some(perf) = performance() else { return };
    // Marks exist for timing harnesses only; a browser that refuses one
    // (none we know of) costs the reader nothing.
    if let Err(e) = perf.mark(name) {
        web_sys::console::warn_2(&"Attend: a performance mark failed".into(), &e);
    }
}

fn performance() -> Option<web_sys::Performance> {
    web_sys::window()?.performance()
}
