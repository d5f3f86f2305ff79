//! Record schema: which fields of a dump record hold the gold, the completion(s) and the
//! problem id, detected on the first record, and the per-record checks with their
//! `error[CODE]` diagnostics.

use serde_json::Value;

pub use crate::diagnostics::{ErrorCode, InputError};
use crate::formats::{choice_list, is_choice_list};
pub use crate::record::{parse_record, type_name, Record};
use mathb_core::python_text::python_number_text;

/// Candidate gold fields, tried in order on the first record (generic names first, then
/// those written by NeMo-Skills, verl, Qwen2.5-Math/ToRA and evalchemy).
pub const GOLD_FIELDS: [&str; 8] = [
    "answer",
    "gold",
    "ground_truth",
    "gt",
    "solution",
    "expected_answer",
    "gts",
    "reward_model.ground_truth",
];
/// Candidate completion fields: one string, or a list of strings (one sample each).
pub const COMPLETION_FIELDS: [&str; 12] = [
    "completion",
    "response",
    "output",
    "generated_text",
    "model_output",
    "generation",
    "model_outputs",
    "responses",
    "code",
    "completions",
    "outputs",
    "samples",
];
/// Candidate problem id fields.
pub const ID_FIELDS: [&str; 4] = ["problem_id", "id", "idx", "unique_id"];
/// The options of a multiple-choice question, when a record carries them (a list of at least
/// two strings or numbers); the gold then names the right one (see `gold::Gold::choice`).
pub const CHOICE_FIELDS: [&str; 2] = ["choices", "options"];
/// Without an id field, records sharing gold and problem text form one problem.
pub const PROBLEM_TEXT_FIELDS: [&str; 3] = ["problem", "question", "input"];

/// Fields the user named on the command line; the rest are detected.
#[derive(Clone, Debug, Default)]
pub struct FieldOverrides {
    /// The gold field (`--gold-field`).
    pub gold: Option<String>,
    /// The completion field (`--completion-field`).
    pub completion: Option<String>,
    /// The problem id field (`--id-field`).
    pub problem_id: Option<String>,
    /// The options of a multiple-choice question (see [`CHOICE_FIELDS`]).
    pub choices: Option<String>,
    /// Gold answers come from a table keyed by problem id, not from the records.
    pub answers_by_id: bool,
    /// Ids that also number the sample (`q17#0`): how to split them.
    pub id_pattern: Option<crate::id_pattern::IdPattern>,
}

/// How samples are grouped into problems.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    /// By the problem id field.
    Id,
    /// By gold and problem text, when there is no id.
    ProblemText,
    /// Each record is its own problem.
    Line,
}

impl Grouping {
    /// The grouping's name in summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Id => "id",
            Grouping::ProblemText => "problem_text",
            Grouping::Line => "line",
        }
    }
}

/// The record fields a run reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    /// The gold field (a dotted path).
    pub gold: String,
    /// The completion field: a string, or a list of strings.
    pub completion: String,
    /// The problem id field, when there is one.
    pub problem_id: Option<String>,
    /// The problem text field, grouping records without an id.
    pub problem_text: Option<String>,
    /// lm-eval writes every document once per filter: only records of this `filter` are
    /// graded, the others are reported as skipped.
    pub lm_eval_filter: Option<String>,
    /// The gold of a record is looked up by its problem id in an answers table.
    pub answers_by_id: bool,
    /// The options of a multiple-choice question (see [`CHOICE_FIELDS`]).
    pub choices: Option<String>,
    /// Ids that also number the sample, split into problem and sample (`--id-pattern`).
    pub id_pattern: Option<crate::id_pattern::IdPattern>,
}

impl Fields {
    /// How these fields group samples into problems.
    pub fn grouping(&self) -> Grouping {
        if self.problem_id.is_some() {
            Grouping::Id
        } else if self.problem_text.is_some() {
            Grouping::ProblemText
        } else {
            Grouping::Line
        }
    }

