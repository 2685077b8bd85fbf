//! Runs the real `attend` binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use attend_core::NdArray;
use serde::Deserialize;

#[path = "../../core/tests/common/safetensors_io.rs"]
mod safetensors_io;
use safetensors_io::{f32_bytes, f32_values, hub_layout, read_safetensors, write_safetensors};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn minilm_dir() -> PathBuf {
    let dir = repo_root().join("static/models/all-MiniLM-L6-v2");
    assert!(
        dir.join("model.safetensors").exists(),
        "MiniLM is missing from {}; run `cargo xtask fetch-model` to create it",
        dir.display()
    );
    dir
}

fn attend(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attend"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// `attend attention --model MODEL --text TEXT`, then `extra`.
fn attention(model: &Path, text: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "attention",
        "--model",
        model.to_str().expect("UTF-8 path"),
        "--text",
        text,
    ];
    args.extend_from_slice(extra);
    attend(&args)
}

/// Exit status 0, or a failure that shows stderr.
fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) {
    std::fs::copy(from, to).expect("copy");
}

/// A scratch model directory under Cargo's per-test temp folder.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[derive(Deserialize)]
struct Golden {
    sentence: String,
    tokens: Vec<String>,
    input_ids: Vec<u32>,
    attentions: NdArray,
    embedding: Vec<f32>,
}

#[derive(Deserialize)]
struct CliJson {
    tokens: Vec<String>,
    input_ids: Vec<u32>,
    token_type_ids: Vec<u32>,
    truncated: usize,
    num_layers: usize,
    num_heads: usize,
    attentions: NdArray,
    embedding: Vec<f32>,
    hidden_states: Option<NdArray>,
}

#[test]
fn attention_json_matches_golden_a01() {
    let golden: Golden = serde_json::from_slice(
        &std::fs::read(repo_root().join("tests/fixtures/minilm/a01.json")).expect("fixture"),
    )
    .expect("fixture parses");
    let dir = minilm_dir();
    let out = attention(&dir, &golden.sentence, &["--json"]);
    assert_success(&out);
    let json: CliJson = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(json.tokens, golden.tokens);
    assert_eq!(json.input_ids, golden.input_ids);
    assert_eq!(json.token_type_ids, vec![0; 9]);
    assert_eq!(
        (json.truncated, json.num_layers, json.num_heads),
        (0, 6, 12)
    );
    assert!(
        json.hidden_states.is_none(),
        "hidden states only on request"
    );
    assert_eq!(json.attentions.shape(), golden.attentions.shape());
    let worst = json
        .attentions
        .data()
        .iter()
        .zip(golden.attentions.data())
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    eprintln!("cli a01: attention max|Δ| {worst:.3e}");
    assert!(worst <= 1e-5, "attention max |Δ| {worst:e}");
    let cos: f32 = json
        .embedding
        .iter()
        .zip(&golden.embedding)
        .map(|(a, b)| a * b)
        .sum();
    assert!(cos >= 0.99999, "embedding cosine {cos}");
}

/// `--backend gpu` gives the CPU's output within the tolerances (Mesa
/// lavapipe in CI). Without a wgpu adapter it says so loudly and returns,
/// unless `ATTEND_REQUIRE_GPU=1`.
#[test]
fn gpu_backend_gives_the_cpus_numbers() {
    let dir = minilm_dir();
    let text = "The cat sat on the mat.";
    let on_cpu = attention(&dir, text, &["--json", "--hidden-states"]);
    let on_gpu = attention(
        &dir,
        text,
        &["--json", "--hidden-states", "--backend", "gpu"],
    );
    let stderr = String::from_utf8_lossy(&on_gpu.stderr);
    if on_gpu.status.code() == Some(2) && stderr.contains("no wgpu adapter") {
        assert!(
            std::env::var("ATTEND_REQUIRE_GPU").as_deref() != Ok("1"),
            "ATTEND_REQUIRE_GPU=1 but: {stderr}"
        );
        let _ = writeln!(std::io::stderr(), "GPU CLI TEST SKIPPED: {stderr}");
        return;
    }
    assert_success(&on_cpu);
    assert_success(&on_gpu);
    let cpu: CliJson = serde_json::from_slice(&on_cpu.stdout).expect("CPU JSON");
    let gpu: CliJson = serde_json::from_slice(&on_gpu.stdout).expect("GPU JSON");
    assert_eq!(gpu.tokens, cpu.tokens);
    assert_eq!(gpu.input_ids, cpu.input_ids);
    let worst = |a: &NdArray, b: &NdArray| {
        assert_eq!(a.shape(), b.shape());
        a.data()
            .iter()
            .zip(b.data())
            .map(|(x, y)| (x - y).abs())
            .fold(0f32, f32::max)
    };
    let attention = worst(&gpu.attentions, &cpu.attentions);
    let hidden = worst(
        gpu.hidden_states.as_ref().expect("GPU hidden states"),
        cpu.hidden_states.as_ref().expect("CPU hidden states"),
    );
    eprintln!("cli --backend gpu vs cpu: attention max|Δ| {attention:.3e}, hidden {hidden:.3e}");
    assert!(attention <= 1e-5, "attention max |Δ| {attention:e}");
    assert!(hidden <= 1e-4, "hidden max |Δ| {hidden:e}");
}

