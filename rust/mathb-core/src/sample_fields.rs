//! The fields a run reads from a record (gold, completions, problem key) in one pass over
//! its line, skipping the rest without building it. A record this pass cannot read (a field
//! path with dots, a value of an unexpected type, text that is not valid UTF-8, any JSON
//! error) is left to the general reader in `schema`, which then gives the same answer or
//! the same diagnostic as always; so this pass changes speed, never results.

use crate::schema::{gold_from_value, hash128, id_key_from_value, Fields, Key, ProblemKey};
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// What a run needs of one record.
pub struct SampleFields {
    pub gold: String,
    pub completions: Vec<String>,
    pub key: ProblemKey,
}

/// The top-level keys of the fields a run reads, when the one-pass reader applies to them:
/// every field is a plain top-level key (no dotted path) and no two roles share a key.
#[derive(Clone, Debug)]
pub struct OnePass {
    gold: String,
    completion: String,
    problem_id: Option<String>,
    problem_text: Option<String>,
}

impl OnePass {
    pub fn new(fields: &Fields) -> Option<OnePass> {
        // lm-eval filters and answers tables need the general reader.
        if fields.lm_eval_filter.is_some() || fields.answers_by_id {
            return None;
        }
        let names: Vec<&str> = [
            Some(fields.gold.as_str()),
            Some(fields.completion.as_str()),
            fields.problem_id.as_deref(),
            fields.problem_text.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let distinct = names
            .iter()
            .enumerate()
            .all(|(i, a)| names[..i].iter().all(|b| a != b));
        if !distinct || names.iter().any(|n| n.contains('.')) {
            return None;
        }
        Some(OnePass {
            gold: fields.gold.clone(),
            completion: fields.completion.clone(),
            problem_id: fields.problem_id.clone(),
            problem_text: fields.problem_text.clone(),
        })
    }

    /// The record's fields, or None when the general reader must decide (including every
    /// malformed record).
    pub fn read(&self, line: &[u8]) -> Option<SampleFields> {
        // The general reader rejects invalid UTF-8 anywhere in a value; checking the whole
        // line once lets the parser below skip its own checks.
        let text = std::str::from_utf8(line).ok()?;
        let mut de = serde_json::Deserializer::from_str(text);
        let found = de.deserialize_map(Wanted(self)).ok()?;
        de.end().ok()?;
        let gold = match found.gold? {
            raw if raw.get().starts_with('"') => unescape(raw.get())?,
            raw => match serde_json::from_str::<Value>(raw.get()).ok()? {
                Value::Null => return None,
                value => gold_from_value(value, &self.gold).ok()?,
            },
        };
        let completion = found.completion?.get();
        let completions = if completion.starts_with('"') {
            vec![unescape(completion)?]
        } else {
            match serde_json::from_str::<Text>(completion).ok()? {
                Text::List(items) if !items.is_empty() => {
                    items.into_iter().map(Cow::into_owned).collect()
                }
                _ => return None,
            }
        };
        let key = if self.problem_id.is_some() {
            match serde_json::from_str::<Value>(found.id?.get()).ok()? {
                Value::Null => return None,
                value => id_key_from_value(value, self.problem_id.as_deref()?).ok()?,
            }
        } else if self.problem_text.is_some() {
            match found.problem_text {
                Text::Str(text) => ProblemKey::Text(hash128(&gold, &text)),
                _ => return None,
            }
        } else {
            ProblemKey::Line
        };
        Some(SampleFields {
            gold,
            completions,
            key,
        })
    }
}

/// The text of a JSON string literal (quotes included) that the parser has already
/// checked; None for what the parser would reject when it builds the string (a lone UTF-16
/// surrogate escape), or for anything unexpected.
fn unescape(literal: &str) -> Option<String> {
    let body = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = memchr::memchr(b'\\', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        let escape = rest.as_bytes().get(i + 1)?;
        let mut next = i + 2;
        let c = match escape {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = hex4(rest.get(next..next + 4)?)?;
                next += 4;
                match unit {
                    0xD800..=0xDBFF => {
                        let low = rest.get(next..next + 6)?.strip_prefix("\\u")?;
                        let low = hex4(low).filter(|l| (0xDC00..=0xDFFF).contains(l))?;
                        next += 6;
                        let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        char::from_u32(code)?
                    }
                    0xDC00..=0xDFFF => return None,
                    _ => char::from_u32(unit)?,
                }
            }
            _ => return None,
        };
        out.push(c);
        rest = &rest[next..];
    }
    out.push_str(rest);
    Some(out)
}

fn hex4(digits: &str) -> Option<u32> {
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

/// A string value, or a list of strings; anything else fails the pass.
#[derive(Default)]
enum Text<'a> {
    #[default]
    Absent,
    Str(Cow<'a, str>),
    List(Vec<Cow<'a, str>>),
}

#[derive(Default)]
struct Found<'a> {
    gold: Option<&'a RawValue>,
    /// Unescaped after the parse, into a string of the right size (the parser's own
    /// unescaping grows a scratch buffer for every line, then copies it).
    completion: Option<&'a RawValue>,
    id: Option<&'a RawValue>,
    problem_text: Text<'a>,
}

struct Wanted<'p>(&'p OnePass);

