//! Every chart at a fixed size with fixed inputs, compared to the SVG
//! checked in under `tests/snapshots/` (`UPDATE_SNAPSHOTS=1` rewrites them).

mod common;

use attend_charts::{
    draw_embedding_scatter, draw_matrix_heatmap, draw_pe_heatmap, draw_pe_lines,
    draw_pe_similarity, AxisSpec, CellText, ColorScale, EmbeddingScatterData, HeatmapSpec, Matrix,
};
use attend_core::positional_encoding;
use common::{assert_snapshot, render};

pub fn scatter_data() -> EmbeddingScatterData {
    EmbeddingScatterData {
        words: vec!["the".into(), "cat".into(), "sat".into()],
        e: vec![(0.6, 0.9), (-0.8, 0.3), (0.2, -0.7)],
        p: vec![(0.0, 1.0), (0.841, 0.540), (0.909, -0.416)],
    }
}

#[test]
fn pe_heatmap_snapshot() {
    let pe = positional_encoding(64, 32, 10_000.0).unwrap();
    let (svg, _) = render((640, 400), |area| draw_pe_heatmap(area, &pe));
    assert_snapshot("pe_heatmap", &svg);
}

#[test]
fn pe_lines_snapshot() {
    let pe = positional_encoding(50, 64, 10_000.0).unwrap();
    let (svg, _) = render((640, 400), |area| draw_pe_lines(area, &pe, &[0, 2, 4], 32));
    assert_snapshot("pe_lines", &svg);
}

#[test]
fn embedding_scatter_snapshot() {
    let data = scatter_data();
    let (svg, _) = render((640, 480), |area| draw_embedding_scatter(area, &data, true));
    assert_snapshot("embedding_scatter", &svg);
}

#[test]
fn pe_similarity_snapshot() {
    let pe = positional_encoding(64, 32, 10_000.0).unwrap();
    let (svg, _) = render((560, 440), |area| draw_pe_similarity(area, &pe, 40));
    assert_snapshot("pe_similarity", &svg);
}

#[test]
fn labelled_matrix_heatmap_snapshot() {
    let tokens: Vec<String> = ["[CLS]", "the", "cat", "sat", "[SEP]"]
        .map(String::from)
        .to_vec();
    let weights = Matrix::from_fn(5, 5, |r, c| if c <= r { 1.0 / (r + 1) as f32 } else { 0.0 });
    let spec = HeatmapSpec {
        x: AxisSpec::new("key", "key").with_labels(tokens.clone()),
        y: AxisSpec::new("query", "query").with_labels(tokens),
        value_name: "weight".into(),
        scale: ColorScale::new(0.0, 1.0),
        cell_text: CellText::Decimals(2),
        caption: Some("attention".into()),
        ..HeatmapSpec::new(weights)
    };
    let (svg, _) = render((560, 480), |area| draw_matrix_heatmap(area, &spec));
    assert_snapshot("labelled_matrix_heatmap", &svg);
}
