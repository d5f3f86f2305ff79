//! Per-problem aggregation straight from the verdict stream: sample and correct counts
//! (n, c) for pass@k, and the class counts of each problem's votes for maj@k, without
//! keeping any verdict.
//!
//! maj@k is `mathb_core::majority::expected_maj_at_k`, the expected vote over random
//! k-subsets: it needs only how many samples each answer class has, so sample order (and
//! `sample_idx`) does not matter. A problem is scored at k = 1, 2, 4, … (and the asked-for
//! ks) when it closes; the mean over problems is summed in a fixed order (the scores
//! sorted), so it does not depend on the order of problems either.

use mathb_core::majority::{expected_maj_at_k, VoteCounts};
use mathb_core::metrics::{numpy_mean, Ballot};
use mathb_core::no_answer::NoAnswerKind;
use mathb_core::verdict::Status;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Powers of two the stream scores maj@k at: k = 2^0 … 2^31.
pub const MAJ_LEVELS: u32 = 32;

/// maj@k of a problem closed with `votes`, at k = 1, 2, 4, … and the `extra` ks up to its
/// samples: (ks, scores).
fn score(votes: &VoteCounts, extra: &[u32]) -> (Vec<u64>, Vec<f64>) {
    let n = votes.samples();
    let mut ks: Vec<u64> = (0..MAJ_LEVELS)
        .map(|i| 1u64 << i)
        .chain(extra.iter().map(|&k| u64::from(k)))
        .filter(|&k| k >= 1 && k <= n)
        .collect();
    ks.sort_unstable();
    ks.dedup();
    // ks lie in 1..=n, the only error of the estimator.
    let scores = expected_maj_at_k(votes, &ks).unwrap_or_default();
    (ks, scores)
}

/// Running counts of every problem, indexed by problem number (first-appearance order).
#[derive(Default)]
pub struct Tally {
    /// Samples per problem.
    pub n: Vec<u32>,
    /// Correct samples per problem.
    pub c: Vec<u32>,
    /// Per k scored: the maj@k of every problem with at least k samples.
    maj_scores: BTreeMap<u32, Vec<f64>>,
    /// k scored besides the powers of two (`mathb grade -k`), sorted.
    pub extra_ks: Vec<u32>,
    /// Samples per status, in `Status::ALL` order.
    pub counts: [u64; 4],
    /// Samples whose grading hit a bug (an undecided verdict with an internal-error reason).
    pub internal_errors: u64,
    /// `no_answer` samples by why they hold no answer, in `NoAnswerKind::ALL` order.
    pub no_answer_kinds: [u64; 4],
    /// Vote counts of problems that may still get samples.
    open: HashMap<u32, VoteCounts>,
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

    /// Records the verdict of one of `problem`'s samples; `vote` is the class key of its
    /// extracted answer (None when nothing was extracted).
    pub fn add(&mut self, problem: u32, status: Status, vote: Option<u64>) {
        let ballot = self.count(problem, status, vote);
        self.open.entry(problem).or_default().add(ballot);
    }

    /// Counts why a `no_answer` sample holds no answer.
    pub fn note_no_answer(&mut self, kind: NoAnswerKind) {
        let i = NoAnswerKind::ALL
            .iter()
            .position(|k| *k == kind)
            .unwrap_or(3);
        self.no_answer_kinds[i] += 1;
    }

