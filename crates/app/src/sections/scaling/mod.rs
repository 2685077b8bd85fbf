//! Section: why the scores are divided by √d_k — random queries and keys of
//! a chosen width, the softmax with and without the division, and how
//! spread out each row's weights are.

mod prose;
pub mod state;

use crate::components::chart_canvas::ChartCanvas;
use crate::lesson::Section;
use crate::platform::navigation::{self, current_route};
use crate::platform::route::Route;
use crate::platform::section_state::{Notices, SectionState};
use attend_charts::{draw_attention_heatmap, draw_bars, AttentionOptions, BarSpec, HoverMap};
use leptos::prelude::*;
use state::{ScalingData, ScalingState, MAX_N, MIN_N};
use std::sync::Arc;

type DataMemo = Memo<Result<Arc<ScalingData>, String>>;

/// The widths offered in the picker (a link may name any other).
const D_K_CHOICES: [usize; 11] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

#[component]
pub fn ScalingSection() -> impl IntoView {
    let section = SectionState::<ScalingState>::from_url();
    let (state, notices) = (section.state, section.notices);
    let set_param = move |key: &'static str, value: String| section.set_param(key, value);
    let data: DataMemo = Memo::new(move |_| ScalingData::compute(&state.get()).map(Arc::new));

    view! {
        <article data-testid="section-scaling">
            <h1>{Section::Scaling.heading()}</h1>
            <prose::Intro />
            <div class="controls" role="group" aria-label="Scaling settings">
                <label>
                    "Width of q and k (d_k)"
                    <select data-testid="scaling-dk"
                        prop:value=move || state.get().d_k.to_string()
                        on:change=move |ev| set_param("dk", event_target_value(&ev))>
                        {move || {
                            let current = state.get().d_k;
                            let mut choices = D_K_CHOICES.to_vec();
                            if !choices.contains(&current) {
                                choices.push(current);
                                choices.sort_unstable();
                            }
                            choices.into_iter().map(|d| view! {
                                <option value=d.to_string() selected=d == current>{d.to_string()}</option>
                            }).collect_view()
                        }}
                    </select>
                </label>
                <label class="check">
                    <input type="checkbox" data-testid="scaling-scaled"
                        prop:checked=move || state.get().scaled
                        on:change=move |ev| set_param("scaled", if event_target_checked(&ev) { "1" } else { "0" }.into()) />
                    " Divide the scores by √d_k"
                </label>
                <label>
                    {format!("Tokens ({MIN_N}–{MAX_N})")}
                    <input type="number" min=MIN_N.to_string() max=MAX_N.to_string() step="1" data-testid="scaling-n"
                        prop:value=move || state.get().n.to_string()
                        on:change=move |ev| set_param("n", event_target_value(&ev)) />
                </label>
                <button data-testid="scaling-reseed" on:click=move |_| {
                    let next = crate::lesson::sentences::next_seed(state.get_untracked().seed);
                    set_param("seed", next.to_string());
                }>"New random vectors"</button>
                <button data-testid="scaling-reset" on:click=move |_| {
                    notices.set(vec![]);
                    navigation::replace(current_route(), Route::new(state::SLUG));
                }>"Reset"</button>
            </div>
            <Notices notices=notices testid="scaling-notices" />
            <p data-testid="scaling-facts" aria-live="polite">{move || facts(&state.get(), data)}</p>
            <div class="chart-grid" style="grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr))">
                <ChartCanvas
                    testid="scaling-weights"
                    caption="The softmax of each row of scores: rows are queries, columns keys; every row sums to 1."
                    draw=move |area| with_data(data, |d| {
                        let s = state.get();
                        let options = AttentionOptions::titled(weights_title(&s));
                        draw_attention_heatmap(area, &d.tokens, d.shown(&s).weights.data(), &options)
                    })
                    summary=Signal::derive(move || summary(&state.get(), data))
                    width_px=520
                    height_px=500
                />
                <ChartCanvas
                    testid="scaling-entropy"
                    caption="How spread out each row is: 0 bits means all weight on one key, log₂ n bits an even spread."
                    draw=move |area| with_data(data, |d| {
                        let s = state.get();
                        let mut spec = BarSpec::new(d.tokens.clone(), d.shown(&s).entropy_bits.clone());
                        spec.caption = Some(format!("Entropy per query (at most {:.2} bits)", (s.n as f64).log2()));
                        spec.y_title = "entropy (bits)".into();
                        spec.value_name = "entropy (bits)".into();
                        draw_bars(area, &spec)
                    })
                    summary=Signal::derive(move || summary(&state.get(), data))
                    width_px=520
                    height_px=500
                />
            </div>
            <prose::Why />
        </article>
    }
}

fn weights_title(s: &ScalingState) -> String {
    if s.scaled {
        format!("Weights, scores ÷ √{}", s.d_k)
    } else {
        "Weights, scores not divided".to_string()
    }
}

fn with_data<E: std::fmt::Display>(
    data: DataMemo,
    draw: impl FnOnce(&ScalingData) -> Result<HoverMap, E>,
) -> Result<HoverMap, String> {
    let d = data.get()?;
    draw(&d).map_err(|e| format!("Could not draw this chart: {e}"))
}

/// Both settings in one sentence, so the contrast is always in view.
fn facts(s: &ScalingState, data: DataMemo) -> String {
    let Ok(d) = data.get() else {
        return String::new();
    };
    let max_bits = (s.n as f64).log2();
    format!(
        "d_k = {}: the raw scores q·k spread with a standard deviation of {:.1} (about √{} = {:.1}). \
         Divided by √d_k they spread by {:.2}; the largest weight of a row is {:.2} on average and \
         a row's entropy {:.2} of at most {:.2} bits. Not divided: largest weight {:.2}, entropy {:.2} bits.",
        s.d_k,
        d.unscaled.score_sd,
        s.d_k,
        (s.d_k as f64).sqrt(),
        d.scaled.score_sd,
        d.scaled.mean_max_weight,
        d.scaled.mean_entropy_bits(),
        max_bits,
        d.unscaled.mean_max_weight,
        d.unscaled.mean_entropy_bits(),
    )
}

fn summary(s: &ScalingState, data: DataMemo) -> String {
    let Ok(d) = data.get() else {
        return "{}".into();
    };
    let shown = d.shown(s);
    serde_json::json!({
        "d_k": s.d_k, "n": s.n, "scaled": s.scaled,
        "score_sd": shown.score_sd,
        "mean_max_weight": shown.mean_max_weight,
        "mean_entropy_bits": shown.mean_entropy_bits(),
        "entropy_bits": shown.entropy_bits,
        "row_sums": shown.weights.row_sums(),
    })
    .to_string()
}
