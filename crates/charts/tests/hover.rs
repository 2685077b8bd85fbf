//! The hover maps answer with the exact data under a pixel.

mod common;

use attend_charts::{
    draw_attention_arcs, draw_attention_compare, draw_attention_heatmap, draw_attention_lines,
    draw_attention_model_grid, draw_bipartite_attention, draw_embedding_scatter,
    draw_matrix_heatmap, draw_pe_heatmap, draw_pe_lines, draw_pe_similarity, draw_rnn_flow,
    rnn_retention, AttentionOptions, AttentionShape, AxisSpec, CellGrid, EmbeddingScatterData,
    HeatmapSpec, HoverMap, HoverTarget, Matrix, ModelGridOptions, PixelRect, PointKind, RowOrder,
    TokenSide, XAxisSide,
};
use attend_core::{position_similarity, positional_encoding, PositionalEncoding};
use common::{
    arcs_spec, cross_spec, render, rnn_spec, sentence, tokens, toy_attention, ComparePair,
};

fn outside_points(hover: &HoverMap, size: (u32, u32)) -> Vec<(i32, i32)> {
    let r = hover.plot_rect();
    vec![
        (0, 0),
        (-5, r.y0 + 1),
        (r.x0 - 1, r.y0 + 1),
        (r.x1, r.y0 + 1),
        (r.x0 + 1, r.y0 - 1),
        (r.x0 + 1, r.y1),
        (size.0 as i32 - 1, size.1 as i32 - 1),
        (size.0 as i32 + 50, 10),
    ]
}

/// What the heatmap of `pe` reports over dimension `dim` at position `pos`.
fn pe_cell(pe: &PositionalEncoding, dim: usize, pos: usize) -> HoverTarget {
    HoverTarget::Cell {
        row: dim,
        col: pos,
        value: pe.get(pos, dim) as f64,
    }
}

#[test]
fn pe_heatmap_hover_at_every_cell_centre_returns_that_cells_value() {
    let pe = positional_encoding(40, 16, 10_000.0).unwrap();
    let (_, hover) = render((640, 400), |area| draw_pe_heatmap(area, &pe));
    let grid = CellGrid::new(hover.plot_rect(), 16, 40).with_row_order(RowOrder::BottomUp);
    for pos in 0..40 {
        for dim in 0..16 {
            let hit = hover
                .at(grid.cell_center(dim, pos))
                .expect("inside the plot");
            assert_eq!(hit.target, pe_cell(&pe, dim, pos));
            assert!(
                hit.label.contains(&format!("position = {pos}")),
                "{}",
                hit.label
            );
            assert!(
                hit.label.contains(&format!("dimension = {dim}")),
                "{}",
                hit.label
            );
        }
    }
}

#[test]
fn pe_heatmap_hover_is_exact_even_when_cells_are_smaller_than_pixels() {
    let pe = positional_encoding(2048, 1024, 10_000.0).unwrap();
    let (_, hover) = render((600, 400), |area| draw_pe_heatmap(area, &pe));
    let r = hover.plot_rect();
    assert!(r.width() < 2048 && r.height() < 1024);
    let grid = CellGrid::new(r, 1024, 2048).with_row_order(RowOrder::BottomUp);
    for (x, y) in [
        (r.x0, r.y0),
        (r.x0 + 17, r.y0 + 33),
        (r.x1 - 1, r.y1 - 1),
        (r.x0 + r.width() / 2, r.y0 + 5),
    ] {
        let (dim, pos) = grid.cell_at((x, y)).unwrap();
        let hit = hover.at((x, y)).unwrap();
        assert_eq!(hit.target, pe_cell(&pe, dim, pos));
    }
    // dimension 0 is at the bottom: the bottom-left pixel is the first cell;
    // the top-right pixel stands for the last cells and reports the first of them
    assert!(matches!(
        hover.at((r.x0, r.y1 - 1)).unwrap().target,
        HoverTarget::Cell { row: 0, col: 0, .. }
    ));
    let (rows, cols) = (grid.rows_of_pixel(0), grid.cols_of_pixel(r.width() - 1));
    assert_eq!((rows.end, cols.end), (1024, 2048));
    assert_eq!(
        grid.cell_at((r.x1 - 1, r.y0)),
        Some((rows.start, cols.start))
    );
}

