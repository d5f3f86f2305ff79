//! Grading a chunk of samples with work avoided: every completion's final answer is
//! extracted first (cheap, parallel), then samples with the same gold and the same
//! extraction share one verdict, graded once.
//!
//! A verdict of `grade` depends only on the gold and the extraction (its text and method),
//! so grading one representative completion per (gold, extraction) and reusing its verdict
//! gives exactly the verdicts of grading every pair. The representative is judged by
//! `grade_extracted`, the step of `grade` after extraction, so nothing is extracted twice.

use mathb_core::answer_class::answer_class_key;
use mathb_core::budget::{self, Outcome};
use mathb_core::extract::{extract_final_answer_with, repair_control_escapes, Extraction};
use mathb_core::gold::{grade, grade_extracted};
use mathb_core::memo::BoundedMemo;
use mathb_core::no_answer::{why_no_answer, NoAnswerKind};
use mathb_core::options::Options;
use mathb_core::verdict::Verdict;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// The verdicts of a chunk: `verdicts` holds one per distinct (gold, extraction), and
/// `of[i]` is sample i's index into it; `votes[i]` is the majority-vote key of sample i's
/// extracted answer (None when nothing was extracted).
pub struct Graded {
    /// One verdict per distinct (gold, extraction).
    pub verdicts: Vec<Verdict>,
    /// Per sample, the index of its verdict in `verdicts`.
    pub of: Vec<u32>,
    /// Per sample, the vote key of its extracted answer (None when nothing was extracted).
    pub votes: Vec<Option<u64>>,
}

/// Every sample's extracted answer, and the majority-vote key of that answer.
pub struct Extracted {
    /// None when extraction panicked (a bug): such a sample is graded alone, where `grade`
    /// turns the panic into an undecided verdict.
    pub answers: Vec<Option<Option<Extraction>>>,
    /// Per sample, the vote key of its extracted answer (None when nothing was extracted).
    pub votes: Vec<Option<u64>>,
    /// Per sample with nothing extracted, why (see `mathb_core::no_answer`); None otherwise.
    pub why: Vec<Option<NoAnswerKind>>,
}

/// (gold, (extracted text, extraction method)), or no extraction.
type PairKey<'a> = (&'a str, Option<(&'a str, &'static str)>);

/// Grades `(gold, completion)` pairs; runs on the current rayon pool.
pub fn grade_deduped(samples: &[(&str, &str)], opts: &Options) -> Graded {
    let completions: Vec<&str> = samples.iter().map(|s| s.1).collect();
    let golds: Vec<&str> = samples.iter().map(|s| s.0).collect();
    let extracted = extract_answers(&completions, opts);
    let (verdicts, of) = grade_distinct(&golds, &extracted.answers, |i| samples[i].1, opts, None);
    Graded {
        verdicts,
        of,
        votes: extracted.votes,
    }
}

/// Extracts the final answer of every completion, in parallel on the current rayon pool.
pub fn extract_answers(completions: &[&str], opts: &Options) -> Extracted {
    let pairs: Vec<Answer> = completions
        .par_iter()
        .map(|completion| extract_answer(completion, opts))
        .collect();
    let why = completions
        .iter()
        .zip(&pairs)
        .map(|(c, (answer, _))| why_of(c, answer))
        .collect();
    let (answers, votes) = pairs.into_iter().unzip();
    Extracted {
        answers,
        votes,
        why,
    }
}

/// Why a completion whose extraction found nothing holds no answer; None when it holds one.
pub fn why_of(completion: &str, answer: &Option<Option<Extraction>>) -> Option<NoAnswerKind> {
    matches!(answer, Some(None)).then(|| why_no_answer(completion))
}

/// One completion's extracted answer (None when extraction panicked) and its vote key.
pub type Answer = (Option<Option<Extraction>>, Option<u64>);

/// The [`Answer`] of one completion.
pub fn extract_answer(completion: &str, opts: &Options) -> Answer {
    extract_answer_of(completion, true, opts)
}

/// [`extract_answer`], told whether the completion may hold control characters to repair
/// (`false` when its reader knows it holds none, which saves a scan of the text).
pub fn extract_answer_of(completion: &str, controls: bool, opts: &Options) -> Answer {
    extract_answer_keyed(completion, controls, opts, &mut ClassKeys::default())
}

/// Class keys of the answers already seen, by text, up to a few MiB: a thread computes each
/// distinct answer's key once while they fit (a key depends only on the text, so this
/// changes no key).
pub struct ClassKeys(BoundedMemo<u64>);

impl Default for ClassKeys {
    fn default() -> Self {
        ClassKeys(BoundedMemo::new(4 << 20))
    }
}

