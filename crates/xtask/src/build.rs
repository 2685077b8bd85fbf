//! Builds the static site into `dist/` with Trunk (release profile).

use crate::cmd;
use anyhow::{Context, Result};
use flate2::{write::GzEncoder, Compression};
use std::io::Write;
use std::path::Path;
use std::process::Command;

pub fn site(root: &Path) -> Result<()> {
    cmd::run(
        "building the site into dist/ (trunk build --release)",
        Command::new("trunk")
            .args(["build", "--release"])
            .current_dir(root),
    )?;
    report_wasm_size(&root.join("dist"))
}

/// Prints raw and gzip size of every wasm file: what a phone on weak Wi-Fi pays.
pub fn report_wasm_size(dist: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dist).context("reading dist/")? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let bytes = std::fs::read(&path)?;
            let mut gz = GzEncoder::new(Vec::new(), Compression::best());
            gz.write_all(&bytes)?;
            let gz_len = gz.finish()?.len();
            println!(
                "    {}: {:.2} MiB raw, {:.2} MiB gzip",
                path.file_name().unwrap_or_default().to_string_lossy(),
                bytes.len() as f64 / 1_048_576.0,
                gz_len as f64 / 1_048_576.0
            );
        }
    }
    Ok(())
}