#[test]
fn hidden_states_pairs_and_vocab_fallback() {
    // A model dir with vocab.txt only, sharing MiniLM's weights by copy.
    let src = minilm_dir();
    let dir = scratch("vocab-only");
    for f in ["config.json", "model.safetensors", "vocab.txt"] {
        copy(src.join(f), dir.join(f));
    }
    let out = attention(
        &dir,
        "Hello there",
        &[
            "--pair",
            "Good morning",
            "--max-len",
            "5",
            "--json",
            "--hidden-states",
        ],
    );
    assert_success(&out);
    let json: CliJson = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(json.tokens, ["[CLS]", "hello", "[SEP]", "good", "[SEP]"]);
    assert_eq!(json.token_type_ids, [0, 0, 0, 1, 1]);
    // Budget 2 for 2 + 2 pieces: longest-first keeps one of each.
    assert_eq!(json.truncated, 2);
    assert_eq!(json.hidden_states.expect("requested").shape(), &[7, 5, 384]);
}

#[test]
fn human_summary_without_json() {
    let dir = minilm_dir();
    let out = attention(&dir, "Hi", &[]);
    assert_success(&out);
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(text.starts_with("3 tokens, 6 layers × 12 heads"), "{text}");
}

/// Exit status 2 and exactly one line on stderr.
fn assert_one_line_error(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(needle), "{stderr:?} lacks {needle:?}");
    assert!(out.stdout.is_empty());
}

#[test]
fn missing_model_dir_exits_2() {
    let out = attention(Path::new("/nonexistent/model"), "x", &["--json"]);
    assert_one_line_error(&out, "does not exist");
}

#[test]
fn broken_model_dirs_exit_2() {
    let src = minilm_dir();

    let empty = scratch("empty-model");
    copy(src.join("config.json"), empty.join("config.json"));
    std::fs::write(empty.join("model.safetensors"), b"").expect("write");
    copy(src.join("vocab.txt"), empty.join("vocab.txt"));
    let out = attention(&empty, "x", &[]);
    assert_one_line_error(&out, "corrupt");

    let no_tok = scratch("no-tokenizer");
    copy(src.join("config.json"), no_tok.join("config.json"));
    copy(
        repo_root().join("tests/fixtures/tiny-bert/model.safetensors"),
        no_tok.join("model.safetensors"),
    );
    let out = attention(&no_tok, "x", &[]);
    // MiniLM's config with the tiny weights: a shape error, before the tokenizer.
    assert_one_line_error(&out, "shape");
    copy(
        repo_root().join("tests/fixtures/tiny-bert/config.json"),
        no_tok.join("config.json"),
    );
    let out = attention(&no_tok, "x", &[]);
    assert_one_line_error(&out, "neither tokenizer.json nor vocab.txt");

    let bad_cfg = scratch("bad-config");
    std::fs::write(bad_cfg.join("config.json"), b"{\n\"model_type\": \n").expect("write");
    std::fs::write(bad_cfg.join("model.safetensors"), b"").expect("write");
    let out = attention(&bad_cfg, "x", &[]);
    assert_one_line_error(&out, "config.json");
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_one_line_error(&attend(&[]), "no command");
    assert_one_line_error(&attend(&["attention", "--model", "m"]), "--text");
    assert_one_line_error(&attend(&["attention", "--bogus"]), "--bogus");
    let help = attend(&["--help"]);
    assert!(help.status.success());
    let usage = String::from_utf8_lossy(&help.stdout);
    assert!(usage.contains("attend attention --model DIR"));
    assert!(usage.contains("attend bench --model DIR --ids"));
}

#[derive(Deserialize)]
struct BenchJson {
    tokens: usize,
    runs: usize,
    times_ms: Vec<f64>,
}

#[test]
fn bench_times_each_run() {
    let dir = minilm_dir();
    let out = attend(&[
        "bench",
        "--model",
        dir.to_str().expect("path"),
        "--ids",
        "101,1996,4937,2938,102",
        "--runs",
        "3",
        "--warmup",
        "1",
    ]);
    assert_success(&out);
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    assert_eq!(stdout.lines().count(), 1, "one JSON line: {stdout}");
    let json: BenchJson = serde_json::from_str(&stdout).expect("stdout is JSON");
    assert_eq!((json.tokens, json.runs), (5, 3));
    assert_eq!(json.times_ms.len(), 3);
    assert!(
        json.times_ms.iter().all(|&t| t > 0.0 && t.is_finite()),
        "{:?}",
        json.times_ms
    );
}

