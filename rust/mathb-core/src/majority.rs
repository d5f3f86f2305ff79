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

/// Expected maj@k over uniformly random k-subsets at every k of `ks` (each in 1..=n).
pub fn expected_maj_at_k(counts: &VoteCounts, ks: &[u64]) -> Result<Vec<f64>, MetricError> {
    let n = counts.samples();
    if let Some(&k) = ks.iter().find(|&&k| k == 0 || k > n) {
        return Err(MetricError::KOutOfRange { n, k });
    }
    let g = counts.gold;
    let others = n - g;
    let Some(&k_max) = ks.iter().max() else {
        return Ok(Vec::new());
    };
    let lf = ln_factorials(n);
    let mut sizes: Vec<u64> = counts.classes.values().copied().collect();
    sizes.sort_unstable();
    // tie_weighted[j][s]: E[1/(1+T) · [all classes ≤ j]] over s-subsets of the others.
    let top_j = g.min(k_max);
    let mut tie_weighted: Vec<Vec<f64>> = vec![Vec::new()];
    for j in 1..=top_j {
        let s_max = (k_max - j).min(others);
        tie_weighted.push(within_j(&sizes, counts.abstain, j, s_max, &lf));
    }
    let mut out = Vec::with_capacity(ks.len());
    for &k in ks {
        if k == 1 {
            // The closed form, without the rounding of the sum: one sample wins iff correct.
            out.push(g as f64 / n as f64);
            continue;
        }
        let mut score = 0.0f64;
        let lo = k.saturating_sub(others).max(1);
        for j in lo..=g.min(k) {
            let s = k - j;
            let p_j = (ln_binom(&lf, g, j) + ln_binom(&lf, others, s) - ln_binom(&lf, n, k)).exp();
            score += p_j * tie_weighted[j as usize][s as usize];
        }
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
            let ln_all = ln_binom(lf, total, s2 as u64);
            for d in 0..=j.min(a).min(s2 as u64) {
                let s1 = s2 - d as usize;
                if s1 as u64 > merged {
                    continue;
                }
                let w = (ln_binom(lf, merged, s1 as u64) + ln_binom(lf, a, d) - ln_all).exp();
                let bump = usize::from(d == j);
                for t in 0..=t_now {
                    let v = p[s1 * width + t];
                    if v != 0.0 && t + bump <= t_cap {
                        next[s2 * width + t + bump] += v * w;
                    }
                }
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
