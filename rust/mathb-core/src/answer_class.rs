//! The class majority voting puts an answer in: its exact value where the core has a
//! canonical form for it, its normalized text otherwise. `0.5`, `\frac12` and `1/2` are one
//! class; so are `\{2, 1\}` and `\{1, 2, 2\}`, and `(0, \sqrt{12}]` and `(0, 2\sqrt3]`.
//!
//! Two answers get the same key only when they are equal values (numbers of the exact
//! arithmetic — rationals, square roots of square-free integers, powers of π — and sets,
//! lists, tuples, intervals and matrices of them), so a class never merges answers that
//! `verify` tells apart; anything else (variables, functions without exact values,
//! relations, text) keeps the text key of [`vote_key`]: spacing and `\dfrac`/`\left`
//! spellings ignored. Keys are hashed with fixed keys: the same in every run.

use crate::budget::{self, Outcome};
use crate::expr::{Constant, Expr};
use crate::latex::parse_answer;
use crate::normalize::evaluate;
use crate::number::Exact;
use rustc_hash::FxHasher;
use std::hash::{Hash, Hasher};

/// The majority-vote class key of an extracted answer.
pub fn answer_class_key(text: &str) -> u64 {
    match budget::run(|| value_key(text)) {
        Outcome::Done(Some(key)) => key,
        _ => vote_key_text(text),
    }
}

/// The text key ([`crate::metrics::vote_key`]), kept apart from value keys by a tag.
fn vote_key_text(text: &str) -> u64 {
    crate::metrics::vote_key(text)
}

/// A canonical value, hashed: None when the answer has none the core can write.
fn value_key(text: &str) -> Option<u64> {
    let expr = parse_answer(text).ok()?;
    let value = canonical(&expr)?;
    let mut h = FxHasher::default();
    "mathb-value".hash(&mut h);
    value.hash(&mut h);
    Some(h.finish())
}

/// The canonical value of an answer.
#[derive(Hash, PartialEq, Eq, Debug)]
enum Value {
    Number(Exact),
    /// Sets and top-level lists compare unordered, repeats ignored: their element keys
    /// sorted and deduplicated.
    Set(Vec<u64>),
    Tuple(Vec<Value>),
    Interval {
        lo: Bound,
        hi: Bound,
        lo_closed: bool,
        hi_closed: bool,
    },
    Matrix(Vec<Vec<Value>>),
}

#[derive(Hash, PartialEq, Eq, Debug)]
enum Bound {
    NegInfinity,
    Finite(Exact),
    Infinity,
}

fn canonical(e: &Expr) -> Option<Value> {
    match e {
        Expr::Set(items) | Expr::List(items) => {
            let mut keys = items
                .iter()
                .map(|x| {
                    let v = canonical(x)?;
                    let mut h = FxHasher::default();
                    v.hash(&mut h);
                    Some(h.finish())
                })
                .collect::<Option<Vec<u64>>>()?;
            keys.sort_unstable();
            keys.dedup();
            Some(Value::Set(keys))
        }
        Expr::Tuple(items) => Some(Value::Tuple(
            items.iter().map(canonical).collect::<Option<_>>()?,
        )),
        Expr::Matrix(rows) => Some(Value::Matrix(
            rows.iter()
                .map(|r| r.iter().map(number).collect::<Option<Vec<_>>>())
                .collect::<Option<_>>()?,
        )),
        Expr::Interval {
            lo,
            hi,
            lo_closed,
            hi_closed,
        } => Some(Value::Interval {
            lo: bound(lo)?,
            hi: bound(hi)?,
            lo_closed: *lo_closed,
            hi_closed: *hi_closed,
        }),
        _ => number(e),
    }
}

fn number(e: &Expr) -> Option<Value> {
    // Only arithmetic on numbers: evaluate() reads every node itself, and a node it does not
    // know fails it, so a value is never taken from part of an answer.
    evaluate(e).ok().map(Value::Number)
}

fn bound(e: &Expr) -> Option<Bound> {
    match e {
        Expr::Const(Constant::Infinity) => Some(Bound::Infinity),
        Expr::Neg(inner) if matches!(**inner, Expr::Const(Constant::Infinity)) => {
            Some(Bound::NegInfinity)
        }
        _ => evaluate(e).ok().map(Bound::Finite),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Options;
    use crate::verdict::Status;

    fn same(a: &str, b: &str) -> bool {
        answer_class_key(a) == answer_class_key(b)
    }

    #[test]
    fn equal_values_share_a_class() {
        for group in [
            &["0.5", "\\frac12", "1/2", "\\dfrac{1}{2}", "0.50", "2^{-1}"][..],
            &["\\sqrt{12}", "2\\sqrt3", "2\\sqrt{3}"],
            &["\\frac{\\pi}{4}", "0.25\\pi", "\\pi/4"],
            &["\\{1, 2\\}", "\\{2, 1\\}", "\\{1,2,2\\}"],
            &["(1, \\frac12)", "(1, 0.5)"],
            &["(0, \\sqrt{12}]", "(0, 2\\sqrt3]"],
            &["[1, \\infty)", "[1,\\infty)"],
            &[
                "\\begin{pmatrix}1&0.5\\end{pmatrix}",
                "\\begin{pmatrix}1&\\frac12\\end{pmatrix}",
            ],
            &["1000", "1{,}000", "1,000"],
        ] {
            for b in group {
                assert!(same(group[0], b), "{} vs {b}", group[0]);
            }
        }
    }

    #[test]
    fn different_answers_stay_apart() {
        for (a, b) in [
            ("0.5", "0.3"),
            ("3.14", "\\pi"),
            ("0.333", "\\frac13"),
            ("(1, 2)", "(2, 1)"),
            ("(1, 2)", "\\{1, 2\\}"),
            ("[1, 2]", "(1, 2)"),
            ("x+1", "x+2"),
            ("\\text{yes}", "\\text{no}"),
        ] {
            assert!(!same(a, b), "{a} vs {b}");
        }
        // Text answers fall back to the text key.
        assert!(same("x + 1", "x+1"));
    }

    #[test]
    fn one_class_is_one_value_under_verify() {
        let answers = [
            "0.5",
            "\\frac12",
            "1/2",
            "0.50",
            "2\\sqrt3",
            "\\sqrt{12}",
            "\\{1, 2\\}",
            "\\{2, 1\\}",
            "(1, 0.5)",
            "(1, \\frac12)",
            "(0, 2\\sqrt3]",
            "(0, \\sqrt{12}]",
            "3",
            "3.0",
            "\\pi/4",
            "0.25\\pi",
            "1,000",
            "1000",
            "x+1",
            "x + 1",
        ];
        let o = Options::default();
        for a in answers {
            for b in answers {
                if same(a, b) {
                    let v = crate::verify(a, b, &o);
                    assert_eq!(v.status, Status::Correct, "{a} and {b}: {}", v.reason);
                }
            }
        }
    }
}
