//! The fallback round of a chunk: its distinct undecided (gold, answer) pairs go to the
//! fallback once each, and the verdicts it settles replace the core's.
//!
//! The round is split in two so that the fallback works off the critical path: the pairs
//! are queued as soon as the core has graded the chunk ([`submit_undecided`]), the run
//! grades the next chunks meanwhile, and the chunk's verdicts are settled
//! ([`apply_settled`]) only when its lines are due.

use mathb_core::verdict::{DecidedBy, Status, Verdict};

/// The fallback's verdict on one pair: (status, reason), or None to keep it undecided.
pub type Settled = Option<(Status, String)>;

/// Settles undecided verdicts during a run, asynchronously: pairs are queued with
/// [`FallbackQueue::submit`], which must not wait for them, and their verdicts fetched with
/// [`FallbackQueue::collect`]. Tickets are collected in the order they were submitted.
pub trait FallbackQueue: Send {
    /// Queues distinct (gold, extracted answer) pairs; returns the ticket of their verdicts.
    fn submit(&mut self, pairs: &[(&str, &str)]) -> u64;
    /// Whether the verdicts of `ticket` are in (never waits).
    fn is_ready(&mut self, ticket: u64) -> bool;
    /// The verdicts of `ticket`'s pairs, in their order, waiting for them if needed.
    fn collect(&mut self, ticket: u64) -> Vec<Settled>;
}

/// The queue a run is given.
pub type Fallback<'a> = &'a mut (dyn FallbackQueue + 'a);

/// The function a [`Blocking`] fallback calls.
pub trait FallbackFn: FnMut(&[(&str, &str)]) -> Vec<Settled> + Send {}
impl<F: FnMut(&[(&str, &str)]) -> Vec<Settled> + Send> FallbackFn for F {}

/// A fallback that settles the pairs at once, when they are submitted.
pub struct Blocking<F> {
    settle: F,
    done: Vec<(u64, Vec<Settled>)>,
    next: u64,
}

impl<F: FallbackFn> Blocking<F> {
    /// A fallback that calls `settle` on each submission.
    pub fn new(settle: F) -> Self {
        Blocking {
            settle,
            done: Vec::new(),
            next: 0,
        }
    }
}

impl<F: FallbackFn> FallbackQueue for Blocking<F> {
    fn submit(&mut self, pairs: &[(&str, &str)]) -> u64 {
        let verdicts = (self.settle)(pairs);
        self.next += 1;
        self.done.push((self.next, verdicts));
        self.next
    }

    fn is_ready(&mut self, _ticket: u64) -> bool {
        true
    }

    fn collect(&mut self, ticket: u64) -> Vec<Settled> {
        match self.done.iter().position(|(t, _)| *t == ticket) {
            Some(i) => self.done.remove(i).1,
            None => Vec::new(),
        }
    }
}

/// The pairs a chunk sent to the fallback, waiting for its verdicts.
pub(crate) struct Asked {
    pub ticket: u64,
    /// (distinct verdict, a sample graded by it) per verdict asked about.
    todo: Vec<(usize, usize)>,
    /// Per verdict asked about: the plan of a gold of several answers (see
    /// `gold::fallback_plan`), None for a plain gold.
    plans: Vec<Option<Vec<(String, bool)>>>,
}

/// Queues the chunk's distinct undecided (gold, extracted) pairs with `fallback`; None when
/// there is none. `of` maps each sample to its distinct verdict, `golds` gives its gold.
pub(crate) fn submit_undecided(
    verdicts: &[Verdict],
    of: &[u32],
    golds: &[&str],
    fallback: &mut (dyn FallbackQueue + '_),
) -> Option<Asked> {
    let mut asked = vec![false; verdicts.len()];
    let mut todo: Vec<(usize, usize)> = Vec::new();
    for (s, &j) in of.iter().enumerate() {
        let j = j as usize;
        let v = &verdicts[j];
        if v.status == Status::Undecided && v.extracted_is_whole() && !asked[j] {
            asked[j] = true;
            todo.push((j, s));
        }
    }
    if todo.is_empty() {
        return None;
    }
    // A gold of several answers asks about each of them (see `gold::fallback_plan`).
    let plans: Vec<Option<Vec<(String, bool)>>> = todo
        .iter()
        .map(|&(_, s)| {
            let gold = golds[s];
            mathb_core::gold::is_encoded(gold).then(|| mathb_core::gold::fallback_plan(gold))
        })
        .collect();
    let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(todo.len());
    for (&(j, s), plan) in todo.iter().zip(&plans) {
        let answer = verdicts[j].extracted.as_deref().unwrap_or("");
        match plan {
            None => pairs.push((golds[s], answer)),
            Some(plan) => pairs.extend(plan.iter().map(|(g, _)| (g.as_str(), answer))),
        }
    }
    let ticket = fallback.submit(&pairs);
    Some(Asked {
        ticket,
        todo,
        plans,
    })
}

/// Applies the fallback's `results` for `asked` (marked as decided by the fallback);
/// returns the samples sent and settled.
pub(crate) fn apply_settled(
    verdicts: &mut [Verdict],
    of: &[u32],
    golds: &[&str],
    asked: &Asked,
    results: Vec<Settled>,
) -> (u64, u64) {
    let mut results = results.into_iter();
    let mut sent = vec![false; verdicts.len()];
    let mut settled = vec![false; verdicts.len()];
    for (&(j, s), plan) in asked.todo.iter().zip(&asked.plans) {
        sent[j] = true;
        let outcome = match plan {
            None => results.next().flatten(),
            Some(plan) => {
                let mine: Vec<_> = results.by_ref().take(plan.len()).collect();
                mathb_core::gold::combine_fallback(golds[s], &mine)
            }
        };
        if let Some((status, reason)) = outcome.filter(|(s, _)| *s != Status::Undecided) {
            verdicts[j].status = status;
            verdicts[j].reason = reason;
            verdicts[j].decided_by = DecidedBy::Fallback;
            settled[j] = true;
        }
    }
    let (mut n_sent, mut n_settled) = (0, 0);
    for &j in of {
        n_sent += u64::from(sent[j as usize]);
        n_settled += u64::from(settled[j as usize]);
    }
    (n_sent, n_settled)
}
