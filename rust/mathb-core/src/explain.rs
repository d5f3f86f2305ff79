//! Why a pair got its verdict: where the final answer was found, how both sides were read,
//! and the verdict with its reason. Serves `mathb check --explain`; grading never calls it.

use crate::extract::{extract_final_answer_with, repair_control_escapes, Extraction};
use crate::gold::{self, Gold};
use crate::grade::{answer_of_extraction, parse_gold, read_number, verified_answer};
use crate::latex::parse_answer;
use crate::options::Options;
use crate::render::render;
use crate::verdict::Verdict;

/// How one side of a pair was read: its rendering, or why it could not be read.
pub type Reading = Result<String, String>;

/// The verdict on a pair and how it was reached.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// The verdict the pair gets (the same as `grade`'s).
    pub verdict: Verdict,
    /// How the answer was found (`boxed`, `anchor`, `last_math`, `last_number`, `whole`);
    /// None when no answer was found.
    pub method: Option<&'static str>,
    /// Character offsets (start, end) of the answer's last occurrence in the completion, when
    /// it occurs there as written (a number taken from a sentence may not).
    pub span: Option<(usize, usize)>,
    /// The gold as parsed; several golds are read one by one, joined with ` | `.
    pub gold: Reading,
    /// The answer as parsed; None when no answer was found.
    pub answer: Option<Reading>,
}

/// Explains the verdict of [`gold::grade`] (or, with `extracted`, of [`gold::verify`], for an
/// answer that is already the final answer) on one pair.
pub fn explain(gold_text: &str, completion: &str, opts: &Options, extracted: bool) -> Explanation {
    let verdict = if extracted {
        gold::verify(gold_text, completion, opts)
    } else {
        gold::grade(gold_text, completion, opts)
    };
    // The readings are for display: a bug in them must not hide the verdict.
    let readings = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        readings(gold_text, completion, opts, extracted)
    }));
    let (answer_found, gold, answer) = readings.unwrap_or_else(|_| {
        let failed = || Err("internal error while reading".to_string());
        (None, failed(), Some(failed()))
    });
    let method = answer_found.as_ref().map(|e| e.method.as_str());
    let span = verdict
        .extracted
        .as_deref()
        .and_then(|text| char_span(completion, text));
    Explanation {
        verdict,
        method,
        span,
        gold,
        answer,
    }
}

type Readings = (Option<Extraction>, Reading, Option<Reading>);

fn readings(gold_text: &str, completion: &str, opts: &Options, extracted: bool) -> Readings {
    let completion = repair_control_escapes(completion);
    let found = if extracted {
        verified_answer(&completion, opts)
    } else {
        extract_final_answer_with(&completion, opts.extract).map(answer_of_extraction)
    };
    let answer = found.as_ref().map(|e| {
        parse_answer(&read_number(e, opts))
            .map(|expr| render(&expr))
            .map_err(|m| format!("answer not parsed: {m}"))
    });
    (found, read_gold(gold_text, opts), answer)
}

fn read_gold(gold_text: &str, opts: &Options) -> Reading {
    let one = |g: &str| parse_gold(&repair_control_escapes(g), opts).map(|e| render(&e));
    match Gold::decode(gold_text) {
        Gold::One(g) => one(&g),
        Gold::AnyOf(golds) => Ok(golds
            .iter()
            .map(|g| one(g).unwrap_or_else(|e| format!("({e})")))
            .collect::<Vec<_>>()
            .join(" | ")),
        Gold::Choice { choices, correct } => {
            let letters: Vec<String> = correct
                .iter()
                .map(|&i| {
                    let letter = char::from(b'A' + (i % 26) as u8);
                    format!("({letter}) {}", choices[i])
                })
                .collect();
            Ok(format!("choice {}", letters.join(" or ")))
        }
    }
}

/// Character (not byte) offsets of the last occurrence of `needle` in `haystack`.
fn char_span(haystack: &str, needle: &str) -> Option<(usize, usize)> {
    if needle.is_empty() {
        return None;
    }
    let start = haystack.rfind(needle)?;
    let chars_before = haystack[..start].chars().count();
    Some((chars_before, chars_before + needle.chars().count()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::Status;

    #[test]
    fn a_boxed_answer_is_located_and_read() {
        let completion = "Thus é = $\\boxed{\\frac{1}{2}}$.";
        let e = explain("0.5", completion, &Options::default(), false);
        assert_eq!(e.verdict.status, Status::Correct);
        assert_eq!(e.method, Some("boxed"));
        let (start, end) = e.span.unwrap();
        let taken: String = completion.chars().skip(start).take(end - start).collect();
        assert_eq!(taken, "\\frac{1}{2}");
        assert_eq!(e.gold, Ok("0.5".to_string()));
        assert_eq!(e.answer, Some(Ok("1/2".to_string())));
    }

    #[test]
    fn no_answer_has_no_reading() {
        let e = explain("1", "I do not know", &Options::default(), false);
        assert_eq!(e.verdict.status, Status::NoAnswer);
        assert_eq!((e.method, e.span, e.answer), (None, None, None));
    }

    #[test]
    fn an_answer_string_is_read_whole() {
        let e = explain("1000", "1{,}000", &Options::default(), true);
        assert_eq!(e.verdict.status, Status::Correct);
        assert_eq!(e.method, Some("whole"));
        assert_eq!(e.answer, Some(Ok("1000".to_string())));
    }

    #[test]
    fn an_unreadable_gold_says_why() {
        let e = explain("\\frac{", "\\boxed{1}", &Options::default(), false);
        assert!(e.gold.unwrap_err().starts_with("gold not parsed"));
    }
}
