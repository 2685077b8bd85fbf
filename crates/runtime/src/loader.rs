//! Turning files into a ready [`Bert`]: from a base URL (the worker and the
//! benchmark page share this) or from bytes the user picked.
//!
//! A base URL holds the Hugging Face layout: `config.json`, `tokenizer.json`
//! (or `vocab.txt`), the weights, and optionally Attend's `manifest.json`
//! naming the default weights and every file's size. Every failure becomes
//! one sentence that names the file at fault.

use super::fetch::{self, FetchError, Fetched, ModelCache, Watch};
use super::protocol::{ModelInfo, TokenizerKind};
use attend_core::bert::MemoryEstimate;
use attend_core::{Bert, BertConfig, BertError, BertModel, Tokenizer};
use std::rc::Rc;

/// Weights used when neither the caller nor a manifest names a file.
pub const DEFAULT_WEIGHTS: &str = "model.safetensors";

/// What Attend's `manifest.json` says; every field is optional.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Manifest {
    pub name: Option<String>,
    pub default_weights: Option<String>,
    /// (file name, size in bytes) for each file the manifest lists.
    pub sizes: Vec<(String, u64)>,
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
        Ok(Manifest {
            name: text("name"),
            default_weights: text("default_weights"),
            sizes,
        })
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
fn weights_not_found(base: &str, weights_file: &str) -> String {
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

/// Why a load stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadError {
    /// A sentence for the reader.
    Failed(String),
    /// The caller's [`Watch`] cancelled it (a newer load started).
    Cancelled,
}

impl From<FetchError> for LoadError {
    fn from(e: FetchError) -> Self {
        match e {
            FetchError::Cancelled => LoadError::Cancelled,
            other => LoadError::Failed(other.to_string()),
        }
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Failed(message) => f.write_str(message),
            LoadError::Cancelled => f.write_str("the load was cancelled"),
        }
    }
}

/// A model ready to run, and the downloads still to be stored.
pub struct Loaded {
    pub bert: Bert,
    pub info: ModelInfo,
    pub cache_writes: CacheWrites,
    /// The raw files again, when the caller asked to keep them (the worker
    /// uploads them to the GPU after answering).
    pub bytes: Option<ModelBytes>,
}

/// `config.json` and the weights file as fetched or picked, shared with
/// the cache writes rather than copied (the weights are tens of MB).
pub struct ModelBytes {
    pub config: Rc<Vec<u8>>,
    pub weights: Rc<Vec<u8>>,
}

/// Files fetched from the network for a model that loaded fine: stored in
/// the cache only now, so a broken download is never kept.
#[derive(Default)]
pub struct CacheWrites {
    cache: Option<ModelCache>,
    files: Vec<(String, Rc<Vec<u8>>)>,
}

impl CacheWrites {
    /// Stores the files; a full disk only costs a download next time.
    pub async fn commit(self) {
        let Some(cache) = self.cache else { return };
        for (url, bytes) in &self.files {
            if let Err(why) = cache.put(url, bytes).await {
                web_sys::console::warn_1(
                    &format!("Attend: {url} could not be stored for offline use: {why}").into(),
                );
            }
        }
    }
}

/// The files of one load from a base URL, and where each came from.
struct Session<'a> {
    base: &'a str,
    cache: Option<ModelCache>,
    watch: &'a Watch<'a>,
    manifest: Manifest,
    /// (url, came from the cache) of every file read so far.
    fetched: Vec<(String, bool)>,
}

