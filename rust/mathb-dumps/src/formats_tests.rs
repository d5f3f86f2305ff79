//! Unit tests of formats.rs.

use super::*;
use serde_json::json;

fn records(doc: Value) -> Vec<Value> {
    document_records(doc.to_string().as_bytes()).unwrap()
}

#[test]
fn documents_are_told_from_json_lines() {
    assert!(is_document(b"[\n  {\"a\": 1}\n]"));
    assert!(is_document(b"{\n    \"0\": {\n"));
    assert!(is_document(b"  {\"0\": {\"gold\": \"1\",\n"));
    assert!(!is_document(b"{\"a\": 1}\n{\"a\": 2}\n"));
    assert!(!is_document(b"{\"a\": 1}"));
    assert!(!is_document(b""));
    assert!(!is_document(b"not json\n"));
}

#[test]
fn arrays_are_lists_of_records() {
    let rows = records(json!([{"answer": "1", "completion": "1"}, {"answer": "2"}]));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["answer"], "2");
}

#[test]
fn opencompass_predictions_in_key_order() {
    let doc = json!({
        "10": {"gold": "3", "prediction": "c", "origin_prompt": "p3"},
        "2": {"gold": "1", "prediction": ["a", "b"],
              "origin_prompt": [{"role": "HUMAN", "prompt": "p1"}]},
    });
    let rows = records(doc);
    assert_eq!(rows[0]["gold"], "1");
    assert_eq!(rows[0]["completion"], json!(["a", "b"]));
    assert_eq!(rows[0]["problem"], "p1");
    assert_eq!(rows[1]["problem"], "p3");
}

#[test]
fn simple_evals_gold_comes_from_the_report() {
    let doc = json!({
        "score": 1.0,
        "htmls": ["<p>Correct Answer: (3, \\frac{\\pi}{2}) &amp; x &lt; 2</p>\n<p>Extracted Answer: 1</p>"],
        "convos": [[{"role": "user", "content": "Q?"}, {"role": "assistant", "content": "Answer: 1"}]],
    });
    let rows = records(doc);
    assert_eq!(rows[0]["answer"], "(3, \\frac{\\pi}{2}) & x < 2");
    assert_eq!(rows[0]["completion"], "Answer: 1");
    assert_eq!(rows[0]["problem"], "Q?");
}

#[test]
fn evalchemy_examples_of_every_task() {
    let doc = json!({"results": {
        "MATH500": {"examples": [{"unique_id": "u1", "answer": "5", "model_output": "x"}]},
        "AIME24": {"examples": [{"id": 7, "expected_answer": "73", "model_outputs": ["a", "b"]}]},
    }, "config": {}});
    let rows = records(doc);
    assert_eq!(rows.len(), 2);
    let aime = rows.iter().find(|r| r["answer"] == "73").unwrap();
    assert_eq!(aime["problem_id"], "AIME24/7");
    assert_eq!(aime["completion"], json!(["a", "b"]));
    let math = rows.iter().find(|r| r["answer"] == "5").unwrap();
    assert_eq!(math["problem_id"], "MATH500/u1");
}

#[test]
fn unknown_documents_are_refused() {
    assert!(document_records(b"{\"a\": 1, \"b\": 2}").is_err());
    assert!(document_records(b"[1, 2").is_err());
}

#[test]
fn lighteval_rows_are_made_generic() {
    let legacy = adapt_row(json!({
        "gold": ["ANSWER: \\boxed{4}"], "predictions": ["p1", "p2"], "example": "Q"
    }));
    assert_eq!(legacy["answer"], "\\boxed{4}");
    assert_eq!(legacy["completion"], json!(["p1", "p2"]));
    assert_eq!(legacy["problem"], "Q");
    let new = adapt_row(json!({
        "doc": {"choices": ["a", "7"], "gold_index": [1], "id": "d1", "query": "Q"},
        "model_response": {"text": ["t"]},
    }));
    // Two options or more: a multiple-choice question, the gold its index.
    assert_eq!(new["answer"], json!([1]));
    assert_eq!(new["choices"], json!(["a", "7"]));
    assert_eq!(new["completion"], json!(["t"]));
    assert_eq!(new["problem_id"], "d1");
    let single = adapt_row(json!({
        "doc": {"choices": ["ANSWER: 7"], "gold_index": 0, "id": "d2", "query": "Q"},
        "model_response": {"text": ["t"]},
    }));
    assert_eq!(single["answer"], "7");
    assert!(single.get("choices").is_none());
    let legacy_mc = adapt_row(json!({
        "gold": ["B"], "gold_index": [1], "choices": [" A", " B"], "predictions": ["p"],
    }));
    assert_eq!(legacy_mc["answer"], json!([1]));
    // Anything else passes through untouched.
    let plain = json!({"answer": "1", "completion": "1"});
    assert_eq!(adapt_row(plain.clone()), plain);
}
