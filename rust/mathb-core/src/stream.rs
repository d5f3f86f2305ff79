//! One pass over a dump: a reader thread decompresses and cuts lines into chunks; each chunk
//! is parsed, graded (deduplicated) and aggregated on a rayon pool, and its verdict lines
//! are written in input order. Memory is bounded by a few chunks whatever the file size,
//! and the output is the same for any thread count or chunk size.

use crate::aggregate::Tally;
use crate::cache::grade_deduped;
use crate::dump::{expand_inputs, open_input, total_size, ChunkReader, Input, LineChunk};
use crate::options::Options;
use crate::sample_fields::OnePass;
use crate::schema::{
    completion_texts, gold_text, parse_record, problem_key, ErrorCode, FieldOverrides, Fields,
    InputError, ProblemKey,
};
use crate::verdict::Status;
use rayon::prelude::*;
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
}

/// Grades every sample of the dump(s) `spec` names, writing one verdict line per sample
/// to `out` (when given) and calling `progress` now and then; `progress` returning false
/// stops the run.
pub fn grade_stream(
    spec: &str,
    mut out: Option<&mut dyn Write>,
    opts: &StreamOptions,
    progress: &mut dyn FnMut(&Progress) -> bool,
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
        one_pass: None,
        records: 0,
        problems: HashMap::new(),
        tally: Tally::default(),
        buf: Vec::with_capacity(1 << 20),
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
struct Run<'a> {
    opts: &'a StreamOptions,
    names: &'a [String],
    fields: Option<Fields>,
    /// The one-pass reader of those fields, when it applies to them.
    one_pass: Option<OnePass>,
    records: u64,
    /// Problem number and the JSON the verdicts name it by, per key (not for line grouping).
    problems: HashMap<ProblemKey, (u32, Box<str>)>,
    tally: Tally,
    /// The verdict lines of the last chunk.
    buf: Vec<u8>,
}

impl Run<'_> {
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
            self.one_pass = OnePass::new(&fields);
            self.fields = Some(fields);
        }
        let fields = self.fields.as_ref().expect("detected above");
        let one_pass = &self.one_pass;
        let parsed: Vec<Result<Parsed, InputError>> = (0..chunk.lines.len())
            .into_par_iter()
            .map(|i| {
                if let Some(f) = one_pass.as_ref().and_then(|p| p.read(chunk.line(i))) {
                    return Ok(Parsed {
                        gold: f.gold,
                        completions: f.completions,
                        key: f.key,
                    });
                }
                let record = parse_record(chunk.line(i))?;
                let gold = gold_text(&record, &fields.gold)?;
                let completions = completion_texts(&record, &fields.completion)?;
                let key = problem_key(&record, fields, &gold)?;
                Ok(Parsed {
                    gold,
                    completions,
                    key,
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
        let graded = grade_deduped(&samples, &self.opts.grade);
        // The JSON tail of each distinct verdict, escaped once.
        let tails: Vec<Vec<u8>> = graded.verdicts.par_iter().map(verdict_tail).collect();
        self.buf.clear();
        let mut s = 0;
        for (i, r) in records.iter().enumerate() {
            let line = chunk.lines[i].0;
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
fn verdict_tail(v: &crate::verdict::Verdict) -> Vec<u8> {
    let extracted = match &v.extracted {
        Some(e) => json_string(e),
        None => "null".into(),
    };
    format!(
        "\"status\":\"{}\",\"reason\":{},\"extracted\":{}}}\n",
        v.status.as_str(),
        json_string(&v.reason),
        extracted
    )
    .into_bytes()
}

/// The tail of an undecided verdict: the usual fields and `"gold"`.
fn undecided_tail(v: &crate::verdict::Verdict, gold: &str) -> Vec<u8> {
    let mut tail = verdict_tail(v);
    tail.truncate(tail.len() - 2); // "}\n"
    tail.extend_from_slice(format!(",\"gold\":{}}}\n", json_string(gold)).as_bytes());
    tail
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
