//! `cargo xtask replica`: a BERT with random weights laid out exactly as
//! bert-base-uncased is published (its `config.json` fields, `bert.`-prefixed
//! names, LayerNorm `gamma`/`beta`, the `cls.*` pre-training heads and the
//! pooler), for benchmarks and browser tests at the seed model's scale. The
//! real weights come from a hub this machine cannot reach; the tokenizer is
//! MiniLM's, which is the very same uncased WordPiece vocabulary.

use crate::model;
use anyhow::{Context, Result};
use attend_core::rng::SplitMix64;
use safetensors::tensor::{Dtype, TensorView};
use std::path::{Path, PathBuf};

/// The sizes of a replica.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub layers: usize,
    pub heads: usize,
    pub hidden: usize,
    pub intermediate: usize,
}

/// bert-base-uncased: 12 layers × 12 heads, 768 wide.
pub const BERT_BASE: Shape = Shape {
    layers: 12,
    heads: 12,
    hidden: 768,
    intermediate: 3072,
};

/// The same 12 × 12 heads at 96 wide (8 per head): every picker and view of
/// bert-base, at a size a browser test loads in a second.
pub const BERT_BASE_NARROW: Shape = Shape {
    layers: 12,
    heads: 12,
    hidden: 96,
    intermediate: 384,
};

const VOCAB: usize = 30522;
const POSITIONS: usize = 512;

pub fn default_dir(root: &Path, shape: Shape) -> PathBuf {
    root.join("target/models").join(format!(
        "bert-{}x{}x{}-replica",
        shape.layers, shape.heads, shape.hidden
    ))
}

/// Writes the replica into `dir` unless it is there already; returns `dir`.
pub fn ensure(root: &Path, shape: Shape, dir: &Path) -> Result<PathBuf> {
    if dir.join("model.safetensors").exists() && dir.join("config.json").exists() {
        println!("ok  replica {}", dir.display());
        return Ok(dir.to_path_buf());
    }
    model::ensure_default_model(root)?;
    println!(
        "==> writing a random-weight {shape:?} BERT in the Hub layout to {}",
        dir.display()
    );
    std::fs::create_dir_all(dir)?;
    let minilm = model::model_dir(root);
    for file in ["tokenizer.json", "vocab.txt"] {
        std::fs::copy(minilm.join(file), dir.join(file))
            .with_context(|| format!("copying {file} from {}", minilm.display()))?;
    }
    std::fs::write(dir.join("config.json"), config_json(shape))?;
    std::fs::write(dir.join("model.safetensors"), weights(shape)?)?;
    Ok(dir.to_path_buf())
}

/// bert-base-uncased's `config.json`, field for field, with `shape`'s sizes.
fn config_json(s: Shape) -> String {
    serde_json::to_string_pretty(&serde_json::json!({
        "architectures": ["BertForMaskedLM"],
        "attention_probs_dropout_prob": 0.1,
        "gradient_checkpointing": false,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": s.hidden,
        "initializer_range": 0.02,
        "intermediate_size": s.intermediate,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": POSITIONS,
        "model_type": "bert",
        "num_attention_heads": s.heads,
        "num_hidden_layers": s.layers,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "transformers_version": "4.6.0.dev0",
        "type_vocab_size": 2,
        "use_cache": true,
        "vocab_size": VOCAB
    }))
    .expect("a JSON literal serialises")
}

