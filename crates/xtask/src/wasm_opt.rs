//! Shrinks the built WebAssembly with binaryen's `wasm-opt` when a working
//! one is at hand, and leaves the files as built when not.
//!
//! Which one: binaryen 108 (Debian's package) breaks the binaries rustc
//! emits today, so only version [`MIN_VERSION`] or newer is used — from
//! npm's `binaryen` package under `target/tools/binaryen` (installed there
//! when npm is present), or from PATH.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Older wasm-opt builds reject or miscompile rustc's current output.
pub const MIN_VERSION: u32 = 120;
/// The npm package that is known to work here.
pub const NPM_PACKAGE: &str = "binaryen@132.0.0";

/// The features rustc's wasm32 output uses (wasm-opt must be told), and
/// no debug names in what is shipped.
const FLAGS: [&str; 10] = [
    "--enable-simd",
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-sign-ext",
    "--enable-nontrapping-float-to-int",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-call-indirect-overlong",
    "--strip-debug",
];

/// Each wasm file, how it is optimised, and the features it adds to
/// [`FLAGS`]: the page for size (it draws, it does not compute), both model
/// worker builds for speed.
const FILES: [(&str, &str, &[&str]); 3] = [
    ("attend-app_bg.wasm", "-Oz", &[]),
    ("attend-worker_bg.wasm", "-O3", &[]),
    (
        "attend-worker-relaxed_bg.wasm",
        "-O3",
        &["--enable-relaxed-simd"],
    ),
];

/// The version number in `wasm-opt --version` output
/// (`wasm-opt version 132 (version_132)`).
pub fn parse_version(output: &str) -> Option<u32> {
    let rest = output.split("version").nth(1)?;
    rest.split(|c: char| !c.is_ascii_digit())
        .find(|part| !part.is_empty())?
        .parse()
        .ok()
}

fn usable(program: &Path) -> Option<u32> {
    let out = Command::new(program).arg("--version").output().ok()?;
    let version = parse_version(&String::from_utf8_lossy(&out.stdout))?;
    (out.status.success() && version >= MIN_VERSION).then_some(version)
}

/// A wasm-opt of [`MIN_VERSION`] or newer: the one under `target/tools`,
/// else one on PATH, else npm's (installed now, when npm exists).
pub fn find(root: &Path) -> Option<(PathBuf, u32)> {
    let local = root.join("target/tools/binaryen/node_modules/.bin/wasm-opt");
    if let Some(v) = usable(&local) {
        return Some((local, v));
    }
    if let Some(v) = usable(Path::new("wasm-opt")) {
        return Some((PathBuf::from("wasm-opt"), v));
    }
    let npm = Command::new("npm").arg("--version").output();
    if !npm.is_ok_and(|o| o.status.success()) {
        return None;
    }
    println!("==> installing wasm-opt ({NPM_PACKAGE}, with npm) into target/tools/binaryen");
    let installed = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(root.join("target/tools/binaryen"))
        .arg(NPM_PACKAGE)
        .status();
    match installed {
        Ok(status) if status.success() => usable(&local).map(|v| (local, v)),
        _ => None,
    }
}

/// Optimises the wasm files of `dist` in place (both at once: two cores).
/// Any failure keeps that file as built and says so; the build goes on.
pub fn optimise(root: &Path, dist: &Path) -> Result<()> {
    let Some((program, version)) = find(root) else {
        println!(
            "    wasm-opt: none of version {MIN_VERSION}+ found (npm's {NPM_PACKAGE} needs Node); \
             the wasm files stay as built"
        );
        return Ok(());
    };
    let jobs: Vec<_> = FILES
        .iter()
        .map(|&(file, level, features)| {
            let (program, path) = (program.clone(), dist.join(file));
            std::thread::spawn(move || {
                let result = optimise_file(&program, &path, level, features);
                (file, level, result)
            })
        })
        .collect();
    for job in jobs {
        let (file, level, result) = job
            .join()
            .map_err(|_| anyhow::anyhow!("a wasm-opt thread panicked"))?;
        match result {
            Ok((before, after)) => println!(
                "    wasm-opt {version} {level} {file}: {:.2} → {:.2} MiB",
                before as f64 / 1_048_576.0,
                after as f64 / 1_048_576.0
            ),
            Err(e) => println!("    wasm-opt {file}: kept as built ({e:#})"),
        }
    }
    Ok(())
}

/// Runs wasm-opt on one file into a temporary file, and replaces the file
/// only when that worked; returns the sizes before and after.
fn optimise_file(
    program: &Path,
    path: &Path,
    level: &str,
    features: &[&str],
) -> Result<(u64, u64)> {
    let before = std::fs::metadata(path)
        .with_context(|| format!("{} is missing", path.display()))?
        .len();
    let optimised = path.with_extension("opt.wasm");
    let out = Command::new(program)
        .arg(level)
        .args(FLAGS)
        .args(features)
        .arg(path)
        .arg("-o")
        .arg(&optimised)
        .output()
        .context("running wasm-opt")?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Best effort: a half-written output must not be left in dist/.
        if optimised.exists() {
            std::fs::remove_file(&optimised).context("removing a failed wasm-opt output")?;
        }
        bail!(
            "wasm-opt failed: {}",
            stderr.lines().next().unwrap_or("no message")
        );
    }
    let after = std::fs::metadata(&optimised)?.len();
    std::fs::rename(&optimised, path).context("replacing the wasm file")?;
    Ok((before, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_what_wasm_opt_prints() {
        assert_eq!(
            parse_version("wasm-opt version 132 (version_132)\n"),
            Some(132)
        );
        assert_eq!(parse_version("wasm-opt version 108\n"), Some(108));
        assert_eq!(parse_version("wasm-opt version_116"), Some(116));
        assert_eq!(parse_version("something else"), None);
    }
}
