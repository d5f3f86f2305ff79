//! The one-pass JSON record scanner against the general reader (serde_json): wherever the
//! scanner answers, it must give the general reader's answer; it may only give up.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mathb_dumps::json_scan::Scan;
use mathb_dumps::sample_fields::OnePass;
use mathb_dumps::schema::{
    completion_texts, gold_text, parse_record, problem_key, FieldOverrides, Fields,
};
use serde::de::IgnoredAny;

/// The fields of a dump whose first record is `{"problem_id", "answer", "completion"}`.
fn default_fields() -> Fields {
    Fields {
        gold: "answer".into(),
        completion: "completion".into(),
        problem_id: Some("problem_id".into()),
        problem_text: None,
        lm_eval_filter: None,
        answers_by_id: false,
        choices: None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        // The record reader checks UTF-8 first and leaves other bytes to the general reader.
        assert!(OnePass::new(&default_fields())
            .unwrap()
            .read(data)
            .is_none());
        return;
    };

    // A string literal: the scanner unescapes exactly as serde_json does (a lone surrogate
    // escape is refused by both).
    if text.starts_with('"') {
        let mut scan = Scan::new(text);
        let ours = scan.string().and_then(|s| scan.end().map(|()| s.text));
        assert_eq!(ours, serde_json::from_str::<String>(text).ok(), "{text:?}");
    }

    // Any value: what the scanner skips, serde_json accepts.
    let mut scan = Scan::new(text);
    if scan.skip_value(0).and_then(|()| scan.end()).is_some() {
        assert!(serde_json::from_str::<IgnoredAny>(text).is_ok(), "{text:?}");
    }

    // A record: the fields the line itself names (as the first record of a dump would), or
    // the usual ones.
    let record = parse_record(data);
    let fields = record
        .as_ref()
        .ok()
        .and_then(|r| Fields::detect(r, &FieldOverrides::default()).ok())
        .unwrap_or_else(default_fields);
    let Some(one_pass) = OnePass::new(&fields) else {
        return;
    };
    let Some(fast) = one_pass.read(data) else {
        return;
    };
    let record = record.unwrap_or_else(|e| panic!("scanner read a record the reader refuses: {e}"));
    let gold = gold_text(&record, &fields.gold).expect("gold");
    let completions = completion_texts(&record, &fields.completion).expect("completions");
    let key = problem_key(&record, &fields, &gold).expect("problem key");
    assert_eq!(fast.gold, gold);
    assert_eq!(fast.completions, completions);
    assert_eq!(fast.key, key);
});
