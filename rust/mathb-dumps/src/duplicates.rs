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

/// Which (problem, sample_idx) were seen, where the first of each was, and the duplicates
/// found so far.
#[derive(Default)]
pub struct SeenSamples {
    /// Per problem number: its samples seen, one bit each, and where they were.
    dense: Vec<ProblemSamples>,
    /// The samples whose index is far beyond its problem's others (a sparse numbering),
    /// with their place packed (`pack`).
    sparse: FxHashMap<(u32, u64), u64>,
    /// Duplicate samples found.
    pub count: u64,
    /// `file:line repeats …` for the first `NOTES_KEPT` of them.
    pub notes: Vec<String>,
}

/// One problem's samples. Dumps number samples 0, 1, 2, … and write them in order, one
/// problem after another or one round of every problem after another, so the lines of
/// consecutive indices form a few arithmetic runs: a bit per sample and a run per stretch
/// hold what 8 bytes per sample would (1 bit at 10⁸ samples instead of 800 MB).
#[derive(Default)]
struct ProblemSamples {
    seen: Vec<u64>,
    /// Samples marked seen.
    marked: u64,
    runs: Vec<Run>,
    /// Set when the lines follow no order (runs would outgrow the samples): places are
    /// then no longer kept for this problem.
    unordered: bool,
}

/// Samples `first_idx + i` at line `first_line + i·stride` of one input, for i < len.
struct Run {
    input: u32,
    first_line: u64,
    first_idx: u64,
    len: u64,
    stride: u64,
}

/// An index this far past a problem's table goes to the sparse map instead of growing it.
const DENSE_SLACK: u64 = 1024;

/// A problem keeps its runs while they stay this few, or fewer than one per 8 samples.
const FEW_RUNS: usize = 64;

/// Input number and line in one word: 24 bits of input, 40 of line (plus one, so that 0
/// means none); places beyond that (16 million inputs, a trillion lines) are not expected.
fn pack(input: u32, line: u64) -> u64 {
    (u64::from(input) << 40) | ((line + 1) & ((1 << 40) - 1))
}

fn unpack(place: u64) -> (u32, u64) {
    ((place >> 40) as u32, (place & ((1 << 40) - 1)) - 1)
}

/// What a sample is to the samples before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// The first line holding it.
    First,
    /// A repeat, with the place (input number, line) of the first line when it is known.
    Again(Option<(u32, u64)>),
}

impl ProblemSamples {
    fn bits(&self) -> u64 {
        self.seen.len() as u64 * 64
    }

    /// Marks sample `idx` seen; whether it already was.
    fn mark(&mut self, idx: u64) -> bool {
        let (word, bit) = ((idx / 64) as usize, idx % 64);
        if self.seen.len() <= word {
            self.seen.resize(word + 1, 0);
        }
        let was = self.seen[word] >> bit & 1 == 1;
        self.seen[word] |= 1 << bit;
        self.marked += u64::from(!was);
        was
    }

    fn record(&mut self, idx: u64, input: u32, line: u64) {
        if self.unordered {
            return;
        }
        if let Some(run) = self.runs.last_mut() {
            if run.input == input && idx == run.first_idx + run.len {
                let next = run.first_line + run.len * run.stride;
                if run.len == 1 && line > run.first_line {
                    run.stride = line - run.first_line;
                    run.len += 1;
                    return;
                }
                if run.len > 1 && line == next {
                    run.len += 1;
                    return;
                }
            }
        }
        if self.runs.len() >= FEW_RUNS && self.runs.len() as u64 * 8 > self.marked {
            self.unordered = true;
            self.runs = Vec::new();
            return;
        }
        self.runs.push(Run {
            input,
            first_line: line,
            first_idx: idx,
            len: 1,
            stride: 0,
        });
    }

    fn place(&self, idx: u64) -> Option<(u32, u64)> {
        self.runs
            .iter()
            .find(|r| (r.first_idx..r.first_idx + r.len).contains(&idx))
            .map(|r| (r.input, r.first_line + (idx - r.first_idx) * r.stride))
    }
}

