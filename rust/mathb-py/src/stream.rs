//! `grade_stream`: the whole pass over a dump with the GIL released. Verdict lines go to a
//! file Rust writes in order and renames into place at the end (or, for a Python stream,
//! through its `write` once per MiB); only the per-problem counts come back, as lists.

use crate::errors::{stream_error, CoreError};
use mathb_core::{Options, Status};
use mathb_dumps::duplicates::Duplicates;
use mathb_dumps::id_pattern::IdPattern;
use mathb_dumps::review::{LineKinds, ReviewOptions};
use mathb_dumps::{FieldOverrides, OnError, Progress, StreamError, StreamOptions, VerdictFile};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use std::collections::HashMap;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// A Python binary stream as a `Write`; the GIL is taken once per buffered MiB.
struct PyStream {
    stream: Py<PyAny>,
    error: Option<PyErr>,
}

/// Bytes handed to the Python stream per call: a chunk's verdict lines (tens of MiB for
/// long list rows) are passed in pieces, not copied whole into one `bytes` object.
const PY_WRITE_BYTES: usize = 1 << 20;

impl Write for PyStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let buf = &buf[..buf.len().min(PY_WRITE_BYTES)];
        Python::attach(|py| {
            let bytes = PyBytes::new(py, buf);
            match self.stream.bind(py).call_method1("write", (bytes,)) {
                Ok(_) => Ok(buf.len()),
                Err(e) => {
                    self.error = Some(e);
                    Err(io::Error::other("the output stream failed"))
                }
            }
        })
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A status from its name, as Python's `Verdict.status` spells it.
fn status_of(name: &str) -> Option<Status> {
    Status::ALL.into_iter().find(|s| s.as_str() == name)
}

