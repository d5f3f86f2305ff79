//! Grading a chunk of samples with work avoided: every completion's final answer is
//! extracted first (cheap, parallel), then samples with the same gold and the same
//! extraction share one verdict, graded once.
//!
//! A verdict of `grade` depends only on the gold and the extraction (its text and method),
//! so grading one representative completion per (gold, extraction) and reusing its verdict
//! gives exactly the verdicts of grading every pair. The representative is judged by
//! `grade_extracted`, the step of `grade` after extraction, so nothing is extracted twice.

use crate::extract::{extract_final_answer_with, repair_control_escapes, Extraction};
use crate::grade::{grade, grade_extracted};
use crate::options::Options;
use crate::verdict::Verdict;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// The verdicts of a chunk: `verdicts` holds one per distinct (gold, extraction), and
/// `of[i]` is sample i's index into it; `votes[i]` is the majority-vote key of sample i's
/// extracted answer (None when nothing was extracted).
pub struct Graded {
    pub verdicts: Vec<Verdict>,
    pub of: Vec<u32>,
    pub votes: Vec<Option<u64>>,
}

/// (gold, (extracted text, extraction method)), or no extraction.
type PairKey<'a> = (&'a str, Option<(&'a str, &'static str)>);

/// Grades `(gold, completion)` pairs; runs on the current rayon pool.
pub fn grade_deduped(samples: &[(&str, &str)], opts: &Options) -> Graded {
    // A panic inside extraction is a bug: such a sample is graded alone, where `grade`
    // turns the panic into an undecided verdict.
    let extractions: Vec<Option<Option<Extraction>>> = samples
        .par_iter()
        .map(|(_, completion)| {
            std::panic::catch_unwind(|| {
                extract_final_answer_with(&repair_control_escapes(completion), opts.extract)
            })
            .ok()
        })
        .collect();
    let votes = extractions
        .par_iter()
        .map(|e| match e {
            Some(Some(x)) => Some(vote_key(&x.text)),
            _ => None,
        })
        .collect();
    let mut first_of: HashMap<PairKey<'_>, u32> = HashMap::new();
    let mut representatives: Vec<usize> = Vec::new();
    let mut of = Vec::with_capacity(samples.len());
    for (i, (gold, _)) in samples.iter().enumerate() {
        let next = representatives.len() as u32;
        let id = match &extractions[i] {
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
    let verdicts = representatives
        .par_iter()
        .map(|&i| match &extractions[i] {
            Some(extraction) => grade_extracted(samples[i].0, extraction.clone(), opts),
            // Extraction panicked: `grade` reports that as an undecided verdict.
            None => grade(samples[i].0, samples[i].1, opts),
        })
        .collect();
    Graded {
        verdicts,
        of,
        votes,
    }
}

/// The key majority voting groups answers by: the extracted text with whitespace, LaTeX
/// spacing commands and `\left`/`\right` removed and `\dfrac`/`\tfrac` read as `\frac`,
/// hashed with fixed keys (the same in every run).
pub fn vote_key(text: &str) -> u64 {
    let mut s = text.to_owned();
    for (from, to) in [
        ("\\dfrac", "\\frac"),
        ("\\tfrac", "\\frac"),
        ("\\left", ""),
        ("\\right", ""),
        ("\\,", ""),
        ("\\;", ""),
        ("\\:", ""),
        ("\\!", ""),
        ("\\ ", ""),
    ] {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for c in s.chars().filter(|c| !c.is_whitespace()) {
        c.hash(&mut h);
    }
    h.finish()
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
        assert!(graded.verdicts.len() < samples.len());
        for (i, (g, c)) in samples.iter().enumerate() {
            assert_eq!(
                graded.verdicts[graded.of[i] as usize],
                grade(g, c, &o),
                "{g} {c}"
            );
        }
    }

    #[test]
    fn vote_keys_ignore_spacing() {
        assert_eq!(vote_key("\\dfrac{1}{2}"), vote_key("\\frac { 1 } { 2 }"));
        assert_eq!(vote_key("\\left(1,2\\right)"), vote_key("(1, 2)"));
        assert_ne!(vote_key("12"), vote_key("1 3"));
    }
}
