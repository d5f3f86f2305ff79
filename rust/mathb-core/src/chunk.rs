//! One chunk of a streaming run, in two stages. `prepare` needs no run state: it parses
//! the records and extracts every completion's final answer, in parallel. `Run::settle`
//! then numbers problems and samples in input order, grades each distinct (gold, answer)
//! once, counts, and formats the verdict lines in parallel. The driver (`stream`) overlaps
//! one chunk's preparation with the previous chunk's settling and writing.

use crate::aggregate::Tally;
use crate::cache::{extract_answer_of, grade_distinct, Answer, Extracted};
use crate::dump::LineChunk;
use crate::lossy_json::lossy_line;
use crate::options::Options;
use crate::sample_fields::OnePass;
use crate::schema::{
    completion_texts, parse_record, problem_key, record_gold, ErrorCode, Fields, InputError,
    ProblemKey, Record as JsonRecord,
};
use crate::stream::FallbackFn;
use crate::verdict::{Status, Verdict};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::Value;
use std::collections::HashMap;

/// A record after parsing, before grading.
struct Parsed {
    gold: String,
    completions: Vec<String>,
    key: ProblemKey,
    /// Whether a completion may hold control characters for extraction to repair.
    controls: bool,
    /// Why the record is not graded (its samples are graded on another line).
    skipped: Option<String>,
}

/// What grading needs of a record once its answers are extracted.
struct Record {
    gold: String,
    key: ProblemKey,
    samples: usize,
    skipped: Option<String>,
}

/// A chunk whose records are parsed and whose answers are extracted.
pub(crate) struct Prepared {
    chunk: LineChunk,
    records: Vec<Record>,
    /// Per sample, in order.
    extracted: Extracted,
    /// (sample, completion) of the samples whose extraction panicked, in sample order: they
    /// are graded again from the completion. The other completions are dropped once read.
    panicked: Vec<(usize, String)>,
}

/// The records of a run of lines, prepared by one task.
#[derive(Default)]
struct Block {
    records: Vec<Record>,
    extracted: Vec<Answer>,
    panicked: Vec<(usize, String)>,
}

/// Lines per preparation task: enough to amortize the task, few enough to balance threads.
const PREPARE_BLOCK: usize = 64;

/// A malformed record: its input, line number and bytes.
pub(crate) struct Malformed {
    pub input: usize,
    pub line: u64,
    pub raw: Vec<u8>,
    pub error: InputError,
}

impl Malformed {
    pub fn new(chunk: &LineChunk, index: usize, error: InputError) -> Box<Self> {
        Box::new(Malformed {
            input: chunk.input,
            line: chunk.lines[index].0,
            raw: chunk.line(index).to_vec(),
            error,
        })
    }
}

