//! The verdict line of a sample: its head (line, file, problem, sample) and the tail of its
//! verdict, as JSON bytes written without a serializer; what each record of a chunk becomes.

use crate::chunk::PreparedRecord;
use crate::malformed::{error_line, OnError};
use crate::schema::ProblemKey;
use mathb_core::extract::Extraction;
use mathb_core::verdict::{DecidedBy, Status, Verdict};
use rayon::prelude::*;

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
    pub(crate) records: &'a [PreparedRecord],
    pub(crate) name_of: &'a [Option<u32>],
    pub(crate) shown: &'a [u64],
    pub(crate) repeats: &'a [bool],
    /// The input's name as JSON, when lines name their file.
    pub(crate) file: Option<&'a str>,
    pub(crate) first_sample: &'a [usize],
    pub(crate) names: &'a [Box<str>],
    pub(crate) on_error: OnError,
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
/// gold (every verdict with `with_gold`), so a fallback (or a reader) can settle it from the
/// verdict file alone; the samples sharing a verdict share their gold text and extraction.
pub(crate) fn verdict_tails(
    verdicts: &[Verdict],
    of: &[u32],
    golds: &[&str],
    answers: &[Option<Option<Extraction>>],
    with_gold: bool,
) -> Vec<Vec<u8>> {
    let mut gold_of: Vec<&str> = vec![""; verdicts.len()];
    let mut method_of: Vec<Option<&str>> = vec![None; verdicts.len()];
    for (s, &v) in of.iter().enumerate().rev() {
        gold_of[v as usize] = golds[s];
        method_of[v as usize] = answers[s]
            .as_ref()
            .and_then(|e| e.as_ref())
            .map(|e| e.method.as_str());
    }
    verdicts
        .par_iter()
        .zip(gold_of.par_iter())
        .zip(method_of.par_iter())
        .map(|((v, gold), method)| {
            verdict_tail(
                v,
                (with_gold || v.status == Status::Undecided).then_some(gold),
                *method,
            )
        })
        .collect()
}

pub(crate) fn problem_name(key: &ProblemKey, line: u64) -> Box<str> {
    match key {
        ProblemKey::Str(s) => json_string(s),
        ProblemKey::Int(digits) => digits.clone().into_boxed_str(),
        ProblemKey::Text(_) | ProblemKey::Line => line.to_string().into_boxed_str(),
    }
}

pub(crate) fn json_string(s: &str) -> Box<str> {
    serde_json::to_string(s)
        .unwrap_or_else(|_| "null".into())
        .into_boxed_str()
}

/// `"status":…,"reason":…,"extracted":…,"method":…` (and `"gold":…` when given,
/// `"decided_by"` when the fallback settled it); `review::line_end` closes the line.
fn verdict_tail(v: &Verdict, gold: Option<&&str>, method: Option<&str>) -> Vec<u8> {
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
    match method {
        Some(m) => tail.push_str(&format!(",\"method\":\"{m}\"")),
        None => tail.push_str(",\"method\":null"),
    }
    if let Some(gold) = gold {
        // A gold of several answers is written as JSON: a list, or its choices.
        tail.push_str(",\"gold\":");
        tail.push_str(&mathb_core::gold::gold_json(gold));
    }
    if v.decided_by == DecidedBy::Fallback {
        tail.push_str(",\"decided_by\":\"fallback\"");
    }
    tail.into_bytes()
}
