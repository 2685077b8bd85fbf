//! What the charts draw, counted in the SVG, and how they treat bad input.

mod common;

use attend_charts::colorbar::colorbar_ticks;
use attend_charts::{
    draw_embedding_scatter, draw_matrix_heatmap, draw_pe_heatmap, draw_pe_lines,
    draw_pe_similarity, AxisSpec, CellGrid, ChartError, ColorScale, EmbeddingScatterData,
    HeatmapSpec, Matrix, RowOrder,
};
use attend_core::{positional_encoding, PositionalEncoding};
use common::{count, render, render_err};

fn scatter(n: usize) -> EmbeddingScatterData {
    EmbeddingScatterData {
        words: (0..n).map(|i| format!("w{i}")).collect(),
        e: (0..n)
            .map(|i| ((i as f64).cos() * 1.5, (i as f64 * 0.7).sin()))
            .collect(),
        p: (0..n)
            .map(|i| ((i as f64).sin() + 0.3, (i as f64).cos()))
            .collect(),
    }
}

#[test]
fn big_heatmap_is_drawn_per_pixel_not_per_cell() {
    let pe = positional_encoding(2048, 1024, 10_000.0).unwrap();
    let started = std::time::Instant::now();
    let (svg, hover) = render((600, 400), |area| draw_pe_heatmap(area, &pe));
    let elapsed = started.elapsed();
    let r = hover.plot_rect();
    let pixels = (r.width() * r.height()) as usize;
    let rects = count(&svg, "<rect");
    // at most one rectangle per pixel (plus the colour bar's), far below
    // the 2,097,152 cells
    assert!(
        rects <= pixels + r.height() as usize + 16,
        "{rects} rects for {pixels} pixels"
    );
    assert!(rects < 2048 * 1024 / 8, "{rects} rects");
    assert!(elapsed.as_secs() < 20, "took {elapsed:?}");
}

#[test]
fn small_heatmap_has_at_most_one_rectangle_per_cell() {
    let pe = positional_encoding(20, 8, 10_000.0).unwrap();
    let (svg, _) = render((600, 400), |area| draw_pe_heatmap(area, &pe));
    let bar_rects = 400; // the colour bar's gradient, at most a band per row
    assert!(count(&svg, "<rect") <= 20 * 8 + bar_rects);
}

#[test]
fn pe_heatmap_has_its_axis_titles_and_a_minus_one_to_one_colour_bar() {
    let pe = positional_encoding(30, 16, 10_000.0).unwrap();
    let (svg, _) = render((600, 400), |area| draw_pe_heatmap(area, &pe));
    assert!(svg.contains(">\nposition\n</text>") || svg.contains(">position"));
    for label in ["position", "dimension", "-1.0", "-0.5", "0.0", "0.5", "1.0"] {
        assert!(svg.contains(label), "missing {label}");
    }
    let ticks: Vec<String> = colorbar_ticks(&ColorScale::new(-1.0, 1.0))
        .into_iter()
        .map(|t| t.1)
        .collect();
    assert_eq!(ticks, ["-1.0", "-0.5", "0.0", "0.5", "1.0"]);
}

/// `(x, y)` of every `<text>` whose content is `content`.
fn text_positions(svg: &str, content: &str) -> Vec<(i32, i32)> {
    let lines: Vec<&str> = svg.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[0].starts_with("<text") && w[1] == content)
        .map(|w| (attr(w[0], "x"), attr(w[0], "y")))
        .collect()
}

fn attr(line: &str, name: &str) -> i32 {
    let key = format!(" {name}=\"");
    let start = line.find(&key).unwrap() + key.len();
    let end = start + line[start..].find('"').unwrap();
    line[start..end].parse().unwrap()
}

#[test]
fn pe_heatmap_ticks_sit_on_their_cells_with_dimension_zero_at_the_bottom() {
    let pe = positional_encoding(64, 32, 10_000.0).unwrap();
    let (svg, hover) = render((640, 400), |area| draw_pe_heatmap(area, &pe));
    let r = hover.plot_rect();
    let grid = CellGrid::new(r, 32, 64).with_row_order(RowOrder::BottomUp);
    // y tick labels are left of the plot, x tick labels below it
    let y_label = |t: &str| {
        text_positions(&svg, t)
            .into_iter()
            .find(|p| p.0 < r.x0)
            .unwrap()
    };
    let x_label = |t: &str| {
        text_positions(&svg, t)
            .into_iter()
            .find(|p| p.1 >= r.y1)
            .unwrap()
    };
    for dim in [0, 10, 30] {
        let cell = grid.cell_rect(dim, 0);
        let y = y_label(&dim.to_string()).1;
        assert!(
            (cell.y0..cell.y1).contains(&y),
            "dimension {dim} label at y={y}, cell {cell:?}"
        );
    }
    assert!(
        y_label("0").1 > y_label("30").1,
        "dimension 0 is below dimension 30"
    );
    for pos in [0, 20, 60] {
        let cell = grid.cell_rect(0, pos);
        let x = x_label(&pos.to_string()).0;
        assert!(
            (cell.x0..cell.x1).contains(&x),
            "position {pos} label at x={x}, cell {cell:?}"
        );
    }
}

#[test]
fn similarity_has_its_axis_titles() {
    let pe = positional_encoding(30, 16, 10_000.0).unwrap();
    let (svg, _) = render((600, 400), |area| draw_pe_similarity(area, &pe, 12));
    assert!(svg.contains("position p") && svg.contains("position q"));
}

