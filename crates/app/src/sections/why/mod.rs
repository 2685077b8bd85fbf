//! Why Transformers: an RNN relays one hidden state word by word; a
//! Transformer connects every word with every other in one step. Play,
//! step and reset the two side by side; the arcs can come from a real head.

mod examples;
mod prose;
pub mod state;

use crate::components::chart_canvas::ChartCanvas;
use crate::components::model_badge::ModelBadge;
use crate::lesson::Section;
use crate::platform::section_state::{Notices, SectionState};
use crate::state::model_store::ModelStore;
use attend_charts::{
    draw_attention_arcs, draw_rnn_flow, rnn_retention, ArcSpec, ArcsSpec, RnnFlowSpec,
};
use examples::{strongest_links, EXAMPLES, KINDS};
use leptos::prelude::*;
use state::{ArcSource, WhyState};

/// A real head's tokens and each one's strongest link (from, to, weight).
type ModelArcs = (Vec<String>, Vec<(usize, usize, f32)>);

/// Time between two words while playing.
const PLAY_INTERVAL_MS: u64 = 800;

#[component]
pub fn WhySection() -> impl IntoView {
    let section = SectionState::<WhyState>::from_url();
    let (state, notices) = (section.state, section.notices);
    let store = ModelStore::get();
    let playing = RwSignal::new(false);

    // Playing: one word per tick until the sentence is read.
    let timer = StoredValue::new(None::<IntervalHandle>);
    Effect::new(move |_| {
        if let Some(handle) = timer.get_value() {
            handle.clear();
            timer.set_value(None);
        }
        if !playing.get() {
            return;
        }
        let handle = set_interval_with_handle(
            move || {
                let s = state.get_untracked();
                let n = s.example().words().len();
                if s.step >= n {
                    playing.set(false);
                } else {
                    section.set_param("step", (s.step + 1).to_string());
                }
            },
            std::time::Duration::from_millis(PLAY_INTERVAL_MS),
        )
        .ok();
        timer.set_value(handle);
    });
    on_cleanup(move || {
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
    });

    // A link (or the toggle) asking for a real head loads the model.
    Effect::new(move |_| {
        if state.get().arcs == ArcSource::Model {
            store.load_default_if_idle();
        }
    });
    Effect::new(move |_| {
        let s = state.get();
        if s.arcs == ArcSource::Model && store.is_ready() {
            store.request(s.example().text, None);
        }
    });
    // Model-sourced arcs, or why there are none yet.
    let model_arcs = Memo::new(move |_| {
        let s = state.get();
        if s.arcs != ArcSource::Model {
            return Err(String::new());
        }
        let info = store
            .info()
            .ok_or("Load the model to draw a real head's arcs.")?;
        if s.layer >= info.layers || s.head >= info.heads {
            return Err(format!(
                "This model has {} layers × {} heads, counted from 0; choose layer 0–{} and head 0–{}.",
                info.layers, info.heads, info.layers.saturating_sub(1), info.heads.saturating_sub(1)
            ));
        }
        let result = store
            .result_for(s.example().text, None)
            .ok_or("The model is reading the sentence…")?;
        let (tokens, links) = strongest_links(&result.meta.tokens, result.head(s.layer, s.head));
        Ok((tokens, links))
    });

    let n_words = Memo::new(move |_| state.get().example().words().len());

    view! {
        <article data-testid="section-why">
            <h1>{Section::Why.heading()}</h1>
            <prose::Intro />
            <div class="controls" role="group" aria-label="Animation">
                <label>
                    "Sentence"
                    <select data-testid="why-example"
                        on:change=move |ev| { playing.set(false); section.set_params(vec![("example", Some(event_target_value(&ev))), ("step", None)]) }>
                        {EXAMPLES.iter().map(|e| view! {
                            <option value=e.slug selected=move || state.get().example == e.slug>{e.text}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button data-testid="why-play" aria-pressed=move || playing.get().to_string()
                    on:click=move |_| {
                        if !playing.get_untracked() && state.get_untracked().step >= n_words.get_untracked() {
                            section.set_param("step", "0".into());
                        }
                        playing.update(|p| *p = !*p);
                    }>
                    {move || if playing.get() { "Pause" } else { "Play" }}
                </button>
                <button data-testid="why-step" disabled=move || { state.get().step >= n_words.get() }
                    on:click=move |_| { playing.set(false); section.set_param("step", (state.get_untracked().step + 1).to_string()) }>
                    "Step"
                </button>
                <button data-testid="why-reset"
                    on:click=move |_| { playing.set(false); section.set_param("step", "0".into()) }>
                    "Reset"
                </button>
                <label>
                    "Memory kept per step"
                    <input type="range" min="0" max="1" step="0.05" data-testid="why-keep"
                        prop:value=move || state.get().keep.to_string()
                        on:input=move |ev| section.set_param("keep", event_target_value(&ev)) />
                </label>
            </div>
            <Notices notices=notices testid="why-notices" />
            <p data-testid="why-status" data-step=move || state.get().step data-words=move || n_words.get()
                data-first-share=move || first_share(&state.get())>
                {move || {
                    let s = state.get();
                    let n = n_words.get();
                    match s.step {
                        0 => format!("Not started. The RNN will need {n} steps, one per word; the Transformer needs one."),
                        k if k < n => format!(
                            "RNN: step {k} of {n}; in this illustrative decay model {:.0}% of its memory is still about the first word. Transformer: finished after step 1.",
                            first_share(&s) * 100.0
                        ),
                        _ => format!(
                            "Both have read the sentence: the RNN in {n} steps (in this illustrative decay model the first word is down to {:.1}% of its memory), the Transformer in one.",
                            first_share(&s) * 100.0
                        ),
                    }
                }}
            </p>
            <div class="chart-grid">
                <ChartCanvas
                    testid="why-rnn"
                    caption="RNN: one hidden state h passed along; the coloured bars show how much of each word it still holds, in an illustrative decay model (not a trained RNN). Hover a state for its numbers."
                    draw=move |area| {
                        let s = state.get();
                        let spec = RnnFlowSpec { tokens: s.example().words(), step: s.step, retention: s.keep as f32 };
                        draw_rnn_flow(area, &spec).map_err(|e| format!("Could not draw this chart: {e}"))
                    }
                    summary=Signal::derive(move || {
                        let s = state.get();
                        serde_json::json!({
                            "step": s.step,
                            "retention": rnn_retention(n_words.get(), s.step, s.keep as f32),
                        }).to_string()
                    })
                    width_px=720
                    height_px=360
                />
                <ChartCanvas
                    testid="why-transformer"
                    caption="Transformer: every word linked directly to the words that matter to it, all at once. The hand-drawn links and their strengths are illustrative; tick “real head” below for a trained model's. Hover a word for its strongest link."
                    draw=move |area| {
                        let s = state.get();
                        let spec = arcs_spec(&s, &model_arcs.get());
                        draw_attention_arcs(area, &spec).map_err(|e| format!("Could not draw this chart: {e}"))
                    }
                    summary=Signal::derive(move || {
                        let s = state.get();
                        let spec = arcs_spec(&s, &model_arcs.get());
                        serde_json::json!({
                            "source": if s.arcs == ArcSource::Model && model_arcs.with(Result::is_ok) { "model" } else { "relations" },
                            "tokens": spec.tokens,
                            "revealed": spec.revealed,
                            "arcs": spec.arcs.iter().map(|a| (a.from, a.to, a.weight)).collect::<Vec<_>>(),
                        }).to_string()
                    })
                    width_px=720
                    height_px=360
                />
            </div>
            <div class="controls" role="group" aria-label="Where the arcs come from">
                <label class="check">
                    <input type="checkbox" data-testid="why-real-head"
                        prop:checked=move || state.get().arcs == ArcSource::Model
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            section.set_param("arcs", if on { "model" } else { "relations" }.into());
                        } />
                    "Draw the arcs from a real head of the model"
                </label>
                <Show when=move || state.get().arcs == ArcSource::Model>
                    <label>
                        "Layer (from 0)"
                        <input type="number" min="0" data-testid="why-layer" title=crate::lesson::layer_head::NUMBERING
                            prop:value=move || state.get().layer.to_string()
                            on:change=move |ev| section.set_param("layer", event_target_value(&ev)) />
                    </label>
                    <label>
                        "Head (from 0)"
                        <input type="number" min="0" data-testid="why-head" title=crate::lesson::layer_head::NUMBERING
                            prop:value=move || state.get().head.to_string()
                            on:change=move |ev| section.set_param("head", event_target_value(&ev)) />
                    </label>
                </Show>
            </div>
            <Show when=move || state.get().arcs == ArcSource::Model>
                <ModelBadge testid="why-model" what="a real head's arcs" />
                <p class="updating" data-testid="why-model-note">{move || model_arcs.get().err()}</p>
            </Show>
            <prose::Analogies />
        </article>
    }
}

/// Share of the first word in the newest hidden state (0 before any).
fn first_share(s: &WhyState) -> f32 {
    rnn_retention(s.example().words().len(), s.step, s.keep as f32)
        .last()
        .and_then(|row| row.first().copied())
        .unwrap_or(0.0)
}

/// The arcs to draw: none before the first step (nothing has been read),
/// then all of them at once — the Transformer's single parallel step.
fn arcs_spec(s: &WhyState, model: &Result<ModelArcs, String>) -> ArcsSpec {
    let (tokens, arcs, kinds): (Vec<String>, Vec<ArcSpec>, Vec<String>) = match (s.arcs, model) {
        (ArcSource::Model, Ok((tokens, links))) => (
            tokens.clone(),
            links
                .iter()
                .map(|&(from, to, weight)| ArcSpec {
                    from,
                    to,
                    weight,
                    kind: 0,
                })
                .collect(),
            vec![format!("strongest link, layer {} head {}", s.layer, s.head)],
        ),
        _ => {
            let e = s.example();
            (
                e.words(),
                e.links
                    .iter()
                    .map(|&(from, to, weight, kind)| ArcSpec {
                        from,
                        to,
                        weight,
                        kind,
                    })
                    .collect(),
                KINDS.iter().map(|k| k.to_string()).collect(),
            )
        }
    };
    let revealed: usize = if s.step == 0 { 0 } else { arcs.len() };
    ArcsSpec {
        tokens,
        arcs,
        kinds,
        revealed,
    }
}
