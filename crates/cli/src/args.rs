//! Hand-written argument parsing: the CLI has two subcommands and a handful
//! of flags, not enough to justify a parser dependency.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use attend_core::Backend;

pub const USAGE: &str = "\
attend — run a BERT encoder and print its tokens and attentions

USAGE:
    attend attention --model DIR --text TEXT [--pair TEXT] [--max-len N]
                     [--json] [--hidden-states] [--backend cpu|gpu]
    attend bench --model DIR --ids ID,ID,... [--runs N] [--warmup N]
                 [--weights FILE]
    attend --help

OPTIONS:
    --model DIR       directory with config.json, model.safetensors and
                      tokenizer.json (or vocab.txt)
    --text TEXT       the sentence to encode (may be empty)
    --pair TEXT       optional second sentence (token type 1)
    --max-len N       truncate to N tokens, special tokens included
                      (default and cap: the model's max_position_embeddings)
    --json            print one JSON object: tokens, input_ids, token_type_ids,
                      truncated, attentions [layer][head][query][key], embedding
    --hidden-states   with --json, also include hidden_states and
                      last_hidden_state
    --backend B       cpu (default) or gpu: the wgpu backend (Vulkan or
                      Metal); same output within float rounding
    -h, --help        print this help

BENCH OPTIONS:
    --ids ID,ID,...   token ids to encode (token type 0), special tokens
                      included, e.g. 101,1996,4937,102
    --runs N          timed forward passes (default 10)
    --warmup N        untimed forward passes first (default 1)
    --weights FILE    weights file inside DIR (default model.safetensors)
    bench prints one JSON object, {\"tokens\": T, \"runs\": N, \"times_ms\": [..]}:
    the wall time of each full forward pass (attentions included), in ms.

EXIT STATUS:
    0 on success, 2 on any error (one line on stderr).
";

/// What the user asked for.
#[derive(Debug, PartialEq)]
pub enum Command {
    Help,
    Attention(AttentionArgs),
    Bench(BenchArgs),
}

#[derive(Debug, PartialEq)]
pub struct AttentionArgs {
    pub model_dir: PathBuf,
    pub text: String,
    pub pair: Option<String>,
    pub max_len: Option<usize>,
    pub json: bool,
    pub hidden_states: bool,
    pub backend: Backend,
}

#[derive(Debug, PartialEq)]
pub struct BenchArgs {
    pub model_dir: PathBuf,
    pub weights: String,
    pub ids: Vec<u32>,
    pub runs: usize,
    pub warmup: usize,
}

/// Parses `args` (without the program name).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command> {
    let mut args = args.into_iter();
    let sub = match args.next() {
        None => bail!("no command given; try `attend --help`"),
        Some(s) if s == "-h" || s == "--help" || s == "help" => return Ok(Command::Help),
        Some(s) => s,
    };
    match sub.as_str() {
        "attention" => parse_attention(args),
        "bench" => parse_bench(args),
        _ => bail!("unknown command `{sub}`; try `attend --help`"),
    }
}

/// The next argument as the value of flag `name`.
fn value(args: &mut impl Iterator<Item = String>, name: &str) -> Result<String> {
    args.next()
        .with_context(|| format!("{name} needs a value; try `attend --help`"))
}

/// The next argument as a whole number, the value of flag `name`.
fn number(args: &mut impl Iterator<Item = String>, name: &str) -> Result<usize> {
    let raw = value(args, name)?;
    raw.parse()
        .with_context(|| format!("{name} must be a whole number, got `{raw}`"))
}

fn parse_attention(mut args: impl Iterator<Item = String>) -> Result<Command> {
    let (mut model_dir, mut text, mut pair, mut max_len) = (None, None, None, None);
    let (mut json, mut hidden_states, mut backend) = (false, false, Backend::Cpu);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--model" => model_dir = Some(PathBuf::from(value(&mut args, "--model")?)),
            "--text" => text = Some(value(&mut args, "--text")?),
            "--pair" => pair = Some(value(&mut args, "--pair")?),
            "--max-len" => max_len = Some(number(&mut args, "--max-len")?),
            "--json" => json = true,
            "--hidden-states" => hidden_states = true,
            "--backend" => {
                let raw = value(&mut args, "--backend")?;
                backend = Backend::parse(&raw)
                    .with_context(|| format!("--backend must be cpu or gpu, got `{raw}`"))?;
            }
            other => bail!("unknown option `{other}`; try `attend --help`"),
        }
    }
    Ok(Command::Attention(AttentionArgs {
        model_dir: model_dir.context("--model DIR is required")?,
        text: text.context("--text TEXT is required")?,
        pair,
        max_len,
        json,
        hidden_states,
        backend,
    }))
}

