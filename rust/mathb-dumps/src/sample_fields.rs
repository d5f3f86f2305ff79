//! The fields a run reads from a record (gold, completions, problem key) in one pass over
//! its line, skipping the rest without building it. A record this pass cannot read (a field
//! path with dots, a value of an unexpected type, text that is not valid UTF-8, any JSON
//! error) is left to the general reader in `schema`, which then gives the same answer or
//! the same diagnostic as always; so this pass changes speed, never results.

use crate::json_scan::Scan;
use crate::schema::{choice_gold, gold_from_value, hash128, id_key_from_value, Fields, ProblemKey};
use mathb_core::memo::BoundedMemo;
use serde_json::Value;

/// What a run needs of one record.
pub struct SampleFields {
    /// The gold answer, encoded (see `mathb_core::gold`).
    pub gold: String,
    /// The completions: one, or each element of a list.
    pub completions: Vec<String>,
    /// The record's problem.
    pub key: ProblemKey,
    /// The record's own `sample_idx`, when it has one (a non-negative integer).
    pub sample_idx: Option<u64>,
    /// Whether a completion holds a control character that unescaping made (JSON strings
    /// hold no raw ones), so that extraction must look for LaTeX commands to repair.
    pub controls: bool,
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
    /// The scanner for `fields`, or None when they need the general reader.
    pub fn new(fields: &Fields) -> Option<OnePass> {
        // lm-eval filters, answers tables and multiple-choice options need the general reader.
        if fields.lm_eval_filter.is_some() || fields.answers_by_id || fields.choices.is_some() {
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
        // line once lets the scanner slice it freely.
        let text = simdutf8::basic::from_utf8(line).ok()?;
        let mut scan = Scan::new(text);
        let mut gold = None;
        let mut completions = None;
        let mut id = None;
        let mut problem_text = None;
        let mut controls = false;
        let mut sample_idx = None;
        let mut options = None;
        // A repeated key keeps its last value, as Python's dicts do.
        scan.object(|key, scan| {
            let string = scan.peek() == Some(b'"');
            if is(key, &self.completion) {
                // Only the last completion counts, so an earlier one of another type is
                // skipped rather than refused.
                completions = Some(match scan.peek()? {
                    b'"' | b'[' => Some(completion_texts(scan, &mut controls)?),
                    _ => scan.skip_value(0).map(|()| None)?,
                });
            } else if is(key, &self.gold) {
                gold = Some(match string {
                    true => Gold::Text(scan.string()?.text),
                    false => Gold::Raw(scan.raw_value()?),
                });
            } else if self.problem_id.as_deref().is_some_and(|f| is(key, f)) {
                id = Some(match string {
                    true => Value::String(scan.string()?.text),
                    false => serde_json::from_str::<Value>(scan.raw_value()?).ok()?,
                });
            } else if self.problem_text.as_deref().is_some_and(|f| is(key, f)) {
                problem_text = Some(scan.string()?.text);
            } else if crate::schema::CHOICE_FIELDS.iter().any(|f| is(key, f))
                && scan.peek() == Some(b'[')
            {
                // A record that carries its options (a dump mixing free-form and
                // multiple-choice items): its gold may name one of them.
                options = Some(scan.raw_value()?);
            } else if is(key, SAMPLE_IDX) {
                sample_idx = match string {
                    true => sample_idx_of_digits(&scan.string()?.text),
                    false => scan.raw_value()?.parse::<u64>().ok(),
                };
            } else {
                scan.skip_value(0)?;
            }
            Some(())
        })?;
        scan.end()?;
        let gold = match (gold?, options) {
            (Gold::Text(text), None) => mathb_core::gold::plain(text),
            (gold, options) => encoded_gold(gold, options, &self.gold)?,
        };
        let key = if let Some(field) = self.problem_id.as_deref() {
            match id? {
                Value::Null => return None,
                value => id_key_from_value(value, field).ok()?,
            }
        } else if self.problem_text.is_some() {
            ProblemKey::Text(hash128(&gold, &problem_text?))
        } else {
            ProblemKey::Line
        };
        Some(SampleFields {
            gold,
            completions: completions??,
            key,
            sample_idx,
            controls,
        })
    }
}

/// The field a record numbers its sample by, echoed in its verdict line.
pub const SAMPLE_IDX: &str = "sample_idx";

/// A `sample_idx` written as text (CSV cells are): decimal digits only.
pub fn sample_idx_of_digits(text: &str) -> Option<u64> {
    match !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        true => text.parse().ok(),
        false => None,
    }
}

