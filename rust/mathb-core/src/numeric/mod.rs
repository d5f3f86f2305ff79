//! Numeric evaluation over ℂ with rigorous error bounds, used to prove two expressions
//! *different* where the exact and modular methods cannot see inside functions and roots.
//!
//! Each value is a ball: a 256-bit midpoint and a radius that bounds the distance to the true
//! value. Elementary operations come from `astro-float`, which rounds every result correctly
//! (error ≤ ½ ulp); each step here adds 8 ulps for its own rounding and propagates the input
//! radii through a bound on the derivative, so the true value always lies in the ball.
//! Two values are declared different only when their balls are separated by more than 2¹⁰
//! times the radii *and* by more than 2⁻⁸⁰ of their size: a rounding error 2¹⁷⁰ times larger
//! than documented could still not flip a verdict. Agreement proves nothing and is reported
//! as such: equality stays with the exact methods (and the sympy fallback).
//!
//! A first pass at 64 bits settles most pairs that differ, and only what it cannot separate is
//! evaluated again at 256 bits. Its balls are as rigorous, only wider, so values it shows apart
//! are apart; its sine and cosine come from the platform's f64 functions, whose documented
//! error (1–2 ulps) is allowed 2⁻⁴⁸ (32 ulps of 1): with the 2¹⁰ separation, an error some
//! 30,000 ulps past the documented one would be needed to flip a verdict.
//!
//! Variables are set to pseudo-random reals in [0.5, 2.5); those named like integer indices
//! (n, k, m, j) to integers in [2, 10], so `\sin(n\pi)` is never refuted against 0 (an
//! identity of the reals holds at integers too, so nothing is lost). Where a function has a branch cut
//! or a restricted domain (logarithms, even roots, non-integer powers, arcsin, arccos), an
//! argument that depends on a variable must lie certainly inside the positive (or real) part
//! of the domain, or the point is skipped: a difference is only ever shown where both
//! expressions are defined as real functions, so identities such as ln(ab) = ln a + ln b or
//! √(x²) = x (true for the positive reals the points are drawn from) are never refuted.

mod ball;
mod eval;

use crate::expr::Expr;
use crate::modular::{hash_str, splitmix};
use ball::*;
use eval::*;
use num_bigint::BigInt;
use num_rational::BigRational;
use std::collections::BTreeSet;

/// Whether two balls are apart beyond doubt: by more than 2¹⁰ times their radii and the
/// rounding of the difference, and by more than 2⁻⁸⁰ of their size.
fn apart(a: &Real, b: &Real) -> bool {
    let diff = a.mid.sub(&b.mid, prec(), RM);
    if diff.is_nan() || diff.is_zero() {
        return false;
    }
    let gap = lo(&diff);
    let doubt = up(a.rad + b.rad + rounding(&diff));
    let size = hi(&a.mid).max(hi(&b.mid));
    gap > 1024.0 * doubt && gap > size * pow2(-80)
}

fn differ(a: &Num, b: &Num) -> bool {
    let zero = Real::small(0);
    let (ai, bi) = (
        a.im.as_ref().unwrap_or(&zero),
        b.im.as_ref().unwrap_or(&zero),
    );
    apart(&a.re, &b.re) || apart(ai, bi)
}

/// A ball strictly inside or strictly outside [lo, hi], beyond doubt.
fn position(x: &Real, lo: &Real, hi: &Real) -> Option<bool> {
    let above = |a: &Real, b: &Real| apart(a, b) && a.mid.cmp(&b.mid).is_some_and(|c| c > 0);
    if above(x, lo) && above(hi, x) {
        Some(true)
    } else if above(lo, x) || above(x, hi) {
        Some(false)
    } else {
        None
    }
}

/// A short decimal for messages: six places, trailing zeros dropped.
fn short(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

fn describe(v: &Num) -> String {
    let re = short(v.re.approx());
    match &v.im {
        Some(b) if apart(b, &Real::small(0)) => {
            let im = b.approx();
            let sign = if im < 0.0 { '−' } else { '+' };
            format!("{re} {sign} {}i", short(im.abs()))
        }
        _ => re,
    }
}

/// The outcome of a numeric comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Numeric {
    /// Different beyond doubt; the reason names the test point or the two values.
    Different(String),
    /// A decimal against a constant: whether the constant rounds to the decimal (see
    /// [`compare_decimal`]).
    Rounds(bool),
    /// Equal within the error bounds at every point tried: no conclusion.
    Indistinct,
    /// Not evaluable (unknown functions, overflow, undefined at every point tried).
    Unsupported,
}

fn too_large(a: &Expr, b: &Expr) -> bool {
    node_count(a) + node_count(b) > 2 * MAX_NODES
}

/// Compares two scalar expressions numerically: `Different` only when, under every reading of
/// ambiguous notations, some point where both are defined shows values apart beyond doubt.
pub fn compare_numeric(gold: &Expr, answer: &Expr) -> Numeric {
    compare_at_points(gold, answer, false)
}

/// As [`compare_numeric`], counting only points where both values are real: a logarithm of
/// a negative number or an even root of one leaves the point undefined, as for variables.
pub fn compare_numeric_real(gold: &Expr, answer: &Expr) -> Numeric {
    compare_at_points(gold, answer, true)
}

/// Whether the 64-bit pass alone shows the two apart (see [`compare_numeric`], and
/// `real_only` as in [`compare_numeric_real`]). What it shows apart is apart; values closer
/// than about 2⁻⁴⁰ of their size stay indistinct. For questions where a false "not apart"
/// costs only a weaker verdict, at a fraction of the wide evaluation's cost.
pub fn apart_at_narrow_precision(gold: &Expr, answer: &Expr, real_only: bool) -> bool {
    !too_large(gold, answer)
        && matches!(
            at_precision(NARROW, || compare_at_points_at(gold, answer, real_only)),
            Numeric::Different(_)
        )
}

