//! The second stage of a chunk: number its problems and samples in input order, grade each
//! distinct (gold, answer) once, count, and format the verdict lines in parallel. When a
//! run resumes, the records whose lines the verdicts file already holds are counted from
//! those lines instead of being graded again (see `resume.rs`).

use crate::aggregate::Tally;
use crate::cache::grade_distinct;
use crate::chunk::{Prepared, Record};
use crate::dump::LineChunk;
use crate::duplicates::{describe, refused, Duplicates, SeenSamples};
use crate::fallback_round::ask_fallback;
use crate::malformed::{error_line, ErrorLog, OnError};
use crate::resume::{Replayed, VerdictLog};
use crate::schema::{InputError, ProblemKey};
use crate::stream::FallbackFn;
use mathb_core::options::Options;
use mathb_core::verdict::{Status, Verdict};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// Records per block of verdict lines formatted by one task.
const FORMAT_BLOCK: usize = 256;

/// The state of a run between chunks.
#[derive(Default)]
pub(crate) struct Run {
    /// Records read: graded, reported as skipped, or malformed.
    pub records: u64,
    /// Records not graded (lm-eval lines of another filter).
    pub skipped: u64,
    /// Samples whose undecided verdict went to the fallback, and those it settled.
    pub fallback_sent: u64,
    pub fallback_settled: u64,
    /// What malformed records become; the run stops at one unless told otherwise.
    pub on_error: OnError,
    /// The malformed records skipped or written as error lines.
    pub errors: ErrorLog,
    /// Verdict lines of the resumed file kept as they were.
    pub resumed_lines: u64,
    /// What a sample seen twice does to the counts, and the samples seen so far.
    pub duplicates: Duplicates,
    pub seen: SeenSamples,
    /// The names of the run's inputs, by input number; with `multi_file`, each verdict
    /// line names its file (and its line number counts within that file).
    pub input_names: Vec<String>,
    pub multi_file: bool,
    /// Problem number and index into `names`, per key (not for line grouping).
    problems: FxHashMap<ProblemKey, (u32, u32)>,
    /// The JSON the verdicts name each keyed problem by.
    names: Vec<Box<str>>,
    pub tally: Tally,
}

/// A settled chunk (its buffers go back to the reader) and its verdict lines, in blocks.
pub(crate) type Settled = (LineChunk, Vec<Vec<u8>>);

