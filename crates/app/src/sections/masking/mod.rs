//! Section: masking — raw scores, scores with −∞ where the mask hides a
//! key, and the softmax after masking, side by side.

mod prose;
pub mod state;

use crate::components::chart_canvas::ChartCanvas;
use crate::lesson::Section;
use crate::platform::navigation::{self, current_route};
use crate::platform::route::Route;
use crate::platform::section_state::{Notices, SectionState};
use attend_charts::{
    draw_attention_heatmap, draw_masked_matrix, AttentionOptions, ColorScale, HoverMap,
    MaskedMatrixSpec, XAxisSide,
};
use leptos::prelude::*;
use state::{MaskKind, MaskingData, MaskingState, MAX_N, MIN_N};
use std::sync::Arc;

type DataMemo = Memo<Result<Arc<MaskingData>, String>>;

#[component]
pub fn MaskingSection() -> impl IntoView {
    let section = SectionState::<MaskingState>::from_url();
    let (state, notices) = (section.state, section.notices);
    let set_param = move |key: &'static str, value: String| section.set_param(key, value);

    let data: DataMemo = Memo::new(move |_| MaskingData::compute(&state.get()).map(Arc::new));

    view! {
        <article data-testid="section-masking">
            <h1>{Section::Masking.heading()}</h1>
            <prose::Intro />
            <div class="controls" role="group" aria-label="Masking settings">
                <label>
                    "Mask"
                    <select data-testid="mask-kind"
                        prop:value=move || state.get().kind.slug()
                        on:change=move |ev| set_param("mask", event_target_value(&ev))>
                        {MaskKind::ALL
                            .into_iter()
                            .map(|k| view! {
                                <option value=k.slug() selected=move || state.get().kind == k>{k.title()}</option>
                            })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {format!("Tokens n ({MIN_N}–{MAX_N})")}
                    <input type="number" min=MIN_N.to_string() max=MAX_N.to_string() step="1" data-testid="mask-n"
                        prop:value=move || state.get().n.to_string()
                        on:change=move |ev| set_param("n", event_target_value(&ev)) />
                </label>
                <label>
                    "Real tokens (rest is [PAD])"
                    <input type="number" min="1" step="1" data-testid="mask-valid"
                        prop:max=move || state.get().n.to_string()
                        prop:disabled=move || !state.get().kind.uses_padding()
                        prop:value=move || state.get().valid.to_string()
                        on:change=move |ev| set_param("valid", event_target_value(&ev)) />
                </label>
                <label>
                    "Seed"
                    <input type="number" min="0" step="1" data-testid="mask-seed"
                        prop:value=move || state.get().seed.to_string()
                        on:change=move |ev| set_param("seed", event_target_value(&ev)) />
                </label>
                <button data-testid="mask-reseed" on:click=move |_| {
                    let next = crate::lesson::sentences::next_seed(state.get_untracked().seed);
                    set_param("seed", next.to_string());
                }>"New random scores"</button>
                <button data-testid="mask-reset" on:click=move |_| {
                    notices.set(vec![]);
                    navigation::replace(current_route(), Route::new(state::SLUG));
                }>"Reset"</button>
            </div>
            <Notices notices=notices testid="mask-notices" />
            <p data-testid="mask-facts">{move || facts(&state.get())}</p>
            <div class="chart-grid" style="grid-template-columns: repeat(auto-fit, minmax(min(100%, 20rem), 1fr))">
                <ChartCanvas
                    testid="mask-raw"
                    caption="1 · Raw scores q·k/√d_k (random here), one row per query."
                    draw=move |area| with_data(data, |d| draw_masked_matrix(area, &scores_spec(d, false)?))
                    summary=Signal::derive(move || raw_summary(data))
                    width_px=520
                    height_px=500
                />
                <ChartCanvas
                    testid="mask-masked"
                    caption="2 · After the mask: hidden scores are −∞ (grey cells)."
                    draw=move |area| with_data(data, |d| draw_masked_matrix(area, &scores_spec(d, true)?))
                    summary=Signal::derive(move || masked_summary(&state.get(), data))
                    width_px=520
                    height_px=500
                />
                <ChartCanvas
                    testid="mask-weights"
                    caption="3 · Softmax of each row: masked cells get exactly 0, every row still sums to 1."
                    draw=move |area| with_data(data, |d| {
                        let options = AttentionOptions {
                            title: Some("Weights after softmax".into()),
                            key_side: XAxisSide::Top,
                            ..AttentionOptions::default()
                        };
                        draw_attention_heatmap(area, &d.tokens, d.weights.data(), &options)
                    })
                    summary=Signal::derive(move || weights_summary(data))
                    width_px=520
                    height_px=500
                />
            </div>
            <prose::Kinds />
        </article>
    }
}

fn with_data<E: std::fmt::Display>(
    data: DataMemo,
    draw: impl FnOnce(&MaskingData) -> Result<HoverMap, E>,
) -> Result<HoverMap, String> {
    let d = data.get()?;
    draw(&d).map_err(|e| format!("Could not draw this chart: {e}"))
}

fn facts(s: &MaskingState) -> String {
    match s.kind {
        MaskKind::Causal => format!(
            "Causal mask on {} tokens: query i sees keys 0…i, so {} of {} scores are hidden.",
            s.n,
            s.n * (s.n - 1) / 2,
            s.n * s.n
        ),
        MaskKind::Padding => format!(
            "Padding mask: {} real tokens and {} [PAD]; the [PAD] columns are hidden from every query.",
            s.valid,
            s.n - s.valid
        ),
        MaskKind::Both => format!(
            "Causal and padding together: {} real tokens, {} [PAD]; a score is hidden when it lies in the future or on a [PAD] key.",
            s.valid,
            s.n - s.valid
        ),
    }
}

fn scores_spec(
    d: &MaskingData,
    masked: bool,
) -> Result<MaskedMatrixSpec, attend_charts::ChartError> {
    let m = if masked { &d.masked } else { &d.scores };
    Ok(MaskedMatrixSpec {
        values: attend_charts::Matrix::new(m.rows(), m.cols(), m.data().to_vec())?,
        tokens: d.tokens.clone(),
        caption: Some(
            if masked {
                "Masked scores"
            } else {
                "Raw scores"
            }
            .into(),
        ),
        value_name: "score".into(),
        decimals: 2,
        // the same colours in both charts: fitted to the raw scores
        scale: Some(ColorScale::fit(d.scores.data())),
    })
}

fn raw_summary(data: DataMemo) -> String {
    let Ok(d) = data.get() else {
        return "{}".into();
    };
    serde_json::json!({ "n": d.tokens.len(), "tokens": d.tokens, "scores": d.scores.to_rows() })
        .to_string()
}

fn masked_summary(s: &MaskingState, data: DataMemo) -> String {
    let Ok(d) = data.get() else {
        return "{}".into();
    };
    let rows = d.mask_rows();
    let count: usize = rows.iter().flatten().map(|&x| x as usize).sum();
    serde_json::json!({
        "n": s.n, "kind": s.kind.slug(), "valid": s.valid,
        "masked": rows, "masked_count": count,
    })
    .to_string()
}

fn weights_summary(data: DataMemo) -> String {
    let Ok(d) = data.get() else {
        return "{}".into();
    };
    serde_json::json!({ "weights": d.weights.to_rows(), "row_sums": d.weights.row_sums() })
        .to_string()
}
