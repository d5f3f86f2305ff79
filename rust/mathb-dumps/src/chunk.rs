//! One chunk of a streaming run, in two stages. `prepare` needs no run state: it parses
//! the records and extracts every completion's final answer, in parallel; a record that
//! cannot be read is kept as an error in its place. `Run::grade_chunk` (`chunk_grading.rs`) then
//! numbers problems and samples in input order, grades each distinct (gold, answer) once,
//! counts, and formats the verdict lines in parallel. The driver (`stream`) overlaps one
//! chunk's preparation with the previous chunk's grading and writing.

use crate::dedupe::{extract_answer_keyed, why_of, Answer, ClassKeys, Extracted};
use crate::dump::LineChunk;
use crate::id_pattern::IdPattern;
use crate::lossy_json::lossy_line;
use crate::review::{RecordReview, ReviewOptions};
use crate::sample_fields::OnePass;
use crate::schema::{
    completion_texts, parse_record, problem_key, record_gold, ErrorCode, Fields, InputError,
    ProblemKey, Record as JsonRecord,
};
use mathb_core::no_answer::NoAnswerKind;
use mathb_core::options::Options;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::HashMap;

/// A record after parsing, before grading.
pub(crate) struct Parsed {
    pub gold: String,
    pub completions: Vec<String>,
    key: ProblemKey,
    sample_idx: Option<u64>,
    /// Whether a completion may hold control characters for extraction to repair.
    controls: bool,
    /// Why the record is not graded (its samples are graded on another line).
    pub skipped: Option<String>,
    /// The value of `--compare-field`, when the run compares.
    previous: Option<Value>,
}

/// What grading needs of a record once its answers are extracted.
pub(crate) struct PreparedRecord {
    /// Its line number in its input.
    pub line: u64,
    pub gold: String,
    pub key: ProblemKey,
    /// The record's own `sample_idx` (see `sample_fields::SAMPLE_IDX`).
    pub sample_idx: Option<u64>,
    pub samples: usize,
    pub skipped: Option<String>,
    /// Why the record cannot be graded (it then has no samples).
    pub error: Option<Box<InputError>>,
    /// What its lines show beyond the verdict, when the run reviews.
    pub review: Option<Box<RecordReview>>,
}

/// A chunk whose records are parsed and whose answers are extracted.
pub(crate) struct Prepared {
    pub chunk: LineChunk,
    /// One per line of the chunk, then one for the chunk's `failure` when it has one.
    pub records: Vec<PreparedRecord>,
    /// Per sample, in order.
    pub extracted: Extracted,
    /// (sample, completion) of the samples whose extraction panicked, in sample order: they
    /// are graded again from the completion. The other completions are dropped once read.
    pub panicked: Vec<(usize, String)>,
}

impl Prepared {
    /// The chunk's first malformed record, named by its input's `name`.
    pub fn first_error(&self, name: &str) -> Option<Box<Malformed>> {
        let i = self.records.iter().position(|r| r.error.is_some())?;
        let record = &self.records[i];
        let error = record.error.as_deref()?.clone();
        Some(Box::new(Malformed {
            input: self.chunk.input,
            line: record.line,
            error: error.at(name, (record.line > 0).then_some(record.line)),
        }))
    }

    /// A chunk whose run has no fields yet: every line is malformed, each with `errors[i]`.
    pub fn unreadable(chunk: LineChunk, errors: Vec<InputError>) -> Prepared {
        let mut records: Vec<PreparedRecord> = errors
            .into_iter()
            .zip(&chunk.lines)
            .map(|(e, &(line, _, _))| PreparedRecord::error(line, e))
            .collect();
        records.extend(chunk.failure.clone().map(PreparedRecord::failure));
        Prepared {
            chunk,
            records,
            extracted: Extracted {
                answers: Vec::new(),
                votes: Vec::new(),
                why: Vec::new(),
            },
            panicked: Vec::new(),
        }
    }
}

impl PreparedRecord {
    fn error(line: u64, e: InputError) -> PreparedRecord {
        PreparedRecord {
            line,
            gold: String::new(),
            key: ProblemKey::Line,
            sample_idx: None,
            samples: 0,
            skipped: None,
            error: Some(Box::new(e)),
            review: None,
        }
    }

    /// The record standing for the unreadable rest of an input (line 0: the whole input).
    fn failure(e: InputError) -> PreparedRecord {
        PreparedRecord::error(e.line.unwrap_or(0), e)
    }
}