#[test]
fn scatter_draws_one_arrow_per_word_and_one_more_from_the_origin_on_request() {
    for n in [1, 4, 7] {
        let data = scatter(n);
        let (svg, _) = render((600, 450), |area| {
            draw_embedding_scatter(area, &data, false)
        });
        assert_eq!(count(&svg, "<polygon"), n, "E → E+P arrows for {n} words");
        let (svg, _) = render((600, 450), |area| draw_embedding_scatter(area, &data, true));
        assert_eq!(
            count(&svg, "<polygon"),
            2 * n,
            "plus 0 → P arrows for {n} words"
        );
        // every word is written next to E and next to E + P
        for w in &data.words {
            assert_eq!(
                svg.matches(&format!(">\n{w}\n</text>")).count()
                    + svg.matches(&format!(">{w}</text>")).count(),
                2,
                "{w}"
            );
        }
    }
}

#[test]
fn scatter_legend_names_the_three_sets() {
    let (svg, _) = render((600, 450), |area| {
        draw_embedding_scatter(area, &scatter(3), false)
    });
    for name in ["word embedding E", "position code P", "E + P"] {
        assert!(svg.contains(name), "missing {name}");
    }
}

#[test]
fn pe_lines_draws_one_line_per_position_and_a_legend() {
    let pe = positional_encoding(50, 64, 10_000.0).unwrap();
    let (svg, _) = render((600, 400), |area| {
        draw_pe_lines(area, &pe, &[0, 2, 4, 9], 20)
    });
    let points_per_polyline: Vec<usize> = svg
        .lines()
        .filter(|l| l.starts_with("<polyline"))
        .map(|l| {
            l.split("points=\"")
                .nth(1)
                .unwrap_or("")
                .split_whitespace()
                .filter(|t| t.contains(','))
                .count()
        })
        .collect();
    // four data lines through the 20 dimensions
    assert_eq!(points_per_polyline.iter().filter(|&&n| n == 20).count(), 4);
    // and markers on each
    assert_eq!(count(&svg, "<circle"), 4 * 20);
    for p in [0, 2, 4, 9] {
        assert!(svg.contains(&format!("position {p}")));
    }
}

#[test]
fn empty_inputs_draw_a_message_and_hover_nothing() {
    let empty_pe = PositionalEncoding {
        max_len: 0,
        d_model: 0,
        base: 10_000.0,
        values: vec![],
    };
    let pe = positional_encoding(10, 8, 10_000.0).unwrap();
    let cases = [
        render((300, 200), |a| draw_pe_heatmap(a, &empty_pe)),
        render((300, 200), |a| draw_pe_similarity(a, &empty_pe, 5)),
        render((300, 200), |a| draw_pe_similarity(a, &pe, 0)),
        render((300, 200), |a| draw_pe_lines(a, &pe, &[], 8)),
        render((300, 200), |a| draw_pe_lines(a, &pe, &[1], 0)),
        render((300, 200), |a| {
            draw_embedding_scatter(a, &EmbeddingScatterData::default(), true)
        }),
        render((300, 200), |a| {
            draw_matrix_heatmap(a, &HeatmapSpec::new(Matrix::new(0, 3, vec![]).unwrap()))
        }),
    ];
    for (svg, hover) in cases {
        assert!(hover.is_empty());
        assert_eq!(hover.at((150, 100)), None);
        assert_eq!(count(&svg, "<text"), 1, "{svg}");
    }
}

#[test]
fn inconsistent_inputs_are_errors_not_panics() {
    let pe = positional_encoding(10, 8, 10_000.0).unwrap();
    let broken_pe = PositionalEncoding {
        values: vec![0.0; 7],
        ..pe.clone()
    };
    let mut short = scatter(3);
    short.p.pop();
    let mut nan = scatter(2);
    nan.e[0].0 = f64::NAN;
    let labelled = HeatmapSpec {
        x: AxisSpec::new("key", "key").with_labels(vec!["a".into()]),
        ..HeatmapSpec::new(Matrix::new(2, 2, vec![0.0; 4]).unwrap())
    };
    let errors = [
        render_err((300, 200), |a| draw_pe_lines(a, &pe, &[10], 8)),
        render_err((300, 200), |a| draw_pe_heatmap(a, &broken_pe)),
        render_err((300, 200), |a| draw_pe_similarity(a, &broken_pe, 4)),
        render_err((300, 200), |a| draw_embedding_scatter(a, &short, false)),
        render_err((300, 200), |a| draw_embedding_scatter(a, &nan, false)),
        render_err((300, 200), |a| draw_matrix_heatmap(a, &labelled)),
    ];
    for e in errors {
        assert!(matches!(e, ChartError::InvalidData(_)), "{e}");
    }
    assert!(Matrix::new(2, 2, vec![0.0; 3]).is_err());
}

#[test]
fn tiny_areas_do_not_panic() {
    let pe = positional_encoding(16, 8, 10_000.0).unwrap();
    for size in [(1, 1), (10, 10), (40, 30)] {
        let _ = render(size, |a| draw_pe_heatmap(a, &pe));
        let _ = render(size, |a| draw_pe_similarity(a, &pe, 8));
        let _ = render(size, |a| draw_pe_lines(a, &pe, &[0, 1], 8));
        let _ = render(size, |a| draw_embedding_scatter(a, &scatter(3), true));
    }
}

#[test]
fn nan_cells_are_drawn_grey() {
    let m = Matrix::new(1, 2, vec![f32::NAN, 1.0]).unwrap();
    let (svg, hover) = render((300, 200), |a| draw_matrix_heatmap(a, &HeatmapSpec::new(m)));
    assert!(svg.contains("#A0A0A0"), "grey cell");
    assert!(!hover.is_empty());
}
