//! The chart of the current view, the table of numbers, and export.

use super::displayed::{Displayed, Maps, Which};
use super::state::{AttentionState, Palette, Scale, View};
use super::{export, table, Setter};
use crate::components::chart_canvas::{CanvasArea, ChartCanvas};
use crate::state::model_store::ModelStore;
use attend_charts::{
    AttentionOptions, AttentionPanel, AttentionScale, AttentionShape, HoverMap, HoverTarget,
    ModelGridOptions,
};
use attend_runtime::client::AttentionResult;
use leptos::prelude::*;

fn chart_options(s: &AttentionState, title: String) -> AttentionOptions {
    AttentionOptions {
        title: Some(title),
        scale: match s.scale {
            Scale::Fixed => AttentionScale::Unit,
            Scale::PerMatrix => AttentionScale::Fitted,
        },
        palette: match s.palette {
            Palette::Viridis => attend_charts::Palette::Viridis,
            Palette::Cividis => attend_charts::Palette::Cividis,
        },
        ..AttentionOptions::default()
    }
}

fn maps(r: &AttentionResult) -> Maps<'_> {
    Maps {
        tokens: &r.meta.tokens,
        attentions: &r.attentions,
        layers: r.meta.layers,
        heads: r.meta.heads,
    }
}

/// The matrix a single-matrix view shows, for the state and a result.
pub fn displayed_for(s: &AttentionState, r: &AttentionResult) -> Result<Displayed, String> {
    let which = match s.view {
        View::Mean => Which::Mean { layer: s.layer },
        View::Rollout => Which::Rollout,
        _ => Which::Head {
            layer: s.layer,
            head: s.head,
        },
    };
    maps(r).displayed(which, s.hide_special)
}

#[component]
pub fn CurrentView(state: Memo<AttentionState>, update: Setter) -> impl IntoView {
    let store = ModelStore::get();
    // Head view: hovering a token isolates its lines; a click pins it.
    let hovered = RwSignal::new(None::<usize>);
    let pinned = RwSignal::new(None::<usize>);
    let focus = Memo::new(move |_| hovered.get().or(pinned.get()));
    let on_hover = Callback::new(move |value: Option<attend_charts::HoverValue>| {
        let token = value.and_then(|v| match v.target {
            HoverTarget::Token { index, .. } => Some(index),
            _ => None,
        });
        if hovered.get_untracked() != token {
            hovered.set(token);
        }
    });
    // The result for what is typed, or the newest one while it computes.
    let current = move || {
        let s = state.get();
        store
            .result_for(&s.text, s.pair.as_deref())
            .or_else(|| store.latest())
    };
    let up_to_date = move || {
        let s = state.get();
        store.result_for(&s.text, s.pair.as_deref()).is_some()
    };
    // What the chart draws: the result shown (by its request id, unique per
    // page) and the view's settings without the typed text. A keystroke
    // changes neither, so the old map is not redrawn while the new one is
    // computed: the main thread stays free for the worker (on a 2-core
    // laptop that redraw made the forward pass itself twice as slow).
    // (Typing back to the text already shown therefore redraws nothing and
    // marks nothing: its map is on screen.)
    let shown = Memo::new(move |_| current().map(|r| r.request_id));
    let shown_result = move || {
        // Read, not just tracked: a memo that is never read never computes,
        // so it would never learn of a new result.
        let id = shown.get()?;
        untrack(current).filter(|r| r.request_id == id)
    };
    let look = Memo::new(move |_| {
        state.with(|s| AttentionState {
            text: String::new(),
            pair: None,
            ..s.clone()
        })
    });
    let draw = move |area: &CanvasArea| -> Result<HoverMap, String> {
        let s = look.get();
        let Some(r) = shown_result() else {
            return attend_charts::message::draw_message(area, "Waiting for the model…")
                .map_err(|e| e.to_string());
        };
        let drawn = draw_view(area, &s, &r, focus.get(), store)
            .map_err(|e| format!("Could not draw this view: {e}"));
        if drawn.is_ok() && state.with_untracked(|typed| r.text == typed.text) {
            attend_runtime::perf_marks::drawn(&r.text);
        }
        drawn
    };
    let summary = Memo::new(move |_| {
        let s = look.get();
        match shown_result() {
            Some(r) => serde_json::json!({
                "text": r.text, "view": s.view.slug(), "layer": s.layer, "head": s.head,
                "tokens": r.meta.tokens, "hide_special": s.hide_special, "forward_ms": r.meta.forward_ms,
                "worker_memory_bytes": r.meta.worker_memory_bytes,
            })
            .to_string(),
            None => "{}".into(),
        }
    });
    let on_pick = Callback::new(move |value: attend_charts::HoverValue| match value.target {
        HoverTarget::Head { layer, head } => update.apply(|s| {
            s.layer = layer;
            s.head = head;
            s.view = View::Heatmap;
        }),
        HoverTarget::Token { index, .. } => {
            pinned.update(|p| *p = if *p == Some(index) { None } else { Some(index) })
        }
        _ => {}
    });
    view! {
        <div class="attention-view" data-testid="attention-view"
            data-ready=move || up_to_date().to_string()
            data-text=move || current().map(|r| r.text.clone()).unwrap_or_default()>
            {move || (!up_to_date() && store.is_ready()).then(|| view! { <p class="updating">"Updating…"</p> })}
            {move || store.run_error.get().map(|e| view! { <p class="notice error">{e}</p> })}
            <ChartCanvas testid="attention-chart" caption="Rows: the word doing the looking (query). Columns: the words it looks at (keys). Each row sums to 1."
                draw=draw summary=summary on_pick=on_pick on_hover=on_hover width_px=900 height_px=720 />
            <export::ExportButtons state=state />
            <table::AttentionTable state=state />
        </div>
    }
}

