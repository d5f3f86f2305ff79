//! Python `str` to Rust text. A Python string may hold lone surrogates (`json.loads` builds
//! one from `"\ud800"`), which UTF-8 cannot encode: each becomes U+FFFD, so that any string
//! is graded rather than refused.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

/// Text taken from a Python `str`, lone surrogates replaced by U+FFFD.
pub struct Text(pub String);

impl FromPyObject<'_, '_> for Text {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
        let s = obj.cast::<PyString>()?;
        if let Ok(text) = s.to_str() {
            return Ok(Text(text.to_owned()));
        }
        lossy(&s).map(Text)
    }
}

/// The string with each lone surrogate as U+FFFD. "surrogatepass" writes a surrogate as
/// the three bytes ED A0..BF 80..BF; U+FFFD is three bytes too, so they are swapped in place.
fn lossy(s: &Bound<'_, PyString>) -> PyResult<String> {
    let encoded = s.call_method1("encode", ("utf-8", "surrogatepass"))?;
    let mut bytes = encoded.cast::<PyBytes>()?.as_bytes().to_vec();
    replace_encoded_surrogates(&mut bytes);
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// Replaces every surrogate encoded as UTF-8 (ED A0..BF 80..BF) by U+FFFD (EF BF BD).
fn replace_encoded_surrogates(bytes: &mut [u8]) {
    let mut i = 0;
    while i + 2 < bytes.len() {
        if bytes[i] == 0xED && (0xA0..=0xBF).contains(&bytes[i + 1]) && bytes[i + 2] & 0xC0 == 0x80
        {
            bytes[i..i + 3].copy_from_slice("\u{FFFD}".as_bytes());
            i += 3;
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_surrogates_become_replacement_characters() {
        let mut lone = b"42\xED\xA0\x80!".to_vec();
        replace_encoded_surrogates(&mut lone);
        assert_eq!(std::str::from_utf8(&lone), Ok("42\u{FFFD}!"));
        // A real character whose encoding starts with ED (U+D7FF) is kept.
        let mut kept = "\u{D7FF}".as_bytes().to_vec();
        replace_encoded_surrogates(&mut kept);
        assert_eq!(std::str::from_utf8(&kept), Ok("\u{D7FF}"));
    }
}
