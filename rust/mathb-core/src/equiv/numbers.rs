//! Numbers: exact equality, percentages, infinities, and the decimal policy for a decimal
//! against an exact value.

use super::{compare_at, judged, Judgement};
use crate::expr::{Constant, Expr};
use crate::normalize::{as_decimal_literal, evaluate, NotExact};
use crate::number::Exact;
use crate::options::{DecimalPolicy, Options};
use crate::verdict::Status;
use num_bigint::BigInt;
use num_rational::BigRational;

/// The value under a percent sign: `5\%` → 5, `-5\%` → −5.
fn percent_value(e: &Expr) -> Option<Expr> {
    match e {
        Expr::Percent(inner) => Some((**inner).clone()),
        Expr::Neg(inner) => percent_value(inner).map(|v| Expr::Neg(Box::new(v))),
        _ => None,
    }
}

/// Percentages: two percentages compare by their values; a percentage p% against a plain
/// number matches either p or p/100 (`50\%` is 50 and 0.5).
pub(super) fn compare_percent(
    gold: &Expr,
    answer: &Expr,
    opts: &Options,
    d: usize,
) -> Option<Judgement> {
    let (g, a) = match (percent_value(gold), percent_value(answer)) {
        (None, None) => return None,
        (Some(g), Some(a)) => return Some(compare_at(&g, &a, opts, d)),
        (Some(p), None) => (p, answer.clone()),
        (None, Some(p)) => (p, gold.clone()),
    };
    let readings = [g.clone(), Expr::Div(Box::new(g), Box::new(hundred()))];
    let mut all_incorrect = true;
    for reading in &readings {
        let j = compare_at(reading, &a, opts, d);
        if j.0 == Status::Correct {
            return Some((Status::Correct, format!("{} (percent read as number)", j.1)));
        }
        all_incorrect &= j.0 == Status::Incorrect;
    }
    Some(if all_incorrect {
        judged(Status::Incorrect, "differs as a number and as a percentage")
    } else {
        judged(Status::Undecided, "percent comparison not decidable")
    })
}

fn hundred() -> Expr {
    Expr::Num(crate::expr::Literal {
        value: BigRational::from_integer(BigInt::from(100)),
        decimal_places: None,
        significant_digits: 3,
    })
}

fn infinite_sign(e: &Expr) -> Option<bool> {
    match e {
        Expr::Const(Constant::Infinity) => Some(true),
        Expr::Neg(a) => infinite_sign(a).map(|s| !s),
        _ => None,
    }
}

pub(super) fn compare_numbers(gold: &Expr, answer: &Expr, opts: &Options) -> Judgement {
    match (infinite_sign(gold), infinite_sign(answer)) {
        (Some(g), Some(a)) if g == a => return judged(Status::Correct, "same infinity"),
        (Some(_), Some(_)) => return judged(Status::Incorrect, "infinities of opposite sign"),
        (Some(_), None) | (None, Some(_)) => {
            let finite = if infinite_sign(gold).is_some() {
                answer
            } else {
                gold
            };
            if evaluate(finite).is_ok() {
                return judged(Status::Incorrect, "infinite against finite");
            }
        }
        (None, None) => {}
    }
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
    let (min_sig, max_places) = match opts.decimal {
        DecimalPolicy::Exact => return judged(Status::Incorrect, "different exact numbers"),
        DecimalPolicy::Rounded {
            min_significant_digits,
            max_places,
        } => (min_significant_digits, max_places.unwrap_or(u32::MAX)),
    };
    let (decimal, exact, side) = match (as_decimal_literal(gold), as_decimal_literal(answer)) {
        (Some(_), Some(_)) => return judged(Status::Incorrect, "different decimals"),
        (Some(d), None) => (d, &a, "gold"),
        (None, Some(d)) => (d, &g, "answer"),
        (None, None) => return judged(Status::Incorrect, "different exact numbers"),
    };
    let (d, places, sig) = decimal;
    rounded_match(&d, places.min(max_places), sig, exact, min_sig, side)
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
