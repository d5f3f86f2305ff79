//! Logarithms that are rational: log_b x when x and b are rational powers of one positive
//! rational (`\log_2 8`, `\log_4 8`, `\log_{\sqrt2} 4`, `\log_3 \frac19`), or of e
//! (`\ln e^2`, `\ln\sqrt e`). Every value is proved by an exact power identity bᵐ = xⁿ; the
//! floating-point logarithm only proposes the candidates m/n.

use super::eval::{real_value, value};
use crate::expr::{Constant, Expr};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// Largest denominator of a rational logarithm looked for.
const MAX_LOG_DENOMINATOR: i64 = 64;
/// Largest size, in bits, of the powers compared to prove a logarithm.
const MAX_POWER_BITS: u64 = 1 << 14;

/// The base of a logarithm.
pub(super) enum Base<'a> {
    /// ln: base e.
    Natural,
    /// `\log x` and `\lg x` without a base: read as base 10, and only decided when x is a
    /// rational power of 10.
    Ten,
    Given(&'a Expr),
}

/// A positive value written as a power: e^q, or base^scale with base a positive rational.
#[derive(Clone, Debug)]
pub(super) enum Form {
    E(BigRational),
    Pos {
        base: BigRational,
        scale: BigRational,
    },
}

impl Form {
    fn scaled(self, r: &BigRational) -> Form {
        match self {
            Form::E(q) => Form::E(q * r),
            Form::Pos { base, scale } => Form::Pos {
                base,
                scale: scale * r,
            },
        }
    }
}

fn is_e(e: &Expr) -> bool {
    matches!(e, Expr::Sym(s) if s == "e") || *e == Expr::Const(Constant::E)
}

/// A rational exponent.
fn rational_exponent(e: &Expr, depth: usize) -> Option<BigRational> {
    real_value(e, depth)?.as_rational()
}

pub(super) fn form(e: &Expr, depth: usize) -> Option<Form> {
    crate::budget::tick();
    if depth > 64 {
        return None;
    }
    let d = depth + 1;
    match e {
        _ if is_e(e) => Some(Form::E(BigRational::one())),
        Expr::Pow(base, exp) => Some(form(base, d)?.scaled(&rational_exponent(exp, d)?)),
        Expr::Root(a, n) => Some(form(a, d)?.scaled(&BigRational::new(1.into(), (*n).into()))),
        Expr::Func(name, args) if name == "exp" && args.len() == 1 => {
            Some(Form::E(rational_exponent(&args[0], d)?))
        }
        _ => {
            // A positive value q·√r (no π): (q²r)^(1/2), or a positive rational.
            let v = value(e, d)?;
            if !v.is_real() {
                return None;
            }
            if let Some(q) = v.re.as_rational() {
                return q.is_positive().then(|| Form::Pos {
                    base: q,
                    scale: BigRational::one(),
                });
            }
            let mut terms = v.re.terms();
            let (b, q) = terms.next()?;
            if terms.next().is_some() || b.pi_power != 0 || !q.is_positive() {
                return None;
            }
            let r = BigRational::from_integer(BigInt::from(b.radicand.clone()));
            Some(Form::Pos {
                base: q * q * r,
                scale: BigRational::new(1.into(), 2.into()),
            })
        }
    }
}

/// ln of a big rational as f64 (for proposing candidates only).
fn ln_f64(q: &BigRational) -> Option<f64> {
    let ln_int = |n: &BigInt| -> Option<f64> {
        let shift = n.bits().saturating_sub(60);
        let top = (n >> shift).to_f64()?;
        Some(top.ln() + shift as f64 * std::f64::consts::LN_2)
    };
    Some(ln_int(q.numer())? - ln_int(q.denom())?)
}

/// qᵏ for an integer k, when its size stays under [`MAX_POWER_BITS`]. The numerator and
/// denominator of a reduced fraction are coprime, and so are their powers: each is raised on
/// its own and no gcd is taken.
pub(super) fn power(q: &BigRational, k: i64) -> Option<BigRational> {
    let bits = q.numer().bits().max(q.denom().bits());
    if bits.saturating_mul(k.unsigned_abs()) > MAX_POWER_BITS {
        return None;
    }
    let e = u32::try_from(k.unsigned_abs()).ok()?;
    let (n, d) = (q.numer().pow(e), q.denom().pow(e));
    if k >= 0 {
        return Some(BigRational::new_raw(n, d));
    }
    if n.is_zero() {
        return None;
    }
    // 1/(n/d) = d/n, with the sign kept in the numerator.
    Some(if n.is_negative() {
        BigRational::new_raw(-d, -n)
    } else {
        BigRational::new_raw(d, n)
    })
}

/// Primes for [`powers_may_agree`]: below 2⁶¹, so products fit in u128.
const CHECK_PRIMES: [u64; 2] = [2_305_843_009_213_693_951, 2_305_843_009_213_693_921];

