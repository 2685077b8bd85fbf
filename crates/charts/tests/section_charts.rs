//! The charts of the self-attention and masking sections: snapshots at a
//! fixed size (`UPDATE_SNAPSHOTS=1` rewrites them) and hover answers with
//! the exact values drawn.

mod common;

use attend_charts::{
    draw_bars, draw_masked_matrix, draw_stacked_values, BarSpec, CellGrid, HoverTarget,
    MaskedMatrixSpec, Matrix, StackedSpec,
};
use common::{assert_snapshot, render, render_err, texts, tokens};

fn words() -> Vec<String> {
    tokens(&["the", "animal", "was", "tired", "it"])
}

fn score_bars() -> BarSpec {
    BarSpec {
        highlight: Some(4),
        caption: Some("Step 1: scores of “it”".into()),
        y_title: "q·k / √d_k".into(),
        value_name: "score".into(),
        ..BarSpec::new(words(), vec![0.42, 1.37, -0.61, 0.05, 0.88])
    }
}

fn stacked() -> StackedSpec {
    StackedSpec {
        labels: words(),
        parts: vec![
            vec![0.10, -0.05, 0.02, 0.30],
            vec![0.40, 0.20, -0.30, 0.10],
            vec![-0.02, 0.01, 0.05, -0.04],
            vec![0.05, 0.05, 0.05, 0.05],
            vec![0.20, -0.25, 0.10, 0.00],
        ],
        highlight: Some(4),
        caption: Some("Step 3: weighted values".into()),
    }
}

fn causal_scores() -> MaskedMatrixSpec {
    let ninf = f32::NEG_INFINITY;
    let values = Matrix::from_fn(4, 4, |r, c| {
        if c > r {
            ninf
        } else {
            (r as f32 - c as f32) * 0.5 - 0.3
        }
    });
    MaskedMatrixSpec {
        values,
        tokens: tokens(&["the", "cat", "sat", "down"]),
        caption: Some("Masked scores".into()),
        value_name: "score".into(),
        decimals: 2,
        scale: None,
    }
}

#[test]
fn bars_snapshot() {
    let (svg, _) = render((640, 360), |area| draw_bars(area, &score_bars()));
    assert_snapshot("bars", &svg);
    // every value is written at its bar
    let written = texts(&svg);
    for v in ["0.42", "1.37", "-0.61", "0.05", "0.88"] {
        assert!(written.iter().any(|t| t.contains(v)), "{v} in {written:?}");
    }
}

#[test]
fn bars_hover_answers_with_each_bars_value() {
    let spec = score_bars();
    let (_, hover) = render((640, 360), |area| draw_bars(area, &spec));
    let grid = CellGrid::new(hover.plot_rect(), 1, 5);
    for (i, &v) in spec.values.iter().enumerate() {
        let hit = hover.at(grid.cell_center(0, i)).expect("inside");
        assert_eq!(
            hit.target,
            HoverTarget::Cell {
                row: 0,
                col: i,
                value: v as f64
            }
        );
        assert!(hit.label.starts_with(&format!("{} ({i})", spec.labels[i])));
        assert!(
            hit.label.contains(&format!("score = {:.4}", v)),
            "{}",
            hit.label
        );
    }
    // the top of the plot over a short bar still names that bar
    let r = hover.plot_rect();
    let top = hover.at((grid.cell_center(0, 2).0, r.y0)).unwrap();
    assert!(matches!(top.target, HoverTarget::Cell { col: 2, .. }));
    assert!(hover.at((r.x0 - 1, r.y0 + 1)).is_none());
}

#[test]
fn bars_refuse_mismatched_input() {
    let mut spec = score_bars();
    spec.values.pop();
    render_err((300, 200), |area| draw_bars(area, &spec));
    let mut spec = score_bars();
    spec.highlight = Some(9);
    render_err((300, 200), |area| draw_bars(area, &spec));
    let mut spec = score_bars();
    spec.values[0] = f32::NAN;
    render_err((300, 200), |area| draw_bars(area, &spec));
}

