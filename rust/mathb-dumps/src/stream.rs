//! One pass over a dump: a reader thread decompresses and cuts lines into chunks; each chunk
//! is parsed, graded (deduplicated) and aggregated on a rayon pool, and its verdict lines
//! are written in input order. Memory is bounded by a few chunks whatever the file size,
//! and the output is the same for any thread count or chunk size.

use crate::aggregate::Tally;
use crate::chunk::{prepare, Malformed, Prepared};
use crate::chunk_grading::Run;
use crate::chunk_grading::{GradedChunk, Pending};
use crate::dump::{expand_inputs, open_input, total_size, ChunkReader, Input, LineChunk};
use crate::duplicates::Duplicates;
pub use crate::fallback_round::{Blocking, Fallback, FallbackFn, FallbackQueue, Settled};
use crate::lossy_json::lossy_line;
use crate::malformed::{ErrorLog, OnError};
use crate::resume::VerdictLog;
use crate::review::{Comparison, ReviewOptions};
use crate::sample_fields::OnePass;
use crate::schema::{parse_record, ErrorCode, FieldOverrides, Fields, InputError};
use mathb_core::options::Options;
use std::collections::HashMap;
use std::collections::VecDeque;
use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// Chunks graded by the core that may wait for the fallback while the next ones are graded;
/// with more, the oldest is waited for.
pub(crate) const FALLBACK_BACKLOG: usize = 4;

/// Lines per chunk by default: large enough to keep every core busy, small enough that a
/// chunk of 1000-sample list rows still fits comfortably in memory.
pub const DEFAULT_CHUNK_LINES: usize = 16_384;

/// What a streaming run reads and how it grades.
#[derive(Clone, Debug)]
pub struct StreamOptions {
    /// Fields named by the caller; the others are detected on the first record.
    pub fields: FieldOverrides,
    /// Grading threads; None = all cores.
    pub threads: Option<usize>,
    /// Lines per chunk (see [`DEFAULT_CHUNK_LINES`]).
    pub chunk_lines: usize,
    /// The grading options.
    pub grade: Options,
    /// Gold answers by problem id, for dumps that hold none (`FieldOverrides::answers_by_id`).
    pub answers: Option<Arc<HashMap<String, String>>>,
    /// Least time between two progress reports (the last one is always made).
    pub progress_interval: Duration,
    /// What a malformed record does to the run.
    pub on_error: OnError,
    /// What a sample seen twice (same problem, same `sample_idx`) does to the counts.
    pub duplicates: Duplicates,
    /// Grade only the first this many records (non-blank lines) of the inputs.
    pub limit: Option<u64>,
    /// k at which maj@k is scored besides the powers of two.
    pub maj_ks: Vec<u32>,
    /// What the lines show beyond the verdict, which are written, what they are compared to.
    pub review: ReviewOptions,
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
            on_error: OnError::Stop,
            duplicates: Duplicates::First,
            limit: None,
            maj_ks: Vec::new(),
            review: ReviewOptions::default(),
        }
    }
}

/// How far a run is.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    /// Samples graded so far.
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
    /// Records read, malformed ones included.
    pub records: u64,
    /// Records reported as skipped rather than graded (lm-eval lines of another filter).
    pub skipped: u64,
    /// Malformed records the run went on past (`OnError::Skip` or `Record`).
    pub errors: ErrorLog,
    /// Verdict lines of a resumed file kept as they were.
    pub resumed_lines: u64,
    /// Samples whose undecided verdict went to the fallback, and those it settled.
    pub fallback_sent: u64,
    /// Of `fallback_sent`, the samples the fallback settled.
    pub fallback_settled: u64,
    /// Samples that repeat an earlier (problem, sample_idx), and the first of their notes.
    pub duplicates: u64,
    /// The first notes on duplicates, `path:LINE` and the sample it repeats.
    pub duplicate_notes: Vec<String>,
    /// Whether the verdict lines name their file (a directory, a glob, several inputs).
    pub multi_file: bool,
    /// The fields read.
    pub fields: Fields,
    /// Per-problem counts and maj@k scores.
    pub tally: Tally,
    /// The agreement with the previous grader (`ReviewOptions::compare_field`).
    pub comparison: Comparison,
    /// The model the first record names (`dump_model`).
    pub model: Option<String>,
}