impl Session<'_> {
    async fn get(&mut self, file: &str) -> Result<Vec<u8>, FetchError> {
        let url = fetch::join(self.base, file);
        let expected = self.manifest.size_of(file);
        let Fetched { bytes, from_cache } =
            fetch::fetch_cached(self.cache.as_ref(), &url, file, expected, self.watch).await?;
        self.fetched.push((url, from_cache));
        Ok(bytes)
    }

    /// The first of `files` that exists: every cached copy is tried before
    /// the network, so an offline visit finds whichever was stored.
    async fn get_first(&mut self, files: &[&str]) -> Result<(usize, Vec<u8>), FetchError> {
        if let Some(cache) = &self.cache {
            for (i, file) in files.iter().enumerate() {
                let url = fetch::join(self.base, file);
                let expected = self.manifest.size_of(file);
                if let Some(bytes) = cache.get(&url, file, expected, self.watch).await? {
                    self.fetched.push((url, true));
                    return Ok((i, bytes));
                }
            }
        }
        let mut last = FetchError::Failed("no file to fetch".into());
        for (i, file) in files.iter().enumerate() {
            let url = fetch::join(self.base, file);
            let expected = self.manifest.size_of(file);
            match fetch::download(&url, file, expected, self.watch).await {
                Ok(bytes) => {
                    self.fetched.push((url, false));
                    return Ok((i, bytes));
                }
                Err(e) if e.is_not_found() => last = e,
                Err(e) => return Err(e),
            }
        }
        Err(last)
    }

    /// Whether `file` was downloaded from the network in this load.
    fn downloaded(&self, file: &str) -> bool {
        let url = fetch::join(self.base, file);
        self.fetched.iter().any(|(u, cached)| *u == url && !cached)
    }

    /// After a failure: drops every cached copy this load used, so Retry
    /// downloads fresh ones. Says whether there were any.
    async fn forget_cached(&self) -> bool {
        let Some(cache) = &self.cache else {
            return false;
        };
        let mut any = false;
        for (url, from_cache) in &self.fetched {
            if *from_cache {
                cache.delete(url).await;
                any = true;
            }
        }
        any
    }

    async fn fail(&self, message: String) -> LoadError {
        if self.forget_cached().await {
            LoadError::Failed(format!(
                "{message} (the stored copy was removed; Retry downloads it again)"
            ))
        } else {
            LoadError::Failed(message)
        }
    }
}

