//! Helpers shared by the native fidelity tests and the wasm-bindgen test:
//! golden-file types, tolerance checks, and an in-memory safetensors writer.
//! Each test binary uses a different subset, hence the `dead_code` allowance.
#![allow(dead_code)]

use attend_core::{BertModel, BertOutput, ForwardOutput, NdArray};
use serde::Deserialize;

/// Largest allowed |Δ| of an attention probability.
pub const ATTENTION_TOL: f32 = 1e-5;
/// Largest allowed |Δ| of a hidden-state value.
pub const HIDDEN_TOL: f32 = 1e-4;
/// Smallest allowed cosine between our embedding and the reference one.
pub const MIN_EMBEDDING_COSINE: f64 = 0.99999;

/// `tests/fixtures/tiny-bert/golden.json`.
#[derive(Debug, Deserialize)]
pub struct TinyGolden {
    pub inputs: Vec<TinyRecord>,
}

#[derive(Debug, Deserialize)]
pub struct TinyRecord {
    pub input_ids: Vec<u32>,
    pub token_type_ids: Vec<u32>,
    pub num_tokens: usize,
    pub attentions: NdArray,
    pub last_hidden_state: NdArray,
    pub hidden_states: NdArray,
    pub pooler_output: Vec<f32>,
}

/// `tests/fixtures/minilm/aNN.json`.
#[derive(Debug, Deserialize)]
pub struct MiniLmGolden {
    pub sentence: String,
    pub num_tokens: usize,
    pub tokens: Vec<String>,
    pub input_ids: Vec<u32>,
    pub token_type_ids: Vec<u32>,
    pub attentions: NdArray,
    pub last_hidden_state: NdArray,
    pub hidden_states: NdArray,
    pub embedding: Vec<f32>,
}

/// max |a − b| over two arrays of identical shape (panics on shape mismatch,
/// which is itself a test failure).
pub fn max_abs_diff(what: &str, ours: &NdArray, reference: &NdArray) -> f32 {
    assert_eq!(ours.shape(), reference.shape(), "{what}: shape differs");
    max_abs_diff_slices(what, ours.data(), reference.data())
}

pub fn max_abs_diff_slices(what: &str, ours: &[f32], reference: &[f32]) -> f32 {
    assert_eq!(ours.len(), reference.len(), "{what}: length differs");
    ours.iter()
        .zip(reference)
        .map(|(a, b)| {
            assert!(a.is_finite(), "{what}: non-finite value {a}");
            (a - b).abs()
        })
        .fold(0.0, f32::max)
}

pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum();
    let na: f64 = a.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    dot / (na * nb)
}

/// The worst deviations found for one input.
#[derive(Debug, Clone, Copy)]
pub struct Deviation {
    pub attention: f32,
    pub hidden: f32,
    pub last_hidden: f32,
}

impl Deviation {
    pub fn assert_within_tolerance(&self, what: &str) {
        assert!(
            self.attention <= ATTENTION_TOL,
            "{what}: attention max |Δ| {:e} > {ATTENTION_TOL:e}",
            self.attention
        );
        assert!(
            self.hidden <= HIDDEN_TOL && self.last_hidden <= HIDDEN_TOL,
            "{what}: hidden-state max |Δ| {:e} / last {:e} > {HIDDEN_TOL:e}",
            self.hidden,
            self.last_hidden
        );
    }
}

/// The three compared tensors of one forward pass, ours or the reference's.
#[derive(Clone, Copy)]
pub struct Tensors<'a> {
    pub attentions: &'a NdArray,
    pub hidden_states: &'a NdArray,
    pub last_hidden_state: &'a NdArray,
}

impl<'a> From<&'a ForwardOutput> for Tensors<'a> {
    fn from(o: &'a ForwardOutput) -> Self {
        Tensors {
            attentions: &o.attentions,
            hidden_states: &o.hidden_states,
            last_hidden_state: &o.last_hidden_state,
        }
    }
}

impl<'a> From<&'a BertOutput> for Tensors<'a> {
    fn from(o: &'a BertOutput) -> Self {
        Tensors {
            attentions: &o.attentions,
            hidden_states: &o.hidden_states,
            last_hidden_state: &o.last_hidden_state,
        }
    }
}

impl<'a> From<&'a TinyRecord> for Tensors<'a> {
    fn from(o: &'a TinyRecord) -> Self {
        Tensors {
            attentions: &o.attentions,
            hidden_states: &o.hidden_states,
            last_hidden_state: &o.last_hidden_state,
        }
    }
}

impl<'a> From<&'a MiniLmGolden> for Tensors<'a> {
    fn from(o: &'a MiniLmGolden) -> Self {
        Tensors {
            attentions: &o.attentions,
            hidden_states: &o.hidden_states,
            last_hidden_state: &o.last_hidden_state,
        }
    }
}

