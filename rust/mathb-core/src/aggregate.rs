//! Per-problem aggregation straight from the verdict stream: sample and correct counts
//! (n, c) for pass@k, and majority votes for maj@k, without keeping any verdict.
//!
//! maj@k of a problem: among its first k samples (input order) that have an extracted
//! answer, the answers are grouped by `cache::vote_key` (whitespace and spacing commands
//! ignored); the largest group wins, a tie going to the group seen first; the vote is
//! correct when the winning group's first sample was graded correct. A problem whose first
//! k samples have no answer at all counts as wrong.

use crate::verdict::Status;
use std::collections::HashMap;

/// Bit of `maj` that holds the vote over all of a problem's samples.
pub const MAJ_ALL_BIT: u32 = 31;

#[derive(Clone, Copy)]
struct Group {
    key: u64,
    count: u32,
    first: u32,
    correct: bool,
}

#[derive(Default)]
struct Votes {
    seen: u32,
    groups: Vec<Group>,
    /// Group of each key, built once a problem has many distinct answers (a linear scan
    /// is faster for the usual handful).
    index: Option<HashMap<u64, usize>>,
}

impl Votes {
    fn add(&mut self, key: Option<u64>, correct: bool) {
        let order = self.seen;
        self.seen += 1;
        let Some(key) = key else { return };
        let found = match &self.index {
            Some(index) => index.get(&key).copied(),
            None => self.groups.iter().position(|g| g.key == key),
        };
        match found {
            Some(i) => self.groups[i].count += 1,
            None => {
                self.groups.push(Group {
                    key,
                    count: 1,
                    first: order,
                    correct,
                });
                if let Some(index) = &mut self.index {
                    index.insert(key, self.groups.len() - 1);
                } else if self.groups.len() > 16 {
                    let index = self.groups.iter().enumerate().map(|(i, g)| (g.key, i));
                    self.index = Some(index.collect());
                }
            }
        }
    }

    fn winner_correct(&self) -> bool {
        self.groups
            .iter()
            .max_by(|a, b| a.count.cmp(&b.count).then(b.first.cmp(&a.first)))
            .is_some_and(|g| g.correct)
    }
}

/// Running counts of every problem, indexed by problem number (first-appearance order).
#[derive(Default)]
pub struct Tally {
    pub n: Vec<u32>,
    pub c: Vec<u32>,
    /// Bit i: maj@2^i was correct; bit 31: the vote over all samples was correct.
    pub maj: Vec<u32>,
    /// Samples per status, in `Status::ALL` order.
    pub counts: [u64; 4],
    /// Vote state of problems that may still get samples.
    open: HashMap<u32, Votes>,
}

impl Tally {
    /// Starts a problem and returns its number.
    pub fn new_problem(&mut self) -> u32 {
        self.n.push(0);
        self.c.push(0);
        self.maj.push(0);
        (self.n.len() - 1) as u32
    }

    /// Reserves the next sample index of `problem`.
    pub fn next_sample(&mut self, problem: u32) -> u32 {
        let n = &mut self.n[problem as usize];
        *n += 1;
        *n - 1
    }

    /// Records the verdict of `problem`'s next sample in order; `vote` is its vote key.
    pub fn add(&mut self, problem: u32, status: Status, vote: Option<u64>) {
        let p = problem as usize;
        let correct = status == Status::Correct;
        self.c[p] += correct as u32;
        self.counts[Status::ALL.iter().position(|s| *s == status).unwrap_or(3)] += 1;
        let votes = self.open.entry(problem).or_default();
        votes.add(vote, correct);
        if votes.seen.is_power_of_two() && votes.seen.trailing_zeros() < MAJ_ALL_BIT {
            let bit = votes.seen.trailing_zeros();
            self.maj[p] |= (votes.winner_correct() as u32) << bit;
        }
    }

    /// Settles the vote over all samples of `problem`, which gets no more samples.
    pub fn close(&mut self, problem: u32) {
        if let Some(votes) = self.open.remove(&problem) {
            self.maj[problem as usize] |= (votes.winner_correct() as u32) << MAJ_ALL_BIT;
        }
    }

    /// Settles every problem still open; call once after the last sample.
    pub fn close_all(&mut self) {
        let open: Vec<u32> = self.open.keys().copied().collect();
        for p in open {
            self.close(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majority_vote_prefixes() {
        let mut t = Tally::default();
        let p = t.new_problem();
        // answers: A(wrong) B(right) B(right) A(wrong) A(wrong), then none
        let seq = [
            (Some(1), Status::Incorrect),
            (Some(2), Status::Correct),
            (Some(2), Status::Correct),
            (Some(1), Status::Incorrect),
            (Some(1), Status::Incorrect),
            (None, Status::NoAnswer),
        ];
        for (vote, status) in seq {
            t.next_sample(p);
            t.add(p, status, vote);
        }
        t.close_all();
        assert_eq!((t.n[0], t.c[0]), (6, 2));
        // maj@1: A wins (wrong); maj@2: tie A/B, A first (wrong); maj@4: tie, A first.
        assert_eq!(t.maj[0] & 0b111, 0);
        assert_eq!(t.maj[0] >> MAJ_ALL_BIT, 0);
        let q = t.new_problem();
        for (vote, status) in [
            (Some(2), Status::Correct),
            (Some(1), Status::Incorrect),
            (Some(2), Status::Correct),
        ] {
            t.next_sample(q);
            t.add(q, status, vote);
        }
        t.close(q);
        assert_eq!(t.maj[1] & 0b11, 0b11);
        assert_eq!(t.maj[1] >> MAJ_ALL_BIT, 1);
        assert_eq!(t.counts, [4, 4, 1, 0]);
    }
}
