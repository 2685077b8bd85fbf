//! Downloading files with `fetch`, from a page or a worker alike: bodies are
//! streamed so the reader can show progress, and model files are kept with
//! the Cache API so a second visit loads them offline.
//!
//! Nothing here trusts a size it is told: `Content-Length` only drives the
//! progress bar and a completeness check, never an allocation.

use js_sys::{Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

pub use crate::model_cache::{ModelCache, MODEL_CACHE};
use crate::revalidate::Validator;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`: `window.fetch` on a page, `self.fetch` in a worker.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str) -> Promise;
}

/// Progress is reported at most this often, in bytes…
pub const PROGRESS_EVERY_BYTES: u64 = 256 * 1024;
/// …or in milliseconds, whichever comes first.
pub const PROGRESS_EVERY_MS: f64 = 100.0;

/// How far one file has got.
#[derive(Clone, Debug, PartialEq)]
pub struct FileProgress {
    pub file: String,
    pub received_bytes: u64,
    /// None when the server does not say (or says something impossible).
    pub total_bytes: Option<u64>,
    pub from_cache: bool,
}

/// What a download reports to, and asks of, its caller.
pub struct Watch<'a> {
    /// Called at the start, then throttled, then once at the end.
    pub progress: &'a dyn Fn(&FileProgress),
    /// Checked between chunks; true stops the download with
    /// [`FetchError::Cancelled`].
    pub cancelled: &'a dyn Fn() -> bool,
}

impl Watch<'static> {
    /// Reports nothing and never cancels.
    pub fn silent() -> Self {
        Watch {
            progress: &|_| {},
            cancelled: &|| false,
        }
    }
}

/// Why a download failed.
#[derive(Clone, Debug, PartialEq)]
pub enum FetchError {
    /// The server answered with an error status.
    Status { file: String, status: u16 },
    /// Network, body or memory failure: a sentence naming the file.
    Failed(String),
    /// The file arrived whole but is not the one the manifest describes
    /// (its sha256 differs): a sentence naming the file.
    Damaged(String),
    /// [`Watch::cancelled`] asked to stop.
    Cancelled,
}

impl FetchError {
    /// The server says the file does not exist (so a fallback may be tried).
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            FetchError::Status {
                status: 404 | 410,
                ..
            }
        )
    }
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Status { file, status } if *status == 404 || *status == 410 => {
                write!(f, "{file} was not found on the server (HTTP {status})")
            }
            FetchError::Status { file, status } => {
                write!(f, "the server refused to send {file} (HTTP {status})")
            }
            FetchError::Failed(message) | FetchError::Damaged(message) => f.write_str(message),
            FetchError::Cancelled => f.write_str("the download was cancelled"),
        }
    }
}

/// A downloaded file.
#[derive(Debug)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub from_cache: bool,
    /// The version the host named when it sent the file (kept with a
    /// stored copy, to revalidate it later).
    pub validator: Validator,
}

/// Decides when a progress report is due: every [`PROGRESS_EVERY_BYTES`] or
/// [`PROGRESS_EVERY_MS`], whichever comes first.
#[derive(Clone, Debug)]
pub struct ProgressThrottle {
    last_bytes: u64,
    last_ms: f64,
}

impl ProgressThrottle {
    /// Starts counting from a report of 0 bytes made at `now_ms`.
    pub fn new(now_ms: f64) -> Self {
        ProgressThrottle {
            last_bytes: 0,
            last_ms: now_ms,
        }
    }

    /// Whether `received` bytes at `now_ms` deserve a report; if so, counts
    /// from here.
    pub fn due(&mut self, received: u64, now_ms: f64) -> bool {
        let due = received.saturating_sub(self.last_bytes) >= PROGRESS_EVERY_BYTES
            || now_ms - self.last_ms >= PROGRESS_EVERY_MS;
        if due {
            self.last_bytes = received;
            self.last_ms = now_ms;
        }
        due
    }
}

/// Joins a base URL ("models/x" or "https://host/x/") and a file name.
pub fn join(base: &str, file: &str) -> String {
    if base.is_empty() || base.ends_with('/') {
        format!("{base}{file}")
    } else {
        format!("{base}/{file}")
    }
}

/// Parses a byte count from a header; None for anything that is not a plain
/// non-negative integer.
pub fn parse_length(value: Option<&str>) -> Option<u64> {
    let value = value?.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

/// The text of a thrown JS value, for error messages ("" when it has none).
pub fn js_error_text(error: &JsValue) -> String {
    if let Some(e) = error.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    error.as_string().unwrap_or_default()
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The most any weights file may be: a model whose weights are larger
/// cannot fit a tab's WebAssembly memory (4 GiB, with room for the run).
pub const MAX_WEIGHTS_BYTES: u64 = 3 << 29;

/// The most any other model file may be (configs, vocabularies and
/// tokenizers are kilobytes to a few megabytes).
pub const MAX_METADATA_BYTES: u64 = 64 << 20;

/// The most this page downloads (or reads from its cache) for `file`: a
/// link to a model cannot start an unbounded download into the parsers.
pub fn byte_cap(file: &str) -> u64 {
    if file.ends_with(".safetensors") || file.ends_with(".bin") {
        MAX_WEIGHTS_BYTES
    } else {
        MAX_METADATA_BYTES
    }
}

/// The refusal of a `file` larger than its [`byte_cap`].
fn too_large(file: &str, bytes: u64) -> FetchError {
    FetchError::Failed(format!(
        "{file} is larger than this page downloads ({} MiB or more; the most for this file is {} MiB)",
        bytes >> 20,
        byte_cap(file) >> 20
    ))
}

/// Fetches `url` and returns its bytes, or a sentence saying what failed.
/// No cache, no progress.
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    download(url, url, None, &Watch::silent())
        .await
        .map_err(|e| e.to_string())
}

/// Downloads `url` from the network, reporting progress as `file`. With
/// `expected` (e.g. from a manifest) the length must match exactly.
pub async fn download(
    url: &str,
    file: &str,
    expected: Option<u64>,
    watch: &Watch<'_>,
) -> Result<Vec<u8>, FetchError> {
    download_with_validator(url, file, expected, watch)
        .await
        .map(|(bytes, _)| bytes)
}

/// [`download`], with the version the host named for the file.
pub async fn download_with_validator(
    url: &str,
    file: &str,
    expected: Option<u64>,
    watch: &Watch<'_>,
) -> Result<(Vec<u8>, Validator), FetchError> {
    let response = JsFuture::from(global_fetch(url)).await.map_err(|e| {
        let why = js_error_text(&e);
        FetchError::Failed(if why.is_empty() {
            format!("could not download {file}: the network request failed")
        } else {
            format!("could not download {file}: the network request failed ({why})")
        })
    })?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| FetchError::Failed(format!("could not download {file}")))?;
    if !response.ok() {
        return Err(FetchError::Status {
            file: file.to_string(),
            status: response.status(),
        });
    }
    let headers = response.headers();
    let validator = Validator::from_response(&headers);
    let header = |name: &str| headers.get(name).ok().flatten();
    let length = parse_length(header("content-length").as_deref());
    if let Some(announced) = length.or(expected).filter(|&n| n > byte_cap(file)) {
        // Not a byte read: the body is dropped unread.
        drop(response.body().map(|body| body.cancel()));
        return Err(too_large(file, announced));
    }
    // A compressed transfer's Content-Length counts compressed bytes, and
    // cross-origin responses hide Content-Encoding: only a plain
    // same-origin length can be checked against what arrives.
    let plain = response.type_() == web_sys::ResponseType::Basic
        && header("content-encoding").is_none_or(|e| e.eq_ignore_ascii_case("identity"));
    let bytes = read_body(&response, file, length.or(expected), false, watch).await?;
    let got = bytes.len() as u64;
    let must_be = expected.or(if plain { length } else { None });
    if let Some(must_be) = must_be {
        if got != must_be {
            return Err(FetchError::Failed(format!(
                "the download of {file} is incomplete or wrong: got {got} bytes, expected {must_be}"
            )));
        }
    }
    Ok((bytes, validator))
}

/// Reads a response body chunk by chunk, with progress and cancellation.
pub(crate) async fn read_body(
    response: &web_sys::Response,
    file: &str,
    total: Option<u64>,
    from_cache: bool,
    watch: &Watch<'_>,
) -> Result<Vec<u8>, FetchError> {
    let report = |received: u64| {
        (watch.progress)(&FileProgress {
            file: file.to_string(),
            received_bytes: received,
            // A total already exceeded is wrong (e.g. compressed length).
            total_bytes: total.filter(|&t| t >= received),
            from_cache,
        })
    };
    let interrupted = |e: JsValue| {
        let why = js_error_text(&e);
        FetchError::Failed(if why.is_empty() {
            format!("the download of {file} was interrupted")
        } else {
            format!("the download of {file} was interrupted ({why})")
        })
    };
    report(0);
    let cap = byte_cap(file);
    if let Some(total) = total.filter(|&t| t > cap) {
        return Err(too_large(file, total));
    }
    let mut bytes: Vec<u8> = Vec::new();
    // With the size known the file streams into its final place: one
    // allocation, instead of doubling (and copying) as it grows.
    if let Some(total) = total.and_then(|t| usize::try_from(t).ok()) {
        bytes.try_reserve_exact(total).map_err(|_| {
            FetchError::Failed(format!(
                "not enough memory to download {file} ({} MiB)",
                total >> 20
            ))
        })?;
    }
    match response.body() {
        Some(body) => {
            let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
            let mut throttle = ProgressThrottle::new(now_ms());
            loop {
                if (watch.cancelled)() {
                    // The download is abandoned; the promise that the stream
                    // is cancelled carries nothing anyone waits for.
                    drop(reader.cancel());
                    return Err(FetchError::Cancelled);
                }
                let chunk = JsFuture::from(reader.read()).await.map_err(interrupted)?;
                let done = Reflect::get(&chunk, &JsValue::from_str("done"))
                    .map(|d| d.is_truthy())
                    .unwrap_or(true);
                if done {
                    break;
                }
                let value = Reflect::get(&chunk, &JsValue::from_str("value"))
                    .ok()
                    .and_then(|v| v.dyn_into::<Uint8Array>().ok())
                    .ok_or_else(|| {
                        FetchError::Failed(format!(
                            "the download of {file} sent something that is not bytes"
                        ))
                    })?;
                if bytes.len() as u64 + u64::from(value.length()) > cap {
                    drop(reader.cancel());
                    return Err(too_large(
                        file,
                        bytes.len() as u64 + u64::from(value.length()),
                    ));
                }
                append(&mut bytes, &value, file)?;
                if throttle.due(bytes.len() as u64, now_ms()) {
                    report(bytes.len() as u64);
                }
            }
        }
        None => {
            // No stream (an empty body): nothing to read.
        }
    }
    report(bytes.len() as u64);
    Ok(bytes)
}

/// Appends a JS chunk to `bytes`, failing politely when memory runs out.
fn append(bytes: &mut Vec<u8>, chunk: &Uint8Array, file: &str) -> Result<(), FetchError> {
    let len = chunk.length() as usize;
    bytes.try_reserve(len).map_err(|_| {
        FetchError::Failed(format!(
            "not enough memory to download {file} ({} MiB so far)",
            bytes.len() >> 20
        ))
    })?;
    let start = bytes.len();
    bytes.resize(start + len, 0);
    chunk.copy_to(&mut bytes[start..]);
    Ok(())
}

/// Fetches `url`: from the cache when a complete copy is there, otherwise
/// from the network (the caller stores it once it proved usable).
pub async fn fetch_cached(
    cache: Option<&ModelCache>,
    url: &str,
    file: &str,
    expected: Option<u64>,
    watch: &Watch<'_>,
) -> Result<Fetched, FetchError> {
    if let Some(cache) = cache {
        if let Some((bytes, validator)) = cache.get(url, file, expected, watch).await? {
            return Ok(Fetched {
                bytes,
                from_cache: true,
                validator,
            });
        }
    }
    let (bytes, validator) = download_with_validator(url, file, expected, watch).await?;
    Ok(Fetched {
        bytes,
        from_cache: false,
        validator,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_base_and_file() {
        assert_eq!(join("models/x/", "config.json"), "models/x/config.json");
        assert_eq!(join("models/x", "config.json"), "models/x/config.json");
        assert_eq!(join("", "config.json"), "config.json");
    }

    #[test]
    fn lengths_are_parsed_strictly() {
        assert_eq!(parse_length(Some("45441912")), Some(45_441_912));
        assert_eq!(parse_length(Some(" 12 ")), Some(12));
        assert_eq!(parse_length(Some("-1")), None);
        assert_eq!(parse_length(Some("1e9")), None);
        assert_eq!(parse_length(Some("")), None);
        assert_eq!(parse_length(Some("99999999999999999999999")), None);
        assert_eq!(parse_length(None), None);
    }

    #[test]
    fn progress_is_throttled_by_bytes_or_time() {
        let mut t = ProgressThrottle::new(0.0);
        assert!(!t.due(1000, 10.0));
        assert!(t.due(PROGRESS_EVERY_BYTES, 20.0));
        assert!(!t.due(PROGRESS_EVERY_BYTES + 10, 30.0));
        assert!(t.due(PROGRESS_EVERY_BYTES + 20, 20.0 + PROGRESS_EVERY_MS));
        assert!(!t.due(PROGRESS_EVERY_BYTES + 30, 20.0 + PROGRESS_EVERY_MS + 1.0));
    }

    #[test]
    fn not_found_is_distinguished_and_messages_name_the_file() {
        let e = FetchError::Status {
            file: "tokenizer.json".into(),
            status: 404,
        };
        assert!(e.is_not_found());
        assert!(e.to_string().contains("tokenizer.json"));
        let e = FetchError::Status {
            file: "config.json".into(),
            status: 500,
        };
        assert!(!e.is_not_found());
        assert_eq!(
            e.to_string(),
            "the server refused to send config.json (HTTP 500)"
        );
    }

    #[test]
    fn weights_may_be_large_and_everything_else_small() {
        assert_eq!(byte_cap("model.safetensors"), 1_610_612_736);
        assert_eq!(byte_cap("model.f16.safetensors"), MAX_WEIGHTS_BYTES);
        assert_eq!(byte_cap("pytorch_model.bin"), MAX_WEIGHTS_BYTES);
        for file in [
            "config.json",
            "tokenizer.json",
            "vocab.txt",
            "manifest.json",
        ] {
            assert_eq!(byte_cap(file), 67_108_864, "{file}");
        }
        let refusal = too_large("config.json", 3 << 30).to_string();
        assert_eq!(
            refusal,
            "config.json is larger than this page downloads (3072 MiB or more; the most for this file is 64 MiB)"
        );
    }
}