#[test]
fn hover_outside_the_plot_is_none_for_every_chart() {
    let pe = positional_encoding(30, 16, 10_000.0).unwrap();
    let data = EmbeddingScatterData {
        words: vec!["a".into(), "b".into()],
        e: vec![(0.5, 0.5), (-0.5, 0.2)],
        p: vec![(0.0, 1.0), (0.84, 0.54)],
    };
    let size = (500, 360);
    let maps = [
        render(size, |a| draw_pe_heatmap(a, &pe)).1,
        render(size, |a| draw_pe_lines(a, &pe, &[0, 3], 16)).1,
        render(size, |a| draw_pe_similarity(a, &pe, 20)).1,
        render(size, |a| draw_embedding_scatter(a, &data, false)).1,
    ];
    for hover in &maps {
        let r = hover.plot_rect();
        assert!(r.width() > 100 && r.height() > 100, "{r:?}");
        assert!(hover.at((r.x0, r.y0)).is_some());
        assert!(hover.at((r.x1 - 1, r.y1 - 1)).is_some());
        for px in outside_points(hover, size) {
            assert_eq!(hover.at(px), None, "{px:?} is outside {r:?}");
        }
    }
}

#[test]
fn pe_similarity_hover_gives_p_q_and_the_dot_product() {
    let pe = positional_encoding(64, 32, 10_000.0).unwrap();
    let n = 24;
    let sim = position_similarity(&pe, n);
    let (_, hover) = render((560, 440), |area| draw_pe_similarity(area, &pe, n));
    let grid = CellGrid::new(hover.plot_rect(), n, n);
    for (p, q) in [(0, 0), (3, 7), (23, 0), (12, 12), (5, 20)] {
        let hit = hover.at(grid.cell_center(q, p)).unwrap();
        assert_eq!(
            hit.target,
            HoverTarget::Cell {
                row: q,
                col: p,
                value: sim[q * n + p] as f64
            }
        );
        assert!(
            hit.label
                .starts_with(&format!("p = {p}, q = {q}\nPE[p]·PE[q] = ")),
            "{}",
            hit.label
        );
    }
    // |PE[p]|² = d/2 on the diagonal
    match hover.at(grid.cell_center(9, 9)).unwrap().target {
        HoverTarget::Cell { value, .. } => assert!((value - 16.0).abs() < 1e-4),
        other => panic!("{other:?}"),
    }
}

#[test]
fn pe_lines_hover_snaps_to_the_nearest_dimension_with_every_lines_value() {
    let pe = positional_encoding(50, 64, 10_000.0).unwrap();
    let positions = [0, 2, 4];
    let (_, hover) = render((640, 400), |area| draw_pe_lines(area, &pe, &positions, 32));
    let r = hover.plot_rect();
    let mid_y = (r.y0 + r.y1) / 2;
    let mut seen = Vec::new();
    for x in r.x0..r.x1 {
        let hit = hover.at((x, mid_y)).unwrap();
        let HoverTarget::Dimension { dim, values } = hit.target else {
            panic!("not a dimension: {:?}", hit.target)
        };
        let expected: Vec<(usize, f64)> = positions
            .iter()
            .map(|&p| (p, pe.get(p, dim) as f64))
            .collect();
        assert_eq!(values, expected);
        // the cursor is at most half a step from the dimension's column
        let step = r.width() as f64 / 32.0;
        assert!(((hit.anchor.0 - x).abs() as f64) <= step / 2.0 + 1.0);
        if seen.last() != Some(&dim) {
            seen.push(dim);
        }
    }
    assert_eq!(
        seen,
        (0..32).collect::<Vec<_>>(),
        "every dimension in order"
    );
    let hit = hover.at((r.x0, mid_y)).unwrap();
    assert_eq!(
        hit.label,
        "dimension 0\nposition 0: 0.0000\nposition 2: 0.9093\nposition 4: -0.7568"
    );
}

