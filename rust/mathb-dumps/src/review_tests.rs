//! Tests of review options through the streaming pass: the fields lines carry, the lines
//! `only` keeps, and the comparison with a previous grader.

use crate::review::{Comparison, LineKinds, ReviewOptions};
use crate::stream::{grade_stream_reviewing, StreamOptions};

const DUMP: &str = r#"{"id": "a", "gold": "4", "completion": "\\boxed{4}", "score": 0}
{"id": "a", "gold": "4", "completion": "The answer is 5", "score": 1}
{"id": "b", "gold": "1/2", "completion": ["\\boxed{0.5}", "none"], "score": [true, null]}
"#;

/// Grades `DUMP` in a folder of its own (`tag`: tests run in parallel).
fn graded(tag: &str, review: ReviewOptions) -> (String, String, Comparison) {
    let dir = crate::test_support::tempdir("review", tag);
    let path = dir.join("d.jsonl");
    std::fs::write(&path, DUMP).unwrap();
    let opts = StreamOptions {
        review,
        ..StreamOptions::default()
    };
    let (mut out, mut apart) = (Vec::new(), Vec::new());
    let summary = grade_stream_reviewing(
        &[path.to_str().unwrap()],
        Some(&mut out),
        Some(&mut apart),
        &opts,
        &mut |_| true,
        None,
        None,
    )
    .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (text(out), text(apart), summary.comparison)
}

#[test]
fn every_line_names_its_method_and_the_gold_and_completion_when_asked() {
    let (plain, _, _) = graded("plain", ReviewOptions::default());
    let lines: Vec<&str> = plain.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[0].contains(r#""method":"boxed""#) && !lines[0].contains("gold"));
    assert!(lines[1].contains(r#""method":"anchor""#));
    assert!(lines[3].ends_with(r#""extracted":null,"method":null}"#));
    let (review, _, _) = graded(
        "fields",
        ReviewOptions {
            with_gold: true,
            with_completion: true,
            ..ReviewOptions::default()
        },
    );
    let lines: Vec<&str> = review.lines().collect();
    assert!(lines[0].ends_with(r#""gold":"4","completion":"\\boxed{4}"}"#));
    assert!(lines[3].ends_with(r#""gold":"1/2","completion":"none"}"#));
    for line in lines {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
}

#[test]
fn only_writes_the_lines_asked_for_and_counts_them_all() {
    let (out, _, _) = graded(
        "only",
        ReviewOptions {
            only: Some(LineKinds::parse("incorrect,no_answer").unwrap()),
            ..ReviewOptions::default()
        },
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].contains(r#""status":"incorrect""#));
    assert!(lines[1].contains(r#""status":"no_answer""#));
}

#[test]
fn a_previous_grader_is_compared_per_sample() {
    let (out, apart, comparison) = graded(
        "compare",
        ReviewOptions {
            compare_field: Some("score".into()),
            ..ReviewOptions::default()
        },
    );
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].ends_with(r#""previous":false}"#));
    assert!(lines[2].ends_with(r#""previous":true}"#));
    assert!(lines[3].ends_with(r#""previous":null}"#));
    let disagreeing: Vec<&str> = apart.lines().collect();
    assert_eq!(disagreeing, vec![lines[0], lines[1]]);
    let expected = Comparison {
        both_correct: 1,
        only_mathb: 1,
        only_previous: 1,
        missing: 1,
        ..Comparison::default()
    };
    assert_eq!(comparison, expected);
}
