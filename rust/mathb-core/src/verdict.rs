//! The outcome of grading one answer: a status, a short human reason, and what was extracted.

use crate::latex::MAX_ANSWER_CHARS;
use std::fmt;

/// Reason given when grading hit a bug; tests look for it.
pub const INTERNAL_ERROR: &str = "internal error";

/// What the grader concluded about one (gold, completion) pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// The answer equals the gold.
    Correct,
    /// The answer differs from the gold (the reason says how).
    Incorrect,
    /// Nothing that looks like a final answer was found in the completion.
    NoAnswer,
    /// The core could not decide; a slower fallback may.
    Undecided,
}

impl Status {
    /// Every status, in the order counts are kept.
    pub const ALL: [Status; 4] = [
        Status::Correct,
        Status::Incorrect,
        Status::NoAnswer,
        Status::Undecided,
    ];

    /// The status's name: `correct`, `incorrect`, `no_answer` or `undecided`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Correct => "correct",
            Status::Incorrect => "incorrect",
            Status::NoAnswer => "no_answer",
            Status::Undecided => "undecided",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who decided a verdict: the exact core, or a fallback (sympy in the Python package) that
/// settled a verdict the core left undecided.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DecidedBy {
    /// The exact core.
    #[default]
    Core,
    /// A fallback, after the core said undecided.
    Fallback,
}

impl DecidedBy {
    /// `"core"` or `"fallback"`, as verdict lines and the Python API write it.
    pub fn as_str(self) -> &'static str {
        match self {
            DecidedBy::Core => "core",
            DecidedBy::Fallback => "fallback",
        }
    }

    /// The value [`DecidedBy::as_str`] writes, read back.
    pub fn parse(text: &str) -> Option<DecidedBy> {
        match text {
            "core" => Some(DecidedBy::Core),
            "fallback" => Some(DecidedBy::Fallback),
            _ => None,
        }
    }
}

/// A verdict is data, never an error: every graded pair yields exactly one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// What was concluded.
    pub status: Status,
    /// Short explanation, e.g. "equal as exact numbers" or "gold is not in the supported slice".
    pub reason: String,
    /// The answer text taken from the completion, if any; past [`MAX_ANSWER_CHARS`]
    /// characters (the longest answer the parser reads) its start and "…".
    pub extracted: Option<String>,
    /// The core, unless a fallback settled what the core left undecided.
    pub decided_by: DecidedBy,
}

impl Verdict {
    /// A verdict decided by the core; `extracted` is shortened past the longest answer read.
    pub fn new(status: Status, reason: impl Into<String>, extracted: Option<String>) -> Self {
        Verdict {
            status,
            reason: reason.into(),
            extracted: extracted.map(shown),
            decided_by: DecidedBy::Core,
        }
    }

    /// Whether the status is `Correct`.
    pub fn is_correct(&self) -> bool {
        self.status == Status::Correct
    }

    /// Whether grading hit a bug (a panic caught and reported as this undecided verdict).
    pub fn is_internal_error(&self) -> bool {
        self.status == Status::Undecided && self.reason.starts_with(INTERNAL_ERROR)
    }

    /// Whether `extracted` holds the whole extracted answer, not its start and "…" (only a
    /// whole answer can be judged again, by the fallback).
    pub fn extracted_is_whole(&self) -> bool {
        self.extracted.as_ref().is_some_and(|e| {
            e.len() <= MAX_ANSWER_CHARS || e.chars().nth(MAX_ANSWER_CHARS).is_none()
        })
    }
}

/// An extracted answer as a verdict carries it: whole up to [`MAX_ANSWER_CHARS`] characters,
/// else that many and "…", so that a verdict line stays small whatever the completion holds.
fn shown(mut text: String) -> String {
    // At most that many bytes: at most that many characters.
    if text.len() <= MAX_ANSWER_CHARS {
        return text;
    }
    if let Some((cut, _)) = text.char_indices().nth(MAX_ANSWER_CHARS) {
        text.truncate(cut);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_extractions_are_cut() {
        let long = "9".repeat(MAX_ANSWER_CHARS + 1);
        let v = Verdict::new(Status::Undecided, "too long", Some(long));
        let shown = v.extracted.unwrap();
        assert_eq!(shown.chars().count(), MAX_ANSWER_CHARS + 1);
        assert!(shown.ends_with('…'));
        let exact = "é".repeat(MAX_ANSWER_CHARS);
        let v = Verdict::new(Status::Undecided, "at the bound", Some(exact.clone()));
        assert_eq!(v.extracted, Some(exact));
    }
}
