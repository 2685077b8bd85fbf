//! Section: positional encoding — why a Transformer needs to be told where
//! each word stands, and how sines and cosines do it.

pub mod prose;
pub mod state;
mod toy_embeddings;

use crate::components::chart_canvas::ChartCanvas;
use crate::lesson::Section;
use crate::platform::navigation::{self, current_route};
use crate::platform::route::Route;
use crate::platform::section_state::{Notices, SectionState};
use attend_core::{positional_encoding, PositionalEncoding};
use leptos::prelude::*;
use state::{PositionalState, MAX_BASE, MAX_D_MODEL, MAX_LEN, MIN_BASE};
use std::sync::Arc;

#[component]
pub fn PositionalSection() -> impl IntoView {
    let section = SectionState::<PositionalState>::from_url();
    let (state, notices) = (section.state, section.notices);
    let set_param = move |key: &'static str, value: String| section.set_param(key, value);

    // The encoding is shared by three charts; computed once per change.
    let encoding = Memo::new(move |_| {
        let s = state.get();
        positional_encoding(s.len, s.d_model, s.base)
            .map(Arc::new)
            .map_err(|e| e.to_string())
    });

    view! {
        <article data-testid="section-positional">
            <h1>{Section::Positional.heading()}</h1>
            <prose::Intro />
            <Controls state=state set_param=set_param />
            <Notices notices=notices testid="positional-notices" />
            <prose::Formula state=state />
            <div class="chart-grid">
                <ChartCanvas
                    testid="pe-heatmap"
                    caption="Every column is one position's code; every row is one dimension across all positions. Fast stripes at the bottom (small dimensions), slow waves at the top."
                    draw=move |area| with_encoding(encoding, |pe| attend_charts::draw_pe_heatmap(area, pe))
                    summary=Signal::derive(move || heatmap_summary(&state.get(), encoding))
                />
                <ChartCanvas
                    testid="pe-lines"
                    caption="The code of a few positions, dimension by dimension: the same waves, sampled at different points."
                    draw=move |area| {
                        let s = state.get();
                        with_encoding(encoding, |pe| attend_charts::draw_pe_lines(area, pe, &s.positions, s.dims))
                    }
                    summary=Signal::derive(move || lines_summary(&state.get(), encoding))
                />
            </div>
            <prose::WhyAdded />
            <div class="chart-grid">
                <ChartCanvas
                    testid="pe-scatter"
                    caption="Word vectors E (blue), position codes P (orange) and their sums E+P (green). The two “the”s start at one point and end up apart."
                    draw=move |area| {
                        let s = state.get();
                        with_encoding(encoding, |pe| {
                            attend_charts::draw_embedding_scatter(area, &toy_embeddings::scatter_data(pe, s.pair), false)
                        })
                    }
                    summary=Signal::derive(move || scatter_summary(&state.get(), encoding))
                />
                <ChartCanvas
                    testid="pe-similarity"
                    caption="Dot product of every pair of position codes. Bright along the diagonal, fading with distance: nearby positions look alike."
                    draw=move |area| {
                        let n = state.get().similarity_positions();
                        with_encoding(encoding, |pe| attend_charts::draw_pe_similarity(area, pe, n))
                    }
                    summary=Signal::derive(move || similarity_summary(&state.get(), encoding))
                />
            </div>
            <prose::Similarity />
        </article>
    }
}

type EncodingMemo = Memo<Result<Arc<PositionalEncoding>, String>>;

fn with_encoding<E: std::fmt::Display>(
    encoding: EncodingMemo,
    draw: impl FnOnce(&PositionalEncoding) -> Result<attend_charts::HoverMap, E>,
) -> Result<attend_charts::HoverMap, String> {
    let pe = encoding.get()?;
    draw(&pe).map_err(|e| format!("Could not draw this chart: {e}"))
}

