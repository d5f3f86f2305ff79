//! One chunk of a streaming run, in two stages. `prepare` needs no run state: it parses
//! the records and extracts every completion's final answer, in parallel. `Run::settle`
//! then numbers problems and samples in input order, grades each distinct (gold, answer)
//! once, counts, and formats the verdict lines in parallel. The driver (`stream`) overlaps
//! one chunk's preparation with the previous chunk's settling and writing.

use crate::aggregate::Tally;
use crate::cache::{extract_answer, grade_distinct, Answer, Extracted};
use crate::dump::LineChunk;
use crate::options::Options;
use crate::sample_fields::OnePass;
use crate::schema::{
    completion_texts, gold_text, parse_record, problem_key, Fields, InputError, ProblemKey,
};
use crate::verdict::{Status, Verdict};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// A record after parsing, before grading.
struct Parsed {
    gold: String,
    completions: Vec<String>,
    key: ProblemKey,
}

/// What grading needs of a record once its answers are extracted.
struct Record {
    gold: String,
    key: ProblemKey,
    samples: usize,
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
fn parse(line: &[u8], fields: &Fields, one_pass: Option<&OnePass>) -> Result<Parsed, InputError> {
    if let Some(f) = one_pass.and_then(|p| p.read(line)) {
        return Ok(Parsed {
            gold: f.gold,
            completions: f.completions,
            key: f.key,
        });
    }
    let record = parse_record(line)?;
    let gold = gold_text(&record, &fields.gold)?;
    let completions = completion_texts(&record, &fields.completion)?;
    let key = problem_key(&record, fields, &gold)?;
    Ok(Parsed {
        gold,
        completions,
        key,
    })
}

/// Parses every record of `chunk` and extracts its answers, on the current rayon pool;
/// each record's answers are extracted right after it is parsed, while its text is in
/// cache, and its completions are freed by the thread that made them.
pub(crate) fn prepare(
    chunk: LineChunk,
    fields: &Fields,
    one_pass: Option<&OnePass>,
    opts: &Options,
) -> Result<Prepared, Box<Malformed>> {
    let lines = chunk.lines.len();
    let blocks: Vec<Result<Block, (usize, InputError)>> = (0..lines.div_ceil(PREPARE_BLOCK))
        .into_par_iter()
        .map(|b| {
            let mut block = Block::default();
            for i in b * PREPARE_BLOCK..lines.min((b + 1) * PREPARE_BLOCK) {
                let parsed = parse(chunk.line(i), fields, one_pass).map_err(|e| (i, e))?;
                for completion in &parsed.completions {
                    let answer = extract_answer(completion, opts);
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
    /// Problem number and index into `names`, per key (not for line grouping).
    problems: FxHashMap<ProblemKey, (u32, u32)>,
    /// The JSON the verdicts name each keyed problem by.
    names: Vec<Box<str>>,
    pub tally: Tally,
}

impl Run {
    /// Grades and counts a prepared chunk; returns its verdict lines, in blocks, in order.
    pub(crate) fn settle(
        &mut self,
        prepared: Prepared,
        opts: &Options,
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
        let (verdicts, of) = grade_distinct(&golds, &extracted.answers, completion, opts);
        for (s, &(problem, _)) in where_.iter().enumerate() {
            let status = verdicts[of[s] as usize].status;
            self.tally.add(problem, status, extracted.votes[s]);
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
            .map(|(v, gold)| verdict_tail(v, (v.status == Status::Undecided).then_some(gold)))
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

/// `"status":…,"reason":…,"extracted":…` (and `"gold":…` when given), `}` and the newline.
fn verdict_tail(v: &Verdict, gold: Option<&&str>) -> Vec<u8> {
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
        tail.push_str(",\"gold\":");
        tail.push_str(&json_string(gold));
    }
    tail.push_str("}\n");
    tail.into_bytes()
}
