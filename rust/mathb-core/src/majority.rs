//! maj@k as the expected score of a majority vote over a uniformly random k-subset of a
//! problem's n samples, computed exactly from the problem's class counts (as the unbiased
//! pass@k is from (n, c)), so that maj@1 = pass@1 and no number depends on sample order.
//!
//! The vote over a subset scores 1 when the gold class has strictly the most votes, 1/t when
//! it ties with t − 1 answer classes (the expected score of a uniformly random tie-break),
//! and 0 otherwise (also when the subset holds no correct sample). Samples without an answer
//! abstain.
//!
//! With g correct samples and N = n − g others, the score is a sum over j, the number of
//! correct samples drawn: `P(j) · E[1/(1+T) · [every answer class has ≤ j votes]]`, the
//! expectation being over a uniform (k − j)-subset of the N others and T the number of
//! answer classes with exactly j votes. That expectation is a dynamic programme over the
//! answer classes that can reach j votes (the others, with the abstentions, never matter),
//! in probabilities (hypergeometric weights from log-factorials), so it neither overflows
//! nor depends on the order of the classes beyond rounding, and the classes are taken in
//! a fixed order so that it is the same in every run.

use crate::majority_sampled::sampled_maj_at_k;
use crate::metrics::{ln_binom, ln_factorials, Ballot, MetricError};
use std::collections::HashMap;

/// A problem's ballots counted by class: the input of [`expected_maj_at_k`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VoteCounts {
    /// Correct samples (the gold class).
    pub gold: u64,
    /// Samples without an answer.
    pub abstain: u64,
    /// Samples per answer class (wrong or undecided answers grouped by their class key).
    pub classes: HashMap<u64, u64>,
}

impl VoteCounts {
    /// Counts one ballot.
    pub fn add(&mut self, ballot: Ballot) {
        match ballot {
            Ballot::Abstain => self.abstain += 1,
            Ballot::Gold => self.gold += 1,
            Ballot::Answer(key) => *self.classes.entry(key).or_default() += 1,
        }
    }

    /// The counts of `ballots`.
    pub fn of(ballots: &[Ballot]) -> Self {
        let mut counts = VoteCounts::default();
        for &b in ballots {
            counts.add(b);
        }
        counts
    }

    /// Samples counted.
    pub fn samples(&self) -> u64 {
        self.gold + self.abstain + self.classes.values().sum::<u64>()
    }
}

/// maj@k of one problem at every k of `ks` (each in 1..=ballots.len()): the expected score
/// of the vote over a uniformly random k-subset of its samples, so maj@1 = pass@1 and the
/// order of `ballots` does not matter.
pub fn maj_at_k(ballots: &[Ballot], ks: &[u64]) -> Result<Vec<f64>, MetricError> {
    expected_maj_at_k(&VoteCounts::of(ballots), ks)
}

/// Hypergeometric terms below this fraction of their distribution's largest term are left
/// out: each is below 1e-17 in probability, far under a double's rounding of the sums.
const NEGLIGIBLE: f64 = 1e-18;

/// Work (inner steps) past which one k is estimated from resamples
/// (`majority_sampled`) instead of summed exactly: a few milliseconds. Problems of up to
/// ~128 samples are always exact.
const EXACT_BUDGET: f64 = 1.5e6;