fn compare_at_points(gold: &Expr, answer: &Expr, real_only: bool) -> Numeric {
    if too_large(gold, answer) {
        return Numeric::Unsupported;
    }
    // Values apart at the narrow precision are apart: only the other outcomes need the wide.
    let quick = at_precision(NARROW, || compare_at_points_at(gold, answer, real_only));
    if matches!(quick, Numeric::Different(_)) {
        return quick;
    }
    compare_at_points_at(gold, answer, real_only)
}

/// [`compare_at_points`] at the thread's working precision.
fn compare_at_points_at(gold: &Expr, answer: &Expr, real_only: bool) -> Numeric {
    let mut names = BTreeSet::new();
    variables(gold, &mut names);
    variables(answer, &mut names);
    let mut first_reason = None;
    for reading in readings(&[gold, answer]) {
        match differ_at_some_point(gold, answer, &names, reading, real_only) {
            Numeric::Different(reason) => {
                first_reason.get_or_insert(reason);
            }
            other => return other,
        }
    }
    first_reason.map_or(Numeric::Unsupported, Numeric::Different)
}

/// Variable names that usually stand for integers.
const INTEGER_NAMES: [&str; 4] = ["n", "k", "m", "j"];

fn differ_at_some_point(
    gold: &Expr,
    answer: &Expr,
    names: &BTreeSet<String>,
    reading: Reading,
    real_only: bool,
) -> Numeric {
    let zero = Real::small(0);
    let complex = |v: &Num| v.im.as_ref().is_some_and(|im| apart(im, &zero));
    let mut defined = 0;
    for attempt in 0..ATTEMPTS {
        let values: Vec<(String, f64)> = names
            .iter()
            .map(|n| {
                let h = splitmix(hash_str(n, splitmix(0x4E55 + attempt)));
                let value = if INTEGER_NAMES.contains(&n.as_str()) {
                    (2 + h % 9) as f64
                } else {
                    0.5 + 2.0 * ((h >> 11) as f64 / (1u64 << 53) as f64)
                };
                (n.clone(), value)
            })
            .collect();
        let pt = Point {
            values: &values,
            reading,
        };
        let (g, a) = match (eval(gold, &pt, 0), eval(answer, &pt, 0)) {
            (Ok(g), Ok(a)) => (g, a),
            (Err(Fail::Unsupported), _) | (_, Err(Fail::Unsupported)) => {
                return Numeric::Unsupported
            }
            _ if names.is_empty() => return Numeric::Unsupported,
            _ => continue,
        };
        if real_only && (complex(&g) || complex(&a)) {
            if names.is_empty() {
                return Numeric::Unsupported;
            }
            continue;
        }
        if differ(&g, &a) {
            let reason = if names.is_empty() {
                format!("values differ ({} vs {})", describe(&g), describe(&a))
            } else {
                let at: Vec<String> = values
                    .iter()
                    .map(|(n, v)| format!("{n} = {}", short(*v)))
                    .collect();
                format!("values differ at a test point ({})", at.join(", "))
            };
            return Numeric::Different(reason);
        }
        defined += 1;
        if defined >= POINTS || names.is_empty() {
            return Numeric::Indistinct;
        }
    }
    if defined > 0 {
        Numeric::Indistinct
    } else {
        Numeric::Unsupported
    }
}

/// A decimal `d` written with `places` places against a constant expression: `Rounds(true)`
/// when the constant certainly lies within ½·10⁻ᵖ of d, `Rounds(false)` when certainly not
/// (or when it is certainly not real), `Indistinct` on the boundary.
pub fn compare_decimal(decimal: &BigRational, places: u32, constant: &Expr) -> Numeric {
    if too_large(constant, constant) || mentions_variable(constant) {
        return Numeric::Unsupported;
    }
    // A position certain at the narrow precision is certain.
    let quick = at_precision(NARROW, || compare_decimal_at(decimal, places, constant));
    if matches!(quick, Numeric::Rounds(_)) {
        return quick;
    }
    compare_decimal_at(decimal, places, constant)
}

/// [`compare_decimal`] at the thread's working precision.
fn compare_decimal_at(decimal: &BigRational, places: u32, constant: &Expr) -> Numeric {
    let half_unit = BigRational::new(1.into(), BigInt::from(2) * BigInt::from(10).pow(places));
    let (Ok(lo), Ok(hi)) = (
        Real::rational(&(decimal - &half_unit)),
        Real::rational(&(decimal + &half_unit)),
    ) else {
        return Numeric::Unsupported;
    };
    let mut verdict = None;
    for reading in readings(&[constant]) {
        let pt = Point {
            values: &[],
            reading,
        };
        let Ok(v) = eval(constant, &pt, 0) else {
            return Numeric::Unsupported;
        };
        let this = match &v.im {
            Some(b) if apart(b, &Real::small(0)) => Some(false),
            // Possibly not real: only "outside" is certain.
            Some(b) if !b.is_exact_zero() => position(&v.re, &lo, &hi).filter(|inside| !inside),
            _ => position(&v.re, &lo, &hi),
        };
        match (this, verdict) {
            (None, _) => return Numeric::Indistinct,
            (Some(t), Some(prev)) if t != prev => return Numeric::Indistinct,
            (Some(t), _) => verdict = Some(t),
        }
    }
    verdict.map_or(Numeric::Unsupported, Numeric::Rounds)
}

#[cfg(test)]
mod tests;
