//! Revalidating stored model files. A model stored from a URL can change on
//! its host (a new commit on a hub, a redeploy of the site), and a stored
//! copy is otherwise used forever. After a model has loaded from the
//! browser's copy, one `HEAD` request per file asks the host for the file's
//! `ETag` (or `Last-Modified`) and compares it with the one kept beside the
//! copy; the worker deletes each copy that differs and tells the page, so
//! the next load downloads the new version. (Files the site's manifest gives
//! a sha256 for are not asked about: each load checks their sum, and a new
//! manifest brings new sums.) Offline, or with a host that sends neither
//! header, nothing can be compared and nothing changes. It runs after the
//! model answers, so it never delays a load.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` with options.
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with_init(url: &str, init: &web_sys::RequestInit) -> Promise;
}

/// What a server says identifies one version of a file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validator {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validator {
    /// Headers that keep a validator beside a stored copy.
    pub const STORED_ETAG: &'static str = "x-attend-etag";
    pub const STORED_LAST_MODIFIED: &'static str = "x-attend-last-modified";

    /// From a server's response headers. A cross-origin host must expose
    /// `ETag` to be read; `Last-Modified` is always readable.
    pub fn from_response(headers: &web_sys::Headers) -> Self {
        Self::read(headers, "etag", "last-modified")
    }

    /// From the headers kept with a stored copy.
    pub fn from_stored(headers: &web_sys::Headers) -> Self {
        Self::read(headers, Self::STORED_ETAG, Self::STORED_LAST_MODIFIED)
    }

    fn read(headers: &web_sys::Headers, etag: &str, last_modified: &str) -> Self {
        let get = |name: &str| {
            headers
                .get(name)
                .ok()
                .flatten()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        Validator {
            etag: get(etag),
            last_modified: get(last_modified),
        }
    }

    /// Whether `now` names another version than `self`: by ETag where both
    /// have one (a weak `W/` tag compares as its strong form), else by
    /// Last-Modified; None when there is nothing to compare.
    pub fn changed(&self, now: &Validator) -> Option<bool> {
        let strong = |tag: &str| tag.strip_prefix("W/").unwrap_or(tag).to_string();
        if let (Some(then), Some(now)) = (&self.etag, &now.etag) {
            return Some(strong(then) != strong(now));
        }
        if let (Some(then), Some(now)) = (&self.last_modified, &now.last_modified) {
            return Some(then != now);
        }
        None
    }
}

/// A file this load read from the browser's copy.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredCopy {
    pub url: String,
    pub file: String,
    pub validator: Validator,
}

/// Asks the host about each copy; returns the copies that changed (none
/// when offline, or when the host says nothing comparable).
pub async fn changed_copies(copies: &[StoredCopy]) -> Vec<&StoredCopy> {
    let mut changed = Vec::new();
    for copy in copies {
        if copy.validator == Validator::default() {
            continue;
        }
        let Some(now) = head(&copy.url).await else {
            continue;
        };
        if copy.validator.changed(&now) == Some(true) {
            changed.push(copy);
        }
    }
    changed
}

/// The sentence for the page when stored files changed on their host.
pub fn changed_message(files: &[String]) -> String {
    format!(
        "The model's host now has a different version of {} than the copy stored in this \
         browser. The maps shown come from the stored copy, whose changed files have been \
         removed: reload the model to use the new version.",
        files.join(", ")
    )
}

/// A `HEAD` request past every cache; None when it fails or is refused.
async fn head(url: &str) -> Option<Validator> {
    let init = web_sys::RequestInit::new();
    init.set_method("HEAD");
    init.set_cache(web_sys::RequestCache::NoStore);
    let response = JsFuture::from(fetch_with_init(url, &init)).await.ok()?;
    let response: web_sys::Response = response.dyn_into().ok()?;
    response
        .ok()
        .then(|| Validator::from_response(&response.headers()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn etag(tag: &str) -> Validator {
        Validator {
            etag: Some(tag.into()),
            last_modified: None,
        }
    }

    fn modified(date: &str) -> Validator {
        Validator {
            etag: None,
            last_modified: Some(date.into()),
        }
    }

    #[test]
    fn versions_are_told_apart_by_etag_then_by_date() {
        assert_eq!(etag("\"a1\"").changed(&etag("\"a1\"")), Some(false));
        assert_eq!(etag("\"a1\"").changed(&etag("W/\"a1\"")), Some(false));
        assert_eq!(etag("\"a1\"").changed(&etag("\"b2\"")), Some(true));
        let monday = "Mon, 07 Dec 2026 10:00:00 GMT";
        let tuesday = "Tue, 08 Dec 2026 10:00:00 GMT";
        assert_eq!(modified(monday).changed(&modified(monday)), Some(false));
        assert_eq!(modified(monday).changed(&modified(tuesday)), Some(true));
        // An ETag decides over a date when both sides have one.
        let both = |tag: &str, date: &str| Validator {
            etag: Some(tag.into()),
            last_modified: Some(date.into()),
        };
        assert_eq!(
            both("\"a1\"", monday).changed(&both("\"a1\"", tuesday)),
            Some(false)
        );
        // Nothing in common: nothing can be said.
        assert_eq!(etag("\"a1\"").changed(&modified(monday)), None);
        assert_eq!(Validator::default().changed(&etag("\"a1\"")), None);
    }

    #[test]
    fn the_message_names_the_files() {
        let m = changed_message(&["config.json".into(), "model.safetensors".into()]);
        assert!(m.contains("config.json, model.safetensors"), "{m}");
        assert!(m.contains("reload the model"), "{m}");
    }
}