#[test]
fn scatter_hover_finds_each_point_at_its_drawn_position() {
    let data = EmbeddingScatterData {
        words: vec!["the".into(), "cat".into(), "sat".into()],
        e: vec![(0.6, 0.9), (-0.8, 0.3), (0.2, -0.7)],
        p: vec![(0.0, 1.0), (0.841, 0.540), (0.909, -0.416)],
    };
    let (svg, hover) = render((640, 480), |area| {
        draw_embedding_scatter(area, &data, false)
    });
    let circles: Vec<(i32, i32)> = svg
        .lines()
        .filter(|l| l.starts_with("<circle"))
        .map(|l| (attr(l, "cx"), attr(l, "cy")))
        .collect();
    let sums = data.sums();
    for (kind, pts) in [
        (PointKind::Word, &data.e),
        (PointKind::Position, &data.p),
        (PointKind::Sum, &sums),
    ] {
        for (index, &(x, y)) in pts.iter().enumerate() {
            // find the pixel that reports this point: scan the plot
            let r = hover.plot_rect();
            let anchor = (r.x0..r.x1)
                .step_by(3)
                .flat_map(|px| (r.y0..r.y1).step_by(3).map(move |py| (px, py)))
                .filter_map(|px| hover.at(px))
                .find(|h| h.target == HoverTarget::Point { kind, index, x, y })
                .unwrap_or_else(|| panic!("{kind:?} {index} is never the nearest"))
                .anchor;
            let hit = hover.at(anchor).unwrap();
            assert_eq!(hit.target, HoverTarget::Point { kind, index, x, y });
            assert!(hit.label.contains(&data.words[index]), "{}", hit.label);
            if kind != PointKind::Position {
                assert!(circles.contains(&anchor), "a dot is drawn at {anchor:?}");
            }
        }
    }
}

#[test]
fn labelled_heatmap_hover_uses_the_labels() {
    let tokens: Vec<String> = ["the", "cat", "sat"].map(String::from).to_vec();
    let spec = HeatmapSpec {
        x: AxisSpec::new("key", "key").with_labels(tokens.clone()),
        y: AxisSpec::new("query", "query").with_labels(tokens),
        value_name: "weight".into(),
        ..HeatmapSpec::new(
            Matrix::new(3, 3, vec![0.5, 0.25, 0.25, 0.1, 0.8, 0.1, 0.0, 0.0, 1.0]).unwrap(),
        )
    };
    let (_, hover) = render((400, 400), |area| draw_matrix_heatmap(area, &spec));
    let grid = CellGrid::new(hover.plot_rect(), 3, 3);
    let hit = hover.at(grid.cell_center(1, 2)).unwrap();
    assert_eq!(
        hit.target,
        HoverTarget::Cell {
            row: 1,
            col: 2,
            value: 0.1f32 as f64
        }
    );
    assert_eq!(hit.label, "key = sat, query = cat\nweight = 0.1000");
    assert_eq!(hit.anchor, grid.cell_center(1, 2));
}

