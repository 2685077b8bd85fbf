//! Section: attention on its own cannot see word order — one toy head run
//! on a sentence and on its words shuffled gives every word the same output
//! either way, until position codes are added to the word vectors.

mod prose;
pub mod state;

use crate::components::chart_canvas::{CanvasArea, ChartCanvas};
use crate::lesson::Section;
use crate::platform::navigation::{self, current_route};
use crate::platform::route::Route;
use crate::platform::section_state::{Notices, SectionState};
use attend_charts::{
    draw_bars, draw_matrix_heatmap, AxisSpec, BarSpec, ColorScale, HeatmapSpec, HoverMap,
    Matrix as ChartMatrix,
};
use attend_core::attention::Matrix;
use leptos::prelude::*;
use state::{OrderData, OrderState, D_K};
use std::sync::Arc;

type DataMemo = Memo<Result<Arc<OrderData>, String>>;

#[component]
pub fn OrderSection() -> impl IntoView {
    let section = SectionState::<OrderState>::from_url();
    let (state, notices) = (section.state, section.notices);
    let data: DataMemo = Memo::new(move |_| OrderData::compute(&state.get()).map(Arc::new));
    // Both output charts share one colour range, so equal rows look equal.
    let scale = Memo::new(move |_| match data.get() {
        Ok(d) => {
            let mut all = d.written.output.data().to_vec();
            all.extend_from_slice(d.put_back.data());
            ColorScale::fit(&all)
        }
        Err(_) => ColorScale::new(0.0, 1.0),
    });

    // One summary for the three charts, computed once per change.
    let summary = Memo::new(move |_| summary(&state.get(), data));

    view! {
        <article data-testid="section-order">
            <h1>{Section::Order.heading()}</h1>
            <prose::Intro />
            <div class="controls" role="group" aria-label="Word order settings">
                <label class="wide">
                    "Sentence"
                    <input type="text" data-testid="order-text" maxlength="200"
                        prop:value=move || state.get().text
                        on:change=move |ev| section.set_params(vec![
                            ("text", Some(event_target_value(&ev))), ("order", None),
                        ]) />
                </label>
                <button data-testid="order-shuffle" on:click=move |_| {
                    let next: Vec<String> = state.get_untracked().reshuffled().iter().map(usize::to_string).collect();
                    section.set_param("order", next.join(","));
                }>"Shuffle the words"</button>
                <label class="check">
                    <input type="checkbox" data-testid="order-pe"
                        prop:checked=move || state.get().positions
                        on:change=move |ev| section.set_param("pe", if event_target_checked(&ev) { "1" } else { "0" }.into()) />
                    " Add position codes to the word vectors"
                </label>
                <button data-testid="order-reset" on:click=move |_| {
                    notices.set(vec![]);
                    navigation::replace(current_route(), Route::new(state::SLUG));
                }>"Reset"</button>
            </div>
            <Notices notices=notices testid="order-notices" />
            <p data-testid="order-sentences">{move || sentences(data)}</p>
            <p data-testid="order-facts" aria-live="polite">{move || facts(&state.get(), data)}</p>
            <div class="chart-grid" style="grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr))">
                <ChartCanvas
                    testid="order-written"
                    caption="The head's output for each word of the sentence as written: one row per word, one column per output dimension."
                    draw=move |area| with_data(data, |d| {
                        draw_outputs(area, &d.written.output, row_labels(&d.written.words), "Output, as written", scale.get())
                    })
                    summary=Signal::derive(move || summary.get())
                    width_px=460
                    height_px=340
                />
                <ChartCanvas
                    testid="order-put-back"
                    caption="The output of the shuffled sentence, each row moved back to its word's place in the written one — the same picture when attention cannot see order."
                    draw=move |area| with_data(data, |d| {
                        let written = row_labels(&d.written.words);
                        let s = state.get();
                        // "5 man (shuffled: 2)": where each word stood in the shuffled sentence
                        let mut labels = written.clone();
                        for (at, &from) in s.order.iter().enumerate() {
                            if let Some(l) = labels.get_mut(from) {
                                *l = format!("{} (shuffled: {})", written[from], at + 1);
                            }
                        }
                        draw_outputs(area, &d.put_back, labels, "Output, shuffled, rows put back", scale.get())
                    })
                    summary=Signal::derive(move || summary.get())
                    width_px=460
                    height_px=340
                />
                <ChartCanvas
                    testid="order-differences"
                    caption="For each word, the largest difference between its two outputs. Without position codes only rounding is left (about 10⁻⁷)."
                    draw=move |area| with_data(data, |d| {
                        let mut spec = BarSpec::new(row_labels(&d.written.words), d.differences.clone());
                        spec.caption = Some("Largest |difference| per word".into());
                        spec.y_title = "|difference|".into();
                        spec.value_name = "largest |difference|".into();
                        spec.decimals = 2;
                        spec.unit_range = true;
                        draw_bars(area, &spec).map_err(|e| e.to_string())
                    })
                    summary=Signal::derive(move || summary.get())
                    width_px=460
                    height_px=340
                />
            </div>
            <prose::Why />
        </article>
    }
}