impl ClassKeys {
    fn key(&mut self, text: &str) -> u64 {
        self.0
            .get_or_insert_with(text, |_| 0, || answer_class_key(text))
    }
}

/// [`extract_answer_of`], taking class keys from (and adding them to) `keys`.
pub fn extract_answer_keyed(
    completion: &str,
    controls: bool,
    opts: &Options,
    keys: &mut ClassKeys,
) -> Answer {
    let answer = extraction(completion, controls, opts);
    let vote = match &answer {
        Some(Some(x)) => Some(keys.key(&x.text)),
        _ => None,
    };
    (answer, vote)
}

/// A completion's final answer; None when extraction panicked or ran out of budget.
fn extraction(completion: &str, controls: bool, opts: &Options) -> Option<Option<Extraction>> {
    match budget::run(|| match controls {
        true => extract_final_answer_with(&repair_control_escapes(completion), opts.extract),
        false => extract_final_answer_with(completion, opts.extract),
    }) {
        Outcome::Done(answer) => Some(answer),
        Outcome::Exceeded | Outcome::Panicked => None,
    }
}

/// [`grade_deduped`] for a caller that needs verdicts only (no vote keys): one verdict per
/// distinct (gold, extraction), and each sample's index into them. Runs on the current
/// rayon pool.
pub fn grade_pairs(samples: &[(&str, &str)], opts: &Options) -> (Vec<Verdict>, Vec<u32>) {
    let answers: Vec<Option<Option<Extraction>>> = samples
        .par_iter()
        .map(|&(_, completion)| extraction(completion, true, opts))
        .collect();
    let golds: Vec<&str> = samples.iter().map(|s| s.0).collect();
    grade_distinct(&golds, &answers, |i| samples[i].1, opts, None)
}

/// Verdicts of the (gold, extraction) pairs graded in earlier chunks of a run, so that a
/// pair met again later (a problem split between chunks, the same questions answered by
/// several models further on) is not graded again. Bounded: once its entries take
/// [`VerdictCache::MAX_BYTES`], it starts afresh.
#[derive(Default)]
pub struct VerdictCache {
    verdicts: FxHashMap<Box<[u8]>, Verdict>,
    bytes: usize,
}

impl VerdictCache {
    /// Bytes the entries take at most, counted as their keys (gold and answer), the
    /// verdicts' texts and [`VerdictCache::ENTRY_BYTES`] each.
    pub const MAX_BYTES: usize = 32 << 20;
    /// What an entry takes besides its texts: the key's and the verdict's headers, the
    /// table's slot and the allocator's rounding.
    const ENTRY_BYTES: usize = 128;

    /// Writes the key of (gold, extraction) into `key`: the gold's length first, so that no
    /// two pairs share a key.
    fn key(key: &mut Vec<u8>, gold: &str, x: &Extraction) {
        key.clear();
        key.extend_from_slice(&(gold.len() as u64).to_le_bytes());
        key.extend_from_slice(gold.as_bytes());
        key.extend_from_slice(x.method.as_str().as_bytes());
        key.push(0);
        key.extend_from_slice(x.text.as_bytes());
    }

    fn insert(&mut self, key: Box<[u8]>, verdict: Verdict) {
        let size = key.len()
            + verdict.reason.len()
            + verdict.extracted.as_ref().map_or(0, String::len)
            + Self::ENTRY_BYTES;
        if self.bytes + size > Self::MAX_BYTES {
            self.verdicts.clear();
            self.bytes = 0;
        }
        self.bytes += size;
        self.verdicts.insert(key, verdict);
    }
}

