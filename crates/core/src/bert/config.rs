//! `config.json` of a Hugging Face BERT checkpoint.
//!
//! Parsing is two-step: serde reads the raw fields, then [`BertConfig::try_from`]
//! rejects anything this encoder cannot run *before* any weight is touched, so
//! a RoBERTa or DistilBERT config fails with a sentence rather than a confusing
//! "missing tensor" later.

use serde::{Deserialize, Serialize};

use super::BertError;

/// The feed-forward activation named by `hidden_act`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HiddenAct {
    /// `"gelu"`: the exact form `x · Φ(x)` with the error function, as in HF.
    #[serde(rename = "gelu")]
    Gelu,
    /// `"gelu_new"` / `"gelu_pytorch_tanh"`: the tanh approximation.
    #[serde(rename = "gelu_new", alias = "gelu_pytorch_tanh")]
    GeluTanh,
    /// `"relu"`.
    #[serde(rename = "relu")]
    Relu,
}

impl HiddenAct {
    /// Maps a `hidden_act` string to the activation, or explains why not.
    pub fn parse(name: &str) -> Result<Self, BertError> {
        match name {
            "gelu" => Ok(HiddenAct::Gelu),
            "gelu_new" | "gelu_pytorch_tanh" => Ok(HiddenAct::GeluTanh),
            "relu" => Ok(HiddenAct::Relu),
            other => Err(BertError::UnsupportedConfig(format!(
                "hidden_act \"{other}\" is not supported (expected \"gelu\", \"gelu_new\", \
                 \"gelu_pytorch_tanh\" or \"relu\")"
            ))),
        }
    }
}

/// The fields of a HF `config.json` that a BERT encoder needs. Field names are
/// HF's so the struct round-trips through serde unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawConfig")]
pub struct BertConfig {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    pub hidden_act: HiddenAct,
    pub max_position_embeddings: usize,
    pub type_vocab_size: usize,
    pub layer_norm_eps: f64,
    pub pad_token_id: Option<u32>,
    pub model_type: String,
}

/// What serde reads before validation. Defaults are HF `BertConfig`'s, for the
/// few fields old checkpoints sometimes omit.
#[derive(Debug, Deserialize)]
struct RawConfig {
    vocab_size: usize,
    hidden_size: usize,
    num_hidden_layers: usize,
    num_attention_heads: usize,
    intermediate_size: usize,
    #[serde(default = "default_hidden_act")]
    hidden_act: String,
    max_position_embeddings: usize,
    #[serde(default = "default_type_vocab_size")]
    type_vocab_size: usize,
    #[serde(default = "default_layer_norm_eps")]
    layer_norm_eps: f64,
    #[serde(default)]
    pad_token_id: Option<u32>,
    #[serde(default)]
    model_type: Option<String>,
    #[serde(default)]
    position_embedding_type: Option<String>,
    #[serde(default)]
    is_decoder: bool,
}

fn default_hidden_act() -> String {
    "gelu".to_owned()
}
fn default_type_vocab_size() -> usize {
    2
}
fn default_layer_norm_eps() -> f64 {
    1e-12
}

impl BertConfig {
    /// Parses and validates the bytes of a `config.json`.
    pub fn from_json(bytes: &[u8]) -> Result<Self, BertError> {
        let raw: RawConfig =
            serde_json::from_slice(bytes).map_err(|e| BertError::ConfigParse(e.to_string()))?;
        Self::try_from(raw)
    }

    /// Width of one attention head (`hidden_size / num_attention_heads`).
    pub fn head_dim(&self) -> usize {
        self.hidden_size / self.num_attention_heads
    }
}

impl TryFrom<RawConfig> for BertConfig {
    type Error = BertError;