/// "1 the", "2 dog", …: numbered, so the two "the"s can be told apart.
fn row_labels(words: &[String]) -> Vec<String> {
    words
        .iter()
        .enumerate()
        .map(|(i, w)| format!("{} {w}", i + 1))
        .collect()
}

fn draw_outputs(
    area: &CanvasArea,
    output: &Matrix,
    labels: Vec<String>,
    title: &str,
    scale: ColorScale,
) -> Result<HoverMap, String> {
    let matrix = ChartMatrix::new(output.rows(), output.cols(), output.data().to_vec())
        .map_err(|e| e.to_string())?;
    let mut spec = HeatmapSpec::new(matrix);
    spec.x = AxisSpec::new(format!("output dimension (1–{D_K})"), "dimension")
        .with_labels((1..=D_K).map(|i| i.to_string()).collect());
    spec.y = AxisSpec::new("word", "word").with_labels(labels);
    spec.value_name = "output".into();
    spec.scale = scale;
    spec.caption = Some(title.to_string());
    draw_matrix_heatmap(area, &spec).map_err(|e| e.to_string())
}

fn with_data(
    data: DataMemo,
    draw: impl FnOnce(&OrderData) -> Result<HoverMap, String>,
) -> Result<HoverMap, String> {
    let d = data.get()?;
    draw(&d).map_err(|e| format!("Could not draw this chart: {e}"))
}

/// Both sentences, so the reader sees what was shuffled.
fn sentences(data: DataMemo) -> String {
    match data.get() {
        Ok(d) => format!(
            "As written: “{}”. Shuffled: “{}”.",
            d.written.words.join(" "),
            d.shuffled.words.join(" ")
        ),
        Err(e) => e,
    }
}

fn facts(s: &OrderState, data: DataMemo) -> String {
    let Ok(d) = data.get() else {
        return String::new();
    };
    let largest = d.max_difference();
    if s.positions {
        format!(
            "With position codes: the outputs of the same word in the two sentences differ by up to \
             {largest:.2}, and the averages of all outputs by {:.2}. The head now sees where each word stands.",
            d.mean_difference
        )
    } else {
        format!(
            "Without position codes: every word gets the same output in both sentences (largest \
             difference {largest:.1e}, rounding only), and so does the average of all outputs \
             ({:.1e}). To this head both sentences are the same bag of words.",
            d.mean_difference
        )
    }
}

fn summary(s: &OrderState, data: DataMemo) -> String {
    let Ok(d) = data.get() else {
        return "{}".into();
    };
    serde_json::json!({
        "positions": s.positions,
        "order": s.order,
        "written": d.written.words,
        "shuffled": d.shuffled.words,
        "differences": d.differences,
        "max_difference": d.max_difference(),
        "mean_difference": d.mean_difference,
    })
    .to_string()
}
