//! Columns of strings from any Arrow producer (pyarrow arrays and chunked arrays, polars
//! Series, ...) through the Arrow PyCapsule interface: the producer's buffers are imported
//! through the C data interface without a copy, and each row is read as a `&str` into them,
//! with no Python object per row.

use crate::errors::InvalidArgumentError;
use arrow_array::cast::AsArray;
use arrow_array::ffi::{from_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{make_array, Array, ArrayRef, LargeStringArray, StringArray, StringViewArray};
use arrow_schema::DataType;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};
use std::ffi::CStr;

/// An imported column: its chunks, kept alive while rows borrow from them.
pub struct Column {
    chunks: Vec<ArrayRef>,
}

/// Whether `obj` exports Arrow data (an array, or a stream of arrays).
pub fn is_arrow(obj: &Bound<'_, PyAny>) -> bool {
    obj.hasattr("__arrow_c_stream__").unwrap_or(false)
        || obj.hasattr("__arrow_c_array__").unwrap_or(false)
}

fn arrow_error(name: &str, e: impl std::fmt::Display) -> PyErr {
    InvalidArgumentError::new_err(format!("{name}: cannot read the Arrow data: {e}"))
}

fn capsule<'py>(obj: Bound<'py, PyAny>, name: &str) -> PyResult<Bound<'py, PyCapsule>> {
    obj.cast_into::<PyCapsule>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name}: the Arrow PyCapsule interface returned something that is not a capsule"
        ))
    })
}

impl Column {
    /// Imports `obj` (named `name` in errors): a stream (`__arrow_c_stream__`, which
    /// chunked arrays and polars Series give) or one array (`__arrow_c_array__`).
    pub fn import(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Column> {
        let chunks = if obj.hasattr("__arrow_c_stream__")? {
            let exported = obj.call_method0("__arrow_c_stream__")?;
            import_stream(&capsule(exported, name)?, name)?
        } else {
            let exported = obj.call_method0("__arrow_c_array__")?;
            let pair = exported.cast_into::<PyTuple>().map_err(|_| {
                PyTypeError::new_err(format!("{name}: __arrow_c_array__ did not return a pair"))
            })?;
            let schema = capsule(pair.get_item(0)?, name)?;
            let array = capsule(pair.get_item(1)?, name)?;
            vec![import_array(&schema, &array, name)?]
        };
        for chunk in &chunks {
            let strings = match chunk.data_type() {
                DataType::Dictionary(_, values) => is_string(values),
                other => is_string(other),
            };
            if !strings {
                return Err(PyTypeError::new_err(format!(
                    "{name} must be an Arrow column of strings (string, large_string, \
                     string_view, or a dictionary of them), not {}; cast it first \
                     (pyarrow.compute.cast(column, pyarrow.string()), Series.cast(pl.String))",
                    chunk.data_type()
                )));
            }
            // Producers promise valid UTF-8 and offsets in bounds; checked once here (a pass
            // over the bytes) so that rows can be read as `&str` without checks.
            chunk
                .to_data()
                .validate_full()
                .map_err(|e| arrow_error(name, e))?;
        }
        Ok(Column { chunks })
    }

    pub fn len(&self) -> usize {
        self.chunks.iter().map(|c| c.len()).sum()
    }

    /// The first null row, for the error that names it (a dictionary's null keys and null
    /// values alike).
    pub fn first_null(&self) -> Option<usize> {
        let mut offset = 0;
        for chunk in &self.chunks {
            if let Some(nulls) = chunk.logical_nulls().filter(|n| n.null_count() > 0) {
                return (0..chunk.len())
                    .find(|&i| nulls.is_null(i))
                    .map(|i| offset + i);
            }
            offset += chunk.len();
        }
        None
    }

    /// Every row, in order (null rows read as "": call [`Column::first_null`] first).
    pub fn rows(&self) -> Vec<&str> {
        let mut rows = Vec::with_capacity(self.len());
        for chunk in &self.chunks {
            match chunk.as_any_dictionary_opt() {
                Some(dictionary) => {
                    let values = strings(dictionary.values().as_ref());
                    rows.extend(
                        dictionary
                            .normalized_keys()
                            .into_iter()
                            .map(|k| values.get(k).copied().unwrap_or_default()),
                    );
                }
                None => rows.extend(strings(chunk.as_ref())),
            }
        }
        rows
    }
}

fn is_string(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    )
}

