//! Performance marks that any timing harness can read with
//! `performance.getEntriesByName(…)`: when text was typed and when its map
//! was first drawn. (`cargo xtask bench` uses them for keystroke → map
//! latency and for the time to the first map.)

/// `attend-input:<text>`: the text field changed to `text`.
pub fn input(text: &str) {
    mark(&format!("attend-input:{text}"));
}

/// `attend-drawn:<text>`: the map of `text` is on screen (once per text).
pub fn drawn(text: &str) {
    let name = format!("attend-drawn:{text}");
    if let Some(perf) = performance() {
        if perf.get_entries_by_name(&name).length() == 0 {
            let _ = perf.mark(&name);
        }
    }
}

fn mark(name: &str) {
    if let Some(perf) = performance() {
        let _ = perf.mark(name);
    }
}

fn performance() -> Option<web_sys::Performance> {
    web_sys::window()?.performance()
}
