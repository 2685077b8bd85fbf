//! Encoder-only, decoder-only and encoder-decoder models, and a live
//! encoder use: sentence similarity from the model's embeddings, next to
//! plain word overlap so that what the model adds is visible.

mod prose;
pub mod state;

use crate::components::chart_canvas::ChartCanvas;
use crate::components::model_badge::ModelBadge;
use crate::lesson::Section;
use crate::platform::section_state::{Notices, SectionState};
use crate::state::model_store::ModelStore;
use attend_charts::{
    draw_matrix_heatmap, AxisSpec, CellText, ColorScale, HeatmapSpec, LabelDirection,
    Matrix as ChartMatrix, XAxisSide,
};
use attend_core::similarity::{cosine_matrix, word_overlap_matrix};
use leptos::prelude::*;
use state::{ArchState, MAX_SENTENCES};

#[component]
pub fn ArchitecturesSection() -> impl IntoView {
    let section = SectionState::<ArchState>::from_url();
    let (state, notices) = (section.state, section.notices);
    let store = ModelStore::get();

    let overlap = Memo::new(move |_| {
        let s = state.get();
        let refs: Vec<&str> = s.sentences.iter().map(String::as_str).collect();
        word_overlap_matrix(&refs)
    });
    // The model's embeddings, once every sentence has one.
    let embeddings = Memo::new(move |_| {
        let s = state.get();
        s.sentences
            .iter()
            .map(|t| store.result_for(t, None).map(|r| r.embedding.clone()))
            .collect::<Option<Vec<Vec<f32>>>>()
    });
    let model_matrix = Memo::new(move |_| embeddings.get().map(|e| cosine_matrix(&e)));
    // One sentence at a time: the worker answers the newest request only.
    Effect::new(move |_| {
        if !store.is_ready() {
            return;
        }
        let s = state.get();
        if let Some(missing) = s
            .sentences
            .iter()
            .find(|t| store.result_for(t, None).is_none())
        {
            store.request(missing, None);
        }
    });
    let done = Memo::new(move |_| {
        let s = state.get();
        s.sentences
            .iter()
            .filter(|t| store.result_for(t, None).is_some())
            .count()
    });

    view! {
        <article data-testid="section-architectures">
            <h1>{Section::Architectures.heading()}</h1>
            <prose::Intro />
            <prose::Families />
            <prose::SimilarityIntro />
            <div class="controls" role="group" aria-label="Sentences to compare">
                <label class="wide">
                    {format!("Sentences, one per line (2–{MAX_SENTENCES})")}
                    <textarea data-testid="arch-sentences" rows="6"
                        prop:value=move || state.get().sentences.join("\n")
                        on:change=move |ev| section.set_param("s", event_target_value(&ev))></textarea>
                </label>
            </div>
            <Notices notices=notices testid="arch-notices" />
            <ol class="sentence-list" data-testid="arch-list">
                {move || state.get().sentences.into_iter().enumerate().map(|(i, s)| view! {
                    <li><strong>{format!("S{} ", i + 1)}</strong>{s}</li>
                }).collect_view()}
            </ol>
            <ModelBadge testid="arch-model" what="similarity by meaning" />
            <p class="updating" data-testid="arch-progress"
                data-done=move || done.get() data-total=move || state.get().sentences.len()>
                {move || {
                    let total = state.get().sentences.len();
                    (store.is_ready() && done.get() < total)
                        .then(|| format!("Embedding sentence {} of {total}…", done.get() + 1))
                }}
            </p>
            <div class="chart-grid">
                <ChartCanvas
                    testid="arch-overlap"
                    caption="Shared words only (cosine of word counts). Hover a cell for its value."
                    draw=move |area| draw_similarity(area, &overlap.get(), state.get().sentences.len(), "Word overlap")
                    summary=Signal::derive(move || matrix_summary(&overlap.get(), state.get().sentences.len()))
                    width_px=520
                    height_px=460
                />
                <Show
                    when=move || model_matrix.get().is_some()
                    fallback=|| view! {
                        <p class="chart-placeholder" data-testid="arch-model-missing">
                            "The model's similarity appears here once the model is loaded and has read every sentence."
                        </p>
                    }
                >
                    <ChartCanvas
                        testid="arch-similarity"
                        caption="The model's view: cosine of the loaded model's sentence embeddings (mean-pooled; the model is named above). Hover a cell for its value."
                        draw=move |area| {
                            let m = model_matrix.get().unwrap_or_default();
                            draw_similarity(area, &m, state.get().sentences.len(), "Meaning (model)")
                        }
                        summary=Signal::derive(move || matrix_summary(&model_matrix.get().unwrap_or_default(), state.get().sentences.len()))
                        width_px=520
                        height_px=460
                    />
                </Show>
            </div>
            <p data-testid="arch-finding">{move || finding(&state.get().sentences, model_matrix.get().as_deref(), &overlap.get())}</p>
        </article>
    }
}

fn draw_similarity(
    area: &crate::components::chart_canvas::CanvasArea,
    values: &[f32],
    n: usize,
    title: &str,
) -> Result<attend_charts::HoverMap, String> {
    let matrix = ChartMatrix::new(n, n, values.to_vec()).map_err(|e| e.to_string())?;
    let labels: Vec<String> = (1..=n).map(|i| format!("S{i}")).collect();
    let mut spec = HeatmapSpec::new(matrix);
    spec.x = AxisSpec::new("sentence", "sentence").with_labels(labels.clone());
    spec.y = AxisSpec::new("sentence", "sentence").with_labels(labels);
    spec.x_side = XAxisSide::Top;
    spec.x_label_direction = LabelDirection::Horizontal;
    spec.scale = ColorScale::new(0.0, 1.0);
    spec.cell_text = CellText::Decimals(2);
    spec.value_name = "cosine".into();
    spec.caption = Some(title.to_string());
    draw_matrix_heatmap(area, &spec).map_err(|e| format!("Could not draw this chart: {e}"))
}

fn matrix_summary(values: &[f32], n: usize) -> String {
    serde_json::json!({ "n": n, "values": values }).to_string()
}

/// The most similar pair of different sentences by `values`.
fn closest_pair(values: &[f32], n: usize) -> Option<(usize, usize, f32)> {
    let mut best: Option<(usize, usize, f32)> = None;
    for i in 0..n {
        for j in i + 1..n {
            let v = *values.get(i * n + j)?;
            if best.is_none_or(|b| v > b.2) {
                best = Some((i, j, v));
            }
        }
    }
    best
}

fn finding(sentences: &[String], model: Option<&[f32]>, overlap: &[f32]) -> String {
    let n = sentences.len();
    let by_words = closest_pair(overlap, n);
    let by_model = model.and_then(|m| closest_pair(m, n));
    match (by_words, by_model) {
        (Some((a, b, w)), Some((c, d, m))) => format!(
            "By shared words, S{} and S{} are closest ({w:.2}); by meaning, S{} and S{} ({m:.2}).",
            a + 1, b + 1, c + 1, d + 1
        ),
        (Some((a, b, w)), None) => format!(
            "By shared words, S{} and S{} are closest ({w:.2}). Load the model to compare by meaning.",
            a + 1, b + 1
        ),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::closest_pair;

    #[test]
    fn the_closest_pair_ignores_the_diagonal() {
        let m = [1.0, 0.2, 0.7, 0.2, 1.0, 0.1, 0.7, 0.1, 1.0];
        assert_eq!(closest_pair(&m, 3), Some((0, 2, 0.7)));
        assert_eq!(closest_pair(&[1.0], 1), None);
    }
}
