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
