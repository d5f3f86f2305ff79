//! The Python exception hierarchy, declared once: every mathb error derives from `MathbError`.
//! Errors are sorted by cause here and nowhere else: bad input or usage becomes
//! `InvalidArgumentError` / `InputFileError` (the CLI exits 2), a failure of mathb or of the
//! system under it a plain `MathbError` (the CLI exits 1, never blaming the user).

use mathb_core::{BatchError, MetricError};
use mathb_dumps::{InputError, StreamError};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;

create_exception!(
    mathb,
    MathbError,
    PyException,
    "Base class of every error raised by mathb."
);
create_exception!(
    mathb,
    InvalidArgumentError,
    MathbError,
    "An argument is out of range or inconsistent (also a ValueError)."
);
create_exception!(
    mathb,
    InputFileError,
    MathbError,
    "An input file is malformed; the message names the file and line."
);

/// A bad argument or usage: `InvalidArgumentError`.
pub struct CoreError(pub String);

/// A failure that is not the caller's (threads that cannot start): `MathbError`.
pub struct InternalError(pub String);

impl From<InternalError> for PyErr {
    fn from(e: InternalError) -> PyErr {
        MathbError::new_err(e.0)
    }
}

/// The Python error of a batch that could not be graded.
pub fn batch_error(e: BatchError) -> PyErr {
    match e {
        BatchError::Invalid(e) => CoreError(e).into(),
        BatchError::Threads(e) => InternalError(e).into(),
    }
}

/// A malformed input file: `InputFileError` with the diagnostic's `code`, `path` and `line`.
pub fn input_file_error(py: Python<'_>, e: &InputError) -> PyErr {
    let err = InputFileError::new_err(e.to_string());
    let value = err.value(py);
    let _ = value.setattr("code", e.code.as_str());
    let _ = value.setattr("path", &e.path);
    let _ = value.setattr("line", e.line);
    err
}

/// The Python error of a stream's failure, but for `Stopped` and `Output`, whose Python
/// error (the callback's, the output stream's) only the caller holds.
pub fn stream_error(py: Python<'_>, e: StreamError) -> PyErr {
    match e {
        StreamError::Input(e) => input_file_error(py, &e),
        StreamError::Usage(e) => CoreError(e).into(),
        StreamError::Threads(e) => InternalError(e).into(),
        StreamError::Output(e) => e.into(),
        StreamError::Stopped => CoreError("stopped".into()).into(),
    }
}

impl From<MetricError> for CoreError {
    fn from(e: MetricError) -> Self {
        CoreError(e.to_string())
    }
}

impl From<CoreError> for PyErr {
    fn from(e: CoreError) -> PyErr {
        InvalidArgumentError::new_err(e.0)
    }
}

/// Registers the classes, making `InvalidArgumentError` a `ValueError` as well.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("MathbError", py.get_type::<MathbError>())?;
    m.add(
        "InvalidArgumentError",
        py.get_type::<InvalidArgumentError>(),
    )?;
    m.add("InputFileError", py.get_type::<InputFileError>())?;
    // The attributes the dump reader sets, present (None) on an error raised elsewhere.
    let input_file_error = py.get_type::<InputFileError>();
    for name in ["code", "path", "line"] {
        input_file_error.setattr(name, py.None())?;
    }
    // Multiple inheritance is not expressible in create_exception!; patch __bases__ once.
    let cls = py.get_type::<InvalidArgumentError>();
    let bases = pyo3::types::PyTuple::new(
        py,
        [
            py.get_type::<MathbError>().into_any(),
            py.get_type::<PyValueError>().into_any(),
        ],
    )?;
    cls.setattr("__bases__", bases)?;
    Ok(())
}