    /// [`Tally::add`] for a sample whose record names its index (maj@k no longer depends on
    /// the order of the samples, so the index is not needed).
    pub fn add_indexed(&mut self, problem: u32, status: Status, vote: Option<u64>, _idx: u64) {
        self.add(problem, status, vote);
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

    /// Scores `problem`, which gets no more samples, and frees its vote counts.
    pub fn close(&mut self, problem: u32) {
        let Some(votes) = self.open.remove(&problem) else {
            return;
        };
        let scored = score(&votes, &self.extra_ks);
        self.keep(scored);
    }

    fn keep(&mut self, (ks, scores): (Vec<u64>, Vec<f64>)) {
        for (k, score) in ks.into_iter().zip(scores) {
            self.maj_scores.entry(k as u32).or_default().push(score);
        }
    }

    /// Scores every problem still open; call once after the last sample. The problems are
    /// scored in parallel (on the current rayon pool): a dump keyed by problem id closes
    /// them all here, and a large problem's maj@k takes milliseconds.
    pub fn close_all(&mut self) {
        let mut waiting: Vec<(u32, VoteCounts)> = self.open.drain().collect();
        waiting.sort_unstable_by_key(|(p, _)| *p);
        let extra = &self.extra_ks;
        let scored: Vec<(Vec<u64>, Vec<f64>)> = waiting
            .par_iter()
            .with_max_len(1)
            .map(|(_, votes)| score(votes, extra))
            .collect();
        for one in scored {
            self.keep(one);
        }
    }

    /// The sum over problems of their maj@k, in a fixed order.
    #[cfg(test)]
    fn maj_sum(&self, k: u32) -> f64 {
        let Some(scores) = self.maj_scores.get(&k) else {
            return 0.0;
        };
        mean_in_fixed_order(scores) * scores.len() as f64
    }

    /// Mean maj@k over problems for k = 1, 2, 4, … and the `extra_ks`, up to the fewest
    /// samples of a problem, in increasing k.
    pub fn maj_at_k(&self) -> Vec<(u64, f64)> {
        let Some(&fewest) = self.n.iter().min() else {
            return Vec::new();
        };
        let mut ks: Vec<u32> = (0..MAJ_LEVELS)
            .map(|i| 1u32 << i)
            .chain(self.extra_ks.iter().copied())
            .filter(|&k| k >= 1 && k <= fewest)
            .collect();
        ks.sort_unstable();
        ks.dedup();
        ks.into_iter()
            .map(|k| {
                let scores = self.maj_scores.get(&k).map(Vec::as_slice).unwrap_or(&[]);
                // Every problem has at least `fewest` samples, so each was scored at k.
                (u64::from(k), mean_in_fixed_order(scores))
            })
            .collect()
    }
}

/// The mean of `scores` summed in increasing order (0 for none): the same bits whatever
/// order the problems came in.
fn mean_in_fixed_order(scores: &[f64]) -> f64 {
    if scores.is_empty() {
        return 0.0;
    }
    let mut sorted = scores.to_vec();
    sorted.sort_by(f64::total_cmp);
    // +0.0, never -0.0 (which would print as "-0.00%").
    numpy_mean(&sorted) + 0.0
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
    fn maj_at_k_is_the_cores_expected_vote_averaged_over_problems() {
        use mathb_core::maj_at_k;
        use Ballot::{Abstain, Answer, Gold};
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
        let a = maj_at_k(
            &[Answer(1), Gold, Gold, Answer(1), Answer(1), Abstain],
            &[1, 2, 4],
        )
        .unwrap();
        let b = maj_at_k(&[Gold, Answer(1), Gold], &[1, 2]).unwrap();
        // maj@1 is pass@1: (2/6 + 2/3) / 2.
        assert!((t.maj_at_k()[0].1 - 0.5).abs() < 1e-12);
        let got = t.maj_at_k();
        assert_eq!(got.len(), 2);
        assert!((got[1].1 - (a[1] + b[1]) / 2.0).abs() < 1e-12);
        // maj@4 is scored for the first problem only.
        assert!((t.maj_sum(4) - a[2]).abs() < 1e-12);
        assert_eq!(t.maj_sum(8), 0.0);
        assert_eq!(t.counts, [4, 4, 1, 0]);
    }

    #[test]
    fn order_and_indices_do_not_matter() {
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
        assert_eq!(reversed.maj_at_k(), ordered.maj_at_k());
        // maj@1 = pass@1 = 1/2, and maj@4 is a tie: 1/2.
        assert_eq!(ordered.maj_at_k()[0], (1, 0.5));
        assert_eq!(ordered.maj_at_k()[2], (4, 0.5));
        // Any k asked for is scored too.
        let mut three = Tally {
            extra_ks: vec![3],
            ..Tally::default()
        };
        feed(&mut three, &seq);
        three.close_all();
        let ks: Vec<u64> = three.maj_at_k().iter().map(|x| x.0).collect();
        assert_eq!(ks, vec![1, 2, 3, 4]);
    }
}