/// Whether bᵐ = xⁿ may hold, judged modulo two large primes on numerators and denominators
/// apart (both fractions are reduced, so the equality holds part by part): `false` proves
/// the powers differ without building them.
fn powers_may_agree(b: &BigRational, m: i64, x: &BigRational, n: i64) -> bool {
    let parts = |q: &BigRational, k: i64| {
        let (a, c) = (q.numer().clone(), q.denom().clone());
        let (top, bottom) = if k >= 0 { (a, c) } else { (c, a) };
        let sign = if top.is_negative() != bottom.is_negative() && k % 2 != 0 {
            -1
        } else {
            1
        };
        (top.abs(), bottom.abs(), k.unsigned_abs(), sign)
    };
    let (bt, bb, be, bs) = parts(b, m);
    let (xt, xb, xe, xs) = parts(x, n);
    if bs != xs {
        return false;
    }
    CHECK_PRIMES.iter().all(|&p| {
        let pow_mod = |v: &BigInt, e: u64| {
            let r = (v % BigInt::from(p)).to_u64().unwrap_or(0);
            let (mut base, mut e, mut acc) = (r as u128, e, 1u128);
            while e > 0 {
                if e & 1 == 1 {
                    acc = acc * base % p as u128;
                }
                base = base * base % p as u128;
                e >>= 1;
            }
            acc as u64
        };
        pow_mod(&bt, be) == pow_mod(&xt, xe) && pow_mod(&bb, be) == pow_mod(&xb, xe)
    })
}

/// log_b x for positive rationals b ≠ 1 and x, when it is rational: the continued-fraction
/// convergents m/n of the floating-point ratio are tried and one is accepted only when
/// bᵐ = xⁿ exactly.
pub(super) fn rational_log(b: &BigRational, x: &BigRational) -> Option<BigRational> {
    if !b.is_positive() || !x.is_positive() || b.is_one() {
        return None;
    }
    if x.is_one() {
        return Some(BigRational::zero());
    }
    let t = ln_f64(x)? / ln_f64(b)?;
    if !t.is_finite() || t.abs() > 1e6 {
        return None;
    }
    // Convergents h/k of t.
    let (mut h0, mut h1, mut k0, mut k1) = (1i64, t.floor() as i64, 0i64, 1i64);
    let mut rest = t - t.floor();
    loop {
        if powers_may_agree(b, h1, x, k1) {
            if let (Some(bm), Some(xn)) = (power(b, h1), power(x, k1)) {
                if bm == xn {
                    return Some(BigRational::new(h1.into(), k1.into()));
                }
            }
        }
        if rest.abs() < 1e-12 {
            return None;
        }
        let inv = 1.0 / rest;
        let a = inv.floor();
        rest = inv - a;
        let a = a as i64;
        let h2 = a.checked_mul(h1)?.checked_add(h0)?;
        let k2 = a.checked_mul(k1)?.checked_add(k0)?;
        if k2 > MAX_LOG_DENOMINATOR {
            return None;
        }
        (h0, h1, k0, k1) = (h1, h2, k1, k2);
    }
}

/// log of `arg` in `base`, when it is rational.
pub(super) fn logarithm(arg: &Expr, base: Base, depth: usize) -> Option<BigRational> {
    let x = form(arg, depth)?;
    let b = match base {
        Base::Natural => Form::E(BigRational::one()),
        Base::Ten => Form::Pos {
            base: BigRational::from_integer(10.into()),
            scale: BigRational::one(),
        },
        Base::Given(e) => form(e, depth)?,
    };
    // A base must be positive and different from 1.
    let valid_base = match &b {
        Form::E(beta) => !beta.is_zero(),
        Form::Pos { base, scale } => !base.is_one() && !scale.is_zero(),
    };
    if !valid_base {
        return None;
    }
    match (b, x) {
        (_, Form::Pos { base, .. }) if base.is_one() => Some(BigRational::zero()),
        (_, Form::E(q)) | (_, Form::Pos { scale: q, .. }) if q.is_zero() => {
            Some(BigRational::zero())
        }
        (Form::E(beta), Form::E(xi)) => (!beta.is_zero()).then(|| xi / beta),
        (
            Form::Pos {
                base: bb,
                scale: sb,
            },
            Form::Pos {
                base: bx,
                scale: sx,
            },
        ) => {
            if sb.is_zero() {
                return None;
            }
            Some(rational_log(&bb, &bx)? * sx / sb)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    #[test]
    fn rational_logarithms() {
        assert_eq!(rational_log(&r(2, 1), &r(8, 1)), Some(r(3, 1)));
        assert_eq!(rational_log(&r(4, 1), &r(8, 1)), Some(r(3, 2)));
        assert_eq!(rational_log(&r(3, 1), &r(1, 9)), Some(r(-2, 1)));
        assert_eq!(rational_log(&r(1, 2), &r(8, 1)), Some(r(-3, 1)));
        assert_eq!(rational_log(&r(8, 1), &r(2, 1)), Some(r(1, 3)));
        assert_eq!(rational_log(&r(10, 1), &r(1000, 1)), Some(r(3, 1)));
        assert_eq!(rational_log(&r(2, 1), &r(10, 1)), None);
        assert_eq!(rational_log(&r(2, 1), &r(3, 1)), None);
        assert_eq!(rational_log(&r(1, 1), &r(3, 1)), None);
        let one = crate::latex::parse_answer("1").unwrap();
        assert_eq!(logarithm(&one, Base::Given(&one), 0), None);
        let big = BigRational::from_integer(BigInt::from(2).pow(1000));
        assert_eq!(rational_log(&r(2, 1), &big), Some(r(1000, 1)));
        // 2^1000 + 1 is not a power of 2 although its logarithm is 1000 to f64 precision.
        let near = big + BigRational::one();
        assert_eq!(rational_log(&r(2, 1), &near), None);
    }
}