    /// Chooses the fields from the first record; explicit overrides must exist in it.
    pub fn detect(record: &Record<'_>, given: &FieldOverrides) -> Result<Fields, InputError> {
        for (role, field, flag) in [
            ("gold", &given.gold, "--gold-field"),
            ("completion", &given.completion, "--completion-field"),
            ("problem id", &given.problem_id, "--id-field"),
            ("choices", &given.choices, "--choices-field"),
        ] {
            if let Some(name) = field {
                if !record.present(name) {
                    return Err(InputError::new(
                        ErrorCode::MissingField,
                        format!("{role} field '{name}' (from {flag}) is not in the record"),
                        format!(
                            "{}; dotted paths such as doc.answer reach nested fields",
                            record.keys_hint()
                        ),
                    ));
                }
            }
        }
        if let Some(lm) = crate::formats::lm_eval_fields(record) {
            let or = |given: &Option<String>, found: &str| given.clone().unwrap_or(found.into());
            return Ok(Fields {
                gold: or(&given.gold, lm.gold),
                completion: or(&given.completion, lm.completion),
                problem_id: Some(or(&given.problem_id, lm.problem_id)),
                problem_text: None,
                lm_eval_filter: lm.filter,
                answers_by_id: given.answers_by_id,
                choices: given.choices.clone().or(lm.choices.map(str::to_string)),
                id_pattern: given.id_pattern.clone(),
            });
        }
        let pick = |candidates: &[&str], accept| first_field(record, candidates, accept);
        if given.answers_by_id && given.gold.is_none() {
            return from_answers_table(record, given);
        }
        let gold = given.gold.clone().or_else(|| {
            pick(&GOLD_FIELDS, |v| {
                !matches!(v, Value::Object(_) | Value::Bool(_))
            })
        });
        let Some(gold) = gold else {
            if crate::formats::batch_fields(record).is_some() {
                return Err(InputError::new(
                    ErrorCode::FieldNotFound,
                    "vLLM / OpenAI batch results hold no gold answers",
                    "pass --answers FILE: a table of custom_id (or problem_id / id) and answer",
                ));
            }
            return Err(InputError::new(
                ErrorCode::FieldNotFound,
                format!(
                    "cannot find the gold answer field (tried {})",
                    GOLD_FIELDS.join(", ")
                ),
                format!("pass --gold-field NAME; {}", record.keys_hint()),
            ));
        };
        let completion = given.completion.clone().or_else(|| {
            pick(&COMPLETION_FIELDS, |v| {
                matches!(v, Value::String(_) | Value::Array(_))
            })
        });
        let Some(completion) = completion else {
            return Err(InputError::new(
                ErrorCode::FieldNotFound,
                format!(
                    "cannot find the completion field (tried {})",
                    COMPLETION_FIELDS.join(", ")
                ),
                format!("pass --completion-field NAME; {}", record.keys_hint()),
            ));
        };
        let problem_id = given
            .problem_id
            .clone()
            .or_else(|| pick(&ID_FIELDS, |v| v.is_string() || is_int(v)));
        let problem_text = match problem_id {
            Some(_) => None,
            None => pick(&PROBLEM_TEXT_FIELDS, Value::is_string),
        };
        let choices = given
            .choices
            .clone()
            .or_else(|| options_field(record, &completion));
        Ok(Fields {
            gold,
            completion,
            problem_id,
            problem_text,
            lm_eval_filter: None,
            answers_by_id: false,
            choices,
            id_pattern: given.id_pattern.clone(),
        })
    }
}

/// The field among [`CHOICE_FIELDS`] that holds the record's multiple-choice options;
/// never the completions themselves (`--completion-field choices`).
pub(crate) fn options_field(record: &Record<'_>, completion: &str) -> Option<String> {
    first_field(record, &CHOICE_FIELDS, is_choice_list).filter(|c| c != completion)
}

/// The first of `candidates` that the record holds, not null, with a value `accept` takes.
fn first_field(
    record: &Record<'_>,
    candidates: &[&str],
    accept: fn(&Value) -> bool,
) -> Option<String> {
    candidates
        .iter()
        .find(|name| {
            record
                .resolve(name)
                .is_some_and(|v| !v.is_null() && accept(&v))
        })
        .map(|s| s.to_string())
}