#[test]
fn bench_errors_exit_2() {
    let dir = minilm_dir();
    let dir = dir.to_str().expect("path");
    // 30522 is one past MiniLM's vocabulary.
    let out = attend(&["bench", "--model", dir, "--ids", "101,30522,102"]);
    assert_one_line_error(&out, "outside the vocabulary");
    let out = attend(&[
        "bench",
        "--model",
        dir,
        "--ids",
        "101",
        "--weights",
        "nope.safetensors",
    ]);
    assert_one_line_error(&out, "nope.safetensors");
    assert_one_line_error(&attend(&["bench", "--model", dir]), "--ids");
}

/// A copy of MiniLM's directory whose `model.safetensors` is `tensors`.
fn minilm_with_weights(name: &str, tensors: &[safetensors_io::RawTensor]) -> PathBuf {
    let src = minilm_dir();
    let dir = scratch(name);
    for file in ["config.json", "tokenizer.json"] {
        copy(src.join(file), dir.join(file));
    }
    std::fs::write(dir.join("model.safetensors"), write_safetensors(tensors)).expect("write");
    dir
}

fn minilm_tensors() -> Vec<safetensors_io::RawTensor> {
    read_safetensors(&std::fs::read(minilm_dir().join("model.safetensors")).expect("read"))
}

/// MiniLM re-laid out as bert-base-uncased is published on the Hub (`bert.`
/// prefix, LayerNorm gamma/beta, `cls.*` heads): the same JSON, byte for byte.
#[test]
fn a_hub_layout_checkpoint_gives_the_same_output() {
    let hub = minilm_with_weights("minilm-hub-layout", &hub_layout(&minilm_tensors()));
    let text = "The animal didn't cross the street because it was too tired.";
    let from_hub = attention(&hub, text, &["--json"]);
    assert_success(&from_hub);
    let modern = attention(&minilm_dir(), text, &["--json"]);
    assert_success(&modern);
    assert!(from_hub.stdout.len() > 10_000);
    assert!(
        from_hub.stdout == modern.stdout,
        "the Hub layout changed the output"
    );
}

#[test]
fn damaged_and_unsupported_checkpoints_exit_2_with_one_sentence() {
    // Only PyTorch's pickle, as many older Hub repositories have.
    let pickle = scratch("pickle-only");
    copy(minilm_dir().join("config.json"), pickle.join("config.json"));
    copy(minilm_dir().join("vocab.txt"), pickle.join("vocab.txt"));
    std::fs::write(pickle.join("pytorch_model.bin"), b"PK").expect("write");
    assert_one_line_error(&attention(&pickle, "x", &[]), "pytorch_model.bin");

    // A download cut short.
    let full = std::fs::read(minilm_dir().join("model.safetensors")).expect("read");
    let cut = minilm_with_weights("truncated", &[]);
    std::fs::write(cut.join("model.safetensors"), &full[..full.len() - 1000]).expect("write");
    assert_one_line_error(&attention(&cut, "x", &[]), "corrupt");

    // One NaN among 22 million weights.
    let mut tensors = minilm_tensors();
    let t = tensors
        .iter_mut()
        .find(|t| t.name == "encoder.layer.3.intermediate.dense.weight")
        .expect("present");
    let mut values = f32_values(t);
    values[12_345] = f32::NAN;
    t.bytes = f32_bytes(&values);
    let nan = minilm_with_weights("nan-weight", &tensors);
    assert_one_line_error(
        &attention(&nan, "x", &[]),
        "tensor `encoder.layer.3.intermediate.dense.weight` holds a non-finite value (NaN) at index 12345",
    );

    // A config whose hidden_size no checkpoint of this size can have.
    let huge = minilm_with_weights("huge-hidden", &minilm_tensors());
    let mut cfg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(huge.join("config.json")).expect("read"))
            .expect("json");
    cfg["hidden_size"] = 1_000_000.into();
    cfg["num_attention_heads"] = 10.into();
    std::fs::write(huge.join("config.json"), cfg.to_string()).expect("write");
    assert_one_line_error(&attention(&huge, "x", &[]), "config.json implies");

    // Unsupported variants are named.
    let mut cfg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(minilm_dir().join("config.json")).expect("read"))
            .expect("json");
    cfg["position_embedding_type"] = "relative_key_query".into();
    let relative = minilm_with_weights("relative-positions", &[]);
    std::fs::write(relative.join("config.json"), cfg.to_string()).expect("write");
    assert_one_line_error(&attention(&relative, "x", &[]), "relative_key_query");
}