/// A record's `sample_idx` value: a non-negative integer, or its digits as a string.
pub fn sample_idx_of(value: &Value) -> Option<u64> {
    match value {
        Value::String(text) => sample_idx_of_digits(text),
        other => other.as_u64(),
    }
}

/// A gold answer: a string, or the raw text of another value for the general conversion.
enum Gold<'a> {
    Text(String),
    Raw(&'a str),
}

/// The encoded gold of a record whose gold is not a plain string or that carries options;
/// None where the general reader must decide. Records of one problem repeat its gold and
/// options (often thousands of records apart), so encodings are kept per thread, keyed by
/// their JSON, up to a few MiB.
fn encoded_gold(gold: Gold<'_>, options: Option<&str>, field: &str) -> Option<String> {
    let (tag, text) = match &gold {
        Gold::Text(text) => ('s', text.as_str()),
        Gold::Raw(raw) => ('r', *raw),
    };
    // Options (JSON) and field names hold no raw NUL: the key splits one way only.
    let mut key = String::with_capacity(text.len() + options.map_or(1, str::len) + field.len() + 3);
    key.push(tag);
    key.push_str(text);
    key.push('\0');
    key.push_str(options.unwrap_or("\0"));
    key.push('\0');
    key.push_str(field);
    ENCODED_GOLDS.with_borrow_mut(|memo| {
        memo.get_or_insert_with(
            &key,
            |encoded| encoded.as_ref().map_or(0, String::len),
            || encode_gold(&gold, options, field),
        )
    })
}

thread_local! {
    static ENCODED_GOLDS: std::cell::RefCell<BoundedMemo<Option<String>>> =
        std::cell::RefCell::new(BoundedMemo::new(4 << 20));
}

fn encode_gold(gold: &Gold<'_>, options: Option<&str>, field: &str) -> Option<String> {
    let value = match gold {
        Gold::Text(text) => Value::String(text.clone()),
        Gold::Raw(raw) => serde_json::from_str::<Value>(raw).ok()?,
    };
    if value.is_null() {
        return None;
    }
    let options = options.and_then(|raw| serde_json::from_str::<Value>(raw).ok());
    match options.as_ref().and_then(|o| choice_gold(&value, o, field)) {
        Some(encoded) => Some(encoded),
        None => gold_from_value(value, field).ok(),
    }
}

/// A completion string, or a non-empty list of them; None for anything else.
fn completion_texts(scan: &mut Scan<'_>, controls: &mut bool) -> Option<Vec<String>> {
    let mut item = |scan: &mut Scan<'_>| {
        let s = scan.string()?;
        *controls |= s.controls;
        Some(s.text)
    };
    if scan.peek()? == b'"' {
        return Some(vec![item(scan)?]);
    }
    let mut items = Vec::new();
    scan.array(|scan| {
        items.push(item(scan)?);
        Some(())
    })?;
    (!items.is_empty()).then_some(items)
}