/// Every tensor name of the Hub file and its shape.
fn tensor_shapes(s: Shape) -> Vec<(String, Vec<usize>)> {
    let (h, i) = (s.hidden, s.intermediate);
    let mut out: Vec<(String, Vec<usize>)> = vec![
        (
            "bert.embeddings.word_embeddings.weight".into(),
            vec![VOCAB, h],
        ),
        (
            "bert.embeddings.position_embeddings.weight".into(),
            vec![POSITIONS, h],
        ),
        (
            "bert.embeddings.token_type_embeddings.weight".into(),
            vec![2, h],
        ),
        ("bert.embeddings.LayerNorm.gamma".into(), vec![h]),
        ("bert.embeddings.LayerNorm.beta".into(), vec![h]),
        ("bert.pooler.dense.weight".into(), vec![h, h]),
        ("bert.pooler.dense.bias".into(), vec![h]),
        ("cls.predictions.bias".into(), vec![VOCAB]),
        ("cls.predictions.transform.dense.weight".into(), vec![h, h]),
        ("cls.predictions.transform.dense.bias".into(), vec![h]),
        ("cls.predictions.transform.LayerNorm.gamma".into(), vec![h]),
        ("cls.predictions.transform.LayerNorm.beta".into(), vec![h]),
        ("cls.seq_relationship.weight".into(), vec![2, h]),
        ("cls.seq_relationship.bias".into(), vec![2]),
    ];
    for l in 0..s.layers {
        let p = format!("bert.encoder.layer.{l}");
        for part in ["query", "key", "value"] {
            out.push((format!("{p}.attention.self.{part}.weight"), vec![h, h]));
            out.push((format!("{p}.attention.self.{part}.bias"), vec![h]));
        }
        for (module, in_dim, out_dim) in [
            ("attention.output", h, h),
            ("intermediate", h, i),
            ("output", i, h),
        ] {
            out.push((format!("{p}.{module}.dense.weight"), vec![out_dim, in_dim]));
            out.push((format!("{p}.{module}.dense.bias"), vec![out_dim]));
            if module != "intermediate" {
                out.push((format!("{p}.{module}.LayerNorm.gamma"), vec![h]));
                out.push((format!("{p}.{module}.LayerNorm.beta"), vec![h]));
            }
        }
    }
    out
}

/// Seeded values shaped like a trained BERT's: matrices and biases around 0
/// (the config's initializer range, widened so attention is not uniform),
/// LayerNorm scales around 1.
fn values(name: &str, n: usize, rng: &mut SplitMix64) -> Vec<u8> {
    let (low, high) = if name.ends_with("gamma") {
        (0.8, 1.2)
    } else if name.ends_with("embeddings.weight") {
        (-0.1, 0.1)
    } else {
        (-0.06, 0.06)
    };
    (0..n)
        .flat_map(|_| rng.uniform(low, high).to_le_bytes())
        .collect()
}

fn weights(s: Shape) -> Result<Vec<u8>> {
    let mut rng = SplitMix64::new(0x0000_be27_ba5e);
    let data: Vec<(String, Vec<usize>, Vec<u8>)> = tensor_shapes(s)
        .into_iter()
        .map(|(name, shape)| {
            let bytes = values(&name, shape.iter().product(), &mut rng);
            (name, shape, bytes)
        })
        .collect();
    let views: Vec<(String, TensorView<'_>)> = data
        .iter()
        .map(|(name, shape, bytes)| {
            TensorView::new(Dtype::F32, shape.clone(), bytes).map(|v| (name.clone(), v))
        })
        .collect::<Result<_, _>>()?;
    Ok(safetensors::serialize(views, None)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bert_base_replica_has_bert_base_uncaseds_tensors() {
        let shapes = tensor_shapes(BERT_BASE);
        // 5 embedding tensors + 16 per layer + 2 pooler + 7 pre-training heads.
        assert_eq!(shapes.len(), 5 + 16 * 12 + 2 + 7);
        let encoder: usize = shapes
            .iter()
            .filter(|(n, _)| n.starts_with("bert."))
            .map(|(_, s)| s.iter().product::<usize>())
            .sum();
        // The published parameter count of BertModel (bert-base-uncased).
        assert_eq!(encoder, 109_482_240);
    }

    #[test]
    fn the_narrow_replica_loads_with_its_twelve_by_twelve_heads() {
        let config = config_json(BERT_BASE_NARROW);
        let bytes = weights(BERT_BASE_NARROW).expect("serialises");
        let model = attend_core::BertModel::from_bytes(config.as_bytes(), &bytes).expect("loads");
        let out = model
            .forward_ids(&[101, 7592, 102], &[0, 0, 0])
            .expect("runs");
        assert_eq!(out.attentions.shape(), &[12, 12, 3, 3]);
    }
}
