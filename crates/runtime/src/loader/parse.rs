//! Reading each file of a model on its own: the manifest, the config (and
//! whether the tab can hold the model it describes), the tokenizer, the
//! weights; and the one sentence for each way they can be wrong.

use super::DEFAULT_WEIGHTS;
use crate::protocol::{ModelInfo, TokenizerKind};
use attend_core::bert::MemoryEstimate;
use attend_core::{Bert, BertConfig, BertError, BertModel, Tokenizer};

/// What Attend's `manifest.json` says; every field is optional.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Manifest {
    pub name: Option<String>,
    pub default_weights: Option<String>,
    /// (file name, size in bytes) for each file the manifest lists.
    pub sizes: Vec<(String, u64)>,
    /// (file name, sha256 in lowercase hex) for each file that has one.
    pub sums: Vec<(String, String)>,
}

impl Manifest {
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let value: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| format!("manifest.json is not valid JSON: {e}"))?;
        if !value.is_object() {
            return Err("manifest.json is not a JSON object".into());
        }
        let text = |key: &str| {
            value[key]
                .as_str()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let sizes = value["files"]
            .as_array()
            .map(|files| {
                files
                    .iter()
                    .filter_map(|f| Some((f["name"].as_str()?.to_string(), f["bytes"].as_u64()?)))
                    .collect()
            })
            .unwrap_or_default();
        let sums = value["files"]
            .as_array()
            .map(|files| {
                files
                    .iter()
                    .filter_map(|f| {
                        let sum = crate::digest::parse_sha256(f["sha256"].as_str()?)?;
                        Some((f["name"].as_str()?.to_string(), sum))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Manifest {
            name: text("name"),
            default_weights: text("default_weights"),
            sizes,
            sums,
        })
    }

    /// The sha256 the manifest gives for `file`.
    pub fn sha256_of(&self, file: &str) -> Option<&str> {
        self.sums
            .iter()
            .find(|(n, _)| n == file)
            .map(|(_, s)| s.as_str())
    }

    /// The size the manifest gives for `file`.
    pub fn size_of(&self, file: &str) -> Option<u64> {
        self.sizes.iter().find(|(n, _)| n == file).map(|&(_, b)| b)
    }
}

/// A display name for the model at `base`: its last path segment.
pub fn name_from_base(base: &str) -> String {
    base.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("model")
        .to_string()
}

/// Whether a `vocab.txt` comes from a cased checkpoint. Uncased vocabularies
/// are built from lowercased text and contain (almost) no capital letters;
/// cased ones have thousands. Bracketed special tokens do not count.
pub fn vocab_is_cased(vocab_txt: &[u8]) -> bool {
    let text = String::from_utf8_lossy(vocab_txt);
    let (mut lines, mut capitalised) = (0usize, 0usize);
    for line in text.lines() {
        lines += 1;
        let token = line.trim_end();
        if token.starts_with('[') && token.ends_with(']') {
            continue;
        }
        if token.chars().any(char::is_uppercase) {
            capitalised += 1;
        }
    }
    capitalised * 100 > lines
}

/// The file name to show for weights the user picked, from the load's
/// display name ("local files (model.safetensors)").
pub fn weights_label(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .rfind(|w| w.ends_with(".safetensors"))
        .unwrap_or(DEFAULT_WEIGHTS)
        .to_string()
}

/// The sentence to show for a load error, naming the file at fault.
pub fn describe_error(error: &BertError, weights_file: &str, tokenizer_file: &str) -> String {
    match error {
        BertError::ConfigParse(why) => format!("config.json could not be read: {why}"),
        BertError::UnsupportedConfig(why) => {
            format!("config.json does not describe a BERT model this app can run: {why}")
        }
        BertError::CorruptWeights(why) => {
            format!("{weights_file} is corrupt or not a safetensors file: {why}")
        }
        BertError::MissingTensor { name } => format!(
            "{weights_file} has no tensor `{name}`: it does not look like the weights of a BERT model"
        ),
        BertError::WrongShape {
            name,
            expected,
            found,
        } => format!(
            "{weights_file} does not match config.json: tensor `{name}` has shape {found:?}, config.json implies {expected:?}"
        ),
        BertError::UnsupportedDtype { name, dtype } => format!(
            "{weights_file} stores tensor `{name}` as {dtype}; only F32, F16 and BF16 weights are supported"
        ),
        BertError::NonFiniteWeight { name, index, value } => format!(
            "{weights_file} is damaged: tensor `{name}` holds {value} at index {index}"
        ),
        BertError::TooLarge(why) => why.clone(),
        BertError::Tokenizer(why) => format!("{tokenizer_file} could not be read: {why}"),
        other => format!("the model could not be loaded: {other}"),
    }
}

/// The file name of a tokenizer kind.
pub fn tokenizer_file(kind: TokenizerKind) -> &'static str {
    match kind {
        TokenizerKind::TokenizerJson => "tokenizer.json",
        TokenizerKind::VocabTxt => "vocab.txt",
    }
}

/// What one browser tab's WebAssembly may use for the model: wasm32 can
/// address 4 GiB, less the app itself, the tokenizer and the allocator's
/// slack.
pub const TAB_MEMORY_BUDGET_BYTES: u64 = 3 << 30;

/// Checks `config.json` on its own (before the big download), including
/// whether the model it describes can fit in this tab: its f32 weights, the
/// downloaded file while it is converted (at most as big again) and one
/// forward pass at its longest input.
pub fn parse_config(config: &[u8]) -> Result<BertConfig, String> {
    let describe = |e: BertError| describe_error(&e, DEFAULT_WEIGHTS, "tokenizer");
    let cfg = BertConfig::from_json(config).map_err(describe)?;
    let estimate = cfg.memory_estimate().map_err(describe)?;
    let while_loading = MemoryEstimate {
        weights_bytes: estimate.weights_bytes.saturating_mul(2),
        ..estimate
    };
    while_loading
        .check_fits(TAB_MEMORY_BUDGET_BYTES, "a browser tab's WebAssembly")
        .map_err(|e| format!("config.json describes a model too big for this page: {e}"))?;
    Ok(cfg)
}

/// The sentence for weights that are not at `base`: Attend reads only
/// safetensors, and many older checkpoints publish only PyTorch's pickle.
pub(super) fn weights_not_found(base: &str, weights_file: &str) -> String {
    format!(
        "{weights_file} was not found at {base}: Attend reads safetensors weights only \
         (a checkpoint that has only pytorch_model.bin must be converted to model.safetensors first)"
    )
}

/// Reads the tokenizer and checks it fits the model's vocabulary.
pub fn parse_tokenizer(
    kind: TokenizerKind,
    bytes: &[u8],
    config: &BertConfig,
) -> Result<Tokenizer, String> {
    let file = tokenizer_file(kind);
    let tokenizer = match kind {
        TokenizerKind::TokenizerJson => Tokenizer::from_bytes(bytes),
        TokenizerKind::VocabTxt => Tokenizer::from_vocab_txt(bytes, !vocab_is_cased(bytes)),
    }
    .map_err(|e| describe_error(&e, DEFAULT_WEIGHTS, file))?;
    if tokenizer.vocab_size() > config.vocab_size {
        return Err(format!(
            "{file} has {} tokens but config.json says the model knows {}: they belong to different models",
            tokenizer.vocab_size(),
            config.vocab_size
        ));
    }
    Ok(tokenizer)
}

/// Builds the model from all its bytes. Pure: no browser needed.
pub fn build_bert(
    config: &[u8],
    weights: &[u8],
    weights_file: &str,
    tokenizer_kind: TokenizerKind,
    tokenizer: &[u8],
) -> Result<Bert, String> {
    let cfg = parse_config(config)?;
    let tokenizer = parse_tokenizer(tokenizer_kind, tokenizer, &cfg)?;
    let model = BertModel::from_bytes(config, weights)
        .map_err(|e| describe_error(&e, weights_file, tokenizer_file(tokenizer_kind)))?;
    Ok(Bert { model, tokenizer })
}

/// What [`ModelInfo`] says about a loaded model.
pub fn model_info(bert: &Bert, name: &str, weights_file: &str, load_ms: f64) -> ModelInfo {
    let cfg = bert.model.config();
    ModelInfo {
        name: name.to_string(),
        layers: cfg.num_hidden_layers,
        heads: cfg.num_attention_heads,
        hidden_size: cfg.hidden_size,
        intermediate_size: cfg.intermediate_size,
        max_tokens: bert.effective_max_len(None),
        weights_file: weights_file.to_string(),
        load_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_fields_are_optional() {
        let m = Manifest::parse(
            br#"{"name":"mini","default_weights":"model.f16.safetensors",
                 "files":[{"name":"config.json","bytes":612},{"name":"x"}]}"#,
        )
        .unwrap();
        assert_eq!(m.name.as_deref(), Some("mini"));
        assert_eq!(m.default_weights.as_deref(), Some("model.f16.safetensors"));
        assert_eq!(m.size_of("config.json"), Some(612));
        assert_eq!(m.size_of("x"), None);
        assert_eq!(m.sha256_of("config.json"), None);
        assert_eq!(Manifest::parse(b"{}").unwrap(), Manifest::default());
        let sum = "ab".repeat(32);
        let m = Manifest::parse(
            format!(
                r#"{{"files":[{{"name":"a","sha256":"{}"}},{{"name":"b","sha256":"12"}}]}}"#,
                sum.to_uppercase()
            )
            .as_bytes(),
        )
        .unwrap();
        assert_eq!(m.sha256_of("a"), Some(sum.as_str()), "read in lowercase");
        assert_eq!(m.sha256_of("b"), None, "not a sha256: no check");
        assert!(Manifest::parse(b"[1]")
            .unwrap_err()
            .contains("manifest.json"));
        assert!(Manifest::parse(b"{oops")
            .unwrap_err()
            .contains("manifest.json"));
    }

    #[test]
    fn names_and_labels() {
        assert_eq!(
            name_from_base("models/all-MiniLM-L6-v2/"),
            "all-MiniLM-L6-v2"
        );
        assert_eq!(name_from_base("https://host/m/bert"), "bert");
        assert_eq!(name_from_base(""), "model");
        assert_eq!(
            weights_label("local files (model.f16.safetensors)"),
            "model.f16.safetensors"
        );
        assert_eq!(weights_label("local model"), DEFAULT_WEIGHTS);
    }

    #[test]
    fn casing_is_read_from_the_vocabulary() {
        assert!(!vocab_is_cased(
            b"[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\ncat\n##s\n"
        ));
        assert!(vocab_is_cased(b"[PAD]\n[UNK]\nThe\ncat\nParis\n"));
    }

    /// A config.json with bert-base-uncased's sizes and `hidden_size` swapped.
    fn sized_config(hidden: usize, heads: usize) -> String {
        format!(
            r#"{{"model_type":"bert","vocab_size":30522,"hidden_size":{hidden},
            "num_hidden_layers":12,"num_attention_heads":{heads},"intermediate_size":3072,
            "max_position_embeddings":512,"type_vocab_size":2,"hidden_act":"gelu"}}"#
        )
    }

    #[test]
    fn the_config_alone_decides_whether_a_model_fits_the_tab() {
        let base = parse_config(sized_config(768, 12).as_bytes()).expect("bert-base fits");
        assert_eq!(base.hidden_size, 768);
        let e = parse_config(sized_config(1_000_000, 10).as_bytes()).unwrap_err();
        assert!(
            e.starts_with("config.json describes a model too big"),
            "{e}"
        );
        assert!(e.contains("needs about") && e.contains("GB"), "{e}");
        // Half the address space wide: the sizes overflow (in u64 on wasm32
        // too), which is refused the same way.
        let huge = 1usize << (usize::BITS - 1);
        let e = parse_config(sized_config(huge, huge / 2).as_bytes()).unwrap_err();
        assert!(e.contains("too large to address"), "{e}");
    }

    #[test]
    fn missing_weights_say_that_only_safetensors_is_read() {
        let e = weights_not_found("https://host/bert/", "model.safetensors");
        assert!(
            e.contains("pytorch_model.bin") && e.contains("https://host/bert/"),
            "{e}"
        );
    }

    #[test]
    fn errors_name_the_file() {
        assert!(
            build_bert(b"{", b"", "w.safetensors", TokenizerKind::VocabTxt, b"")
                .unwrap_err()
                .starts_with("config.json")
        );
        let not_bert =
            br#"{"model_type":"gpt2","vocab_size":5,"hidden_size":4,"num_hidden_layers":1,
            "num_attention_heads":1,"intermediate_size":4,"max_position_embeddings":8}"#;
        let e =
            build_bert(not_bert, b"", "w.safetensors", TokenizerKind::VocabTxt, b"").unwrap_err();
        assert!(
            e.starts_with("config.json does not describe a BERT model"),
            "{e}"
        );
        let tiny = br#"{"model_type":"bert","vocab_size":6,"hidden_size":4,"num_hidden_layers":1,
            "num_attention_heads":1,"intermediate_size":4,"max_position_embeddings":8}"#;
        let vocab = b"[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\ncat\n";
        let e = build_bert(
            tiny,
            b"not safetensors",
            "w.safetensors",
            TokenizerKind::VocabTxt,
            vocab,
        )
        .unwrap_err();
        assert!(e.starts_with("w.safetensors is corrupt"), "{e}");
        let e = build_bert(
            tiny,
            b"",
            "w.safetensors",
            TokenizerKind::TokenizerJson,
            b"{}",
        )
        .unwrap_err();
        assert!(e.starts_with("tokenizer.json could not be read"), "{e}");
        let e = build_bert(
            tiny,
            b"",
            "w.safetensors",
            TokenizerKind::VocabTxt,
            b"[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\na\nb\nc\n",
        )
        .unwrap_err();
        assert!(e.starts_with("vocab.txt has 8 tokens"), "{e}");
    }
}
