//! Cross-attention: the decoder's words (queries) read the encoder's words
//! (keys and values). A short translation pair, drawn as a matrix and as
//! lines; the numbers are illustrative, and the page says so.

mod pairs;
mod prose;
pub mod state;

use crate::components::chart_canvas::ChartCanvas;
use crate::lesson::Section;
use crate::platform::section_state::{Notices, SectionState};
use attend_charts::{
    draw_bipartite_attention, draw_matrix_heatmap, AxisSpec, BipartiteSpec, CellText, ColorScale,
    HeatmapSpec, HoverTarget, LabelDirection, Matrix as ChartMatrix, TokenSide, XAxisSide,
};
use leptos::prelude::*;
use pairs::PAIRS;
use state::{CrossState, MAX_SHARPNESS, MIN_SHARPNESS};

#[component]
pub fn CrossAttentionSection() -> impl IntoView {
    let section = SectionState::<CrossState>::from_url();
    let (state, notices) = (section.state, section.notices);
    let weights = Memo::new(move |_| state.get().weights());
    let words = move |s: &CrossState| {
        let p = s.pair();
        (
            p.source
                .iter()
                .map(|w| w.to_string())
                .collect::<Vec<String>>(),
            p.target
                .iter()
                .map(|w| w.to_string())
                .collect::<Vec<String>>(),
        )
    };
    let pick = move |v: attend_charts::HoverValue| {
        let row = match v.target {
            HoverTarget::Cell { row, .. } => Some(row),
            HoverTarget::Token {
                side: TokenSide::Query,
                index,
            } => Some(index),
            _ => None,
        };
        if let Some(row) = row {
            section.set_param("focus", row.to_string());
        }
    };

    view! {
        <article data-testid="section-cross-attention">
            <h1>{Section::CrossAttention.heading()}</h1>
            <prose::Intro />
            <div class="controls" role="group" aria-label="Cross-attention settings">
                <label>
                    "Sentence pair"
                    <select data-testid="cross-pair"
                        on:change=move |ev| section.set_params(vec![("pair", Some(event_target_value(&ev))), ("focus", None)])>
                        {PAIRS.iter().map(|p| view! {
                            <option value=p.slug selected=move || state.get().pair == p.slug>{p.label}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    "Decoder word (query)"
                    <select data-testid="cross-focus"
                        on:change=move |ev| section.set_param("focus", event_target_value(&ev))>
                        {move || {
                            let s = state.get();
                            s.pair().target.iter().enumerate().map(|(i, w)| view! {
                                <option value=i.to_string() selected=s.focus == i>{w.to_string()}</option>
                            }).collect_view()
                        }}
                    </select>
                </label>
                <label>
                    {format!("Sharpness ({MIN_SHARPNESS}–{MAX_SHARPNESS})")}
                    <input type="range" data-testid="cross-sharpness"
                        min=MIN_SHARPNESS.to_string() max=MAX_SHARPNESS.to_string() step="0.25"
                        prop:value=move || state.get().sharpness.to_string()
                        on:input=move |ev| section.set_param("sharpness", event_target_value(&ev)) />
                </label>
            </div>
            <Notices notices=notices testid="cross-notices" />
            <p class="notice" data-testid="cross-illustrative">
                "Illustrative: these weights were written by hand to show the pattern trained translation models learn. "
                "The model in this app is an encoder only — it has no cross-attention."
            </p>
            <p data-testid="cross-summary" data-summary=move || summary(state.get(), weights.get())>
                {move || {
                    let s = state.get();
                    let p = s.pair();
                    let w = weights.get();
                    let row = w.row(s.focus).unwrap_or_default();
                    let (best, value) = row.iter().enumerate().fold((0, f32::MIN), |acc, (i, &v)| if v > acc.1 { (i, v) } else { acc });
                    format!(
                        "While writing “{}”, the decoder puts {:.0}% of its attention on “{}”.",
                        p.target.get(s.focus).unwrap_or(&""),
                        value * 100.0,
                        p.source.get(best).unwrap_or(&"")
                    )
                }}
            </p>
            <div class="chart-grid">
                <ChartCanvas
                    testid="cross-matrix"
                    caption="Rows: the decoder's words (queries). Columns: the encoder's words (keys). Each row sums to 1. Click a row to follow it."
                    draw=move |area| {
                        let s = state.get();
                        let (source, target) = words(&s);
                        let w = weights.get();
                        let matrix = ChartMatrix::new(w.rows(), w.cols(), w.data().to_vec()).map_err(|e| e.to_string())?;
                        let mut spec = HeatmapSpec::new(matrix);
                        spec.x = AxisSpec::new("encoder (source) — keys", "key").with_labels(source);
                        spec.y = AxisSpec::new("decoder (target) — queries", "query").with_labels(target);
                        spec.x_side = XAxisSide::Top;
                        spec.x_label_direction = LabelDirection::Horizontal;
                        spec.scale = ColorScale::new(0.0, 1.0);
                        spec.cell_text = CellText::Decimals(2);
                        spec.value_name = "weight".into();
                        draw_matrix_heatmap(area, &spec).map_err(|e| format!("Could not draw this chart: {e}"))
                    }
                    on_pick=Callback::new(pick)
                    summary=Signal::derive(move || summary(state.get(), weights.get()))
                    width_px=560
                    height_px=480
                />
                <ChartCanvas
                    testid="cross-lines"
                    caption="The same weights as lines: thicker means more attention. Click a decoder word to follow it."
                    draw=move |area| {
                        let s = state.get();
                        let (source, target) = words(&s);
                        let spec = BipartiteSpec {
                            queries: target,
                            keys: source,
                            weights: weights.get().data().to_vec(),
                            focus: Some(s.focus),
                            query_label: "decoder (queries)".into(),
                            key_label: "encoder (keys, values)".into(),
                        };
                        draw_bipartite_attention(area, &spec).map_err(|e| format!("Could not draw this chart: {e}"))
                    }
                    on_pick=Callback::new(pick)
                    summary=Signal::derive(move || summary(state.get(), weights.get()))
                    width_px=560
                    height_px=480
                />
            </div>
            <prose::After />
        </article>
    }
}

fn summary(s: CrossState, w: attend_core::attention::Matrix) -> String {
    let p = s.pair();
    serde_json::json!({
        "pair": s.pair,
        "source": p.source,
        "target": p.target,
        "focus": s.focus,
        "sharpness": s.sharpness,
        "focus_row": w.row(s.focus).map(<[f32]>::to_vec).unwrap_or_default(),
    })
    .to_string()
}