/// Loads the model at `base`: `weights` names the weights file, or (None)
/// the manifest's `default_weights`, or [`DEFAULT_WEIGHTS`].
/// With `keep_bytes`, [`Loaded::bytes`] holds config and weights.
pub async fn load_url(
    base: &str,
    weights: Option<&str>,
    watch: &Watch<'_>,
    keep_bytes: bool,
) -> Result<Loaded, LoadError> {
    let started = js_sys::Date::now();
    let mut session = Session {
        base,
        cache: ModelCache::open().await,
        watch,
        manifest: Manifest::default(),
        fetched: Vec::new(),
    };
    let manifest = match session.get("manifest.json").await {
        Ok(bytes) => match Manifest::parse(&bytes) {
            Ok(manifest) => {
                session.manifest = manifest;
                Some(bytes)
            }
            Err(message) => return Err(session.fail(message).await),
        },
        Err(e) if e.is_not_found() => None,
        // manifest.json is Attend's own, optional file: a host that answers
        // its 404 without CORS headers (the browser then reports a network
        // failure) must still load. A dead server fails at config.json next,
        // with that file's name in the message.
        Err(FetchError::Failed(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let name = session
        .manifest
        .name
        .clone()
        .unwrap_or_else(|| name_from_base(base));
    let weights_file = weights
        .map(str::to_string)
        .or_else(|| session.manifest.default_weights.clone())
        .unwrap_or_else(|| DEFAULT_WEIGHTS.to_string());

    // Small files first: a wrong config or tokenizer fails before the
    // big download starts.
    let config = session.get("config.json").await?;
    let cfg = match parse_config(&config) {
        Ok(cfg) => cfg,
        Err(message) => return Err(session.fail(message).await),
    };
    let kinds = [TokenizerKind::TokenizerJson, TokenizerKind::VocabTxt];
    let (which, tokenizer) = match session
        .get_first(&[tokenizer_file(kinds[0]), tokenizer_file(kinds[1])])
        .await
    {
        Ok(found) => found,
        Err(e) if e.is_not_found() => {
            return Err(LoadError::Failed(format!(
            "neither tokenizer.json nor vocab.txt was found at {base}: the model needs one of them"
        )))
        }
        Err(e) => return Err(e.into()),
    };
    let tokenizer_kind = kinds[which];
    if let Err(message) = parse_tokenizer(tokenizer_kind, &tokenizer, &cfg) {
        return Err(session.fail(message).await);
    }
    let weights = match session.get(&weights_file).await {
        Ok(weights) => weights,
        Err(e) if e.is_not_found() => {
            return Err(LoadError::Failed(weights_not_found(base, &weights_file)))
        }
        Err(e) => return Err(e.into()),
    };
    let bert = match build_bert(&config, &weights, &weights_file, tokenizer_kind, &tokenizer) {
        Ok(bert) => bert,
        Err(message) => return Err(session.fail(message).await),
    };
    let info = model_info(&bert, &name, &weights_file, js_sys::Date::now() - started);
    let (config, weights) = (Rc::new(config), Rc::new(weights));
    let bytes = keep_bytes.then(|| ModelBytes {
        config: Rc::clone(&config),
        weights: Rc::clone(&weights),
    });
    let candidates = [
        ("manifest.json", manifest.map(Rc::new)),
        ("config.json", Some(config)),
        (tokenizer_file(tokenizer_kind), Some(Rc::new(tokenizer))),
        (weights_file.as_str(), Some(weights)),
    ];
    let files = candidates
        .into_iter()
        .filter(|(file, _)| session.downloaded(file))
        .filter_map(|(file, bytes)| Some((fetch::join(base, file), bytes?)))
        .collect();
    Ok(Loaded {
        bert,
        info,
        cache_writes: CacheWrites {
            cache: session.cache,
            files,
        },
        bytes,
    })
}

/// Loads a model from the bytes of files the user picked.
pub fn load_files(
    name: &str,
    config: &[u8],
    weights: &[u8],
    tokenizer_kind: TokenizerKind,
    tokenizer: &[u8],
    keep_bytes: bool,
) -> Result<Loaded, String> {
    let started = js_sys::Date::now();
    let weights_file = weights_label(name);
    let bert = build_bert(config, weights, &weights_file, tokenizer_kind, tokenizer)?;
    let info = model_info(&bert, name, &weights_file, js_sys::Date::now() - started);
    Ok(Loaded {
        bert,
        info,
        cache_writes: CacheWrites::default(),
        // Picked files arrive as borrowed buffers: kept only for the GPU.
        bytes: keep_bytes.then(|| ModelBytes {
            config: Rc::new(config.to_vec()),
            weights: Rc::new(weights.to_vec()),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

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
        assert_eq!(Manifest::parse(b"{}").unwrap(), Manifest::default());
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

    fn model_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../static/models/all-MiniLM-L6-v2")
    }

    /// The shipped model, when `cargo xtask fetch-model` has put it there.
    #[test]
    fn loads_the_shipped_model_from_either_tokenizer() {
        let dir = model_dir();
        let read = |f: &str| std::fs::read(dir.join(f));
        let (Ok(config), Ok(weights), Ok(tok), Ok(vocab)) = (
            read("config.json"),
            read("model.f16.safetensors"),
            read("tokenizer.json"),
            read("vocab.txt"),
        ) else {
            eprintln!("skipped: the default model is not in static/models");
            return;
        };
        assert!(!vocab_is_cased(&vocab), "all-MiniLM-L6-v2 is uncased");
        let a = build_bert(
            &config,
            &weights,
            "model.f16.safetensors",
            TokenizerKind::TokenizerJson,
            &tok,
        )
        .unwrap();
        let b = build_bert(
            &config,
            &weights,
            "model.f16.safetensors",
            TokenizerKind::VocabTxt,
            &vocab,
        )
        .unwrap();
        let text = "The Cat sat on the mat.";
        assert_eq!(
            a.encode(text, None, None).unwrap(),
            b.encode(text, None, None).unwrap()
        );
        let info = model_info(&a, "mini", "model.f16.safetensors", 1.0);
        assert_eq!(
            (info.layers, info.heads, info.hidden_size, info.max_tokens),
            (6, 12, 384, 512)
        );
        let short = &weights[..weights.len() / 2];
        let e = build_bert(
            &config,
            short,
            "model.f16.safetensors",
            TokenizerKind::TokenizerJson,
            &tok,
        )
        .unwrap_err();
        assert!(e.starts_with("model.f16.safetensors"), "{e}");
    }
}
