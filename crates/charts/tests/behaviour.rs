//! What the charts draw, counted in the SVG, and how they treat bad input.

mod common;

use attend_charts::colorbar::colorbar_ticks;
use attend_charts::{
    draw_attention_arcs, draw_attention_compare, draw_attention_heatmap, draw_attention_lines,
    draw_attention_model_grid, draw_bipartite_attention, draw_embedding_scatter,
    draw_matrix_heatmap, draw_pe_heatmap, draw_pe_lines, draw_pe_similarity, draw_rnn_flow,
    rnn_retention, ArcSpec, ArcsSpec, AttentionOptions, AttentionPanel, AttentionScale,
    AttentionShape, AxisSpec, CellGrid, ChartError, ColorScale, EmbeddingScatterData, HeatmapSpec,
    HoverTarget, Matrix, ModelGridOptions, Palette, RnnFlowSpec, RowOrder, XAxisSide,
    ARC_MIN_OPACITY, FOCUS_MIN_OPACITY, MIN_LINE_WEIGHT,
};
use attend_core::{positional_encoding, PositionalEncoding};
use common::{
    arcs_spec, count, cross_spec, long_sentence, render, render_err, rnn_spec, sentence, texts,
    tokens, toy_attention, ComparePair,
};
use plotters::style::RGBColor;

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

/// `#RRGGBB` as the SVG writes it.
fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Texts that look like a weight written in a cell: `0.25`.
fn cell_numbers(svg: &str) -> Vec<String> {
    texts(svg)
        .into_iter()
        .filter(|t| t.len() == 4 && t.as_bytes()[1] == b'.' && t.parse::<f64>().is_ok())
        .map(String::from)
        .collect()
}

#[test]
fn attention_weights_are_written_in_the_cells_up_to_twenty_tokens() {
    for (t, size) in [(6, (560, 480)), (20, (1000, 1000)), (21, (1000, 1000))] {
        let (words, weights) = (sentence(t), toy_attention(t, 1));
        let (svg, _) = render(size, |area| {
            draw_attention_heatmap(area, &words, &weights, &AttentionOptions::default())
        });
        let mut written = cell_numbers(&svg);
        if t <= 20 {
            let mut expected: Vec<String> = weights.iter().map(|w| format!("{w:.2}")).collect();
            written.sort();
            expected.sort();
            assert_eq!(written, expected, "{t} tokens");
        } else {
            assert!(written.is_empty(), "{t} tokens: {written:?}");
        }
    }
}

/// `(x, text)` of every upright text.
fn upright_texts(svg: &str) -> Vec<(i32, String)> {
    let lines: Vec<&str> = svg.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[0].starts_with("<text") && w[0].contains("rotate(270"))
        .map(|w| (attr(w[0], "x"), w[1].to_string()))
        .collect()
}

#[test]
fn forty_tokens_keep_every_label_with_keys_upright_on_their_columns() {
    let (words, weights) = (sentence(41), toy_attention(41, 2));
    for key_side in [XAxisSide::Bottom, XAxisSide::Top] {
        let options = AttentionOptions {
            key_side,
            ..AttentionOptions::default()
        };
        let (svg, hover) = render((720, 720), |area| {
            draw_attention_heatmap(area, &words, &weights, &options)
        });
        let grid = CellGrid::new(hover.plot_rect(), 41, 41);
        let keys: Vec<(i32, String)> = upright_texts(&svg)
            .into_iter()
            .filter(|(_, t)| words.contains(t))
            .collect();
        let names: Vec<&String> = keys.iter().map(|(_, t)| t).collect();
        assert_eq!(
            names,
            words.iter().collect::<Vec<_>>(),
            "every key, in order"
        );
        for (k, (x, _)) in keys.iter().enumerate() {
            let cell = grid.cell_rect(0, k);
            assert!((cell.x0..cell.x1).contains(x), "key {k} at x={x}, {cell:?}");
        }
        // every query down the side too: each token written twice
        let all = texts(&svg);
        for w in &words {
            assert_eq!(all.iter().filter(|t| *t == w).count(), 2, "{w}");
        }
        // the key axis title on the keys' side
        let title_y = text_positions(&svg, "key")[0].1;
        let r = hover.plot_rect();
        match key_side {
            XAxisSide::Bottom => assert!(title_y > r.y1),
            XAxisSide::Top => assert!(title_y < r.y0),
        }
    }
}