/// Grades every sample of the dump(s) `spec` names; see `mathb.grading.grade_file`.
#[pyfunction]
#[allow(clippy::too_many_arguments)] // one keyword argument per option of the run
#[pyo3(signature = (spec, output = None, *, gold_field = None, completion_field = None, id_field = None, choices_field = None, answers = None, threads = None, chunk_lines = 16384, progress = None, fallback = None, progress_interval = 0.5, on_error = "stop", resume = false, duplicates = "first", limit = None, ks = Vec::new(), with_gold = false, with_completion = false, only = None, compare_field = None, disagreements = None, id_pattern = None, **options))]
pub fn grade_stream<'py>(
    py: Python<'py>,
    spec: Bound<'py, PyAny>,
    output: Option<Bound<'py, PyAny>>,
    gold_field: Option<String>,
    completion_field: Option<String>,
    id_field: Option<String>,
    choices_field: Option<String>,
    answers: Option<HashMap<String, String>>,
    threads: Option<i64>,
    chunk_lines: i64,
    progress: Option<Py<PyAny>>,
    fallback: Option<Py<PyAny>>,
    progress_interval: f64,
    on_error: &str,
    resume: bool,
    duplicates: &str,
    limit: Option<u64>,
    ks: Vec<u32>,
    with_gold: bool,
    with_completion: bool,
    only: Option<String>,
    compare_field: Option<String>,
    disagreements: Option<PathBuf>,
    id_pattern: Option<String>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    // One path, or a list of them read in turn as one dump.
    let specs: Vec<String> = match spec.extract::<String>() {
        Ok(one) => vec![one],
        Err(_) => spec.extract()?,
    };
    if specs.is_empty() {
        return Err(CoreError("no input given".into()).into());
    }
    let Some(duplicates) = Duplicates::parse(duplicates) else {
        return Err(CoreError(format!(
            "duplicates must be 'keep', 'first' or 'error', not {duplicates:?}"
        ))
        .into());
    };
    let Some(on_error) = OnError::parse(on_error) else {
        return Err(CoreError(format!(
            "on_error must be 'stop', 'skip' or 'record', not {on_error:?}"
        ))
        .into());
    };
    let grade: Options = crate::options::from_kwargs(options)?;
    let only = match only.as_deref().map(LineKinds::parse).transpose() {
        Ok(only) => only,
        Err(e) => return Err(CoreError(format!("only: {e}")).into()),
    };
    if only.is_some() && resume {
        return Err(CoreError(
            "resume continues a file of every verdict line; it cannot with only".into(),
        )
        .into());
    }
    let id_pattern = match id_pattern.as_deref().map(IdPattern::parse).transpose() {
        Ok(p) => p,
        Err(e) => return Err(CoreError(e).into()),
    };
    if disagreements.is_some() && compare_field.is_none() {
        return Err(CoreError("disagreements are written with compare_field only".into()).into());
    }
    let threads = match threads {
        Some(n) if n < 1 => {
            return Err(CoreError(format!("threads must be at least 1, not {n}")).into())
        }
        Some(n) => Some(usize::try_from(n).unwrap_or(usize::MAX)),
        None => None,
    };
    if chunk_lines < 1 {
        return Err(CoreError("chunk_lines must be at least 1".into()).into());
    }
    if !(progress_interval.is_finite() && progress_interval >= 0.0) {
        return Err(CoreError("progress_interval must be a non-negative number".into()).into());
    }
    let opts = StreamOptions {
        fields: FieldOverrides {
            gold: gold_field,
            completion: completion_field,
            problem_id: id_field,
            choices: choices_field,
            answers_by_id: answers.is_some(),
            id_pattern,
        },
        answers: answers.map(Arc::new),
        threads: crate::parallelism::effective_threads(threads),
        chunk_lines: chunk_lines as usize,
        grade,
        progress_interval: Duration::from_secs_f64(progress_interval),
        on_error,
        duplicates,
        limit,
        maj_ks: ks,
        review: ReviewOptions {
            with_gold,
            with_completion,
            only,
            compare_field,
        },
    };
    let mut apart = match &disagreements {
        Some(path) => Some(BufWriter::new(std::fs::File::create(path)?)),
        None => None,
    };
    enum Sink {
        None,
        File(VerdictFile),
        Stream(PyStream),
    }
    let mut sink = match &output {
        None => Sink::None,
        Some(o) if o.hasattr("write")? => Sink::Stream(PyStream {
            stream: o.clone().unbind(),
            error: None,
        }),
        Some(o) => {
            let path: PathBuf = o.extract()?;
            Sink::File(VerdictFile::create(&path, resume)?)
        }
    };
    if resume && !matches!(sink, Sink::File(_)) {
        return Err(
            CoreError("resume needs the path of the verdicts file as output".into()).into(),
        );
    }
    let mut callback_error: Option<PyErr> = None;
    // A failing fallback callback fails the run (nothing is committed).
    let mut fallback_error: Option<PyErr> = None;
    let result = py.detach(|| {
        let mut on_progress = |p: &Progress| -> bool {
            Python::attach(|py| {
                let outcome = py.check_signals().and_then(|_| match &progress {
                    Some(cb) => cb
                        .call1(
                            py,
                            (p.samples, p.bytes_read, p.bytes_total, p.counts.to_vec()),
                        )
                        .map(|_| ()),
                    None => Ok(()),
                });
                match outcome {
                    Ok(()) => true,
                    Err(e) => {
                        callback_error = Some(e);
                        false
                    }
                }
            })
        };
        let mut buffered;
        let mut log = None;
        let out: Option<&mut dyn Write> = match &mut sink {
            Sink::None => None,
            Sink::File(f) => {
                log = f.take_log();
                Some(f)
            }
            Sink::Stream(s) => {
                buffered = BufWriter::with_capacity(1 << 20, s);
                Some(&mut buffered)
            }
        };
        let mut queue = fallback.as_ref().map(|cb| PyFallbackQueue {
            fallback: cb,
            error: &mut fallback_error,
            sizes: Vec::new(),
        });
        let fallback_fn: Option<mathb_dumps::Fallback<'_>> =
            queue.as_mut().map(|q| q as mathb_dumps::Fallback<'_>);
        let specs: Vec<&str> = specs.iter().map(String::as_str).collect();
        let apart = apart.as_mut().map(|w| w as &mut dyn Write);
        let result = mathb_dumps::stream::grade_stream_reviewing(
            &specs,
            out,
            apart,
            &opts,
            &mut on_progress,
            fallback_fn,
            log.as_mut(),
        );
        (result, log)
    });
    let (result, log) = result;
    if let Sink::File(f) = &mut sink {
        f.put_log(log);
    }
    let stopped = matches!(result, Err(StreamError::Stopped));
    if (result.is_err() || fallback_error.is_some()) && matches!(sink, Sink::File(_)) {
        if let Sink::File(f) = std::mem::replace(&mut sink, Sink::None) {
            f.abandon(stopped);
        }
    }
    if let Some(e) = fallback_error {
        return Err(e);
    }
    let summary = match result {
        Ok(s) => s,
        Err(StreamError::Stopped) => {
            return Err(callback_error.unwrap_or_else(|| stream_error(py, StreamError::Stopped)))
        }
        Err(StreamError::Output(e)) => {
            if let Sink::Stream(PyStream {
                error: Some(err), ..
            }) = sink
            {
                return Err(err);
            }
            return Err(e.into());
        }
        Err(e) => return Err(stream_error(py, e)),
    };
    if let Sink::File(f) = sink {
        f.commit()?;
    }
    let d = PyDict::new(py);
    let fields = PyDict::new(py);
    fields.set_item("gold", &summary.fields.gold)?;
    fields.set_item("completion", &summary.fields.completion)?;
    fields.set_item("problem_id", &summary.fields.problem_id)?;
    fields.set_item("problem_text", &summary.fields.problem_text)?;
    fields.set_item("grouping", summary.fields.grouping().as_str())?;
    d.set_item("records", summary.records)?;
    d.set_item("skipped_records", summary.skipped)?;
    d.set_item("error_records", summary.errors.count)?;
    d.set_item("errors", summary.errors.first.clone())?;
    d.set_item("resumed_lines", summary.resumed_lines)?;
    d.set_item("fallback_sent", summary.fallback_sent)?;
    d.set_item("fallback_settled", summary.fallback_settled)?;
    d.set_item("duplicates", summary.duplicates)?;
    d.set_item("duplicate_notes", summary.duplicate_notes.clone())?;
    d.set_item("multi_file", summary.multi_file)?;
    d.set_item("model", &summary.model)?;
    fields.set_item("lm_eval_filter", &summary.fields.lm_eval_filter)?;
    fields.set_item("choices", &summary.fields.choices)?;
    d.set_item("fields", fields)?;
    let counts = PyDict::new(py);
    for (status, count) in mathb_core::Status::ALL.iter().zip(summary.tally.counts) {
        counts.set_item(status.as_str(), count)?;
    }
    d.set_item("counts", counts)?;
    d.set_item("internal_errors", summary.tally.internal_errors)?;
    let why = PyDict::new(py);
    for (kind, count) in mathb_core::no_answer::NoAnswerKind::ALL
        .iter()
        .zip(summary.tally.no_answer_kinds)
    {
        why.set_item(kind.as_str(), count)?;
    }
    d.set_item("no_answer_reasons", why)?;
    if let Some(field) = &opts.review.compare_field {
        let c = &summary.comparison;
        let compared = PyDict::new(py);
        compared.set_item("field", field)?;
        compared.set_item("both_correct", c.both_correct)?;
        compared.set_item("both_incorrect", c.both_incorrect)?;
        compared.set_item("only_previous", c.only_previous)?;
        compared.set_item("only_mathb", c.only_mathb)?;
        compared.set_item("undecided", c.undecided)?;
        compared.set_item("missing", c.missing)?;
        compared.set_item("compared", c.compared())?;
        d.set_item("comparison", compared)?;
    }
    // Lists, not numpy arrays: a run then never imports numpy, which takes longer to
    // load than grading a small dump.
    let tally = summary.tally;
    let maj = PyDict::new(py);
    for (k, mean) in tally.maj_at_k() {
        maj.set_item(k, mean)?;
    }
    d.set_item("maj_at_k", maj)?;
    d.set_item("n", tally.n)?;
    d.set_item("c", tally.c)?;
    Ok(d)
}

