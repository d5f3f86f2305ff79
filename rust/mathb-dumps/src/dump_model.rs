//! The name of the model a dump's samples come from, when its first record says so: the
//! `model` field `mathb generate` writes, or the `model` of a vLLM / OpenAI batch response.

use crate::dump::LineChunk;
use crate::lossy_json::lossy_line;
use crate::schema::{parse_record, Record};
use serde_json::Value;

/// Where a record names its model, in order.
const MODEL_FIELDS: [&str; 3] = ["model", "response.body.model", "model_name"];

/// The model a record names, if any (a non-empty string).
pub fn model_of(record: &Record<'_>) -> Option<String> {
    MODEL_FIELDS
        .iter()
        .find_map(|path| match record.resolve(path) {
            Some(Value::String(name)) if !name.trim().is_empty() => Some(name),
            _ => None,
        })
}

/// The model the first readable record of `chunk` names.
pub(crate) fn chunk_model(chunk: &LineChunk) -> Option<String> {
    (0..chunk.lines.len()).find_map(|i| {
        let line = lossy_line(chunk.line(i));
        parse_record(&line).ok().map(|r| model_of(&r))
    })?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_named_by_generate_and_batch_results() {
        let name = |text: &str| model_of(&parse_record(text.as_bytes()).unwrap());
        assert_eq!(
            name(r#"{"model": "Qwen/Qwen2.5-7B", "completion": "x"}"#).as_deref(),
            Some("Qwen/Qwen2.5-7B")
        );
        let batch = r#"{"custom_id": "q#0", "response": {"body": {"model": "m1"}}}"#;
        assert_eq!(name(batch).as_deref(), Some("m1"));
        assert_eq!(name(r#"{"model": "", "completion": "x"}"#), None);
        assert_eq!(name(r#"{"model": 3}"#), None);
    }
}