#[test]
fn short_sentences_keep_their_key_labels_across() {
    let words = tokens(&["[CLS]", "the", "cat", "sat", "down", "[SEP]"]);
    let weights = toy_attention(6, 0);
    let (svg, _) = render((560, 480), |area| {
        draw_attention_heatmap(area, &words, &weights, &AttentionOptions::default())
    });
    assert!(upright_texts(&svg).iter().all(|(_, t)| !words.contains(t)));
    for w in &words {
        assert_eq!(texts(&svg).iter().filter(|t| *t == w).count(), 2, "{w}");
    }
}

#[test]
fn attention_colours_follow_the_palette_and_the_scale() {
    let one = tokens(&["[CLS]"]);
    for (palette, top) in [
        (Palette::Viridis, RGBColor(253, 231, 37)),
        (Palette::Cividis, RGBColor(254, 232, 56)),
    ] {
        let options = AttentionOptions {
            palette,
            ..AttentionOptions::default()
        };
        let (svg, _) = render((300, 300), |a| {
            draw_attention_heatmap(a, &one, &[1.0], &options)
        });
        assert!(
            svg.contains(&format!("fill=\"{}\"", hex(top))),
            "{palette:?}"
        );
    }
    // fitted, the largest weight gets the top colour even when it is 0.75
    let two = tokens(&["a", "b"]);
    let weights = [0.5, 0.5, 0.25, 0.75];
    let top = format!("fill=\"{}\"", hex(Palette::Viridis.color(1.0)));
    for (scale, has_top) in [
        (AttentionScale::Unit, false),
        (AttentionScale::Fitted, true),
    ] {
        let options = AttentionOptions {
            scale,
            ..AttentionOptions::default()
        };
        let (svg, _) = render((300, 300), |a| {
            draw_attention_heatmap(a, &two, &weights, &options)
        });
        let plot_rects = svg
            .lines()
            .filter(|l| l.starts_with("<rect") && l.contains(&top) && !l.contains("height=\"1\""))
            .count();
        assert_eq!(plot_rects > 0, has_top, "{scale:?}");
    }
}

/// `(opacity, first point)` of every line.
fn lines_of(svg: &str) -> Vec<(f64, (i32, i32))> {
    svg.lines()
        .filter(|l| l.starts_with("<polyline"))
        .map(|l| {
            let opacity = l.split("opacity=\"").nth(1).unwrap();
            let opacity: f64 = opacity[..opacity.find('"').unwrap()].parse().unwrap();
            let points = l.split("points=\"").nth(1).unwrap();
            let first = points.split_whitespace().next().unwrap();
            let (x, y) = first.split_once(',').unwrap();
            (opacity, (x.parse().unwrap(), y.parse().unwrap()))
        })
        .collect()
}