/// Fields of records whose gold comes from an answers table: a completion and a problem id.
fn from_answers_table(record: &Record<'_>, given: &FieldOverrides) -> Result<Fields, InputError> {
    let batch = crate::formats::batch_fields(record);
    let present = |candidates: &[&str]| first_field(record, candidates, |_| true);
    let completion = given
        .completion
        .clone()
        .or_else(|| batch.map(|(c, _)| c.to_string()))
        .or_else(|| present(&COMPLETION_FIELDS));
    let problem_id = given
        .problem_id
        .clone()
        .or_else(|| batch.map(|(_, id)| id.to_string()))
        .or_else(|| present(&ID_FIELDS));
    let (Some(completion), Some(problem_id)) = (completion, problem_id) else {
        return Err(InputError::new(
            ErrorCode::FieldNotFound,
            "with --answers, every record needs a completion and a problem id",
            format!(
                "pass --completion-field / --id-field; {}",
                record.keys_hint()
            ),
        ));
    };
    Ok(Fields {
        gold: "answers".into(),
        completion,
        problem_id: Some(problem_id),
        problem_text: None,
        lm_eval_filter: None,
        answers_by_id: true,
        choices: None,
        id_pattern: given.id_pattern.clone(),
    })
}

fn is_int(v: &Value) -> bool {
    match v {
        Value::Number(n) => !n.as_str().contains(['.', 'e', 'E']),
        _ => false,
    }
}

fn required(record: &Record<'_>, field: &str, role: &str, flag: &str) -> Result<Value, InputError> {
    let resolved = record.resolve_checked(field).map_err(|e| {
        InputError::new(
            ErrorCode::InvalidJson,
            format!("invalid JSON: {e}"),
            "every non-blank line must be one complete JSON object",
        )
    })?;
    match resolved {
        Some(Value::Null) | None => {
            let state = if resolved.is_some() {
                "is null"
            } else {
                "is missing"
            };
            Err(InputError::new(
                ErrorCode::MissingField,
                format!("{role} field '{field}' {state}"),
                format!(
                    "every record needs it (chosen from the first record); fix the line or pass {flag}"
                ),
            ))
        }
        Some(v) => Ok(v),
    }
}

/// The gold answer of a record as a string; numbers are written as Python's `str()` would,
/// and a list of answers (any of which is correct) as its encoding (see `gold`).
pub fn gold_text(record: &Record<'_>, field: &str) -> Result<String, InputError> {
    gold_from_value(required(record, field, "gold", "--gold-field")?, field)
}

/// [`gold_text`], and when the record carries the options of a multiple-choice question
/// (`fields.choices`) and the gold names one of them, the encoded multiple-choice gold.
pub fn record_gold(record: &Record<'_>, fields: &Fields) -> Result<String, InputError> {
    let value = required(record, &fields.gold, "gold", "--gold-field")?;
    let choices = fields.choices.as_deref().and_then(|f| record.resolve(f));
    if let Some(gold) = choices.and_then(|c| choice_gold(&value, &c, &fields.gold)) {
        return Ok(gold);
    }
    gold_from_value(value, &fields.gold)
}

/// The encoded multiple-choice gold when `choices` is a list of options and the gold
/// `value` names one of them.
pub(crate) fn choice_gold(value: &Value, choices: &Value, gold_field: &str) -> Option<String> {
    let (options, labels) = choice_list(choices)?;
    // lm-eval's `target` is str() of the index; elsewhere digits are an option's text.
    let digits_are_index = gold_field == "target";
    mathb_core::gold::Gold::choice(value, &options, labels.as_deref(), digits_are_index)
        .map(|g| g.encode())
}

/// [`gold_text`] of a value that is present and not null.
pub(crate) fn gold_from_value(value: Value, field: &str) -> Result<String, InputError> {
    match value {
        Value::String(s) => Ok(mathb_core::gold::plain(s)),
        Value::Number(n) => Ok(python_number_text(n.as_str())),
        Value::Array(items) if mathb_core::gold::Gold::any_of(&items).is_some() => {
            Ok(mathb_core::gold::Gold::any_of(&items)
                .map(|g| g.encode())
                .unwrap_or_default())
        }
        other => Err(InputError::new(
            ErrorCode::WrongType,
            format!(
                "gold field '{field}' holds {}, expected a string, a number or a list of them",
                type_name(&other)
            ),
            format!(
                "a list of golds means any of them is correct; point --gold-field at a string, \
                 e.g. --gold-field {field}.0 for a list's first element"
            ),
        )),
    }
}

