//! The exact numbers of the shown matrix as a table (for reading aloud,
//! copying, screen readers and tests).

use super::state::{AttentionState, View};
use super::views::displayed_for;
use crate::model_store::ModelStore;
use leptos::prelude::*;

#[component]
pub fn AttentionTable(state: Memo<AttentionState>) -> impl IntoView {
    let store = ModelStore::get();
    let show = RwSignal::new(false);
    let data = move || {
        let s = state.get();
        let r = store.result_for(&s.text, s.pair.as_deref())?;
        let view = if matches!(s.view, View::Mean | View::Rollout) {
            s.view
        } else {
            View::Heatmap
        };
        let shown = AttentionState { view, ..s.clone() };
        displayed_for(&shown, &r).ok().map(|d| (s, d))
    };
    view! {
        <details class="attention-table" prop:open=move || show.get()
            on:toggle=move |ev| show.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())>
            <summary data-testid="attention-table-toggle">"Show the numbers as a table"</summary>
            {move || show.get().then(data).flatten().map(|(s, d)| {
                let t = d.tokens.len();
                view! {
                    <div class="table-scroll">
                        <table data-testid="attention-table" data-layer=s.layer data-head=s.head data-text=s.text.clone()
                            data-matrix=match s.view { View::Mean => "mean", View::Rollout => "rollout", _ => "head" }>
                            <caption>{d.title.clone()}</caption>
                            <thead><tr>
                                <th scope="col">"query ↓ key →"</th>
                                {d.tokens.iter().map(|tok| view! { <th scope="col">{tok.clone()}</th> }).collect_view()}
                            </tr></thead>
                            <tbody>
                                {(0..t).map(|q| view! {
                                    <tr>
                                        <th scope="row">{d.tokens[q].clone()}</th>
                                        {(0..t).map(|k| {
                                            let v = d.weights[q * t + k];
                                            view! { <td data-q=d.kept[q] data-k=d.kept[k] data-value=v.to_string()>{format!("{v:.3}")}</td> }
                                        }).collect_view()}
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
            })}
        </details>
    }
}
