//! What a verdict line carries for review beyond its verdict, and which lines a run writes:
//! the gold and the completion on every line when asked, only the lines of some statuses
//! (`--only`), and the comparison with the dump's previous grader (`--compare-field`): its
//! value on each line, the agreement counted, and the disagreeing lines written apart.

use mathb_core::verdict::Status;
use serde_json::Value;

/// The review options of a run; the default writes every line with the verdict alone.
#[derive(Clone, Debug, Default)]
pub struct ReviewOptions {
    /// The gold on every line (else on undecided lines only).
    pub with_gold: bool,
    /// The completion on every line (the record's, or its list element's).
    pub with_completion: bool,
    /// The kinds of lines written; None writes them all. Counts never change.
    pub only: Option<LineKinds>,
    /// The field holding the dump's previous verdict of each sample, to compare with.
    pub compare_field: Option<String>,
}

impl ReviewOptions {
    /// Whether records keep what their lines show beyond the verdict.
    pub(crate) fn keeps(&self) -> bool {
        self.with_completion || self.compare_field.is_some()
    }
}

/// Kinds of verdict lines: one per status, the malformed records written as `error`
/// lines, and the records `skipped` (lm-eval lines of another filter).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineKinds {
    /// Per status, in the order of `Status`: whether its lines are kept.
    pub statuses: [bool; 4],
    /// Whether the error lines of malformed records are kept.
    pub error: bool,
    /// Whether the lines of skipped records are kept.
    pub skipped: bool,
}

impl LineKinds {
    /// The names every kind goes by, as `--only` takes them.
    pub const NAMES: [&'static str; 6] = [
        "correct",
        "incorrect",
        "no_answer",
        "undecided",
        "error",
        "skipped",
    ];

    /// `incorrect,undecided`: a comma-separated list of names from [`LineKinds::NAMES`].
    pub fn parse(list: &str) -> Result<LineKinds, String> {
        let mut kinds = LineKinds::default();
        for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            match Status::ALL.iter().position(|s| s.as_str() == word) {
                Some(i) => kinds.statuses[i] = true,
                None if word == "error" => kinds.error = true,
                None if word == "skipped" => kinds.skipped = true,
                None => {
                    return Err(format!(
                        "unknown line kind {word:?}: choose from {}",
                        LineKinds::NAMES.join(", ")
                    ))
                }
            }
        }
        if kinds == LineKinds::default() {
            return Err("name at least one line kind".into());
        }
        Ok(kinds)
    }

    pub(crate) fn has(&self, status: Status) -> bool {
        let i = Status::ALL.iter().position(|s| *s == status).unwrap_or(0);
        self.statuses[i]
    }
}

/// What a record keeps for its lines, when the run reviews.
#[derive(Clone, Debug, Default)]
pub(crate) struct RecordReview {
    /// One per sample, when the lines show them.
    pub completions: Vec<String>,
    /// The previous grader's verdict per sample: correct or not, None when the field is
    /// missing or says neither.
    pub previous: Vec<Option<bool>>,
}

impl RecordReview {
    pub(crate) fn new(
        opts: &ReviewOptions,
        completions: &[String],
        previous: Option<Value>,
    ) -> Option<Box<RecordReview>> {
        if !opts.keeps() {
            return None;
        }
        let samples = completions.len();
        let previous = match (&opts.compare_field, previous) {
            (None, _) => Vec::new(),
            (Some(_), Some(Value::Array(values))) if values.len() == samples && samples != 1 => {
                values.iter().map(previous_of).collect()
            }
            // One value for several completions (lm-eval's `exact_match` with repeats)
            // scores the first one, as lm-eval's metrics do; the others are not compared.
            (Some(_), Some(value)) => {
                let mut previous = vec![None; samples];
                if let Some(first) = previous.first_mut() {
                    *first = previous_of(&value);
                }
                previous
            }
            (Some(_), None) => vec![None; samples],
        };
        let completions = match opts.with_completion {
            true => completions.to_vec(),
            false => Vec::new(),
        };
        Some(Box::new(RecordReview {
            completions,
            previous,
        }))
    }
}

/// A previous grader's verdict as correct (true) or not: `true`/`false`, 1/0 (lm-eval's
/// `exact_match`, a `score`), or their words; anything else says neither.
pub fn previous_of(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_f64() {
            Some(1.0) => Some(true),
            Some(0.0) => Some(false),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "1.0" | "correct" | "yes" => Some(true),
            "false" | "0" | "0.0" | "incorrect" | "no" => Some(false),
            _ => None,
        },
        Value::Array(values) if values.len() == 1 => previous_of(&values[0]),
        _ => None,
    }
}