#[test]
fn head_view_draws_a_line_per_visible_weight_and_focus_keeps_one_querys() {
    for t in [6, 12] {
        let (words, weights) = (sentence(t), toy_attention(t, 5));
        let visible = |w: &&f32| **w >= MIN_LINE_WEIGHT;
        let (svg, _) = render((480, 400), |area| {
            draw_attention_lines(area, &words, &weights, None)
        });
        let lines = lines_of(&svg);
        assert_eq!(lines.len(), weights.iter().filter(visible).count());
        // opacity is the weight, the faintest drawn first
        let mut expected: Vec<f64> = weights.iter().filter(visible).map(|&w| w as f64).collect();
        expected.sort_by(f64::total_cmp);
        let drawn: Vec<f64> = lines.iter().map(|l| l.0).collect();
        for (d, e) in drawn.iter().zip(&expected) {
            assert!((d - e).abs() < 1e-6, "{d} vs {e}");
        }
        assert_eq!(count(&svg, "<rect"), 1, "the background, no highlight");

        for focus in [0, 2, t - 1] {
            let (svg, hover) = render((480, 400), |area| {
                draw_attention_lines(area, &words, &weights, Some(focus))
            });
            let lines = lines_of(&svg);
            let row = &weights[focus * t..(focus + 1) * t];
            assert_eq!(
                lines.len(),
                row.iter().filter(visible).count(),
                "focus {focus}"
            );
            // all from the focused query's row
            let y = CellGrid::new(hover.plot_rect(), t, 1)
                .cell_center(focus, 0)
                .1;
            assert!(lines.iter().all(|l| l.1 .1 == y), "{lines:?} from y={y}");
            // the focused query is tinted and written in the line colour
            assert_eq!(
                count(&svg, "<rect"),
                2,
                "the background and a highlight band"
            );
            let blue: Vec<&str> = svg
                .lines()
                .collect::<Vec<_>>()
                .windows(2)
                .filter(|w| w[0].starts_with("<text") && w[0].contains("#0072B2"))
                .map(|w| w[1])
                .collect();
            assert_eq!(blue, [words[focus].as_str()]);
        }
    }
}

#[test]
fn model_grid_of_a_whole_model_is_drawn_per_pixel() {
    // BERT-base-like: 6 layers shown × 12 heads, 128 tokens
    let (layers, heads, t) = (6, 12, 128);
    let weights: Vec<f32> = (0..(layers * heads) as u32)
        .flat_map(|i| toy_attention(t, i))
        .collect();
    let shape = AttentionShape::new(layers, heads, t);
    let started = std::time::Instant::now();
    let (svg, hover) = render((900, 520), |area| {
        draw_attention_model_grid(
            area,
            &weights,
            shape,
            &ModelGridOptions {
                highlight: Some((5, 11)),
                ..ModelGridOptions::default()
            },
        )
    });
    let elapsed = started.elapsed();
    let r = hover.plot_rect();
    let pixels = (r.width() * r.height()) as usize;
    let rects = count(&svg, "<rect");
    assert!(rects <= pixels + 2, "{rects} rects for {pixels} pixels");
    assert!(rects < layers * heads * t * t / 8, "{rects} rects");
    assert!(elapsed.as_secs() < 20, "took {elapsed:?}");
    for l in 0..layers {
        assert!(svg.contains(&format!(">\nL{l}\n</text>")), "L{l}");
    }
    for h in 0..heads {
        assert!(svg.contains(&format!(">\nH{h}\n</text>")), "H{h}");
    }
    let grid = CellGrid::new(r, layers, heads);
    assert_eq!(
        hover.at(grid.cell_center(5, 11)).unwrap().target,
        HoverTarget::Head { layer: 5, head: 11 }
    );
}

#[test]
fn compare_shares_one_colour_scale_and_one_colour_bar() {
    let pair = ComparePair::dog_bites_man();
    let [wa, wb] = &pair.weights;
    let (left, right) = pair.panels();
    let (svg, _) = render((900, 460), |area| {
        draw_attention_compare(area, &left, &right, &AttentionOptions::default())
    });
    assert_eq!(texts(&svg).iter().filter(|t| **t == "1.0").count(), 1);
    assert!(svg.contains("Dog bites man") && svg.contains("Man bites dog"));
    // fitted to both: the right map's largest weight is below the left's,
    // so it does not get the top colour
    let options = AttentionOptions {
        scale: AttentionScale::Fitted,
        ..AttentionOptions::default()
    };
    let (svg, _) = render((900, 460), |area| {
        draw_attention_compare(area, &left, &right, &options)
    });
    let both: Vec<f32> = [wa.clone(), wb.clone()].concat();
    let shared = ColorScale::fit(&both);
    let right_max = wb.iter().cloned().fold(f32::MIN, f32::max) as f64;
    assert!(right_max < wa.iter().cloned().fold(f32::MIN, f32::max) as f64);
    for w in wa.iter().chain(wb) {
        let fill = format!("fill=\"{}\"", hex(shared.color(*w as f64)));
        assert!(svg.contains(&fill), "{w} as {fill}");
    }
    assert_ne!(
        hex(shared.color(right_max)),
        hex(Palette::Viridis.color(1.0))
    );
}

