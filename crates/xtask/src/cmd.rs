//! Running child processes with one progress line each.

use anyhow::{bail, Context, Result};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Every step [`run`] has run so far, with its wall time.
static STEPS: Mutex<Vec<(String, Duration)>> = Mutex::new(Vec::new());

/// Prints the step, runs it with inherited output, fails on a non-zero exit.
pub fn run(step: &str, command: &mut Command) -> Result<()> {
    println!("==> {step}");
    let started = Instant::now();
    let status = command
        .status()
        .with_context(|| format!("starting {:?}", command.get_program()))?;
    record(step, started.elapsed());
    if !status.success() {
        bail!("{step}: failed ({status})");
    }
    Ok(())
}

/// Adds a step that ran outside [`run`] to the times printed at the end.
pub fn record(step: &str, took: Duration) {
    if let Ok(mut steps) = STEPS.lock() {
        steps.push((step.to_string(), took));
    }
}

/// The steps run so far and their times, one line each (longest first
/// would hide the order; the order is the story).
pub fn print_step_times() {
    let Ok(steps) = STEPS.lock() else { return };
    if steps.is_empty() {
        return;
    }
    println!("==> time per step");
    for (step, took) in steps.iter() {
        println!("    {:>6.1} min  {step}", took.as_secs_f64() / 60.0);
    }
}

/// Runs a command quietly and returns its stdout, or None if it cannot run or fails.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `cargo`, the one running xtask. On CI (`CI` set) without incremental
/// state: a clean clone builds once, and the state would only take disk.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    if std::env::var_os("CI").is_some() && std::env::var_os("CARGO_INCREMENTAL").is_none() {
        command.env("CARGO_INCREMENTAL", "0");
    }
    command
}

/// Prints the step, runs it with stderr inherited, and returns its stdout;
/// fails on a non-zero exit.
pub fn output_of(step: &str, command: &mut Command) -> Result<Vec<u8>> {
    println!("==> {step}");
    let out = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("starting {:?}", command.get_program()))?;
    if !out.status.success() {
        bail!("{step}: failed ({})", out.status);
    }
    Ok(out.stdout)
}
