//! Helpers shared by the unit tests of the dump machinery.

use crate::stream::{grade_stream, StreamError, StreamOptions, Summary};
use std::path::PathBuf;

/// A fresh, empty directory for one test. `scope` keeps tests of different modules that
/// share a tag (they run in one process, in parallel) apart.
pub(crate) fn tempdir(scope: &str, tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mathb-{scope}-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Grades `spec` into memory: the summary and the verdict lines.
pub(crate) fn graded(spec: &str, opts: &StreamOptions) -> Result<(Summary, String), StreamError> {
    let mut out = Vec::new();
    let summary = grade_stream(spec, Some(&mut out), opts, &mut |_| true)?;
    Ok((summary, String::from_utf8(out).unwrap()))
}