/// Compares a forward pass with the reference tensors.
pub fn deviation(what: &str, ours: Tensors, reference: Tensors) -> Deviation {
    Deviation {
        attention: max_abs_diff(
            &format!("{what} attentions"),
            ours.attentions,
            reference.attentions,
        ),
        hidden: max_abs_diff(
            &format!("{what} hidden_states"),
            ours.hidden_states,
            reference.hidden_states,
        ),
        last_hidden: max_abs_diff(
            &format!("{what} last_hidden_state"),
            ours.last_hidden_state,
            reference.last_hidden_state,
        ),
    }
}

/// Runs the tiny BERT on each golden input and checks every tensor; returns
/// the per-input deviations (also pooler max |Δ|) for logging.
pub fn check_tiny_golden(model: &BertModel, golden_json: &str) -> Vec<(Deviation, f32)> {
    let golden: TinyGolden = serde_json::from_str(golden_json).expect("golden.json parses");
    assert_eq!(golden.inputs.len(), 3, "tiny golden has 3 inputs");
    golden
        .inputs
        .iter()
        .enumerate()
        .map(|(i, rec)| {
            let what = format!("tiny-bert input {i}");
            assert_eq!(rec.input_ids.len(), rec.num_tokens);
            let out = model
                .forward_ids(&rec.input_ids, &rec.token_type_ids)
                .expect("forward");
            let dev = deviation(&what, (&out).into(), rec.into());
            dev.assert_within_tolerance(&what);
            let pooler = out
                .pooler_output
                .as_deref()
                .expect("tiny BERT has a pooler");
            let pooler_dev = max_abs_diff_slices(&what, pooler, &rec.pooler_output);
            assert!(
                pooler_dev <= HIDDEN_TOL,
                "{what}: pooler max |Δ| {pooler_dev:e}"
            );
            assert_rows_sum_to_one(&out.attentions, &what);
            (dev, pooler_dev)
        })
        .collect()
}

/// Every softmax row of `[layer][head][query][key]` sums to 1 within 1e-5.
pub fn assert_rows_sum_to_one(attentions: &NdArray, what: &str) {
    let t = *attentions.shape().last().expect("4-D attentions");
    assert!(t > 0, "{what}: empty attention rows");
    for (r, row) in attentions.data().chunks_exact(t).enumerate() {
        let sum: f64 = row.iter().map(|&p| f64::from(p)).sum();
        assert!(
            (sum - 1.0).abs() <= 1e-5 && row.iter().all(|p| (0.0..=1.0).contains(p)),
            "{what}: attention row {r} sums to {sum}"
        );
    }
}

// The safetensors reader/writer and the Hub layout live in their own file so
// the CLI tests can include it too.
mod safetensors_io;
#[allow(unused_imports)] // each test binary uses a different subset
pub use safetensors_io::*;

#[cfg(all(feature = "gpu", not(target_arch = "wasm32")))]
pub mod gpu;

#[cfg(not(target_arch = "wasm32"))]
pub mod files {
    //! Fixture locations and the models built from them (native only; the
    //! wasm test embeds its fixtures).
    use std::path::PathBuf;
    use std::sync::OnceLock;

    use attend_core::{Bert, BertModel};

    pub fn repo_root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    pub fn tiny_dir() -> PathBuf {
        repo_root().join("tests/fixtures/tiny-bert")
    }

    pub fn read(path: PathBuf) -> Vec<u8> {
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    pub fn minilm_dir() -> PathBuf {
        repo_root().join("static/models/all-MiniLM-L6-v2")
    }

    /// A MiniLM file; fails loudly (never skips) when the generated model is absent.
    pub fn minilm_file(name: &str) -> Vec<u8> {
        let path = minilm_dir().join(name);
        std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "MiniLM file {} is missing ({e}); run `cargo xtask fetch-model` to create it",
                path.display()
            )
        })
    }

    /// The tiny BERT of `tests/fixtures/tiny-bert`.
    pub fn tiny_model() -> BertModel {
        BertModel::from_bytes(
            &read(tiny_dir().join("config.json")),
            &read(tiny_dir().join("model.safetensors")),
        )
        .expect("tiny BERT loads")
    }

    /// MiniLM with its tokenizer. It is 90 MB; loaded once per test binary.
    pub fn minilm() -> &'static Bert {
        static BERT: OnceLock<Bert> = OnceLock::new();
        BERT.get_or_init(|| {
            Bert::from_bytes(
                &minilm_file("config.json"),
                &minilm_file("model.safetensors"),
                &minilm_file("tokenizer.json"),
            )
            .expect("MiniLM loads")
        })
    }

    pub fn minilm_golden(n: usize) -> super::MiniLmGolden {
        let path = repo_root().join(format!("tests/fixtures/minilm/a{n:02}.json"));
        serde_json::from_slice(&read(path)).expect("MiniLM golden parses")
    }
}