#[test]
fn attention_charts_refuse_mismatched_inputs() {
    let three = sentence(3);
    let nine = toy_attention(3, 0);
    let eight = &nine[..8];
    let ok = AttentionPanel {
        name: "ok",
        tokens: &three,
        weights: &nine,
    };
    let broken = AttentionPanel {
        name: "broken",
        tokens: &three,
        weights: eight,
    };
    let options = AttentionOptions::default();
    let grid = ModelGridOptions::default();
    let errors = [
        render_err((300, 200), |a| {
            draw_attention_heatmap(a, &three, eight, &options)
        }),
        render_err((300, 200), |a| {
            draw_attention_heatmap(a, &[], &nine, &options)
        }),
        render_err((300, 200), |a| draw_attention_lines(a, &three, eight, None)),
        render_err((300, 200), |a| {
            draw_attention_lines(a, &three, &nine, Some(3))
        }),
        render_err((300, 200), |a| {
            draw_attention_model_grid(a, &nine, AttentionShape::new(2, 1, 3), &grid)
        }),
        render_err((300, 200), |a| {
            draw_attention_model_grid(
                a,
                &nine,
                AttentionShape::new(1, 1, 3),
                &ModelGridOptions {
                    highlight: Some((0, 1)),
                    ..grid
                },
            )
        }),
        render_err((300, 200), |a| {
            draw_attention_compare(a, &ok, &broken, &options)
        }),
        render_err((300, 200), |a| {
            draw_attention_compare(a, &broken, &ok, &options)
        }),
    ];
    for e in errors {
        assert!(matches!(e, ChartError::InvalidData(_)), "{e}");
    }
}

#[test]
fn attention_charts_draw_a_single_token_and_say_when_there_is_none() {
    let one = sentence(1);
    let options = AttentionOptions::default();
    let grid = ModelGridOptions::default();
    let single = AttentionPanel {
        name: "one",
        tokens: &one,
        weights: &[1.0],
    };
    let none = AttentionPanel {
        name: "none",
        tokens: &[],
        weights: &[],
    };
    let drawn = [
        render((400, 300), |a| {
            draw_attention_heatmap(a, &one, &[1.0], &options)
        }),
        render((400, 300), |a| {
            draw_attention_lines(a, &one, &[1.0], Some(0))
        }),
        render((400, 300), |a| {
            draw_attention_model_grid(a, &[1.0], AttentionShape::new(1, 1, 1), &grid)
        }),
        render((400, 300), |a| {
            draw_attention_compare(a, &single, &single, &options)
        }),
        render((400, 300), |a| {
            draw_attention_compare(a, &single, &none, &options)
        }),
    ];
    for (svg, hover) in &drawn {
        assert!(!hover.is_empty());
        let r = hover.plot_rect();
        assert!(hover.at((r.x0, r.y0)).is_some(), "{r:?}\n{svg}");
    }
    // one sentence missing: its half says so
    assert!(drawn[4].0.contains("no tokens to show"));
    let empty = [
        render((300, 200), |a| {
            draw_attention_heatmap(a, &[], &[], &options)
        }),
        render((300, 200), |a| draw_attention_lines(a, &[], &[], None)),
        render((300, 200), |a| {
            draw_attention_model_grid(a, &[], AttentionShape::new(6, 12, 0), &grid)
        }),
        render((300, 200), |a| {
            draw_attention_compare(a, &none, &none, &options)
        }),
    ];
    for (svg, hover) in empty {
        assert!(hover.is_empty());
        assert_eq!(hover.at((150, 100)), None);
        assert_eq!(count(&svg, "<text"), 1, "{svg}");
    }
}

