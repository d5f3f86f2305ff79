//! Samples a dump holds twice: the same problem and the same `sample_idx` on two lines (an
//! evaluation rerun appended to its file, `a.jsonl` beside `a.jsonl.gz` in one folder).
//! Counting both would double the samples and move pass@k without a word, so a run counts
//! the first one only by default, reports each pair of lines, and can keep both or refuse.

use crate::diagnostics::{ErrorCode, InputError};
use rustc_hash::FxHashMap;

/// The `--duplicates` policy of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Duplicates {
    /// Count every line, duplicates included.
    Keep,
    /// Count the first line of each (problem, sample_idx); later ones get a verdict line
    /// marked `"duplicate":true` and are left out of every count (the default).
    #[default]
    First,
    /// Stop the run at the first duplicate.
    Error,
}

impl Duplicates {
    pub fn parse(name: &str) -> Option<Duplicates> {
        match name {
            "keep" => Some(Duplicates::Keep),
            "first" => Some(Duplicates::First),
            "error" => Some(Duplicates::Error),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Duplicates::Keep => "keep",
            Duplicates::First => "first",
            Duplicates::Error => "error",
        }
    }
}

/// Notes kept in the summary; the count goes on past them.
pub const NOTES_KEPT: usize = 20;

/// Where each (problem, sample_idx) was first seen, and the duplicates found so far.
#[derive(Default)]
pub struct SeenSamples {
    /// (problem number, sample_idx) → (input number, line).
    first: FxHashMap<(u32, u64), (u32, u64)>,
    /// Duplicate samples found.
    pub count: u64,
    /// `file:line duplicates file:line (…)` for the first `NOTES_KEPT` of them.
    pub notes: Vec<String>,
}

impl SeenSamples {
    /// Records a sample; returns the place of the first line holding the same sample when
    /// this one repeats it.
    pub fn check(
        &mut self,
        problem: u32,
        sample_idx: u64,
        input: u32,
        line: u64,
    ) -> Option<(u32, u64)> {
        match self.first.entry((problem, sample_idx)) {
            std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert((input, line));
                None
            }
        }
    }

    /// Counts a duplicate and keeps its note while there is room.
    pub fn note(&mut self, text: String) {
        self.count += 1;
        if self.notes.len() < NOTES_KEPT {
            self.notes.push(text);
        }
    }
}

/// `b.jsonl:7 repeats problem "p1" sample_idx 3 of a.jsonl:2`.
pub fn describe(at: (&str, u64), first: (&str, u64), problem: &str, sample_idx: u64) -> String {
    format!(
        "{}:{} repeats problem {problem} sample_idx {sample_idx} of {}:{}",
        at.0, at.1, first.0, first.1
    )
}

/// The error of a run told to refuse duplicates.
pub fn refused(note: String) -> InputError {
    InputError::new(
        ErrorCode::Duplicate,
        format!("duplicate sample: {note}"),
        "remove one of the two lines, or pass --duplicates first (count the first line of \
         each sample) or --duplicates keep (count both)",
    )
}
