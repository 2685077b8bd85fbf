//! An in-memory safetensors reader and writer for fixtures, and the Hub
//! layout of bert-base-uncased. Shared by the core tests (through
//! `common`) and the CLI tests (included by path).
#![allow(dead_code)]

use serde::Deserialize;

/// One tensor of a safetensors file, as raw little-endian bytes.
#[derive(Debug, Clone)]
pub struct RawTensor {
    pub name: String,
    pub dtype: String,
    pub shape: Vec<usize>,
    pub bytes: Vec<u8>,
}

#[derive(Deserialize)]
struct HeaderEntry {
    dtype: String,
    shape: Vec<usize>,
    data_offsets: [usize; 2],
}

/// Splits a (trusted, fixture) safetensors file into its tensors, in file order.
pub fn read_safetensors(bytes: &[u8]) -> Vec<RawTensor> {
    let header_len = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")) as usize;
    let header: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&bytes[8..8 + header_len]).expect("header JSON");
    let data = &bytes[8 + header_len..];
    let mut tensors: Vec<RawTensor> = header
        .into_iter()
        .filter(|(name, _)| name != "__metadata__")
        .map(|(name, v)| {
            let e: HeaderEntry = serde_json::from_value(v).expect("header entry");
            RawTensor {
                name,
                dtype: e.dtype,
                shape: e.shape,
                bytes: data[e.data_offsets[0]..e.data_offsets[1]].to_vec(),
            }
        })
        .collect();
    tensors.sort_by(|a, b| a.name.cmp(&b.name));
    tensors
}

/// Serialises tensors in the safetensors format: u64 header length, JSON
/// header (space-padded to 8 bytes, as the reference writer does), data.
pub fn write_safetensors(tensors: &[RawTensor]) -> Vec<u8> {
    let mut header = serde_json::Map::new();
    let mut offset = 0;
    for t in tensors {
        header.insert(
            t.name.clone(),
            serde_json::json!({
                "dtype": t.dtype,
                "shape": t.shape,
                "data_offsets": [offset, offset + t.bytes.len()],
            }),
        );
        offset += t.bytes.len();
    }
    let mut json = serde_json::to_vec(&header).expect("header serialises");
    while json.len() % 8 != 0 {
        json.push(b' ');
    }
    let mut out = Vec::with_capacity(8 + json.len() + offset);
    out.extend_from_slice(&(json.len() as u64).to_le_bytes());
    out.extend_from_slice(&json);
    for t in tensors {
        out.extend_from_slice(&t.bytes);
    }
    out
}

/// The same checkpoint in bert-base-uncased's published layout (as its
/// `model.safetensors` on the Hub has it): every encoder name under `bert.`,
/// LayerNorm scale and shift as TensorFlow's `gamma` / `beta`, and the
/// pre-training heads `cls.predictions.*` and `cls.seq_relationship.*`
/// beside the pooler. The heads are filled with NaN: the encoder must never
/// read them (the loader refuses any non-finite value it reads).
pub fn hub_layout(modern: &[RawTensor]) -> Vec<RawTensor> {
    let word = modern
        .iter()
        .find(|t| t.name == "embeddings.word_embeddings.weight")
        .expect("a BERT checkpoint has word embeddings");
    let (vocab, hidden) = (word.shape[0], word.shape[1]);
    let mut hub: Vec<RawTensor> = modern
        .iter()
        .map(|t| {
            let name = t
                .name
                .replace("LayerNorm.weight", "LayerNorm.gamma")
                .replace("LayerNorm.bias", "LayerNorm.beta");
            RawTensor {
                name: format!("bert.{name}"),
                ..t.clone()
            }
        })
        .collect();
    let head = |name: &str, shape: Vec<usize>| {
        let n = shape.iter().product::<usize>();
        RawTensor {
            name: name.into(),
            dtype: "F32".into(),
            shape,
            bytes: f32_bytes(&vec![f32::NAN; n]),
        }
    };
    hub.extend([
        head("cls.predictions.bias", vec![vocab]),
        head(
            "cls.predictions.transform.dense.weight",
            vec![hidden, hidden],
        ),
        head("cls.predictions.transform.dense.bias", vec![hidden]),
        head("cls.predictions.transform.LayerNorm.gamma", vec![hidden]),
        head("cls.predictions.transform.LayerNorm.beta", vec![hidden]),
        head("cls.seq_relationship.weight", vec![2, hidden]),
        head("cls.seq_relationship.bias", vec![2]),
    ]);
    hub.sort_by(|a, b| a.name.cmp(&b.name));
    hub
}

/// Little-endian f32 values of a tensor stored as F32.
pub fn f32_values(t: &RawTensor) -> Vec<f32> {
    assert_eq!(t.dtype, "F32", "{}", t.name);
    t.bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

pub fn f32_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}