#[test]
fn attention_charts_in_tiny_areas_do_not_panic() {
    let (words, weights) = (sentence(8), toy_attention(8, 0));
    let stack: Vec<f32> = (0..4).flat_map(|i| toy_attention(8, i)).collect();
    let panel = AttentionPanel {
        name: "tiny",
        tokens: &words,
        weights: &weights,
    };
    let options = AttentionOptions::titled("Layer 0, head 0");
    for size in [(1, 1), (10, 10), (40, 30)] {
        let _ = render(size, |a| {
            draw_attention_heatmap(a, &words, &weights, &options)
        });
        let _ = render(size, |a| draw_attention_lines(a, &words, &weights, Some(1)));
        let _ = render(size, |a| {
            draw_attention_model_grid(
                a,
                &stack,
                AttentionShape::new(2, 2, 8),
                &ModelGridOptions {
                    highlight: Some((1, 1)),
                    ..ModelGridOptions::default()
                },
            )
        });
        let _ = render(size, |a| {
            draw_attention_compare(a, &panel, &panel, &options)
        });
    }
}

#[test]
fn rnn_retention_shares_are_powers_of_the_retention_normalised() {
    let third = (1.0f64 / 3.0) as f32;
    let seventh = |k: f64| (k / 7.0) as f32;
    assert_eq!(
        rnn_retention(3, 3, 0.5),
        vec![
            vec![1.0],
            vec![third, 2.0 * third],
            vec![seventh(1.0), seventh(2.0), seventh(4.0)],
        ]
    );
    // only the states read so far; never more than the tokens
    assert_eq!(rnn_retention(5, 2, 0.5).len(), 2);
    assert_eq!(rnn_retention(2, 7, 0.5).len(), 2);
    assert!(rnn_retention(4, 0, 0.5).is_empty());
    // keeping everything shares equally, keeping nothing keeps the last word
    assert_eq!(rnn_retention(4, 4, 1.0)[3], [0.25; 4]);
    assert_eq!(rnn_retention(3, 3, 0.0)[2], [0.0, 0.0, 1.0]);
    assert_eq!(rnn_retention(3, 3, f32::NAN), rnn_retention(3, 3, 0.0));
    assert_eq!(rnn_retention(3, 3, 7.0), rnn_retention(3, 3, 1.0));
    // 0.6: h₂ holds 0.6/1.6 of the first word
    let shares = rnn_retention(6, 6, 0.6);
    assert!((shares[1][0] - 0.375).abs() < 1e-7);
    assert!(
        (shares[5][0] as f64 - 0.07776 / (0.07776 + 0.1296 + 0.216 + 0.36 + 0.6 + 1.0)).abs()
            < 1e-7
    );
    for row in &shares {
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        // later words weigh more
        assert!(row.windows(2).all(|p| p[0] < p[1]), "{row:?}");
    }
    // the first word fades step by step
    assert!(shares.windows(2).all(|p| p[1][0] < p[0][0]));
}

/// `(y, height)` of every filled `<rect>` in `color`.
fn filled_rects(svg: &str, color: RGBColor) -> Vec<(i32, i32)> {
    let fill = format!("fill=\"{}\"", hex(color));
    svg.lines()
        .filter(|l| l.starts_with("<rect") && l.contains(&fill))
        .map(|l| (attr(l, "y"), attr(l, "height")))
        .collect()
}

#[test]
fn rnn_flow_stacks_each_words_share_and_the_first_word_fades() {
    let spec = rnn_spec();
    let (svg, _) = render((640, 320), |area| draw_rnn_flow(area, &spec));
    let blue = attend_charts::palette::series_color(0);
    // word 0 is in the 4 states read, plus its colour bar under "The"
    let rects = filled_rects(&svg, blue);
    assert_eq!(rects.len(), 5, "{rects:?}");
    let heights: Vec<i32> = rects[..4].iter().map(|r| r.1).collect();
    let shares = rnn_retention(6, 4, 0.6);
    let inner = heights[0] as f64; // h₁ is all "The"
    for (t, h) in heights.iter().enumerate() {
        let expected = shares[t][0] as f64 * inner;
        assert!(
            (*h as f64 - expected).abs() <= 1.0,
            "h{t}: {h} vs {expected}"
        );
    }
    assert!(heights.windows(2).all(|p| p[1] < p[0]), "{heights:?}");
    // word 3 ("on") is only in the current state; 4 and 5 are not read
    assert_eq!(
        filled_rects(&svg, attend_charts::palette::series_color(3)).len(),
        2
    );
    assert!(filled_rects(&svg, attend_charts::palette::series_color(4)).is_empty());
    // every state is labelled, the current one on a tinted band
    for t in ["h₁", "h₂", "h₃", "h₄", "h₅", "h₆"] {
        assert!(texts(&svg).contains(&t), "{t}");
    }
    assert_eq!(filled_rects(&svg, RGBColor(255, 239, 204)).len(), 1);
    // arrows: a word and a relay arrow into each state read but the first
    assert_eq!(count(&svg, "<polygon"), 4 + 3);
    // nothing read yet: no arrows, no band, no stacks
    let none = RnnFlowSpec { step: 0, ..spec };
    let (svg, _) = render((640, 320), |area| draw_rnn_flow(area, &none));
    assert_eq!(count(&svg, "<polygon"), 0);
    assert!(filled_rects(&svg, blue).is_empty());
}

