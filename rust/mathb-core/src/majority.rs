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
use crate::metrics::{hypergeometric, ln_factorials, Ballot, MetricError};
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
/// do the votes a class gets; consecutive weights follow from each other by a ratio. An
/// answer class enters the sum for a j only if it may tie or beat j votes with a chance
/// that matters (`can_reach`): where the gold is far ahead, no class does, and the sum is
/// one line per j. A k
/// whose sum would still take more than `EXACT_BUDGET` steps (hundreds of samples drawn
/// with several large answer classes) is estimated from `majority_sampled::RESAMPLES`
/// seeded resamples instead (one walk per resample serves all such ks).
pub fn expected_maj_at_k(counts: &VoteCounts, ks: &[u64]) -> Result<Vec<f64>, MetricError> {
    expected_maj_at_k_within(counts, ks, UNREACHABLE)
}

/// [`expected_maj_at_k`], a class being taken never to reach a count of votes when
/// Hoeffding's bound puts that below `unreachable` (a negative bound keeps every class).
fn expected_maj_at_k_within(
    counts: &VoteCounts,
    ks: &[u64],
    unreachable: f64,
) -> Result<Vec<f64>, MetricError> {
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
    // Per k: the (j, P(j)) that carry probability.
    let mut terms: Vec<Vec<(u64, f64)>> = Vec::with_capacity(ks.len());
    for &k in ks {
        let lo = k.saturating_sub(others).max(1);
        let hi = g.min(k);
        let mut kept = Vec::new();
        if k > 1 && lo <= hi {
            let p = |j: u64| hypergeometric(&lf, n, g, k, j);
            let top = (lo..=hi).map(p).fold(0.0f64, f64::max);
            kept = (lo..=hi)
                .map(|j| (j, p(j)))
                .filter(|&(_, p_j)| p_j >= top * NEGLIGIBLE)
                .collect();
        }
        terms.push(kept);
    }
    // The ks too costly to sum, estimated together from one set of resamples.
    let mut costly: Vec<u64> = Vec::new();
    let asked = demands(ks, &terms);
    for (&k, kept) in ks.iter().zip(terms.iter_mut()) {
        let work: f64 = kept
            .iter()
            .map(|&(j, _)| {
                let big = sizes
                    .iter()
                    .filter(|&&a| can_reach(a, j, asked[j as usize], others, unreachable))
                    .count();
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
    }
    costly.sort_unstable();
    costly.dedup();
    let estimates = sampled_maj_at_k(g, &sizes, counts.abstain, &costly);
    // Asked again without the costly ks: a smaller demand keeps fewer classes.
    // Per j asked about (by index), the tie-weighted chance of every class staying within j.
    let tie_weighted: Vec<Vec<f64>> = demands(ks, &terms)
        .into_iter()
        .enumerate()
        .map(|(j, demand)| match demand.held {
            false => Vec::new(),
            true => within_j(&sizes, counts.abstain, j as u64, demand, &lf, unreachable),
        })
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
            .map(|&(j, p_j)| p_j * tie_weighted[j as usize][(k - j) as usize])
            .fold(0.0, |acc, x| acc + x);
        out.push(score.min(1.0));
    }
    Ok(out)
}

/// What the sum asks of one count j of correct samples drawn: the most other samples drawn
/// beside them (the largest k − j), and the largest probability P(j) its term is weighted by.
#[derive(Clone, Copy, Debug, Default)]
struct Demand {
    s_max: u64,
    weight: f64,
    /// Whether any kept term holds this j.
    held: bool,
}

/// The [`Demand`] on each j (by index) that the kept terms of any k hold.
fn demands(ks: &[u64], terms: &[Vec<(u64, f64)>]) -> Vec<Demand> {
    let top = terms.iter().flatten().map(|&(j, _)| j as usize).max();
    let mut asked = vec![Demand::default(); top.map_or(0, |j| j + 1)];
    for (&k, kept) in ks.iter().zip(terms) {
        for &(j, p_j) in kept {
            let d = &mut asked[j as usize];
            d.held = true;
            d.s_max = d.s_max.max(k - j);
            d.weight = d.weight.max(p_j);
        }
    }
    asked
}

/// How much a class may move a term of the sum, at most, and still be taken never to reach
/// the j votes of the gold: far under a double's rounding of the sums.
const UNREACHABLE: f64 = 1e-20;

/// Whether a class of `a` among the `others` non-gold samples may reach j votes with a
/// chance that matters: when its chance of j or more votes among the others drawn, times
/// the weight of the terms that ask, is above `unreachable`. Its votes among s draws are
/// hypergeometric with mean μ = s·a/others, and Hoeffding's bound (which holds for draws
/// without replacement) gives P(votes ≥ j) ≤ exp(−2(j − μ)²/s) for j > μ. That tail grows
/// with s, so the bound at the largest s holds for every smaller one.
fn can_reach(a: u64, j: u64, demand: Demand, others: u64, unreachable: f64) -> bool {
    let s = demand.s_max;
    if a < j || s < j {
        return false;
    }
    let mean = s as f64 * a as f64 / others as f64;
    let gap = j as f64 - mean;
    gap <= 0.0 || demand.weight * (-2.0 * gap * gap / s as f64).exp() > unreachable
}

/// For s = 0..=s_max, E[1/(1+T) · [every class has ≤ j votes]] over uniform s-subsets of the
/// non-gold samples (classes of `sizes` plus `abstain` samples), T the classes at exactly j.
fn within_j(
    sizes: &[u64],
    abstain: u64,
    j: u64,
    demand: Demand,
    lf: &[f64],
    unreachable: f64,
) -> Vec<f64> {
    let others = abstain + sizes.iter().sum::<u64>();
    let reaches = |a: u64| can_reach(a, j, demand, others, unreachable);
    let s_max = demand.s_max as usize;
    // Classes that (but for a negligible probability) never reach j votes join the
    // abstentions in one pool, every subset of which is allowed.
    let pool: u64 = abstain + sizes.iter().filter(|&&a| !reaches(a)).sum::<u64>();
    let big: Vec<u64> = sizes.iter().copied().filter(|&a| reaches(a)).collect();
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
            let w_mode = hypergeometric(lf, total, a, s2u, mode);
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
    fn classes_that_cannot_reach_the_gold_change_nothing() {
        // 400 samples, the gold far ahead: at large k the answer classes' chance of tying
        // the gold is below any double, and leaving them out of the sum moves nothing.
        let counts = VoteCounts {
            gold: 220,
            abstain: 10,
            classes: [(1, 70), (2, 50), (3, 30), (4, 12), (5, 5), (6, 3)]
                .into_iter()
                .collect(),
        };
        let ks: Vec<u64> = (1..=400).collect();
        let pruned = expected_maj_at_k(&counts, &ks).unwrap();
        let full = expected_maj_at_k_within(&counts, &ks, -1.0).unwrap();
        for (k, (a, b)) in ks.iter().zip(pruned.iter().zip(&full)) {
            assert!((a - b).abs() < 1e-15, "k={k}: {a} vs {b}");
        }
        // The bound does leave classes out here, or this test would compare a sum with itself.
        // At k = 140 the gold may draw 70 (a term the sum keeps), leaving 70 others: the
        // class of 70 among those 180 gets all 70 with a chance under 1e-23.
        let demand = |s_max, weight| Demand {
            s_max,
            weight,
            held: true,
        };
        assert!(!can_reach(70, 70, demand(70, 1.0), 180, UNREACHABLE));
        assert!(can_reach(70, 70, demand(70, 1.0), 180, -1.0));
        assert!(can_reach(70, 40, demand(70, 1.0), 180, UNREACHABLE));
        // A likely tie in a term that is itself negligible is left out.
        assert!(!can_reach(70, 40, demand(70, 1e-22), 180, UNREACHABLE));
        // The smaller ks stay below 1: classes there can still tie the gold.
        assert!(pruned[3] < 0.999 && pruned[399] == 1.0);
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