/// The records of a run of lines, prepared by one task.
#[derive(Default)]
struct Block {
    records: Vec<PreparedRecord>,
    extracted: Vec<Answer>,
    why: Vec<Option<NoAnswerKind>>,
    panicked: Vec<(usize, String)>,
}

/// Lines per preparation task: enough to amortize the task, few enough to balance threads.
const PREPARE_BLOCK: usize = 64;

/// A malformed record: its input and line number.
pub(crate) struct Malformed {
    pub input: usize,
    pub line: u64,
    pub error: InputError,
}

impl Malformed {
    pub fn new(chunk: &LineChunk, index: usize, error: InputError) -> Box<Self> {
        Box::new(Malformed {
            input: chunk.input,
            line: chunk.lines[index].0,
            error,
        })
    }
}

/// Reads a record's fields: in one pass when it can, else with the general reader.
pub(crate) fn parse(
    line: &[u8],
    fields: &Fields,
    one_pass: Option<&OnePass>,
    answers: Option<&HashMap<String, String>>,
    compare: Option<&str>,
) -> Result<Parsed, InputError> {
    let line = &*lossy_line(line);
    if let Some(f) = one_pass.and_then(|p| p.read(line)) {
        let (key, sample_idx) = split_id(fields, f.key, f.sample_idx)?;
        return Ok(Parsed {
            gold: f.gold,
            completions: f.completions,
            key,
            sample_idx,
            controls: f.controls,
            skipped: None,
            previous: None,
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
            sample_idx: None,
            controls: true,
            skipped: Some(why),
            previous: None,
        });
    }
    let own_idx = record
        .resolve(crate::sample_fields::SAMPLE_IDX)
        .as_ref()
        .and_then(crate::sample_fields::sample_idx_of);
    let (gold, key, sample_idx) = match answers {
        Some(answers) if fields.answers_by_id => {
            let key = problem_key(&record, fields, "")?;
            let (key, sample_idx) = split_id(fields, key, own_idx)?;
            (answer_of(answers, &key)?, key, sample_idx)
        }
        _ => {
            let with_choices = record_choices(&record, fields);
            let gold = record_gold(&record, with_choices.as_ref().unwrap_or(fields))?;
            let key = problem_key(&record, fields, &gold)?;
            let (key, sample_idx) = split_id(fields, key, own_idx)?;
            (gold, key, sample_idx)
        }
    };
    let completions = completion_texts(&record, &fields.completion)?;
    Ok(Parsed {
        gold,
        completions,
        key,
        sample_idx,
        controls: true,
        skipped: None,
        previous: compare.and_then(|f| record.resolve(f)),
    })
}

/// The fields of a record that carries its options (`choices`, `options`) in a dump whose
/// first record did not: a dump mixing free-form and multiple-choice items grades each of
/// the latter against its options, as if the field had been named for the whole dump.
fn record_choices(record: &JsonRecord<'_>, fields: &Fields) -> Option<Fields> {
    if fields.choices.is_some() {
        return None;
    }
    let choices = crate::schema::options_field(record, &fields.completion)?;
    Some(Fields {
        choices: Some(choices),
        ..fields.clone()
    })
}