/// Expected maj@k over uniformly random k-subsets at every k of `ks` (each in 1..=n).
///
/// Only the terms that carry probability are computed: the correct samples drawn, j, range
/// over the bulk of their hypergeometric law (a window of O(√k) values for large k), and so
/// do the votes a class gets; consecutive weights follow from each other by a ratio. A k
/// whose sum would still take more than `EXACT_BUDGET` steps (hundreds of samples drawn
/// with several large answer classes) is estimated from `majority_sampled::RESAMPLES`
/// seeded resamples instead (one walk per resample serves all such ks).
pub fn expected_maj_at_k(counts: &VoteCounts, ks: &[u64]) -> Result<Vec<f64>, MetricError> {
    let n = counts.samples();
    if let Some(&k) = ks.iter().find(|&&k| k == 0 || k > n) {
        return Err(MetricError::KOutOfRange { n, k });
    }
    let g = counts.gold;
    let others = n - g;
    if ks.is_empty() {
        return Ok(Vec::new());
    }
    let lf = ln_factorials(n);
    let mut sizes: Vec<u64> = counts.classes.values().copied().collect();
    sizes.sort_unstable();
    // Per k: the (j, P(j)) that carry probability; then, per j, the largest subset of the
    // others any k asks about.
    let mut terms: Vec<Vec<(u64, f64)>> = Vec::with_capacity(ks.len());
    // The ks too costly to sum, estimated together from one set of resamples.
    let mut costly: Vec<u64> = Vec::new();
    let mut s_max_of: std::collections::BTreeMap<u64, u64> = Default::default();
    for &k in ks {
        let lo = k.saturating_sub(others).max(1);
        let hi = g.min(k);
        let mut kept = Vec::new();
        if k > 1 && lo <= hi {
            let ln_all = ln_binom(&lf, n, k);
            let p = |j: u64| (ln_binom(&lf, g, j) + ln_binom(&lf, others, k - j) - ln_all).exp();
            let top = (lo..=hi).map(p).fold(0.0f64, f64::max);
            kept = (lo..=hi)
                .map(|j| (j, p(j)))
                .filter(|&(_, p_j)| p_j >= top * NEGLIGIBLE)
                .collect();
            let work: f64 = kept
                .iter()
                .map(|&(j, _)| {
                    let big = sizes.len() - sizes.partition_point(|&a| a < j);
                    // A class's votes among s samples of the N others: a window of about
                    // 16 standard deviations, σ ≤ √(s(N − s)/N)/2.
                    let (s, all) = ((k - j) as f64, others.max(1) as f64);
                    let votes = 8.0 * (s * (all - s) / all).max(0.0).sqrt() + 1.0;
                    big as f64 * (s + 1.0) * (j as f64).min(votes)
                })
                .sum();
            if work > EXACT_BUDGET {
                costly.push(k);
                kept.clear();
            }
            for &(j, _) in &kept {
                let s = s_max_of.entry(j).or_default();
                *s = (*s).max(k - j);
            }
        }
        terms.push(kept);
    }
    costly.sort_unstable();
    costly.dedup();
    let estimates = sampled_maj_at_k(g, &sizes, counts.abstain, &costly);
    let tie_weighted: HashMap<u64, Vec<f64>> = s_max_of
        .into_iter()
        .map(|(j, s_max)| (j, within_j(&sizes, counts.abstain, j, s_max, &lf)))
        .collect();
    let mut out = Vec::with_capacity(ks.len());
    for (&k, kept) in ks.iter().zip(&terms) {
        if let Ok(i) = costly.binary_search(&k) {
            out.push(estimates[i]);
            continue;
        }
        if k == 1 {
            // The closed form, without the rounding of the sum: one sample wins iff correct.
            out.push(g as f64 / n as f64);
            continue;
        }
        let score: f64 = kept
            .iter()
            .map(|&(j, p_j)| p_j * tie_weighted[&j][(k - j) as usize])
            .fold(0.0, |acc, x| acc + x);
        out.push(score.min(1.0));
    }
    Ok(out)
}