#[test]
fn weight_bars_snapshot() {
    let spec = BarSpec {
        highlight: Some(1),
        y_title: "weight".into(),
        value_name: "weight".into(),
        unit_range: true,
        ..BarSpec::new(words(), vec![0.1, 0.5, 0.05, 0.15, 0.2])
    };
    let (svg, _) = render((640, 360), |area| draw_bars(area, &spec));
    assert_snapshot("bars_weights", &svg);
}

#[test]
fn stacked_values_snapshot() {
    let (svg, _) = render((640, 420), |area| draw_stacked_values(area, &stacked()));
    assert_snapshot("stacked_values", &svg);
}

#[test]
fn stacked_values_hover_lists_every_part_and_the_sum() {
    let spec = stacked();
    let output = spec.output();
    let (_, hover) = render((640, 420), |area| draw_stacked_values(area, &spec));
    let grid = CellGrid::new(hover.plot_rect(), 1, 4);
    for dim in 0..4 {
        let hit = hover.at(grid.cell_center(0, dim)).expect("inside");
        let HoverTarget::Dimension { dim: d, values } = hit.target else {
            panic!("not a dimension: {:?}", hit.target)
        };
        assert_eq!(d, dim);
        let expected: Vec<(usize, f64)> = spec
            .parts
            .iter()
            .enumerate()
            .map(|(j, p)| (j, p[dim] as f64))
            .collect();
        assert_eq!(values, expected);
        assert!(
            hit.label
                .contains(&format!("output = {:.4}", output[dim] as f64)),
            "{}",
            hit.label
        );
        assert!(hit.label.contains("animal: "), "{}", hit.label);
    }
    // the output of dimension 0 is 0.10 + 0.40 − 0.02 + 0.05 + 0.20 = 0.73
    assert!((output[0] - 0.73).abs() < 1e-6);
}

#[test]
fn masked_matrix_snapshot_writes_minus_infinity() {
    let (svg, _) = render((560, 480), |area| {
        draw_masked_matrix(area, &causal_scores())
    });
    assert_snapshot("masked_matrix", &svg);
    let infinities = texts(&svg).iter().filter(|t| t.contains("−∞")).count();
    assert_eq!(infinities, 6, "the upper triangle of 4×4 has 6 cells");
    // the masked cells get their own fill
    assert!(svg.contains("#ECECEC") || svg.contains("#ececec"));
}

#[test]
fn masked_matrix_hover_reports_minus_infinity_and_scores() {
    let spec = causal_scores();
    let (_, hover) = render((560, 480), |area| draw_masked_matrix(area, &spec));
    let grid = CellGrid::new(hover.plot_rect(), 4, 4);
    for r in 0..4 {
        for c in 0..4 {
            let hit = hover.at(grid.cell_center(r, c)).expect("inside");
            let HoverTarget::Cell { row, col, value } = hit.target else {
                panic!("not a cell")
            };
            assert_eq!((row, col), (r, c));
            assert_eq!(value, spec.values.get(r, c) as f64);
            if c > r {
                assert_eq!(value, f64::NEG_INFINITY);
                assert!(hit.label.contains("−∞ (masked)"), "{}", hit.label);
            } else {
                assert!(
                    hit.label.contains(&format!("score = {:.4}", value)),
                    "{}",
                    hit.label
                );
            }
        }
    }
    let hit = hover.at(grid.cell_center(2, 1)).unwrap();
    assert!(hit.label.starts_with("sat (2) → cat (1)"), "{}", hit.label);
}

#[test]
fn masked_matrix_refuses_a_wrong_size() {
    let mut spec = causal_scores();
    spec.tokens.pop();
    render_err((300, 300), |area| draw_masked_matrix(area, &spec));
}
