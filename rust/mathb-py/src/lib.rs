//! `mathb._core`: Python bindings of mathb-core. Conversions, GIL release and error mapping
//! only; the grading logic lives in mathb-core.

mod columnar;
mod columns;
mod errors;
mod explain;
mod golds;
mod majority;
mod options;
mod panics;
mod parallelism;
mod stream;
mod text;

use errors::CoreError;
use text::Text;

// Grading allocates and frees many small strings on every thread at once; with mimalloc's
// thread-local heaps `mathb grade` spends about a tenth less CPU time than with glibc's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use mathb_core::{DecidedBy, Status};
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

/// The verdict on one answer.
#[pyclass(frozen, eq, module = "mathb._core", name = "Verdict")]
#[derive(Clone, PartialEq)]
struct PyVerdict {
    inner: mathb_core::Verdict,
}

#[pymethods]
impl PyVerdict {
    /// "correct", "incorrect", "no_answer" or "undecided".
    #[getter]
    fn status(&self) -> &'static str {
        self.inner.status.as_str()
    }

    #[getter]
    fn reason(&self) -> &str {
        &self.inner.reason
    }

    #[getter]
    fn extracted(&self) -> Option<&str> {
        self.inner.extracted.as_deref()
    }

    #[getter]
    fn correct(&self) -> bool {
        self.inner.status == Status::Correct
    }

    /// "core", or "fallback" when the sympy fallback settled a verdict the core left undecided.
    #[getter]
    fn decided_by(&self) -> &'static str {
        self.inner.decided_by.as_str()
    }

    /// A verdict from its fields, as `to_dict` gives them (pickling goes through it, so
    /// verdicts cross process boundaries: multiprocessing pools, Ray workers).
    #[new]
    #[pyo3(signature = (status, reason, extracted = None, decided_by = "core"))]
    fn new(
        status: &str,
        reason: &str,
        extracted: Option<String>,
        decided_by: &str,
    ) -> PyResult<PyVerdict> {
        let Some(decided_by) = DecidedBy::parse(decided_by) else {
            return Err(errors::InvalidArgumentError::new_err(format!(
                "decided_by must be 'core' or 'fallback', not {decided_by:?}"
            )));
        };
        let mut inner = mathb_core::Verdict::new(parse_status(status)?, reason, extracted);
        inner.decided_by = decided_by;
        Ok(PyVerdict { inner })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, VerdictFields)> {
        let v = slf.get();
        let args = (
            v.status().to_string(),
            v.reason().to_string(),
            v.inner.extracted.clone(),
            v.decided_by().to_string(),
        );
        Ok((slf.get_type().into_any(), args))
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (
            self.status(),
            self.reason(),
            self.extracted(),
            self.inner.decided_by,
        )
            .hash(&mut h);
        h.finish()
    }

    /// This verdict as settled by the fallback: same extracted answer, new status and reason.
    fn settled_by_fallback(&self, status: &str, reason: &str) -> PyResult<PyVerdict> {
        let mut inner =
            mathb_core::Verdict::new(parse_status(status)?, reason, self.inner.extracted.clone());
        inner.decided_by = DecidedBy::Fallback;
        Ok(PyVerdict { inner })
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("status", self.status())?;
        d.set_item("reason", self.reason())?;
        d.set_item("extracted", self.extracted())?;
        d.set_item("decided_by", self.decided_by())?;
        Ok(d)
    }

    fn __bool__(&self) -> bool {
        self.correct()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let repr = |s: Option<&str>| -> PyResult<String> {
            match s {
                Some(s) => Ok(PyString::new(py, s).repr()?.to_string()),
                None => Ok("None".to_string()),
            }
        };
        Ok(format!(
            "Verdict(status={}, reason={}, extracted={})",
            repr(Some(self.status()))?,
            repr(Some(self.reason()))?,
            repr(self.extracted())?
        ))
    }
}

/// (status, reason, extracted, decided_by): the arguments that rebuild a verdict.
type VerdictFields = (String, String, Option<String>, String);

fn parse_status(status: &str) -> PyResult<Status> {
    Status::ALL
        .into_iter()
        .find(|s| s.as_str() == status)
        .ok_or_else(|| errors::InvalidArgumentError::new_err(format!("unknown status {status:?}")))
}

fn wrap(v: mathb_core::Verdict) -> PyVerdict {
    PyVerdict { inner: v }
}

/// One pair judged by `judge` with the GIL released: the three steps every call takes
/// (owned inputs, detached core call, wrapped result).
fn judge_one(
    py: Python<'_>,
    Text(gold): Text,
    Text(text): Text,
    options: Option<&Bound<'_, PyDict>>,
    judge: fn(&str, &str, &mathb_core::Options) -> mathb_core::Verdict,
) -> PyResult<PyVerdict> {
    let opts = options::from_kwargs(options)?;
    Ok(wrap(py.detach(|| judge(&gold, &text, &opts))))
}

