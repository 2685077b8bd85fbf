//! Section: multi-head attention — the same sentence through several
//! toy heads, shown as small multiples, then concatenated and mixed by W_o.

mod prose;
pub mod state;

use crate::components::chart_canvas::ChartCanvas;
use crate::lesson::sentences::default_focus;
use crate::lesson::Section;
use crate::platform::navigation::{self, current_route};
use crate::platform::route::Route;
use crate::platform::section_state::{Notices, SectionState};
use attend_charts::{draw_attention_heatmap, AttentionOptions};
use leptos::prelude::*;
use state::{MultiHeadData, MultiHeadState, D_HEAD, MAX_HEADS, MIN_HEADS};
use std::sync::Arc;

type DataMemo = Memo<Result<Arc<MultiHeadData>, String>>;

/// `data-testid`s of the head charts (they must be `'static`).
const HEAD_IDS: [&str; MAX_HEADS] = [
    "mh-head-0",
    "mh-head-1",
    "mh-head-2",
    "mh-head-3",
    "mh-head-4",
    "mh-head-5",
    "mh-head-6",
    "mh-head-7",
];

#[component]
pub fn MultiHeadSection() -> impl IntoView {
    let section = SectionState::<MultiHeadState>::from_url();
    let (state, notices) = (section.state, section.notices);
    let set_param = move |key: &'static str, value: String| section.set_param(key, value);

    let data: DataMemo = Memo::new(move |_| MultiHeadData::compute(&state.get()).map(Arc::new));
    let heads = Memo::new(move |_| state.get().heads);

    view! {
        <article data-testid="section-multi-head">
            <h1>{Section::MultiHead.heading()}</h1>
            <prose::Intro />
            <div class="controls" role="group" aria-label="Multi-head settings">
                <label class="wide">
                    "Sentence"
                    <input type="text" data-testid="mh-text" maxlength="200"
                        prop:value=move || state.get().text
                        on:change=move |ev| set_param("text", event_target_value(&ev)) />
                </label>
                <label>
                    {format!("Heads ({MIN_HEADS}–{MAX_HEADS})")}
                    <input type="number" min=MIN_HEADS.to_string() max=MAX_HEADS.to_string() step="1" data-testid="mh-heads"
                        prop:value=move || state.get().heads.to_string()
                        on:change=move |ev| set_param("heads", event_target_value(&ev)) />
                </label>
                <label>
                    "Seed"
                    <input type="number" min="0" step="1" data-testid="mh-seed"
                        prop:value=move || state.get().seed.to_string()
                        on:change=move |ev| set_param("seed", event_target_value(&ev)) />
                </label>
                <button data-testid="mh-reseed" on:click=move |_| {
                    let next = crate::lesson::sentences::next_seed(state.get_untracked().seed);
                    set_param("seed", next.to_string());
                }>"Reseed"</button>
                <button data-testid="mh-reset" on:click=move |_| {
                    notices.set(vec![]);
                    navigation::replace(current_route(), Route::new(state::SLUG));
                }>"Reset"</button>
            </div>
            <Notices notices=notices testid="mh-notices" />
            <div data-testid="mh-summary" data-summary=move || summary(data)>
                <p>{move || {
                    let s = state.get();
                    format!(
                        "{} heads, each with its own W_q, W_k, W_v of {}×{D_HEAD}. Every map: rows are queries, columns keys, each row sums to 1.",
                        s.heads, s.d_model()
                    )
                }}</p>
            </div>
            <div class="chart-grid" data-testid="mh-heads-grid">
                {move || {
                    (0..heads.get())
                        .map(|h| {
                            view! {
                                <ChartCanvas
                                    testid=HEAD_IDS[h]
                                    caption="One head's attention weights for the sentence."
                                    draw=move |area| {
                                        let d = data.get()?;
                                        let weights = d
                                            .steps
                                            .per_head
                                            .get(h)
                                            .map(|s| s.weights.data().to_vec())
                                            .ok_or_else(|| "no such head".to_string())?;
                                        let options = AttentionOptions::titled(format!("Head {h}"));
                                        draw_attention_heatmap(area, &d.words, &weights, &options)
                                            .map_err(|e| format!("Could not draw this chart: {e}"))
                                    }
                                    summary=Signal::derive(move || head_summary(data, h))
                                    width_px=520
                                    height_px=480
                                />
                            }
                        })
                        .collect_view()
                }}
            </div>
            <prose::Combine />
            <Diagram state=state data=data />
        </article>
    }
}

