//! Per-problem aggregation straight from the verdict stream: sample and correct counts
//! (n, c) for pass@k, and the running majority votes for maj@k, without keeping any verdict.
//!
//! maj@k is `metrics::MajorityVote` over a problem's first k samples: in `sample_idx` order
//! for samples whose record names its index (their ballots are kept until the problem
//! closes), else in input order. The stream scores it at k = 1, 2, 4, … as each problem
//! reaches that many samples, and keeps per k how many problems scored 1/t for each t: the
//! mean is then summed in one fixed order, so it does not depend on the order of problems.

use mathb_core::metrics::{Ballot, MajorityVote};
use mathb_core::verdict::Status;
use std::collections::{BTreeMap, HashMap};

/// Powers of two the stream scores maj@k at: k = 2^0 … 2^31.
pub const MAJ_LEVELS: u32 = 32;

/// Running counts of every problem, indexed by problem number (first-appearance order).
#[derive(Default)]
pub struct Tally {
    /// Samples per problem.
    pub n: Vec<u32>,
    /// Correct samples per problem.
    pub c: Vec<u32>,
    /// Per k scored: over problems with at least k samples, how many scored maj@k = 1/t,
    /// by t (a score of 0 is not kept).
    maj_scores: BTreeMap<u32, BTreeMap<u32, u64>>,
    /// k scored besides the powers of two (`mathb grade -k`), sorted.
    pub extra_ks: Vec<u32>,
    /// Samples per status, in `Status::ALL` order.
    pub counts: [u64; 4],
    /// Samples whose grading hit a bug (an undecided verdict with an internal-error reason).
    pub internal_errors: u64,
    /// Vote state of problems that may still get samples.
    open: HashMap<u32, MajorityVote>,
    /// Ballots of samples that name their index, by problem, voted when it closes.
    indexed: HashMap<u32, Vec<(u64, Ballot)>>,
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
        let ballot = self.count(problem, status, vote);
        self.vote(problem, ballot);
    }

    /// [`Tally::add`] for a sample whose record names its index: its ballot is voted in
    /// index order when the problem closes.
    pub fn add_indexed(&mut self, problem: u32, status: Status, vote: Option<u64>, idx: u64) {
        let ballot = self.count(problem, status, vote);
        self.indexed.entry(problem).or_default().push((idx, ballot));
    }

    fn count(&mut self, problem: u32, status: Status, vote: Option<u64>) -> Ballot {
        let p = problem as usize;
        let correct = status == Status::Correct;
        self.c[p] += correct as u32;
        self.counts[Status::ALL.iter().position(|s| *s == status).unwrap_or(3)] += 1;
        match (correct, vote) {
            (true, _) => Ballot::Gold,
            (false, None) => Ballot::Abstain,
            (false, Some(_)) if status == Status::NoAnswer => Ballot::Abstain,
            (false, Some(key)) => Ballot::Answer(key),
        }
    }

    fn vote(&mut self, problem: u32, ballot: Ballot) {
        let votes = self.open.entry(problem).or_default();
        votes.add(ballot);
        let seen = votes.samples();
        if seen.is_power_of_two() || self.extra_ks.binary_search(&seen).is_ok() {
            if let Some(t) = votes.tie_size() {
                *self
                    .maj_scores
                    .entry(seen)
                    .or_default()
                    .entry(t)
                    .or_default() += 1;
            }
        }
    }

    /// Votes the indexed ballots of `problem`, in index order (input order among equal
    /// indices, which only duplicates kept on purpose have).
    fn vote_indexed(&mut self, problem: u32) {
        if let Some(mut ballots) = self.indexed.remove(&problem) {
            ballots.sort_by_key(|&(idx, _)| idx);
            for (_, ballot) in ballots {
                self.vote(problem, ballot);
            }
        }
    }

    /// Frees the vote state of `problem`, which gets no more samples.
    pub fn close(&mut self, problem: u32) {
        self.vote_indexed(problem);
        self.open.remove(&problem);
    }

    /// Frees every vote state; call once after the last sample.
    pub fn close_all(&mut self) {
        let mut waiting: Vec<u32> = self.indexed.keys().copied().collect();
        waiting.sort_unstable();
        for problem in waiting {
            self.vote_indexed(problem);
            self.open.remove(&problem);
        }
        self.open.clear();
    }

    /// The sum over problems of their maj@k, added in increasing t.
    fn maj_sum(&self, k: u32) -> f64 {
        let Some(scores) = self.maj_scores.get(&k) else {
            return 0.0;
        };
        scores
            .iter()
            .map(|(&t, &count)| count as f64 / f64::from(t))
            // Not `sum()`: an empty float sum is -0.0, which would print as "-0.00%".
            .fold(0.0, |sum, score| sum + score)
    }

    /// Mean maj@k over problems for k = 1, 2, 4, … and the `extra_ks`, up to the fewest
    /// samples of a problem, in increasing k.
    pub fn maj_at_k(&self) -> Vec<(u64, f64)> {
        let Some(&fewest) = self.n.iter().min() else {
            return Vec::new();
        };
        let problems = self.n.len() as f64;
        let mut ks: Vec<u32> = (0..MAJ_LEVELS)
            .map(|i| 1u32 << i)
            .chain(self.extra_ks.iter().copied())
            .filter(|&k| k >= 1 && k <= fewest)
            .collect();
        ks.sort_unstable();
        ks.dedup();
        ks.into_iter()
            .map(|k| (u64::from(k), self.maj_sum(k) / problems))
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
        let sums: Vec<f64> = [1, 2, 4, 8].into_iter().map(|k| t.maj_sum(k)).collect();
        assert_eq!(sums, [1.0, 1.0, 0.5, 0.0]);
        assert!(t.maj_sum(8).is_sign_positive(), "no score is +0.0");
        assert_eq!(t.maj_at_k(), vec![(1, 0.5), (2, 0.5)]);
        assert_eq!(t.counts, [4, 4, 1, 0]);
    }

    #[test]
    fn indexed_samples_vote_in_index_order() {
        // The same samples given in index order and in reverse: the same maj@k.
        let seq = [
            (Some(1), Status::Incorrect),
            (Some(2), Status::Correct),
            (Some(1), Status::Incorrect),
            (Some(2), Status::Correct),
        ];
        let mut ordered = Tally::default();
        feed(&mut ordered, &seq);
        ordered.close_all();
        let mut reversed = Tally::default();
        let p = reversed.new_problem();
        for (i, &(vote, status)) in seq.iter().enumerate().rev() {
            reversed.next_sample(p);
            reversed.add_indexed(p, status, vote, i as u64);
        }
        reversed.close_all();
        // maj@1 takes sample 0 (wrong), not the last one given (right).
        assert_eq!(ordered.maj_at_k(), vec![(1, 0.0), (2, 0.5), (4, 0.5)]);
        assert_eq!(reversed.maj_at_k(), ordered.maj_at_k());
        // Any k asked for is scored too.
        let mut three = Tally {
            extra_ks: vec![3],
            ..Tally::default()
        };
        feed(&mut three, &seq);
        three.close_all();
        assert_eq!(
            three.maj_at_k(),
            vec![(1, 0.0), (2, 0.5), (3, 0.0), (4, 0.5)]
        );
    }
}
