//! Golds of several answers from Python values: a list of golds, or a gold with the options
//! of its multiple-choice question, turned into the one string the core grades (see
//! `mathb_core::gold`), and the fallback's view of such a gold.

use crate::errors::InvalidArgumentError;
use crate::text::Text;
use mathb_core::gold::{self, Gold};
use mathb_core::Status;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::Value;

fn invalid(msg: String) -> PyErr {
    InvalidArgumentError::new_err(msg)
}

/// A Python gold value as JSON: str, int, float, or a list / tuple of them.
fn to_value(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if obj.is_instance_of::<PyString>() {
        return Ok(Value::String(obj.extract::<Text>()?.0));
    }
    if obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err("a gold cannot be a boolean"));
    }
    if obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyFloat>() {
        let text = obj.str()?.to_string();
        return serde_json::from_str::<Value>(&text)
            .ok()
            .filter(Value::is_number)
            .ok_or_else(|| invalid(format!("a gold cannot be the number {text}")));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        return obj
            .try_iter()?
            .map(|item| to_value(&item?))
            .collect::<PyResult<Vec<Value>>>()
            .map(Value::Array);
    }
    Err(PyTypeError::new_err(format!(
        "a gold is a string or a list of strings and numbers, not {}",
        obj.get_type().name()?
    )))
}

/// The string the core grades for `gold` (a string, a number, or a list of accepted
/// answers), with the options of its multiple-choice question when `choices` is given.
#[pyfunction]
#[pyo3(signature = (gold, choices = None))]
pub fn encode_gold(
    gold: &Bound<'_, PyAny>,
    choices: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let value = to_value(gold)?;
    if let Some(choices) = choices {
        let options = match to_value(choices)? {
            Value::Array(items) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => {
                        Some(mathb_core::python_text::python_number_text(n.as_str()))
                    }
                    _ => None,
                })
                .collect::<Option<Vec<String>>>(),
            _ => None,
        };
        let options = options
            .ok_or_else(|| invalid("choices must be a list of strings or numbers".into()))?;
        if options.len() < 2 {
            return Err(invalid("choices must hold at least two options".into()));
        }
        return Gold::choice(&value, &options, None, false)
            .map(|g| g.encode())
            .ok_or_else(|| {
                invalid(format!(
                    "the gold {value} names none of the {} choices (give an index, a letter or \
                     an option's text)",
                    options.len()
                ))
            });
    }
    match value {
        Value::String(s) => Ok(gold::plain(s)),
        Value::Array(items) => Gold::any_of(&items).map(|g| g.encode()).ok_or_else(|| {
            invalid("a list of golds must hold at least one string or number, and no lists".into())
        }),
        // A bare number is an option index, which needs the options.
        _ => Err(PyTypeError::new_err(
            "a gold is a string or a list of strings and numbers (a number alone only with \
             choices, as the index of the right option)",
        )),
    }
}

/// The (gold, accepted) pairs the fallback judges for an undecided verdict on `gold`.
#[pyfunction]
pub fn fallback_plan(gold: Text) -> Vec<(String, bool)> {
    gold::fallback_plan(&gold.0)
}

/// The fallback's verdict on `gold` from its (status, reason) on each pair of
/// `fallback_plan(gold)` (None where undecided): (status, reason), or None if undecided.
#[pyfunction]
pub fn combine_fallback(
    gold: Text,
    results: Vec<Option<(String, String)>>,
) -> PyResult<Option<(&'static str, String)>> {
    let parsed = results
        .into_iter()
        .map(|r| {
            r.map(|(status, reason)| {
                Status::ALL
                    .into_iter()
                    .find(|s| s.as_str() == status)
                    .map(|s| (s, reason))
                    .ok_or_else(|| invalid(format!("unknown status {status:?}")))
            })
            .transpose()
        })
        .collect::<PyResult<Vec<_>>>()?;
    Ok(gold::combine_fallback(&gold.0, &parsed).map(|(s, r)| (s.as_str(), r)))
}
