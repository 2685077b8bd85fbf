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

/// Raw, gzip and brotli size of one file: what a phone on weak Wi-Fi pays
/// depends on what the host compresses with.
#[derive(Clone, Debug, serde::Serialize)]
pub struct WasmSize {
    pub file: String,
    pub raw_bytes: usize,
    pub gzip_bytes: usize,
    pub brotli_bytes: usize,
}

/// The sizes of every wasm file in `dist`, largest first.
pub fn wasm_sizes(dist: &Path) -> Result<Vec<WasmSize>> {
    let mut sizes = Vec::new();
    for entry in std::fs::read_dir(dist).context("reading dist/")? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let bytes = std::fs::read(&path)?;
            let mut gz = GzEncoder::new(Vec::new(), Compression::best());
            gz.write_all(&bytes)?;
            let gzip_bytes = gz.finish()?.len();
            let mut brotli_out = Vec::new();
            let params = brotli::enc::BrotliEncoderParams {
                quality: 11,
                lgwin: 22,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut bytes.as_slice(), &mut brotli_out, &params)?;
            sizes.push(WasmSize {
                file: path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into(),
                raw_bytes: bytes.len(),
                gzip_bytes,
                brotli_bytes: brotli_out.len(),
            });
        }
    }
    sizes.sort_by_key(|s| std::cmp::Reverse(s.raw_bytes));
    Ok(sizes)
}

/// Prints [`wasm_sizes`], with the total.
pub fn report_wasm_size(dist: &Path) -> Result<()> {
    let sizes = wasm_sizes(dist)?;
    let mib = |n: usize| n as f64 / 1_048_576.0;
    for s in &sizes {
        println!(
            "    {}: {:.2} MiB raw, {:.2} MiB gzip, {:.2} MiB brotli",
            s.file,
            mib(s.raw_bytes),
            mib(s.gzip_bytes),
            mib(s.brotli_bytes)
        );
    }
    let total = |f: fn(&WasmSize) -> usize| sizes.iter().map(f).sum::<usize>();
    println!(
        "    all wasm: {:.2} MiB raw, {:.2} MiB gzip, {:.2} MiB brotli",
        mib(total(|s| s.raw_bytes)),
        mib(total(|s| s.gzip_bytes)),
        mib(total(|s| s.brotli_bytes))
    );
    Ok(())
}
