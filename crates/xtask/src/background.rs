//! The two tools compiled from source — wasm-bindgen-cli (about 5 minutes)
//! and Trunk (about 15) — are most of a fresh machine's first `cargo xtask
//! test`, yet they are needed late: wasm-bindgen for the wasm tests, Trunk
//! for the site. So they compile one after the other on a background
//! thread, logging to a file, while clippy and the native tests run; their
//! serial stretches (Trunk's own crate alone builds for minutes on one core)
//! overlap the checks' work on the other core. The step waits where it
//! needs each tool and fails with the log's end if its install failed.

use crate::cmd;
use crate::tools;
use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Instant;

/// The installs under way; each `wait_*` blocks until that tool is ready.
pub struct Installs {
    wasm_bindgen: Receiver<Result<()>>,
    trunk: Receiver<Result<()>>,
}

/// Starts whatever of the two is missing; what is installed answers at once.
pub fn start(log_dir: &Path) -> Result<Installs> {
    std::fs::create_dir_all(log_dir).with_context(|| format!("creating {}", log_dir.display()))?;
    let (wasm_bindgen_done, wasm_bindgen) = channel();
    let (trunk_done, trunk) = channel();
    let jobs = [tools::wasm_bindgen_install()?, tools::trunk_install()?];
    let log_dir = log_dir.to_path_buf();
    std::thread::spawn(move || {
        let [wasm_bindgen_job, trunk_job] = jobs;
        // A receiver that is gone only means the run already failed.
        wasm_bindgen_done
            .send(install(wasm_bindgen_job, &log_dir, "wasm-bindgen-cli"))
            .ok();
        trunk_done.send(install(trunk_job, &log_dir, "trunk")).ok();
    });
    Ok(Installs {
        wasm_bindgen,
        trunk,
    })
}

impl Installs {
    pub fn wait_wasm_bindgen(&self) -> Result<()> {
        wait(&self.wasm_bindgen, "wasm-bindgen-cli")
    }

    pub fn wait_trunk(&self) -> Result<()> {
        wait(&self.trunk, "trunk")
    }
}

fn wait(done: &Receiver<Result<()>>, tool: &str) -> Result<()> {
    let started = Instant::now();
    let result = done
        .recv()
        .map_err(|_| anyhow!("the background install of {tool} stopped without a word"))?;
    let waited = started.elapsed();
    if waited.as_secs() >= 1 {
        println!(
            "    waited {:.1} min for {tool}",
            waited.as_secs_f64() / 60.0
        );
        cmd::record(
            &format!("waiting for the background install of {tool}"),
            waited,
        );
    }
    result
}

/// Runs one install with its output in `<log_dir>/<tool>.log`.
fn install(job: Option<(String, Command)>, log_dir: &Path, tool: &str) -> Result<()> {
    let Some((step, mut command)) = job else {
        return Ok(());
    };
    let log = log_dir.join(format!("{tool}.log"));
    println!("==> {step}, in the background (log: {})", log.display());
    let started = Instant::now();
    let file =
        std::fs::File::create(&log).with_context(|| format!("creating {}", log.display()))?;
    let status = command
        .stdin(Stdio::null())
        .stdout(file.try_clone()?)
        .stderr(file)
        .status()
        .with_context(|| format!("starting {:?}", command.get_program()))?;
    cmd::record(&format!("{step}, in the background"), started.elapsed());
    if !status.success() {
        bail!(
            "{step}: failed ({status}); the end of {}:\n{}",
            log.display(),
            tail(&log)
        );
    }
    println!(
        "==> {tool} installed in the background ({:.1} min)",
        started.elapsed().as_secs_f64() / 60.0
    );
    Ok(())
}

fn tail(log: &PathBuf) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}
