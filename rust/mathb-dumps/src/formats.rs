//! Dumps of common evaluation tools that are not one generic record per line: files holding
//! one JSON document (lm-eval 0.4.0–0.4.2 arrays, OpenCompass predictions, simple-evals and
//! evalchemy results), and rows whose gold and completions sit in tool-specific places
//! (lighteval details). Each is turned into generic records (`answer`, `completion`,
//! `problem_id`, `problem`) so that it takes the same path as JSON Lines.
//!
//! lm-eval's samples files stay JSON Lines and are read in place: see [`lm_eval_fields`].

use crate::diagnostics::{ErrorCode, InputError};
use crate::lossy_json::lossy_line;
use crate::record::Record;
use mathb_core::python_text::python_number_text;
use serde_json::{Map, Value};

/// Whether a file that starts with `head` is one JSON document rather than JSON Lines: it
/// opens an array, or its first line is not a whole JSON object (`{` alone, as an indented
/// `json.dump` writes it).
pub fn is_document(head: &[u8]) -> bool {
    let start = head.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else { return false };
    match head[start] {
        b'[' => true,
        b'{' => match head[start..].iter().position(|&b| b == b'\n') {
            // The first line alone is not a complete object: the document spans lines.
            Some(end) => {
                let first = lossy_line(&head[start..start + end]);
                serde_json::from_slice::<serde::de::IgnoredAny>(&first).is_err()
            }
            None => false,
        },
        _ => false,
    }
}

/// The records of a JSON document, in order.
pub fn document_records(text: &[u8]) -> Result<Vec<Value>, InputError> {
    let doc: Value = serde_json::from_slice(&lossy_line(text)).map_err(|e| {
        InputError::new(
            ErrorCode::InvalidJson,
            format!("invalid JSON document: {e}"),
            "the file starts like one JSON document (not JSON Lines) but does not parse as one",
        )
    })?;
    let records = match doc {
        Value::Array(items) => items,
        Value::Object(map) if map.contains_key("htmls") && map.contains_key("convos") => {
            simple_evals(map)?
        }
        Value::Object(map) if evalchemy_tasks(&map).is_some() => evalchemy(map),
        Value::Object(map) if !map.is_empty() && map.values().all(Value::is_object) => {
            opencompass(map)
        }
        _ => return Err(unknown_document()),
    };
    Ok(records.into_iter().map(adapt_row).collect())
}

fn unknown_document() -> InputError {
    InputError::new(
        ErrorCode::WrongType,
        "the JSON document holds no list of records mathb knows",
        "mathb reads JSON Lines, a JSON array of records, OpenCompass predictions \
         ({\"0\": {...}, ...}), simple-evals *_allresults.json and evalchemy results_*.json",
    )
}

fn text(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str)
}

/// simple-evals `*_allresults.json`: the completion is the last message of each
/// conversation; the gold appears only in the HTML report of the sample.
fn simple_evals(mut map: Map<String, Value>) -> Result<Vec<Value>, InputError> {
    let (Some(Value::Array(htmls)), Some(Value::Array(convos))) =
        (map.remove("htmls"), map.remove("convos"))
    else {
        return Err(unknown_document());
    };
    let rows = htmls
        .iter()
        .zip(&convos)
        .map(|(html, convo)| {
            let messages = convo.as_array().map(Vec::as_slice).unwrap_or_default();
            let last = messages.last().and_then(|m| m.get("content")).cloned();
            let problem = messages
                .iter()
                .find(|m| text(m.get("role")) == Some("user"))
                .and_then(|m| m.get("content"))
                .cloned();
            let gold = text(Some(html)).and_then(html_correct_answer);
            let mut row = Map::new();
            row.insert("answer".into(), gold.map_or(Value::Null, Value::String));
            row.insert("completion".into(), last.unwrap_or(Value::Null));
            row.insert("problem".into(), problem.unwrap_or(Value::Null));
            Value::Object(row)
        })
        .collect();
    Ok(rows)
}

