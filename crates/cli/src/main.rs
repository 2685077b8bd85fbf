//! `attend`: run Attend's BERT natively and dump tokens and attentions, or
//! time its forward pass.

mod args;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use attend_core::gpu::{Encoder, GpuBert, GpuContext};
use attend_core::{Backend, Bert, BertModel, BertOutput, NdArray, Tokenizer};
use serde::Serialize;

use args::{AttentionArgs, BenchArgs, Command, USAGE};

/// Every failure exits with this status, after one line on stderr.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    match run(std::env::args().skip(1)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // `{:#}` joins the context chain with ": "; newlines inside a
            // message (from a JSON parser, say) would break the one-line rule.
            let line = format!("{err:#}").replace(['\n', '\r'], " ");
            eprintln!("attend: error: {line}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run(argv: impl IntoIterator<Item = String>) -> Result<()> {
    match args::parse(argv)? {
        Command::Help => {
            print!("{USAGE}");
            Ok(())
        }
        Command::Attention(a) => attention(&a),
        Command::Bench(b) => bench(&b),
    }
}

fn read_file(dir: &Path, name: &str) -> Result<Vec<u8>> {
    let path = dir.join(name);
    std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))
}

/// `do_lower_case` from `tokenizer_config.json` when present; BERT's default
/// (true) otherwise.
fn lowercase_setting(dir: &Path) -> Result<bool> {
    let path = dir.join("tokenizer_config.json");
    if !path.exists() {
        return Ok(true);
    }
    let bytes = read_file(dir, "tokenizer_config.json")?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not valid JSON", path.display()))?;
    Ok(value
        .get("do_lower_case")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(true))
}

/// Loads config.json and the weights file `weights` (no tokenizer).
fn load_encoder(dir: &Path, weights: &str) -> Result<BertModel> {
    if !dir.is_dir() {
        bail!("model directory {} does not exist", dir.display());
    }
    if !dir.join(weights).exists() && dir.join("pytorch_model.bin").exists() {
        bail!(
            "{} has pytorch_model.bin but no {weights}: attend reads safetensors weights only; \
             convert the checkpoint to model.safetensors first",
            dir.display()
        );
    }
    let config = read_file(dir, "config.json")?;
    let weights = read_file(dir, weights)?;
    BertModel::from_bytes(&config, &weights)
        .with_context(|| format!("cannot load the model in {}", dir.display()))
}

/// Loads config, weights and the tokenizer (tokenizer.json, else vocab.txt).
fn load_model(dir: &Path) -> Result<Bert> {
    let model = load_encoder(dir, "model.safetensors")?;
    let tokenizer = if dir.join("tokenizer.json").exists() {
        Tokenizer::from_bytes(&read_file(dir, "tokenizer.json")?)
    } else if dir.join("vocab.txt").exists() {
        Tokenizer::from_vocab_txt(&read_file(dir, "vocab.txt")?, lowercase_setting(dir)?)
    } else {
        bail!("{} has neither tokenizer.json nor vocab.txt", dir.display());
    }
    .with_context(|| format!("cannot load the tokenizer in {}", dir.display()))?;
    Ok(Bert { model, tokenizer })
}

/// The `--json` document. Hidden states are opt-in: they are the bulk of the
/// output and most callers only want attentions.
#[derive(Serialize)]
struct AttentionJson<'a> {
    tokens: &'a [String],
    input_ids: &'a [u32],
    token_type_ids: &'a [u32],
    truncated: usize,
    num_layers: usize,
    num_heads: usize,
    attentions: &'a NdArray,
    embedding: &'a [f32],
    #[serde(skip_serializing_if = "Option::is_none")]
    hidden_states: Option<&'a NdArray>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_hidden_state: Option<&'a NdArray>,
}

