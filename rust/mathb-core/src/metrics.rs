//! Benchmark metrics over per-problem counts: the unbiased pass@k estimator.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetricError {
    /// c > n: more correct samples than samples.
    CorrectExceedsSamples { n: u64, c: u64 },
    /// k outside 1..=n.
    KOutOfRange { n: u64, k: u64 },
}

impl fmt::Display for MetricError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetricError::CorrectExceedsSamples { n, c } => {
                write!(f, "c = {c} correct samples exceeds n = {n} samples")
            }
            MetricError::KOutOfRange { n, k } => write!(f, "k = {k} must be between 1 and n = {n}"),
        }
    }
}

impl std::error::Error for MetricError {}

/// The mean of `values` as numpy's `mean` computes it for a float64 array: pairwise
/// summation in numpy's order (blocks of up to 128 summed in 8 lanes), divided by the
/// length; so summaries match numpy's bit for bit without importing it. NaN when empty.
pub fn numpy_mean(values: &[f64]) -> f64 {
    pairwise_sum(values) / values.len() as f64
}

/// numpy's `pairwise_sum` for doubles (`loops_utils.h.src`).
fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for x in a {
            res += x;
        }
        res
    } else if n <= 128 {
        let mut r = [0.0; 8];
        r.copy_from_slice(&a[..8]);
        let mut i = 8;
        while i < n - n % 8 {
            for j in 0..8 {
                r[j] += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for x in &a[i..] {
            res += x;
        }
        res
    } else {
        let half = n / 2;
        let half = half - half % 8;
        pairwise_sum(&a[..half]) + pairwise_sum(&a[half..])
    }
}

/// Unbiased pass@k: the probability that at least one of k samples drawn without replacement
/// from n (of which c are correct) is correct, `1 − C(n−c, k) / C(n, k)`.
///
/// Computed as `1 − Π_{i=n−c+1..n} (1 − k/i)`, which never forms the huge binomials and stays
/// accurate for n in the thousands.
pub fn pass_at_k(n: u64, c: u64, k: u64) -> Result<f64, MetricError> {
    if c > n {
        return Err(MetricError::CorrectExceedsSamples { n, c });
    }
    if k == 0 || k > n {
        return Err(MetricError::KOutOfRange { n, k });
    }
    if n - c < k {
        return Ok(1.0);
    }
    let kf = k as f64;
    let mut prod = 1.0f64;
    for i in (n - c + 1)..=n {
        prod *= 1.0 - kf / i as f64;
    }
    Ok(1.0 - prod)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact 1 − C(n−c,k)/C(n,k) with integer binomials, for small n.
    fn exact(n: u64, c: u64, k: u64) -> f64 {
        fn binom(n: u64, k: u64) -> u128 {
            if k > n {
                return 0;
            }
            let mut r: u128 = 1;
            for i in 0..k {
                r = r * (n - i) as u128 / (i + 1) as u128;
            }
            r
        }
        1.0 - binom(n - c, k) as f64 / binom(n, k) as f64
    }

    #[test]
    fn matches_combinatorial_definition() {
        for n in 1..=20 {
            for c in 0..=n {
                for k in 1..=n {
                    let got = pass_at_k(n, c, k).unwrap();
                    assert!((got - exact(n, c, k)).abs() < 1e-12, "n={n} c={c} k={k}");
                }
            }
        }
    }

    #[test]
    fn edge_cases() {
        assert_eq!(pass_at_k(10, 0, 5).unwrap(), 0.0);
        assert_eq!(pass_at_k(10, 10, 1).unwrap(), 1.0);
        assert!((pass_at_k(10, 3, 1).unwrap() - 0.3).abs() < 1e-15);
        assert!(pass_at_k(3, 4, 1).is_err());
        assert!(pass_at_k(3, 1, 0).is_err());
        assert!(pass_at_k(3, 1, 4).is_err());
    }

    #[test]
    fn large_n_is_finite_and_monotone() {
        let mut last = 0.0;
        for k in 1..=1024 {
            let p = pass_at_k(1024, 1, k).unwrap();
            assert!(p.is_finite() && p >= last);
            last = p;
        }
        assert!((pass_at_k(1024, 1, 1).unwrap() - 1.0 / 1024.0).abs() < 1e-15);
    }
}
