//! Percentile-bootstrap intervals of a mean over problems, for the summary of `mathb grade`:
//! resample the problems with replacement, take the mean of each resample, and report the
//! quantiles. Seeded (SplitMix64), so the same counts give the same interval in every run.

use crate::metrics::{pass_at_k, MetricError};

/// SplitMix64: a small, fixed generator, enough to draw resample indices.
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n ≥ 1), by Lemire's multiply-shift (bias below 2⁻³² for n < 2³²).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
}

/// The (low, high) percentile-bootstrap interval at `level` of the mean of each column of
/// `values` (rows = problems), from `resamples` resamples of the rows drawn with `seed`.
/// Every column uses the same resamples. None per column when there are no rows.
pub fn bootstrap_intervals(
    values: &[Vec<f64>],
    resamples: usize,
    seed: u64,
    level: f64,
) -> Vec<Option<(f64, f64)>> {
    let columns = values.first().map_or(0, Vec::len);
    let rows = values.len();
    if rows == 0 || resamples == 0 {
        return vec![None; columns];
    }
    let mut rng = SplitMix64(seed);
    let mut means = vec![Vec::with_capacity(resamples); columns];
    let mut sums = vec![0.0f64; columns];
    for _ in 0..resamples {
        sums.iter_mut().for_each(|s| *s = 0.0);
        for _ in 0..rows {
            let row = &values[rng.below(rows)];
            for (s, v) in sums.iter_mut().zip(row) {
                *s += v;
            }
        }
        for (m, s) in means.iter_mut().zip(&sums) {
            m.push(s / rows as f64);
        }
    }
    let alpha = (1.0 - level) / 2.0;
    means
        .into_iter()
        .map(|mut m| {
            m.sort_by(f64::total_cmp);
            Some((quantile(&m, alpha), quantile(&m, 1.0 - alpha)))
        })
        .collect()
}

/// numpy's default ("linear") quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Bootstrap intervals of mean pass@k over problems (`n[i]` samples, `c[i]` correct) at each
/// k of `ks`.
pub fn pass_at_k_intervals(
    n: &[u64],
    c: &[u64],
    ks: &[u64],
    resamples: usize,
    seed: u64,
    level: f64,
) -> Result<Vec<Option<(f64, f64)>>, MetricError> {
    let values = n
        .iter()
        .zip(c)
        .map(|(&ni, &ci)| ks.iter().map(|&k| pass_at_k(ni, ci, k)).collect())
        .collect::<Result<Vec<Vec<f64>>, _>>()?;
    if values.is_empty() {
        return Ok(vec![None; ks.len()]);
    }
    Ok(bootstrap_intervals(&values, resamples, seed, level))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_hold_the_mean_and_are_seeded() {
        let n = vec![8u64; 40];
        let c: Vec<u64> = (0..40).map(|i| i % 9).collect();
        let mean1 = c.iter().map(|&x| x as f64 / 8.0).sum::<f64>() / 40.0;
        let a = pass_at_k_intervals(&n, &c, &[1, 4], 1000, 0, 0.95).unwrap();
        let b = pass_at_k_intervals(&n, &c, &[1, 4], 1000, 0, 0.95).unwrap();
        assert_eq!(a, b);
        let (lo, hi) = a[0].unwrap();
        assert!(
            lo < mean1 && mean1 < hi && hi - lo < 0.4,
            "{lo} {mean1} {hi}"
        );
        // A wider level gives a wider interval; another seed, another (close) one.
        let (lo99, hi99) = pass_at_k_intervals(&n, &c, &[1], 1000, 0, 0.99).unwrap()[0].unwrap();
        assert!(lo99 <= lo && hi <= hi99);
        assert_ne!(
            pass_at_k_intervals(&n, &c, &[1], 1000, 1, 0.95).unwrap()[0],
            a[0]
        );
        // Constant values: a point.
        let same = pass_at_k_intervals(&[4, 4], &[4, 4], &[2], 200, 0, 0.95).unwrap();
        assert_eq!(same, vec![Some((1.0, 1.0))]);
        assert_eq!(
            pass_at_k_intervals(&[], &[], &[1], 10, 0, 0.95).unwrap(),
            vec![None]
        );
        assert!(pass_at_k_intervals(&[2], &[3], &[1], 10, 0, 0.95).is_err());
    }

    #[test]
    fn quantiles_are_numpys_linear_ones() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 4.0);
        assert!((quantile(&v, 0.5) - 2.5).abs() < 1e-15);
        assert!((quantile(&v, 0.025) - 1.075).abs() < 1e-12);
    }
}
