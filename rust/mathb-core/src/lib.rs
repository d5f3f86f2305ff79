//! mathb-core: extract final answers from math-model completions, decide whether they equal
//! the gold answer (exactly, or `Undecided` when unsure), and compute pass@k.
//!
//! The crate is plain Rust; the Python bindings live in `mathb-py`.

pub mod aggregate;
pub mod batch;
pub mod budget;
pub mod cache;
pub mod choice;
mod chunk;
pub mod clock;
mod csv_rows;
pub mod diagnostics;
pub mod dump;
pub mod dump_model;
pub mod duplicates;
pub mod equiv;
pub mod exact;
pub mod explain;
pub mod expr;
pub mod extract;
mod fallback_round;
pub mod formats;
pub mod gold;
pub mod grade;
pub mod id_pattern;
// Reachable from the fuzz targets (cargo-fuzz builds with `--cfg fuzzing`), private otherwise.
#[cfg(fuzzing)]
pub mod json_scan;
#[cfg(not(fuzzing))]
mod json_scan;
pub mod latex;
pub mod line_reader;
pub mod lossy_json;
pub mod malformed;
pub mod metrics;
pub mod modular;
pub mod normalize;
pub mod number;
mod number_words;
pub mod numeric;
pub mod options;
#[cfg(feature = "parquet")]
pub mod parquet_rows;
pub mod python_text;
pub mod render;
pub mod resume;
pub mod review;
pub mod sample_fields;
pub mod schema;
mod settle;
pub mod solve;
pub mod stream;
mod unread;
pub mod verdict;
pub mod verdict_file;

pub use batch::{grade_batch, BatchError};
pub use extract::{
    extract_final_answer, extract_final_answer_with, ExtractMode, Extraction, Method,
};
// Gold-aware: a gold may hold several answers (see `gold`); a plain gold goes straight through.
pub use gold::{grade, verify};
pub use malformed::{ErrorLog, OnError};
pub use metrics::{maj_at_k, pass_at_k, Ballot, MajorityVote, MetricError};
pub use options::{DecimalPolicy, Options};
pub use resume::VerdictLog;
pub use schema::{ErrorCode, FieldOverrides, Fields, InputError};
pub use stream::{
    grade_stream, grade_stream_resuming, grade_stream_with_fallback, Fallback, FallbackFn,
    Progress, StreamError, StreamOptions, Summary,
};
pub use verdict::{Status, Verdict};
pub use verdict_file::VerdictFile;

#[cfg(test)]
mod test_support;