    fn try_from(raw: RawConfig) -> Result<Self, BertError> {
        let unsupported = |msg: String| Err(BertError::UnsupportedConfig(msg));
        let model_type = match raw.model_type.as_deref() {
            Some("bert") => "bert".to_owned(),
            Some(other) => {
                return unsupported(format!(
                    "model_type is \"{other}\", but only \"bert\" checkpoints are supported"
                ))
            }
            None => return unsupported("config.json has no model_type; expected \"bert\"".into()),
        };
        // Relative position schemes change the attention arithmetic itself.
        if let Some(kind) = raw.position_embedding_type.as_deref() {
            if kind != "absolute" {
                return unsupported(format!(
                    "position_embedding_type \"{kind}\" is not supported (only \"absolute\")"
                ));
            }
        }
        if raw.is_decoder {
            return unsupported("is_decoder is true; this is an encoder-only BERT".into());
        }
        let sizes = [
            ("vocab_size", raw.vocab_size),
            ("hidden_size", raw.hidden_size),
            ("num_hidden_layers", raw.num_hidden_layers),
            ("num_attention_heads", raw.num_attention_heads),
            ("intermediate_size", raw.intermediate_size),
            ("max_position_embeddings", raw.max_position_embeddings),
            ("type_vocab_size", raw.type_vocab_size),
        ];
        for (name, value) in sizes {
            if value == 0 {
                return unsupported(format!("{name} must be positive"));
            }
        }
        if raw.hidden_size % raw.num_attention_heads != 0 {
            return unsupported(format!(
                "hidden_size {} is not divisible by num_attention_heads {}",
                raw.hidden_size, raw.num_attention_heads
            ));
        }
        if !(raw.layer_norm_eps.is_finite() && raw.layer_norm_eps > 0.0) {
            return unsupported(format!(
                "layer_norm_eps must be a positive number, got {}",
                raw.layer_norm_eps
            ));
        }
        Ok(BertConfig {
            vocab_size: raw.vocab_size,
            hidden_size: raw.hidden_size,
            num_hidden_layers: raw.num_hidden_layers,
            num_attention_heads: raw.num_attention_heads,
            intermediate_size: raw.intermediate_size,
            hidden_act: HiddenAct::parse(&raw.hidden_act)?,
            max_position_embeddings: raw.max_position_embeddings,
            type_vocab_size: raw.type_vocab_size,
            layer_norm_eps: raw.layer_norm_eps,
            pad_token_id: raw.pad_token_id,
            model_type,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINI: &str = r#"{"model_type":"bert","vocab_size":99,"hidden_size":32,
        "num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":37,
        "hidden_act":"gelu","max_position_embeddings":64,"type_vocab_size":2,
        "layer_norm_eps":1e-12,"pad_token_id":0}"#;

    fn with(field: &str, value: &str) -> String {
        let mut v: serde_json::Value = serde_json::from_str(MINI).expect("valid fixture");
        v[field] = serde_json::from_str(value).expect("valid value");
        v.to_string()
    }

    #[test]
    fn parses_a_bert_config() {
        let cfg = BertConfig::from_json(MINI.as_bytes()).expect("valid config");
        assert_eq!(cfg.hidden_size, 32);
        assert_eq!(cfg.head_dim(), 8);
        assert_eq!(cfg.hidden_act, HiddenAct::Gelu);
        assert_eq!(cfg.layer_norm_eps, 1e-12);
    }

    #[test]
    fn activation_aliases() {
        for (name, act) in [
            ("\"gelu_new\"", HiddenAct::GeluTanh),
            ("\"gelu_pytorch_tanh\"", HiddenAct::GeluTanh),
            ("\"relu\"", HiddenAct::Relu),
        ] {
            let cfg = BertConfig::from_json(with("hidden_act", name).as_bytes()).expect("ok");
            assert_eq!(cfg.hidden_act, act);
        }
    }

    #[test]
    fn rejects_non_bert() {
        for (field, value, needle) in [
            ("model_type", "\"roberta\"", "roberta"),
            ("num_attention_heads", "5", "not divisible"),
            ("hidden_act", "\"swish\"", "swish"),
            (
                "position_embedding_type",
                "\"relative_key\"",
                "relative_key",
            ),
            ("hidden_size", "0", "hidden_size must be positive"),
        ] {
            let err = BertConfig::from_json(with(field, value).as_bytes()).unwrap_err();
            assert!(
                matches!(&err, BertError::UnsupportedConfig(m) if m.contains(needle)),
                "{field}={value}: {err}"
            );
        }
        let err = BertConfig::from_json(b"{not json").unwrap_err();
        assert!(matches!(err, BertError::ConfigParse(_)));
    }

    #[test]
    fn serde_round_trip_validates() {
        let cfg = BertConfig::from_json(MINI.as_bytes()).expect("valid");
        let json = serde_json::to_string(&cfg).expect("serialise");
        let back: BertConfig = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, cfg);
        assert!(serde_json::from_str::<BertConfig>(&with("model_type", "\"gpt2\"")).is_err());
    }
}
