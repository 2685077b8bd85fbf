//! SHA-256 of downloaded and stored model files, by the browser's own
//! WebCrypto (native code, off the worker's thread), checked against the
//! sums in the site's `manifest.json`.

use js_sys::{ArrayBuffer, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A sha256 as lowercase hex, or None when `text` is not 64 hex digits.
pub fn parse_sha256(text: &str) -> Option<String> {
    let text = text.trim();
    (text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| text.to_ascii_lowercase())
}

/// Lowercase hex of `digest`.
pub fn to_hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a sum could not be taken (never seen where `crypto.subtle` exists:
/// every secure context, 127.0.0.1 included).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("the browser could not compute a sha256 ({0})")]
pub struct DigestError(String);

/// The sha256 of `bytes`, as lowercase hex. None where the browser offers
/// no `crypto.subtle` (a plain-http page that is not localhost): the check
/// is then skipped, as the length check still holds.
pub async fn sha256_hex(bytes: &[u8]) -> Result<Option<String>, DigestError> {
    let Some(subtle) = subtle() else {
        return Ok(None);
    };
    // `digest` copies the bytes before it returns, so a view of the wasm
    // memory is safe to pass.
    let promise = subtle
        .digest_with_str_and_u8_array("SHA-256", bytes)
        .map_err(|e| DigestError(crate::fetch::js_error_text(&e)))?;
    let buffer: ArrayBuffer = JsFuture::from(promise)
        .await
        .map_err(|e| DigestError(crate::fetch::js_error_text(&e)))?
        .dyn_into()
        .map_err(|_| DigestError("digest gave no ArrayBuffer".into()))?;
    Ok(Some(to_hex(&Uint8Array::new(&buffer).to_vec())))
}

fn subtle() -> Option<web_sys::SubtleCrypto> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).ok()?;
    let crypto: web_sys::Crypto = crypto.dyn_into().ok()?;
    Some(crypto.subtle())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_are_64_hex_digits_in_lowercase() {
        let sum = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
        assert_eq!(parse_sha256(sum), Some(sum.to_ascii_lowercase()));
        assert_eq!(parse_sha256(&sum[1..]), None);
        assert_eq!(parse_sha256(&format!("{}g", &sum[1..])), None);
        assert_eq!(parse_sha256(""), None);
    }

    #[test]
    fn digests_print_as_hex() {
        assert_eq!(to_hex(&[0x00, 0x9f, 0xff]), "009fff");
    }
}