/// Grades a model completion against a gold answer.
#[pyfunction]
#[pyo3(signature = (gold, completion, **options))]
fn grade(
    py: Python<'_>,
    gold: Text,
    completion: Text,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<PyVerdict> {
    judge_one(py, gold, completion, options, mathb_core::grade)
}

/// Judges an already-extracted answer string against a gold answer.
#[pyfunction]
#[pyo3(signature = (gold, answer, **options))]
fn verify_answer(
    py: Python<'_>,
    gold: Text,
    answer: Text,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<PyVerdict> {
    judge_one(py, gold, answer, options, mathb_core::verify)
}

/// Grades many pairs in parallel with the GIL released.
#[pyfunction]
#[pyo3(signature = (golds, completions, *, threads = None, **options))]
fn grade_batch(
    py: Python<'_>,
    golds: Vec<Text>,
    completions: Vec<Text>,
    threads: Option<i64>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Vec<PyVerdict>> {
    let opts = options::from_kwargs(options)?;
    let threads = match threads {
        Some(n) if n < 1 => {
            return Err(errors::InvalidArgumentError::new_err(format!(
                "threads must be at least 1, not {n}"
            )))
        }
        Some(n) => Some(options::to_u32(n, "threads")? as usize),
        None => None,
    };
    let threads = parallelism::effective_threads(threads);
    let golds: Vec<String> = golds.into_iter().map(|t| t.0).collect();
    let completions: Vec<String> = completions.into_iter().map(|t| t.0).collect();
    let verdicts = py
        .detach(|| mathb_core::grade_batch(&golds, &completions, &opts, threads))
        .map_err(errors::batch_error)?;
    Ok(verdicts.into_iter().map(wrap).collect())
}

/// Extracts the final answer of a completion: (text, method) or None.
#[pyfunction]
#[pyo3(signature = (completion, *, extract = "standard"))]
fn extract_final_answer(
    completion: Text,
    extract: &str,
) -> PyResult<Option<(String, &'static str)>> {
    let mode = options::extract_mode(extract)?;
    Ok(mathb_core::extract_final_answer_with(&completion.0, mode)
        .map(|e| (e.text, e.method.as_str())))
}

/// pass@k over flat int64 arrays of equal length (broadcasting is done in Python).
#[pyfunction]
fn pass_at_k_array<'py>(
    py: Python<'py>,
    n: PyReadonlyArray1<'py, i64>,
    c: PyReadonlyArray1<'py, i64>,
    k: PyReadonlyArray1<'py, i64>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let (n, c, k) = (n.as_slice()?, c.as_slice()?, k.as_slice()?);
    if n.len() != c.len() || n.len() != k.len() {
        return Err(errors::InvalidArgumentError::new_err(
            "n, c and k differ in length",
        ));
    }
    let to_u64 = |x: i64, what: &str| -> PyResult<u64> {
        u64::try_from(x)
            .map_err(|_| errors::InvalidArgumentError::new_err(format!("{what} = {x} is negative")))
    };
    let mut out = Vec::with_capacity(n.len());
    for i in 0..n.len() {
        let (ni, ci, ki) = (to_u64(n[i], "n")?, to_u64(c[i], "c")?, to_u64(k[i], "k")?);
        out.push(mathb_core::pass_at_k(ni, ci, ki).map_err(CoreError::from)?);
    }
    Ok(out.into_pyarray(py))
}

/// Mean unbiased pass@k over problems with `n[i]` samples, `c[i]` of them correct, summed
/// the way numpy's `mean` sums (see `mathb_core::metrics::numpy_mean`).
#[pyfunction]
fn mean_pass_at_k(n: Vec<u64>, c: Vec<u64>, k: u64) -> PyResult<f64> {
    mean_over_problems(&n, &c, |ni, ci| mathb_core::pass_at_k(ni, ci, k))
}

/// Mean G-Pass@k_τ over problems (see `mathb_core::metrics::g_pass_at_k`), summed as
/// `mean_pass_at_k` sums.
#[pyfunction]
fn mean_g_pass_at_k(n: Vec<u64>, c: Vec<u64>, k: u64, tau: f64) -> PyResult<f64> {
    if !(tau > 0.0 && tau <= 1.0) {
        return Err(errors::InvalidArgumentError::new_err(format!(
            "tau = {tau} must lie in (0, 1]"
        )));
    }
    mean_over_problems(&n, &c, |ni, ci| {
        mathb_core::metrics::g_pass_at_k(ni, ci, k, tau)
    })
}

/// Mean mG-Pass@k over problems (see `mathb_core::metrics::mg_pass_at_k`).
#[pyfunction]
fn mean_mg_pass_at_k(n: Vec<u64>, c: Vec<u64>, k: u64) -> PyResult<f64> {
    mean_over_problems(&n, &c, |ni, ci| {
        mathb_core::metrics::mg_pass_at_k(ni, ci, k)
    })
}

/// Percentile-bootstrap intervals of mean pass@k over problems at each k of `ks` (see
/// `mathb_core::interval`); None where there are no problems.
#[pyfunction]
#[pyo3(signature = (n, c, ks, *, resamples = 1000, seed = 0, level = 0.95))]
fn pass_at_k_intervals(
    py: Python<'_>,
    n: Vec<u64>,
    c: Vec<u64>,
    ks: Vec<u64>,
    resamples: usize,
    seed: u64,
    level: f64,
) -> PyResult<Vec<Option<(f64, f64)>>> {
    if n.len() != c.len() {
        return Err(errors::InvalidArgumentError::new_err(
            "n and c differ in length",
        ));
    }
    if !(level > 0.0 && level < 1.0) || resamples == 0 {
        return Err(errors::InvalidArgumentError::new_err(format!(
            "level = {level} must lie in (0, 1) and resamples = {resamples} be at least 1"
        )));
    }
    py.detach(|| mathb_core::interval::pass_at_k_intervals(&n, &c, &ks, resamples, seed, level))
        .map_err(|e| CoreError::from(e).into())
}

fn mean_over_problems(
    n: &[u64],
    c: &[u64],
    metric: impl Fn(u64, u64) -> Result<f64, mathb_core::MetricError>,
) -> PyResult<f64> {
    if n.len() != c.len() {
        return Err(errors::InvalidArgumentError::new_err(
            "n and c differ in length",
        ));
    }
    let values = n
        .iter()
        .zip(c)
        .map(|(&ni, &ci)| metric(ni, ci))
        .collect::<Result<Vec<f64>, _>>()
        .map_err(CoreError::from)?;
    Ok(mathb_core::metrics::numpy_mean(&values))
}

/// Turns rayon parallelism on or off for this process (overrides MATHB_PARALLELISM).
#[pyfunction]
fn set_parallelism(enabled: bool) {
    parallelism::set_enabled(enabled);
}

#[pyfunction]
fn parallelism_enabled() -> bool {
    parallelism::is_enabled()
}

/// Cargo's version in PEP 440 form (`0.1.0-alpha.1` → `0.1.0a1`).
fn pep440_version() -> String {
    env!("CARGO_PKG_VERSION")
        .replace("-alpha.", "a")
        .replace("-beta.", "b")
        .replace("-rc.", "rc")
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    parallelism::register_fork_handler();
    parallelism::cap_from_env().map_err(pyo3::exceptions::PyValueError::new_err)?;
    panics::install_quiet_hook();
    m.add("__version__", pep440_version())?;
    m.add_class::<PyVerdict>()?;
    m.add_function(wrap_pyfunction!(grade, m)?)?;
    m.add_function(wrap_pyfunction!(verify_answer, m)?)?;
    m.add_function(wrap_pyfunction!(grade_batch, m)?)?;
    m.add_function(wrap_pyfunction!(columnar::grade_columns, m)?)?;
    m.add_function(wrap_pyfunction!(columnar::grade_jsonl, m)?)?;
    m.add_class::<columnar::GradedBatch>()?;
    m.add_class::<columnar::ArrowColumns>()?;
    let codes: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    m.add("STATUS_CODES", pyo3::types::PyTuple::new(m.py(), codes)?)?;
    m.add_function(wrap_pyfunction!(golds::encode_gold, m)?)?;
    m.add_function(wrap_pyfunction!(golds::fallback_plan, m)?)?;
    m.add_function(wrap_pyfunction!(golds::combine_fallback, m)?)?;
    m.add("GOLD_PREFIX", mathb_core::gold::PREFIX)?;
    m.add("MAX_ANSWER_CHARS", mathb_core::latex::MAX_ANSWER_CHARS)?;
    m.add("CHOICE_FIELDS", mathb_dumps::schema::CHOICE_FIELDS.to_vec())?;
    m.add("SHARD_SUFFIXES", mathb_dumps::dump::SHARD_SUFFIXES.to_vec())?;
    m.add_function(wrap_pyfunction!(stream::grade_stream, m)?)?;
    m.add("GOLD_FIELDS", mathb_dumps::schema::GOLD_FIELDS.to_vec())?;
    m.add(
        "COMPLETION_FIELDS",
        mathb_dumps::schema::COMPLETION_FIELDS.to_vec(),
    )?;
    m.add("ID_FIELDS", mathb_dumps::schema::ID_FIELDS.to_vec())?;
    m.add(
        "PROBLEM_TEXT_FIELDS",
        mathb_dumps::schema::PROBLEM_TEXT_FIELDS.to_vec(),
    )?;
    m.add_function(wrap_pyfunction!(extract_final_answer, m)?)?;
    m.add_function(wrap_pyfunction!(explain::explain, m)?)?;
    m.add_function(wrap_pyfunction!(pass_at_k_array, m)?)?;
    m.add_function(wrap_pyfunction!(majority::maj_at_k_matrix, m)?)?;
    m.add_function(wrap_pyfunction!(majority::vote_keys, m)?)?;
    m.add_function(wrap_pyfunction!(mean_pass_at_k, m)?)?;
    m.add_function(wrap_pyfunction!(mean_g_pass_at_k, m)?)?;
    m.add_function(wrap_pyfunction!(mean_mg_pass_at_k, m)?)?;
    m.add_function(wrap_pyfunction!(pass_at_k_intervals, m)?)?;
    m.add_function(wrap_pyfunction!(set_parallelism, m)?)?;
    m.add_function(wrap_pyfunction!(parallelism_enabled, m)?)?;
    errors::register(m)?;
    Ok(())
}
