//! Diagnostics of malformed input: `path:LINE: error[CODE] message` plus a `help:` line that
//! says what to do. The one reader of the dump format words them all.

use std::fmt;

/// Diagnostic codes, stable across releases (tests and scripts match on them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// E001: the input cannot be opened.
    CannotOpen,
    /// E002: a line is not JSON (or not UTF-8).
    InvalidJson,
    /// E003: a line is JSON but not an object.
    NotAnObject,
    /// E004: a field the run needs (gold, completion, id) cannot be found.
    FieldNotFound,
    /// E005: a record lacks a field the run reads.
    MissingField,
    /// E006: a field holds the wrong type of value.
    WrongType,
    /// E007: a record's list of completions is empty.
    EmptySamples,
    /// E008: the input holds no record.
    NoRecords,
    /// E009: the input cannot be read (truncated or corrupt).
    Unreadable,
    /// E010: the verdicts file to resume does not belong to this input.
    ResumeMismatch,
    /// E011: a sample repeats an earlier one (with `--duplicates error`).
    Duplicate,
}

impl ErrorCode {
    /// The code as printed: `E001` … `E011`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::CannotOpen => "E001",
            ErrorCode::InvalidJson => "E002",
            ErrorCode::NotAnObject => "E003",
            ErrorCode::FieldNotFound => "E004",
            ErrorCode::MissingField => "E005",
            ErrorCode::WrongType => "E006",
            ErrorCode::EmptySamples => "E007",
            ErrorCode::NoRecords => "E008",
            ErrorCode::Unreadable => "E009",
            ErrorCode::ResumeMismatch => "E010",
            ErrorCode::Duplicate => "E011",
        }
    }
}

/// A malformed input: `path:LINE: error[CODE] message` plus a `help:` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// The input's name (`<stdin>` for standard input); empty until [`InputError::at`].
    pub path: String,
    /// The 1-based line (or table row), when the error is about one.
    pub line: Option<u64>,
    /// What kind of error.
    pub code: ErrorCode,
    /// What is wrong, in one line.
    pub message: String,
    /// What to do about it.
    pub help: String,
}

impl InputError {
    /// An error not yet placed in a file.
    pub fn new(code: ErrorCode, message: impl Into<String>, help: impl Into<String>) -> Self {
        InputError {
            path: String::new(),
            line: None,
            code,
            message: message.into(),
            help: help.into(),
        }
    }

    /// The error placed at `path`, `line`.
    pub fn at(mut self, path: &str, line: Option<u64>) -> Self {
        self.path = path.to_owned();
        self.line = line;
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.path)?,
            None => f.write_str(&self.path)?,
        }
        write!(
            f,
            ": error[{}] {}\n  help: {}",
            self.code.as_str(),
            self.message,
            self.help
        )
    }
}

impl std::error::Error for InputError {}
