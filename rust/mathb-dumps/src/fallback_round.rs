//! The fallback round of a chunk: its distinct undecided (gold, answer) pairs go to the
//! fallback once each, and the verdicts it settles replace the core's.

use mathb_core::verdict::{DecidedBy, Status, Verdict};

/// Settles undecided verdicts during a run: given distinct (gold, extracted answer) pairs,
/// returns for each the verdict that replaces it (status, reason), or None to keep it
/// undecided.
pub type Fallback<'a> = &'a mut (dyn FallbackFn + 'a);

/// The function behind [`Fallback`].
pub trait FallbackFn: FnMut(&[(&str, &str)]) -> Vec<Option<(Status, String)>> + Send {}
impl<F: FnMut(&[(&str, &str)]) -> Vec<Option<(Status, String)>> + Send> FallbackFn for F {}

/// Sends the chunk's distinct undecided (gold, extracted) pairs to `fallback` and applies
/// its verdicts (marked as decided by the fallback); returns the samples sent and settled.
pub(crate) fn ask_fallback<'f>(
    verdicts: &mut [Verdict],
    of: &[u32],
    golds: &[&str],
    fallback: &mut (dyn FallbackFn + 'f),
) -> (u64, u64) {
    let mut asked = vec![false; verdicts.len()];
    let mut todo: Vec<(usize, &str)> = Vec::new();
    for (s, &j) in of.iter().enumerate() {
        let j = j as usize;
        let v = &verdicts[j];
        if v.status == Status::Undecided && v.extracted_is_whole() && !asked[j] {
            asked[j] = true;
            todo.push((j, golds[s]));
        }
    }
    let mut settled = vec![false; verdicts.len()];
    if todo.is_empty() {
        return (0, 0);
    }
    // A gold of several answers asks about each of them (see `gold::fallback_plan`).
    let plans: Vec<Option<Vec<(String, bool)>>> = todo
        .iter()
        .map(|&(_, gold)| {
            mathb_core::gold::is_encoded(gold).then(|| mathb_core::gold::fallback_plan(gold))
        })
        .collect();
    let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(todo.len());
    for (&(j, gold), plan) in todo.iter().zip(&plans) {
        let answer = verdicts[j].extracted.as_deref().unwrap_or("");
        match plan {
            None => pairs.push((gold, answer)),
            Some(plan) => pairs.extend(plan.iter().map(|(g, _)| (g.as_str(), answer))),
        }
    }
    let mut results = fallback(&pairs).into_iter();
    let outcomes: Vec<Option<(Status, String)>> = todo
        .iter()
        .zip(&plans)
        .map(|(&(_, gold), plan)| match plan {
            None => results.next().flatten(),
            Some(plan) => {
                let mine: Vec<_> = results.by_ref().take(plan.len()).collect();
                mathb_core::gold::combine_fallback(gold, &mine)
            }
        })
        .collect();
    for (&(j, _), outcome) in todo.iter().zip(outcomes) {
        if let Some((status, reason)) = outcome.filter(|(s, _)| *s != Status::Undecided) {
            verdicts[j].status = status;
            verdicts[j].reason = reason;
            verdicts[j].decided_by = DecidedBy::Fallback;
            settled[j] = true;
        }
    }
    let (mut sent, mut done) = (0, 0);
    for &j in of {
        sent += u64::from(asked[j as usize]);
        done += u64::from(settled[j as usize]);
    }
    (sent, done)
}
