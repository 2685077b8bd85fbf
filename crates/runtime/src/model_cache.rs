//! The browser's copy of downloaded model files (Cache API, shared by the
//! model worker, which fills it, and the page, which lists and deletes it).

use crate::fetch::{js_error_text, parse_length, read_body, FetchError, Watch};
use crate::revalidate::Validator;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Name of the Cache API store that holds downloaded model files. Bump the
/// version to make every visitor download their models again.
pub const MODEL_CACHE: &str = "attend-models-v1";

/// Header stored with each cached file: its length, to tell a complete copy
/// from one the browser cut short.
const LENGTH_HEADER: &str = "x-attend-bytes";

/// One stored file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    pub url: String,
    pub bytes: u64,
}

/// The stored files of one model (one base URL), for the reader to see and
/// delete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredModel {
    /// The folder the files came from, ending in `/`.
    pub base: String,
    pub files: Vec<StoredFile>,
}

impl StoredModel {
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }
}

/// Groups stored files by the folder they came from, in order of first
/// appearance; files keep their order.
pub fn group_by_model(files: Vec<StoredFile>) -> Vec<StoredModel> {
    let mut models: Vec<StoredModel> = Vec::new();
    for file in files {
        let base = match file.url.rfind('/') {
            Some(i) => file.url[..=i].to_string(),
            None => String::new(),
        };
        match models.iter_mut().find(|m| m.base == base) {
            Some(model) => model.files.push(file),
            None => models.push(StoredModel {
                base,
                files: vec![file],
            }),
        }
    }
    models
}

/// The Cache API store of model files. Absent where the browser has no
/// Cache API (plain http, some private modes); everything then downloads.
pub struct ModelCache {
    cache: web_sys::Cache,
}

impl ModelCache {
    /// Opens [`MODEL_CACHE`], or None when the browser does not offer it.
    pub async fn open() -> Option<Self> {
        let storage = Reflect::get(&js_sys::global(), &JsValue::from_str("caches")).ok()?;
        let storage: web_sys::CacheStorage = storage.dyn_into().ok()?;
        let cache = JsFuture::from(storage.open(MODEL_CACHE)).await.ok()?;
        Some(ModelCache {
            cache: cache.dyn_into().ok()?,
        })
    }

    /// The cached copy of `url`, complete and with the `expected` length if
    /// given, and the version its host named when it was stored; a short or
    /// mismatched copy is deleted and counts as absent.
    pub async fn get(
        &self,
        url: &str,
        file: &str,
        expected: Option<u64>,
        watch: &Watch<'_>,
    ) -> Result<Option<(Vec<u8>, Validator)>, FetchError> {
        let Ok(found) = JsFuture::from(self.cache.match_with_str(url)).await else {
            return Ok(None);
        };
        let Ok(response) = found.dyn_into::<web_sys::Response>() else {
            return Ok(None);
        };
        let stored = parse_length(
            response
                .headers()
                .get(LENGTH_HEADER)
                .ok()
                .flatten()
                .as_deref(),
        );
        let bytes = match read_body(&response, file, stored, true, watch).await {
            Ok(bytes) => bytes,
            Err(FetchError::Cancelled) => return Err(FetchError::Cancelled),
            Err(_) => {
                self.delete(url).await;
                return Ok(None);
            }
        };
        let got = Some(bytes.len() as u64);
        if stored != got || expected.is_some_and(|e| Some(e) != got) {
            self.delete(url).await;
            return Ok(None);
        }
        Ok(Some((bytes, Validator::from_stored(&response.headers()))))
    }

    /// Stores `bytes` as the response for `url`, with the version its host
    /// named.
    pub async fn put(&self, url: &str, bytes: &[u8], validator: &Validator) -> Result<(), String> {
        let headers = web_sys::Headers::new().map_err(|e| js_error_text(&e))?;
        crate::report::warn_on_err(
            "a cache header",
            headers.set("content-type", "application/octet-stream"),
        );
        crate::report::warn_on_err(
            "a cache header",
            headers.set(LENGTH_HEADER, &bytes.len().to_string()),
        );
        for (name, value) in [
            (Validator::STORED_ETAG, &validator.etag),
            (Validator::STORED_LAST_MODIFIED, &validator.last_modified),
        ] {
            if let Some(value) = value {
                crate::report::warn_on_err("a cache header", headers.set(name, value));
            }
        }
        let init = web_sys::ResponseInit::new();
        init.set_status(200);
        init.set_headers(&headers);
        let body = Uint8Array::from(bytes);
        let response = web_sys::Response::new_with_opt_buffer_source_and_init(Some(&body), &init)
            .map_err(|e| js_error_text(&e))?;
        JsFuture::from(self.cache.put_with_str(url, &response))
            .await
            .map(|_| ())
            .map_err(|e| js_error_text(&e))
    }

    /// Every stored file with its length (as stored with it).
    pub async fn files(&self) -> Result<Vec<StoredFile>, String> {
        let requests = JsFuture::from(self.cache.keys())
            .await
            .map_err(|e| js_error_text(&e))?;
        let requests: js_sys::Array = requests.dyn_into().map_err(|_| "no list of files")?;
        let mut files = Vec::new();
        for request in requests.iter() {
            let Ok(request) = request.dyn_into::<web_sys::Request>() else {
                continue;
            };
            let url = request.url();
            let found = JsFuture::from(self.cache.match_with_request(&request))
                .await
                .map_err(|e| js_error_text(&e))?;
            let bytes = found
                .dyn_into::<web_sys::Response>()
                .ok()
                .and_then(|r| {
                    parse_length(r.headers().get(LENGTH_HEADER).ok().flatten().as_deref())
                })
                .unwrap_or(0);
            files.push(StoredFile { url, bytes });
        }
        Ok(files)
    }

    /// Forgets every file of the model at `base`.
    pub async fn delete_model(&self, base: &str) -> Result<(), String> {
        for file in self.files().await? {
            if file.url.starts_with(base) {
                self.delete(&file.url).await;
            }
        }
        Ok(())
    }

    /// Forgets `url` (ignoring failures: the worst case is a refetch).
    pub async fn delete(&self, url: &str) {
        crate::report::warn_on_err(
            "removing a cached file",
            JsFuture::from(self.cache.delete_with_str(url)).await,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(url: &str, bytes: u64) -> StoredFile {
        StoredFile {
            url: url.into(),
            bytes,
        }
    }

    #[test]
    fn files_are_grouped_by_the_folder_they_came_from() {
        let models = group_by_model(vec![
            file("http://a/models/mini/config.json", 600),
            file("https://hub/bert/resolve/main/config.json", 570),
            file("http://a/models/mini/model.f16.safetensors", 45_000_000),
            file(
                "https://hub/bert/resolve/main/model.safetensors",
                440_000_000,
            ),
        ]);
        assert_eq!(models.len(), 2);
        assert_eq!(models[0].base, "http://a/models/mini/");
        assert_eq!(models[0].total_bytes(), 45_000_600);
        assert_eq!(models[1].base, "https://hub/bert/resolve/main/");
        assert_eq!(models[1].files.len(), 2);
        assert!(group_by_model(Vec::new()).is_empty());
    }
}
