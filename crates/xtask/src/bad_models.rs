//! Broken and mismatched model folders for the browser tests: each is what a
//! reader may paste as a `model=` link, and each must end in one readable
//! sentence while the default model keeps working. Built from MiniLM and the
//! tiny fixture BERT under `target/models/bad/`.

use crate::model;
use anyhow::{Context, Result};
use safetensors::tensor::{Dtype, TensorView};
use safetensors::SafeTensors;
use std::path::{Path, PathBuf};

/// Writes every case of `attend_e2e::BAD_MODELS` (again: it is cheap) and
/// returns the folder above them.
pub fn ensure(root: &Path) -> Result<PathBuf> {
    model::ensure_default_model(root)?;
    let minilm = model::model_dir(root);
    let tiny = root.join("tests/fixtures/tiny-bert");
    let out = root.join("target/models/bad");
    let read = |dir: &Path, file: &str| {
        std::fs::read(dir.join(file)).with_context(|| format!("reading {}/{file}", dir.display()))
    };
    let (config, tokenizer) = (
        read(&minilm, "config.json")?,
        read(&minilm, "tokenizer.json")?,
    );
    let weights = read(&minilm, model::F16_WEIGHTS)?;
    let write = |case: &str, files: &[(&str, &[u8])]| -> Result<()> {
        let dir = out.join(case);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        for (name, bytes) in files {
            std::fs::write(dir.join(name), bytes)?;
        }
        Ok(())
    };
    let tiny_weights = read(&tiny, "model.safetensors")?;
    let tiny_config = read(&tiny, "config.json")?;
    // MiniLM's config and tokenizer with the tiny BERT's weights.
    write(
        "wrong-shapes",
        &[
            ("config.json", &config),
            ("tokenizer.json", &tokenizer),
            ("model.safetensors", &tiny_weights),
        ],
    )?;
    // A download cut off after its first megabyte.
    write(
        "truncated",
        &[
            ("config.json", &config),
            ("tokenizer.json", &tokenizer),
            ("model.safetensors", &weights[..1 << 20]),
        ],
    )?;
    let mut huge: serde_json::Value = serde_json::from_slice(&config)?;
    huge["hidden_size"] = 1_000_000.into();
    huge["num_attention_heads"] = 10.into();
    write(
        "huge-hidden-size",
        &[
            ("config.json", huge.to_string().as_bytes()),
            ("tokenizer.json", &tokenizer),
            ("model.safetensors", &weights),
        ],
    )?;
    write(
        "nan-weight",
        &[
            ("config.json", &config),
            ("tokenizer.json", &tokenizer),
            ("model.safetensors", &with_a_nan(&weights, NAN_TENSOR)?),
        ],
    )?;
    // The tiny BERT knows 99 tokens; MiniLM's tokenizer has 30,522.
    write(
        "mismatched-tokenizer",
        &[
            ("config.json", &tiny_config),
            ("tokenizer.json", &tokenizer),
            ("model.safetensors", &tiny_weights),
        ],
    )?;
    // Whole, valid files, but the manifest's sum for the weights is not
    // theirs: what a download damaged in transit (or a half-finished deploy)
    // looks like.
    let manifest = serde_json::json!({
        "name": "wrong-sha256",
        "default_weights": "model.safetensors",
        "files": [{
            "name": "model.safetensors",
            "bytes": weights.len(),
            "sha256": "0".repeat(64),
        }],
    });
    write(
        "wrong-sha256",
        &[
            ("config.json", &config),
            ("tokenizer.json", &tokenizer),
            ("model.safetensors", &weights),
            ("manifest.json", manifest.to_string().as_bytes()),
        ],
    )?;
    write(
        "pytorch-only",
        &[
            ("config.json", &config),
            ("tokenizer.json", &tokenizer),
            ("pytorch_model.bin", b"PK\x03\x04"),
        ],
    )?;
    Ok(out)
}

/// The tensor that gets the NaN (its first value).
const NAN_TENSOR: &str = "encoder.layer.2.output.dense.weight";

/// `f16_bytes` with the first value of `tensor` replaced by an f16 NaN.
fn with_a_nan(f16_bytes: &[u8], tensor: &str) -> Result<Vec<u8>> {
    let file = SafeTensors::deserialize(f16_bytes)?;
    let mut owned: Vec<(String, Dtype, Vec<usize>, Vec<u8>)> = file
        .tensors()
        .into_iter()
        .map(|(name, v)| (name, v.dtype(), v.shape().to_vec(), v.data().to_vec()))
        .collect();
    let target = owned
        .iter_mut()
        .find(|(name, dtype, ..)| name == tensor && *dtype == Dtype::F16)
        .with_context(|| format!("no f16 tensor {tensor}"))?;
    target.3[..2].copy_from_slice(&half::f16::NAN.to_le_bytes());
    let views: Vec<(String, TensorView<'_>)> = owned
        .iter()
        .map(|(name, dtype, shape, data)| {
            TensorView::new(*dtype, shape.clone(), data).map(|v| (name.clone(), v))
        })
        .collect::<Result<_, _>>()?;
    Ok(safetensors::serialize(views, None)?)
}
