//! Half-precision weights for the web: half the download, and a measurement
//! of how much that moves the attention maps.

use anyhow::{Context, Result};
use half::f16;
use safetensors::tensor::{Dtype, TensorView};
use safetensors::SafeTensors;
use std::path::Path;

/// Re-encodes every f32 tensor as f16; other dtypes (the i64 position ids)
/// are kept as they are.
pub fn to_f16(f32_bytes: &[u8]) -> Result<Vec<u8>> {
    let tensors = SafeTensors::deserialize(f32_bytes).context("parsing model.safetensors")?;
    let mut converted: Vec<(String, Dtype, Vec<usize>, Vec<u8>)> = Vec::new();
    for (name, view) in tensors.tensors() {
        let (dtype, data) = match view.dtype() {
            Dtype::F32 => {
                let halves: Vec<u8> = view
                    .data()
                    .chunks_exact(4)
                    .flat_map(|c| {
                        let x = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                        f16::from_f32(x).to_le_bytes()
                    })
                    .collect();
                (Dtype::F16, halves)
            }
            other => (other, view.data().to_vec()),
        };
        converted.push((name, dtype, view.shape().to_vec(), data));
    }
    let views: Vec<(String, TensorView<'_>)> = converted
        .iter()
        .map(|(name, dtype, shape, data)| {
            TensorView::new(*dtype, shape.clone(), data).map(|v| (name.clone(), v))
        })
        .collect::<Result<_, _>>()?;
    Ok(safetensors::serialize(views, None)?)
}

/// Max |Δ| of any attention probability between the f32 and f16 weights,
/// over the fixture sentences.
pub fn attention_delta(dir: &Path, f32_bytes: &[u8], f16_bytes: &[u8]) -> Result<f64> {
    let config = std::fs::read(dir.join("config.json"))?;
    let tokenizer = std::fs::read(dir.join("tokenizer.json"))?;
    let full = attend_core::Bert::from_bytes(&config, f32_bytes, &tokenizer)?;
    let half = attend_core::Bert::from_bytes(&config, f16_bytes, &tokenizer)?;
    let mut worst = 0.0f64;
    for sentence in fixture_sentences()? {
        let a = full.run(&sentence, None, None)?;
        let b = half.run(&sentence, None, None)?;
        for (x, y) in a.attentions.data().iter().zip(b.attentions.data()) {
            worst = worst.max((f64::from(*x) - f64::from(*y)).abs());
        }
    }
    Ok(worst)
}

fn fixture_sentences() -> Result<Vec<String>> {
    let mut out = Vec::new();
    for i in 1..=8 {
        let path = format!("tests/fixtures/minilm/a{i:02}.json");
        let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path)?)?;
        out.push(json["sentence"].as_str().unwrap_or_default().to_string());
    }
    Ok(out)
}