/// The Python fallback of a run (`grading._FallbackRound`): `submit(pairs) -> ticket` queues
/// pairs without waiting, `ready(ticket) -> bool`, `collect(ticket)` returns a list of
/// (status, reason) or None per pair. Its first error is kept and fails the run.
struct PyFallbackQueue<'a> {
    fallback: &'a Py<PyAny>,
    error: &'a mut Option<PyErr>,
    /// (ticket, pairs submitted) of the tickets not collected yet.
    sizes: Vec<(u64, usize)>,
}

impl PyFallbackQueue<'_> {
    fn failed(&mut self, e: PyErr) {
        self.error.get_or_insert(e);
    }
}

impl mathb_dumps::FallbackQueue for PyFallbackQueue<'_> {
    fn submit(&mut self, pairs: &[(&str, &str)]) -> u64 {
        if self.error.is_some() {
            return 0;
        }
        let outcome = Python::attach(|py| {
            self.fallback
                .call_method1(py, "submit", (pairs.to_vec(),))
                .and_then(|t| t.extract::<u64>(py))
        });
        match outcome {
            Ok(ticket) => {
                self.sizes.push((ticket, pairs.len()));
                ticket
            }
            Err(e) => {
                self.failed(e);
                0
            }
        }
    }

    fn is_ready(&mut self, ticket: u64) -> bool {
        if self.error.is_some() {
            return true;
        }
        let outcome = Python::attach(|py| {
            self.fallback
                .call_method1(py, "ready", (ticket,))
                .and_then(|r| r.extract::<bool>(py))
        });
        outcome.unwrap_or_else(|e| {
            self.failed(e);
            true
        })
    }

    fn collect(&mut self, ticket: u64) -> Vec<mathb_dumps::Settled> {
        if self.error.is_some() {
            return Vec::new();
        }
        let outcome = Python::attach(|py| {
            self.fallback
                .call_method1(py, "collect", (ticket,))
                .and_then(|r| r.extract::<Vec<Option<(String, String)>>>(py))
        });
        let size = self.sizes.iter().position(|(t, _)| *t == ticket);
        let size = size.map(|i| self.sizes.remove(i).1);
        match outcome {
            Ok(verdicts) if Some(verdicts.len()) != size => {
                self.failed(
                    CoreError("the fallback returned a list of another length".into()).into(),
                );
                Vec::new()
            }
            Ok(verdicts) => verdicts
                .into_iter()
                .map(|v| v.and_then(|(s, reason)| Some((status_of(&s)?, reason))))
                .collect(),
            Err(e) => {
                self.failed(e);
                Vec::new()
            }
        }
    }
}
