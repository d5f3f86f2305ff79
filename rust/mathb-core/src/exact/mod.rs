//! Exact values of constant expressions beyond the plain exact arithmetic of
//! [`crate::normalize::evaluate`]: logarithms of exact powers (`\log_2 8 = 3`), trigonometric
//! functions at standard angles (`\sin 30^\circ = \frac12`) and their inverses, complex numbers
//! in every notation (`e^{i\pi} = -1`, `\frac{1}{1+i}`, `|3+4i|`), and denested square roots
//! (`\sqrt{3+2\sqrt2} = 1+\sqrt2`).
//!
//! Two entry points serve the comparison:
//! - [`rewrite`] replaces each sub-expression that has such a value by the value written as
//!   an ordinary expression (rationals, square roots, π, and `i`), so the existing exact,
//!   decimal and randomized comparisons see `\frac12` where the answer wrote `\sin 30^\circ`;
//! - [`compare`] decides two constant answers when either is a non-real complex number.
//!
//! Values are exact and canonical: equal values are a proof of equality, different values a
//! proof of difference. Whatever has no exact value (ln 2, sin 1, e², nested radicals) is left
//! as written for the numeric comparison.

mod complex;
mod eval;
mod log;
mod loglinear;
mod nested;
mod trig;

pub use complex::Complex;

use crate::expr::{Constant, Expr, Literal};
use crate::normalize::as_decimal_literal;
use crate::number::Exact;
use crate::verdict::Status;
use num_bigint::BigInt;
use num_rational::BigRational;

/// Largest expression (in nodes) rewritten; larger ones are left as written.
const MAX_NODES: usize = 2000;

/// Whether the expression mentions something only this module evaluates: a handled function,
/// the imaginary unit, e, or a square root (which may be of a negative or a nested radicand).
fn mentions_special(e: &Expr) -> bool {
    match e {
        Expr::Func(name, _) if eval::is_handled_function(name) => true,
        Expr::Sym(s) if s == "i" || s == "e" => true,
        Expr::Const(Constant::I | Constant::E) => true,
        Expr::Root(..) => true,
        _ => e.children().into_iter().any(mentions_special),
    }
}

/// The exact value of a constant expression, or `None` when it has variables, is not a number,
/// or has no exact value here (e, ln 2, sin 1, nested radicals), or costs too much to compute.
pub fn value(e: &Expr) -> Option<Complex> {
    complex::reset_budget();
    eval::value(e, 0)
}

/// A bare word the parser read as a product of letters (`ii`, `iv`): text, not arithmetic.
fn is_word(e: &Expr) -> bool {
    matches!(e, Expr::Mul(v) if v.iter().all(|x| matches!(x, Expr::Sym(s) if s.chars().count() == 1)))
}

fn node_count(e: &Expr) -> usize {
    1 + e.children().into_iter().map(node_count).sum::<usize>()
}

fn literal(q: BigRational) -> Expr {
    Expr::Num(Literal {
        value: q,
        decimal_places: None,
        significant_digits: 0,
    })
}

/// A real exact value as an expression: Σ q·√r·π^k.
pub fn real_to_expr(x: &Exact) -> Expr {
    let mut terms: Vec<Expr> = x
        .terms()
        .map(|(b, q)| {
            let one = BigRational::from_integer(1.into());
            let mut factors = Vec::new();
            if *q != one || b.radicand == 1u32.into() && b.pi_power == 0 {
                factors.push(literal(q.clone()));
            }
            if b.radicand != 1u32.into() {
                let r = BigRational::from_integer(BigInt::from(b.radicand.clone()));
                factors.push(Expr::Root(Box::new(literal(r)), 2));
            }
            if b.pi_power != 0 {
                factors.push(Expr::Pow(
                    Box::new(Expr::Const(Constant::Pi)),
                    Box::new(literal(BigRational::from_integer(b.pi_power.into()))),
                ));
            }
            if factors.len() == 1 {
                factors.pop().expect("a factor")
            } else {
                Expr::Mul(factors)
            }
        })
        .collect();
    match terms.len() {
        0 => literal(BigRational::from_integer(0.into())),
        1 => terms.pop().expect("one term"),
        _ => Expr::Add(terms),
    }
}

/// A complex exact value as an expression: re + im·i.
pub fn to_expr(z: &Complex) -> Expr {
    if z.is_real() {
        return real_to_expr(&z.re);
    }
    let im = Expr::Mul(vec![real_to_expr(&z.im), Expr::Sym("i".into())]);
    if z.re.is_zero() {
        im
    } else {
        Expr::Add(vec![real_to_expr(&z.re), im])
    }
}

/// The expression with every sub-expression that has an exact value only this module finds
/// replaced by that value. Decimals and everything the plain arithmetic already evaluates are
/// kept as written, so the decimal policy still sees how a number was written.
pub fn rewrite(e: &Expr) -> Expr {
    if !mentions_special(e) || node_count(e) > MAX_NODES {
        return e.clone();
    }
    complex::reset_budget();
    e.replace(&|x| {
        if !mentions_special(x) || is_word(x) {
            return Some(x.clone());
        }
        let v = eval::value(x, 0)?;
        Some(to_expr(&v))
    })
}

/// Two constant answers of which at least one is a non-real complex number, or a real value
/// with a nested square root: equal or different as exact values. `None` when either has no
/// exact value, is a decimal (the decimal policy decides), or both are real values the
/// rewriting reduced (the real comparison decides).
pub fn compare(gold: &Expr, answer: &Expr) -> Option<(Status, &'static str)> {
    if as_decimal_literal(gold).is_some() || as_decimal_literal(answer).is_some() {
        return None;
    }
    if !mentions_special(gold) && !mentions_special(answer) || is_word(gold) || is_word(answer) {
        return None;
    }
    complex::reset_budget();
    let (Some(g), Some(a)) = (eval::value(gold, 0), eval::value(answer, 0)) else {
        // Sums of logarithms in one base (ln 6 = ln 2 + ln 3).
        if let Some(equal) = loglinear::equal(gold, answer) {
            return Some(if equal {
                (Status::Correct, "equal as sums of logarithms")
            } else {
                (Status::Incorrect, "different sums of logarithms")
            });
        }
        // Real values with a nested root (sin π/5 = √(10 − 2√5)/4) or sums the rewriting
        // could not reduce (sin²36° + cos²36°).
        return nested::equal(gold, answer).map(|equal| {
            if equal {
                (Status::Correct, "equal as exact radicals")
            } else {
                (Status::Incorrect, "different exact radicals")
            }
        });
    };
    if g.is_real() && a.is_real() {
        return None;
    }
    Some(if g == a {
        (Status::Correct, "equal as exact complex numbers")
    } else {
        (Status::Incorrect, "different exact complex numbers")
    })
}

#[cfg(test)]
mod tests;