impl Run {
    /// Grades and counts a prepared chunk of the input named `input`; returns its verdict
    /// lines, in blocks, in order. With `log`, the leading records whose lines the resumed
    /// file holds are counted from them and not written again.
    pub(crate) fn settle<'f>(
        &mut self,
        prepared: Prepared,
        input: &str,
        opts: &Options,
        fallback: Option<&mut (dyn FallbackFn + 'f)>,
        log: Option<&mut VerdictLog>,
    ) -> Result<Settled, InputError> {
        let Prepared {
            chunk,
            mut records,
            extracted,
            panicked,
        } = prepared;
        // Problems are numbered and samples indexed in input order, serially.
        let mut name_of: Vec<Option<u32>> = Vec::with_capacity(records.len());
        let mut where_: Vec<(u32, u32)> = Vec::with_capacity(extracted.votes.len());
        let mut line_problems: Vec<u32> = Vec::new();
        // Per sample: the index its line shows (the record's own, else its position in its
        // problem), and whether it repeats a sample counted before (left out of counts).
        let mut shown: Vec<u64> = Vec::with_capacity(extracted.votes.len());
        let mut repeats: Vec<bool> = Vec::with_capacity(extracted.votes.len());
        // Per sample: whether its record named its index (maj@k then votes in that order).
        let mut named: Vec<bool> = Vec::with_capacity(extracted.votes.len());
        let input_number = chunk.input as u32;
        for r in records.iter_mut() {
            if let Some(e) = &mut r.error {
                e.path = input.to_owned();
                e.line = (r.line > 0).then_some(r.line);
                self.errors.add(e);
                name_of.push(None);
                continue;
            }
            if r.skipped.is_some() {
                self.skipped += 1;
                name_of.push(None);
                continue;
            }
            let known = match &r.key {
                ProblemKey::Line => None,
                key => Some(self.problems.get(key).copied()),
            };
            let (problem, name) = match known {
                None => {
                    let p = self.tally.new_problem();
                    line_problems.push(p);
                    (p, None)
                }
                Some(Some((p, name))) => (p, Some(name)),
                Some(None) => {
                    let p = self.tally.new_problem();
                    let name = self.names.len() as u32;
                    self.names.push(problem_name(&r.key, r.line));
                    let key = std::mem::replace(&mut r.key, ProblemKey::Line);
                    self.problems.insert(key, (p, name));
                    (p, Some(name))
                }
            };
            name_of.push(name);
            // Only a record of one sample names it; a list's elements are numbered in order.
            let own_idx = r.sample_idx.filter(|_| r.samples == 1);
            for _ in 0..r.samples {
                let mut repeat = false;
                if let (Some(idx), Some(n)) = (own_idx, name) {
                    if let Some((fi, fl)) = self.seen.check(problem, idx, input_number, r.line) {
                        let first = self.input_names.get(fi as usize).map_or(input, |s| s);
                        let note =
                            describe((input, r.line), (first, fl), &self.names[n as usize], idx);
                        if self.duplicates == Duplicates::Error {
                            return Err(refused(note).at(input, Some(r.line)));
                        }
                        self.seen.note(note);
                        repeat = self.duplicates == Duplicates::First;
                    }
                }
                let position = match repeat {
                    true => u32::MAX,
                    false => self.tally.next_sample(problem),
                };
                where_.push((problem, position));
                shown.push(own_idx.unwrap_or(u64::from(position)));
                repeats.push(repeat);
                named.push(own_idx.is_some());
            }
        }
        let mut first_sample = Vec::with_capacity(records.len() + 1);
        let mut s = 0;
        for r in &records {
            first_sample.push(s);
            s += r.samples;
        }
        first_sample.push(s);
        let file = self.multi_file.then(|| json_string(input));
        let lines = LineMaker {
            records: &records,
            name_of: &name_of,
            shown: &shown,
            repeats: &repeats,
            file: file.as_deref(),
            first_sample: &first_sample,
            names: &self.names,
            on_error: self.on_error,
        };
        let replayed = match log {
            Some(log) if log.is_open() => log.replay(&lines, input)?,
            _ => Replayed::default(),
        };
        let done = replayed.records;
        self.resumed_lines += replayed.lines;
        let s0 = first_sample[done];
        let golds: Vec<&str> = records[done..]
            .iter()
            .flat_map(|r| std::iter::repeat_n(r.gold.as_str(), r.samples))
            .collect();
        let completion = |s: usize| match panicked.binary_search_by_key(&(s + s0), |p| p.0) {
            Ok(i) => panicked[i].1.as_str(),
            Err(_) => "",
        };
        let (mut verdicts, of) = grade_distinct(&golds, &extracted.answers[s0..], completion, opts);
        let settled = match fallback {
            Some(f) => {
                let (settled, sent, done) = ask_fallback(&mut verdicts, &of, &golds, f);
                self.fallback_sent += replayed.fallback_sent + sent;
                self.fallback_settled += replayed.fallback_settled + done;
                settled
            }
            None => Vec::new(),
        };
        for (s, &(problem, _)) in where_.iter().enumerate() {
            if repeats[s] {
                continue;
            }
            let status = match s.checked_sub(s0) {
                None => replayed.statuses[s],
                Some(t) => {
                    let verdict = &verdicts[of[t] as usize];
                    self.tally.internal_errors += u64::from(verdict.is_internal_error());
                    verdict.status
                }
            };
            match named[s] {
                true => self
                    .tally
                    .add_indexed(problem, status, extracted.votes[s], shown[s]),
                false => self.tally.add(problem, status, extracted.votes[s]),
            }
        }
        for p in line_problems {
            self.tally.close(p);
        }
        self.records += records.len() as u64;
        let tails = verdict_tails(&verdicts, &of, &golds, &settled);
        let blocks = records[done..]
            .par_chunks(FORMAT_BLOCK)
            .enumerate()
            .map(|(b, block)| {
                let mut out = Vec::with_capacity(block.len() * 160);
                let first = done + b * FORMAT_BLOCK;
                for i in first..first + block.len() {
                    match lines.shape(i) {
                        Shape::Nothing => {}
                        Shape::Line(line) => out.extend_from_slice(&line),
                        Shape::Samples(samples) => {
                            for s in samples {
                                lines.head(&mut out, i, s);
                                out.extend_from_slice(&tails[of[s - s0] as usize]);
                            }
                        }
                    }
                }
                out
            })
            .collect();
        Ok((chunk, blocks))
    }
}

/// The verdict lines a record gets.
pub(crate) enum Shape {
    /// None: a malformed record skipped.
    Nothing,
    /// One whole line: a malformed record written as an error, or a skipped lm-eval line.
    Line(Vec<u8>),
    /// One line per sample (these sample numbers in the chunk), each a head
    /// ([`LineMaker::head`]) and its verdict.
    Samples(std::ops::Range<usize>),
}

