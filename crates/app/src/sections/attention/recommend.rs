//! "Heads worth a look": every head of the current result measured as in
//! Clark et al. (2019) and ranked; a click opens the head.

use super::displayed::Maps;
use super::state::{AttentionState, View};
use super::Setter;
use crate::state::model_store::ModelStore;
use attend_core::analysis::{head_stats, rank_heads};
use attend_core::attention::Matrix;
use leptos::prelude::*;

const SHOWN: usize = 6;

#[component]
pub fn Recommendations(state: Memo<AttentionState>, update: Setter) -> impl IntoView {
    let store = ModelStore::get();
    let ranked = move || {
        let s = state.get();
        let r = store.result_for(&s.text, s.pair.as_deref())?;
        let maps = Maps {
            tokens: &r.meta.tokens,
            attentions: &r.attentions,
            layers: r.meta.layers,
            heads: r.meta.heads,
        };
        let layers: Vec<Vec<Matrix>> = (0..maps.layers)
            .map(|l| {
                (0..maps.heads)
                    .map(|h| maps.head(l, h))
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<_, _>>()
            .ok()?;
        let current = layers
            .get(s.layer)
            .and_then(|l| l.get(s.head))
            .and_then(|m| head_stats(m, &r.meta.tokens).ok());
        let ranked = rank_heads(&layers, &r.meta.tokens).ok()?;
        Some((current, ranked))
    };
    view! {
        <section class="recommend" data-testid="recommendations">
            <h2>"What is this head doing?"</h2>
            {move || ranked().and_then(|(current, _)| current).map(|stats| {
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
                {move || ranked().map(|(_, list)| list.into_iter().take(SHOWN).map(|rec| {
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
