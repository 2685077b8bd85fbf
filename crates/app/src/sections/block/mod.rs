//! The Transformer block: attention, add & norm, feed-forward, add & norm,
//! as a diagram whose boxes explain themselves; the encoder and decoder
//! stacks; and what flows between blocks (the residual stream) with the
//! loaded model's real sizes.

mod explain;
mod prose;
pub mod state;

use crate::components::chart_canvas::ChartCanvas;
use crate::components::model_badge::ModelBadge;
use crate::lesson::Section;
use crate::platform::section_state::{Notices, SectionState};
use crate::state::model_store::ModelStore;
use attend_charts::{draw_bars, BarSpec};
use leptos::prelude::*;
use state::{BlockSizes, BlockState, Part, Stack};

#[component]
pub fn BlockSection() -> impl IntoView {
    let section = SectionState::<BlockState>::from_url();
    let (state, notices) = (section.state, section.notices);
    let store = ModelStore::get();

    let sizes = Memo::new(move |_| {
        store
            .info()
            .map(|info| BlockSizes {
                d_model: info.hidden_size,
                heads: info.heads,
                d_ff: if info.intermediate_size > 0 {
                    info.intermediate_size
                } else {
                    4 * info.hidden_size
                },
                layers: info.layers,
            })
            .unwrap_or(BlockSizes::DEFAULT_MODEL)
    });
    // Real token count when the model has tokenized the sentence; until then
    // words + [CLS] + [SEP] (word pieces can only add to it).
    Effect::new(move |_| {
        if store.is_ready() {
            store.request(&state.get().text, None);
        }
    });
    let tokens = Memo::new(move |_| {
        let text = state.get().text;
        match store.result_for(&text, None) {
            Some(result) => (result.num_tokens(), true),
            None => (text.split_whitespace().count() + 2, false),
        }
    });

    view! {
        <article data-testid="section-block">
            <h1>{Section::Block.heading()}</h1>
            <prose::Intro />
            <div class="controls" role="group" aria-label="Block settings">
                <div class="view-tabs" role="tablist" aria-label="Stack">
                    {[Stack::Encoder, Stack::Decoder].into_iter().map(|stack| view! {
                        <button role="tab" data-testid=format!("block-stack-{}", stack.as_str())
                            aria-selected=move || (state.get().stack == stack).to_string()
                            on:click=move |_| section.set_params(vec![("stack", Some(stack.as_str().into())), ("part", None)])>
                            {if stack == Stack::Encoder { "Encoder block" } else { "Decoder block" }}
                        </button>
                    }).collect_view()}
                </div>
            </div>
            <Notices notices=notices testid="block-notices" />
            <div class="block-layout">
                <ol class="block-diagram" data-testid="block-diagram" data-stack=move || state.get().stack.as_str()
                    aria-label="The block from input (bottom) to output (top); choose a box">
                    {move || {
                        let s = state.get();
                        s.stack.parts().iter().rev().map(|&part| {
                            let kind = match part {
                                Part::Input | Part::Output => "io",
                                Part::AddNorm1 | Part::AddNorm2 | Part::AddNormLast => "norm",
                                Part::FeedForward => "ffn",
                                _ => "attn",
                            };
                            view! {
                                <li>
                                    <button class=format!("block-box block-{kind}")
                                        data-testid=format!("block-part-{}", part.slug())
                                        aria-pressed=(s.part == part).to_string()
                                        on:click=move |_| section.set_param("part", part.slug().into())>
                                        {part.label(s.stack)}
                                    </button>
                                </li>
                            }
                        }).collect_view()
                    }}
                </ol>
                <div class="block-detail" data-testid="block-detail" aria-live="polite"
                    data-part=move || state.get().part.slug()
                    data-parameters=move || sizes.get().parameters(state.get().part)>
                    <h2>{move || { let s = state.get(); s.part.label(s.stack) }}</h2>
                    {move || {
                        let s = state.get();
                        explanation_with_count(s.part, s.stack, sizes.get(), tokens.get().0)
                    }}
                </div>
            </div>
            <prose::Stacks />
            <h2>"What flows between blocks"</h2>
            <ModelBadge testid="block-model" what="its real widths and your sentence's real token count" />
            <div class="controls">
                <label class="wide">
                    "Sentence"
                    <input type="text" data-testid="block-text" maxlength="200"
                        prop:value=move || state.get().text
                        on:change=move |ev| section.set_param("text", event_target_value(&ev)) />
                </label>
            </div>
            <p data-testid="block-stream"
                data-tokens=move || tokens.get().0
                data-width=move || sizes.get().d_model
                data-values=move || sizes.get().stream_values(tokens.get().0)>
                {move || {
                    let (t, exact) = tokens.get();
                    let z = sizes.get();
                    format!(
                        "{}{t} tokens × {} numbers = {} numbers ({:.1} KB as 32-bit floats) enter the first block, and exactly as many leave each of the {} blocks: the residual stream keeps its size from bottom to top.",
                        if exact { "" } else { "About " },
                        z.d_model,
                        z.stream_values(t),
                        z.stream_values(t) as f64 * 4.0 / 1024.0,
                        z.layers
                    )
                }}
            </p>
            <ChartCanvas
                testid="block-parameters"
                caption="Learned numbers in one block, by sub-layer. Hover a bar for its count."
                draw=move |area| {
                    let z = sizes.get();
                    let parts = Stack::Encoder.parts();
                    let shown: Vec<Part> = parts.iter().copied().filter(|&p| z.parameters(p) > 0).collect();
                    let labels = shown.iter().map(|&p| short_label(p).to_string()).collect();
                    let values = shown.iter().map(|&p| z.parameters(p) as f32 / 1000.0).collect();
                    let mut spec = BarSpec::new(labels, values);
                    spec.y_title = "thousand parameters".into();
                    spec.value_name = "thousand parameters".into();
                    spec.decimals = 1;
                    spec.highlight = shown.iter().position(|&p| p == state.get().part);
                    spec.caption = Some(format!("One encoder block, d = {}, feed-forward {}", z.d_model, z.d_ff));
                    draw_bars(area, &spec).map_err(|e| format!("Could not draw this chart: {e}"))
                }
                summary=Signal::derive(move || {
                    let z = sizes.get();
                    serde_json::json!({
                        "d_model": z.d_model,
                        "attention": z.parameters(Part::SelfAttention),
                        "ffn": z.parameters(Part::FeedForward),
                        "norm": z.parameters(Part::AddNorm1),
                    }).to_string()
                })
                width_px=720
                height_px=380
            />
        </article>
    }
}

fn explanation_with_count(part: Part, stack: Stack, sizes: BlockSizes, tokens: usize) -> AnyView {
    let count = sizes.parameters(part);
    view! {
        {explain::explanation(part, stack, sizes, tokens)}
        {(count > 0).then(|| view! { <p class="muted">{format!("Learned numbers in this box: {}.", crate::lesson::numbers::group_thousands(count))}</p> })}
    }
    .into_any()
}

fn short_label(part: Part) -> &'static str {
    match part {
        Part::SelfAttention => "attention",
        Part::CrossAttention => "cross-attn",
        Part::FeedForward => "feed-forward",
        Part::AddNorm1 => "norm 1",
        Part::AddNorm2 => "norm 2",
        Part::AddNormLast => "norm 2",
        Part::Input => "input",
        Part::Output => "output",
    }
}
