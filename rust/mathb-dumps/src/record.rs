//! One record of a dump: a JSON object read with its top-level values left unparsed, and
//! the diagnostic of a line that is not one.

use crate::diagnostics::{ErrorCode, InputError};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// The top level of one record: keys in file order, values still unparsed, so that the
/// large fields a run never reads (prompts, documents) are only validated, not built.
pub struct Record<'a> {
    entries: Vec<(Cow<'a, str>, &'a RawValue)>,
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Record<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record<'de>, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            entries.push((key.0, map.next_value::<&'de RawValue>()?));
        }
        Ok(Record { entries })
    }
}

pub(crate) struct Key<'a>(pub(crate) Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Python's names for JSON types, as the diagnostics print them.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Parses one line (without its newline) as a JSON object.
pub fn parse_record(raw: &[u8]) -> Result<Record<'_>, InputError> {
    let start = raw.iter().position(|b| !b" \t\r\n".contains(b));
    if start.is_some_and(|i| raw[i] == b'{') {
        let mut de = serde_json::Deserializer::from_slice(raw);
        let parsed = de
            .deserialize_map(RecordVisitor)
            .and_then(|r| de.end().map(|_| r));
        return parsed.map_err(|e| invalid_json(raw, &e));
    }
    match serde_json::from_slice::<Value>(raw) {
        Ok(value) => Err(InputError::new(
            ErrorCode::NotAnObject,
            format!("the line is {}, not a JSON object", type_name(&value)),
            "every non-blank line must be one JSON object holding a gold answer and a completion",
        )),
        Err(e) => Err(invalid_json(raw, &e)),
    }
}

fn invalid_json(raw: &[u8], e: &serde_json::Error) -> InputError {
    if let Err(bad) = std::str::from_utf8(raw) {
        let at = bad.valid_up_to();
        return InputError::new(
            ErrorCode::InvalidJson,
            format!(
                "invalid JSON: the line is not valid UTF-8 (byte 0x{:02X} at column {})",
                raw[at],
                at + 1
            ),
            "JSON Lines files are UTF-8; re-encode the file (for Latin-1: iconv -f latin1 -t utf-8)",
        );
    }
    let stripped = raw.trim_ascii();
    let help = if stripped == b"[" || stripped == b"{" {
        "the file looks like one JSON document; mathb grade reads JSON Lines (one object per line)"
    } else if e.is_eof() {
        // What an interrupted writer leaves as the last line of a file.
        "the line ends before its JSON object does: the record is cut short (an interrupted \
         write?); --on-error skip or record goes on past it"
    } else {
        "every non-blank line must be one complete JSON object"
    };
    // serde_json's message ends in "at line 1 column N"; the line is ours to name.
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
    InputError::new(
        ErrorCode::InvalidJson,
        format!("invalid JSON: {msg} at column {}", e.column()),
        help,
    )
}

impl<'a> Record<'a> {
    fn top(&self, key: &str) -> Option<&'a RawValue> {
        // Python dicts keep the last of repeated keys.
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|e| e.1)
    }

    /// The value at a dotted `path` (`doc.answer`, `resps.0`), or None when absent. A key
    /// that itself contains dots is matched whole first; digits index into lists.
    pub fn resolve(&self, path: &str) -> Option<Value> {
        self.resolve_checked(path).ok().flatten()
    }

    /// [`Record::resolve`], with the error of a value that is well-formed JSON text but not
    /// a valid value (a lone UTF-16 surrogate escape) instead of None.
    pub fn resolve_checked(&self, path: &str) -> Result<Option<Value>, serde_json::Error> {
        if let Some(raw) = self.top(path) {
            return serde_json::from_str(raw.get()).map(Some);
        }
        let mut parts = path.split('.');
        let Some(first) = parts.next().and_then(|f| self.top(f)) else {
            return Ok(None);
        };
        let mut value: Value = serde_json::from_str(first.get())?;
        for part in parts {
            value = match value {
                Value::Object(mut map) => match map.remove(part) {
                    Some(v) => v,
                    None => return Ok(None),
                },
                Value::Array(mut items) => {
                    let digits = part.trim_start_matches('-');
                    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                        return Ok(None);
                    }
                    let Ok(index) = part.parse::<i64>() else {
                        return Ok(None);
                    };
                    let len = items.len() as i64;
                    let i = if index < 0 { index + len } else { index };
                    if !(0..len).contains(&i) {
                        return Ok(None);
                    }
                    items.swap_remove(i as usize)
                }
                _ => return Ok(None),
            };
        }
        Ok(Some(value))
    }

    pub(crate) fn present(&self, path: &str) -> bool {
        !matches!(self.resolve(path), None | Some(Value::Null))
    }

    pub(crate) fn keys_hint(&self) -> String {
        if self.entries.is_empty() {
            return "the record is empty".into();
        }
        let mut seen: Vec<&str> = Vec::new();
        for (k, _) in &self.entries {
            if !seen.contains(&k.as_ref()) {
                seen.push(k);
            }
        }
        let keys: Vec<&str> = seen.into_iter().take(20).collect();
        format!("fields present: {}", keys.join(", "))
    }
}
