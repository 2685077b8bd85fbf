//! The app mounted in a real browser page (wasm-bindgen-test, headless Chromium).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Lets effects and the scheduler run.
async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 50);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn summary(testid: &str) -> serde_json::Value {
    let el = document()
        .query_selector(&format!("[data-testid=\"{testid}\"]"))
        .unwrap()
        .unwrap_or_else(|| panic!("{testid} is not on the page"));
    serde_json::from_str(&el.get_attribute("data-summary").unwrap_or_default()).unwrap()
}

#[wasm_bindgen_test]
async fn mounts_the_section_named_in_the_hash_and_follows_it() {
    let window = web_sys::window().unwrap();
    window
        .location()
        .set_hash("#/positional?len=8&d=4&pos=1")
        .unwrap();
    leptos::mount::mount_to_body(attend_app::App);
    settle().await;

    let toc = document()
        .query_selector_all("[data-testid=toc] a")
        .unwrap();
    assert!(
        toc.length() >= 2,
        "the table of contents lists the sections"
    );
    let heat = summary("pe-heatmap");
    assert_eq!(heat["rows"], 8);
    assert_eq!(heat["cols"], 4);
    // PE[1][0] = sin(1), computed in the browser
    assert!((heat["pe_1_0"].as_f64().unwrap() - 1f64.sin()).abs() < 1e-6);

    // A hand-edited hash is followed.
    window
        .location()
        .set_hash("#/positional?len=16&d=6")
        .unwrap();
    let mut rows = serde_json::Value::Null;
    for _ in 0..40 {
        settle().await;
        rows = summary("pe-heatmap")["rows"].clone();
        if rows == 16 {
            break;
        }
    }
    assert_eq!(rows, 16);

    // → moves to the next section (after the welcome: why Transformers); the
    // keyboard event goes to the window.
    window.location().set_hash("#/welcome").unwrap();
    settle().await;
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("ArrowRight");
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    window.dispatch_event(ev.unchecked_ref()).unwrap();
    settle().await;
    let main = document()
        .query_selector("[data-testid=main]")
        .unwrap()
        .unwrap();
    assert_eq!(main.get_attribute("data-section").as_deref(), Some("why"));
}