/// For s = 0..=s_max, E[1/(1+T) · [every class has ≤ j votes]] over uniform s-subsets of the
/// non-gold samples (classes of `sizes` plus `abstain` samples), T the classes at exactly j.
fn within_j(sizes: &[u64], abstain: u64, j: u64, s_max: u64, lf: &[f64]) -> Vec<f64> {
    let s_max = s_max as usize;
    // Classes smaller than j can never reach j: they join the abstentions in one pool,
    // every subset of which is allowed.
    let pool: u64 = abstain + sizes.iter().filter(|&&a| a < j).sum::<u64>();
    let big: Vec<u64> = sizes.iter().copied().filter(|&a| a >= j).collect();
    let t_cap = big.len().min(s_max / j as usize);
    let width = t_cap + 1;
    // p[s * width + t]: probability that an s-subset of the samples merged so far is allowed
    // and has t classes at exactly j.
    let mut p = vec![0.0f64; (s_max + 1) * width];
    let mut merged = pool;
    for s in 0..=s_max.min(pool as usize) {
        p[s * width] = 1.0;
    }
    let mut next = vec![0.0f64; p.len()];
    let mut t_now = 0usize;
    for &a in &big {
        let total = merged + a;
        next.iter_mut().for_each(|x| *x = 0.0);
        let t_next = (t_now + 1).min(t_cap);
        for s2 in 0..=s_max.min(total as usize) {
            let s2u = s2 as u64;
            // d, the votes of this class among s2 samples, is hypergeometric on [lo, hi];
            // w(d) = C(merged, s2 - d) C(a, d) / C(total, s2).
            let (lo, hi) = (s2u.saturating_sub(merged), a.min(s2u));
            let mode = ((s2u + 1) * (a + 1) / (total + 2)).clamp(lo, hi);
            let ln_all = ln_binom(lf, total, s2u);
            let w_mode = (ln_binom(lf, merged, s2u - mode) + ln_binom(lf, a, mode) - ln_all).exp();
            let floor = w_mode * NEGLIGIBLE;
            // w(d + 1) / w(d)
            let ratio = |d: u64| {
                ((a - d) as f64 / (d + 1) as f64)
                    * ((s2u - d) as f64 / (merged + d + 1 - s2u) as f64)
            };
            let mut add = |d: u64, w: f64| {
                if d > j {
                    return;
                }
                let s1 = s2 - d as usize;
                let bump = usize::from(d == j);
                let Some(t_top) = t_cap.checked_sub(bump) else {
                    return;
                };
                for t in 0..=t_now.min(t_top) {
                    let v = p[s1 * width + t];
                    if v != 0.0 {
                        next[s2 * width + t + bump] += v * w;
                    }
                }
            };
            let (mut d, mut w) = (mode, w_mode);
            loop {
                add(d, w);
                if d >= hi.min(j) {
                    break;
                }
                w *= ratio(d);
                d += 1;
                if w < floor {
                    break;
                }
            }
            let (mut d, mut w) = (mode, w_mode);
            while d > lo {
                w /= ratio(d - 1);
                d -= 1;
                if w < floor {
                    break;
                }
                add(d, w);
            }
        }
        std::mem::swap(&mut p, &mut next);
        merged = total;
        t_now = t_next;
    }
    (0..=s_max)
        .map(|s| {
            (0..=t_now)
                .map(|t| p[s * width + t] / (1 + t) as f64)
                .fold(0.0, |acc, x| acc + x)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{maj_at_k_first, pass_at_k};
    use Ballot::{Abstain, Answer, Gold};

    /// The mean over every k-subset of the first-k vote of that subset.
    fn brute(ballots: &[Ballot], k: usize) -> f64 {
        let n = ballots.len();
        let (mut sum, mut subsets) = (0.0, 0u64);
        for mask in 0u32..(1 << n) {
            if mask.count_ones() as usize != k {
                continue;
            }
            let chosen: Vec<Ballot> = (0..n)
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| ballots[i])
                .collect();
            sum += maj_at_k_first(&chosen, &[k as u64]).unwrap()[0];
            subsets += 1;
        }
        sum / subsets as f64
    }

    #[test]
    fn equals_the_mean_over_all_subsets() {
        let cases: Vec<Vec<Ballot>> = vec![
            vec![Answer(1), Gold, Gold, Answer(1), Answer(1), Abstain],
            vec![Answer(1), Answer(2), Gold, Abstain],
            vec![
                Gold,
                Answer(1),
                Answer(1),
                Answer(2),
                Answer(2),
                Gold,
                Abstain,
                Gold,
            ],
            vec![
                Answer(1),
                Answer(2),
                Answer(3),
                Answer(4),
                Gold,
                Gold,
                Answer(1),
            ],
            vec![Abstain, Abstain, Gold],
            vec![Answer(7), Answer(7), Answer(7)],
            vec![
                Gold,
                Gold,
                Answer(1),
                Answer(1),
                Answer(2),
                Answer(2),
                Answer(3),
                Answer(3),
            ],
        ];
        for ballots in cases {
            let n = ballots.len();
            let ks: Vec<u64> = (1..=n as u64).collect();
            let got = expected_maj_at_k(&VoteCounts::of(&ballots), &ks).unwrap();
            for k in 1..=n {
                let want = brute(&ballots, k);
                assert!(
                    (got[k - 1] - want).abs() < 1e-12,
                    "{ballots:?} k={k}: {} vs {want}",
                    got[k - 1]
                );
            }
        }
    }

    #[test]
    fn maj_at_1_is_pass_at_1_and_maj_at_n_the_full_vote() {
        let ballots = [
            Answer(1),
            Gold,
            Gold,
            Answer(1),
            Answer(1),
            Abstain,
            Answer(2),
        ];
        let counts = VoteCounts::of(&ballots);
        let got = expected_maj_at_k(&counts, &[1, 7]).unwrap();
        assert!((got[0] - pass_at_k(7, 2, 1).unwrap()).abs() < 1e-15);
        assert_eq!(got[1], maj_at_k_first(&ballots, &[7]).unwrap()[0]);
        assert!(expected_maj_at_k(&counts, &[0]).is_err());
        assert!(expected_maj_at_k(&counts, &[8]).is_err());
    }

    #[test]
    fn large_problems_stay_finite_and_within_bounds() {
        // 1024 samples: 300 correct, wrong answers in classes of 1 to 40, some abstaining.
        let mut counts = VoteCounts {
            gold: 300,
            abstain: 24,
            ..VoteCounts::default()
        };
        let mut left = 700u64;
        let mut key = 0;
        while left > 0 {
            let size = (key % 40 + 1).min(left);
            counts.classes.insert(key, size);
            left -= size;
            key += 1;
        }
        let ks: Vec<u64> = (1..=1024).collect();
        let got = expected_maj_at_k(&counts, &ks).unwrap();
        assert!((got[0] - 300.0 / 1024.0).abs() < 1e-12);
        assert!(got.iter().all(|x| x.is_finite() && (0.0..=1.0).contains(x)));
        // The gold class is by far the largest: the vote of all samples is won.
        assert!((got[1023] - 1.0).abs() < 1e-12);
    }
}
