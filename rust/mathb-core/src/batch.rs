//! Parallel grading of batches with rayon; results are independent of the thread count.
//! Without the `rayon` feature a batch is graded serially on the calling thread.

use crate::gold::grade;
use crate::options::Options;
use crate::verdict::Verdict;
#[cfg(feature = "rayon")]
use rayon::prelude::*;

/// Why a batch could not be graded, by cause.
#[derive(Debug)]
pub enum BatchError {
    /// The caller's arguments: golds and completions of different lengths, zero threads.
    Invalid(String),
    /// The worker threads could not be started: the system's limits, not the input.
    Threads(String),
}

impl std::fmt::Display for BatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BatchError::Invalid(e) | BatchError::Threads(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for BatchError {}

/// Grades `completions[i]` against `golds[i]` for every i, in order.
///
/// `threads = None` uses rayon's global pool (all cores); `Some(1)` grades serially on the
/// calling thread; `Some(n)` uses a dedicated pool of n threads. Without the `rayon`
/// feature every batch is graded serially.
pub fn grade_batch<G, C>(
    golds: &[G],
    completions: &[C],
    opts: &Options,
    threads: Option<usize>,
) -> Result<Vec<Verdict>, BatchError>
where
    G: AsRef<str> + Sync,
    C: AsRef<str> + Sync,
{
    if golds.len() != completions.len() {
        return Err(BatchError::Invalid(format!(
            "golds and completions differ in length ({} vs {})",
            golds.len(),
            completions.len()
        )));
    }
    let serial = || -> Vec<Verdict> {
        golds
            .iter()
            .zip(completions)
            .map(|(g, c)| grade(g.as_ref(), c.as_ref(), opts))
            .collect()
    };
    #[cfg(not(feature = "rayon"))]
    return match threads {
        Some(0) => Err(BatchError::Invalid("threads must be at least 1".into())),
        _ => Ok(serial()),
    };
    #[cfg(feature = "rayon")]
    let run = || -> Vec<Verdict> {
        golds
            .par_iter()
            .zip(completions.par_iter())
            .map(|(g, c)| grade(g.as_ref(), c.as_ref(), opts))
            .collect()
    };
    #[cfg(feature = "rayon")]
    match threads {
        Some(0) => Err(BatchError::Invalid("threads must be at least 1".into())),
        Some(1) => Ok(serial()),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| BatchError::Threads(format!("could not start {n} threads: {e}")))?;
            Ok(pool.install(run))
        }
        None => Ok(run()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_result_for_any_thread_count() {
        let golds: Vec<String> = (0..200).map(|i| format!("{}", i % 7)).collect();
        let comps: Vec<String> = (0..200)
            .map(|i| format!("so \\boxed{{{}}}", i % 5))
            .collect();
        let o = Options::default();
        let one = grade_batch(&golds, &comps, &o, Some(1)).unwrap();
        for t in [None, Some(2), Some(3)] {
            assert_eq!(grade_batch(&golds, &comps, &o, t).unwrap(), one);
        }
    }

    #[test]
    fn length_mismatch_is_an_error() {
        assert!(grade_batch(&["1"], &["a", "b"], &Options::default(), None).is_err());
    }

    #[test]
    fn bad_arguments_are_the_callers_errors() {
        let opts = Options::default();
        for result in [
            grade_batch(&["1"], &["a", "b"], &opts, None),
            grade_batch(&["1"], &["a"], &opts, Some(0)),
        ] {
            assert!(matches!(result, Err(BatchError::Invalid(_))), "{result:?}");
        }
    }
}