#[test]
fn attention_heatmap_hover_gives_query_key_and_weight_at_every_cell() {
    let words = tokens(&["[CLS]", "the", "cat", "sat", "down", "[SEP]"]);
    let weights = toy_attention(6, 0);
    for key_side in [XAxisSide::Bottom, XAxisSide::Top] {
        let options = AttentionOptions {
            key_side,
            ..AttentionOptions::titled("Layer 3, head 7")
        };
        let (_, hover) = render((560, 480), |area| {
            draw_attention_heatmap(area, &words, &weights, &options)
        });
        // query 0 at the top, key 0 at the left
        let grid = CellGrid::new(hover.plot_rect(), 6, 6);
        for q in 0..6 {
            for k in 0..6 {
                let hit = hover.at(grid.cell_center(q, k)).expect("inside the map");
                assert_eq!(
                    hit.target,
                    HoverTarget::Cell {
                        row: q,
                        col: k,
                        value: weights[q * 6 + k] as f64
                    }
                );
                assert_eq!(
                    hit.label,
                    format!(
                        "{} ({q}) → {} ({k})\nattention = {:.4}",
                        words[q],
                        words[k],
                        weights[q * 6 + k]
                    )
                );
                assert_eq!(hit.anchor, grid.cell_center(q, k));
            }
        }
        let hit = hover.at(grid.cell_center(2, 3)).unwrap();
        assert!(hit.label.starts_with("cat (2) → sat (3)\nattention = 0."));
        let r = hover.plot_rect();
        assert_eq!(hover.at((r.x0 - 1, r.y0)), None);
        assert_eq!(hover.at((r.x0, r.y1)), None);
    }
}

#[test]
fn long_attention_heatmap_hover_is_exact_for_forty_tokens() {
    let words = sentence(41);
    let weights = toy_attention(41, 2);
    let (_, hover) = render((720, 720), |area| {
        draw_attention_heatmap(area, &words, &weights, &AttentionOptions::default())
    });
    let grid = CellGrid::new(hover.plot_rect(), 41, 41);
    for (q, k) in [(0, 0), (40, 40), (7, 33), (33, 7), (20, 21)] {
        let hit = hover.at(grid.cell_center(q, k)).unwrap();
        assert_eq!(
            hit.target,
            HoverTarget::Cell {
                row: q,
                col: k,
                value: weights[q * 41 + k] as f64
            }
        );
        assert!(hit
            .label
            .starts_with(&format!("{} ({q}) → {} ({k})\n", words[q], words[k])));
    }
}

/// The rows of the head view: its hover rectangle split into one band per
/// token, as the chart lays them out.
fn token_rows(hover: &HoverMap, t: usize) -> CellGrid {
    CellGrid::new(hover.plot_rect(), t, 1)
}

#[test]
fn attention_lines_hover_names_the_token_on_either_side() {
    let words = tokens(&["[CLS]", "the", "cat", "sat", "down", "[SEP]"]);
    let weights = toy_attention(6, 0);
    for focus in [None, Some(2)] {
        let (_, hover) = render((480, 400), |area| {
            draw_attention_lines(area, &words, &weights, focus)
        });
        let r = hover.plot_rect();
        let rows = token_rows(&hover, 6);
        for i in 0..6 {
            let y = rows.cell_center(i, 0).1;
            let query = hover.at((r.x0 + 1, y)).expect("over the query column");
            assert_eq!(
                query.target,
                HoverTarget::Token {
                    side: TokenSide::Query,
                    index: i
                }
            );
            let key = hover.at((r.x1 - 2, y)).expect("over the key column");
            assert_eq!(
                key.target,
                HoverTarget::Token {
                    side: TokenSide::Key,
                    index: i
                }
            );
            assert_eq!(query.anchor.1, y);
            // the strongest key of the query, the strongest query of the key
            let (k, v) = strongest((0..6).map(|k| (k, weights[i * 6 + k])));
            assert_eq!(
                query.label,
                format!(
                    "query {} ({i})\nmost attention → {} ({k}) = {v:.4}",
                    words[i], words[k]
                )
            );
            let (q, v) = strongest((0..6).map(|q| (q, weights[q * 6 + i])));
            assert_eq!(
                key.label,
                format!(
                    "key {} ({i})\nmost attention from {} ({q}) = {v:.4}",
                    words[i], words[q]
                )
            );
        }
        // between the columns, over the lines: nothing
        assert_eq!(
            hover.at(((r.x0 + r.x1) / 2, rows.cell_center(2, 0).1)),
            None
        );
    }
}

