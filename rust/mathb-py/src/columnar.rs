//! Batches read without a Python object per row (Arrow columns, bytes of JSON Lines) and
//! verdicts returned as columns: `GradedBatch` holds one verdict per distinct (gold,
//! extraction) and each row's index into them, and gives them as Verdict objects, a numpy
//! array of status codes, or Arrow columns.

use crate::columns::Column;
use crate::errors::{self, InvalidArgumentError};
use crate::text::Text;
use crate::{options, parallelism, PyVerdict};
use arrow_array::ffi::{to_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::types::Int8Type;
use arrow_array::{
    Array, ArrayRef, BooleanArray, DictionaryArray, Int8Array, LargeStringArray, StringArray,
    StructArray, UInt64Array,
};
use arrow_schema::{DataType, Field};
use mathb_core::{BatchError, DecidedBy, Options, Status, Verdict};
use mathb_dumps::dedupe::grade_pairs;
use mathb_dumps::pairs::read_pairs;
use mathb_dumps::FieldOverrides;
use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCapsule, PyDict, PyList};
use std::borrow::Cow;
use std::sync::Arc;

/// The verdicts of a batch, one row per (gold, completion) pair.
#[pyclass(module = "mathb._core", name = "GradedBatch")]
pub struct GradedBatch {
    /// One verdict per distinct (gold, extraction), then those the fallback settled.
    verdicts: Vec<Verdict>,
    /// Per row, its verdict's index in `verdicts`.
    of: Vec<u32>,
    /// Per row, the 1-based line of its record (JSON Lines input only).
    lines: Option<Vec<u64>>,
    /// The rows the core left undecided, with their (encoded) golds, for the fallback.
    undecided: Vec<(usize, String)>,
}

/// Runs `work` on `threads` threads (None: rayon's global pool).
fn on_threads<T: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> T + Send,
) -> Result<T, BatchError> {
    match threads {
        None => Ok(work()),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map(|pool| pool.install(work))
            .map_err(|e| BatchError::Threads(format!("could not start {n} threads: {e}"))),
    }
}

fn thread_count(threads: Option<i64>) -> PyResult<Option<usize>> {
    let threads = match threads {
        Some(n) if n < 1 => {
            return Err(InvalidArgumentError::new_err(format!(
                "threads must be at least 1, not {n}"
            )))
        }
        Some(n) => Some(options::to_u32(n, "threads")? as usize),
        None => None,
    };
    Ok(parallelism::effective_threads(threads))
}

impl GradedBatch {
    /// Grades `golds[i]` (encoded, see `mathb_core::gold`) against `completions[i]`, each
    /// distinct (gold, extraction) once.
    fn grade(
        golds: &[Cow<'_, str>],
        completions: &[&str],
        opts: &Options,
        threads: Option<usize>,
    ) -> Result<GradedBatch, BatchError> {
        let pairs: Vec<(&str, &str)> = golds
            .iter()
            .map(|g| g.as_ref())
            .zip(completions.iter().copied())
            .collect();
        let (verdicts, of) = on_threads(threads, || grade_pairs(&pairs, opts))?;
        let undecided = (0..pairs.len())
            .filter(|&i| verdicts[of[i] as usize].status == Status::Undecided)
            .map(|i| (i, pairs[i].0.to_owned()))
            .collect();
        Ok(GradedBatch {
            verdicts,
            of,
            lines: None,
            undecided,
        })
    }

    fn row(&self, i: usize) -> &Verdict {
        &self.verdicts[self.of[i] as usize]
    }
}

fn plain(gold: &str) -> Cow<'_, str> {
    match mathb_core::gold::is_encoded(gold) {
        true => Cow::Owned(mathb_core::gold::plain(gold.to_owned())),
        false => Cow::Borrowed(gold),
    }
}

fn length_error(golds: usize, completions: usize) -> PyErr {
    InvalidArgumentError::new_err(format!(
        "golds and completions differ in length: {golds} golds, {completions} completions"
    ))
}

/// The rows of a batch argument: an Arrow column, or a list of strings.
enum Rows {
    Arrow(Column),
    List(Vec<String>),
}

