//! The Python exception hierarchy, declared once: every mathb error derives from `MathbError`.

use mathb_core::{BatchError, MetricError};
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

/// Core errors mapped to their Python classes in one place.
pub struct CoreError(pub String);

impl From<BatchError> for CoreError {
    fn from(e: BatchError) -> Self {
        CoreError(e.to_string())
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
