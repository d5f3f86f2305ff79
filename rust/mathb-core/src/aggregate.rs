//! Per-problem aggregation straight from the verdict stream: sample and correct counts
//! (n, c) for pass@k, and the running majority votes for maj@k, without keeping any verdict.
//!
//! maj@k is `metrics::MajorityVote` over a problem's first k samples in input order. The
//! stream scores it at k = 1, 2, 4, … as each problem reaches that many samples, and keeps
//! only the sum over problems per k.

use crate::metrics::{Ballot, MajorityVote};
use crate::verdict::Status;
use std::collections::HashMap;

/// Powers of two the stream scores maj@k at: k = 2^0 … 2^31.
pub const MAJ_LEVELS: usize = 32;

/// Running counts of every problem, indexed by problem number (first-appearance order).
#[derive(Default)]
pub struct Tally {
    pub n: Vec<u32>,
    pub c: Vec<u32>,
    /// Entry i: the sum over problems with at least 2^i samples of their maj@2^i.
    pub maj_sum: [f64; MAJ_LEVELS],
    /// Samples per status, in `Status::ALL` order.
    pub counts: [u64; 4],
    /// Samples whose grading hit a bug (an undecided verdict with an internal-error reason).
    pub internal_errors: u64,
    /// Vote state of problems that may still get samples.
    open: HashMap<u32, MajorityVote>,
}

impl Tally {
    /// Starts a problem and returns its number.
    pub fn new_problem(&mut self) -> u32 {
        self.n.push(0);
        self.c.push(0);
        (self.n.len() - 1) as u32
    }

    /// Reserves the next sample index of `problem`.
    pub fn next_sample(&mut self, problem: u32) -> u32 {
        let n = &mut self.n[problem as usize];
        *n += 1;
        *n - 1
    }

    /// Records the verdict of `problem`'s next sample in order; `vote` is the vote key of
    /// its extracted answer (None when nothing was extracted).
    pub fn add(&mut self, problem: u32, status: Status, vote: Option<u64>) {
        let p = problem as usize;
        let correct = status == Status::Correct;
        self.c[p] += correct as u32;
        self.counts[Status::ALL.iter().position(|s| *s == status).unwrap_or(3)] += 1;
        let ballot = match (correct, vote) {
            (true, _) => Ballot::Gold,
            (false, None) => Ballot::Abstain,
            (false, Some(_)) if status == Status::NoAnswer => Ballot::Abstain,
            (false, Some(key)) => Ballot::Answer(key),
        };
        let votes = self.open.entry(problem).or_default();
        votes.add(ballot);
        let seen = votes.samples();
        if seen.is_power_of_two() {
            self.maj_sum[seen.trailing_zeros() as usize] += votes.score();
        }
    }

    /// Frees the vote state of `problem`, which gets no more samples.
    pub fn close(&mut self, problem: u32) {
        self.open.remove(&problem);
    }

    /// Frees every vote state; call once after the last sample.
    pub fn close_all(&mut self) {
        self.open.clear();
    }

    /// Mean maj@k over problems for k = 1, 2, 4, … up to the fewest samples of a problem.
    pub fn maj_at_k(&self) -> Vec<(u64, f64)> {
        let Some(&fewest) = self.n.iter().min() else {
            return Vec::new();
        };
        let problems = self.n.len() as f64;
        (0..MAJ_LEVELS)
            .map(|i| 1u64 << i)
            .take_while(|&k| k <= u64::from(fewest))
            .map(|k| (k, self.maj_sum[k.trailing_zeros() as usize] / problems))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(t: &mut Tally, seq: &[(Option<u64>, Status)]) -> u32 {
        let p = t.new_problem();
        // The stream numbers a chunk's samples before it adds their verdicts.
        for _ in seq {
            t.next_sample(p);
        }
        for &(vote, status) in seq {
            t.add(p, status, vote);
        }
        p
    }

    #[test]
    fn majority_vote_prefixes() {
        let mut t = Tally::default();
        // answers: A(wrong) B(right) B(right) A(wrong) A(wrong), then none
        let first = [
            (Some(1), Status::Incorrect),
            (Some(2), Status::Correct),
            (Some(2), Status::Correct),
            (Some(1), Status::Incorrect),
            (Some(1), Status::Incorrect),
            (None, Status::NoAnswer),
        ];
        feed(&mut t, &first);
        // right, wrong, right (3 samples: it counts for maj@1 and maj@2 only)
        let second = [
            (Some(2), Status::Correct),
            (Some(1), Status::Incorrect),
            (Some(5), Status::Correct),
        ];
        feed(&mut t, &second);
        t.close_all();
        assert_eq!((t.n.clone(), t.c.clone()), (vec![6, 3], vec![2, 2]));
        // maj@1: 0 and 1; maj@2: tie (1/2) twice; maj@4 only the first problem: tie, 1/2.
        assert_eq!(&t.maj_sum[..4], &[1.0, 1.0, 0.5, 0.0]);
        assert_eq!(t.maj_at_k(), vec![(1, 0.5), (2, 0.5)]);
        assert_eq!(t.counts, [4, 4, 1, 0]);
    }
}
