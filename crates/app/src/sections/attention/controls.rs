//! The input (examples, free text, optional second sentence) and the view
//! settings (layer, head, view, options).

use super::state::{AttentionState, Palette, Scale, View, Weights};
use super::Setter;
use crate::state::model_store::ModelStore;
use leptos::prelude::*;

/// The notebook's example sentences, grouped by what they show.
pub const EXAMPLES: [(&str, &str); 9] = [
    (
        "Pronoun: who is “it”?",
        "The animal didn't cross the street because it was too tired.",
    ),
    (
        "Complex reference",
        "The dog chased its tail because it was wagging",
    ),
    (
        "Question and answer",
        "Q: What is the capital of France? A: Paris",
    ),
    ("Local grammar", "The red and blue car"),
    ("Grammar pattern", "The red and blue car drove fast"),
    ("Completion", "The students studied hard for their final"),
    ("Simple example", "The cat sat on the mat."),
    (
        "Contrast",
        "Although it was expensive, the quality was excellent",
    ),
    ("Word order", "Dog bites man."),
];

#[component]
pub fn InputPanel(state: Memo<AttentionState>, update: Setter) -> impl IntoView {
    let store = ModelStore::get();
    let truncated = move || {
        let s = state.get();
        store
            .result_for(&s.text, s.pair.as_deref())
            .map(|r| r.meta.truncated)
            .filter(|&n| n > 0)
    };
    view! {
        <div class="controls input-panel" role="group" aria-label="Sentence">
            <label class="wide">
                "Example"
                <select data-testid="attention-example" on:change=move |ev| {
                    let value = event_target_value(&ev);
                    if let Some((_, text)) = EXAMPLES.iter().find(|(_, t)| *t == value) {
                        update.apply(|s| s.text = text.to_string());
                    }
                }>
                    <option value="">"Choose an example…"</option>
                    {EXAMPLES.iter().map(|(label, text)| view! { <option value=*text>{*label}" — "{*text}</option> }).collect_view()}
                </select>
            </label>
            <label class="wide">
                "Your sentence (the maps follow as you type)"
                <input type="text" data-testid="attention-text" maxlength="5000" spellcheck="false"
                    prop:value=move || state.get().text
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        attend_runtime::perf_marks::input(&text);
                        update.apply(|s| s.text = text);
                    } />
            </label>
            <label class="wide">
                "Second sentence (optional: a sentence pair, token types 0 and 1)"
                <input type="text" data-testid="attention-pair" maxlength="5000" spellcheck="false"
                    prop:value=move || state.get().pair.unwrap_or_default()
                    on:input=move |ev| {
                        let pair = event_target_value(&ev);
                        update.apply(|s| s.pair = Some(pair).filter(|p| !p.trim().is_empty()));
                    } />
            </label>
            {move || truncated().map(|n| view! {
                <p class="notice wide" data-testid="attention-truncated">
                    {format!("The input is longer than the model accepts: the last {n} word pieces were dropped.")}
                </p>
            })}
        </div>
    }
}

#[component]
pub fn ViewControls(state: Memo<AttentionState>, update: Setter) -> impl IntoView {
    let store = ModelStore::get();
    let dims = move || store.info().map(|i| (i.layers, i.heads)).unwrap_or((0, 0));
    view! {
        <div class="controls" role="group" aria-label="What to show">
            <label title=crate::lesson::layer_head::NUMBERING>
                "Layer (from 0)"
                <select data-testid="attention-layer"
                    prop:value=move || state.get().layer.to_string()
                    on:change=move |ev| {
                        if let Ok(layer) = event_target_value(&ev).parse() { update.apply(|s| s.layer = layer) }
                    }>
                    {move || (0..dims().0).map(|l| view! { <option value=l.to_string() selected=move || state.get().layer == l>{l}</option> }).collect_view()}
                </select>
            </label>
            <label title=crate::lesson::layer_head::NUMBERING>
                "Head (from 0)"
                <select data-testid="attention-head"
                    prop:value=move || state.get().head.to_string()
                    on:change=move |ev| {
                        if let Ok(head) = event_target_value(&ev).parse() { update.apply(|s| s.head = head) }
                    }>
                    {move || (0..dims().1).map(|h| view! { <option value=h.to_string() selected=move || state.get().head == h>{h}</option> }).collect_view()}
                </select>
            </label>
            <div class="view-tabs" role="tablist" aria-label="View">
                {View::ALL.into_iter().map(|v| view! {
                    <button role="tab" data-testid=format!("view-{}", v.slug())
                        aria-selected=move || (state.get().view == v).to_string()
                        on:click=move |_| update.apply(|s| s.view = v)>
                        {v.label()}
                    </button>
                }).collect_view()}
            </div>
            <label class="check">
                <input type="checkbox" data-testid="attention-hide-special"
                    prop:checked=move || state.get().hide_special
                    on:change=move |ev| { let on = event_target_checked(&ev); update.apply(|s| s.hide_special = on) } />
                "Hide [CLS]/[SEP] (rows renormalised)"
            </label>
            <label>
                "Colour scale"
                <select data-testid="attention-scale" on:change=move |ev| {
                    let scale = if event_target_value(&ev) == "matrix" { Scale::PerMatrix } else { Scale::Fixed };
                    update.apply(|s| s.scale = scale);
                }>
                    <option value="fixed" selected=move || state.get().scale == Scale::Fixed>"Fixed 0–1"</option>
                    <option value="matrix" selected=move || state.get().scale == Scale::PerMatrix>"Per matrix"</option>
                </select>
            </label>
            <label>
                "Palette"
                <select data-testid="attention-palette" on:change=move |ev| {
                    let palette = if event_target_value(&ev) == "cividis" { Palette::Cividis } else { Palette::Viridis };
                    update.apply(|s| s.palette = palette);
                }>
                    <option value="viridis" selected=move || state.get().palette == Palette::Viridis>"Viridis"</option>
                    <option value="cividis" selected=move || state.get().palette == Palette::Cividis>"Cividis (colour-blind safe)"</option>
                </select>
            </label>
            <label>
                "Weights"
                <select data-testid="attention-weights" on:change=move |ev| {
                    let weights = if event_target_value(&ev) == "f32" { Weights::F32 } else { Weights::F16 };
                    update.apply(|s| s.weights = weights);
                }>
                    <option value="f16" selected=move || state.get().weights == Weights::F16>"f16 (half the download)"</option>
                    <option value="f32" selected=move || state.get().weights == Weights::F32>"f32 (exact)"</option>
                </select>
            </label>
        </div>
    }
}