fn summary(data: DataMemo) -> String {
    let Ok(d) = data.get() else {
        return "{}".into();
    };
    let focus = default_focus(&d.words);
    let rows: Vec<Vec<f32>> = d
        .steps
        .per_head
        .iter()
        .map(|h| {
            h.weights
                .row(focus)
                .map(<[f32]>::to_vec)
                .unwrap_or_default()
        })
        .collect();
    serde_json::json!({
        "heads": d.steps.per_head.len(),
        "d_head": d.steps.d_k,
        "d_model": d.steps.concat.cols(),
        "tokens": d.words,
        "focus": focus,
        "focus_rows": rows,
        "concat_shape": [d.steps.concat.rows(), d.steps.concat.cols()],
        "output_shape": [d.steps.output.rows(), d.steps.output.cols()],
        "output_focus": d.steps.output.row(focus).map(<[f32]>::to_vec).unwrap_or_default(),
    })
    .to_string()
}

fn head_summary(data: DataMemo, h: usize) -> String {
    let Ok(d) = data.get() else {
        return "{}".into();
    };
    let Some(head) = d.steps.per_head.get(h) else {
        return "{}".into();
    };
    serde_json::json!({
        "head": h,
        "tokens": d.words.len(),
        "row0": head.weights.row(0).map(<[f32]>::to_vec).unwrap_or_default(),
        "row_sums": head.weights.row_sums(),
    })
    .to_string()
}

/// The heads' outputs side by side → × W_o → the layer's output, with the
/// shapes and one word's numbers.
#[component]
fn Diagram(state: Memo<MultiHeadState>, data: DataMemo) -> impl IntoView {
    let block = "display: inline-block; padding: 0.35rem 0.5rem; border-radius: 6px; \
                 border: 1px solid var(--border); background: var(--panel); margin: 0.15rem; \
                 font-size: 0.9rem; text-align: center";
    let arrow = "display: inline-block; margin: 0 0.3rem; font-size: 1.2rem";
    view! {
        <figure data-testid="mh-diagram" style="margin: 1rem 0">
            {move || {
                let s = state.get();
                let n = s.words().len();
                let d_model = s.d_model();
                view! {
                    <div style="display: flex; flex-wrap: wrap; align-items: center; gap: 0.2rem">
                        <div style="display: flex; flex-wrap: wrap; max-width: 100%">
                            {(0..s.heads)
                                .map(|h| view! {
                                    <span style=block>{format!("head {h}")}<br />{format!("{n}×{D_HEAD}")}</span>
                                })
                                .collect_view()}
                        </div>
                        <span style=arrow aria-hidden="true">"→"</span>
                        <span style=block>"concat"<br />{format!("{n}×{d_model}")}</span>
                        <span style=arrow aria-hidden="true">"→"</span>
                        <span style=block>"× W_o"<br />{format!("{d_model}×{d_model}")}</span>
                        <span style=arrow aria-hidden="true">"→"</span>
                        <span style=block>"output"<br />{format!("{n}×{d_model}")}</span>
                    </div>
                }
            }}
            <figcaption data-testid="mh-concat" style="font-size: 0.9rem; margin-top: 0.5rem; overflow-wrap: anywhere">
                {move || {
                    let Ok(d) = data.get() else { return String::new() };
                    let focus = default_focus(&d.words);
                    let parts: Vec<String> = d
                        .steps
                        .per_head
                        .iter()
                        .enumerate()
                        .map(|(h, s)| {
                            let v: Vec<String> = s
                                .output
                                .row(focus)
                                .unwrap_or_default()
                                .iter()
                                .map(|x| format!("{x:.2}"))
                                .collect();
                            format!("head {h}: {}", v.join(" "))
                        })
                        .collect();
                    format!(
                        "For “{}”, the concatenated vector is [{}]; W_o turns it into a new {}-wide vector.",
                        d.words[focus],
                        parts.join(" | "),
                        d.steps.output.cols()
                    )
                }}
            </figcaption>
        </figure>
    }
}