fn attention(a: &AttentionArgs) -> Result<()> {
    let bert = load_model(&a.model_dir)?;
    let out = match a.backend {
        Backend::Cpu => bert
            .run(&a.text, a.pair.as_deref(), a.max_len)
            .context("cannot run the model")?,
        Backend::Gpu => run_on_gpu(&bert, a)?,
    };
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    if a.json {
        let shape = out.attentions.shape();
        let doc = AttentionJson {
            tokens: &out.tokens,
            input_ids: &out.input_ids,
            token_type_ids: &out.token_type_ids,
            truncated: out.truncated,
            num_layers: shape[0],
            num_heads: shape[1],
            attentions: &out.attentions,
            embedding: &out.embedding,
            hidden_states: a.hidden_states.then_some(&out.hidden_states),
            last_hidden_state: a.hidden_states.then_some(&out.last_hidden_state),
        };
        serde_json::to_writer(&mut w, &doc).context("cannot write JSON")?;
        writeln!(w)?;
    } else {
        write_summary(&mut w, &out)?;
    }
    w.flush().context("cannot write to stdout")?;
    Ok(())
}

/// The same pass on the wgpu backend: the weights are read again and
/// uploaded once, then one forward pass and one readback.
fn run_on_gpu(bert: &Bert, a: &AttentionArgs) -> Result<BertOutput> {
    let enc = bert
        .encode(&a.text, a.pair.as_deref(), a.max_len)
        .context("cannot tokenize the text")?;
    let config = read_file(&a.model_dir, "config.json")?;
    let weights = read_file(&a.model_dir, "model.safetensors")?;
    pollster::block_on(async {
        let ctx = GpuContext::new()
            .await
            .context("cannot start the GPU backend")?;
        let model = GpuBert::from_bytes(&ctx, &config, &weights)
            .await
            .context("cannot put the model on the GPU")?;
        Encoder::Gpu(&model)
            .forward(&enc)
            .await
            .context("cannot run the model on the GPU")
    })
}

/// `attend bench`: `warmup` untimed forward passes, then `runs` timed ones,
/// reported as one JSON object.
fn bench(b: &BenchArgs) -> Result<()> {
    let load_started = Instant::now();
    let model = load_encoder(&b.model_dir, &b.weights)?;
    let load_ms = load_started.elapsed().as_secs_f64() * 1e3;
    let types = vec![0u32; b.ids.len()];
    let forward = || {
        model
            .forward_ids(&b.ids, &types)
            .context("cannot run the model")
    };
    for _ in 0..b.warmup {
        forward()?;
    }
    let mut times_ms = Vec::with_capacity(b.runs);
    for _ in 0..b.runs {
        let start = Instant::now();
        let out = forward()?;
        times_ms.push(start.elapsed().as_secs_f64() * 1e3);
        // Keep the result observable so the pass cannot be optimised away.
        std::hint::black_box(out);
    }
    let doc = serde_json::json!({
        "tokens": b.ids.len(),
        "runs": b.runs,
        "load_ms": load_ms,
        "times_ms": times_ms,
    });
    println!("{doc}");
    Ok(())
}

/// Human-readable output: each token and where it looks most in the last
/// layer (attention averaged over heads).
fn write_summary(w: &mut impl Write, out: &BertOutput) -> Result<()> {
    let shape = out.attentions.shape();
    let (layers, heads, t) = (shape[0], shape[1], shape[2]);
    writeln!(
        w,
        "{t} tokens, {layers} layers × {heads} heads{}",
        if out.truncated > 0 {
            format!(", {} word pieces truncated", out.truncated)
        } else {
            String::new()
        }
    )?;
    writeln!(
        w,
        "token → most attended token (last layer, mean over heads)"
    )?;
    for q in 0..t {
        let mut mean = vec![0f32; t];
        for h in 0..heads {
            let row = out
                .attention_row(layers - 1, h, q)
                .context("attention row out of range")?;
            for (m, p) in mean.iter_mut().zip(row) {
                *m += p / heads as f32;
            }
        }
        let (k, p) =
            mean.iter().enumerate().fold(
                (0, f32::MIN),
                |best, (k, &p)| if p > best.1 { (k, p) } else { best },
            );
        writeln!(
            w,
            "{q:>4} {:<16} → {:<16} {p:.3}",
            out.tokens[q], out.tokens[k]
        )?;
    }
    writeln!(w, "(use --json for every layer and head)")?;
    Ok(())
}
