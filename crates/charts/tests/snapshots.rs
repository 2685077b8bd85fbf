//! Every chart at a fixed size with fixed inputs, compared to the SVG
//! checked in under `tests/snapshots/` (`UPDATE_SNAPSHOTS=1` rewrites them).

mod common;

use attend_charts::{
    draw_attention_arcs, draw_attention_compare, draw_attention_heatmap, draw_attention_lines,
    draw_attention_model_grid, draw_bipartite_attention, draw_embedding_scatter,
    draw_matrix_heatmap, draw_pe_heatmap, draw_pe_lines, draw_pe_similarity, draw_rnn_flow,
    head_title, AttentionOptions, AttentionScale, AttentionShape, AxisSpec, CellText, ColorScale,
    EmbeddingScatterData, HeatmapSpec, Matrix, ModelGridOptions, Palette, XAxisSide,
};
use attend_core::positional_encoding;
use common::{
    arcs_spec, assert_snapshot, cross_spec, long_sentence, render, rnn_spec, sentence, tokens,
    toy_attention, ComparePair,
};

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

fn six_tokens() -> Vec<String> {
    tokens(&["[CLS]", "the", "cat", "sat", "down", "[SEP]"])
}

#[test]
fn attention_heatmap_snapshot() {
    let (words, weights) = (six_tokens(), toy_attention(6, 0));
    let options = AttentionOptions::titled(head_title(3, 7));
    let (svg, _) = render((560, 480), |area| {
        draw_attention_heatmap(area, &words, &weights, &options)
    });
    assert_snapshot("attention_heatmap", &svg);
}

#[test]
fn long_attention_heatmap_snapshot() {
    // upright key labels above the map, cividis on the fitted range
    let (words, weights) = (sentence(24), toy_attention(24, 3));
    let options = AttentionOptions {
        title: Some("Mean over heads, layer 5".into()),
        scale: AttentionScale::Fitted,
        palette: Palette::Cividis,
        key_side: XAxisSide::Top,
    };
    let (svg, _) = render((560, 560), |area| {
        draw_attention_heatmap(area, &words, &weights, &options)
    });
    assert_snapshot("attention_heatmap_long", &svg);
}

#[test]
fn attention_lines_snapshot() {
    let (words, weights) = (six_tokens(), toy_attention(6, 0));
    let (svg, _) = render((480, 400), |area| {
        draw_attention_lines(area, &words, &weights, None)
    });
    assert_snapshot("attention_lines", &svg);
}

#[test]
fn focused_attention_lines_snapshot() {
    let (words, weights) = (six_tokens(), toy_attention(6, 0));
    let (svg, _) = render((480, 400), |area| {
        draw_attention_lines(area, &words, &weights, Some(2))
    });
    assert_snapshot("attention_lines_focus", &svg);
}

#[test]
fn attention_model_grid_snapshot() {
    let shape = AttentionShape::new(3, 4, 6);
    let weights: Vec<f32> = (0..12).flat_map(|i| toy_attention(6, i)).collect();
    let options = ModelGridOptions {
        highlight: Some((1, 2)),
        ..ModelGridOptions::default()
    };
    let (svg, _) = render((560, 420), |area| {
        draw_attention_model_grid(area, &weights, shape, &options)
    });
    assert_snapshot("attention_model_grid", &svg);
}

#[test]
fn attention_compare_snapshot() {
    let pair = ComparePair::dog_bites_man();
    let (left, right) = pair.panels();
    let options = AttentionOptions::titled(head_title(2, 0));
    let (svg, _) = render((900, 460), |area| {
        draw_attention_compare(area, &left, &right, &options)
    });
    assert_snapshot("attention_compare", &svg);
}

#[test]
fn rnn_flow_snapshot() {
    let (svg, _) = render((640, 320), |area| draw_rnn_flow(area, &rnn_spec()));
    assert_snapshot("rnn_flow", &svg);
}

#[test]
fn narrow_rnn_flow_of_a_long_sentence_snapshot() {
    // 360 px wide, 14 words: the labels turn upright
    let spec = attend_charts::RnnFlowSpec {
        tokens: long_sentence(),
        step: 14,
        retention: 0.6,
    };
    let (svg, _) = render((360, 300), |area| draw_rnn_flow(area, &spec));
    assert_snapshot("rnn_flow_narrow", &svg);
}

#[test]
fn attention_arcs_snapshot() {
    let (svg, _) = render((640, 340), |area| draw_attention_arcs(area, &arcs_spec()));
    assert_snapshot("attention_arcs", &svg);
}

#[test]
fn narrow_attention_arcs_of_a_long_sentence_snapshot() {
    let mut spec = arcs_spec();
    spec.tokens = long_sentence();
    spec.arcs.push(attend_charts::ArcSpec {
        from: 12,
        to: 1,
        weight: 0.6,
        kind: 1,
    });
    spec.revealed = spec.arcs.len();
    let (svg, _) = render((360, 300), |area| draw_attention_arcs(area, &spec));
    assert_snapshot("attention_arcs_narrow", &svg);
}

#[test]
fn bipartite_attention_snapshot() {
    let (svg, _) = render((640, 380), |area| {
        draw_bipartite_attention(area, &cross_spec(None))
    });
    assert_snapshot("bipartite_attention", &svg);
}

#[test]
fn focused_bipartite_attention_snapshot() {
    let (svg, _) = render((640, 380), |area| {
        draw_bipartite_attention(area, &cross_spec(Some(1)))
    });
    assert_snapshot("bipartite_attention_focus", &svg);
}

#[test]
fn narrow_bipartite_attention_of_long_sentences_snapshot() {
    let (queries, keys) = (sentence(12), sentence(16));
    let spec = attend_charts::BipartiteSpec {
        weights: toy_attention(16, 3)[2 * 16..14 * 16].to_vec(),
        focus: Some(5),
        query_label: "decoder".into(),
        key_label: "encoder".into(),
        queries,
        keys,
    };
    let (svg, _) = render((360, 320), |area| draw_bipartite_attention(area, &spec));
    assert_snapshot("bipartite_attention_narrow", &svg);
}
