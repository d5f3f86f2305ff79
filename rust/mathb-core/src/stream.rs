//! One pass over a dump: a reader thread decompresses and cuts lines into chunks; each chunk
//! is parsed, graded (deduplicated) and aggregated on a rayon pool, and its verdict lines
//! are written in input order. Memory is bounded by a few chunks whatever the file size,
//! and the output is the same for any thread count or chunk size.

use crate::aggregate::Tally;
use crate::cache::grade_deduped;
use crate::dump::{expand_inputs, open_input, total_size, ChunkReader, Input, LineChunk};
use crate::options::Options;
use crate::schema::{
    completion_texts, gold_text, parse_record, problem_key, ErrorCode, FieldOverrides, Fields,
    InputError, ProblemKey, Record,
};
use crate::verdict::Status;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// Lines per chunk by default: large enough to keep every core busy, small enough that a
/// chunk of 1000-sample list rows still fits comfortably in memory.
pub const DEFAULT_CHUNK_LINES: usize = 16_384;

#[derive(Clone, Debug)]
pub struct StreamOptions {
    pub fields: FieldOverrides,
    /// Grading threads; None = all cores.
    pub threads: Option<usize>,
    pub chunk_lines: usize,
    pub grade: Options,
    /// Gold answers by problem id, for dumps that hold none (`FieldOverrides::answers_by_id`).
    pub answers: Option<Arc<HashMap<String, String>>>,
    /// Least time between two progress reports (the last one is always made).
    pub progress_interval: Duration,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            fields: FieldOverrides::default(),
            threads: None,
            chunk_lines: DEFAULT_CHUNK_LINES,
            grade: Options::default(),
            answers: None,
            progress_interval: Duration::from_millis(500),
        }
    }
}

/// How far a run is.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    pub samples: u64,
    /// Bytes read from disk (compressed size for compressed inputs).
    pub bytes_read: u64,
    /// Total size of the inputs when known (regular files), for an ETA.
    pub bytes_total: Option<u64>,
    /// Samples per status, in `Status::ALL` order.
    pub counts: [u64; 4],
}

/// What a finished run knows: sizes, fields, and per-problem counts (first-appearance order).
pub struct Summary {
    pub records: u64,
    /// Records reported as skipped rather than graded.
    pub skipped: u64,
    /// Samples sent to the settle callback, and those it settled.
    pub fallback_sent: u64,
    pub fallback_settled: u64,
    pub fields: Fields,
    pub tally: Tally,
}

#[derive(Debug)]
pub enum StreamError {
    /// A malformed input, with the offending line's bytes when there is one.
    Input(InputError, Option<Vec<u8>>),
    /// The verdicts could not be written.
    Output(io::Error),
    /// The progress callback asked to stop (e.g. Ctrl-C seen by the caller).
    Stopped,
    Threads(String),
}

impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamError::Input(e, _) => e.fmt(f),
            StreamError::Output(e) => write!(f, "cannot write the verdicts: {e}"),
            StreamError::Stopped => f.write_str("stopped"),
            StreamError::Threads(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for StreamError {}

impl From<InputError> for StreamError {
    fn from(e: InputError) -> Self {
        StreamError::Input(e, None)
    }
}

/// A record after parsing, before grading.
struct Parsed {
    gold: String,
    completions: Vec<String>,
    key: ProblemKey,
    /// Why the record is not graded (its samples are graded on another line).
    skipped: Option<String>,
}

/// The gold of a problem from the answers table.
fn answer_of(answers: &HashMap<String, String>, key: &ProblemKey) -> Result<String, InputError> {
    let id = match key {
        ProblemKey::Str(s) | ProblemKey::Int(s) => s,
        _ => unreachable!("answers are looked up by problem id"),
    };
    answers.get(id).cloned().ok_or_else(|| {
        InputError::new(
            ErrorCode::MissingField,
            format!("problem id '{id}' is not in the answers table"),
            "every problem of the dump needs a row in --answers",
        )
    })
}

/// An lm-eval record written for another filter than the one graded: the same samples again.
fn other_filter(record: &Record<'_>, graded: &str) -> Option<String> {
    match record.resolve("filter") {
        Some(Value::String(f)) if f != graded => Some(format!(
            "lm-eval filter '{f}' repeats the samples graded under filter '{graded}'"
        )),
        _ => None,
    }
}

/// Settles undecided verdicts during a run: given distinct (gold, extracted answer) pairs,
/// returns for each the verdict that replaces it (status, reason), or None to keep it
/// undecided.
pub type Settle<'a> = &'a mut (dyn SettleFn + 'a);

/// The function behind [`Settle`].
pub trait SettleFn: FnMut(&[(&str, &str)]) -> Vec<Option<(Status, String)>> + Send {}
impl<F: FnMut(&[(&str, &str)]) -> Vec<Option<(Status, String)>> + Send> SettleFn for F {}

/// Grades every sample of the dump(s) `spec` names, writing one verdict line per sample
/// to `out` (when given) and calling `progress` now and then; `progress` returning false
/// stops the run.
pub fn grade_stream(
    spec: &str,
    out: Option<&mut dyn Write>,
    opts: &StreamOptions,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Result<Summary, StreamError> {
    grade_stream_settled(spec, out, opts, progress, None)
}

/// [`grade_stream`], with the undecided verdicts of each chunk sent to `settle` before they
/// are written and counted (their lines then say `"decided_by":"fallback"`).
pub fn grade_stream_settled(
    spec: &str,
    mut out: Option<&mut dyn Write>,
    opts: &StreamOptions,
    progress: &mut dyn FnMut(&Progress) -> bool,
    settle: Option<Settle<'_>>,
) -> Result<Summary, StreamError> {
    let inputs = expand_inputs(spec)?;
    let names: Vec<String> = inputs.iter().map(Input::display).collect();
    let bytes = Arc::new(AtomicU64::new(0));
    let mut report = Progress {
        bytes_total: total_size(&inputs),
        ..Progress::default()
    };
    let pool = build_pool(opts.threads)?;
    let (tx, rx) = mpsc::sync_channel::<Result<LineChunk, InputError>>(2);
    let reader = {
        let (bytes, chunk_lines) = (bytes.clone(), opts.chunk_lines);
        std::thread::Builder::new()
            .name("mathb-read".into())
            .spawn(move || read_all(&inputs, chunk_lines, bytes, tx))
            .map_err(|e| StreamError::Threads(format!("cannot start the reader: {e}")))?
    };
    let mut run = Run {
        opts,
        names: &names,
        fields: None,
        records: 0,
        skipped: 0,
        problems: HashMap::new(),
        tally: Tally::default(),
        buf: Vec::with_capacity(1 << 20),
        settle,
        fallback_sent: 0,
        fallback_settled: 0,
    };
    let mut last = Instant::now();
    let mut reported = None;
    let result = (|| {
        for chunk in rx.iter() {
            let chunk = chunk?;
            pool.install(|| run.chunk(&chunk))?;
            if let Some(w) = out.as_deref_mut() {
                w.write_all(&run.buf).map_err(StreamError::Output)?;
            }
            report.samples = run.tally.counts.iter().sum();
            report.counts = run.tally.counts;
            if last.elapsed() >= opts.progress_interval {
                report.bytes_read = bytes.load(Ordering::Relaxed);
                last = Instant::now();
                reported = Some(report.samples);
                if !progress(&report) {
                    return Err(StreamError::Stopped);
                }
            }
        }
        Ok(())
    })();
    drop(rx); // a reader still sending sees the channel closed and stops
    let _ = reader.join();
    result?;
    if let Some(w) = out {
        w.flush().map_err(StreamError::Output)?;
    }
    report.bytes_read = bytes.load(Ordering::Relaxed);
    if reported != Some(report.samples) && !progress(&report) {
        return Err(StreamError::Stopped);
    }
    let Some(fields) = run.fields else {
        return Err(InputError::new(
            ErrorCode::NoRecords,
            "the file has no records",
            "mathb grade reads JSON Lines: one JSON object per line",
        )
        .at(spec, None)
        .into());
    };
    run.tally.close_all();
    Ok(Summary {
        records: run.records,
        skipped: run.skipped,
        fallback_sent: run.fallback_sent,
        fallback_settled: run.fallback_settled,
        fields,
        tally: run.tally,
    })
}

fn build_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, StreamError> {
    let mut builder = rayon::ThreadPoolBuilder::new().thread_name(|i| format!("mathb-grade-{i}"));
    match threads {
        Some(0) => return Err(StreamError::Threads("threads must be at least 1".into())),
        Some(n) => builder = builder.num_threads(n),
        None => {}
    }
    builder
        .build()
        .map_err(|e| StreamError::Threads(format!("cannot start the grading threads: {e}")))
}

fn read_all(
    inputs: &[Input],
    chunk_lines: usize,
    bytes: Arc<AtomicU64>,
    tx: mpsc::SyncSender<Result<LineChunk, InputError>>,
) {
    for (i, input) in inputs.iter().enumerate() {
        let opened = match open_input(input, bytes.clone()) {
            Ok(o) => o,
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        };
        let mut reader = ChunkReader::new(opened, i, input.display(), chunk_lines);
        loop {
            match reader.next_chunk() {
                Ok(None) => break,
                Ok(Some(chunk)) => {
                    if tx.send(Ok(chunk)).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            }
        }
    }
}

/// The state of a run between chunks.
struct Run<'a, 's> {
    opts: &'a StreamOptions,
    names: &'a [String],
    fields: Option<Fields>,
    records: u64,
    /// Records not graded (lm-eval lines of another filter).
    skipped: u64,
    /// Problem number and the JSON the verdicts name it by, per key (not for line grouping).
    problems: HashMap<ProblemKey, (u32, Box<str>)>,
    tally: Tally,
    /// The verdict lines of the last chunk.
    buf: Vec<u8>,
    settle: Option<Settle<'s>>,
    /// Samples whose undecided verdict went to `settle`, and those it settled.
    fallback_sent: u64,
    fallback_settled: u64,
}

impl Run<'_, '_> {
    fn chunk(&mut self, chunk: &LineChunk) -> Result<(), StreamError> {
        let name = &self.names[chunk.input];
        let fail = |i: usize, e: InputError| {
            StreamError::Input(
                e.at(name, Some(chunk.lines[i].0)),
                Some(chunk.line(i).to_vec()),
            )
        };
        if self.fields.is_none() {
            let record = parse_record(chunk.line(0)).map_err(|e| fail(0, e))?;
            let fields = Fields::detect(&record, &self.opts.fields).map_err(|e| fail(0, e))?;
            self.fields = Some(fields);
        }
        let fields = self.fields.as_ref().expect("detected above");
        let parsed: Vec<Result<Parsed, InputError>> = (0..chunk.lines.len())
            .into_par_iter()
            .map(|i| {
                let record = parse_record(chunk.line(i))?;
                if let Some(why) = fields
                    .lm_eval_filter
                    .as_deref()
                    .and_then(|f| other_filter(&record, f))
                {
                    return Ok(Parsed {
                        gold: String::new(),
                        completions: Vec::new(),
                        key: ProblemKey::Line,
                        skipped: Some(why),
                    });
                }
                let (gold, key) = match &self.opts.answers {
                    Some(answers) if fields.answers_by_id => {
                        let key = problem_key(&record, fields, "")?;
                        (answer_of(answers, &key)?, key)
                    }
                    _ => {
                        let gold = gold_text(&record, &fields.gold)?;
                        let key = problem_key(&record, fields, &gold)?;
                        (gold, key)
                    }
                };
                let completions = completion_texts(&record, &fields.completion)?;
                Ok(Parsed {
                    gold,
                    completions,
                    key,
                    skipped: None,
                })
            })
            .collect();
        let mut records = Vec::with_capacity(parsed.len());
        for (i, p) in parsed.into_iter().enumerate() {
            records.push(p.map_err(|e| fail(i, e))?);
        }
        // Problems are numbered and samples indexed in input order, serially.
        let mut where_: Vec<(u32, u32)> = Vec::new(); // (problem, sample_idx) per sample
        let mut problem_names: Vec<Box<str>> = Vec::with_capacity(records.len());
        let mut line_problems: Vec<u32> = Vec::new();
        for (i, r) in records.iter().enumerate() {
            let line = chunk.lines[i].0;
            if r.skipped.is_some() {
                problem_names.push(Box::from(""));
                continue;
            }
            let (problem, pname) = match &r.key {
                ProblemKey::Line => {
                    let p = self.tally.new_problem();
                    line_problems.push(p);
                    (p, line.to_string().into_boxed_str())
                }
                key => {
                    let tally = &mut self.tally;
                    let (p, pname) = self.problems.entry(key.clone()).or_insert_with(|| {
                        let p = tally.new_problem();
                        (p, problem_name(key, line))
                    });
                    (*p, pname.clone())
                }
            };
            problem_names.push(pname);
            for _ in &r.completions {
                where_.push((problem, self.tally.next_sample(problem)));
            }
        }
        let samples: Vec<(&str, &str)> = records
            .iter()
            .flat_map(|r| r.completions.iter().map(|c| (r.gold.as_str(), c.as_str())))
            .collect();
        let mut graded = grade_deduped(&samples, &self.opts.grade);
        let (asked, settled) = match self.settle.as_mut() {
            Some(settle) => settle_undecided(&mut graded, &samples, &mut **settle),
            None => (Vec::new(), Vec::new()),
        };
        for &j in &graded.of {
            self.fallback_sent += u64::from(asked.get(j as usize) == Some(&true));
            self.fallback_settled += u64::from(settled.get(j as usize) == Some(&true));
        }
        // The JSON tail of each distinct verdict, escaped once.
        let tails: Vec<Vec<u8>> = graded
            .verdicts
            .par_iter()
            .enumerate()
            .map(|(j, v)| verdict_tail(v, settled.get(j).copied().unwrap_or(false)))
            .collect();
        self.buf.clear();
        let mut s = 0;
        for (i, r) in records.iter().enumerate() {
            let line = chunk.lines[i].0;
            if let Some(why) = &r.skipped {
                self.skipped += 1;
                let _ = writeln!(
                    self.buf,
                    "{{\"line\":{line},\"status\":\"skipped\",\"reason\":{}}}",
                    json_string(why)
                );
                continue;
            }
            for _ in &r.completions {
                let (problem, sample_idx) = where_[s];
                let v = &graded.verdicts[graded.of[s] as usize];
                self.tally.add(problem, v.status, graded.votes[s]);
                let _ = write!(
                    self.buf,
                    "{{\"line\":{line},\"problem_id\":{},\"sample_idx\":{sample_idx},",
                    problem_names[i]
                );
                if v.status == Status::Undecided {
                    // An undecided verdict carries its gold, so a fallback (or a reader) can
                    // settle it from the verdict file alone.
                    self.buf.extend_from_slice(&undecided_tail(v, samples[s].0));
                } else {
                    self.buf.extend_from_slice(&tails[graded.of[s] as usize]);
                }
                s += 1;
            }
        }
        for p in line_problems {
            self.tally.close(p);
        }
        self.records += records.len() as u64;
        Ok(())
    }
}

fn problem_name(key: &ProblemKey, line: u64) -> Box<str> {
    match key {
        ProblemKey::Str(s) => json_string(s),
        ProblemKey::Int(digits) => digits.clone().into_boxed_str(),
        ProblemKey::Text(_) | ProblemKey::Line => line.to_string().into_boxed_str(),
    }
}

fn json_string(s: &str) -> Box<str> {
    serde_json::to_string(s)
        .unwrap_or_else(|_| "null".into())
        .into_boxed_str()
}

/// `"status":…,"reason":…,"extracted":…}` and the newline.
fn verdict_tail(v: &crate::verdict::Verdict, settled: bool) -> Vec<u8> {
    let extracted = match &v.extracted {
        Some(e) => json_string(e),
        None => "null".into(),
    };
    let by = if settled {
        ",\"decided_by\":\"fallback\""
    } else {
        ""
    };
    format!(
        "\"status\":\"{}\",\"reason\":{},\"extracted\":{}{by}}}\n",
        v.status.as_str(),
        json_string(&v.reason),
        extracted
    )
    .into_bytes()
}

/// Sends the chunk's distinct undecided (gold, extracted) pairs to `settle` and applies its
/// verdicts; returns, per distinct verdict, whether it was sent and whether it was settled.
fn settle_undecided(
    graded: &mut crate::cache::Graded,
    samples: &[(&str, &str)],
    settle: &mut dyn SettleFn,
) -> (Vec<bool>, Vec<bool>) {
    let mut settled = vec![false; graded.verdicts.len()];
    // The first sample of each undecided verdict gives its gold.
    let mut asked = vec![false; graded.verdicts.len()];
    let mut todo: Vec<(usize, &str)> = Vec::new();
    for (s, &j) in graded.of.iter().enumerate() {
        let j = j as usize;
        let v = &graded.verdicts[j];
        if v.status == Status::Undecided && v.extracted.is_some() && !asked[j] {
            asked[j] = true;
            todo.push((j, samples[s].0));
        }
    }
    if todo.is_empty() {
        return (asked, settled);
    }
    let pairs: Vec<(&str, &str)> = todo
        .iter()
        .map(|&(j, gold)| (gold, graded.verdicts[j].extracted.as_deref().unwrap_or("")))
        .collect();
    let outcomes = settle(&pairs);
    for (&(j, _), outcome) in todo.iter().zip(outcomes) {
        if let Some((status, reason)) = outcome.filter(|(s, _)| *s != Status::Undecided) {
            let v = &mut graded.verdicts[j];
            v.status = status;
            v.reason = reason;
            settled[j] = true;
        }
    }
    (asked, settled)
}

/// The tail of an undecided verdict: the usual fields and `"gold"`.
fn undecided_tail(v: &crate::verdict::Verdict, gold: &str) -> Vec<u8> {
    let mut tail = verdict_tail(v, false);
    tail.truncate(tail.len() - 2); // "}\n"
    tail.extend_from_slice(format!(",\"gold\":{}}}\n", json_string(gold)).as_bytes());
    tail
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
