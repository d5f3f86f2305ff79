//! `mathb._core.explain`: how one pair was graded, as a dict (see `mathb_core::explain`).

use crate::options;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// How one pair was graded: status, reason, extracted, method, span, gold_parsed,
/// answer_parsed (None with the reason in gold_error / answer_error when a side was not read).
#[pyfunction]
#[pyo3(signature = (gold, completion, *, extracted = false, **options))]
pub fn explain<'py>(
    py: Python<'py>,
    gold: &str,
    completion: &str,
    extracted: bool,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = options::from_kwargs(options)?;
    let (gold, completion) = (gold.to_owned(), completion.to_owned());
    let e = py.detach(|| mathb_core::explain::explain(&gold, &completion, &opts, extracted));
    let d = PyDict::new(py);
    d.set_item("status", e.verdict.status.as_str())?;
    d.set_item("reason", &e.verdict.reason)?;
    d.set_item("extracted", e.verdict.extracted.as_deref())?;
    d.set_item("method", e.method)?;
    d.set_item("span", e.span)?;
    d.set_item("gold_parsed", e.gold.as_ref().ok())?;
    d.set_item("gold_error", e.gold.as_ref().err())?;
    let answer = e.answer.as_ref();
    d.set_item("answer_parsed", answer.and_then(|a| a.as_ref().ok()))?;
    d.set_item("answer_error", answer.and_then(|a| a.as_ref().err()))?;
    Ok(d)
}
