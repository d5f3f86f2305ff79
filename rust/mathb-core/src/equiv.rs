//! Equivalence of a gold answer and a candidate answer, both parsed to [`Expr`].
//!
//! Numbers are compared exactly; a decimal against an exact value follows the configured
//! [`DecimalPolicy`]; everything else is compared structurally after canonicalization, and
//! what the core cannot settle is `Undecided` — never a guess.

use crate::expr::{Expr, RelOp};
use crate::normalize::{as_decimal_literal, canonical, evaluate, is_numeric, NotExact};
use crate::number::Exact;
use crate::verdict::Status;
use num_bigint::BigInt;
use num_rational::BigRational;

/// How a decimal answer is judged against an exact value (or the reverse).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DecimalPolicy {
    /// A decimal matches only the exact same number (`0.333` ≠ `1/3`).
    Exact,
    /// A decimal written with p places matches an exact value that rounds to it at p places
    /// (|d − v| ≤ ½·10⁻ᵖ), provided it has at least this many significant digits. Two decimals
    /// are always compared exactly, so `1e-7` never matches `2e-7`.
    Rounded { min_significant_digits: u32 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Options {
    pub decimal: DecimalPolicy,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            decimal: DecimalPolicy::Rounded {
                min_significant_digits: 3,
            },
        }
    }
}

/// A comparison result: status plus a short human reason.
pub type Judgement = (Status, String);

fn judged(status: Status, reason: impl Into<String>) -> Judgement {
    (status, reason.into())
}

/// Compares two parsed answers.
pub fn compare(gold: &Expr, answer: &Expr, opts: &Options) -> Judgement {
    // `x = 5` against `5`, and `x = 5` against `x = 5`: compare the values.
    match (assignment(gold), assignment(answer)) {
        (Some((gv, gval)), Some((av, aval))) => {
            if gv != av {
                return judged(
                    Status::Incorrect,
                    format!("answers name different variables ({gv} vs {av})"),
                );
            }
            return compare(gval, aval, opts);
        }
        (Some((_, gval)), None) => return compare(gval, answer, opts),
        (None, Some((_, aval))) if !matches!(gold, Expr::Rel(..)) => {
            return compare(gold, aval, opts)
        }
        _ => {}
    }
    if let Some(j) = compare_percent(gold, answer, opts) {
        return j;
    }
    if is_numeric(gold) && is_numeric(answer) {
        return compare_numbers(gold, answer, opts);
    }
    if canonical(gold) == canonical(answer) {
        return judged(Status::Correct, "identical after normalization");
    }
    if is_numeric(gold) {
        if let Expr::List(items) | Expr::Tuple(items) | Expr::Set(items) = answer {
            if items.len() > 1 {
                return judged(
                    Status::Incorrect,
                    "several values given where one number is expected",
                );
            }
        }
    }
    judged(Status::Undecided, "not decidable by the exact core")
}