/// The text of `<p>Correct Answer: …</p>` in a simple-evals report, unescaped.
fn html_correct_answer(html: &str) -> Option<String> {
    const MARK: &str = "Correct Answer:";
    let start = html.find(MARK)? + MARK.len();
    let rest = &html[start..];
    let end = rest.find("</p>").unwrap_or(rest.len());
    Some(html_escape::decode_html_entities(rest[..end].trim()).into_owned())
}

/// evalchemy results: `results.<TASK>.examples`, per task.
fn evalchemy_tasks(map: &Map<String, Value>) -> Option<&Map<String, Value>> {
    let tasks = map.get("results")?.as_object()?;
    tasks
        .values()
        .any(|t| t.get("examples").is_some_and(Value::is_array))
        .then_some(tasks)
}

fn evalchemy(map: Map<String, Value>) -> Vec<Value> {
    let Some(tasks) = evalchemy_tasks(&map) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for (task, results) in tasks {
        let Some(examples) = results.get("examples").and_then(Value::as_array) else {
            continue;
        };
        for (i, example) in examples.iter().enumerate() {
            let Some(fields) = example.as_object() else {
                rows.push(example.clone());
                continue;
            };
            let mut row = fields.clone();
            let id = ["unique_id", "id"]
                .iter()
                .find_map(|k| match fields.get(*k)? {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .unwrap_or_else(|| i.to_string());
            row.insert("problem_id".into(), Value::String(format!("{task}/{id}")));
            if let Some(gold) = ["answer", "expected_answer"]
                .iter()
                .find_map(|k| fields.get(*k).filter(|v| !v.is_null()))
            {
                row.insert("answer".into(), gold.clone());
            }
            if let Some(c) = ["model_outputs", "model_output"]
                .iter()
                .find_map(|k| fields.get(*k).filter(|v| !v.is_null()))
            {
                row.insert("completion".into(), c.clone());
            }
            rows.push(Value::Object(row));
        }
    }
    rows
}

/// OpenCompass predictions, `{"0": {...}, "1": {...}}`: samples in key order, grouped by
/// gold and prompt (a dataset repeated n times continues the keys).
fn opencompass(map: Map<String, Value>) -> Vec<Value> {
    let mut entries: Vec<(String, Value)> = map.into_iter().collect();
    entries.sort_by_key(|(k, _)| (k.parse::<u64>().unwrap_or(u64::MAX), k.clone()));
    entries
        .into_iter()
        .map(|(_, mut row)| {
            if let Some(fields) = row.as_object_mut() {
                if let Some(prompt) = fields.get("origin_prompt").map(prompt_text) {
                    fields.insert("problem".into(), Value::String(prompt));
                }
                if let Some(p) = fields.get("prediction").cloned() {
                    fields.insert("completion".into(), p);
                }
            }
            row
        })
        .collect()
}

/// A prompt as one string: a string as it is, a list of chat turns joined.
fn prompt_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(turns) => turns
            .iter()
            .filter_map(|t| text(t.get("prompt")).or(text(t.get("content"))))
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    }
}

