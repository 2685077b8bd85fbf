//! Section: the loaded model's own learned position embeddings — how alike
//! every pair of positions is — next to the sinusoidal codes of the same
//! width, and what differs.

mod prose;
pub mod state;

use crate::components::chart_canvas::{CanvasArea, ChartCanvas};
use crate::components::model_badge::ModelBadge;
use crate::components::precision_note::PrecisionNote;
use crate::lesson::Section;
use crate::platform::section_state::{Notices, SectionState};
use crate::state::model_store::ModelStore;
use attend_charts::{
    draw_matrix_heatmap, AxisSpec, ColorScale, HeatmapSpec, HoverMap, Matrix as ChartMatrix,
};
use attend_core::sinusoidal_cosines;
use leptos::prelude::*;
use state::{at_offset, top_left, AtOffset, LearnedPositionsState, MAX_N, MIN_N, OFFSETS};
use std::sync::Arc;

/// The base of the original Transformer's codes.
const PE_BASE: f64 = 10_000.0;

/// Both tables, cut to the positions shown: `n × n` each.
#[derive(Clone, Debug, PartialEq)]
struct Tables {
    model: String,
    hidden: usize,
    n: usize,
    learned: Vec<f32>,
    sinusoidal: Vec<f32>,
}

type TablesMemo = Memo<Result<Arc<Tables>, String>>;

#[component]
pub fn LearnedPositionsSection() -> impl IntoView {
    let section = SectionState::<LearnedPositionsState>::from_url();
    let (state, notices) = (section.state, section.notices);
    let store = ModelStore::get();
    let tables: TablesMemo = Memo::new(move |_| {
        let want = state.get().n;
        let learned = store
            .position_cosines()
            .ok_or("Load the model to see its learned positions.")?;
        let n = want.min(learned.positions);
        let sinusoidal =
            sinusoidal_cosines(n, learned.hidden, PE_BASE).map_err(|e| e.to_string())?;
        Ok(Arc::new(Tables {
            model: learned.model.clone(),
            hidden: learned.hidden,
            n,
            learned: top_left(&learned.cosines, learned.positions, n),
            sinusoidal,
        }))
    });

    // One summary for both charts, computed once per change.
    let summary = Memo::new(move |_| summary(tables));

    view! {
        <article data-testid="section-learned-positions">
            <h1>{Section::LearnedPositions.heading()}</h1>
            <prose::Intro />
            <ModelBadge testid="positions-model" what="its own position embeddings" />
            <div class="controls" role="group" aria-label="Learned positions settings">
                <label>
                    {format!("Positions shown ({MIN_N}–{MAX_N})")}
                    <input type="number" min=MIN_N.to_string() max=MAX_N.to_string() step="8" data-testid="positions-n"
                        prop:value=move || state.get().n.to_string()
                        on:change=move |ev| section.set_param("n", event_target_value(&ev)) />
                </label>
            </div>
            <Notices notices=notices testid="positions-notices" />
            <p data-testid="positions-facts" aria-live="polite">{move || facts(tables)}</p>
            <PrecisionNote testid="positions-precision" />
            <div class="chart-grid" style="grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr))">
                <ChartCanvas
                    testid="positions-learned"
                    caption="Cosine between the learned embeddings of positions p and q: 1 on the diagonal (a position with itself)."
                    draw=move |area| with_tables(tables, |t| {
                        draw_cosines(area, &t.learned, t.n, &format!("Learned ({}, {} wide)", t.model, t.hidden))
                    })
                    summary=Signal::derive(move || summary.get())
                    width_px=520
                    height_px=500
                />
                <ChartCanvas
                    testid="positions-sinusoidal"
                    caption="The same for the sinusoidal codes of the same width: it depends only on the distance p − q."
                    draw=move |area| with_tables(tables, |t| {
                        draw_cosines(area, &t.sinusoidal, t.n, &format!("Sinusoidal ({} wide)", t.hidden))
                    })
                    summary=Signal::derive(move || summary.get())
                    width_px=520
                    height_px=500
                />
            </div>
            <prose::Why />
        </article>
    }
}

fn draw_cosines(
    area: &CanvasArea,
    values: &[f32],
    n: usize,
    title: &str,
) -> Result<HoverMap, String> {
    let matrix = ChartMatrix::new(n, n, values.to_vec()).map_err(|e| e.to_string())?;
    let mut spec = HeatmapSpec::new(matrix);
    // Positions are counted from 0 here, as the model's own table is.
    spec.x = AxisSpec::new("position q (from 0)", "q");
    spec.y = AxisSpec::new("position p (from 0)", "p");
    spec.scale = ColorScale::new(-1.0, 1.0);
    spec.value_name = "cosine".into();
    spec.caption = Some(title.to_string());
    draw_matrix_heatmap(area, &spec).map_err(|e| e.to_string())
}

fn with_tables(
    tables: TablesMemo,
    draw: impl FnOnce(&Tables) -> Result<HoverMap, String>,
) -> Result<HoverMap, String> {
    let t = tables.get()?;
    draw(&t).map_err(|e| format!("Could not draw this chart: {e}"))
}

fn offsets(values: &[f32], n: usize) -> Vec<AtOffset> {
    OFFSETS
        .iter()
        .filter_map(|&k| at_offset(values, n, n, k))
        .collect()
}

fn facts(tables: TablesMemo) -> String {
    let Ok(t) = tables.get() else {
        return String::new();
    };
    let (learned, sinusoidal) = (offsets(&t.learned, t.n), offsets(&t.sinusoidal, t.n));
    let pairs: Vec<String> = learned
        .iter()
        .zip(&sinusoidal)
        .map(|(l, s)| {
            format!(
                "{} apart: learned {:.2} on average (from {:.2} to {:.2}), sinusoidal {:.2}",
                l.offset, l.mean, l.min, l.max, s.mean
            )
        })
        .collect();
    format!(
        "Cosines between positions among 0–{}: {}. The sinusoidal value is the same for every pair at a distance; the learned one varies.",
        t.n - 1,
        pairs.join("; ")
    )
}

fn summary(tables: TablesMemo) -> String {
    let Ok(t) = tables.get() else {
        return "{}".into();
    };
    let rows = |values: &[f32]| -> Vec<serde_json::Value> {
        offsets(values, t.n)
            .iter()
            .map(|o| serde_json::json!({ "offset": o.offset, "mean": o.mean, "min": o.min, "max": o.max }))
            .collect()
    };
    let diagonal: Vec<f32> = (0..t.n).map(|p| t.learned[p * t.n + p]).collect();
    serde_json::json!({
        "model": t.model,
        "hidden": t.hidden,
        "n": t.n,
        "learned": rows(&t.learned),
        "sinusoidal": rows(&t.sinusoidal),
        "learned_diagonal_min": diagonal.iter().copied().fold(f32::INFINITY, f32::min),
        "learned_first_row": &t.learned[..t.n.min(16)],
        "sinusoidal_first_row": &t.sinusoidal[..t.n.min(16)],
    })
    .to_string()
}
