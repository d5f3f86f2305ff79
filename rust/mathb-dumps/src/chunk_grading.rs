//! The second stage of a chunk: number its problems and samples in input order, grade each
//! distinct (gold, answer) once, count, and format the verdict lines in parallel. When a
//! run resumes, the records whose lines the verdicts file already holds are counted from
//! those lines instead of being graded again (see `resume.rs`).

use crate::aggregate::Tally;
use crate::chunk::Prepared;
use crate::chunk::PreparedRecord;
use crate::dedupe::{grade_distinct, VerdictCache};
use crate::dump::LineChunk;
use crate::duplicates::{describe, refused, Duplicates, Seen, SeenSamples};
use crate::fallback_round::{apply_settled, submit_undecided, Asked, FallbackQueue, Settled};
use crate::malformed::{ErrorLog, OnError};
use crate::resume::{Replayed, VerdictLog};
use crate::review::{line_end, Comparison, ReviewOptions};
use crate::schema::{InputError, ProblemKey};
use crate::verdict_line::{json_string, problem_name, verdict_tails, LineMaker, Shape};
use mathb_core::no_answer::NoAnswerKind;
use mathb_core::options::Options;
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
    /// What lines show beyond the verdict, which lines are written, and the agreement
    /// with the previous grader; the lines that disagree with it, not yet written.
    pub review: ReviewOptions,
    pub comparison: Comparison,
    pub disagreements: Vec<u8>,
    /// Verdicts of the pairs graded in earlier chunks.
    verdict_cache: VerdictCache,
    /// Problem number and index into `names`, per key (not for line grouping).
    problems: FxHashMap<ProblemKey, (u32, u32)>,
    /// The JSON the verdicts name each keyed problem by.
    names: Vec<Box<str>>,
    pub tally: Tally,
}

/// A graded chunk (its buffers go back to the reader) and its verdict lines, in blocks, ready
/// to write.
pub(crate) type GradedChunk = (LineChunk, Vec<Vec<u8>>);

/// A chunk the core has graded, numbered in input order, whose undecided pairs may be with
/// the fallback: it is counted and its lines are formatted by [`Run::finish_chunk`].
pub(crate) struct Pending {
    chunk: LineChunk,
    records: Vec<PreparedRecord>,
    extracted: crate::dedupe::Extracted,
    /// The input's name.
    input: String,
    name_of: Vec<Option<u32>>,
    /// Per sample: its problem (and position in it, `u32::MAX` for a repeat).
    where_: Vec<(u32, u32)>,
    /// Problems of one line each, closed once counted.
    line_problems: Vec<u32>,
    shown: Vec<u64>,
    repeats: Vec<bool>,
    named: Vec<bool>,
    first_sample: Vec<usize>,
    replayed: Replayed,
    /// The distinct verdicts of the samples not replayed, and each sample's.
    verdicts: Vec<mathb_core::verdict::Verdict>,
    of: Vec<u32>,
    /// What the fallback was asked, if anything.
    pub asked: Option<Asked>,
}

/// The gold of every sample of `records`, in order.
fn sample_golds(records: &[PreparedRecord]) -> Vec<&str> {
    records
        .iter()
        .flat_map(|r| std::iter::repeat_n(r.gold.as_str(), r.samples))
        .collect()
}

