//! Records that JSON readers refuse although a Python writer produced them: a lone UTF-16
//! surrogate escape (`"\ud800"`, which `json.dumps` writes for such a string) is valid JSON
//! text that stands for no character; it is read as U+FFFD, so that the record is graded.
//! (Bytes that are not UTF-8 are a file in another encoding: the readers report them, with
//! the line, rather than guess.)

use memchr::memmem::Finder;
use std::borrow::Cow;
use std::sync::LazyLock;

static UNICODE_ESCAPE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\\u"));

/// `line` with every lone surrogate escape written as `\ufffd` (the same length, so columns
/// in diagnostics stay right).
pub fn lossy_line(line: &[u8]) -> Cow<'_, [u8]> {
    if may_hold_surrogate_escape(line) {
        let mut fixed = line.to_vec();
        if replace_lone_surrogate_escapes(&mut fixed) {
            return Cow::Owned(fixed);
        }
    }
    Cow::Borrowed(line)
}

/// Whether `line` holds `\u` followed by `d` or `D` (a surrogate's first hex digit): a
/// quick test that spares the escape-by-escape scan almost every line.
fn may_hold_surrogate_escape(line: &[u8]) -> bool {
    UNICODE_ESCAPE
        .find_iter(line)
        .any(|i| matches!(line.get(i + 2), Some(b'd' | b'D')))
}

/// The UTF-16 unit of the `\uXXXX` escape whose backslash is at `at`.
fn unit_at(bytes: &[u8], at: usize) -> Option<u16> {
    let digits = bytes.get(at + 2..at + 6)?;
    if bytes.get(at + 1) != Some(&b'u') {
        return None;
    }
    let text = std::str::from_utf8(digits).ok()?;
    u16::from_str_radix(text, 16).ok()
}

/// Rewrites lone surrogate escapes in place; returns whether there was one. Every backslash
/// of valid JSON opens an escape inside a string, so escapes are read in order.
fn replace_lone_surrogate_escapes(bytes: &mut [u8]) -> bool {
    let mut changed = false;
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'\\', &bytes[i..]) {
        let at = i + k;
        let Some(unit) = unit_at(bytes, at) else {
            i = at + 2; // `\\`, `\n`, … : the escaped byte is skipped with it
            continue;
        };
        match unit {
            0xD800..=0xDBFF => {
                let low = unit_at(bytes, at + 6).filter(|u| (0xDC00..=0xDFFF).contains(u));
                if low.is_some() {
                    i = at + 12;
                    continue;
                }
            }
            0xDC00..=0xDFFF => {}
            _ => {
                i = at + 6;
                continue;
            }
        }
        bytes[at + 2..at + 6].copy_from_slice(b"fffd");
        changed = true;
        i = at + 6;
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lossy(s: &[u8]) -> String {
        String::from_utf8(lossy_line(s).into_owned()).unwrap()
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        assert_eq!(lossy(br#"{"c": "42\ud800"}"#), r#"{"c": "42\ufffd"}"#);
        assert_eq!(lossy(br#"{"c": "\uDC00x"}"#), r#"{"c": "\ufffdx"}"#);
        // A high surrogate followed by another high one: both are lone.
        assert_eq!(lossy(br#""\ud800\ud801""#), r#""\ufffd\ufffd""#);
        // A pair, an escaped backslash before "ud800", and plain escapes stay.
        for kept in [r#""\ud83d\ude00""#, r#""\\ud800""#, r#""\u00e9\n\\""#] {
            assert_eq!(lossy(kept.as_bytes()), kept);
        }
        let parsed: String = serde_json::from_slice(&lossy_line(br#""a\udfffb""#)).unwrap();
        assert_eq!(parsed, "a\u{FFFD}b");
    }

    #[test]
    fn lines_without_surrogate_escapes_are_not_copied() {
        assert!(matches!(
            lossy_line(br#"{"c": "42\u00e9"}"#),
            Cow::Borrowed(_)
        ));
        // Bytes that are not UTF-8 are left for the reader to report.
        assert_eq!(&*lossy_line(b"{\"c\": \"4\xff2\"}"), b"{\"c\": \"4\xff2\"}");
    }
}