/// What the verdict lines of a chunk's records are made of, once they are numbered.
pub(crate) struct LineMaker<'a> {
    records: &'a [Record],
    name_of: &'a [Option<u32>],
    shown: &'a [u64],
    repeats: &'a [bool],
    /// The input's name as JSON, when lines name their file.
    file: Option<&'a str>,
    first_sample: &'a [usize],
    names: &'a [Box<str>],
    on_error: OnError,
}

impl LineMaker<'_> {
    pub(crate) fn records(&self) -> usize {
        self.records.len()
    }

    pub(crate) fn line_number(&self, i: usize) -> u64 {
        self.records[i].line
    }

    pub(crate) fn shape(&self, i: usize) -> Shape {
        let r = &self.records[i];
        if let Some(e) = &r.error {
            return match self.on_error {
                OnError::Record => Shape::Line(error_line(e)),
                _ => Shape::Nothing,
            };
        }
        if let Some(why) = &r.skipped {
            let mut out = b"{\"line\":".to_vec();
            out.extend_from_slice(itoa::Buffer::new().format(r.line).as_bytes());
            if let Some(file) = self.file {
                out.extend_from_slice(b",\"file\":");
                out.extend_from_slice(file.as_bytes());
            }
            out.extend_from_slice(b",\"status\":\"skipped\",\"reason\":");
            out.extend_from_slice(json_string(why).as_bytes());
            out.extend_from_slice(b"}\n");
            return Shape::Line(out);
        }
        Shape::Samples(self.first_sample[i]..self.first_sample[i + 1])
    }

    /// `{"line":…,("file":…,)"problem_id":…,"sample_idx":…,("duplicate":true,)`: the head of the line of sample `s`, of
    /// record `i`, which its verdict's tail completes.
    pub(crate) fn head(&self, out: &mut Vec<u8>, i: usize, s: usize) {
        let mut num = itoa::Buffer::new();
        let line = self.records[i].line;
        out.extend_from_slice(b"{\"line\":");
        out.extend_from_slice(num.format(line).as_bytes());
        if let Some(file) = self.file {
            out.extend_from_slice(b",\"file\":");
            out.extend_from_slice(file.as_bytes());
        }
        out.extend_from_slice(b",\"problem_id\":");
        match self.name_of[i] {
            Some(n) => out.extend_from_slice(self.names[n as usize].as_bytes()),
            None => out.extend_from_slice(num.format(line).as_bytes()),
        }
        out.extend_from_slice(b",\"sample_idx\":");
        out.extend_from_slice(num.format(self.shown[s]).as_bytes());
        if self.repeats[s] {
            out.extend_from_slice(b",\"duplicate\":true");
        }
        out.push(b',');
    }
}

/// The JSON tail of each distinct verdict, escaped once. An undecided verdict carries its
/// gold, so a fallback (or a reader) can settle it from the verdict file alone; the samples
/// sharing a verdict share their gold text.
fn verdict_tails(
    verdicts: &[Verdict],
    of: &[u32],
    golds: &[&str],
    settled: &[bool],
) -> Vec<Vec<u8>> {
    let mut gold_of: Vec<&str> = vec![""; verdicts.len()];
    for (s, &v) in of.iter().enumerate().rev() {
        gold_of[v as usize] = golds[s];
    }
    verdicts
        .par_iter()
        .zip(gold_of.par_iter())
        .enumerate()
        .map(|(j, (v, gold))| {
            let by_fallback = settled.get(j).copied().unwrap_or(false);
            verdict_tail(
                v,
                (v.status == Status::Undecided).then_some(gold),
                by_fallback,
            )
        })
        .collect()
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

/// `"status":…,"reason":…,"extracted":…` (and `"gold":…` when given, `"decided_by"` when the
/// fallback settled it), `}` and the newline.
fn verdict_tail(v: &Verdict, gold: Option<&&str>, by_fallback: bool) -> Vec<u8> {
    let extracted = match &v.extracted {
        Some(e) => json_string(e),
        None => "null".into(),
    };
    let mut tail = format!(
        "\"status\":\"{}\",\"reason\":{},\"extracted\":{}",
        v.status.as_str(),
        json_string(&v.reason),
        extracted
    );
    if let Some(gold) = gold {
        // A gold of several answers is written as JSON: a list, or its choices.
        tail.push_str(",\"gold\":");
        tail.push_str(&mathb_core::gold::gold_json(gold));
    }
    if by_fallback {
        tail.push_str(",\"decided_by\":\"fallback\"");
    }
    tail.push_str("}\n");
    tail.into_bytes()
}
