//! The outcome of grading one answer: a status, a short human reason, and what was extracted.

use std::fmt;

/// What the grader concluded about one (gold, completion) pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Correct,
    Incorrect,
    /// Nothing that looks like a final answer was found in the completion.
    NoAnswer,
    /// The core could not decide; a slower fallback may.
    Undecided,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Correct,
        Status::Incorrect,
        Status::NoAnswer,
        Status::Undecided,
    ];

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

/// A verdict is data, never an error: every graded pair yields exactly one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub status: Status,
    /// Short explanation, e.g. "equal as exact numbers" or "gold is not in the supported slice".
    pub reason: String,
    /// The answer text taken from the completion, if any.
    pub extracted: Option<String>,
}

impl Verdict {
    pub fn new(status: Status, reason: impl Into<String>, extracted: Option<String>) -> Self {
        Verdict {
            status,
            reason: reason.into(),
            extracted,
        }
    }

    pub fn is_correct(&self) -> bool {
        self.status == Status::Correct
    }
}
