//! The URL hash is the app's state: `#/section?key=value&…`. Reloading the
//! page, or sending the link to a student, reopens exactly the same view.

/// A parsed `#/section?query` hash. Values are stored decoded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Route {
    pub section: String,
    pub query: Vec<(String, String)>,
}

impl Route {
    pub fn new(section: &str) -> Self {
        Route {
            section: section.to_string(),
            query: Vec::new(),
        }
    }

    /// Parses `#/positional?len=64&d=128`; anything malformed parses to
    /// something (an empty section, skipped pairs) rather than failing.
    pub fn parse(hash: &str) -> Self {
        let hash = hash.trim_start_matches('#').trim_start_matches('/');
        let (section, query) = hash.split_once('?').unwrap_or((hash, ""));
        let query = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(k), decode(v))
            })
            .collect();
        Route {
            section: decode(section.trim_end_matches('/')),
            query,
        }
    }

    pub fn to_hash(&self) -> String {
        let mut out = format!("#/{}", encode(&self.section));
        for (i, (k, v)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(&encode(k));
            out.push('=');
            out.push_str(&encode(v));
        }
        out
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn with_query(section: &str, query: Vec<(String, String)>) -> Self {
        Route {
            section: section.to_string(),
            query,
        }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters and `,`
/// (kept readable for lists such as `pos=0,2,4`).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Decodes `%XX` and `+`; invalid escapes are kept literally and invalid
/// UTF-8 is replaced, so a hand-edited link never fails to parse.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_section_and_query() {
        let r = Route::parse("#/positional?len=64&d=128&base=10000&pos=0,2,4");
        assert_eq!(r.section, "positional");
        assert_eq!(r.get("len"), Some("64"));
        assert_eq!(r.get("pos"), Some("0,2,4"));
        assert_eq!(r.get("missing"), None);
    }

    #[test]
    fn round_trips_unicode_and_reserved_characters() {
        let text = "Man bites dog & 犬 = 🐕?#";
        let r = Route::with_query("attention", vec![("text".into(), text.into())]);
        let back = Route::parse(&r.to_hash());
        assert_eq!(back.get("text"), Some(text));
        assert_eq!(back, r);
    }

    #[test]
    fn garbage_never_fails() {
        for junk in [
            "",
            "#",
            "#/",
            "#/?",
            "#/x?&&=&a",
            "#/%",
            "#/a?b=%zz%",
            "#/a?%E2%82=1",
        ] {
            let r = Route::parse(junk);
            assert!(r.query.iter().all(|(k, _)| !k.contains('&')));
        }
        assert_eq!(Route::parse("#/a?b=%zz%").get("b"), Some("%zz%"));
        assert_eq!(Route::parse("#/a?b=1+2").get("b"), Some("1 2"));
    }
}