/// Whether `key` is the field name `field`: keys of the same length often differ in their
/// first byte (`problem_id`, `completion`), which is cheaper to compare than calling memcmp.
fn is(key: &str, field: &str) -> bool {
    key.len() == field.len() && key.as_bytes().first() == field.as_bytes().first() && key == field
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{completion_texts, parse_record, problem_key, record_gold, FieldOverrides};
    use proptest::prelude::*;

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
            // As the chunk stage reads a record that carries its options.
            let with_options =
                crate::schema::options_field(&r, &fields.completion).map(|c| Fields {
                    choices: Some(c),
                    ..fields.clone()
                });
            let gold = record_gold(&r, with_options.as_ref().unwrap_or(&fields)).ok()?;
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
            // Options beside the gold: a letter, a value, an index, none of them.
            r#"{"problem_id": 1, "answer": "B", "choices": ["3", "4"], "completion": "x"}"#,
            r#"{"problem_id": 1, "answer": "4", "options": ["(A) 3", "(B) 4"], "completion": "x"}"#,
            r#"{"problem_id": 1, "answer": 1, "choices": ["3", "4"], "completion": "x"}"#,
            r#"{"problem_id": 1, "answer": "7", "choices": [{"text": "3"}], "completion": "x"}"#,
        ]
        .into_iter()
        .enumerate()
        {
            let (same, read) = agrees(line);
            assert!(same, "{line}");
            // The well-formed records are read in one pass.
            assert_eq!(read, i < 3 || i == 9 || i > 10, "{line}");
        }
    }

    /// Python's `json.dumps` default: everything beyond ASCII as `\u` escapes, surrogate
    /// pairs for the astral planes.
    fn ascii_escaped(json: &str) -> String {
        let mut out = String::new();
        for c in json.chars() {
            if c.is_ascii() {
                out.push(c);
            } else {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
        out
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z_]{1,6}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Fragments that make up broken and unusual lines as often as well-formed ones.
    const FRAGMENTS: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        " ",
        "\t",
        r#""answer""#,
        r#""completion""#,
        r#""problem_id""#,
        r#""x""#,
        r#""a\nb""#,
        r#""\ud800""#,
        r#""\u00e9""#,
        r#""\q""#,
        r#""\ud83d\ude00""#,
        "1",
        "-0.5e3",
        "01",
        "1.",
        "true",
        "nul",
        "null",
        "\"",
        "\\",
        "é",
        "\u{1}",
    ];

    proptest! {
        #[test]
        fn reads_every_well_formed_record(
            gold in ".{0,16}",
            completion in prop::collection::vec(".{0,40}", 1..4),
            as_list in any::<bool>(),
            id in prop_oneof![".{0,8}".prop_map(Value::String), any::<u32>().prop_map(Value::from)],
            extra in json_value(),
            ascii in any::<bool>(),
        ) {
            let completion = match as_list {
                true => Value::from(completion),
                false => Value::from(completion[0].clone()),
            };
            let record = serde_json::json!({
                "problem_id": id, "extra": extra, "answer": gold, "completion": completion,
            });
            let mut line = record.to_string();
            if ascii {
                line = ascii_escaped(&line);
            }
            prop_assert_eq!(agrees(&line), (true, true), "{}", line);
        }

        #[test]
        fn never_answers_where_the_general_reader_differs(
            parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..24),
        ) {
            let line = parts.concat();
            prop_assert!(agrees(&line).0, "{}", line);
            let record = format!(
                r#"{{"problem_id": 1, "answer": "1", "completion": "x", "z": {line}}}"#
            );
            prop_assert!(agrees(&record).0, "{}", record);
        }
    }

    #[test]
    fn kept_encodings_are_those_of_a_fresh_encoding() {
        // The same gold text as a string and as a number, the same options under two gold
        // fields (lm-eval's `target` reads digits as an index), in turn and again.
        let cases: Vec<(Gold<'_>, Option<&str>, &str)> = vec![
            (Gold::Text("1".into()), Some(r#"["3", "4"]"#), "answer"),
            (Gold::Raw("1"), Some(r#"["3", "4"]"#), "answer"),
            (Gold::Text("1".into()), Some(r#"["3", "4"]"#), "target"),
            (Gold::Text("4".into()), Some(r#"["3", "4"]"#), "answer"),
            (Gold::Raw("[0, 1]"), Some(r#"["3", "4"]"#), "answer"),
            (Gold::Raw("2.50"), None, "answer"),
            (Gold::Raw("null"), Some(r#"["3", "4"]"#), "answer"),
        ];
        let fresh: Vec<Option<String>> = cases
            .iter()
            .map(|(g, o, f)| encode_gold(g, *o, f))
            .collect();
        assert_ne!(fresh[0], fresh[1]);
        assert_ne!(fresh[0], fresh[2]);
        for _ in 0..2 {
            for ((g, o, f), want) in cases.iter().zip(&fresh) {
                let gold = match g {
                    Gold::Text(t) => Gold::Text(t.clone()),
                    Gold::Raw(r) => Gold::Raw(r),
                };
                assert_eq!(&encoded_gold(gold, *o, f), want, "{o:?} {f}");
            }
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
            choices: None,
            id_pattern: None,
        };
        assert!(OnePass::new(&fields("doc.answer", "completion")).is_none());
        assert!(OnePass::new(&fields("x", "x")).is_none());
        assert!(OnePass::new(&fields("answer", "completion")).is_some());
    }
}
