//! Sums of logarithms in one base: r + Σ cᵢ·log_b xᵢ with r, cᵢ rational and xᵢ positive
//! rationals (or their roots), as in `\log_2 12 - \log_2 3` = 2, `\ln 6` = `\ln 2 + \ln 3`,
//! `\log 2 + \log 5` = 1 (base 10).
//!
//! The difference of two such sums, times a common denominator Q of the coefficients, is
//! Q(r₁ − r₂) + log_b Y with Y = Π xᵢ^(Q·cᵢ) a positive rational. It is zero exactly when
//! Y = b^(Q(r₂ − r₁)), checked with exact powers; for the natural logarithm exactly when Y = 1
//! and r₁ = r₂ (e to a nonzero rational power is transcendental, Lindemann). Both outcomes are
//! proofs.

use super::eval::real_value;
use super::log::{form, power, rational_log, Form};
use crate::expr::Expr;
use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, ToPrimitive, Zero};

/// Largest number of logarithms in one comparison.
const MAX_LOGS: usize = 16;
/// Largest size, in bits, of the product Y.
const MAX_PRODUCT_BITS: u64 = 1 << 14;

/// The base of a logarithm: e^β, or a positive rational b^s (b ≠ 1, s ≠ 0).
#[derive(Clone, Debug, PartialEq)]
enum LogBase {
    E,
    Rational(BigRational),
}

/// c·log_base(x).
#[derive(Clone, Debug)]
struct Term {
    coef: BigRational,
    base: LogBase,
    x: BigRational,
}

/// r + Σ terms.
#[derive(Default)]
struct Sum {
    constant: BigRational,
    terms: Vec<Term>,
    /// Whether a `\log` or `\lg` without a base was read as base 10.
    unbased: bool,
}

/// log_base(arg) as (coefficient, base, x) with the base and argument powers folded into the
/// coefficient.
fn logarithm(name: &str, args: &[Expr]) -> Option<Term> {
    let (base, base_scale) = match (name, args) {
        ("ln", [_]) => (LogBase::E, BigRational::one()),
        ("log" | "lg", [_]) => (
            LogBase::Rational(BigRational::from_integer(10.into())),
            BigRational::one(),
        ),
        ("log", [_, b]) => match form(b, 0)? {
            Form::E(beta) => (LogBase::E, beta),
            Form::Pos { base, scale } => (LogBase::Rational(base), scale),
        },
        _ => return None,
    };
    if base_scale.is_zero() || base == LogBase::Rational(BigRational::one()) {
        return None;
    }
    let Form::Pos { base: x, scale } = form(&args[0], 0)? else {
        return None;
    };
    Some(Term {
        coef: scale / base_scale,
        base,
        x,
    })
}

fn rational(e: &Expr) -> Option<BigRational> {
    real_value(e, 0)?.as_rational()
}

/// Adds scale·e to the sum.
fn collect(e: &Expr, scale: &BigRational, out: &mut Sum) -> Option<()> {
    if let Some(q) = rational(e) {
        out.constant += scale * q;
        return Some(());
    }
    match e {
        Expr::Add(items) => items.iter().try_for_each(|t| collect(t, scale, out)),
        Expr::Neg(a) => collect(a, &-scale, out),
        Expr::Div(a, b) => {
            let d = rational(b)?;
            if d.is_zero() {
                return None;
            }
            collect(a, &(scale / d), out)
        }
        Expr::Mul(factors) => {
            // One factor that is not rational; the others scale it.
            let mut k = scale.clone();
            let mut rest = None;
            for f in factors {
                match rational(f) {
                    Some(q) => k *= q,
                    None if rest.is_none() => rest = Some(f),
                    None => return None,
                }
            }
            collect(rest?, &k, out)
        }
        Expr::Func(name, args) => {
            out.unbased |= matches!(name.as_str(), "log" | "lg") && args.len() == 1;
            let mut t = logarithm(name, args)?;
            t.coef *= scale;
            out.terms.push(t);
            (out.terms.len() <= MAX_LOGS).then_some(())
        }
        _ => None,
    }
}

/// Rewrites every term in the base of the first: log_b x = log_a x / log_a b.
fn common_base(terms: &mut [Term]) -> Option<LogBase> {
    let first = terms.first()?.base.clone();
    for t in terms.iter_mut() {
        match (&first, &t.base) {
            (LogBase::E, LogBase::E) => {}
            (LogBase::Rational(a), LogBase::Rational(b)) => {
                let c = rational_log(a, b)?;
                if c.is_zero() {
                    return None;
                }
                t.coef = &t.coef / c;
                t.base = first.clone();
            }
            _ => return None,
        }
    }
    Some(first)
}