/// A lighteval details row turned generic; any other row is returned as it is.
///
/// ≤ 0.10 (also open-r1): `gold` (list), `predictions` (list), `example` (the query).
/// ≥ 0.11: `doc.choices[doc.gold_index]`, `model_response.text`, `doc.id`, `doc.query`.
pub fn adapt_row(row: Value) -> Value {
    let Value::Object(mut fields) = row else {
        return row;
    };
    let legacy = fields.get("predictions").is_some_and(Value::is_array)
        && fields.get("gold").is_some_and(Value::is_array);
    if legacy {
        let gold = fields["gold"].get(0).cloned().map(strip_answer_prefix);
        // Multiple choice (two options or more): the gold is the index of the right one.
        let choice = multiple_choice(fields.get("choices"), fields.get("gold_index"));
        fields.insert("answer".into(), choice.or(gold).unwrap_or(Value::Null));
        let predictions = fields["predictions"].clone();
        fields.insert("completion".into(), predictions);
        if let Some(query) = fields.get("example").cloned() {
            fields.insert("problem".into(), query);
        }
        return Value::Object(fields);
    }
    let responses = fields
        .get("model_response")
        .and_then(|r| r.get("text"))
        .cloned();
    if let (Some(responses), Some(doc)) = (responses, fields.get("doc").cloned()) {
        let index = match doc.get("gold_index") {
            Some(Value::Array(items)) => items.first().and_then(Value::as_u64),
            Some(v) => v.as_u64(),
            None => None,
        };
        let gold = index.and_then(|i| doc.get("choices")?.get(i as usize).cloned());
        match multiple_choice(doc.get("choices"), doc.get("gold_index")) {
            Some(index) => {
                fields.insert("answer".into(), index);
                fields.insert("choices".into(), doc["choices"].clone());
            }
            None => {
                let gold = gold.map_or(Value::Null, strip_answer_prefix);
                fields.insert("answer".into(), gold);
            }
        }
        fields.insert("completion".into(), responses);
        if let Some(id) = doc.get("id").filter(|v| !v.is_null()) {
            fields.insert("problem_id".into(), id.clone());
        }
        if let Some(query) = doc.get("query") {
            fields.insert("problem".into(), query.clone());
        }
    }
    Value::Object(fields)
}

/// The gold index (or indices) of a lighteval row whose `choices` are the options of a
/// multiple-choice question (two or more); None for a row whose single choice is the gold.
fn multiple_choice(choices: Option<&Value>, gold_index: Option<&Value>) -> Option<Value> {
    let options = choices?.as_array()?;
    if options.len() < 2 || !options.iter().all(Value::is_string) {
        return None;
    }
    let in_range = |v: &Value| v.as_u64().is_some_and(|i| (i as usize) < options.len());
    match gold_index? {
        Value::Array(items) if !items.is_empty() && items.iter().all(in_range) => {
            Some(Value::Array(items.clone()))
        }
        v if in_range(v) => Some(v.clone()),
        _ => None,
    }
}

/// lighteval's math_500 gold is `"ANSWER: " + solution`.
fn strip_answer_prefix(v: Value) -> Value {
    match v {
        Value::String(s) => match s.strip_prefix("ANSWER: ") {
            Some(rest) => Value::String(rest.to_string()),
            None => Value::String(s),
        },
        other => other,
    }
}

