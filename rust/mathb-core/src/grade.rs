//! Grading one (gold, completion) pair end to end: extract, parse, compare, explain.

use crate::equiv::{compare, Options};
use crate::extract::{extract_answer_string, extract_final_answer, Extraction};
use crate::latex::parse_answer;
use crate::verdict::{Status, Verdict};

/// Grades a raw model completion against a gold answer.
pub fn grade(gold: &str, completion: &str, opts: &Options) -> Verdict {
    let Some(extraction) = extract_final_answer(completion) else {
        return Verdict::new(
            Status::NoAnswer,
            "no final answer found in the completion",
            None,
        );
    };
    judge(gold, extraction, opts)
}

/// Judges an answer string that is already the final answer (no extraction from prose).
pub fn verify(gold: &str, answer: &str, opts: &Options) -> Verdict {
    let Some(extraction) = extract_answer_string(answer) else {
        return Verdict::new(Status::NoAnswer, "empty answer", None);
    };
    judge(gold, extraction, opts)
}

fn judge(gold: &str, extraction: Extraction, opts: &Options) -> Verdict {
    let extracted = Some(extraction.text.clone());
    let Some(gold_ans) = extract_answer_string(gold) else {
        return Verdict::new(Status::Undecided, "gold answer is empty", extracted);
    };
    let gold_expr = match parse_answer(&gold_ans.text) {
        Ok(e) => e,
        Err(msg) => {
            return Verdict::new(
                Status::Undecided,
                format!("gold not parsed: {msg}"),
                extracted,
            )
        }
    };
    let answer_expr = match parse_answer(&extraction.text) {
        Ok(e) => e,
        Err(msg) => {
            return Verdict::new(
                Status::Undecided,
                format!("answer not parsed: {msg}"),
                extracted,
            )
        }
    };
    let (status, reason) = compare(&gold_expr, &answer_expr, opts);
    Verdict::new(status, reason, extracted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_to_end() {
        let o = Options::default();
        let v = grade(
            "\\frac{1}{2}",
            "We get $x = 0.5$, so \\boxed{\\dfrac{1}{2}}.",
            &o,
        );
        assert_eq!(v.status, Status::Correct);
        assert_eq!(v.extracted.as_deref(), Some("\\dfrac{1}{2}"));
        assert_eq!(grade("3", "I give up.", &o).status, Status::NoAnswer);
        assert_eq!(grade("3", "The answer is 4.", &o).status, Status::Incorrect);
        let solution = "Thus the total is $\\boxed{1{,}000}$.";
        assert_eq!(
            grade(solution, "The final answer is 1000", &o).status,
            Status::Correct
        );
    }

    #[test]
    fn verify_takes_the_string_as_is() {
        let o = Options::default();
        assert!(verify("42", "$42$", &o).is_correct());
        assert_eq!(verify("42", "", &o).status, Status::NoAnswer);
    }
}
