//! Section: the tokenizer — the loaded model's own WordPiece pieces and ids
//! as the reader types, `##` continuations, `[UNK]`, the special tokens,
//! a sentence pair's token types, and truncation at the model's limit.

mod prose;
pub mod state;

use crate::components::chart_canvas::ChartCanvas;
use crate::components::model_badge::ModelBadge;
use crate::lesson::Section;
use crate::platform::navigation::{self, current_route};
use crate::platform::route::Route;
use crate::platform::section_state::{Notices, SectionState};
use crate::state::model_store::ModelStore;
use attend_charts::{draw_bars, BarSpec};
use attend_runtime::client::Tokenized;
use attend_runtime::protocol::TokenList;
use leptos::prelude::*;
use state::{count, words_of, PieceKind, TokensState, DEFAULT_PAIR};
use std::rc::Rc;

#[component]
pub fn TokensSection() -> impl IntoView {
    let section = SectionState::<TokensState>::from_url();
    let (state, notices) = (section.state, section.notices);
    let store = ModelStore::get();
    // Tokens only: no forward pass, so a 512-token paste answers at once.
    Effect::new(move |_| {
        let s = state.get();
        store.request_tokens(&s.input(), s.pair.as_deref());
    });
    // The tokens of this input, or the last ones this section showed while
    // they are on their way (so the strip does not flash empty between
    // keystrokes).
    let last = RwSignal::new_local(None::<Rc<Tokenized>>);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let s = state.get();
        let answer = store.tokens.get(&s.input(), s.pair.as_deref());
        // An error belongs to its input: it goes when the text changes.
        error.set(
            answer
                .as_ref()
                .and_then(|a| a.outcome.as_ref().err().cloned()),
        );
        if let Some(answer) = answer.filter(|a| a.outcome.is_ok()) {
            last.set(Some(answer));
        }
    });
    let shown = move || last.get();
    // One summary for the strip and the chart, computed once per result.
    let summary =
        Memo::new(move |_| summary(shown().as_deref(), store.info().map(|i| i.max_tokens)));

    view! {
        <article data-testid="section-tokens">
            <h1>{Section::Tokens.heading()}</h1>
            <prose::Intro />
            <ModelBadge testid="tokens-model" what="its own vocabulary" />
            <div class="controls" role="group" aria-label="Tokenizer input">
                <label class="wide">
                    "Text"
                    <input type="text" data-testid="tokens-text" maxlength=state::MAX_CHARS.to_string()
                        prop:value=move || state.get().text
                        on:input=move |ev| section.set_param("text", event_target_value(&ev)) />
                </label>
                <label class="check">
                    <input type="checkbox" data-testid="tokens-pair-on"
                        prop:checked=move || state.get().pair.is_some()
                        on:change=move |ev| section.set_params(vec![(
                            "pair",
                            event_target_checked(&ev).then(|| DEFAULT_PAIR.to_string()),
                        )]) />
                    " A second sentence"
                </label>
                <Show when=move || state.get().pair.is_some()>
                    <label class="wide">
                        "Second sentence"
                        <input type="text" data-testid="tokens-pair" maxlength=state::MAX_CHARS.to_string()
                            prop:value=move || state.get().pair.unwrap_or_default()
                            on:input=move |ev| section.set_param("pair", event_target_value(&ev)) />
                    </label>
                </Show>
                <label>
                    {format!("Repeat the text (1–{})", state::MAX_REPEAT)}
                    <input type="number" min="1" max=state::MAX_REPEAT.to_string() data-testid="tokens-repeat"
                        prop:value=move || state.get().repeat.to_string()
                        on:change=move |ev| section.set_param("repeat", event_target_value(&ev)) />
                </label>
                <button data-testid="tokens-reset" on:click=move |_| {
                    notices.set(vec![]);
                    navigation::replace(current_route(), Route::new(state::SLUG));
                }>"Reset"</button>
            </div>
            <Notices notices=notices testid="tokens-notices" />
            {move || error.get().map(|why| view! {
                <p class="notice error" role="alert" data-testid="tokens-error">
                    {format!("This input could not be tokenized: {why}")}
                </p>
            })}
            <p data-testid="tokens-facts" aria-live="polite">
                {move || facts(shown().as_deref(), store.info().map(|i| i.max_tokens))}
            </p>
            <ol class="token-strip" data-testid="tokens-strip"
                data-summary=move || summary.get()>
                {move || shown().map(|r| strip(&r))}
            </ol>
            <p class="note">
                "Grey: a token the tokenizer added. Blue left edge: a “##” piece that continues the word before it. "
                "Red: [UNK]. Dashed border: the second sentence (token type 1). The number under each piece is its id."
            </p>
            <ChartCanvas
                testid="tokens-pieces"
                caption="How many pieces each word took: common words are one piece, rare ones several."
                draw=move |area| {
                    let r = shown().ok_or("Load the model to see its pieces.")?;
                    let words = words_of(&list(&r).tokens);
                    // A long paste would make bars too thin to read.
                    let shown_words = &words[..words.len().min(40)];
                    let mut spec = BarSpec::new(
                        shown_words.iter().map(|w| w.text.clone()).collect(),
                        shown_words.iter().map(|w| w.pieces as f32).collect(),
                    );
                    spec.caption = Some(if words.len() > shown_words.len() {
                        format!("Pieces per word (first {} of {} words)", shown_words.len(), words.len())
                    } else {
                        "Pieces per word".into()
                    });
                    spec.y_title = "pieces".into();
                    spec.value_name = "pieces".into();
                    spec.decimals = 0;
                    draw_bars(area, &spec).map_err(|e| format!("Could not draw this chart: {e}"))
                }
                summary=Signal::derive(move || summary.get())
                width_px=900
                height_px=320
            />
            <prose::Why />
        </article>
    }
}