pub fn draw_view<DB: plotters::prelude::DrawingBackend>(
    area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
    s: &AttentionState,
    r: &AttentionResult,
    focus: Option<usize>,
    store: ModelStore,
) -> Result<HoverMap, String> {
    let err = |e: attend_charts::ChartError| e.to_string();
    match s.view {
        View::Heatmap | View::Mean | View::Rollout => {
            let d = displayed_for(s, r)?;
            attend_charts::draw_attention_heatmap(
                area,
                &d.tokens,
                &d.weights,
                &chart_options(s, d.title.clone()),
            )
            .map_err(err)
        }
        View::Lines => {
            let d = maps(r).displayed(
                Which::Head {
                    layer: s.layer,
                    head: s.head,
                },
                s.hide_special,
            )?;
            let focus = focus.filter(|&f| f < d.tokens.len());
            attend_charts::draw_attention_lines(area, &d.tokens, &d.weights, focus).map_err(err)
        }
        View::Model => {
            let shape = AttentionShape::new(r.meta.layers, r.meta.heads, r.meta.tokens.len());
            let options = ModelGridOptions {
                highlight: Some((s.layer, s.head))
                    .filter(|&(l, h)| l < shape.layers && h < shape.heads),
                scale: chart_options(s, String::new()).scale,
                palette: chart_options(s, String::new()).palette,
            };
            attend_charts::draw_attention_model_grid(area, &r.attentions, shape, &options)
                .map_err(err)
        }
        View::Compare => {
            let left = maps(r).displayed(
                Which::Head {
                    layer: s.layer,
                    head: s.head,
                },
                s.hide_special,
            )?;
            let Some(other) = store.result_for(&s.compare, None) else {
                return attend_charts::message::draw_message(
                    area,
                    "Computing the second sentence…",
                )
                .map_err(err);
            };
            let right = maps(&other).displayed(
                Which::Head {
                    layer: s.layer,
                    head: s.head,
                },
                s.hide_special,
            )?;
            attend_charts::draw_attention_compare(
                area,
                &AttentionPanel {
                    name: &r.text,
                    tokens: &left.tokens,
                    weights: &left.weights,
                },
                &AttentionPanel {
                    name: &s.compare,
                    tokens: &right.tokens,
                    weights: &right.weights,
                },
                &chart_options(s, format!("Layer {}, head {}", s.layer, s.head)),
            )
            .map_err(err)
        }
    }
}
