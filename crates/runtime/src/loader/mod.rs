//! Turning files into a ready [`Bert`]: from a base URL (the worker and the
//! benchmark page share this) or from bytes the user picked.
//!
//! A base URL holds the Hugging Face layout: `config.json`, `tokenizer.json`
//! (or `vocab.txt`), the weights, and optionally Attend's `manifest.json`
//! naming the default weights and every file's size. Every failure becomes
//! one sentence that names the file at fault.

use super::fetch::{self, FetchError, Fetched, ModelCache, Watch};
use super::protocol::{ModelInfo, TokenizerKind};
use attend_core::Bert;
use std::rc::Rc;

mod parse;

use parse::weights_not_found;

pub use parse::{
    build_bert, describe_error, model_info, name_from_base, parse_config, parse_tokenizer,
    tokenizer_file, vocab_is_cased, weights_label, Manifest, TAB_MEMORY_BUDGET_BYTES,
};

/// Weights used when neither the caller nor a manifest names a file.
pub const DEFAULT_WEIGHTS: &str = "model.safetensors";

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
    /// Stores the files. A full quota (or storage the browser refuses)
    /// only costs a download next time: the sentence that says so is
    /// returned, for the page to show, and the model works meanwhile.
    pub async fn commit(self) -> Option<String> {
        let cache = self.cache?;
        let mut failed = Vec::new();
        let mut first_reason = None;
        for (url, bytes) in &self.files {
            if let Err(why) = cache.put(url, bytes).await {
                failed.push(url.rsplit('/').next().unwrap_or(url).to_string());
                first_reason.get_or_insert(why);
            }
        }
        first_reason.map(|why| not_stored_message(&failed, &why))
    }
}

/// What the reader is told when files could not be stored.
pub fn not_stored_message(files: &[String], why: &str) -> String {
    format!(
        "{} could not be stored for offline use ({}): the model works now, but \
         it will be downloaded again next time. Deleting stored models frees space.",
        files.join(", "),
        why.trim_end_matches('.')
    )
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
    fn files_that_could_not_be_stored_are_named_with_the_reason() {
        let files = [
            "model.f16.safetensors".to_string(),
            "tokenizer.json".to_string(),
        ];
        assert_eq!(
            not_stored_message(&files, "QuotaExceededError: Quota exceeded."),
            "model.f16.safetensors, tokenizer.json could not be stored for offline use \
             (QuotaExceededError: Quota exceeded): the model works now, but it will be \
             downloaded again next time. Deleting stored models frees space."
        );
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
