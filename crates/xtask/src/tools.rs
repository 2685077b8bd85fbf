//! Installs what the build and the tests need, once. Every check is cheap, so
//! a second run reinstalls nothing and prints one "ok" line per tool.

use crate::cmd::{self, output};
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

/// Trunk newer than this needs a newer rustc than the one we support.
pub const TRUNK_VERSION: &str = "0.21.14";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub fn ensure_build_tools() -> Result<()> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_trunk()
}

pub fn ensure_wasm_target() -> Result<()> {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        println!("ok  rust target {WASM_TARGET}");
        return Ok(());
    }
    cmd::run(
        &format!("installing rust target {WASM_TARGET}"),
        Command::new("rustup").args(["target", "add", WASM_TARGET]),
    )
}

pub fn ensure_rust_components() -> Result<()> {
    let has_fmt = output("cargo", &["fmt", "--version"]).is_some();
    let has_clippy = output("cargo", &["clippy", "--version"]).is_some();
    if has_fmt && has_clippy {
        println!("ok  rustfmt and clippy");
        return Ok(());
    }
    cmd::run(
        "installing rustfmt and clippy",
        Command::new("rustup").args(["component", "add", "rustfmt", "clippy"]),
    )
}

pub fn ensure_trunk() -> Result<()> {
    match trunk_install()? {
        Some((step, mut command)) => cmd::run(&step, &mut command),
        None => Ok(()),
    }
}

/// The install of Trunk, or None (after an "ok" line) when it is there.
pub fn trunk_install() -> Result<Option<(String, Command)>> {
    let have = output("trunk", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(TRUNK_VERSION) {
        println!("ok  trunk {TRUNK_VERSION}");
        return Ok(None);
    }
    let mut command = cmd::cargo();
    command.args(["install", "--locked", "trunk", "--version", TRUNK_VERSION]);
    Ok(Some((
        format!("installing trunk {TRUNK_VERSION} (compiles from source, about 15 minutes)"),
        command,
    )))
}

/// The CLI must match the `wasm-bindgen` crate in Cargo.lock exactly.
pub fn wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string("Cargo.lock").context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    bail!("wasm-bindgen is not in Cargo.lock")
}

pub fn ensure_wasm_bindgen() -> Result<()> {
    match wasm_bindgen_install()? {
        Some((step, mut command)) => cmd::run(&step, &mut command),
        None => Ok(()),
    }
}

/// The install of the CLI that matches Cargo.lock, or None (after an "ok"
/// line) when it is there.
pub fn wasm_bindgen_install() -> Result<Option<(String, Command)>> {
    let version = wasm_bindgen_version()?;
    let have = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    let runner = output("wasm-bindgen-test-runner", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(version.as_str()) && !runner.is_empty() {
        println!("ok  wasm-bindgen-cli {version}");
        return Ok(None);
    }
    // Not --locked: one of the CLI's locked dependencies was yanked.
    let mut command = cmd::cargo();
    command.args([
        "install",
        "--force",
        "wasm-bindgen-cli",
        "--version",
        &version,
    ]);
    Ok(Some((
        format!("installing wasm-bindgen-cli {version} (about 5 minutes)"),
        command,
    )))
}

/// Debian's Chromium and its WebDriver, plus Mesa's software Vulkan (lavapipe)
/// so that native wgpu has an adapter. Installed with apt when we are root.
/// Mesa's lavapipe (a Vulkan driver on the CPU) is installed.
pub fn has_vulkan_driver() -> bool {
    Path::new("/usr/share/vulkan/icd.d/lvp_icd.x86_64.json").exists()
}

pub fn ensure_browser() -> Result<()> {
    let lavapipe = has_vulkan_driver();
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() && lavapipe {
        println!("ok  chromium, chromedriver, mesa-vulkan-drivers");
        return Ok(());
    }
    let uid = output("id", &["-u"]).unwrap_or_default();
    if uid.trim() != "0" {
        bail!(
            "the browser tests need Debian's chromium, chromium-driver and mesa-vulkan-drivers; \
             install them (sudo apt-get install chromium chromium-driver mesa-vulkan-drivers libvulkan1) \
             or run as root"
        );
    }
    cmd::run(
        "apt-get update",
        Command::new("apt-get").args(["update", "-q"]),
    )?;
    cmd::run(
        "installing chromium, chromium-driver, mesa-vulkan-drivers with apt",
        Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args([
                "install",
                "-y",
                "-q",
                "chromium",
                "chromium-driver",
                "mesa-vulkan-drivers",
                "libvulkan1",
            ]),
    )
}