#[test]
fn model_grid_hover_at_each_thumbnail_centre_gives_its_layer_and_head() {
    let (layers, heads, t) = (3, 4, 6);
    let weights: Vec<f32> = (0..12).flat_map(|i| toy_attention(t, i)).collect();
    let shape = AttentionShape::new(layers, heads, t);
    let (_, hover) = render((560, 420), |area| {
        draw_attention_model_grid(area, &weights, shape, &ModelGridOptions::default())
    });
    let grid = CellGrid::new(hover.plot_rect(), layers, heads);
    for layer in 0..layers {
        for head in 0..heads {
            let hit = hover.at(grid.cell_center(layer, head)).unwrap();
            assert_eq!(hit.target, HoverTarget::Head { layer, head });
            let max = shape
                .head(&weights, layer, head)
                .unwrap()
                .iter()
                .cloned()
                .fold(f32::MIN, f32::max);
            assert_eq!(
                hit.label,
                format!("layer {layer}, head {head}\nmax weight = {max:.4}")
            );
            // a click in the gap at the square's corner picks the same head
            let cell = grid.cell_rect(layer, head);
            assert_eq!(hover.at((cell.x0, cell.y0)).unwrap().target, hit.target);
        }
    }
    let r = hover.plot_rect();
    assert_eq!(hover.at((r.x0 - 1, r.y0)), None);
    assert_eq!(hover.at((r.x1, r.y1 - 1)), None);
}

#[test]
fn model_grid_hover_is_right_in_a_sub_area() {
    // drawn in the right half: the map answers in backend pixels
    let weights: Vec<f32> = (0..4).flat_map(|i| toy_attention(5, i)).collect();
    let shape = AttentionShape::new(2, 2, 5);
    let (_, hover) = render((800, 400), |root| {
        let (_, right) = root.split_horizontally(400);
        draw_attention_model_grid(&right, &weights, shape, &ModelGridOptions::default())
    });
    let r = hover.plot_rect();
    assert!(r.x0 > 400, "{r:?}");
    let grid = CellGrid::new(r, 2, 2);
    assert_eq!(
        hover.at(grid.cell_center(1, 0)).unwrap().target,
        HoverTarget::Head { layer: 1, head: 0 }
    );
}

/// Where the compare chart's hover answers for `panel`: its map.
fn panel_rect(hover: &HoverMap, panel: usize) -> PixelRect {
    let r = hover.plot_rect();
    let is_panel = |px: (i32, i32)| {
        matches!(
            hover.at(px).map(|h| h.target),
            Some(HoverTarget::PanelCell { panel: p, .. }) if p == panel
        )
    };
    let span = |hits: Vec<i32>| (hits[0], hits[hits.len() - 1] + 1);
    let mid_y = (r.y0 + r.y1) / 2;
    let (x0, x1) = span((r.x0..r.x1).filter(|&x| is_panel((x, mid_y))).collect());
    let mid_x = (x0 + x1) / 2;
    let (y0, y1) = span((r.y0..r.y1).filter(|&y| is_panel((mid_x, y))).collect());
    PixelRect { x0, y0, x1, y1 }
}

#[test]
fn compare_lines_up_maps_of_different_lengths() {
    let pair = ComparePair {
        names: ["short", "long"],
        tokens: [sentence(5), sentence(30)],
        weights: [toy_attention(5, 0), toy_attention(30, 1)],
    };
    let wb = &pair.weights[1];
    let (left, right) = pair.panels();
    let (_, hover) = render((1000, 560), |area| {
        draw_attention_compare(area, &left, &right, &AttentionOptions::default())
    });
    let (lr, rr) = (panel_rect(&hover, 0), panel_rect(&hover, 1));
    assert_eq!((lr.y0, lr.y1), (rr.y0, rr.y1), "{lr:?} {rr:?}");
    let grid = CellGrid::new(rr, 30, 30);
    let hit = hover.at(grid.cell_center(29, 3)).unwrap();
    assert_eq!(
        hit.target,
        HoverTarget::PanelCell {
            panel: 1,
            row: 29,
            col: 3,
            value: wb[29 * 30 + 3] as f64
        }
    );
    assert!(
        hit.label.starts_with("long\n[SEP] (29) → w3 (3)\n"),
        "{}",
        hit.label
    );
}