impl Run {
    /// Grades a prepared chunk of the input named `input` with the core and queues its
    /// undecided pairs with `fallback`; [`Run::finish_chunk`] counts it and formats its
    /// lines. Problems are numbered and samples indexed here, in input order. With `log`,
    /// the leading records whose lines the resumed file holds are counted from them and not
    /// graded again.
    pub(crate) fn grade_chunk(
        &mut self,
        prepared: Prepared,
        input: &str,
        opts: &Options,
        fallback: Option<&mut (dyn FallbackQueue + '_)>,
        log: Option<&mut VerdictLog>,
    ) -> Result<Pending, InputError> {
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
                    let refuse = self.duplicates == Duplicates::Error;
                    let want_place = refuse || self.seen.has_room();
                    let seen = self
                        .seen
                        .check(problem, idx, input_number, r.line, want_place);
                    if let Seen::Again(place) = seen {
                        let note = want_place.then(|| {
                            let first = place.map(|(fi, fl)| {
                                (self.input_names.get(fi as usize).map_or(input, |s| s), fl)
                            });
                            describe((input, r.line), first, &self.names[n as usize], idx)
                        });
                        if let (true, Some(note)) = (refuse, &note) {
                            return Err(refused(note.clone()).at(input, Some(r.line)));
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
        self.fallback_sent += replayed.fallback_sent;
        self.fallback_settled += replayed.fallback_settled;
        let s0 = first_sample[done];
        let golds = sample_golds(&records[done..]);
        let completion = |s: usize| match panicked.binary_search_by_key(&(s + s0), |p| p.0) {
            Ok(i) => panicked[i].1.as_str(),
            Err(_) => "",
        };
        let (verdicts, of) = grade_distinct(
            &golds,
            &extracted.answers[s0..],
            completion,
            opts,
            Some(&mut self.verdict_cache),
        );
        let asked = fallback.and_then(|f| submit_undecided(&verdicts, &of, &golds, f));
        drop(golds);
        Ok(Pending {
            chunk,
            records,
            extracted,
            input: input.to_owned(),
            name_of,
            where_,
            line_problems,
            shown,
            repeats,
            named,
            first_sample,
            replayed,
            verdicts,
            of,
            asked,
        })
    }

    /// Counts a chunk graded by [`Run::grade_chunk`] and formats its verdict lines, in
    /// blocks, in order; `settled` holds the fallback's verdicts on what it was asked.
    pub(crate) fn finish_chunk(&mut self, pending: Pending, settled: Vec<Settled>) -> GradedChunk {
        let Pending {
            chunk,
            records,
            extracted,
            input,
            name_of,
            where_,
            line_problems,
            shown,
            repeats,
            named,
            first_sample,
            replayed,
            mut verdicts,
            of,
            asked,
        } = pending;
        let done = replayed.records;
        let s0 = first_sample[done];
        let golds = sample_golds(&records[done..]);
        if let Some(asked) = &asked {
            let (sent, settled) = apply_settled(&mut verdicts, &of, &golds, asked, settled);
            self.fallback_sent += sent;
            self.fallback_settled += settled;
        }
        let file = self.multi_file.then(|| json_string(&input));
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
            if status == mathb_core::Status::NoAnswer {
                let why = extracted.why.get(s).copied().flatten();
                self.tally
                    .note_no_answer(why.unwrap_or(NoAnswerKind::Other));
            }
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
        let status_of = |s: usize| match s.checked_sub(s0) {
            None => replayed.statuses[s],
            Some(t) => verdicts[of[t] as usize].status,
        };
        let mut differs = vec![false; where_.len()];
        if self.review.compare_field.is_some() {
            for (i, r) in records.iter().enumerate() {
                let Some(review) = &r.review else { continue };
                for (k, s) in (first_sample[i]..first_sample[i + 1]).enumerate() {
                    if !repeats[s] {
                        let previous = review.previous.get(k).copied().flatten();
                        differs[s] = self.comparison.add(previous, status_of(s));
                    }
                }
            }
        }
        let only = self.review.only;
        self.records += records.len() as u64;
        let methods = &extracted.answers[s0..];
        let with_gold = self.review.with_gold;
        let tails = verdict_tails(&verdicts, &of, &golds, methods, with_gold);
        let (blocks, disagreements): (Vec<Vec<u8>>, Vec<Vec<u8>>) = records[done..]
            .par_chunks(FORMAT_BLOCK)
            .enumerate()
            .map(|(b, block)| {
                let mut out = Vec::with_capacity(block.len() * 160);
                let mut apart = Vec::new();
                let first = done + b * FORMAT_BLOCK;
                for i in first..first + block.len() {
                    match lines.shape(i) {
                        Shape::Nothing => {}
                        Shape::Line(line) => {
                            let kind = match block[i - first].error.is_some() {
                                true => only.map(|o| o.error),
                                false => only.map(|o| o.skipped),
                            };
                            if kind != Some(false) {
                                out.extend_from_slice(&line);
                            }
                        }
                        Shape::Samples(samples) => {
                            let review = block[i - first].review.as_deref();
                            let start = samples.start;
                            for s in samples {
                                let mut line = Vec::with_capacity(160);
                                lines.head(&mut line, i, s);
                                let verdict = of[s - s0] as usize;
                                line.extend_from_slice(&tails[verdict]);
                                line_end(&mut line, review, s - start);
                                if differs[s] {
                                    apart.extend_from_slice(&line);
                                }
                                if only.is_none_or(|o| o.has(verdicts[verdict].status)) {
                                    out.extend_from_slice(&line);
                                }
                            }
                        }
                    }
                }
                (out, apart)
            })
            .unzip();
        for d in disagreements {
            self.disagreements.extend_from_slice(&d);
        }
        (chunk, blocks)
    }
}
