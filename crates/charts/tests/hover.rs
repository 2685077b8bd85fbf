//! The hover maps answer with the exact data under a pixel.

mod common;

use attend_charts::{
    draw_embedding_scatter, draw_matrix_heatmap, draw_pe_heatmap, draw_pe_lines,
    draw_pe_similarity, AxisSpec, CellGrid, EmbeddingScatterData, HeatmapSpec, HoverMap,
    HoverTarget, Matrix, PointKind, RowOrder,
};
use attend_core::{position_similarity, positional_encoding};
use common::render;

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
            assert_eq!(
                hit.target,
                HoverTarget::Cell {
                    row: dim,
                    col: pos,
                    value: pe.get(pos, dim) as f64
                }
            );
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
        assert_eq!(
            hit.target,
            HoverTarget::Cell {
                row: dim,
                col: pos,
                value: pe.get(pos, dim) as f64
            }
        );
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

fn attr(line: &str, name: &str) -> i32 {
    let key = format!("{name}=\"");
    let start = line.find(&key).unwrap() + key.len();
    let end = start + line[start..].find('"').unwrap();
    line[start..end].parse().unwrap()
}