/// Why a streaming run stopped, by cause.
#[derive(Debug)]
pub enum StreamError {
    /// A malformed input: the diagnostic names the file and line.
    Input(InputError),
    /// Options that cannot be honoured (zero threads): the caller's mistake.
    Usage(String),
    /// The verdicts could not be written.
    Output(io::Error),
    /// The progress callback asked to stop (e.g. Ctrl-C seen by the caller).
    Stopped,
    /// The reader or grading threads could not be started: a failure of the system, not of
    /// the input.
    Threads(String),
}

impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamError::Input(e) => e.fmt(f),
            StreamError::Usage(e) => f.write_str(e),
            StreamError::Output(e) => write!(f, "cannot write the verdicts: {e}"),
            StreamError::Stopped => f.write_str("stopped"),
            StreamError::Threads(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for StreamError {}

impl From<InputError> for StreamError {
    fn from(e: InputError) -> Self {
        StreamError::Input(e)
    }
}

/// Grades every sample of the dump(s) `spec` names, writing one verdict line per sample
/// to `out` (when given) and calling `progress` now and then; `progress` returning false
/// stops the run.
pub fn grade_stream(
    spec: &str,
    out: Option<&mut dyn Write>,
    opts: &StreamOptions,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Result<Summary, StreamError> {
    grade_stream_with_fallback(spec, out, opts, progress, None)
}

/// [`grade_stream`], with each chunk's undecided verdicts sent to `fallback` before they are
/// written and counted (their lines then say `"decided_by":"fallback"`).
pub fn grade_stream_with_fallback(
    spec: &str,
    out: Option<&mut dyn Write>,
    opts: &StreamOptions,
    progress: &mut dyn FnMut(&Progress) -> bool,
    fallback: Option<Fallback<'_>>,
) -> Result<Summary, StreamError> {
    grade_stream_resuming(&[spec], out, opts, progress, fallback, None)
}

/// [`grade_stream_with_fallback`] over the dumps `specs` name, read as one dump in turn,
/// continuing the verdicts of an interrupted run: `log` reads back the lines its file
/// holds, and `out` appends to that file (see `resume.rs`).
pub fn grade_stream_resuming(
    specs: &[&str],
    out: Option<&mut dyn Write>,
    opts: &StreamOptions,
    progress: &mut dyn FnMut(&Progress) -> bool,
    fallback: Option<Fallback<'_>>,
    log: Option<&mut VerdictLog>,
) -> Result<Summary, StreamError> {
    grade_stream_reviewing(specs, out, None, opts, progress, fallback, log)
}

/// [`grade_stream_resuming`], writing the lines that disagree with the previous grader
/// (`ReviewOptions::compare_field`) to `disagreements` as well.
pub fn grade_stream_reviewing(
    specs: &[&str],
    mut out: Option<&mut dyn Write>,
    mut disagreements: Option<&mut dyn Write>,
    opts: &StreamOptions,
    progress: &mut dyn FnMut(&Progress) -> bool,
    mut fallback: Option<Fallback<'_>>,
    mut log: Option<&mut VerdictLog>,
) -> Result<Summary, StreamError> {
    let spec = specs.join(" ");
    let spec = spec.as_str();
    let mut inputs = Vec::new();
    for one in specs {
        inputs.extend(expand_inputs(one)?);
    }
    // One plain file (or stdin) keeps today's lines; anything else names the file per line.
    let multi_file = specs.len() != 1 || inputs.len() != 1 || {
        let one = specs[0];
        one != "-" && !std::path::Path::new(one).is_file()
    };
    let names: Vec<String> = inputs.iter().map(Input::display).collect();
    let bytes = Arc::new(AtomicU64::new(0));
    let mut report = Progress {
        bytes_total: total_size(&inputs),
        ..Progress::default()
    };
    let pool = build_pool(opts.threads)?;
    let (tx, rx) = mpsc::sync_channel::<LineChunk>(2);
    // Chunks whose lines are written go back to the reader, which refills their buffers.
    let (spare_tx, spare_rx) = mpsc::channel::<LineChunk>();
    let reader = {
        let (bytes, chunk_lines, limit) = (bytes.clone(), opts.chunk_lines, opts.limit);
        std::thread::Builder::new()
            .name("mathb-read".into())
            .spawn(move || read_all(&inputs, chunk_lines, limit, bytes, tx, spare_rx))
            .map_err(|e| StreamError::Threads(format!("cannot start the reader: {e}")))?
    };
    let answers = opts.answers.as_deref();
    let mut run = Run::default();
    run.on_error = opts.on_error;
    run.duplicates = opts.duplicates;
    run.input_names = names.clone();
    run.multi_file = multi_file;
    run.review = opts.review.clone();
    run.tally.extra_ks = opts.maj_ks.clone();
    run.tally.extra_ks.sort_unstable();
    run.tally.extra_ks.dedup();
    let stop_at_error = opts.on_error == OnError::Stop;
    let mut fields: Option<(Fields, Option<OnePass>)> = None;
    let mut model = None;
    let mut last = Instant::now();
    let mut reported = None;
    let malformed = |m: Box<Malformed>| {
        let line = (m.line > 0).then_some(m.line);
        StreamError::Input(m.error.at(&names[m.input], line))
    };
    // Each round prepares the chunk just read, grades the one prepared in the round
    // before, and writes the lines finished in the round before that: the pool works on
    // the first two while this thread writes. A graded chunk whose undecided pairs went to
    // the fallback waits in `pending` (at most `FALLBACK_BACKLOG`, oldest first) while the
    // next chunks are graded; it is counted and its lines formatted once its verdicts are in.
    let mut ahead: Option<Prepared> = None;
    let mut pending: VecDeque<Pending> = VecDeque::new();
    let mut ready: Vec<GradedChunk> = Vec::new();
    let result = (|| loop {
        let mut incoming = rx.recv().ok();
        if incoming.is_none() && ahead.is_none() && ready.is_empty() && pending.is_empty() {
            return Ok(());
        }
        // A chunk read before the fields are known picks them; one with no record to pick
        // them from (all malformed, when the run goes on past them) is prepared as errors
        // and graded in this same round. (No chunk is ahead then: only a chunk prepared
        // with fields can be.)
        if let (Some(chunk), None) = (&incoming, &fields) {
            if model.is_none() {
                model = crate::dump_model::chunk_model(chunk);
            }
            match detect_fields(chunk, &opts.fields, stop_at_error).map_err(malformed)? {
                Ok(detected) => {
                    // The one-pass reader reads no field beyond those graded.
                    let one_pass =
                        OnePass::new(&detected).filter(|_| opts.review.compare_field.is_none());
                    fields = Some((detected, one_pass));
                }
                Err(errors) => {
                    let chunk = incoming.take().expect("a chunk");
                    debug_assert!(ahead.is_none(), "no chunk is prepared before the fields");
                    ahead = Some(Prepared::unreadable(chunk, errors));
                }
            }
        }
        let to_grade = match ahead.take() {
            Some(p) => match stop_at_error.then(|| p.first_error(&names[p.chunk.input])) {
                // What precedes a malformed record is written before it is reported.
                Some(Some(m)) => {
                    let fallback = fallback.as_deref_mut();
                    finish_due(&mut run, &mut pending, &mut ready, fallback, true);
                    if let Some(w) = out.as_deref_mut() {
                        ready.iter().try_for_each(|(_, b)| write_blocks(w, b))?;
                    }
                    return Err(malformed(m));
                }
                _ => Some(p),
            },
            None => None,
        };
        let (mut prepared, mut finished) = (None, None);
        let mut written = Ok(());
        let (run, fields, pending) = (&mut run, &fields, &mut pending);
        let log = log.as_deref_mut();
        pool.in_place_scope(|s| {
            if let (Some(chunk), Some((f, one_pass))) = (incoming, fields) {
                s.spawn(|_| {
                    prepared = Some(prepare(
                        chunk,
                        f,
                        one_pass.as_ref(),
                        answers,
                        &opts.grade,
                        &opts.review,
                        stop_at_error,
                    ))
                });
            }
            // Nothing more to grade: the chunks still waiting for the fallback are due.
            let drain = to_grade.is_none();
            let mut fallback = fallback.as_deref_mut();
            if to_grade.is_some() || !pending.is_empty() {
                let name = to_grade.as_ref().map(|p| names[p.chunk.input].as_str());
                let (run, pending, finished) = (&mut *run, &mut *pending, &mut finished);
                s.spawn(move |_| {
                    let mut done = Vec::new();
                    let graded = match (to_grade, name) {
                        (Some(p), Some(name)) => run
                            .grade_chunk(p, name, &opts.grade, fallback.as_deref_mut(), log)
                            .map(|g| pending.push_back(g)),
                        _ => Ok(()),
                    };
                    *finished = Some(graded.map(|()| {
                        finish_due(run, pending, &mut done, fallback, drain);
                        done
                    }));
                });
            }
            if let Some(w) = out.as_deref_mut() {
                written = ready.iter().try_for_each(|(_, b)| write_blocks(w, b));
            }
        });
        written?;
        if let Some(d) = disagreements.as_deref_mut() {
            d.write_all(&run.disagreements)
                .map_err(StreamError::Output)?;
        }
        run.disagreements.clear();
        let finished = finished.transpose()?.unwrap_or_default();
        let graded = !finished.is_empty();
        for (chunk, _) in std::mem::replace(&mut ready, finished) {
            let _ = spare_tx.send(chunk);
        }
        ahead = prepared;
        report.samples = run.tally.counts.iter().sum();
        report.counts = run.tally.counts;
        if graded && last.elapsed() >= opts.progress_interval {
            report.bytes_read = bytes.load(Ordering::Relaxed);
            last = Instant::now();
            reported = Some(report.samples);
            if !progress(&report) {
                return Err(StreamError::Stopped);
            }
        }
    })();
    drop(rx); // a reader still sending sees the channel closed and stops
    let _ = reader.join();
    result?;
    if let Some(log) = log {
        log.finish(spec)?;
    }
    if let Some(w) = out {
        w.flush().map_err(StreamError::Output)?;
    }
    if let Some(d) = disagreements {
        d.flush().map_err(StreamError::Output)?;
    }
    report.bytes_read = bytes.load(Ordering::Relaxed);
    if reported != Some(report.samples) && !progress(&report) {
        return Err(StreamError::Stopped);
    }
    let fields = match fields {
        Some((fields, _)) => fields,
        // Every record was malformed (and the run went on past them).
        None if run.records > 0 => undetected(&opts.fields),
        None => {
            return Err(InputError::new(
                ErrorCode::NoRecords,
                "the file has no records",
                "mathb grade reads JSON Lines: one JSON object per line",
            )
            .at(spec, None)
            .into())
        }
    };
    pool.install(|| run.tally.close_all());
    Ok(Summary {
        records: run.records,
        skipped: run.skipped,
        errors: run.errors,
        resumed_lines: run.resumed_lines,
        fallback_sent: run.fallback_sent,
        fallback_settled: run.fallback_settled,
        duplicates: run.seen.count,
        duplicate_notes: run.seen.notes,
        multi_file,
        fields,
        tally: run.tally,
        comparison: run.comparison,
        model,
    })
}

/// Counts and formats the oldest pending chunks whose fallback verdicts are in, in order,
/// into `done`; waits for the oldest when the backlog is full, and for all with `drain`.
fn finish_due(
    run: &mut Run,
    pending: &mut VecDeque<Pending>,
    done: &mut Vec<GradedChunk>,
    mut fallback: Option<&mut (dyn FallbackQueue + '_)>,
    drain: bool,
) {
    while let Some(oldest) = pending.front() {
        let ticket = oldest.asked.as_ref().map(|a| a.ticket);
        let settled = match (ticket, fallback.as_deref_mut()) {
            (None, _) | (_, None) => Vec::new(),
            (Some(t), Some(f)) => {
                if !(drain || pending.len() > FALLBACK_BACKLOG || f.is_ready(t)) {
                    break;
                }
                f.collect(t)
            }
        };
        let oldest = pending.pop_front().expect("a pending chunk");
        done.push(run.finish_chunk(oldest, settled));
    }
}

fn write_blocks(w: &mut dyn Write, blocks: &[Vec<u8>]) -> Result<(), StreamError> {
    blocks
        .iter()
        .try_for_each(|b| w.write_all(b))
        .map_err(StreamError::Output)
}

/// The fields of the run, chosen from the first record of its first chunk; a run that goes
/// on past malformed records takes the first record they can be chosen from, and when
/// there is none in the chunk, gets each record's error (`Err` inside).
#[allow(clippy::type_complexity)] // the outer error stops the run, the inner one does not
fn detect_fields(
    chunk: &LineChunk,
    given: &FieldOverrides,
    stop_at_error: bool,
) -> Result<Result<Fields, Vec<InputError>>, Box<Malformed>> {
    let detect = |i: usize| {
        let line = lossy_line(chunk.line(i));
        parse_record(&line).and_then(|r| Fields::detect(&r, given))
    };
    if stop_at_error && !chunk.lines.is_empty() {
        return detect(0)
            .map(Ok)
            .map_err(|error| Malformed::new(chunk, 0, error));
    }
    let mut errors = Vec::new();
    for i in 0..chunk.lines.len() {
        match detect(i) {
            Ok(fields) => return Ok(Ok(fields)),
            Err(e) => errors.push(e),
        }
    }
    Ok(Err(errors))
}

/// The fields named of a run none of whose records could be read.
fn undetected(given: &FieldOverrides) -> Fields {
    let named = |f: &Option<String>| f.clone().unwrap_or_default();
    Fields {
        gold: named(&given.gold),
        completion: named(&given.completion),
        problem_id: given.problem_id.clone(),
        problem_text: None,
        lm_eval_filter: None,
        answers_by_id: given.answers_by_id,
        choices: given.choices.clone(),
        id_pattern: given.id_pattern.clone(),
    }
}

fn build_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, StreamError> {
    let mut builder = rayon::ThreadPoolBuilder::new().thread_name(|i| format!("mathb-grade-{i}"));
    match threads {
        Some(0) => return Err(StreamError::Usage("threads must be at least 1".into())),
        Some(n) => builder = builder.num_threads(n),
        None => {}
    }
    builder
        .build()
        .map_err(|e| StreamError::Threads(format!("cannot start the grading threads: {e}")))
}

/// Reads every input in turn into chunks. An input that cannot be opened, or read past
/// some line, gives a chunk carrying that `failure`, and reading goes on with the next
/// input: the run decides whether to stop there.
fn read_all(
    inputs: &[Input],
    chunk_lines: usize,
    limit: Option<u64>,
    bytes: Arc<AtomicU64>,
    tx: mpsc::SyncSender<LineChunk>,
    spare: mpsc::Receiver<LineChunk>,
) {
    let failed = |input: usize, e: InputError| {
        let mut chunk = LineChunk::default();
        chunk.input = input;
        chunk.failure = Some(e);
        chunk
    };
    // Records still to read under `--limit`.
    let mut left = limit;
    if left == Some(0) {
        return;
    }
    for (i, input) in inputs.iter().enumerate() {
        let opened = match open_input(input, bytes.clone()) {
            Ok(o) => o,
            Err(e) => {
                if tx.send(failed(i, e)).is_err() {
                    return;
                }
                continue;
            }
        };
        let mut reader = ChunkReader::new(opened, i, input.display(), chunk_lines);
        loop {
            let mut chunk = match reader.next_chunk(spare.try_recv().ok()) {
                Ok(None) => break,
                Ok(Some(chunk)) => chunk,
                Err(e) => failed(i, e),
            };
            if let Some(left) = left.as_mut() {
                if chunk.lines.len() as u64 >= *left {
                    chunk.lines.truncate(*left as usize);
                    chunk.failure = None;
                    let _ = tx.send(chunk);
                    return;
                }
                *left -= chunk.lines.len() as u64;
            }
            if tx.send(chunk).is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
