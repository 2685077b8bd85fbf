//! The files of one load from a base URL: each read from the browser's copy
//! or the network, checked against the manifest's size and sha256, and
//! remembered with where it came from and the version its host named.

use super::Manifest;
use crate::digest;
use crate::fetch::{self, FetchError, Fetched, ModelCache, Watch};
use crate::revalidate::{StoredCopy, Validator};

/// One file read in this load.
struct Read {
    url: String,
    file: String,
    from_cache: bool,
    validator: Validator,
}

/// The files of one load from a base URL, and where each came from.
pub(super) struct Session<'a> {
    pub base: &'a str,
    pub cache: Option<ModelCache>,
    pub watch: &'a Watch<'a>,
    pub manifest: Manifest,
    read: Vec<Read>,
}

impl<'a> Session<'a> {
    pub async fn open(base: &'a str, watch: &'a Watch<'a>) -> Session<'a> {
        Session {
            base,
            cache: ModelCache::open().await,
            watch,
            manifest: Manifest::default(),
            read: Vec::new(),
        }
    }

    pub async fn get(&mut self, file: &str) -> Result<Vec<u8>, FetchError> {
        let url = fetch::join(self.base, file);
        let expected = self.manifest.size_of(file);
        let fetched =
            fetch::fetch_cached(self.cache.as_ref(), &url, file, expected, self.watch).await?;
        self.checked(file, &url, fetched).await
    }

    /// The first of `files` that exists: every cached copy is tried before
    /// the network, so an offline visit finds whichever was stored.
    pub async fn get_first(&mut self, files: &[&str]) -> Result<(usize, Vec<u8>), FetchError> {
        let mut stored = None;
        if let Some(cache) = &self.cache {
            for (i, file) in files.iter().enumerate() {
                let url = fetch::join(self.base, file);
                let expected = self.manifest.size_of(file);
                if let Some((bytes, validator)) =
                    cache.get(&url, file, expected, self.watch).await?
                {
                    let fetched = Fetched {
                        bytes,
                        from_cache: true,
                        validator,
                    };
                    stored = Some((i, *file, url, fetched));
                    break;
                }
            }
        }
        if let Some((i, file, url, fetched)) = stored {
            return Ok((i, self.checked(file, &url, fetched).await?));
        }
        let mut last = FetchError::Failed("no file to fetch".into());
        for (i, file) in files.iter().enumerate() {
            let url = fetch::join(self.base, file);
            let expected = self.manifest.size_of(file);
            match fetch::download_with_validator(&url, file, expected, self.watch).await {
                Ok((bytes, validator)) => {
                    let fetched = Fetched {
                        bytes,
                        from_cache: false,
                        validator,
                    };
                    return Ok((i, self.checked(file, &url, fetched).await?));
                }
                Err(e) if e.is_not_found() => last = e,
                Err(e) => return Err(e),
            }
        }
        Err(last)
    }

    /// The bytes of `file`, once their sha256 matches the manifest's (when
    /// it gives one), and records where they came from. A stored copy that
    /// does not match (damaged, or left from an older deploy of the site) is
    /// deleted and downloaded again; a download that does not match fails.
    async fn checked(
        &mut self,
        file: &str,
        url: &str,
        fetched: Fetched,
    ) -> Result<Vec<u8>, FetchError> {
        let want = self.manifest.sha256_of(file).map(str::to_string);
        let matches = |got: &Option<String>| match (&want, got) {
            (Some(want), Some(got)) => want == got,
            // No sum to check against, or no WebCrypto to take one.
            _ => true,
        };
        let sum = match &want {
            Some(_) => sha256_of(file, &fetched.bytes).await?,
            None => None,
        };
        let fetched = if matches(&sum) {
            Some(fetched)
        } else if fetched.from_cache {
            if let Some(cache) = &self.cache {
                cache.delete(url).await;
            }
            drop(fetched);
            let expected = self.manifest.size_of(file);
            let (bytes, validator) =
                fetch::download_with_validator(url, file, expected, self.watch).await?;
            let sum = sha256_of(file, &bytes).await?;
            matches(&sum).then_some(Fetched {
                bytes,
                from_cache: false,
                validator,
            })
        } else {
            None
        };
        let Some(Fetched {
            bytes,
            from_cache,
            validator,
        }) = fetched
        else {
            return Err(FetchError::Damaged(format!(
                "{file} does not match the sha256 that manifest.json gives for it: the download \
                 was damaged, or the site is being updated"
            )));
        };
        self.read.push(Read {
            url: url.to_string(),
            file: file.to_string(),
            from_cache,
            validator,
        });
        Ok(bytes)
    }

    /// Whether `file` was downloaded from the network in this load, and the
    /// version its host named if so.
    pub fn downloaded(&self, file: &str) -> Option<&Validator> {
        let url = fetch::join(self.base, file);
        self.read
            .iter()
            .find(|r| r.url == url && !r.from_cache)
            .map(|r| &r.validator)
    }

    /// The files this load read from the browser's copy, to revalidate with
    /// their host: those the manifest gives no sha256 for (a sum says more
    /// than an ETag, and each load checks it).
    pub fn stored_copies(&self) -> Vec<StoredCopy> {
        self.read
            .iter()
            .filter(|r| r.from_cache && self.manifest.sha256_of(&r.file).is_none())
            .map(|r| StoredCopy {
                url: r.url.clone(),
                file: r.file.clone(),
                validator: r.validator.clone(),
            })
            .collect()
    }

    /// After a failure: drops every cached copy this load used, so Retry
    /// downloads fresh ones. Says whether there were any.
    async fn forget_cached(&self) -> bool {
        let Some(cache) = &self.cache else {
            return false;
        };
        let mut any = false;
        for read in self.read.iter().filter(|r| r.from_cache) {
            cache.delete(&read.url).await;
            any = true;
        }
        any
    }

    pub async fn fail(&self, message: String) -> super::LoadError {
        if self.forget_cached().await {
            super::LoadError::Failed(format!(
                "{message} (the stored copy was removed; Retry downloads it again)"
            ))
        } else {
            super::LoadError::Failed(message)
        }
    }
}

/// The sha256 of `file`'s `bytes` (None where the browser cannot take one).
async fn sha256_of(file: &str, bytes: &[u8]) -> Result<Option<String>, FetchError> {
    digest::sha256_hex(bytes)
        .await
        .map_err(|e| FetchError::Failed(format!("{file}: {e}")))
}
