//! `cargo xtask …`: everything needed to build, serve, test and benchmark
//! Attend on a fresh machine. Each step installs what it needs first and says
//! so in one line.

mod background;
mod bad_models;
mod bench;
mod bench_app;
mod bench_gpu;
mod bench_model;
mod bench_soak;
mod build;
mod cmd;
mod disk;
mod layers;
mod model;
mod model_f16;
mod replica;
mod server;
mod test;
mod tools;
mod wasm_opt;

use anyhow::{bail, Context, Result};
use std::path::PathBuf;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  serve [--port N]    install what is missing, build the site (release) and serve it on 127.0.0.1
  test                fmt, clippy, native tests, wasm32 checks, browser tests, end-to-end tests
  test --e2e          only the site build and the end-to-end tests
  bench [--gpu]       forward-pass latency natively and in headless Chromium; writes target/bench.json
  bench --app         the page only: cold load, keystroke → painted map per view, wasm sizes
  bench --soak N      N runs in one page: worker/page wasm memory and JS heap at start, middle, end
  bench --model DIR   the same for any BERT directory at T = 16/128/512, with load time and memory
  bench --replica     bench --model on a random-weight bert-base (12x12x768) in the Hub layout
  replica [--narrow]  write that replica (or a 12x12x96 one) under target/models/
  fetch-model         download and verify the default model into static/models/
  build               build the site into dist/ (release)
";

fn main() {
    if let Err(err) = run() {
        // Where the time went, up to the step that failed.
        cmd::print_step_times();
        eprintln!("xtask: error: {err:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    let root = repo_root()?;
    std::env::set_current_dir(&root).context("entering the repository root")?;
    match command.as_str() {
        "serve" => {
            let port = parse_port(&rest)?;
            tools::ensure_build_tools()?;
            model::ensure_default_model(&root)?;
            build::site(&root)?;
            server::serve_forever(&root.join("dist"), port)
        }
        "test" if rest.iter().any(|a| a == "--e2e") => test::end_to_end_only(&root),
        "test" => test::all(&root),
        "bench" => bench::run(&root, &bench::Options::parse(&rest)?),
        "replica" => {
            let shape = if rest.iter().any(|a| a == "--narrow") {
                replica::BERT_BASE_NARROW
            } else {
                replica::BERT_BASE
            };
            let dir = replica::default_dir(&root, shape);
            replica::ensure(&root, shape, &dir).map(|_| ())
        }
        "fetch-model" => model::ensure_default_model(&root),
        "build" => {
            tools::ensure_build_tools()?;
            model::ensure_default_model(&root)?;
            build::site(&root)
        }
        "" | "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command `{other}`\n{USAGE}"),
    }
}

fn parse_port(args: &[String]) -> Result<u16> {
    match args {
        [] => Ok(8080),
        [flag, value] if flag == "--port" => value
            .parse()
            .with_context(|| format!("--port takes a number from 1 to 65535, got `{value}`")),
        _ => bail!("serve takes only `--port N`"),
    }
}

/// The workspace root: xtask lives in crates/xtask. `cargo run` tells the
/// process where its manifest is; the compile-time path is only a fallback
/// (a shared target directory may hold a build from another checkout).
fn repo_root() -> Result<PathBuf> {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest
        .ancestors()
        .nth(2)
        .map(PathBuf::from)
        .context("locating the repository root")
}