/// `x = value` with a single symbol on the left: the variable name and the value.
fn assignment(e: &Expr) -> Option<(&str, &Expr)> {
    match e {
        Expr::Rel(operands, ops) if ops.as_slice() == [RelOp::Eq] => {
            match (&operands[0], &operands[1]) {
                (Expr::Sym(name), value) if is_numeric(value) => Some((name.as_str(), value)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `50\%` matches 50 and 0.5; a gold percentage matches the number or the fraction.
fn compare_percent(gold: &Expr, answer: &Expr, opts: &Options) -> Option<Judgement> {
    let candidates = |e: &Expr| -> Vec<Expr> {
        match e {
            Expr::Percent(inner) => vec![
                (**inner).clone(),
                Expr::Div(inner.clone(), Box::new(hundred())),
            ],
            other => vec![other.clone()],
        }
    };
    if !matches!(gold, Expr::Percent(_)) && !matches!(answer, Expr::Percent(_)) {
        return None;
    }
    let mut results = Vec::new();
    for g in candidates(gold) {
        for a in candidates(answer) {
            let j = compare(&g, &a, opts);
            if j.0 == Status::Correct {
                return Some((Status::Correct, format!("{} (percent read as number)", j.1)));
            }
            results.push(j);
        }
    }
    if results.iter().all(|j| j.0 == Status::Incorrect) {
        return Some(judged(
            Status::Incorrect,
            "differs as a number and as a percentage",
        ));
    }
    Some(judged(
        Status::Undecided,
        "percent comparison not decidable",
    ))
}

fn hundred() -> Expr {
    Expr::Num(crate::expr::Literal {
        value: BigRational::from_integer(BigInt::from(100)),
        decimal_places: None,
        significant_digits: 3,
    })
}

fn compare_numbers(gold: &Expr, answer: &Expr, opts: &Options) -> Judgement {
    let (g, a) = match (evaluate(gold), evaluate(answer)) {
        (Ok(g), Ok(a)) => (g, a),
        (Err(NotExact::NotNumeric), _) | (_, Err(NotExact::NotNumeric)) => {
            return judged(Status::Undecided, "not a plain number")
        }
        _ => return judged(Status::Undecided, "number outside the exact arithmetic"),
    };
    if g == a {
        return judged(Status::Correct, "equal as exact numbers");
    }
    let policy = match opts.decimal {
        DecimalPolicy::Exact => return judged(Status::Incorrect, "different exact numbers"),
        DecimalPolicy::Rounded {
            min_significant_digits,
        } => min_significant_digits,
    };
    match (as_decimal_literal(gold), as_decimal_literal(answer)) {
        (Some(_), Some(_)) => judged(Status::Incorrect, "different decimals"),
        (Some((d, places, sig)), None) => rounded_match(&d, places, sig, &a, policy, "gold"),
        (None, Some((d, places, sig))) => rounded_match(&d, places, sig, &g, policy, "answer"),
        (None, None) => judged(Status::Incorrect, "different exact numbers"),
    }
}

/// Whether the decimal `d` (p places, `sig` significant digits) is `exact` rounded to p places.
fn rounded_match(
    d: &Exact,
    places: u32,
    sig: u32,
    exact: &Exact,
    min_sig: u32,
    side: &str,
) -> Judgement {
    let (Some(d), Some((lo, hi))) = (d.as_rational(), exact.enclose()) else {
        return judged(Status::Undecided, "decimal comparison out of range");
    };
    let half_unit = BigRational::new(
        BigInt::from(1),
        BigInt::from(2) * BigInt::from(10).pow(places),
    );
    let (min, max) = (&d - &half_unit, &d + &half_unit);
    if lo >= min && hi <= max {
        if sig >= min_sig {
            judged(
                Status::Correct,
                format!("{side} decimal is the exact value rounded to {places} places"),
            )
        } else {
            judged(
                Status::Incorrect,
                format!("{side} decimal has {sig} significant digits; at least {min_sig} required"),
            )
        }
    } else if hi < min || lo > max {
        judged(
            Status::Incorrect,
            format!("{side} decimal does not round from the exact value"),
        )
    } else {
        judged(Status::Undecided, "decimal lies on a rounding boundary")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latex::parse_answer;

    fn cmp(g: &str, a: &str) -> Status {
        compare(
            &parse_answer(g).unwrap(),
            &parse_answer(a).unwrap(),
            &Options::default(),
        )
        .0
    }

    #[test]
    fn exact_equalities() {
        for (g, a) in [
            ("1000", "1,000"),
            ("0.5", "\\frac{1}{2}"),
            ("\\frac{5}{2}", "2\\frac{1}{2}"),
            ("2\\sqrt{3}", "\\sqrt{12}"),
            ("\\frac{\\pi}{3}", "\\frac{1}{3}\\pi"),
            ("5", "x = 5"),
            ("x=5", "x = 5.0"),
            ("30", "30^\\circ"),
            ("50", "50\\%"),
            ("0.5", "50\\%"),
            ("12", "\\$12"),
            ("7", "7 \\text{ cm}"),
        ] {
            assert_eq!(cmp(g, a), Status::Correct, "{g} vs {a}");
        }
    }

    #[test]
    fn rejections() {
        for (g, a) in [
            ("2e-7", "1e-7"),
            ("1728", "1331 and 1728"),
            ("\\frac{1}{3}", "0.3"),
            ("\\frac{1}{3}", "0.34"),
            ("5", "-5"),
            ("x = 5", "y = 5"),
            ("0.1", "0.10001"),
            ("50\\%", "5"),
        ] {
            assert_eq!(cmp(g, a), Status::Incorrect, "{g} vs {a}");
        }
    }

    #[test]
    fn decimals_against_exact() {
        assert_eq!(cmp("\\frac{1}{3}", "0.333"), Status::Correct);
        assert_eq!(cmp("\\pi", "3.14"), Status::Correct);
        assert_eq!(cmp("\\pi", "3.15"), Status::Incorrect);
        assert_eq!(cmp("\\sqrt{2}", "1.414"), Status::Correct);
        let strict = Options {
            decimal: DecimalPolicy::Exact,
        };
        let j = compare(
            &parse_answer("1/3").unwrap(),
            &parse_answer("0.333").unwrap(),
            &strict,
        );
        assert_eq!(j.0, Status::Incorrect);
    }

    #[test]
    fn unsupported_is_undecided() {
        assert_eq!(cmp("\\sin x", "\\cos x"), Status::Undecided);
        assert_eq!(cmp("x^2 - 1", "(x-1)(x+1)"), Status::Undecided);
        assert_eq!(cmp("\\text{yes}", "\\text{no}"), Status::Undecided);
    }
}