/// The fields of an lm-eval `samples_<task>_<date>.jsonl` record (`doc_id`, `doc`, `target`,
/// `resps`): gold = the boxed answer of `doc.solution` when there is one (MATH tasks; avoids
/// the mangled `target` of minerva_math), else `doc.answer` (gsm8k: a solution ending in
/// `#### n`), else `target`; completions = `resps` (every repeat); problem id =
/// `doc.unique_id`, else `doc_id`; and the `filter` of this record, as lm-eval writes every
/// document once per filter.
pub fn lm_eval_fields(record: &Record<'_>) -> Option<LmEvalFields> {
    let is_lm_eval = record.resolve("doc_id").is_some()
        && record.resolve("target").is_some()
        && (record.resolve("resps").is_some() || record.resolve("filtered_resps").is_some());
    if !is_lm_eval {
        return None;
    }
    let is_text = |path: &str| matches!(record.resolve(path), Some(Value::String(_)));
    let boxed_solution = matches!(
        record.resolve("doc.solution"),
        Some(Value::String(s)) if s.contains("\\boxed") || s.contains("\\fbox")
    );
    // Multiple choice: the options in `doc.choices` / `doc.options`, and the gold as an
    // index (`doc.answer`, `doc.gold`, `doc.label`, `doc.gold_index`) or a letter or option
    // text (`doc.answerKey`, `doc.answer`, else `target`).
    let choices = ["doc.choices", "doc.options"]
        .into_iter()
        .find(|path| record.resolve(path).is_some_and(|v| is_choice_list(&v)));
    let is_index =
        |path: &str| matches!(record.resolve(path), Some(Value::Number(n)) if n.as_u64().is_some());
    let choice_gold = choices.and_then(|_| {
        ["doc.answer", "doc.gold", "doc.label", "doc.gold_index"]
            .into_iter()
            .find(|p| is_index(p))
            .or_else(|| {
                ["doc.answerKey", "doc.answer"]
                    .into_iter()
                    .find(|p| is_text(p))
            })
            .or(Some("target"))
    });
    let gold = if let Some(gold) = choice_gold {
        gold
    } else if boxed_solution {
        "doc.solution"
    } else if is_text("doc.answer") {
        "doc.answer"
    } else {
        "target"
    };
    let completion = if record.resolve("resps").is_some() {
        "resps"
    } else {
        "filtered_resps"
    };
    let problem_id = if record.resolve("doc.unique_id").is_some() {
        "doc.unique_id"
    } else {
        "doc_id"
    };
    let filter = match record.resolve("filter") {
        Some(Value::String(f)) => Some(f),
        _ => None,
    };
    Some(LmEvalFields {
        gold,
        completion,
        problem_id,
        filter,
        choices,
    })
}

/// vLLM `run-batch` / OpenAI Batch results: the completions are the choices of
/// `response.body` (vLLM ≤ 0.4: of `response`), the id is `custom_id`; there is no gold.
pub fn batch_fields(record: &Record<'_>) -> Option<(&'static str, &'static str)> {
    record.resolve("custom_id")?;
    ["response.body.choices", "response.choices"]
        .into_iter()
        .find(|path| matches!(record.resolve(path), Some(Value::Array(_))))
        .map(|path| (path, "custom_id"))
}

/// The text of one chat or completion choice: `message.content`, or `text`.
pub fn choice_text(choice: &Value) -> Option<&str> {
    choice
        .get("message")
        .and_then(|m| m.get("content"))
        .or_else(|| choice.get("text"))
        .and_then(Value::as_str)
}

/// Where an lm-eval record keeps what mathb reads.
pub struct LmEvalFields {
    /// The path of the gold.
    pub gold: &'static str,
    /// The path of the completions (`resps`).
    pub completion: &'static str,
    /// The path of the problem id.
    pub problem_id: &'static str,
    /// The filter whose records are graded, when lines repeat per filter.
    pub filter: Option<String>,
    /// The options of a multiple-choice question, when the document has them.
    pub choices: Option<&'static str>,
}

/// Options of a multiple-choice question: a list of at least two strings or numbers, or
/// `{"text": [...], "label": [...]}` (ARC, CommonsenseQA).
pub fn is_choice_list(v: &Value) -> bool {
    choice_list(v).is_some()
}

/// The option texts and labels (when given) of a choices value.
pub(crate) fn choice_list(v: &Value) -> Option<(Vec<String>, Option<Vec<String>>)> {
    let texts = |v: &Value| -> Option<Vec<String>> {
        let items = v.as_array()?;
        let texts: Option<Vec<String>> = items
            .iter()
            .map(|x| match x {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(python_number_text(n.as_str())),
                _ => None,
            })
            .collect();
        texts.filter(|t| t.len() >= 2)
    };
    match v {
        Value::Array(_) => Some((texts(v)?, None)),
        Value::Object(map) => {
            let options = texts(map.get("text")?)?;
            let labels = map.get("label").and_then(texts);
            let labels = labels.filter(|l| l.len() == options.len());
            Some((options, labels))
        }
        _ => None,
    }
}

#[cfg(test)]
#[path = "formats_tests.rs"]
mod tests;
