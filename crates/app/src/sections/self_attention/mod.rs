//! Section: self-attention step by step — one word's query against every
//! key, the softmax, and the weighted sum of the values, with seeded toy
//! weights and the numbers behind every bar.

mod prose;
pub mod state;

use crate::components::chart_canvas::ChartCanvas;
use crate::lesson::Section;
use crate::platform::navigation::{self, current_route};
use crate::platform::route::Route;
use crate::platform::section_state::{Notices, SectionState};
use attend_charts::{BarSpec, HoverMap, StackedSpec};
use leptos::prelude::*;
use state::{SelfAttentionData, SelfAttentionState, D_MODEL};
use std::sync::Arc;

type DataMemo = Memo<Result<Arc<SelfAttentionData>, String>>;

#[component]
pub fn SelfAttentionSection() -> impl IntoView {
    let section = SectionState::<SelfAttentionState>::from_url();
    let (state, notices) = (section.state, section.notices);
    // Controls change the link; `None` drops a key so its default applies.
    let update = move |changes: Vec<(&'static str, Option<String>)>| section.set_params(changes);

    let store = crate::state::model_store::ModelStore::get();
    // The real model's Q, K, V when asked for: load it, then ask for the
    // chosen layer (the worker computes the Q, K, V of one layer per run).
    Effect::new(move |_| {
        let s = state.get();
        let Some((layer, _)) = s.model_head else {
            return;
        };
        store.load_default_if_idle();
        if store.is_ready() {
            store.request_qkv(&s.text, layer);
        }
    });
    let data: DataMemo = Memo::new(move |_| {
        let s = state.get();
        let Some((layer, head)) = s.model_head else {
            return SelfAttentionData::compute(&s).map(Arc::new);
        };
        let info = store
            .info()
            .ok_or("Loading the model for its real queries, keys and values…")?;
        if layer >= info.layers || head >= info.heads {
            return Err(format!(
                "This model has {} layers × {} heads, counted from 0; choose layer 0–{} and head 0–{}.",
                info.layers, info.heads, info.layers.saturating_sub(1), info.heads.saturating_sub(1)
            ));
        }
        let result = store
            .result_with_qkv(&s.text, layer)
            .ok_or("The model is computing this layer's queries, keys and values…")?;
        let qkv = result
            .qkv
            .as_ref()
            .ok_or("no queries, keys and values in the result")?;
        SelfAttentionData::from_model(
            &s.words(),
            &result.meta.tokens,
            s.focus,
            qkv.head(&qkv.q, head),
            qkv.head(&qkv.k, head),
            qkv.head(&qkv.v, head),
        )
        .map(Arc::new)
    });

    view! {
        <article data-testid="section-self-attention">
            <h1>{Section::SelfAttention.heading()}</h1>
            <prose::Intro />
            <div class="controls" role="group" aria-label="Self-attention settings">
                <label class="wide">
                    "Sentence"
                    <input type="text" data-testid="sa-text" maxlength="200"
                        prop:value=move || state.get().text
                        on:change=move |ev| update(vec![("text", Some(event_target_value(&ev))), ("focus", None)]) />
                </label>
                <div class="wide">
                    <span class="muted">"Focus word (whose query we follow): "</span>
                    <div role="group" aria-label="Focus word" data-testid="sa-tokens"
                        style="display: flex; flex-wrap: wrap; gap: 0.3rem; margin-top: 0.3rem">
                        {move || {
                            let focus = state.get().focus;
                            state
                                .get()
                                .words()
                                .into_iter()
                                .enumerate()
                                .map(|(i, w)| {
                                    let on = i == focus;
                                    view! {
                                        <button
                                            data-testid=format!("sa-token-{i}")
                                            aria-pressed=on.to_string()
                                            style=if on { "background: var(--accent); color: var(--accent-fg); font-weight: 600" } else { "" }
                                            on:click=move |_| update(vec![("focus", Some(i.to_string()))])
                                        >{w}</button>
                                    }
                                })
                                .collect_view()
                        }}
                    </div>
                </div>
                <label>
                    "Seed"
                    <input type="number" min="0" max=state::MAX_SEED.to_string() step="1" data-testid="sa-seed"
                        prop:value=move || state.get().seed.to_string()
                        on:change=move |ev| update(vec![("seed", Some(event_target_value(&ev)))]) />
                </label>
                <button data-testid="sa-reseed" on:click=move |_| {
                    let next = state::next_seed(state.get_untracked().seed);
                    update(vec![("seed", Some(next.to_string()))]);
                }>"Reseed"</button>
                <button data-testid="sa-reset" on:click=move |_| {
                    notices.set(vec![]);
                    navigation::replace(current_route(), Route::new(state::SLUG));
                }>"Reset"</button>
            </div>
            <div class="controls" role="group" aria-label="Where Q, K and V come from">
                <label class="check">
                    <input type="checkbox" data-testid="sa-use-model"
                        prop:checked=move || state.get().model_head.is_some()
                        on:change=move |ev| {
                            if event_target_checked(&ev) {
                                update(vec![("source", Some("model".into())), ("layer", Some("1".into())), ("head", Some("1".into()))]);
                            } else {
                                update(vec![("source", None), ("layer", None), ("head", None)]);
                            }
                        } />
                    "Use the real Q, K, V of one head of the model"
                </label>
                <Show when=move || state.get().model_head.is_some()>
                    <label>
                        "Layer (from 0)"
                        <input type="number" min="0" data-testid="sa-layer" title=crate::lesson::layer_head::NUMBERING
                            prop:value=move || state.get().model_head.map(|m| m.0).unwrap_or(0).to_string()
                            on:change=move |ev| update(vec![("layer", Some(event_target_value(&ev)))]) />
                    </label>
                    <label>
                        "Head (from 0)"
                        <input type="number" min="0" data-testid="sa-head" title=crate::lesson::layer_head::NUMBERING
                            prop:value=move || state.get().model_head.map(|m| m.1).unwrap_or(0).to_string()
                            on:change=move |ev| update(vec![("head", Some(event_target_value(&ev)))]) />
                    </label>
                    <crate::components::model_badge::ModelBadge testid="sa-model" what="its real queries, keys and values" />
                </Show>
            </div>
            <Notices notices=notices testid="sa-notices" />
            <prose::Steps />
            <Formula data=data />
            <div class="chart-grid">
                <ChartCanvas
                    testid="sa-scores"
                    caption="Step 1: the focus word's query against every key, q·k/√d_k. The focus word is orange."
                    draw=move |area| with_data(data, |d| attend_charts::draw_bars(area, &score_bars(d)))
                    summary=Signal::derive(move || scores_summary(data))
                    width_px=760
                    height_px=420
                />
                <ChartCanvas
                    testid="sa-weights"
                    caption="Step 2: softmax turns the scores into weights between 0 and 1 that add up to 1."
                    draw=move |area| with_data(data, |d| attend_charts::draw_bars(area, &weight_bars(d)))
                    summary=Signal::derive(move || weights_summary(data))
                    width_px=760
                    height_px=420
                />
            </div>
            <ChartCanvas
                testid="sa-values"
                caption="Step 3: every word's value vector times its weight, stacked per dimension; the black line is their sum, the focus word's output."
                draw=move |area| with_data(data, |d| attend_charts::draw_stacked_values(area, &stacked(d)))
                summary=Signal::derive(move || values_summary(data))
                width_px=900
                height_px=460
            />
            <prose::Outro />
        </article>
    }
}

fn with_data<E: std::fmt::Display>(
    data: DataMemo,
    draw: impl FnOnce(&SelfAttentionData) -> Result<HoverMap, E>,
) -> Result<HoverMap, String> {
    let d = data.get()?;
    draw(&d).map_err(|e| format!("Could not draw this chart: {e}"))
}

fn focus_word(d: &SelfAttentionData) -> String {
    d.words.get(d.focus).cloned().unwrap_or_default()
}

fn score_bars(d: &SelfAttentionData) -> BarSpec {
    BarSpec {
        highlight: Some(d.focus),
        caption: Some(format!("Scores of “{}”", focus_word(d))),
        y_title: "q·k / √d_k".into(),
        value_name: "score".into(),
        ..BarSpec::new(d.words.clone(), d.scores_row())
    }
}

fn weight_bars(d: &SelfAttentionData) -> BarSpec {
    BarSpec {
        highlight: Some(d.focus),
        caption: Some(format!("Weights of “{}”", focus_word(d))),
        y_title: "softmax weight".into(),
        value_name: "weight".into(),
        unit_range: true,
        ..BarSpec::new(d.words.clone(), d.weights_row())
    }
}

fn stacked(d: &SelfAttentionData) -> StackedSpec {
    StackedSpec {
        labels: d.words.clone(),
        parts: d.weighted.clone(),
        highlight: Some(d.focus),
        caption: Some(format!("Output of “{}” = Σ wⱼ·vⱼ", focus_word(d))),
    }
}

fn scores_summary(data: DataMemo) -> String {
    let Ok(d) = data.get() else {
        return "{}".into();
    };
    serde_json::json!({
        "focus": d.focus, "word": focus_word(&d), "tokens": d.words,
        "scores": d.scores_row(), "d_k": d.q.cols(),
    })
    .to_string()
}

fn weights_summary(data: DataMemo) -> String {
    let Ok(d) = data.get() else {
        return "{}".into();
    };
    let w = d.weights_row();
    let sum: f32 = w.iter().sum();
    serde_json::json!({
        "focus": d.focus, "word": focus_word(&d), "weights": w, "sum": sum, "tokens": d.words, "d_k": d.q.cols(),
        "strongest": d.strongest(),
    })
    .to_string()
}

fn values_summary(data: DataMemo) -> String {
    let Ok(d) = data.get() else {
        return "{}".into();
    };
    serde_json::json!({
        "focus": d.focus, "weighted": d.weighted, "output": d.output_row(),
        "d_model": D_MODEL, "d_v": d.v.cols(),
    })
    .to_string()
}

/// `[0.12, -0.50, …]` with two decimals.
fn vector(v: &[f32]) -> String {
    let parts: Vec<String> = v.iter().map(|x| format!("{x:.2}")).collect();
    format!("[{}]", parts.join(", "))
}

/// The formula with the focus row's actual numbers.
#[component]
fn Formula(data: DataMemo) -> impl IntoView {
    let lines = move || -> Vec<String> {
        let Ok(d) = data.get() else {
            return vec![];
        };
        let word = focus_word(&d);
        let best = d.strongest();
        let (q, k) = (d.query(), d.key(best));
        let products: Vec<String> = q
            .iter()
            .zip(&k)
            .map(|(a, b)| format!("{a:.2}·{b:.2}"))
            .collect();
        let scores = d.scores_row();
        let weights = d.weights_row();
        let shown = d.words.len().min(6);
        let more = if d.words.len() > shown { ", …" } else { "" };
        let pairs = |v: &[f32]| -> String {
            d.words
                .iter()
                .zip(v)
                .take(shown)
                .map(|(w, x)| format!("{w} {x:.2}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        vec![
            format!("q(“{word}”) = {}", vector(&q)),
            format!("k(“{}”) = {}", d.words[best], vector(&k)),
            format!(
                "score(“{word}” → “{}”) = ({}) / √{} = {:.3}",
                d.words[best],
                products.join(" + "),
                d.q.cols(),
                scores[best]
            ),
            format!("scores: {}{more}", pairs(&scores)),
            format!("softmax → weights: {}{more}", pairs(&weights)),
            format!("output(“{word}”) = Σ wⱼ·vⱼ = {}", vector(&d.output_row())),
        ]
    };
    view! {
        <div class="prose">
            <code class="formula">"Attention(Q, K, V) = softmax(QKᵀ / √d_k) · V"</code>
            <p>"The row of the focus word, with this seed's numbers (rounded):"</p>
            <code class="formula" data-testid="sa-formula" style="white-space: pre-wrap">
                {move || lines().join("\n")}
            </code>
        </div>
    }
}
