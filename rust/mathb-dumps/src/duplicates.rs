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
    /// The policy named `keep`, `first` or `error`.
    pub fn parse(name: &str) -> Option<Duplicates> {
        match name {
            "keep" => Some(Duplicates::Keep),
            "first" => Some(Duplicates::First),
            "error" => Some(Duplicates::Error),
            _ => None,
        }
    }

    /// The policy's name.
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
    /// Per problem number, indexed by sample_idx: the first place holding that sample,
    /// packed (`pack`), 0 for none. Dumps number samples 0, 1, 2, …, so the table is dense:
    /// 8 bytes a sample and no hashing.
    dense: Vec<Vec<u64>>,
    /// The samples whose index is far beyond its problem's others (a sparse numbering).
    sparse: FxHashMap<(u32, u64), u64>,
    /// Duplicate samples found.
    pub count: u64,
    /// `file:line repeats …` for the first `NOTES_KEPT` of them.
    pub notes: Vec<String>,
}

/// An index this far past a problem's table goes to the sparse map instead of growing it.
const DENSE_SLACK: u64 = 1024;

/// Input number and line in one word: 24 bits of input, 40 of line (plus one, so that 0
/// means none); places beyond that (16 million inputs, a trillion lines) are not expected.
fn pack(input: u32, line: u64) -> u64 {
    (u64::from(input) << 40) | ((line + 1) & ((1 << 40) - 1))
}

fn unpack(place: u64) -> (u32, u64) {
    ((place >> 40) as u32, (place & ((1 << 40) - 1)) - 1)
}

impl SeenSamples {
    /// Records a sample; returns the place (input number, line) of the first line holding
    /// the same sample when this one repeats it.
    pub fn check(
        &mut self,
        problem: u32,
        sample_idx: u64,
        input: u32,
        line: u64,
    ) -> Option<(u32, u64)> {
        let p = problem as usize;
        if self.dense.len() <= p {
            self.dense.resize_with(p + 1, Vec::new);
        }
        let table = &mut self.dense[p];
        let slot = if sample_idx < table.len() as u64 + DENSE_SLACK {
            let i = sample_idx as usize;
            if table.len() <= i {
                table.resize(i + 1, 0);
            }
            // An index that was sparse when first seen stays in the sparse map.
            match self.sparse.get_mut(&(problem, sample_idx)) {
                Some(first) => first,
                None => &mut table[i],
            }
        } else {
            self.sparse.entry((problem, sample_idx)).or_insert(0)
        };
        match *slot {
            0 => {
                *slot = pack(input, line);
                None
            }
            first => Some(unpack(first)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_found_dense_or_sparse() {
        let mut seen = SeenSamples::default();
        assert_eq!(seen.check(0, 3, 0, 1), None);
        assert_eq!(seen.check(1, 3, 0, 2), None);
        assert_eq!(seen.check(0, 1 << 40, 1, 3), None); // far out: sparse
        assert_eq!(seen.check(0, 3, 2, 9), Some((0, 1)));
        assert_eq!(seen.check(0, 1 << 40, 0, 4), Some((1, 3)));
        // An index first seen sparse, then within a grown table, is still found.
        assert_eq!(seen.check(2, 5000, 0, 5), None);
        for i in 0..5000 {
            assert_eq!(seen.check(2, i, 0, 10 + i), None);
        }
        assert_eq!(seen.check(2, 5000, 0, 6), Some((0, 5)));
    }
}