/// The agreement of a run's verdicts with the previous grader's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Samples both call correct.
    pub both_correct: u64,
    /// Samples both call not correct.
    pub both_incorrect: u64,
    /// Samples the previous grader calls correct and mathb incorrect or no answer.
    pub only_previous: u64,
    /// Samples mathb calls correct and the previous grader not.
    pub only_mathb: u64,
    /// Samples mathb left undecided (not compared).
    pub undecided: u64,
    /// Samples the field does not score: missing, neither correct nor incorrect, or not
    /// the first of several completions given one value.
    pub missing: u64,
}

impl Comparison {
    /// Counts one sample; true when the two graders disagree.
    pub(crate) fn add(&mut self, previous: Option<bool>, status: Status) -> bool {
        let Some(previous) = previous else {
            self.missing += 1;
            return false;
        };
        match (previous, status) {
            (_, Status::Undecided) => self.undecided += 1,
            (true, Status::Correct) => self.both_correct += 1,
            (false, Status::Correct) => {
                self.only_mathb += 1;
                return true;
            }
            (true, _) => {
                self.only_previous += 1;
                return true;
            }
            (false, _) => self.both_incorrect += 1,
        }
        false
    }

    /// Samples both graders decided.
    pub fn compared(&self) -> u64 {
        self.both_correct + self.both_incorrect + self.only_previous + self.only_mathb
    }
}

/// The end of a sample's line after its verdict: the previous grader's verdict, the
/// completion, and the closing brace.
pub(crate) fn line_end(out: &mut Vec<u8>, review: Option<&RecordReview>, k: usize) {
    if let Some(review) = review {
        if let Some(previous) = review.previous.get(k) {
            out.extend_from_slice(b",\"previous\":");
            out.extend_from_slice(match previous {
                Some(true) => b"true",
                Some(false) => b"false",
                None => b"null",
            });
        }
        if let Some(completion) = review.completions.get(k) {
            out.extend_from_slice(b",\"completion\":");
            let text = serde_json::to_string(completion).unwrap_or_else(|_| "null".into());
            out.extend_from_slice(text.as_bytes());
        }
    }
    out.extend_from_slice(b"}\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn line_kinds_parse() {
        let kinds = LineKinds::parse("incorrect, undecided").unwrap();
        assert!(kinds.has(Status::Incorrect) && kinds.has(Status::Undecided));
        assert!(!kinds.has(Status::Correct) && !kinds.error);
        assert!(LineKinds::parse("wrong").unwrap_err().contains("no_answer"));
        assert!(LineKinds::parse(",").is_err());
    }

    #[test]
    fn previous_values() {
        assert_eq!(previous_of(&json!(true)), Some(true));
        assert_eq!(previous_of(&json!(1.0)), Some(true));
        assert_eq!(previous_of(&json!(0)), Some(false));
        assert_eq!(previous_of(&json!("False")), Some(false));
        assert_eq!(previous_of(&json!(0.5)), None);
        assert_eq!(previous_of(&json!(null)), None);
    }

    #[test]
    fn one_value_for_several_completions_scores_the_first() {
        let opts = ReviewOptions {
            compare_field: Some("exact_match".into()),
            ..ReviewOptions::default()
        };
        let completions = vec!["a".to_string(), "b".to_string()];
        let one = RecordReview::new(&opts, &completions, Some(json!(1))).unwrap();
        assert_eq!(one.previous, vec![Some(true), None]);
        let each = RecordReview::new(&opts, &completions, Some(json!([0, 1]))).unwrap();
        assert_eq!(each.previous, vec![Some(false), Some(true)]);
        assert!(RecordReview::new(&ReviewOptions::default(), &completions, None).is_none());
    }

    #[test]
    fn comparison_counts() {
        let mut c = Comparison::default();
        assert!(!c.add(Some(true), Status::Correct));
        assert!(c.add(Some(true), Status::NoAnswer));
        assert!(c.add(Some(false), Status::Correct));
        assert!(!c.add(Some(false), Status::Incorrect));
        assert!(!c.add(Some(true), Status::Undecided));
        assert!(!c.add(None, Status::Correct));
        assert_eq!(c.compared(), 4);
        assert_eq!(
            (c.only_previous, c.only_mathb, c.undecided, c.missing),
            (1, 1, 1, 1)
        );
    }
}

#[cfg(test)]
#[path = "review_tests.rs"]
mod stream_tests;