#[test]
fn compare_hover_answers_on_both_halves_and_names_the_sentence() {
    let pair = ComparePair::dog_bites_man();
    let ([a, b], [wa, wb]) = (&pair.tokens, &pair.weights);
    let (left, right) = pair.panels();
    let (_, hover) = render((900, 460), |area| {
        draw_attention_compare(area, &left, &right, &AttentionOptions::default())
    });
    // each panel's map is where the hover answers for it
    let (lr, rr) = (panel_rect(&hover, 0), panel_rect(&hover, 1));
    assert!(lr.x1 <= rr.x0, "left {lr:?} right {rr:?}");
    // the maps line up
    assert_eq!((lr.y0, lr.y1), (rr.y0, rr.y1));
    for (panel, rect, words, weights, name) in [
        (0, lr, a, wa, "Dog bites man"),
        (1, rr, b, wb, "Man bites dog"),
    ] {
        let grid = CellGrid::new(rect, 5, 5);
        for q in 0..5 {
            for k in 0..5 {
                let hit = hover.at(grid.cell_center(q, k)).unwrap();
                assert_eq!(
                    hit.target,
                    HoverTarget::PanelCell {
                        panel,
                        row: q,
                        col: k,
                        value: weights[q * 5 + k] as f64
                    }
                );
                assert_eq!(
                    hit.label,
                    format!(
                        "{name}\n{} ({q}) → {} ({k})\nattention = {:.4}",
                        words[q],
                        words[k],
                        weights[q * 5 + k]
                    )
                );
            }
        }
    }
    // between the maps: nothing
    assert_eq!(hover.at(((lr.x1 + rr.x0) / 2, (lr.y0 + lr.y1) / 2)), None);
}

/// The first `(index, weight)` with the largest weight.
fn strongest(weights: impl Iterator<Item = (usize, f32)>) -> (usize, f32) {
    weights.fold((0, f32::MIN), |b, c| if c.1 > b.1 { c } else { b })
}

fn attr(line: &str, name: &str) -> i32 {
    let key = format!("{name}=\"");
    let start = line.find(&key).unwrap() + key.len();
    let end = start + line[start..].find('"').unwrap();
    line[start..end].parse().unwrap()
}

/// The `(x, y)` of the `<text>` whose content is `content` (the only one).
fn text_at(svg: &str, content: &str) -> (i32, i32) {
    let escaped = content.replace('<', "&lt;").replace('>', "&gt;");
    let lines: Vec<&str> = svg.lines().collect();
    let found: Vec<(i32, i32)> = lines
        .windows(2)
        .filter(|w| w[0].starts_with("<text") && w[1] == escaped)
        .map(|w| (attr(w[0], " x"), attr(w[0], " y")))
        .collect();
    assert_eq!(found.len(), 1, "{content}: {found:?}");
    found[0]
}