impl SeenSamples {
    /// Records a sample. A repeat comes with the place of the first line holding the same
    /// sample when `want_place` (looking it up scans the problem's runs, so a run that
    /// keeps no more notes does not ask).
    pub fn check(
        &mut self,
        problem: u32,
        sample_idx: u64,
        input: u32,
        line: u64,
        want_place: bool,
    ) -> Seen {
        let p = problem as usize;
        if self.dense.len() <= p {
            self.dense.resize_with(p + 1, ProblemSamples::default);
        }
        let samples = &mut self.dense[p];
        // An index that was sparse when first seen stays in the sparse map.
        let sparse_first = match self.sparse.is_empty() {
            true => None,
            false => self.sparse.get(&(problem, sample_idx)).copied(),
        };
        if sparse_first.is_none() && sample_idx < samples.bits() + DENSE_SLACK {
            if samples.mark(sample_idx) {
                return Seen::Again(want_place.then(|| samples.place(sample_idx)).flatten());
            }
            samples.record(sample_idx, input, line);
            return Seen::First;
        }
        match sparse_first {
            Some(first) => Seen::Again(Some(unpack(first))),
            None => {
                self.sparse.insert((problem, sample_idx), pack(input, line));
                Seen::First
            }
        }
    }

    /// Counts a duplicate and keeps its note while there is room.
    pub fn note(&mut self, text: Option<String>) {
        self.count += 1;
        if let Some(text) = text.filter(|_| self.has_room()) {
            self.notes.push(text);
        }
    }

    /// Whether a note would still be kept.
    pub fn has_room(&self) -> bool {
        self.notes.len() < NOTES_KEPT
    }
}

/// `b.jsonl:7 repeats problem "p1" sample_idx 3 of a.jsonl:2` (or "of an earlier line"
/// where the first place was not kept).
pub fn describe(
    at: (&str, u64),
    first: Option<(&str, u64)>,
    problem: &str,
    sample_idx: u64,
) -> String {
    let of = match first {
        Some((name, line)) => format!("{name}:{line}"),
        None => "an earlier line".to_string(),
    };
    format!(
        "{}:{} repeats problem {problem} sample_idx {sample_idx} of {of}",
        at.0, at.1
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
        let mut check = |p, i, input, line| match seen.check(p, i, input, line, true) {
            Seen::First => None,
            Seen::Again(place) => Some(place.expect("places are kept here")),
        };
        assert_eq!(check(0, 3, 0, 1), None);
        assert_eq!(check(1, 3, 0, 2), None);
        assert_eq!(check(0, 1 << 40, 1, 3), None); // far out: sparse
        assert_eq!(check(0, 3, 2, 9), Some((0, 1)));
        assert_eq!(check(0, 1 << 40, 0, 4), Some((1, 3)));
        // An index first seen sparse, then within a grown table, is still found.
        assert_eq!(check(2, 5000, 0, 5), None);
        for i in 0..5000 {
            assert_eq!(check(2, i, 0, 10 + i), None);
        }
        assert_eq!(check(2, 5000, 0, 6), Some((0, 5)));
        assert_eq!(check(2, 4321, 1, 99_999), Some((0, 10 + 4321)));
    }

    #[test]
    fn ordered_dumps_keep_a_few_runs_and_every_place() {
        // Problem-major (stride 1) and round-major (stride = problems) layouts, over two
        // inputs; every repeat names its first line.
        let (problems, rounds) = (50u64, 200u64);
        let mut seen = SeenSamples::default();
        let mut line = 0;
        for round in 0..rounds {
            for p in 0..problems {
                assert_eq!(seen.check(p as u32, round, 0, line, true), Seen::First);
                line += 1;
            }
        }
        for p in 0..problems {
            for idx in 0..rounds {
                let first = idx * problems + p;
                assert_eq!(
                    seen.check(p as u32, idx, 1, idx, true),
                    Seen::Again(Some((0, first)))
                );
            }
        }
        assert!(seen.dense.iter().all(|s| s.runs.len() == 1));
        let mut by_problem = SeenSamples::default();
        for p in 0..3u32 {
            for idx in 0..1000 {
                by_problem.check(p, idx, 0, u64::from(p) * 1000 + idx, false);
            }
        }
        assert!(by_problem.dense.iter().all(|s| s.runs.len() == 1));
        assert_eq!(
            by_problem.check(1, 999, 0, 5000, true),
            Seen::Again(Some((0, 1999)))
        );
        // Without a wish for the place, none is looked up.
        assert_eq!(by_problem.check(1, 998, 0, 5001, false), Seen::Again(None));
    }

    #[test]
    fn an_unordered_problem_drops_its_places_but_still_finds_repeats() {
        let mut seen = SeenSamples::default();
        // Indices in a scrambled order: every sample starts a run of its own.
        let order: Vec<u64> = (0..4096u64).map(|i| (i * 2654435761) % 4096).collect();
        for (line, &idx) in order.iter().enumerate() {
            assert_eq!(seen.check(0, idx, 0, line as u64, true), Seen::First);
        }
        assert!(seen.dense[0].unordered && seen.dense[0].runs.is_empty());
        for idx in [0, 17, 4095] {
            assert_eq!(seen.check(0, idx, 0, 9999, true), Seen::Again(None));
        }
    }
}
