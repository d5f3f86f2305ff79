//! Grades JSON Lines from stdin and prints one verdict per line: the five-minute start for a
//! Rust program that embeds the grader.
//!
//! Each input line is an object with the gold answer under `"answer"` (or `"gold"`) and the
//! model's output under `"completion"`:
//!
//! ```text
//! echo '{"answer": "\\frac12", "completion": "so the answer is $\\boxed{0.5}$"}' \
//!     | cargo run -p mathb-core --example grade_jsonl
//! ```
//!
//! prints `correct`, `0.5` and the reason, separated by tabs. Reading whole dumps (files, compression, the shapes of
//! evaluation tools, per-problem pass@k) is the job of the `mathb-dumps` crate.

// A command-line program reports bad input on stderr.
#![allow(clippy::print_stderr)]

use mathb_core::{grade, Options};
use serde_json::Value;
use std::io::{self, BufRead, Write};
use std::process::ExitCode;

fn text(record: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match record.get(*k)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn main() -> ExitCode {
    let options = Options::default();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for (i, line) in io::stdin().lock().lines().enumerate() {
        let number = i + 1;
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                eprintln!("<stdin>:{number}: cannot read: {e}");
                return ExitCode::from(2);
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let record: Value = match serde_json::from_str(&line) {
            Ok(record) => record,
            Err(e) => {
                eprintln!("<stdin>:{number}: not a JSON object: {e}");
                return ExitCode::from(2);
            }
        };
        let (Some(gold), Some(completion)) = (
            text(&record, &["answer", "gold"]),
            text(&record, &["completion"]),
        ) else {
            eprintln!("<stdin>:{number}: needs \"answer\" (or \"gold\") and \"completion\"");
            return ExitCode::from(2);
        };
        let verdict = grade(&gold, &completion, &options);
        let extracted = verdict.extracted.as_deref().unwrap_or("");
        if writeln!(out, "{}\t{extracted}\t{}", verdict.status, verdict.reason).is_err() {
            // The reader went away (a closed pipe): nothing left to do.
            return ExitCode::SUCCESS;
        }
    }
    ExitCode::SUCCESS
}