#[test]
fn long_sentences_turn_their_labels_upright_in_a_narrow_chart() {
    let spec = RnnFlowSpec {
        tokens: long_sentence(),
        step: 5,
        retention: 0.6,
    };
    let (svg, _) = render((360, 300), |area| draw_rnn_flow(area, &spec));
    let upright = svg
        .lines()
        .filter(|l| l.starts_with("<text") && l.contains("rotate(270"))
        .count();
    assert_eq!(upright, 14);
    for word in &spec.tokens {
        assert!(texts(&svg).contains(&word.as_str()), "{word}");
    }
    // short labels still fit across, a little smaller
    let short = RnnFlowSpec {
        tokens: sentence(14),
        ..spec
    };
    let (svg, _) = render((360, 300), |area| draw_rnn_flow(area, &short));
    assert!(!svg.contains("rotate(270"));
    assert_eq!(
        texts(&svg).iter().filter(|t| t.starts_with('w')).count(),
        12
    );
    // short sentences stay across
    let (svg, _) = render((640, 320), |area| draw_rnn_flow(area, &rnn_spec()));
    assert!(!svg.contains("rotate(270"));
}

/// `(opacity, number of points)` of every polyline with more than two
/// points (the arcs, not the legend's swatches).
fn curves(svg: &str) -> Vec<f64> {
    svg.lines()
        .filter(|l| l.starts_with("<polyline"))
        .filter(|l| {
            let points = l.split("points=\"").nth(1).unwrap();
            points[..points.find('"').unwrap()]
                .split_whitespace()
                .count()
                > 2
        })
        .map(|l| {
            let opacity = l.split("opacity=\"").nth(1).unwrap();
            opacity[..opacity.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

#[test]
fn arcs_are_revealed_in_order_faintest_drawn_first() {
    let spec = arcs_spec();
    let opacity = |w: f32| ARC_MIN_OPACITY + (1.0 - ARC_MIN_OPACITY) * w as f64;
    for revealed in 0..=6 {
        let spec = ArcsSpec {
            revealed,
            ..spec.clone()
        };
        let (svg, _) = render((640, 340), |area| draw_attention_arcs(area, &spec));
        let shown = revealed.min(5);
        let drawn = curves(&svg);
        assert_eq!(drawn.len(), shown, "revealed {revealed}");
        assert_eq!(count(&svg, "<polygon"), shown, "one head per arc");
        let mut expected: Vec<f64> = spec.arcs[..shown]
            .iter()
            .map(|a| opacity(a.weight))
            .collect();
        expected.sort_by(f64::total_cmp);
        for (d, e) in drawn.iter().zip(&expected) {
            assert!((d - e).abs() < 1e-6, "{d} vs {e}");
        }
    }
}

#[test]
fn arcs_legend_lists_only_the_kinds_used() {
    let mut spec = arcs_spec();
    spec.arcs.retain(|a| a.kind != 1);
    spec.revealed = 1;
    let (svg, _) = render((640, 340), |area| draw_attention_arcs(area, &spec));
    let written = texts(&svg);
    assert!(written.contains(&"verb → subject"));
    // kind 2 is used by arcs not revealed yet: listed all the same
    assert!(written.contains(&"article → noun"));
    assert!(!written.contains(&"adjective → noun"));
    // an arc too weak to see is not drawn, a loop is a circle
    let spec = ArcsSpec {
        arcs: vec![
            ArcSpec {
                from: 0,
                to: 1,
                weight: MIN_LINE_WEIGHT / 2.0,
                kind: 0,
            },
            ArcSpec {
                from: 2,
                to: 2,
                weight: 0.5,
                kind: 0,
            },
        ],
        revealed: 2,
        ..arcs_spec()
    };
    let (svg, _) = render((640, 340), |area| draw_attention_arcs(area, &spec));
    assert!(curves(&svg).is_empty());
    assert_eq!(count(&svg, "<circle"), 1);
}

/// `opacity` of every two-point polyline (the lines between the rows).
fn straight_lines(svg: &str) -> Vec<f64> {
    svg.lines()
        .filter(|l| l.starts_with("<polyline"))
        .map(|l| {
            let opacity = l.split("opacity=\"").nth(1).unwrap();
            opacity[..opacity.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

#[test]
fn bipartite_focus_keeps_one_querys_lines_strong_and_writes_their_weights() {
    let spec = cross_spec(None);
    let visible = spec
        .weights
        .iter()
        .filter(|&&w| w >= MIN_LINE_WEIGHT)
        .count();
    let (svg, _) = render((640, 380), |area| draw_bipartite_attention(area, &spec));
    let mut expected: Vec<f64> = spec
        .weights
        .iter()
        .filter(|&&w| w >= MIN_LINE_WEIGHT)
        .map(|&w| w as f64)
        .collect();
    expected.sort_by(f64::total_cmp);
    let drawn = straight_lines(&svg);
    assert_eq!(drawn.len(), visible);
    for (d, e) in drawn.iter().zip(&expected) {
        assert!((d - e).abs() < 1e-6, "{d} vs {e}");
    }
    assert!(!texts(&svg).contains(&"0.85"), "no numbers without focus");
    assert!(texts(&svg).contains(&"decoder (French)"));
    assert!(texts(&svg).contains(&"encoder (English)"));

    let spec = cross_spec(Some(1));
    let (svg, _) = render((640, 380), |area| draw_bipartite_attention(area, &spec));
    let drawn = straight_lines(&svg);
    assert_eq!(drawn.len(), visible);
    // the focused row last, opaque as its weights (and at least
    // FOCUS_MIN_OPACITY); the others faded to a fifth
    let row = &spec.weights[5..10];
    let mut strong: Vec<f64> = row
        .iter()
        .map(|&w| FOCUS_MIN_OPACITY + (1.0 - FOCUS_MIN_OPACITY) * w as f64)
        .collect();
    strong.sort_by(f64::total_cmp);
    let tail = &drawn[drawn.len() - 5..];
    for (d, e) in tail.iter().zip(&strong) {
        assert!((d - e).abs() < 1e-6, "{d} vs {e}");
    }
    assert!(drawn[..drawn.len() - 5]
        .iter()
        .all(|&o| o <= 0.2 * 0.85 + 1e-6));
    let written = texts(&svg);
    for v in ["0.05", "0.85", "0.04", "0.02"] {
        assert!(written.contains(&v), "{v} in {written:?}");
    }
    // the focused query in the line colour
    let blue: Vec<&str> = svg
        .lines()
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|w| w[0].starts_with("<text") && w[0].contains("#0072B2"))
        .map(|w| w[1])
        .collect();
    assert_eq!(blue, ["chat"]);

    // more than eight keys: no numbers
    let (queries, keys) = (sentence(2), sentence(9));
    let many = attend_charts::BipartiteSpec {
        weights: vec![1.0 / 9.0; 18],
        focus: Some(0),
        query_label: String::new(),
        key_label: String::new(),
        queries,
        keys,
    };
    let (svg, _) = render((640, 380), |area| draw_bipartite_attention(area, &many));
    assert!(!texts(&svg).contains(&"0.11"));
    assert_eq!(count(&svg, "<text"), 2 + 9, "the tokens only");
}

#[test]
fn new_charts_refuse_bad_input() {
    let arc = |from, to, weight, kind| ArcSpec {
        from,
        to,
        weight,
        kind,
    };
    let with_arc = |a: ArcSpec| ArcsSpec {
        arcs: vec![a],
        revealed: 0,
        ..arcs_spec()
    };
    let mut short = cross_spec(None);
    short.weights.pop();
    let mut nan = cross_spec(None);
    nan.weights[3] = f32::NAN;
    let errors = [
        render_err((300, 200), |a| {
            draw_rnn_flow(
                a,
                &RnnFlowSpec {
                    step: 7,
                    ..rnn_spec()
                },
            )
        }),
        render_err((300, 200), |a| {
            draw_rnn_flow(
                a,
                &RnnFlowSpec {
                    retention: 1.5,
                    ..rnn_spec()
                },
            )
        }),
        render_err((300, 200), |a| {
            draw_rnn_flow(
                a,
                &RnnFlowSpec {
                    retention: f32::NAN,
                    ..rnn_spec()
                },
            )
        }),
        render_err((300, 200), |a| {
            draw_attention_arcs(a, &with_arc(arc(6, 0, 0.5, 0)))
        }),
        render_err((300, 200), |a| {
            draw_attention_arcs(a, &with_arc(arc(0, 6, 0.5, 0)))
        }),
        render_err((300, 200), |a| {
            draw_attention_arcs(a, &with_arc(arc(0, 1, 0.5, 3)))
        }),
        render_err((300, 200), |a| {
            draw_attention_arcs(a, &with_arc(arc(0, 1, f32::NAN, 0)))
        }),
        render_err((300, 200), |a| {
            draw_attention_arcs(a, &with_arc(arc(0, 1, f32::INFINITY, 0)))
        }),
        render_err((300, 200), |a| draw_bipartite_attention(a, &short)),
        render_err((300, 200), |a| draw_bipartite_attention(a, &nan)),
        render_err((300, 200), |a| {
            draw_bipartite_attention(a, &cross_spec(Some(4)))
        }),
    ];
    for e in errors {
        assert!(matches!(e, ChartError::InvalidData(_)), "{e}");
    }
}

#[test]
fn new_charts_without_tokens_say_so() {
    let no_keys = attend_charts::BipartiteSpec {
        keys: vec![],
        weights: vec![],
        focus: None,
        ..cross_spec(None)
    };
    let no_queries = attend_charts::BipartiteSpec {
        queries: vec![],
        weights: vec![],
        focus: None,
        ..cross_spec(None)
    };
    let empty = [
        render((300, 200), |a| {
            draw_rnn_flow(
                a,
                &RnnFlowSpec {
                    tokens: vec![],
                    step: 0,
                    retention: 0.6,
                },
            )
        }),
        render((300, 200), |a| {
            draw_attention_arcs(
                a,
                &ArcsSpec {
                    tokens: vec![],
                    arcs: vec![],
                    kinds: vec![],
                    revealed: 0,
                },
            )
        }),
        render((300, 200), |a| draw_bipartite_attention(a, &no_keys)),
        render((300, 200), |a| draw_bipartite_attention(a, &no_queries)),
    ];
    for (svg, hover) in empty {
        assert!(hover.is_empty());
        assert_eq!(hover.at((150, 100)), None);
        assert_eq!(count(&svg, "<text"), 1, "{svg}");
        assert!(svg.contains("no tokens to show"));
    }
}

#[test]
fn new_charts_in_tiny_areas_do_not_panic() {
    let long = RnnFlowSpec {
        tokens: sentence(30),
        step: 17,
        retention: 0.9,
    };
    for size in [(1, 1), (10, 10), (40, 30), (360, 60)] {
        let _ = render(size, |a| draw_rnn_flow(a, &rnn_spec()));
        let _ = render(size, |a| draw_rnn_flow(a, &long));
        let _ = render(size, |a| draw_attention_arcs(a, &arcs_spec()));
        let _ = render(size, |a| draw_bipartite_attention(a, &cross_spec(Some(0))));
    }
}