/// The tokens of an answer that has them (the others are never shown).
fn list(answer: &Tokenized) -> &TokenList {
    static NONE: TokenList = TokenList {
        tokens: Vec::new(),
        token_ids: Vec::new(),
        token_type_ids: Vec::new(),
        truncated: 0,
    };
    answer.outcome.as_ref().unwrap_or(&NONE)
}

/// One chip per piece: the piece, its id, and its sentence (by colour and
/// in the tooltip). Text goes in as text, never as HTML.
fn strip(r: &Tokenized) -> impl IntoView {
    let meta = list(r);
    meta.tokens
        .iter()
        .enumerate()
        .map(|(i, token)| {
            let kind = PieceKind::of(token);
            let id = meta.token_ids.get(i).copied();
            let segment = meta.token_type_ids.get(i).copied().unwrap_or(0);
            let class = format!(
                "{} segment-{}",
                kind.class(),
                if segment == 0 { "a" } else { "b" }
            );
            let title = format!(
                "piece {} of {}: “{token}”, id {}, sentence {} (token type {segment}){}",
                i + 1,
                meta.tokens.len(),
                id.map_or("?".to_string(), |id| id.to_string()),
                if segment == 0 { "A" } else { "B" },
                kind_note(kind),
            );
            view! {
                <li class=class title=title data-testid="tokens-piece">
                    <span class="piece-text">{token.clone()}</span>
                    <span class="piece-id">{id.map_or("?".to_string(), |id| id.to_string())}</span>
                </li>
            }
        })
        .collect_view()
}

fn kind_note(kind: PieceKind) -> &'static str {
    match kind {
        PieceKind::Special => "; added by the tokenizer",
        PieceKind::Unknown => "; the vocabulary has no pieces for this word",
        PieceKind::Continuation => "; continues the word before it",
        PieceKind::Start => "",
    }
}

fn facts(r: Option<&Tokenized>, max_tokens: Option<usize>) -> String {
    let Some(r) = r else {
        return String::new();
    };
    let meta = list(r);
    let c = count(&meta.tokens);
    let mut out = format!(
        "{} tokens: {} words ({} of them in more than one piece, {} “##” continuations), {} unknown, {} special.",
        c.tokens, c.words, c.split_words, c.continuations, c.unknown, c.special
    );
    if let Some(max) = max_tokens {
        out.push_str(&format!(" This model reads at most {max} tokens."));
    }
    if meta.truncated > 0 {
        out.push_str(&format!(
            " The input was too long: the last {} pieces were dropped (from the longer sentence first) so that it fits.",
            meta.truncated
        ));
    }
    out
}

fn summary(r: Option<&Tokenized>, max_tokens: Option<usize>) -> String {
    let Some(r) = r else {
        return "{}".into();
    };
    let meta = list(r);
    let c = count(&meta.tokens);
    serde_json::json!({
        "text": r.text,
        "pair": r.pair,
        "tokens": meta.tokens,
        "ids": meta.token_ids,
        "type_ids": meta.token_type_ids,
        "truncated": meta.truncated,
        "max_tokens": max_tokens,
        "words": c.words,
        "unknown": c.unknown,
        "continuations": c.continuations,
        "pieces_per_word": words_of(&meta.tokens).iter().map(|w| w.pieces).collect::<Vec<_>>(),
    })
    .to_string()
}