#[test]
fn rnn_flow_hover_gives_the_first_words_share_in_each_state() {
    let spec = rnn_spec();
    let (svg, hover) = render((640, 320), |area| draw_rnn_flow(area, &spec));
    // 0.6³ / (0.6³ + 0.6² + 0.6 + 1) = 0.216 / 2.176
    let first = [1.0, 0.375, 0.36 / 1.96, 0.216 / 2.176];
    let grid = CellGrid::new(hover.plot_rect(), 1, 6);
    for (t, &share) in first.iter().enumerate() {
        let hit = hover.at(grid.cell_center(0, t)).expect("inside");
        let HoverTarget::Cell { row, col, value } = hit.target else {
            panic!("not a cell: {:?}", hit.target)
        };
        assert_eq!((row, col), (t, 0));
        assert!((value - share).abs() < 1e-6, "h{t}: {value} vs {share}");
        assert_eq!(value, rnn_retention(6, 4, 0.6)[t][0] as f64);
        assert!(hit
            .label
            .contains(&format!("after reading “{}”", spec.tokens[t])));
        assert_eq!(hit.anchor.0, grid.cell_center(0, t).0);
    }
    let hit = hover.at(grid.cell_center(0, 3)).unwrap();
    assert!(hit.label.contains("The: 0.0993"), "{}", hit.label);
    assert!(hit.label.contains("on: 0.4596"), "{}", hit.label);
    // the states not read yet have no value
    for t in 4..6 {
        let hit = hover.at(grid.cell_center(0, t)).unwrap();
        assert!(
            matches!(hit.target, HoverTarget::Cell { row, col: 0, value } if row == t && value.is_nan())
        );
        assert!(hit.label.contains("not read yet"), "{}", hit.label);
    }
    // the label h₃ above the third state and the word "sat" under it
    // both answer with state 2
    for content in ["h₃", "sat"] {
        let hit = hover.at(text_at(&svg, content)).unwrap();
        assert!(
            matches!(hit.target, HoverTarget::Cell { row: 2, col: 0, .. }),
            "{content}: {:?}",
            hit.target
        );
    }
    let r = hover.plot_rect();
    assert_eq!(hover.at((r.x0 - 1, r.y0 + 5)), None);
    assert_eq!(hover.at((r.x0 + 5, r.y1)), None);
}

#[test]
fn attention_arcs_hover_names_a_token_and_its_strongest_arcs() {
    let spec = arcs_spec();
    let (svg, hover) = render((640, 340), |area| draw_attention_arcs(area, &spec));
    for (i, word) in spec.tokens.iter().enumerate() {
        let hit = hover
            .at(text_at(&svg, word))
            .unwrap_or_else(|| panic!("{word}"));
        assert_eq!(
            hit.target,
            HoverTarget::Token {
                side: TokenSide::Query,
                index: i
            }
        );
    }
    let label = |i: usize| {
        let grid = CellGrid::new(hover.plot_rect(), 1, 6);
        hover.at(grid.cell_center(0, i)).unwrap().label
    };
    assert_eq!(
        label(3),
        "“crossed” (3)\nattends most to “animal” (2) = 0.9000 (verb → subject)"
    );
    assert_eq!(
        label(2),
        "“animal” (2)\nmost attention from “crossed” (3) = 0.9000 (verb → subject)"
    );
    // the arc crossed → road (0.3) is not revealed yet: road's strongest
    // is from "the"
    assert_eq!(
        label(5),
        "“road” (5)\nmost attention from “the” (4) = 0.5000 (article → noun)"
    );
    // above the feet of the arcs: nothing
    let r = hover.plot_rect();
    assert_eq!(hover.at((r.x0 + 5, r.y0 - 1)), None);
}

#[test]
fn bipartite_hover_gives_the_query_or_key_under_the_cursor() {
    let spec = cross_spec(Some(1));
    let (svg, hover) = render((640, 380), |area| draw_bipartite_attention(area, &spec));
    for (i, word) in spec.queries.iter().enumerate() {
        let hit = hover.at(text_at(&svg, word)).unwrap();
        assert_eq!(
            hit.target,
            HoverTarget::Token {
                side: TokenSide::Query,
                index: i
            },
            "{word}"
        );
    }
    for (i, word) in spec.keys.iter().enumerate() {
        let hit = hover.at(text_at(&svg, word)).unwrap();
        assert_eq!(
            hit.target,
            HoverTarget::Token {
                side: TokenSide::Key,
                index: i
            },
            "{word}"
        );
    }
    let chat = hover.at(text_at(&svg, "chat")).unwrap();
    assert_eq!(
        chat.label,
        "query “chat” (1)\nmost attention → “cat” (1) = 0.8500"
    );
    let black = hover.at(text_at(&svg, "black")).unwrap();
    assert_eq!(
        black.label,
        "key “black” (3)\nmost attention from “noir” (3) = 0.8500"
    );
    // between the rows, over the lines: nothing
    let (q, k) = (text_at(&svg, "chat"), text_at(&svg, "cat"));
    assert_eq!(hover.at((q.0, (q.1 + k.1) / 2)), None);
}
