//! Where a `model=` link would download from, so that a link to another
//! host is only followed once the reader agrees: loading a model from a
//! host tells that host the reader's address, and downloads what it sends.

/// Where the files of a model base URL come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelSource {
    /// This site (a relative path, or a URL of the page's own origin).
    ThisSite,
    /// Another host, named as the reader should see it (`host[:port]`).
    OtherHost(String),
    /// Not something a model can be downloaded from (e.g. `javascript:`).
    Refused(String),
}

/// Where `base` points, seen from a page served at `page_origin`
/// (`scheme://host[:port]`, as `location.origin` gives it).
pub fn model_source(base: &str, page_origin: &str) -> ModelSource {
    // As the browser's URL parser reads it: tabs and newlines dropped,
    // backslashes as slashes (so `\\host` and `https:\\host` name a host).
    let base: String = base
        .trim()
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    let base = base.as_str();
    if let Some(rest) = base.strip_prefix("//") {
        return other_or_this(&host_of(rest), page_origin, scheme_of(page_origin));
    }
    match base.split_once(':') {
        // A colon before any slash is a scheme (`https:`, `data:`); one
        // after it is part of a relative path.
        Some((scheme, rest)) if !scheme.contains('/') && is_scheme(scheme) => {
            let scheme = scheme.to_ascii_lowercase();
            if scheme != "http" && scheme != "https" {
                return ModelSource::Refused(format!(
                    "a {scheme}: link cannot name a model; use an http(s) address"
                ));
            }
            let host = host_of(rest.trim_start_matches('/'));
            other_or_this(&host, page_origin, &scheme)
        }
        _ => ModelSource::ThisSite,
    }
}

fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn scheme_of(origin: &str) -> &str {
    origin.split_once("://").map_or("", |(scheme, _)| scheme)
}

/// `host[:port]` of what follows `scheme://`, lower-cased, without any
/// user name.
fn host_of(after_slashes: &str) -> String {
    let authority = after_slashes
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    host.to_ascii_lowercase()
}

fn other_or_this(host: &str, page_origin: &str, scheme: &str) -> ModelSource {
    let (page_scheme, page_host) = page_origin
        .split_once("://")
        .map_or(("", page_origin), |(s, h)| (s, h));
    let default_port = |scheme: &str| match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => "",
    };
    let strip = |h: &str, scheme: &str| {
        h.strip_suffix(default_port(scheme))
            .unwrap_or(h)
            .to_ascii_lowercase()
    };
    if host.is_empty() {
        return ModelSource::Refused("the link names no host".into());
    }
    if scheme.eq_ignore_ascii_case(page_scheme)
        && strip(host, scheme) == strip(page_host, page_scheme)
    {
        ModelSource::ThisSite
    } else {
        ModelSource::OtherHost(strip(host, scheme))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://attend.example";

    fn other(host: &str) -> ModelSource {
        ModelSource::OtherHost(host.into())
    }

    #[test]
    fn relative_paths_and_the_own_origin_are_this_site() {
        for base in [
            "models/all-MiniLM-L6-v2/",
            "./models/x/",
            "/models/x/",
            "models/a:b/",
            "https://attend.example/models/x/",
            "HTTPS://Attend.Example:443/models/",
        ] {
            assert_eq!(model_source(base, PAGE), ModelSource::ThisSite, "{base}");
        }
    }

    #[test]
    fn other_hosts_are_named_as_the_reader_should_see_them() {
        assert_eq!(
            model_source(
                "https://huggingface.co/bert-base-uncased/resolve/main/",
                PAGE
            ),
            other("huggingface.co")
        );
        assert_eq!(
            model_source("http://127.0.0.1:8123/m/", "http://127.0.0.1:8080"),
            other("127.0.0.1:8123")
        );
        // the same host over another scheme is another origin
        assert_eq!(
            model_source("http://attend.example/models/", PAGE),
            other("attend.example")
        );
        // a user name does not hide the host
        assert_eq!(
            model_source("https://attend.example@evil.example/m/", PAGE),
            other("evil.example")
        );
        assert_eq!(
            model_source("//evil.example/m/", PAGE),
            other("evil.example")
        );
        assert_eq!(
            model_source("\\\\evil.example/m/", PAGE),
            other("evil.example")
        );
        assert_eq!(
            model_source("https:\\\\evil.example\\m", PAGE),
            other("evil.example")
        );
        assert_eq!(
            model_source("ht\ttps://evil.example/", PAGE),
            other("evil.example")
        );
    }

    #[test]
    fn other_schemes_are_refused() {
        for base in ["javascript:alert(1)", "data:text/plain,x", "file:///etc/"] {
            assert!(
                matches!(model_source(base, PAGE), ModelSource::Refused(_)),
                "{base}"
            );
        }
        // no host at all
        for base in ["https://", "https:///", "https://?x"] {
            assert!(
                matches!(model_source(base, PAGE), ModelSource::Refused(_)),
                "{base}"
            );
        }
        // extra slashes are skipped, as the browser does
        assert_eq!(
            model_source("https:///evil.example/m/", PAGE),
            other("evil.example")
        );
    }
}
