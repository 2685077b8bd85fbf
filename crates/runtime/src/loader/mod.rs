//! Turning files into a ready [`Bert`]: from a base URL (the worker and the
//! benchmark page share this) or from bytes the user picked.
//!
//! A base URL holds the Hugging Face layout: `config.json`, `tokenizer.json`
//! (or `vocab.txt`), the weights, and optionally Attend's `manifest.json`
//! naming the default weights and every file's size. Every failure becomes
//! one sentence that names the file at fault.

use super::fetch::{self, FetchError, ModelCache, Watch};
use super::protocol::{ModelInfo, TokenizerKind};
use attend_core::Bert;
use std::rc::Rc;

mod parse;
mod session;

use crate::revalidate::{StoredCopy, Validator};
use parse::weights_not_found;
use session::Session;

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
    /// The files read from the browser's copy, for the worker to
    /// revalidate with their host once the model answers.
    pub stored_copies: Vec<StoredCopy>,
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
    files: Vec<(String, Rc<Vec<u8>>, Validator)>,
}

impl CacheWrites {
    /// Stores the files. A full quota (or storage the browser refuses)
    /// only costs a download next time: the sentence that says so is
    /// returned, for the page to show, and the model works meanwhile.
    pub async fn commit(self) -> Option<String> {
        let cache = self.cache?;
        let mut failed = Vec::new();
        let mut first_reason = None;
        for (url, bytes, validator) in &self.files {
            if let Err(why) = cache.put(url, bytes, validator).await {
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
    let mut session = Session::open(base, watch).await;
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
    let config = match session.get("config.json").await {
        Ok(config) => config,
        Err(FetchError::Damaged(message)) => return Err(session.fail(message).await),
        Err(e) => return Err(e.into()),
    };
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
        Err(FetchError::Damaged(message)) => return Err(session.fail(message).await),
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
        // Every stored copy goes, the manifest with them: a stale stored
        // manifest (an older deploy's sums) would fail every Retry the same way.
        Err(FetchError::Damaged(message)) => return Err(session.fail(message).await),
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
        .filter_map(|(file, bytes)| {
            let validator = session.downloaded(file)?.clone();
            Some((fetch::join(base, file), bytes?, validator))
        })
        .collect();
    let stored_copies = session.stored_copies();
    Ok(Loaded {
        bert,
        info,
        cache_writes: CacheWrites {
            cache: session.cache,
            files,
        },
        bytes,
        stored_copies,
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
        stored_copies: Vec::new(),
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