/// The rows of an array of strings (of a type `is_string` accepts).
fn strings(array: &dyn Array) -> Vec<&str> {
    let any = array.as_any();
    if let Some(a) = any.downcast_ref::<StringArray>() {
        (0..a.len()).map(|i| a.value(i)).collect()
    } else if let Some(a) = any.downcast_ref::<LargeStringArray>() {
        (0..a.len()).map(|i| a.value(i)).collect()
    } else if let Some(a) = any.downcast_ref::<StringViewArray>() {
        (0..a.len()).map(|i| a.value(i)).collect()
    } else {
        Vec::new()
    }
}

const STREAM: &CStr = c"arrow_array_stream";
const SCHEMA: &CStr = c"arrow_schema";
const ARRAY: &CStr = c"arrow_array";

fn import_stream(capsule: &Bound<'_, PyCapsule>, name: &str) -> PyResult<Vec<ArrayRef>> {
    let ptr = capsule.pointer_checked(Some(STREAM))?;
    // SAFETY: a capsule named "arrow_array_stream" holds an ArrowArrayStream (the PyCapsule
    // interface's contract); it is moved out, leaving a released stream the capsule's
    // destructor ignores.
    let mut stream = unsafe { FFI_ArrowArrayStream::from_raw(ptr.cast().as_ptr()) };
    let (Some(get_schema), Some(get_next)) = (stream.get_schema, stream.get_next) else {
        return Err(arrow_error(name, "the stream is released"));
    };
    let mut schema = FFI_ArrowSchema::empty();
    // SAFETY: the stream is live, and `schema` is a place for the callee to write one.
    if unsafe { get_schema(&mut stream, &mut schema) } != 0 {
        return Err(arrow_error(name, last_error(&mut stream)));
    }
    let mut chunks = Vec::new();
    loop {
        let mut array = FFI_ArrowArray::empty();
        // SAFETY: as above; a released array marks the end of the stream.
        if unsafe { get_next(&mut stream, &mut array) } != 0 {
            return Err(arrow_error(name, last_error(&mut stream)));
        }
        if array.is_released() {
            return Ok(chunks);
        }
        // SAFETY: the array was produced for this schema by the stream.
        let data = unsafe { from_ffi(array, &schema) }.map_err(|e| arrow_error(name, e))?;
        chunks.push(make_array(data));
    }
}

fn last_error(stream: &mut FFI_ArrowArrayStream) -> String {
    let fallback = "the producer gave no reason".to_string();
    let Some(get_last_error) = stream.get_last_error else {
        return fallback;
    };
    // SAFETY: the stream is live; the message, when there is one, is a C string it owns.
    let message = unsafe { get_last_error(stream) };
    if message.is_null() {
        return fallback;
    }
    unsafe { CStr::from_ptr(message) }
        .to_string_lossy()
        .into_owned()
}

fn import_array(
    schema: &Bound<'_, PyCapsule>,
    array: &Bound<'_, PyCapsule>,
    name: &str,
) -> PyResult<ArrayRef> {
    let schema_ptr = schema.pointer_checked(Some(SCHEMA))?;
    let array_ptr = array.pointer_checked(Some(ARRAY))?;
    // SAFETY: capsules named "arrow_schema" / "arrow_array" hold those C structures. The
    // schema is borrowed (its capsule releases it); the array is moved out.
    let schema = unsafe { schema_ptr.cast::<FFI_ArrowSchema>().as_ref() };
    let array = unsafe { FFI_ArrowArray::from_raw(array_ptr.cast().as_ptr()) };
    let data = unsafe { from_ffi(array, schema) }.map_err(|e| arrow_error(name, e))?;
    Ok(make_array(data))
}