/// Whether two sums of logarithms in one base are equal; `None` when either side is not
/// such a sum, neither has a logarithm, or the sizes exceed the bounds.
pub(super) fn equal(gold: &Expr, answer: &Expr) -> Option<bool> {
    let mut sum = Sum::default();
    collect(gold, &BigRational::one(), &mut sum)?;
    collect(answer, &-BigRational::one(), &mut sum)?;
    let base = common_base(&mut sum.terms)?;
    // Q·D = Q·r + log_b Y
    let q = sum
        .terms
        .iter()
        .fold(BigInt::one(), |acc, t| acc.lcm(t.coef.denom()));
    let mut y = BigRational::one();
    for t in &sum.terms {
        let k = (&t.coef * BigRational::from_integer(q.clone())).to_integer();
        y *= power(&t.x, k.to_i64()?)?;
        if y.numer().bits() + y.denom().bits() > MAX_PRODUCT_BITS {
            return None;
        }
    }
    let target = -(sum.constant * BigRational::from_integer(q));
    let equal = match base {
        LogBase::E => y.is_one() && target.is_zero(),
        LogBase::Rational(b) => {
            // log_b Y = target ⇔ Y^d = b^n for target = n/d.
            let (n, d) = (target.numer().to_i64()?, target.denom().to_i64()?);
            power(&y, d)? == power(&b, n)?
        }
    };
    // `\log 8` is 3 to a reader of base 2: a difference in base 10 alone proves nothing,
    // and is left to the numeric comparison, which tries every reading.
    (equal || !sum.unbased).then_some(equal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latex::parse_answer;

    fn eq(a: &str, b: &str) -> Option<bool> {
        super::super::complex::reset_budget();
        equal(&parse_answer(a).unwrap(), &parse_answer(b).unwrap())
    }

    #[test]
    fn sums_of_logarithms() {
        assert_eq!(eq("\\ln 6", "\\ln 2 + \\ln 3"), Some(true));
        assert_eq!(eq("\\ln 6", "\\ln 2 + \\ln 4"), Some(false));
        assert_eq!(eq("\\log_2 12 - \\log_2 3", "2"), Some(true));
        assert_eq!(eq("\\log 2 + \\log 5", "1"), Some(true));
        assert_eq!(eq("2\\log_3 6", "\\log_3 4 + 2"), Some(true));
        assert_eq!(eq("\\log_4 3", "\\frac{1}{2}\\log_2 3"), Some(true));
        assert_eq!(eq("\\log_2 3", "\\log_4 9"), Some(true));
        assert_eq!(eq("\\log_2 3", "\\log_4 3"), Some(false));
        assert_eq!(eq("\\ln 2", "1"), Some(false));
        assert_eq!(eq("\\log 8", "3"), None);
        assert_eq!(eq("\\ln \\sqrt{2}", "\\frac{\\ln 2}{2}"), Some(true));
        assert_eq!(eq("\\ln 2", "\\log_2 3"), None);
        assert_eq!(eq("\\ln x", "1"), None);
        assert_eq!(eq("\\ln 2 \\cdot \\ln 3", "1"), None);
    }

    /// Decisions agree with the rigorous numeric evaluation.
    #[test]
    fn decisions_agree_with_numeric_evaluation() {
        use crate::numeric::{compare_numeric, Numeric};
        for b in ["2", "3", "10", "e", "\\sqrt2", "\\frac12"] {
            for (x, y) in [(2, 3), (4, 8), (5, 7), (9, 27), (10, 100), (6, 1)] {
                let lhs = format!("\\log_{{{b}}} {x} + 2\\log_{{{b}}} {y}");
                let same = format!("\\log_{{{b}}} {}", x * y * y);
                let other = format!("\\log_{{{b}}} {}", x * y * y + 1);
                let (l, s, o) = (
                    parse_answer(&lhs).unwrap(),
                    parse_answer(&same).unwrap(),
                    parse_answer(&other).unwrap(),
                );
                if super::super::value(&l).is_some() {
                    continue; // rational: decided by the exact values
                }
                super::super::complex::reset_budget();
                assert_eq!(equal(&l, &s), Some(true), "{lhs} vs {same}");
                assert!(!matches!(compare_numeric(&l, &s), Numeric::Different(_)));
                super::super::complex::reset_budget();
                assert_eq!(equal(&l, &o), Some(false), "{lhs} vs {other}");
                assert!(matches!(compare_numeric(&l, &o), Numeric::Different(_)));
            }
        }
    }
}
