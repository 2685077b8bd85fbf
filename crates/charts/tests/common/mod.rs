//! Shared by the chart tests: render to an SVG string, compare snapshots.

#![allow(dead_code)]

use std::path::PathBuf;

use attend_charts::{
    ArcSpec, ArcsSpec, AttentionPanel, BipartiteSpec, ChartError, HoverMap, RnnFlowSpec,
};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Draws with `draw` on an SVG of `size` pixels; the SVG text and the hover.
pub fn render(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<HoverMap, ChartError>,
) -> (String, HoverMap) {
    let mut svg = String::new();
    let hover = {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let hover = draw(&root).expect("the chart draws");
        root.present().expect("the SVG is written");
        hover
    };
    (svg, hover)
}

/// Like [`render`] for a chart expected to fail.
pub fn render_err(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<HoverMap, ChartError>,
) -> ChartError {
    let mut svg = String::new();
    let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
    draw(&root).expect_err("the chart refuses this input")
}

/// How many times `tag` (e.g. `"<rect"`) opens in `svg`.
pub fn count(svg: &str, tag: &str) -> usize {
    svg.matches(tag).count()
}

/// Compares `svg` with `tests/snapshots/<name>.svg`; with `UPDATE_SNAPSHOTS=1`
/// (re)writes it instead.
pub fn assert_snapshot(name: &str, svg: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let path = dir.join(format!("{name}.svg"));
    if std::env::var("UPDATE_SNAPSHOTS").as_deref() == Ok("1") {
        std::fs::create_dir_all(&dir).expect("snapshot directory");
        std::fs::write(&path, svg).expect("snapshot written");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "snapshot {} is missing; create it with \
             `UPDATE_SNAPSHOTS=1 cargo test -p attend-charts`, look at it, and commit it",
            path.display()
        )
    });
    if expected.replace("\r\n", "\n") != svg {
        let actual = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.actual.svg"));
        std::fs::write(&actual, svg).expect("actual SVG written");
        panic!(
            "{name} differs from {}; the new drawing is in {}. If the change is \
             intended, rerun with UPDATE_SNAPSHOTS=1 and commit the snapshot",
            path.display(),
            actual.display()
        );
    }
}

/// Owned tokens.
pub fn tokens(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// `[CLS] w1 … w(n-2) [SEP]`, `n` tokens in all (at least the two).
pub fn sentence(n: usize) -> Vec<String> {
    let mut t = vec!["[CLS]".to_string()];
    t.extend((1..n.saturating_sub(1)).map(|i| format!("w{i}")));
    if n > 1 {
        t.push("[SEP]".to_string());
    }
    t.truncate(n);
    t
}

/// A fixed `t×t` attention matrix (row-major, rows sum to 1) that looks
/// like a real head: a softmax of scores favouring near tokens, `[SEP]`
/// and a pattern that `seed` shifts.
pub fn toy_attention(t: usize, seed: u32) -> Vec<f32> {
    let mut w = Vec::with_capacity(t * t);
    for q in 0..t {
        let scores: Vec<f64> = (0..t)
            .map(|k| {
                let pattern = ((q * 3 + k * 5 + seed as usize) % 7) as f64 * 0.45;
                let near = -((q as f64 - k as f64).abs()) * 0.6;
                let sep = if k + 1 == t { 1.2 } else { 0.0 };
                pattern + near + sep
            })
            .collect();
        let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let exp: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
        let sum: f64 = exp.iter().sum();
        w.extend(exp.iter().map(|e| (e / sum) as f32));
    }
    w
}

/// Two sentences side by side, each with its tokens and a toy attention.
pub struct ComparePair {
    pub names: [&'static str; 2],
    pub tokens: [Vec<String>; 2],
    pub weights: [Vec<f32>; 2],
}

impl ComparePair {
    /// "Dog bites man" and "Man bites dog": the same five tokens in another
    /// order, attentions of seeds 1 and 4.
    pub fn dog_bites_man() -> Self {
        ComparePair {
            names: ["Dog bites man", "Man bites dog"],
            tokens: [
                tokens(&["[CLS]", "dog", "bites", "man", "[SEP]"]),
                tokens(&["[CLS]", "man", "bites", "dog", "[SEP]"]),
            ],
            weights: [toy_attention(5, 1), toy_attention(5, 4)],
        }
    }

    /// The left and the right panel.
    pub fn panels(&self) -> (AttentionPanel<'_>, AttentionPanel<'_>) {
        let panel = |i: usize| AttentionPanel {
            name: self.names[i],
            tokens: &self.tokens[i],
            weights: &self.weights[i],
        };
        (panel(0), panel(1))
    }
}

/// The texts of `svg` (the line after each `<text …>` opening).
pub fn texts(svg: &str) -> Vec<&str> {
    let lines: Vec<&str> = svg.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[0].starts_with("<text"))
        .map(|w| w[1])
        .collect()
}

/// "The cat sat on the mat" read up to "on", keeping 0.6 of the state.
pub fn rnn_spec() -> RnnFlowSpec {
    RnnFlowSpec {
        tokens: tokens(&["The", "cat", "sat", "on", "the", "mat"]),
        step: 4,
        retention: 0.6,
    }
}

/// "The tired animal crossed the road": three kinds of relation, the last
/// arc not revealed yet.
pub fn arcs_spec() -> ArcsSpec {
    let arc = |from, to, weight, kind| ArcSpec {
        from,
        to,
        weight,
        kind,
    };
    ArcsSpec {
        tokens: tokens(&["The", "tired", "animal", "crossed", "the", "road"]),
        arcs: vec![
            arc(3, 2, 0.9, 0),
            arc(1, 2, 0.7, 1),
            arc(0, 2, 0.4, 2),
            arc(4, 5, 0.5, 2),
            arc(3, 5, 0.3, 0),
        ],
        kinds: vec![
            "verb → subject".into(),
            "adjective → noun".into(),
            "article → noun".into(),
        ],
        revealed: 4,
    }
}

/// French decoder tokens attending to the English sentence, row-major
/// `4 × 5`, every row summing to 1.
pub fn cross_spec(focus: Option<usize>) -> BipartiteSpec {
    BipartiteSpec {
        queries: tokens(&["le", "chat", "est", "noir"]),
        keys: tokens(&["the", "cat", "is", "black", "</s>"]),
        weights: vec![
            0.80, 0.10, 0.04, 0.03, 0.03, //
            0.05, 0.85, 0.04, 0.04, 0.02, //
            0.02, 0.08, 0.70, 0.10, 0.10, //
            0.01, 0.04, 0.05, 0.85, 0.05,
        ],
        focus,
        query_label: "decoder (French)".into(),
        key_label: "encoder (English)".into(),
    }
}

/// Fourteen words, too long to fit across 360 pixels.
pub fn long_sentence() -> Vec<String> {
    tokens(&[
        "The",
        "students",
        "watched",
        "the",
        "transformer",
        "translate",
        "every",
        "sentence",
        "while",
        "the",
        "teacher",
        "explained",
        "attention",
        "patiently",
    ])
}
