//! Saving what is on screen: PNG and SVG of the chart, CSV and JSON of the
//! matrix.

use super::state::{AttentionState, View};
use super::views::{displayed_for, draw_view};
use crate::state::model_store::ModelStore;
use leptos::prelude::*;
use plotters::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn ExportButtons(state: Memo<AttentionState>) -> impl IntoView {
    let store = ModelStore::get();
    let message = RwSignal::new(None::<String>);
    let run = move |format: &'static str| {
        let s = state.get_untracked();
        let Some(r) = store.result_for(&s.text, s.pair.as_deref()) else {
            message.set(Some(
                "Nothing to export yet: the model is still working.".into(),
            ));
            return;
        };
        let stem = format!("attention-{}-L{}-H{}", s.view.slug(), s.layer, s.head);
        let outcome = match format {
            "png" => png_url().map(|url| (url, None)),
            "svg" => {
                svg_text(&s, &r, store).map(|text| (String::new(), Some((text, "image/svg+xml"))))
            }
            "csv" => matrix_csv(&s, &r).map(|text| (String::new(), Some((text, "text/csv")))),
            _ => matrix_json(&s, &r).map(|text| (String::new(), Some((text, "application/json")))),
        };
        let file = format!("{stem}.{format}");
        match outcome.and_then(|(url, body)| match body {
            Some((text, mime)) => download_text(&file, &text, mime),
            None => download_url(&file, &url),
        }) {
            Ok(()) => message.set(Some(format!("Saved {file}"))),
            Err(e) => message.set(Some(format!("Export failed: {e}"))),
        }
    };
    view! {
        <div class="export" role="group" aria-label="Export">
            <span>"Export:"</span>
            <button data-testid="export-png" on:click=move |_| run("png")>"PNG"</button>
            <button data-testid="export-svg" on:click=move |_| run("svg")>"SVG"</button>
            <button data-testid="export-csv" on:click=move |_| run("csv")>"CSV"</button>
            <button data-testid="export-json" on:click=move |_| run("json")>"JSON"</button>
            {move || message.get().map(|m| view! { <span class="export-message" data-testid="export-message">{m}</span> })}
        </div>
    }
}

fn png_url() -> Result<String, String> {
    let canvas = document()
        .query_selector("[data-testid=attention-chart]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        .ok_or("the chart is not on the page")?;
    canvas
        .to_data_url()
        .map_err(|_| "the browser refused to encode the picture".to_string())
}

/// The same chart drawn again on plotters' SVG backend.
fn svg_text(
    s: &AttentionState,
    r: &attend_runtime::client::AttentionResult,
    store: ModelStore,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (900, 720)).into_drawing_area();
        area.fill(&WHITE).map_err(|e| e.to_string())?;
        draw_view(&area, s, r, None, store)?;
        area.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

fn single_matrix(s: &AttentionState) -> AttentionState {
    let view = if matches!(s.view, View::Mean | View::Rollout) {
        s.view
    } else {
        View::Heatmap
    };
    AttentionState { view, ..s.clone() }
}

fn matrix_csv(
    s: &AttentionState,
    r: &attend_runtime::client::AttentionResult,
) -> Result<String, String> {
    let d = displayed_for(&single_matrix(s), r)?;
    Ok(csv_of(&d.tokens, &d.weights))
}

/// The `T × T` matrix as CSV: a header row of key tokens, then one row per
/// query token. Tokens are user text, so each is a [`csv_text_cell`].
fn csv_of(tokens: &[String], weights: &[f32]) -> String {
    let t = tokens.len();
    let mut out = String::from("query\\key");
    for tok in tokens {
        out.push(',');
        out.push_str(&csv_text_cell(tok));
    }
    out.push('\n');
    for (q, tok) in tokens.iter().enumerate() {
        out.push_str(&csv_text_cell(tok));
        for w in weights.iter().skip(q * t).take(t) {
            out.push(',');
            out.push_str(&w.to_string());
        }
        out.push('\n');
    }
    out
}

/// A quoted CSV cell for text. A cell that starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return would be run as a formula by spreadsheet
/// programs (tokens such as `=` and `+` are common), so it gets a leading
/// apostrophe, which they show as plain text.
fn csv_text_cell(text: &str) -> String {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let escaped = text.replace('"', "\"\"");
    if formula {
        format!("\"'{escaped}\"")
    } else {
        format!("\"{escaped}\"")
    }
}

fn matrix_json(
    s: &AttentionState,
    r: &attend_runtime::client::AttentionResult,
) -> Result<String, String> {
    let d = displayed_for(&single_matrix(s), r)?;
    let t = d.tokens.len();
    let rows: Vec<&[f32]> = (0..t).map(|q| &d.weights[q * t..(q + 1) * t]).collect();
    Ok(serde_json::json!({
        "text": r.text, "pair": r.pair, "title": d.title, "layer": s.layer, "head": s.head,
        "hide_special": s.hide_special, "tokens": d.tokens, "token_indices": d.kept, "attention": rows,
    })
    .to_string())
}

fn download_text(file: &str, text: &str, mime: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not build the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "no object URL")?;
    let result = download_url(file, &url);
    // The download reads the URL after the click returns; free it later.
    set_timeout(
        move || {
            attend_runtime::report::warn_on_err(
                "releasing the download link",
                web_sys::Url::revoke_object_url(&url),
            );
        },
        std::time::Duration::from_secs(10),
    );
    result
}

fn download_url(file: &str, url: &str) -> Result<(), String> {
    let a: web_sys::HtmlAnchorElement = document()
        .create_element("a")
        .map_err(|_| "no document")?
        .unchecked_into();
    a.set_href(url);
    a.set_download(file);
    a.click();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_tokens_are_neutralised() {
        assert_eq!(csv_text_cell("cat"), "\"cat\"");
        assert_eq!(csv_text_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        for risky in ["=", "+", "-", "@", "=HYPERLINK(\"x\")", "\tx", "\rx"] {
            let cell = csv_text_cell(risky);
            assert!(cell.starts_with("\"'"), "{risky:?} → {cell}");
        }
        // Only the start matters.
        assert_eq!(csv_text_cell("a=b"), "\"a=b\"");
    }

    #[test]
    fn the_csv_has_a_header_and_one_row_per_query() {
        let tokens = ["[CLS]", "=", "[SEP]"].map(String::from);
        let weights = [0.5, 0.25, 0.25, 0.0, 1.0, 0.0, 0.1, 0.2, 0.7];
        let csv = csv_of(&tokens, &weights);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], "query\\key,\"[CLS]\",\"'=\",\"[SEP]\"");
        assert_eq!(lines[2], "\"'=\",0,1,0");
        assert_eq!(lines[3], "\"[SEP]\",0.1,0.2,0.7");
    }
}
