//! Diagnostics of malformed input: `path:LINE: error[CODE] message` plus a `help:` line that
//! says what to do. The one reader of the dump format words them all.

use std::fmt;

/// Diagnostic codes, stable across releases (tests and scripts match on them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    CannotOpen,
    InvalidJson,
    NotAnObject,
    FieldNotFound,
    MissingField,
    WrongType,
    EmptySamples,
    NoRecords,
    Unreadable,
    ResumeMismatch,
    Duplicate,
}

impl ErrorCode {
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
    pub path: String,
    pub line: Option<u64>,
    pub code: ErrorCode,
    pub message: String,
    pub help: String,
}

impl InputError {
    pub fn new(code: ErrorCode, message: impl Into<String>, help: impl Into<String>) -> Self {
        InputError {
            path: String::new(),
            line: None,
            code,
            message: message.into(),
            help: help.into(),
        }
    }

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