/// One verdict per distinct (gold, extraction) of the samples whose golds and answers (as
/// `extract_answers` found them) are given, and each sample's index into them; grading runs
/// on the current rayon pool. `completion(i)` is sample i's completion, asked for only when
/// its extraction panicked. With `cache`, pairs graded before are taken from it and the
/// others added to it.
pub fn grade_distinct<'c>(
    golds: &[&str],
    answers: &[Option<Option<Extraction>>],
    completion: impl Fn(usize) -> &'c str + Sync,
    opts: &Options,
    cache: Option<&mut VerdictCache>,
) -> (Vec<Verdict>, Vec<u32>) {
    let mut first_of: FxHashMap<PairKey<'_>, u32> = FxHashMap::default();
    let mut representatives: Vec<usize> = Vec::new();
    let mut of = Vec::with_capacity(golds.len());
    for (i, gold) in golds.iter().enumerate() {
        let next = representatives.len() as u32;
        let id = match &answers[i] {
            None => {
                representatives.push(i);
                next
            }
            Some(e) => {
                let key = (
                    *gold,
                    e.as_ref().map(|x| (x.text.as_str(), x.method.as_str())),
                );
                *first_of.entry(key).or_insert_with(|| {
                    representatives.push(i);
                    next
                })
            }
        };
        of.push(id);
    }
    let grade_one = |i: usize| match &answers[i] {
        Some(extraction) => grade_extracted(golds[i], extraction.clone(), opts),
        // Extraction panicked: `grade` reports that as an undecided verdict.
        None => grade(golds[i], completion(i), opts),
    };
    let Some(cache) = cache else {
        return (
            representatives.par_iter().map(|&i| grade_one(i)).collect(),
            of,
        );
    };
    // Representatives with an extracted answer are looked up; the others are graded.
    let mut key = Vec::new();
    let mut verdicts: Vec<Option<Verdict>> = representatives
        .iter()
        .map(|&i| match &answers[i] {
            Some(Some(x)) => {
                VerdictCache::key(&mut key, golds[i], x);
                cache.verdicts.get(key.as_slice()).cloned()
            }
            _ => None,
        })
        .collect();
    let missing: Vec<usize> = (0..representatives.len())
        .filter(|&r| verdicts[r].is_none())
        .collect();
    let graded: Vec<Verdict> = missing
        .par_iter()
        .map(|&r| grade_one(representatives[r]))
        .collect();
    for (r, verdict) in missing.into_iter().zip(graded) {
        let i = representatives[r];
        if let Some(Some(x)) = &answers[i] {
            VerdictCache::key(&mut key, golds[i], x);
            cache.insert(key.as_slice().into(), verdict.clone());
        }
        verdicts[r] = Some(verdict);
    }
    let verdicts = verdicts
        .into_iter()
        .map(|v| v.expect("every representative is looked up or graded"))
        .collect();
    (verdicts, of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_verdicts_as_grading_every_pair() {
        let golds = ["\\frac{1}{2}", "3", "x+1"];
        let comps = [
            "so \\boxed{0.5}",
            "so \\boxed{\\frac12}",
            "The answer is 3.",
            "no idea",
            "so \\boxed{1+x}",
            "so \\boxed{0.5}",
            "\u{c}rac{1}{2} is \\boxed{\u{c}rac{1}{2}}",
        ];
        let mut samples = Vec::new();
        for g in golds {
            for c in comps {
                samples.push((g, c));
            }
        }
        let o = Options::default();
        let graded = grade_deduped(&samples, &o);
        let (verdicts, of) = grade_pairs(&samples, &o);
        assert!(graded.verdicts.len() < samples.len());
        for (i, (g, c)) in samples.iter().enumerate() {
            let expected = grade(g, c, &o);
            assert_eq!(graded.verdicts[graded.of[i] as usize], expected, "{g} {c}");
            assert_eq!(verdicts[of[i] as usize], expected, "{g} {c}");
        }
    }

    #[test]
    fn a_cache_gives_the_verdicts_of_grading_again() {
        let o = Options::default();
        let golds = ["\\frac{1}{2}", "3", "\\frac{1}{2}", "7"];
        let comps = [
            "so \\boxed{0.5}",
            "The answer is 3.",
            "no idea",
            "\\boxed{7.0}",
        ];
        let answers = extract_answers(&comps, &o).answers;
        let mut cache = VerdictCache::default();
        let plain = grade_distinct(&golds, &answers, |i| comps[i], &o, None);
        let first = grade_distinct(&golds, &answers, |i| comps[i], &o, Some(&mut cache));
        // Three pairs have an answer to keep; the fourth has none and is graded each time.
        assert_eq!(cache.verdicts.len(), 3);
        let kept = cache.bytes;
        let again = grade_distinct(&golds, &answers, |i| comps[i], &o, Some(&mut cache));
        assert_eq!((cache.verdicts.len(), cache.bytes), (3, kept));
        assert_eq!(first, plain);
        assert_eq!(again, plain);
        // The same answer to another gold is another pair.
        let other = grade_distinct(&["0.6"], &answers[..1], |i| comps[i], &o, Some(&mut cache));
        assert_eq!(cache.verdicts.len(), 4);
        assert!(!other.0[0].is_correct() && plain.0[plain.1[0] as usize].is_correct());
    }

    #[test]
    fn a_full_cache_starts_afresh() {
        let mut cache = VerdictCache::default();
        let verdict = grade("1", "\\boxed{1}", &Options::default());
        let big = VerdictCache::MAX_BYTES / 2 + 1;
        cache.insert(vec![1u8; big].into(), verdict.clone());
        cache.insert(vec![2u8; 10].into(), verdict.clone());
        assert_eq!(cache.verdicts.len(), 2);
        let size = cache.bytes;
        cache.insert(vec![3u8; big].into(), verdict);
        assert_eq!(cache.verdicts.len(), 1);
        assert!(cache.bytes > big && cache.bytes < size);
    }
}
