//! mathb-dumps: read dumps of math-model completions (files, directories, globs, stdin,
//! gzip / zstd, Parquet, the shapes of common evaluation tools), grade them in chunks with
//! mathb-core, and aggregate per problem.
//!
//! The grader itself is `mathb-core`; this crate is the dump machinery on top of it.
#![warn(missing_docs)]

pub mod aggregate;
mod chunk;
mod chunk_grading;
mod csv_rows;
pub mod dedupe;
pub mod diagnostics;
pub mod dump;
pub mod dump_model;
pub mod duplicates;
mod fallback_round;
pub mod formats;
pub mod id_pattern;
// Reachable from the fuzz targets (cargo-fuzz builds with `--cfg fuzzing`), private otherwise.
#[cfg(fuzzing)]
pub mod json_scan;
#[cfg(not(fuzzing))]
mod json_scan;
pub mod line_reader;
pub mod lossy_json;
pub mod malformed;
pub mod pairs;
#[cfg(feature = "parquet")]
pub mod parquet_rows;
pub mod record;
pub mod resume;
pub mod review;
pub mod sample_fields;
pub mod schema;
mod source;
pub mod stream;
pub mod verdict_file;
mod verdict_line;

pub use malformed::{ErrorLog, OnError};
pub use resume::VerdictLog;
pub use schema::{ErrorCode, FieldOverrides, Fields, InputError};
pub use stream::{
    grade_stream, grade_stream_resuming, grade_stream_with_fallback, Blocking, Fallback,
    FallbackFn, FallbackQueue, Progress, Settled, StreamError, StreamOptions, Summary,
};
pub use verdict_file::VerdictFile;

#[cfg(test)]
mod test_support;
