//! Hand-written argument parsing: the CLI has one subcommand and a handful of
//! flags, not enough to justify a parser dependency.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

pub const USAGE: &str = "\
attend — run a BERT encoder and print its tokens and attentions

USAGE:
    attend attention --model DIR --text TEXT [--pair TEXT] [--max-len N]
                     [--json] [--hidden-states]
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
    -h, --help        print this help

EXIT STATUS:
    0 on success, 2 on any error (one line on stderr).
";

/// What the user asked for.
#[derive(Debug, PartialEq)]
pub enum Command {
    Help,
    Attention(AttentionArgs),
}

#[derive(Debug, PartialEq)]
pub struct AttentionArgs {
    pub model_dir: PathBuf,
    pub text: String,
    pub pair: Option<String>,
    pub max_len: Option<usize>,
    pub json: bool,
    pub hidden_states: bool,
}

/// Parses `args` (without the program name).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command> {
    let mut args = args.into_iter();
    let sub = match args.next() {
        None => bail!("no command given; try `attend --help`"),
        Some(s) if s == "-h" || s == "--help" || s == "help" => return Ok(Command::Help),
        Some(s) => s,
    };
    if sub != "attention" {
        bail!("unknown command `{sub}`; try `attend --help`");
    }
    let (mut model_dir, mut text, mut pair, mut max_len) = (None, None, None, None);
    let (mut json, mut hidden_states) = (false, false);
    while let Some(flag) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .with_context(|| format!("{name} needs a value; try `attend --help`"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--model" => model_dir = Some(PathBuf::from(value("--model")?)),
            "--text" => text = Some(value("--text")?),
            "--pair" => pair = Some(value("--pair")?),
            "--max-len" => {
                let raw = value("--max-len")?;
                let n: usize = raw
                    .parse()
                    .with_context(|| format!("--max-len must be a whole number, got `{raw}`"))?;
                max_len = Some(n);
            }
            "--json" => json = true,
            "--hidden-states" => hidden_states = true,
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
            })
        );
        assert_eq!(parse(args(&["--help"])).expect("help"), Command::Help);
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