fn heatmap_summary(s: &PositionalState, encoding: EncodingMemo) -> String {
    let Ok(pe) = encoding.get() else {
        return "{}".into();
    };
    let sum: f64 = pe.values.iter().map(|&v| v as f64).sum();
    serde_json::json!({
        "rows": pe.max_len, "cols": pe.d_model, "base": s.base,
        "pe_1_0": pe.get(1.min(pe.max_len - 1), 0), "sum": sum,
    })
    .to_string()
}

fn lines_summary(s: &PositionalState, encoding: EncodingMemo) -> String {
    let Ok(pe) = encoding.get() else {
        return "{}".into();
    };
    let lines: Vec<Vec<f32>> = s
        .positions
        .iter()
        .map(|&p| pe.row(p)[..s.dims].to_vec())
        .collect();
    serde_json::json!({ "positions": s.positions, "dims": s.dims, "lines": lines }).to_string()
}

fn scatter_summary(s: &PositionalState, encoding: EncodingMemo) -> String {
    let Ok(pe) = encoding.get() else {
        return "{}".into();
    };
    let data = toy_embeddings::scatter_data(&pe, s.pair);
    serde_json::json!({ "pair": s.pair, "words": data.words, "p": data.p }).to_string()
}

fn similarity_summary(s: &PositionalState, encoding: EncodingMemo) -> String {
    let Ok(pe) = encoding.get() else {
        return "{}".into();
    };
    let n = s.similarity_positions();
    // The first cells of row 0 (PE[0]·PE[q]) only: the chart computes the
    // whole matrix itself, the summary need not do it again.
    let first_row: Vec<f32> = (0..n.min(8))
        .map(|q| pe.row(0).iter().zip(pe.row(q)).map(|(a, b)| a * b).sum())
        .collect();
    serde_json::json!({ "n": n, "row0": first_row }).to_string()
}

#[component]
fn Controls<F>(state: Memo<PositionalState>, set_param: F) -> impl IntoView
where
    F: Fn(&'static str, String) + Copy + 'static,
{
    let value_of = move |ev: leptos::ev::Event| event_target_value(&ev);
    view! {
        <div class="controls" role="group" aria-label="Positional encoding settings">
            <label>
                "Sequence length"
                <input type="number" min="1" max=MAX_LEN.to_string() step="1" data-testid="pe-len"
                    prop:value=move || state.get().len.to_string()
                    on:change=move |ev| set_param("len", value_of(ev)) />
            </label>
            <label>
                "d_model (even)"
                <input type="number" min="2" max=MAX_D_MODEL.to_string() step="2" data-testid="pe-d"
                    prop:value=move || state.get().d_model.to_string()
                    on:change=move |ev| set_param("d", value_of(ev)) />
            </label>
            <label>
                "Base"
                <input type="number" min=MIN_BASE.to_string() max=MAX_BASE.to_string() data-testid="pe-base"
                    prop:value=move || state.get().base.to_string()
                    on:change=move |ev| set_param("base", value_of(ev)) />
            </label>
            <label>
                "Positions to plot"
                <input type="text" inputmode="numeric" data-testid="pe-pos" placeholder="0,2,4"
                    prop:value=move || state::positions_text(&state.get().positions)
                    on:change=move |ev| set_param("pos", value_of(ev)) />
            </label>
            <label>
                "Dimensions shown"
                <input type="number" min="2" step="1" data-testid="pe-dims"
                    prop:value=move || state.get().dims.to_string()
                    on:change=move |ev| set_param("dims", value_of(ev)) />
            </label>
            <label>
                "Scatter: dimension pair"
                <input type="number" min="0" step="1" data-testid="pe-pair"
                    prop:value=move || state.get().pair.to_string()
                    on:change=move |ev| set_param("pair", value_of(ev)) />
            </label>
            <button data-testid="pe-reset" on:click=move |_| {
                navigation::replace(current_route(), Route::new(state::SLUG));
            }>"Reset"</button>
        </div>
    }
}
