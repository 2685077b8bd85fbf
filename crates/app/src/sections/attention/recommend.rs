//! "Heads worth a look": every head of the current result measured as in
//! Clark et al. (2019) and ranked (by the worker); a click opens the head.

use super::state::{AttentionState, View};
use super::Setter;
use crate::state::model_store::ModelStore;
use leptos::prelude::*;

#[component]
pub fn Recommendations(state: Memo<AttentionState>, update: Setter) -> impl IntoView {
    let store = ModelStore::get();
    // Measured in the worker with the forward pass (see
    // `attend_runtime::head_summary`); read here, never recomputed. A memo,
    // so the two places that show it share one read. While a new text is
    // computed the last result's heads stay (as the chart's map does), so a
    // keystroke neither empties nor rebuilds the list.
    let ranked = Memo::new(move |_| {
        let s = state.get();
        let r = store
            .result_for(&s.text, s.pair.as_deref())
            .or_else(|| store.latest())?;
        let summary = &r.meta.head_summary;
        let current = summary.head(s.layer, s.head, r.meta.heads).copied();
        Some((current, summary.top.clone()))
    });
    view! {
        <section class="recommend" data-testid="recommendations">
            <h2>"What is this head doing?"</h2>
            {move || ranked.get().and_then(|(current, _)| current).map(|stats| {
                let labels: Vec<String> = stats.labels().iter().map(|l| l.to_string()).collect();
                view! {
                    <p data-testid="current-head-stats">
                        {format!(
                            "Mass on [CLS] {:.2}, on [SEP] {:.2}, on punctuation {:.2}; previous token {:.2}, same token {:.2}, next token {:.2}; entropy {:.2} of the maximum. ",
                            stats.cls_mass, stats.sep_mass, stats.punct_mass, stats.prev_mass, stats.self_mass, stats.next_mass, stats.entropy_norm)}
                        {if labels.is_empty() { "No simple label fits: a head worth a closer look.".to_string() } else { format!("Labels: {}.", labels.join(", ")) }}
                    </p>
                }
            })}
            <h2>"Heads worth a look"</h2>
            <p>"Ranked by how little they park on [CLS]/[SEP]/punctuation, how little they just look next door, and how focused they are. The numbers behind each reason are shown."</p>
            <ol class="recommend-list">
                {move || ranked.get().map(|(_, list)| list.into_iter().map(|rec| {
                    let (layer, head) = (rec.layer, rec.head);
                    view! {
                        <li>
                            <button data-testid=format!("recommend-L{layer}-H{head}") on:click=move |_| update.apply(|s| {
                                s.layer = layer;
                                s.head = head;
                                s.view = View::Heatmap;
                            })>{format!("Layer {layer}, head {head}")}</button>
                            {format!(" score {:.2}: {}", rec.score, rec.reasons.join("; "))}
                        </li>
                    }
                }).collect_view())}
            </ol>
        </section>
    }
}