impl Rows {
    fn read(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Rows> {
        if crate::columns::is_arrow(obj) {
            let column = Column::import(obj, name)?;
            if let Some(row) = column.first_null() {
                return Err(InvalidArgumentError::new_err(format!(
                    "{name}[{row}] is null; it must be a string"
                )));
            }
            return Ok(Rows::Arrow(column));
        }
        let list: Vec<Text> = obj.extract()?;
        Ok(Rows::List(list.into_iter().map(|t| t.0).collect()))
    }

    fn strs(&self) -> Vec<&str> {
        match self {
            Rows::Arrow(column) => column.rows(),
            Rows::List(list) => list.iter().map(String::as_str).collect(),
        }
    }

    /// The rows as golds the core grades: Arrow strings are plain golds (one that reads as
    /// an encoding is carried as one, see `gold::plain`); a list's are already encoded.
    fn golds(&self) -> Vec<Cow<'_, str>> {
        match self {
            Rows::Arrow(column) => column.rows().into_iter().map(plain).collect(),
            Rows::List(list) => list.iter().map(|g| Cow::Borrowed(g.as_str())).collect(),
        }
    }
}

/// Grades Arrow columns (or lists) of golds and completions; see `mathb.grade_batch`.
#[pyfunction]
#[pyo3(signature = (golds, completions, *, threads = None, **options))]
pub fn grade_columns(
    py: Python<'_>,
    golds: &Bound<'_, PyAny>,
    completions: &Bound<'_, PyAny>,
    threads: Option<i64>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<GradedBatch> {
    let opts = options::from_kwargs(options)?;
    let threads = thread_count(threads)?;
    let golds = Rows::read(golds, "golds")?;
    let completions = Rows::read(completions, "completions")?;
    let (golds, completions) = (golds.golds(), completions.strs());
    if golds.len() != completions.len() {
        return Err(length_error(golds.len(), completions.len()));
    }
    // The imported buffers stay alive (and are released) while the GIL is held.
    py.detach(|| GradedBatch::grade(&golds, &completions, &opts, threads))
        .map_err(errors::batch_error)
}

/// Grades the records of bytes of JSON Lines; see `mathb.grade_batch`.
#[pyfunction]
#[pyo3(signature = (data, *, gold_field = None, completion_field = None, threads = None, **options))]
pub fn grade_jsonl(
    py: Python<'_>,
    data: &Bound<'_, PyBytes>,
    gold_field: Option<String>,
    completion_field: Option<String>,
    threads: Option<i64>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<GradedBatch> {
    let opts = options::from_kwargs(options)?;
    let threads = thread_count(threads)?;
    let given = FieldOverrides {
        gold: gold_field,
        completion: completion_field,
        ..FieldOverrides::default()
    };
    // The bytes object is immutable and held here: read in place with the GIL released.
    let bytes = data.as_bytes();
    let read = py.detach(|| on_threads(threads, || read_pairs(bytes, &given, "<bytes>")));
    let pairs = read
        .map_err(errors::batch_error)?
        .map_err(|e| errors::input_file_error(py, &e))?;
    let golds: Vec<Cow<'_, str>> = pairs
        .record
        .iter()
        .map(|&r| Cow::Borrowed(pairs.golds[r as usize].as_str()))
        .collect();
    let completions: Vec<&str> = pairs.completions.iter().map(String::as_str).collect();
    let mut graded = py
        .detach(|| GradedBatch::grade(&golds, &completions, &opts, threads))
        .map_err(errors::batch_error)?;
    graded.lines = Some(pairs.lines);
    Ok(graded)
}

/// A status's code: its index in `Status::ALL` (`STATUS_CODES` in Python).
fn code(status: Status) -> u8 {
    Status::ALL.iter().position(|&s| s == status).unwrap_or(0) as u8
}

#[pymethods]
impl GradedBatch {
    fn __len__(&self) -> usize {
        self.of.len()
    }

    /// One Verdict per row.
    fn verdicts(&self) -> Vec<PyVerdict> {
        (0..self.of.len())
            .map(|i| PyVerdict {
                inner: self.row(i).clone(),
            })
            .collect()
    }

    /// (rows, golds, verdicts) of the rows the core left undecided.
    fn undecided(&self) -> (Vec<usize>, Vec<String>, Vec<PyVerdict>) {
        let rows = self.undecided.iter().map(|u| u.0).collect();
        let golds = self.undecided.iter().map(|u| u.1.clone()).collect();
        let verdicts = self
            .undecided
            .iter()
            .map(|u| PyVerdict {
                inner: self.row(u.0).clone(),
            })
            .collect();
        (rows, golds, verdicts)
    }

    /// Replaces the verdicts of `rows` (the fallback's).
    fn settle(&mut self, rows: Vec<usize>, verdicts: &Bound<'_, PyList>) -> PyResult<()> {
        if rows.len() != verdicts.len() {
            return Err(InvalidArgumentError::new_err(
                "rows and verdicts differ in length",
            ));
        }
        for (row, verdict) in rows.into_iter().zip(verdicts.iter()) {
            let verdict = verdict.cast::<PyVerdict>()?.get().inner.clone();
            if row >= self.of.len() {
                return Err(InvalidArgumentError::new_err(format!("no row {row}")));
            }
            self.of[row] = self.verdicts.len() as u32;
            self.verdicts.push(verdict);
        }
        Ok(())
    }

    /// Per row, its status's code (an index into `STATUS_CODES`).
    fn status_codes<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u8>> {
        let codes: Vec<u8> = self.verdicts.iter().map(|v| code(v.status)).collect();
        let rows: Vec<u8> = self.of.iter().map(|&i| codes[i as usize]).collect();
        rows.into_pyarray(py)
    }

    /// The columns (status, correct, decided_by, extracted, reason, and line for JSON Lines
    /// input) as an Arrow struct array, through the PyCapsule interface.
    fn columns(&self) -> PyResult<ArrowColumns> {
        let array = self
            .struct_array()
            .map_err(|e| errors::CoreError(e.to_string()))?;
        Ok(ArrowColumns { array })
    }
}

impl GradedBatch {
    fn struct_array(&self) -> Result<StructArray, arrow_schema::ArrowError> {
        let n = self.of.len();
        let dictionary = |names: Vec<&'static str>, keys: Vec<i8>| -> Result<ArrayRef, _> {
            let values: ArrayRef = Arc::new(StringArray::from(names));
            DictionaryArray::<Int8Type>::try_new(Int8Array::from(keys), values)
                .map(|d| Arc::new(d) as ArrayRef)
        };
        let status = dictionary(
            Status::ALL.iter().map(|s| s.as_str()).collect(),
            (0..n).map(|i| code(self.row(i).status) as i8).collect(),
        )?;
        let decided_by = dictionary(
            vec![DecidedBy::Core.as_str(), DecidedBy::Fallback.as_str()],
            (0..n)
                .map(|i| (self.row(i).decided_by == DecidedBy::Fallback) as i8)
                .collect(),
        )?;
        let correct: ArrayRef = Arc::new(BooleanArray::from(
            (0..n)
                .map(|i| self.row(i).status == Status::Correct)
                .collect::<Vec<bool>>(),
        ));
        let extracted: ArrayRef = Arc::new(LargeStringArray::from(
            (0..n)
                .map(|i| self.row(i).extracted.as_deref())
                .collect::<Vec<Option<&str>>>(),
        ));
        let reason: ArrayRef = Arc::new(LargeStringArray::from(
            (0..n)
                .map(|i| self.row(i).reason.as_str())
                .collect::<Vec<&str>>(),
        ));
        let mut columns: Vec<(Arc<Field>, ArrayRef)> = vec![
            (field("status", status.data_type(), false), status),
            (field("correct", &DataType::Boolean, false), correct),
            (
                field("decided_by", decided_by.data_type(), false),
                decided_by,
            ),
            (field("extracted", &DataType::LargeUtf8, true), extracted),
            (field("reason", &DataType::LargeUtf8, false), reason),
        ];
        if let Some(lines) = &self.lines {
            let lines: ArrayRef = Arc::new(UInt64Array::from(lines.clone()));
            columns.push((field("line", &DataType::UInt64, false), lines));
        }
        Ok(StructArray::from(columns))
    }
}

fn field(name: &str, data_type: &DataType, nullable: bool) -> Arc<Field> {
    Arc::new(Field::new(name, data_type.clone(), nullable))
}

/// Verdict columns as one Arrow struct array (a record batch's layout), exported through
/// the Arrow PyCapsule interface: `pyarrow.record_batch(columns)`, `polars.DataFrame(...)`.
#[pyclass(module = "mathb._core", name = "ArrowColumns", frozen)]
pub struct ArrowColumns {
    array: StructArray,
}

#[pymethods]
impl ArrowColumns {
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<(Bound<'py, PyCapsule>, Bound<'py, PyCapsule>)> {
        // The schema is the one this object has; a requested one is a hint (the protocol
        // lets a producer ignore it).
        let _ = requested_schema;
        let (array, schema): (FFI_ArrowArray, FFI_ArrowSchema) =
            to_ffi(&self.array.to_data()).map_err(|e| errors::CoreError(e.to_string()))?;
        Ok((
            PyCapsule::new_with_value(py, schema, c"arrow_schema")?,
            PyCapsule::new_with_value(py, array, c"arrow_array")?,
        ))
    }

    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let schema = FFI_ArrowSchema::try_from(self.array.data_type())
            .map_err(|e| errors::CoreError(e.to_string()))?;
        PyCapsule::new_with_value(py, schema, c"arrow_schema")
    }

    fn __len__(&self) -> usize {
        self.array.len()
    }
}
