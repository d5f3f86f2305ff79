//! Unit tests of schema.rs.

use super::*;

#[test]
fn detects_fields_and_resolves_paths() {
    let raw = br#"{"doc": {"answer": "3"}, "responses": [["a", "b"]], "idx": 4, "gt": 2}"#;
    let r = parse_record(raw).unwrap();
    let f = Fields::detect(&r, &FieldOverrides::default())
        .map_err(|e| e.to_string())
        .unwrap();
    assert_eq!(f.gold, "gt");
    assert_eq!(f.problem_id.as_deref(), Some("idx"));
    assert_eq!(r.resolve("doc.answer"), Some(Value::String("3".into())));
    assert_eq!(r.resolve("responses.0.-1"), Some(Value::String("b".into())));
    assert_eq!(r.resolve("responses.1"), None);
    assert_eq!(gold_text(&r, "gt").unwrap(), "2");
}

#[test]
fn diagnostics_have_codes() {
    assert_eq!(
        parse_record(b"[1]").err().unwrap().code,
        ErrorCode::NotAnObject
    );
    assert_eq!(
        parse_record(b"{\"a\": ").err().unwrap().code,
        ErrorCode::InvalidJson
    );
    let r = parse_record(br#"{"answer": "1", "completion": []}"#).unwrap();
    assert_eq!(
        completion_texts(&r, "completion").err().unwrap().code,
        ErrorCode::EmptySamples
    );
}

#[test]
fn a_line_in_another_encoding_is_named_as_such() {
    let Err(e) = parse_record(b"{\"answer\": \"caf\xe9\", \"completion\": \"x\"}") else {
        panic!("expected an error");
    };
    assert_eq!(e.code, ErrorCode::InvalidJson);
    assert_eq!(
        e.message,
        "invalid JSON: the line is not valid UTF-8 (byte 0xE9 at column 16)"
    );
    assert!(e.help.contains("re-encode"), "{}", e.help);
}

#[test]
fn dotted_keys_and_missing_paths() {
    let r = parse_record(br#"{"a": {"b": [10, {"c": "x"}]}, "d.e": 1}"#).unwrap();
    assert_eq!(r.resolve("a.b.0"), Some(Value::from(10)));
    assert_eq!(r.resolve("a.b.-1.c"), Some(Value::from("x")));
    assert_eq!(r.resolve("d.e"), Some(Value::from(1)));
    assert_eq!(r.resolve("a.z"), None);
    assert_eq!(r.resolve("a.b.5"), None);
    assert_eq!(r.resolve("a.b.0.c"), None);
}