/// The problem key and sample index of a record whose id also numbers its sample
/// (`--id-pattern`); a record's own `sample_idx` comes first.
fn split_id(
    fields: &Fields,
    key: ProblemKey,
    sample_idx: Option<u64>,
) -> Result<(ProblemKey, Option<u64>), InputError> {
    match &fields.id_pattern {
        Some(p) => {
            let (key, sample) = split_key(p, key)?;
            Ok((key, sample_idx.or(Some(sample))))
        }
        _ => Ok((key, sample_idx)),
    }
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

thread_local! {
    static CLASS_KEYS: std::cell::RefCell<ClassKeys> = std::cell::RefCell::new(ClassKeys::default());
}

/// Parses every record of `chunk` and extracts its answers, on the current rayon pool;
/// each record's answers are extracted right after it is parsed, while its text is in
/// cache, and its completions are freed by the thread that made them. A record that cannot
/// be parsed becomes an error record in its place; with `stop_at_error` the blocks after
/// the first one that holds such a record are not prepared (the run stops there).
pub(crate) fn prepare(
    chunk: LineChunk,
    fields: &Fields,
    one_pass: Option<&OnePass>,
    answers: Option<&HashMap<String, String>>,
    opts: &Options,
    review: &ReviewOptions,
    stop_at_error: bool,
) -> Prepared {
    let lines = chunk.lines.len();
    let failed = std::sync::atomic::AtomicUsize::new(usize::MAX);
    let blocks: Vec<Block> = (0..lines.div_ceil(PREPARE_BLOCK))
        .into_par_iter()
        .map(|b| {
            let mut block = Block::default();
            if stop_at_error && b > failed.load(std::sync::atomic::Ordering::Relaxed) {
                return block;
            }
            // Answers repeat across blocks (and chunks): the thread's keys are kept.
            CLASS_KEYS.with_borrow_mut(|keys| {
                for i in b * PREPARE_BLOCK..lines.min((b + 1) * PREPARE_BLOCK) {
                    let line = chunk.lines[i].0;
                    let compare = review.compare_field.as_deref();
                    let parsed = match parse(chunk.line(i), fields, one_pass, answers, compare) {
                        Ok(p) => p,
                        Err(e) => {
                            failed.fetch_min(b, std::sync::atomic::Ordering::Relaxed);
                            block.records.push(PreparedRecord::error(line, e));
                            continue;
                        }
                    };
                    for completion in &parsed.completions {
                        let answer = extract_answer_keyed(completion, parsed.controls, opts, keys);
                        if answer.0.is_none() {
                            block
                                .panicked
                                .push((block.extracted.len(), completion.clone()));
                        }
                        block.why.push(why_of(completion, &answer.0));
                        block.extracted.push(answer);
                    }
                    let kept = RecordReview::new(review, &parsed.completions, parsed.previous);
                    block.records.push(PreparedRecord {
                        line,
                        gold: parsed.gold,
                        key: parsed.key,
                        sample_idx: parsed.sample_idx,
                        samples: parsed.completions.len(),
                        skipped: parsed.skipped,
                        error: None,
                        review: kept,
                    });
                }
            });
            block
        })
        .collect();
    let mut records = Vec::with_capacity(lines + 1);
    let mut extracted = Extracted {
        answers: Vec::with_capacity(lines),
        votes: Vec::with_capacity(lines),
        why: Vec::with_capacity(lines),
    };
    let mut panicked = Vec::new();
    for block in blocks {
        let offset = extracted.answers.len();
        panicked.extend(block.panicked.into_iter().map(|(s, c)| (s + offset, c)));
        records.extend(block.records);
        extracted.why.extend(block.why);
        for (answer, vote) in block.extracted {
            extracted.answers.push(answer);
            extracted.votes.push(vote);
        }
    }
    // Blocks skipped after an error leave the records short: the run stops at the error.
    if records.len() == lines {
        records.extend(chunk.failure.clone().map(PreparedRecord::failure));
    }
    Prepared {
        chunk,
        records,
        extracted,
        panicked,
    }
}

/// `key` read through an `--id-pattern`: the problem's key and the sample's number.
fn split_key(pattern: &IdPattern, key: ProblemKey) -> Result<(ProblemKey, u64), InputError> {
    let mismatch = |what: &str| {
        InputError::new(
            ErrorCode::WrongType,
            format!("{what} --id-pattern {:?}", pattern.template()),
            "--id-pattern names where the problem and the sample number are in each id, \
             e.g. '{problem}#{sample}' for q17#0; --id-field picks the id field",
        )
    };
    let id = match &key {
        ProblemKey::Str(s) | ProblemKey::Int(s) => s.as_str(),
        _ => return Err(mismatch("the records have no problem id")),
    };
    match pattern.split(id) {
        Some((problem, sample)) => Ok((ProblemKey::Str(problem.to_owned()), sample)),
        None => Err(mismatch(&format!("problem id {id:?} does not fit"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_that_does_not_fit_the_id_pattern_is_an_error_naming_it() {
        let p = IdPattern::parse("{problem}#{sample}").unwrap();
        let key = ProblemKey::Str("q1#2".into());
        assert_eq!(
            split_key(&p, key).unwrap(),
            (ProblemKey::Str("q1".into()), 2)
        );
        let e = split_key(&p, ProblemKey::Str("q1".into())).unwrap_err();
        assert!(e.message.contains("\"q1\" does not fit"));
    }
}
