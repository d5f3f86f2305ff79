//! What a run does with a malformed record (invalid JSON, a missing or mistyped field, an
//! input that cannot be read past some line): stop, skip it, or write an error line for it.

use crate::diagnostics::InputError;

/// The `--on-error` policy of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnError {
    /// The run fails with the record's diagnostic (the default).
    #[default]
    Stop,
    /// The record is left out of the verdicts and counted.
    Skip,
    /// The record gets one `"status":"error"` line in the verdicts, and is counted.
    Record,
}

impl OnError {
    /// The policy named `stop`, `skip` or `record`.
    pub fn parse(name: &str) -> Option<OnError> {
        match name {
            "stop" => Some(OnError::Stop),
            "skip" => Some(OnError::Skip),
            "record" => Some(OnError::Record),
            _ => None,
        }
    }

    /// The policy's name.
    pub fn as_str(self) -> &'static str {
        match self {
            OnError::Stop => "stop",
            OnError::Skip => "skip",
            OnError::Record => "record",
        }
    }
}

/// Diagnostics a summary keeps word for word; past them only the count grows.
pub const KEPT_DIAGNOSTICS: usize = 20;

/// The malformed records of a run that went on past them.
#[derive(Clone, Debug, Default)]
pub struct ErrorLog {
    /// Malformed records seen.
    pub count: u64,
    /// The first [`KEPT_DIAGNOSTICS`] diagnostics, `path:LINE: error[CODE] message` each.
    pub first: Vec<String>,
}

impl ErrorLog {
    /// Counts `e`, keeping its headline while fewer than [`KEPT_DIAGNOSTICS`] are kept.
    pub fn add(&mut self, e: &InputError) {
        self.count += 1;
        if self.first.len() < KEPT_DIAGNOSTICS {
            self.first.push(headline(e));
        }
    }
}

/// `path:LINE: error[CODE] message`, the diagnostic without its help line.
pub fn headline(e: &InputError) -> String {
    let text = e.to_string();
    text.lines().next().unwrap_or_default().to_owned()
}

/// The verdict line of a malformed record:
/// `{"line":7,"file":"d.jsonl","status":"error","reason":"error[E002] invalid JSON: …"}`.
/// `line` is null when the whole input failed (it cannot be opened, or holds no line).
pub fn error_line(e: &InputError) -> Vec<u8> {
    let line = e.line.map_or("null".to_owned(), |l| l.to_string());
    let reason = format!("error[{}] {}", e.code.as_str(), e.message);
    let json = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    format!(
        "{{\"line\":{line},\"file\":{},\"status\":\"error\",\"reason\":{}}}\n",
        json(&e.path),
        json(&reason)
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::ErrorCode;

    #[test]
    fn error_lines_name_the_file_line_and_code() {
        let e = InputError::new(ErrorCode::InvalidJson, "invalid \"JSON\"", "help")
            .at("dir/a.jsonl", Some(7));
        assert_eq!(
            String::from_utf8(error_line(&e)).unwrap(),
            "{\"line\":7,\"file\":\"dir/a.jsonl\",\"status\":\"error\",\
             \"reason\":\"error[E002] invalid \\\"JSON\\\"\"}\n"
        );
        assert_eq!(headline(&e), "dir/a.jsonl:7: error[E002] invalid \"JSON\"");
        let whole = InputError::new(ErrorCode::CannotOpen, "gone", "h").at("b.jsonl", None);
        assert!(String::from_utf8(error_line(&whole))
            .unwrap()
            .starts_with("{\"line\":null,\"file\":\"b.jsonl\","));
        let mut log = ErrorLog::default();
        for _ in 0..KEPT_DIAGNOSTICS + 5 {
            log.add(&e);
        }
        assert_eq!((log.count, log.first.len()), (25, KEPT_DIAGNOSTICS));
    }
}
