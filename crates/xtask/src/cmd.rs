//! Running child processes with one progress line each.

use anyhow::{bail, Context, Result};
use std::process::{Command, Stdio};

/// Prints the step, runs it with inherited output, fails on a non-zero exit.
pub fn run(step: &str, command: &mut Command) -> Result<()> {
    println!("==> {step}");
    let status = command
        .status()
        .with_context(|| format!("starting {:?}", command.get_program()))?;
    if !status.success() {
        bail!("{step}: failed ({status})");
    }
    Ok(())
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