/// Reads a record's fields: in one pass when it can, else with the general reader.
fn parse(
    line: &[u8],
    fields: &Fields,
    one_pass: Option<&OnePass>,
    answers: Option<&HashMap<String, String>>,
) -> Result<Parsed, InputError> {
    let line = &*lossy_line(line);
    if let Some(f) = one_pass.and_then(|p| p.read(line)) {
        return Ok(Parsed {
            gold: f.gold,
            completions: f.completions,
            key: f.key,
            controls: f.controls,
            skipped: None,
        });
    }
    let record = parse_record(line)?;
    if let Some(why) = fields
        .lm_eval_filter
        .as_deref()
        .and_then(|f| other_filter(&record, f))
    {
        return Ok(Parsed {
            gold: String::new(),
            completions: Vec::new(),
            key: ProblemKey::Line,
            controls: true,
            skipped: Some(why),
        });
    }
    let (gold, key) = match answers {
        Some(answers) if fields.answers_by_id => {
            let key = problem_key(&record, fields, "")?;
            (answer_of(answers, &key)?, key)
        }
        _ => {
            let gold = record_gold(&record, fields)?;
            let key = problem_key(&record, fields, &gold)?;
            (gold, key)
        }
    };
    let completions = completion_texts(&record, &fields.completion)?;
    Ok(Parsed {
        gold,
        completions,
        key,
        controls: true,
        skipped: None,
    })
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
fn other_filter(record: &JsonRecord<'_>, graded: &str) -> Option<String> {
    match record.resolve("filter") {
        Some(Value::String(f)) if f != graded => Some(format!(
            "lm-eval filter '{f}' repeats the samples graded under filter '{graded}'"
        )),
        _ => None,
    }
}

/// Parses every record of `chunk` and extracts its answers, on the current rayon pool;
/// each record's answers are extracted right after it is parsed, while its text is in
/// cache, and its completions are freed by the thread that made them.
pub(crate) fn prepare(
    chunk: LineChunk,
    fields: &Fields,
    one_pass: Option<&OnePass>,
    answers: Option<&HashMap<String, String>>,
    opts: &Options,
) -> Result<Prepared, Box<Malformed>> {
    let lines = chunk.lines.len();
    let blocks: Vec<Result<Block, (usize, InputError)>> = (0..lines.div_ceil(PREPARE_BLOCK))
        .into_par_iter()
        .map(|b| {
            let mut block = Block::default();
            for i in b * PREPARE_BLOCK..lines.min((b + 1) * PREPARE_BLOCK) {
                let parsed = parse(chunk.line(i), fields, one_pass, answers).map_err(|e| (i, e))?;
                for completion in &parsed.completions {
                    let answer = extract_answer_of(completion, parsed.controls, opts);
                    if answer.0.is_none() {
                        block
                            .panicked
                            .push((block.extracted.len(), completion.clone()));
                    }
                    block.extracted.push(answer);
                }
                block.records.push(Record {
                    gold: parsed.gold,
                    key: parsed.key,
                    samples: parsed.completions.len(),
                    skipped: parsed.skipped,
                });
            }
            Ok(block)
        })
        .collect();
    let mut records = Vec::with_capacity(lines);
    let mut extracted = Extracted {
        answers: Vec::with_capacity(lines),
        votes: Vec::with_capacity(lines),
    };
    let mut panicked = Vec::new();
    for block in blocks {
        let block = block.map_err(|(i, error)| Malformed::new(&chunk, i, error))?;
        let offset = extracted.answers.len();
        panicked.extend(block.panicked.into_iter().map(|(s, c)| (s + offset, c)));
        records.extend(block.records);
        for (answer, vote) in block.extracted {
            extracted.answers.push(answer);
            extracted.votes.push(vote);
        }
    }
    Ok(Prepared {
        chunk,
        records,
        extracted,
        panicked,
    })
}

/// Records per block of verdict lines formatted by one task.
const FORMAT_BLOCK: usize = 256;

/// The state of a run between chunks.
#[derive(Default)]
pub(crate) struct Run {
    pub records: u64,
    /// Records not graded (lm-eval lines of another filter).
    pub skipped: u64,
    /// Samples whose undecided verdict went to the fallback, and those it settled.
    pub fallback_sent: u64,
    pub fallback_settled: u64,
    /// Problem number and index into `names`, per key (not for line grouping).
    problems: FxHashMap<ProblemKey, (u32, u32)>,
    /// The JSON the verdicts name each keyed problem by.
    names: Vec<Box<str>>,
    pub tally: Tally,
}

impl Run {
    /// Grades and counts a prepared chunk; returns its verdict lines, in blocks, in order.
    pub(crate) fn settle<'f>(
        &mut self,
        prepared: Prepared,
        opts: &Options,
        fallback: Option<&mut (dyn FallbackFn + 'f)>,
    ) -> (LineChunk, Vec<Vec<u8>>) {
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
        for (i, r) in records.iter_mut().enumerate() {
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
                    self.names.push(problem_name(&r.key, chunk.lines[i].0));
                    let key = std::mem::replace(&mut r.key, ProblemKey::Line);
                    self.problems.insert(key, (p, name));
                    (p, Some(name))
                }
            };
            name_of.push(name);
            for _ in 0..r.samples {
                where_.push((problem, self.tally.next_sample(problem)));
            }
        }
        let golds: Vec<&str> = records
            .iter()
            .flat_map(|r| std::iter::repeat_n(r.gold.as_str(), r.samples))
            .collect();
        let completion = |s: usize| match panicked.binary_search_by_key(&s, |p| p.0) {
            Ok(i) => panicked[i].1.as_str(),
            Err(_) => "",
        };
        let (mut verdicts, of) = grade_distinct(&golds, &extracted.answers, completion, opts);
        let settled = match fallback {
            Some(f) => self.ask_fallback(&mut verdicts, &of, &golds, f),
            None => Vec::new(),
        };
        for (s, &(problem, _)) in where_.iter().enumerate() {
            let verdict = &verdicts[of[s] as usize];
            self.tally.add(problem, verdict.status, extracted.votes[s]);
            self.tally.internal_errors += u64::from(verdict.is_internal_error());
        }
        for p in line_problems {
            self.tally.close(p);
        }
        self.records += records.len() as u64;
        // The JSON tail of each distinct verdict, escaped once. An undecided verdict carries
        // its gold, so a fallback (or a reader) can settle it from the verdict file alone;
        // the samples sharing a verdict share their gold text.
        let mut gold_of: Vec<&str> = vec![""; verdicts.len()];
        for (s, &v) in of.iter().enumerate().rev() {
            gold_of[v as usize] = golds[s];
        }
        let tails: Vec<Vec<u8>> = verdicts
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
            .collect();
        let mut first_sample = Vec::with_capacity(records.len());
        let mut s = 0;
        for r in &records {
            first_sample.push(s);
            s += r.samples;
        }
        let names = &self.names;
        let blocks = records
            .par_chunks(FORMAT_BLOCK)
            .enumerate()
            .map(|(b, block)| {
                let mut out = Vec::with_capacity(block.len() * 160);
                let mut num = itoa::Buffer::new();
                let mut s = first_sample[b * FORMAT_BLOCK];
                for (j, r) in block.iter().enumerate() {
                    let i = b * FORMAT_BLOCK + j;
                    let line = chunk.lines[i].0;
                    if let Some(why) = &r.skipped {
                        out.extend_from_slice(b"{\"line\":");
                        out.extend_from_slice(num.format(line).as_bytes());
                        out.extend_from_slice(b",\"status\":\"skipped\",\"reason\":");
                        out.extend_from_slice(json_string(why).as_bytes());
                        out.extend_from_slice(b"}\n");
                    }
                    for _ in 0..r.samples {
                        out.extend_from_slice(b"{\"line\":");
                        out.extend_from_slice(num.format(line).as_bytes());
                        out.extend_from_slice(b",\"problem_id\":");
                        match name_of[i] {
                            Some(n) => out.extend_from_slice(names[n as usize].as_bytes()),
                            None => out.extend_from_slice(num.format(line).as_bytes()),
                        }
                        out.extend_from_slice(b",\"sample_idx\":");
                        out.extend_from_slice(num.format(where_[s].1).as_bytes());
                        out.push(b',');
                        out.extend_from_slice(&tails[of[s] as usize]);
                        s += 1;
                    }
                }
                out
            })
            .collect();
        (chunk, blocks)
    }

    /// Sends the chunk's distinct undecided (gold, extracted) pairs to `fallback` and applies
    /// its verdicts; returns, per distinct verdict, whether the fallback settled it.
    fn ask_fallback<'f>(
        &mut self,
        verdicts: &mut [Verdict],
        of: &[u32],
        golds: &[&str],
        fallback: &mut (dyn FallbackFn + 'f),
    ) -> Vec<bool> {
        let mut asked = vec![false; verdicts.len()];
        let mut todo: Vec<(usize, &str)> = Vec::new();
        for (s, &j) in of.iter().enumerate() {
            let j = j as usize;
            let v = &verdicts[j];
            if v.status == Status::Undecided && v.extracted_is_whole() && !asked[j] {
                asked[j] = true;
                todo.push((j, golds[s]));
            }
        }
        let mut settled = vec![false; verdicts.len()];
        if todo.is_empty() {
            return settled;
        }
        // A gold of several answers asks about each of them (see `gold::fallback_plan`).
        let plans: Vec<Option<Vec<(String, bool)>>> = todo
            .iter()
            .map(|&(_, gold)| {
                crate::gold::is_encoded(gold).then(|| crate::gold::fallback_plan(gold))
            })
            .collect();
        let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(todo.len());
        for (&(j, gold), plan) in todo.iter().zip(&plans) {
            let answer = verdicts[j].extracted.as_deref().unwrap_or("");
            match plan {
                None => pairs.push((gold, answer)),
                Some(plan) => pairs.extend(plan.iter().map(|(g, _)| (g.as_str(), answer))),
            }
        }
        let mut results = fallback(&pairs).into_iter();
        let outcomes: Vec<Option<(Status, String)>> = todo
            .iter()
            .zip(&plans)
            .map(|(&(_, gold), plan)| match plan {
                None => results.next().flatten(),
                Some(plan) => {
                    let mine: Vec<_> = results.by_ref().take(plan.len()).collect();
                    crate::gold::combine_fallback(gold, &mine)
                }
            })
            .collect();
        for (&(j, _), outcome) in todo.iter().zip(outcomes) {
            if let Some((status, reason)) = outcome.filter(|(s, _)| *s != Status::Undecided) {
                verdicts[j].status = status;
                verdicts[j].reason = reason;
                settled[j] = true;
            }
        }
        for &j in of {
            self.fallback_sent += u64::from(asked[j as usize]);
            self.fallback_settled += u64::from(settled[j as usize]);
        }
        settled
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
        tail.push_str(&crate::gold::gold_json(gold));
    }
    if by_fallback {
        tail.push_str(",\"decided_by\":\"fallback\"");
    }
    tail.push_str("}\n");
    tail.into_bytes()
}
