//! The exact numbers of the shown matrix as a table (for reading aloud,
//! copying, screen readers and tests).

use super::state::{AttentionState, View};
use super::views::displayed_for;
use crate::state::model_store::ModelStore;
use leptos::prelude::*;

/// Tokens per side of the block the table shows at once. A 512-token input
/// has 262,144 values: as DOM cells they would freeze the tab, so the table
/// shows one 64 × 64 block (4,096 cells) and pages through the rest.
const BLOCK_TOKENS: usize = 64;

/// The token range `page` covers out of `t`.
fn block(page: usize, t: usize) -> std::ops::Range<usize> {
    let start = (page * BLOCK_TOKENS).min(t.saturating_sub(1) / BLOCK_TOKENS * BLOCK_TOKENS);
    start..(start + BLOCK_TOKENS).min(t)
}

/// Buttons that move one axis of the table by a block.
#[component]
fn BlockPager(label: &'static str, page: RwSignal<usize>, tokens: usize) -> impl IntoView {
    let range = move || block(page.get(), tokens);
    let is_last = move |p: usize| block(p + 1, tokens) == block(p, tokens);
    view! {
        <span class="table-pager">
            {label}" "{move || { let r = range(); format!("{}–{} of {tokens}", r.start + 1, r.end) }}" "
            <button type="button" data-testid=format!("table-{label}-prev")
                prop:disabled=move || page.get() == 0
                on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"◀"</button>
            <button type="button" data-testid=format!("table-{label}-next")
                prop:disabled=move || is_last(page.get())
                on:click=move |_| page.update(|p| if !is_last(*p) { *p += 1 })>"▶"</button>
        </span>
    }
}

#[component]
pub fn AttentionTable(state: Memo<AttentionState>) -> impl IntoView {
    let store = ModelStore::get();
    let show = RwSignal::new(false);
    let (query_page, key_page) = (RwSignal::new(0usize), RwSignal::new(0usize));
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
                let (rows, cols) = (block(query_page.get(), t), block(key_page.get(), t));
                view! {
                    {(t > BLOCK_TOKENS).then(|| view! {
                        <p class="table-note" data-testid="table-note">
                            {format!("{t} tokens are {} values: the table shows {BLOCK_TOKENS} × {BLOCK_TOKENS} at a time (the CSV export has them all). ", t * t)}
                            <BlockPager label="queries" page=query_page tokens=t/>" "
                            <BlockPager label="keys" page=key_page tokens=t/>
                        </p>
                    })}
                    <div class="table-scroll">
                        <table data-testid="attention-table" data-layer=s.layer data-head=s.head data-text=s.text.clone()
                            data-matrix=match s.view { View::Mean => "mean", View::Rollout => "rollout", _ => "head" }>
                            <caption>{d.title.clone()}</caption>
                            <thead><tr>
                                <th scope="col">"query ↓ key →"</th>
                                {d.tokens[cols.clone()].iter().map(|tok| view! { <th scope="col">{tok.clone()}</th> }).collect_view()}
                            </tr></thead>
                            <tbody>
                                {rows.map(|q| view! {
                                    <tr>
                                        <th scope="row">{d.tokens[q].clone()}</th>
                                        {cols.clone().map(|k| {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_the_tokens_and_clamp_at_the_end() {
        assert_eq!(block(0, 10), 0..10);
        assert_eq!(block(3, 10), 0..10);
        assert_eq!(block(0, 512), 0..64);
        assert_eq!(block(7, 512), 448..512);
        assert_eq!(block(8, 512), 448..512);
        assert_eq!(block(1, 100), 64..100);
        assert_eq!(block(0, 0), 0..0);
    }
}