/// The completions of a record: one string, or every element of a list of strings.
pub fn completion_texts(record: &Record<'_>, field: &str) -> Result<Vec<String>, InputError> {
    match required(record, field, "completion", "--completion-field")? {
        Value::String(s) => Ok(vec![s]),
        Value::Array(items) => {
            // lm-eval: one inner list per request, `[["c1", …, "cK"]]`.
            let items = if !items.is_empty() && items.iter().all(Value::is_array) {
                items
                    .into_iter()
                    .flat_map(|inner| match inner {
                        Value::Array(v) => v,
                        _ => Vec::new(),
                    })
                    .collect()
            } else {
                items
            };
            if items.is_empty() {
                return Err(InputError::new(
                    ErrorCode::EmptySamples,
                    format!("completion field '{field}' is an empty list"),
                    "every record needs at least one completion; drop the line or fill it in",
                ));
            }
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::String(s) => Ok(s),
                    Value::Object(_) if crate::formats::choice_text(&item).is_some() => {
                        Ok(crate::formats::choice_text(&item)
                            .unwrap_or_default()
                            .to_string())
                    }
                    other => Err(InputError::new(
                        ErrorCode::WrongType,
                        format!(
                            "element {i} of completion field '{field}' is {}, expected a string",
                            type_name(&other)
                        ),
                        "a completion field holds one string or a list of strings (one per sample)",
                    )),
                })
                .collect()
        }
        other => Err(InputError::new(
            ErrorCode::WrongType,
            format!(
                "completion field '{field}' holds {}, expected a string or a list of strings",
                type_name(&other)
            ),
            "point --completion-field at the model's text",
        )),
    }
}

/// What identifies a record's problem.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ProblemKey {
    /// A string id, or an integer id in its decimal form: `"1"` and `1` differ.
    Str(String),
    /// An integer id, in its decimal form.
    Int(String),
    /// Gold and problem text, hashed to 128 bits so that long texts are not kept per problem.
    Text(u128),
    /// One problem per record.
    Line,
}

/// The problem key of a record; `gold` is its gold text (part of the text grouping key).
pub fn problem_key(
    record: &Record<'_>,
    fields: &Fields,
    gold: &str,
) -> Result<ProblemKey, InputError> {
    if let Some(field) = &fields.problem_id {
        return id_key_from_value(required(record, field, "problem id", "--id-field")?, field);
    }
    if let Some(field) = &fields.problem_text {
        return match record.resolve(field) {
            Some(Value::String(text)) => Ok(ProblemKey::Text(hash128(gold, &text))),
            _ => Err(InputError::new(
                ErrorCode::MissingField,
                format!("problem text field '{field}' is missing or not a string"),
                "records without an id are grouped by gold + problem text; pass --id-field to group by an id instead",
            )),
        };
    }
    Ok(ProblemKey::Line)
}

/// The problem key of an id value that is present and not null.
pub(crate) fn id_key_from_value(value: Value, field: &str) -> Result<ProblemKey, InputError> {
    match value {
        Value::String(s) => Ok(ProblemKey::Str(s)),
        ref v @ Value::Number(ref n) if is_int(v) => {
            Ok(ProblemKey::Int(python_number_text(n.as_str())))
        }
        other => Err(InputError::new(
            ErrorCode::WrongType,
            format!(
                "problem id field '{field}' holds {}, expected a string or an integer",
                type_name(&other)
            ),
            "point --id-field at a string or integer id",
        )),
    }
}

pub(crate) fn hash128(a: &str, b: &str) -> u128 {
    use std::hash::{Hash, Hasher};
    // DefaultHasher::new() has fixed keys, so keys are the same in every run.
    let half = |salt: u8| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (salt, a, b).hash(&mut h);
        h.finish() as u128
    };
    (half(1) << 64) | half(2)
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