fn parse_bench(mut args: impl Iterator<Item = String>) -> Result<Command> {
    let (mut model_dir, mut ids, mut weights) = (None, None, None);
    let (mut runs, mut warmup) = (10, 1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--model" => model_dir = Some(PathBuf::from(value(&mut args, "--model")?)),
            "--weights" => weights = Some(value(&mut args, "--weights")?),
            "--ids" => {
                let raw = value(&mut args, "--ids")?;
                let list = raw
                    .split(',')
                    .map(|id| {
                        id.trim().parse::<u32>().with_context(|| {
                            format!("--ids must be comma-separated token ids, got `{id}`")
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                ids = Some(list);
            }
            "--runs" => runs = number(&mut args, "--runs")?,
            "--warmup" => warmup = number(&mut args, "--warmup")?,
            other => bail!("unknown option `{other}`; try `attend --help`"),
        }
    }
    if runs == 0 {
        bail!("--runs must be at least 1");
    }
    Ok(Command::Bench(BenchArgs {
        model_dir: model_dir.context("--model DIR is required")?,
        weights: weights.unwrap_or_else(|| "model.safetensors".to_owned()),
        ids: ids.context("--ids ID,ID,... is required")?,
        runs,
        warmup,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn parses_all_flags() {
        let cmd = parse(args(&[
            "attention",
            "--model",
            "m",
            "--text",
            "",
            "--pair",
            "b",
            "--max-len",
            "16",
            "--json",
            "--hidden-states",
            "--backend",
            "gpu",
        ]))
        .expect("parses");
        assert_eq!(
            cmd,
            Command::Attention(AttentionArgs {
                model_dir: "m".into(),
                text: String::new(),
                pair: Some("b".into()),
                max_len: Some(16),
                json: true,
                hidden_states: true,
                backend: Backend::Gpu,
            })
        );
        let bad = parse(args(&[
            "attention",
            "--model",
            "m",
            "--text",
            "",
            "--backend",
            "tpu",
        ]))
        .expect_err("unknown backend");
        assert!(format!("{bad:#}").contains("cpu or gpu"), "{bad:#}");
        assert_eq!(parse(args(&["--help"])).expect("help"), Command::Help);
    }

    #[test]
    fn parses_bench() {
        let cmd = parse(args(&[
            "bench",
            "--model",
            "m",
            "--ids",
            "101,1996, 102",
            "--runs",
            "30",
            "--warmup",
            "0",
            "--weights",
            "model.f16.safetensors",
        ]))
        .expect("parses");
        assert_eq!(
            cmd,
            Command::Bench(BenchArgs {
                model_dir: "m".into(),
                weights: "model.f16.safetensors".into(),
                ids: vec![101, 1996, 102],
                runs: 30,
                warmup: 0,
            })
        );
        let Command::Bench(defaults) =
            parse(args(&["bench", "--ids", "7", "--model", "m"])).expect("parses")
        else {
            panic!("not a bench command");
        };
        assert_eq!(
            (defaults.weights.as_str(), defaults.runs, defaults.warmup),
            ("model.safetensors", 10, 1)
        );
    }

    #[test]
    fn rejects_bad_bench_input() {
        for bad in [
            &["bench", "--ids", "1,2"][..],
            &["bench", "--model", "m"],
            &["bench", "--model", "m", "--ids", ""],
            &["bench", "--model", "m", "--ids", "1,,2"],
            &["bench", "--model", "m", "--ids", "1,-2"],
            &["bench", "--model", "m", "--ids", "1", "--runs", "0"],
            &["bench", "--model", "m", "--ids", "1", "--runs", "x"],
            &["bench", "--model", "m", "--ids", "1", "--warmup"],
            &["bench", "--model", "m", "--ids", "1", "--text", "x"],
        ] {
            assert!(parse(args(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rejects_bad_input() {
        for bad in [
            &[][..],
            &["frobnicate"],
            &["attention", "--text", "x"],
            &["attention", "--model", "m"],
            &["attention", "--model"],
            &[
                "attention",
                "--model",
                "m",
                "--text",
                "x",
                "--max-len",
                "-3",
            ],
            &["attention", "--model", "m", "--text", "x", "--verbose"],
        ] {
            assert!(parse(args(bad)).is_err(), "{bad:?}");
        }
    }
}