impl<'de> Visitor<'de> for Wanted<'_> {
    type Value = Found<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found<'de>, A::Error> {
        let p = self.0;
        let mut found = Found::default();
        // A repeated key keeps its last value, as Python's dicts do.
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            if is(&key, &p.completion) {
                found.completion = Some(map.next_value()?);
            } else if is(&key, &p.gold) {
                found.gold = Some(map.next_value()?);
            } else if p.problem_id.as_deref().is_some_and(|f| is(&key, f)) {
                found.id = Some(map.next_value()?);
            } else if p.problem_text.as_deref().is_some_and(|f| is(&key, f)) {
                found.problem_text = map.next_value::<Text<'de>>()?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Whether `key` is the field name `field`: keys of the same length often differ in their
/// first byte (`problem_id`, `completion`), which is cheaper to compare than calling memcmp.
fn is(key: &str, field: &str) -> bool {
    key.len() == field.len() && key.as_bytes().first() == field.as_bytes().first() && key == field
}

/// A string borrowed from the line when it has no escapes.
struct Str<'a>(Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(TextVisitor).and_then(|t| match t {
            Text::Str(s) => Ok(Str(s)),
            _ => Err(serde::de::Error::custom("not a string")),
        })
    }
}

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a list of strings")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
        Ok(Text::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
        Ok(Text::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
        Ok(Text::Str(Cow::Owned(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Str(s)) = seq.next_element::<Str<'de>>()? {
            items.push(s);
        }
        Ok(Text::List(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{completion_texts, gold_text, parse_record, problem_key, FieldOverrides};

    /// The one-pass reader agrees with the general reader wherever it answers; `Some(read)`
    /// is whether it answered.
    fn agrees(line: &str) -> (bool, bool) {
        let record = parse_record(line.as_bytes());
        let first = r#"{"problem_id": 1, "answer": "1", "completion": "x"}"#;
        let fields = Fields::detect(
            &parse_record(first.as_bytes()).unwrap(),
            &FieldOverrides::default(),
        )
        .unwrap();
        let fast = OnePass::new(&fields).unwrap().read(line.as_bytes());
        let slow = record.ok().and_then(|r| {
            let gold = gold_text(&r, &fields.gold).ok()?;
            let completions = completion_texts(&r, &fields.completion).ok()?;
            let key = problem_key(&r, &fields, &gold).ok()?;
            Some((gold, completions, key))
        });
        match fast {
            Some(f) => (slow == Some((f.gold, f.completions, f.key)), true),
            None => (true, false),
        }
    }

    #[test]
    fn agrees_with_the_general_reader() {
        for (i, line) in [
            r#"{"problem_id": 1, "answer": "1", "completion": "x"}"#,
            r#"{"problem_id": "a", "answer": 2.50, "completion": ["x", "y\n"], "z": [1, {"a": null}]}"#,
            r#"{"problem_id": -0, "answer": "\u0031", "completion": "\ud83d\ude00", "answer": "9"}"#,
            r#"{"problem_id": 1.5, "answer": "1", "completion": "x"}"#,
            r#"{"problem_id": 1, "answer": null, "completion": "x"}"#,
            r#"{"problem_id": 1, "answer": "1", "completion": []}"#,
            r#"{"problem_id": 1, "answer": "1", "completion": ["a", 2]}"#,
            r#"{"problem_id": 1, "answer": "1", "completion": "\ud800"}"#,
            r#"{"problem_id": 1, "answer": "1", "completion": "x"} x"#,
            r#"{"problem_id": 1, "answer": "1", "completion": 3, "completion": "ok"}"#,
            r#"{"problem_id": 1, "answer": "1"}"#,
        ]
        .into_iter()
        .enumerate()
        {
            let (same, read) = agrees(line);
            assert!(same, "{line}");
            // The well-formed records are read in one pass.
            assert_eq!(read, i < 3 || i == 9, "{line}");
        }
    }

    #[test]
    fn unescapes_like_the_parser() {
        for literal in [
            r#""""#,
            r#""plain""#,
            r#""a\nb\t\"q\" \\ \/ \b\f\r""#,
            r#""\u00e9\u0041\u20AC \ud83d\ude00 end""#,
            r#""\ud800""#,
            r#""\udc00x""#,
            r#""\ud800\u0041""#,
            r#""\ud83d\ude00\ud83d""#,
            r#""caf\u00e9 \\boxed{1}""#,
        ] {
            let parsed = serde_json::from_str::<String>(literal).ok();
            assert_eq!(unescape(literal), parsed, "{literal}");
        }
    }

    #[test]
    fn leaves_dotted_and_shared_fields_to_the_general_reader() {
        let fields = |gold: &str, completion: &str| Fields {
            gold: gold.into(),
            completion: completion.into(),
            problem_id: None,
            problem_text: None,
            lm_eval_filter: None,
            answers_by_id: false,
        };
        assert!(OnePass::new(&fields("doc.answer", "completion")).is_none());
        assert!(OnePass::new(&fields("x", "x")).is_none());
        assert!(OnePass::new(&fields("answer", "completion")).is_some());
    }
}
