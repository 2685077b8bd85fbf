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
    let dist = root.join("dist");
    crate::wasm_opt::optimise(root, &dist)?;
    let version = stamp_service_worker(&dist)?;
    println!("    service worker: version {version}");
    report_wasm_size(&dist)
}

/// What the service worker installs for one version: every file of the
/// site but the models (kept by the model worker's own cache) and the
/// benchmark page; the start page as `./`.
fn app_files(dist: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dist).context("reading dist/")? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type()?.is_file() || name.starts_with("bench.") || name == "sw.js" {
            continue;
        }
        let bytes = std::fs::read(entry.path())?;
        let url = if name == "index.html" {
            "./".to_string()
        } else {
            name
        };
        files.push((url, bytes));
    }
    files.sort();
    Ok(files)
}

/// Writes the version (a hash of every app file) and the file list into
/// `dist/sw.js`; returns the version.
pub fn stamp_service_worker(dist: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    let files = app_files(dist)?;
    let mut hash = Sha256::new();
    for (url, bytes) in &files {
        hash.update(url.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    }
    let digest = hash.finalize();
    let version: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let path = dist.join("sw.js");
    let source = std::fs::read_to_string(&path).context("reading dist/sw.js")?;
    let urls: Vec<&str> = files.iter().map(|(url, _)| url.as_str()).collect();
    std::fs::write(&path, stamp(&source, &version, &urls)?).context("writing dist/sw.js")?;
    Ok(version)
}

/// `source` with its `VERSION` and `APP_FILES` lines filled in.
fn stamp(source: &str, version: &str, files: &[&str]) -> Result<String> {
    const VERSION_LINE: &str = "const VERSION = \"dev\";";
    const FILES_LINE: &str = "const APP_FILES = [];";
    if !source.contains(VERSION_LINE) || !source.contains(FILES_LINE) {
        anyhow::bail!("sw.js has no `{VERSION_LINE}` and `{FILES_LINE}` lines to fill in");
    }
    let list = serde_json::to_string(files)?;
    Ok(source
        .replacen(VERSION_LINE, &format!("const VERSION = \"{version}\";"), 1)
        .replacen(FILES_LINE, &format!("const APP_FILES = {list};"), 1))
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

/// The bytes one browser fetches: every wasm file except the model
/// worker's builds, plus the larger of those (it loads only one; see
/// static/worker-build.js).
pub fn downloaded_bytes(sizes: &[WasmSize], bytes: fn(&WasmSize) -> usize) -> usize {
    let is_worker = |s: &&WasmSize| s.file.starts_with("attend-worker");
    let shell: usize = sizes.iter().filter(|s| !is_worker(s)).map(bytes).sum();
    let worker = sizes.iter().filter(is_worker).map(bytes).max().unwrap_or(0);
    shell + worker
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
    let total = |f: fn(&WasmSize) -> usize| downloaded_bytes(&sizes, f);
    println!(
        "    what one browser downloads (the app and one worker build): \
         {:.2} MiB raw, {:.2} MiB gzip, {:.2} MiB brotli",
        mib(total(|s| s.raw_bytes)),
        mib(total(|s| s.gzip_bytes)),
        mib(total(|s| s.brotli_bytes))
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_downloads_the_app_and_one_worker_build() {
        let size = |file: &str, raw_bytes| WasmSize {
            file: file.into(),
            raw_bytes,
            gzip_bytes: raw_bytes / 3,
            brotli_bytes: raw_bytes / 4,
        };
        let sizes = [
            size("attend-worker-relaxed_bg.wasm", 2_900),
            size("attend-app_bg.wasm", 3_300),
            size("attend-worker_bg.wasm", 2_800),
        ];
        assert_eq!(downloaded_bytes(&sizes, |s| s.raw_bytes), 6_200);
        assert_eq!(downloaded_bytes(&sizes, |s| s.gzip_bytes), 1_100 + 966);
        assert_eq!(downloaded_bytes(&[], |s| s.raw_bytes), 0);
    }

    #[test]
    fn the_service_worker_gets_its_version_and_files() {
        let source = "// x\nconst VERSION = \"dev\";\nconst APP_FILES = [];\nconst CACHE = 1;\n";
        let stamped = stamp(source, "0123abcd", &["./", "attend-app.js"]).unwrap();
        assert_eq!(
            stamped,
            "// x\nconst VERSION = \"0123abcd\";\nconst APP_FILES = [\"./\",\"attend-app.js\"];\nconst CACHE = 1;\n"
        );
        assert!(stamp("const VERSION = 1;", "v", &[]).is_err());
    }

    #[test]
    fn the_version_follows_the_files() {
        let dir = std::env::temp_dir().join(format!("attend-sw-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("models")).unwrap();
        std::fs::write(
            dir.join("sw.js"),
            "const VERSION = \"dev\";\nconst APP_FILES = [];\n",
        )
        .unwrap();
        std::fs::write(dir.join("index.html"), "<html>").unwrap();
        std::fs::write(dir.join("bench.html"), "bench").unwrap();
        std::fs::write(dir.join("a.wasm"), "one").unwrap();
        let files: Vec<String> = app_files(&dir)
            .unwrap()
            .into_iter()
            .map(|(u, _)| u)
            .collect();
        assert_eq!(files, ["./", "a.wasm"]);
        let first = stamp_service_worker(&dir).unwrap();
        std::fs::write(
            dir.join("sw.js"),
            "const VERSION = \"dev\";\nconst APP_FILES = [];\n",
        )
        .unwrap();
        assert_eq!(
            stamp_service_worker(&dir).unwrap(),
            first,
            "same files, same version"
        );
        std::fs::write(dir.join("a.wasm"), "two").unwrap();
        std::fs::write(
            dir.join("sw.js"),
            "const VERSION = \"dev\";\nconst APP_FILES = [];\n",
        )
        .unwrap();
        assert_ne!(
            stamp_service_worker(&dir).unwrap(),
            first,
            "a changed file, a new version"
        );
        let sw = std::fs::read_to_string(dir.join("sw.js")).unwrap();
        assert!(sw.contains(r#"const APP_FILES = ["./","a.wasm"];"#), "{sw}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
