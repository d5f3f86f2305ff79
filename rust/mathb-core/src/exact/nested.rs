//! Real values with one square root of a radical: c·√n with c and n exact real values and
//! n > 0 (`\frac{\sqrt{10-2\sqrt5}}{4}`, `\sin\frac{\pi}{5}`, `\cos\frac{\pi}{8}`).
//!
//! Two such values are equal exactly when their squares c²n are equal and c has the same
//! sign on both sides; both are computed exactly (the sign from a rigorous enclosure), so
//! equal and different are both proofs.

use super::complex::{mul_real, pow_real, recip_real, sign, sqrt_real};
use super::eval::{pi_multiple, real_value, value};
use super::trig::{cos_pi, standard_angles};
use crate::expr::Expr;
use crate::number::Exact;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive};
use std::cmp::Ordering;

/// c·√n; n = 1 for a value without a nested root.
#[derive(Clone, Debug)]
pub(super) struct Nested {
    c: Exact,
    n: Exact,
}

/// Largest |k| in (c·√n)^k.
const MAX_NESTED_EXPONENT: i64 = 64;

fn plain(c: Exact) -> Nested {
    Nested {
        c,
        n: Exact::integer(1),
    }
}

fn is_one(x: &Exact) -> bool {
    *x == Exact::integer(1)
}

impl Nested {
    /// Moves a square root of n that exists in the exact arithmetic into c.
    fn simplified(self) -> Option<Nested> {
        if is_one(&self.n) {
            return Some(self);
        }
        match sqrt_real(&self.n) {
            Some(r) => Some(plain(mul_real(&self.c, &r)?)),
            None => Some(self),
        }
    }

    fn mul(&self, o: &Nested) -> Option<Nested> {
        Nested {
            c: mul_real(&self.c, &o.c)?,
            n: mul_real(&self.n, &o.n)?,
        }
        .simplified()
    }

    /// 1/(c√n) = (1/(c·n))·√n.
    fn recip(&self) -> Option<Nested> {
        Some(Nested {
            c: recip_real(&mul_real(&self.c, &self.n)?)?,
            n: self.n.clone(),
        })
    }

    fn pow(&self, k: i64) -> Option<Nested> {
        if k.abs() > MAX_NESTED_EXPONENT {
            return None;
        }
        if k < 0 {
            return self.recip()?.pow(-k);
        }
        // (c√n)^k = c^k · n^⌊k/2⌋ · (√n if k is odd)
        let c = mul_real(&pow_real(&self.c, k)?, &pow_real(&self.n, k / 2)?)?;
        let n = if k % 2 == 1 {
            self.n.clone()
        } else {
            Exact::integer(1)
        };
        Nested { c, n }.simplified()
    }

    /// The square c²·n.
    fn square(&self) -> Option<Exact> {
        mul_real(&mul_real(&self.c, &self.c)?, &self.n)
    }
}

/// (c, n) with cos(xπ) = c·√n, for the angles whose cosine needs a nested root.
fn cos_pi_nested(x: &BigRational) -> Option<Nested> {
    if let Some(c) = cos_pi(x) {
        return Some(plain(c));
    }
    let q = |a: i64, b: i64| BigRational::new(a.into(), b.into());
    let two = BigRational::from_integer(2.into());
    let mut r = x - &two * (x / &two).floor();
    if r > q(1, 1) {
        r = &two - r;
    }
    if r > q(1, 2) {
        let mut v = cos_pi_nested(&(q(1, 1) - r))?;
        v.c = v.c.neg();
        return Some(v);
    }
    let radical = |a: i64, b: i64, s: i64| -> Option<Exact> {
        Exact::integer(a).add(&Exact::integer(s).sqrt()?.mul(&Exact::integer(b))?)
    };
    let (c, n) = match (r.numer().to_i64()?, r.denom().to_i64()?) {
        (1, 10) => (q(1, 4), radical(10, 2, 5)?),
        (3, 10) => (q(1, 4), radical(10, -2, 5)?),
        (1, 8) => (q(1, 2), radical(2, 1, 2)?),
        (3, 8) => (q(1, 2), radical(2, -1, 2)?),
        _ => return None,
    };
    Some(Nested {
        c: Exact::rational(c)?,
        n,
    })
}

fn trig_nested(name: &str, x: &BigRational) -> Option<Nested> {
    let half = BigRational::new(1.into(), 2.into());
    let cos = || cos_pi_nested(x);
    let sin = || cos_pi_nested(&(&half - x));
    let nonzero = |v: Nested| (!v.c.is_zero()).then_some(v);
    match name {
        "cos" => cos(),
        "sin" => sin(),
        "tan" => sin()?.mul(&nonzero(cos()?)?.recip()?),
        "cot" => cos()?.mul(&nonzero(sin()?)?.recip()?),
        "sec" => nonzero(cos()?)?.recip(),
        "csc" => nonzero(sin()?)?.recip(),
        _ => None,
    }
}

/// The value of a real constant expression as c·√n.
pub(super) fn nested(e: &Expr, depth: usize) -> Option<Nested> {
    crate::budget::tick();
    if depth > 64 {
        return None;
    }
    let d = depth + 1;
    if let Some(v) = value(e, d) {
        return v.is_real().then(|| plain(v.re));
    }
    match e {
        Expr::Neg(a) => {
            let v = nested(a, d)?;
            Some(Nested {
                c: v.c.neg(),
                n: v.n,
            })
        }
        Expr::Mul(factors) => {
            let mut acc = plain(Exact::integer(1));
            for f in factors {
                acc = acc.mul(&nested(f, d)?)?;
            }
            Some(acc)
        }
        Expr::Div(a, b) => {
            let b = nested(b, d)?;
            if b.c.is_zero() {
                return None;
            }
            nested(a, d)?.mul(&b.recip()?)
        }
        Expr::Add(terms) => {
            // A sum of multiples of one √n.
            let mut parts = terms.iter().map(|t| nested(t, d));
            let first = parts.next()??;
            let mut c = first.c;
            for p in parts {
                let p = p?;
                if p.n != first.n {
                    return None;
                }
                c = c.add(&p.c)?;
            }
            Some(Nested { c, n: first.n })
        }
        Expr::Root(a, 2) => {
            let n = real_value(a, d)?;
            (sign(&n)? == Ordering::Greater).then(|| Nested {
                c: Exact::integer(1),
                n,
            })
        }
        Expr::Pow(base, exp) => {
            let k = real_value(exp, d)?.as_rational()?;
            if !k.is_integer() {
                return None;
            }
            nested(base, d)?.pow(k.to_integer().to_i64()?)
        }
        // |z| = √(re² + im²)
        Expr::Func(name, args) if name == "abs" && args.len() == 1 => {
            let n = value(&args[0], d)?.norm()?;
            (sign(&n)? == Ordering::Greater).then(|| Nested {
                c: Exact::integer(1),
                n,
            })
        }
        Expr::Func(name, args)
            if args.len() == 1 && matches!(name.as_str(), "arcsin" | "arccos" | "arctan") =>
        {
            let t = inverse_nested(name, &nested(&args[0], d)?)?;
            Some(plain(mul_real(&Exact::rational(t)?, &Exact::pi())?))
        }
        Expr::Func(name, args) if args.len() == 1 => {
            let x = real_value(&args[0], d)?;
            let t = pi_multiple(&x)?;
            trig_nested(name, &t)
        }
        _ => None,
    }
}

/// Whether c₁√n₁ = c₂√n₂; `None` when a sign is uncertain.
fn same(g: &Nested, a: &Nested) -> Option<bool> {
    if is_one(&g.n) && is_one(&a.n) {
        return Some(g.c == a.c);
    }
    // Squares first: the signs need enclosures, which cost more.
    if g.square()? != a.square()? {
        return Some(false);
    }
    Some(sign(&g.c)? == sign(&a.c)?)
}

/// The inverse function at a value with a nested root, as a multiple of π, when the value is
/// the function's value at a standard angle in its principal range.
fn inverse_nested(name: &str, x: &Nested) -> Option<BigRational> {
    let half = BigRational::new(1.into(), 2.into());
    let (f, in_range): (&str, fn(&BigRational, &BigRational) -> bool) = match name {
        "arcsin" => ("sin", |t, h| t.abs() <= *h),
        "arccos" => ("cos", |t, h| !t.is_negative() && *t <= h + h),
        _ => ("tan", |t, h| t.abs() < *h),
    };
    // A value with a nested root is not the value at a multiple of π/12 (those are plain):
    // only multiples of π/10 and π/8 are tried.
    standard_angles()
        .filter(|t| [5, 8, 10].iter().any(|&k| *t.denom() == k.into()))
        .filter(|t| in_range(t, &half))
        .find(|t| trig_nested(f, t).and_then(|v| same(&v, x)) == Some(true))
}

/// Whether two real values c₁√n₁ and c₂√n₂ are equal: `None` when either has no such form
/// or a sign is uncertain.
pub(super) fn equal(gold: &Expr, answer: &Expr) -> Option<bool> {
    same(&nested(gold, 0)?, &nested(answer, 0)?)
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
    fn squares_and_signs_decide() {
        assert_eq!(
            eq("\\cos\\frac{\\pi}{8}", "\\frac{\\sqrt{2+\\sqrt2}}{2}"),
            Some(true)
        );
        assert_eq!(
            eq("\\cos\\frac{7\\pi}{8}", "-\\frac{\\sqrt{2+\\sqrt2}}{2}"),
            Some(true)
        );
        assert_eq!(
            eq("\\cos\\frac{7\\pi}{8}", "\\frac{\\sqrt{2+\\sqrt2}}{2}"),
            Some(false)
        );
        assert_eq!(
            eq(
                "\\sin\\frac{\\pi}{5}\\cos\\frac{\\pi}{5}",
                "\\frac12\\sin\\frac{2\\pi}{5}"
            ),
            Some(true)
        );
        assert_eq!(eq("\\sqrt{2+\\sqrt2}", "\\sqrt{2+\\sqrt3}"), Some(false));
        // A sum of different nested roots has no form here.
        assert_eq!(eq("\\sqrt{2+\\sqrt2}+\\sqrt{2-\\sqrt2}", "1"), None);
        assert_eq!(eq("\\sqrt{x}", "1"), None);
        assert_eq!(
            eq("\\arcsin\\frac{\\sqrt{10-2\\sqrt5}}{4}", "\\frac{\\pi}{5}"),
            Some(true)
        );
        assert_eq!(
            eq(
                "\\arccos(-\\frac{\\sqrt{2+\\sqrt2}}{2})",
                "\\frac{7\\pi}{8}"
            ),
            Some(true)
        );
        assert_eq!(
            eq("\\arctan\\sqrt{5-2\\sqrt5}", "\\frac{\\pi}{5}"),
            Some(true)
        );
        assert_eq!(
            eq("\\arctan\\sqrt{5-2\\sqrt5}", "\\frac{\\pi}{10}"),
            Some(false)
        );
        assert_eq!(eq("|1+(1+\\sqrt2)i|", "\\sqrt{4+2\\sqrt2}"), Some(true));
        assert_eq!(eq("|1+(1+\\sqrt2)i|", "\\sqrt{4-2\\sqrt2}"), Some(false));
    }

    /// Every nested form agrees with the rigorous numeric evaluation of the expression.
    #[test]
    fn nested_forms_agree_with_numeric_evaluation() {
        use crate::numeric::{compare_numeric, Numeric};
        let mut checked = 0;
        for f in ["sin", "cos", "tan", "cot", "sec", "csc"] {
            for k in -45..=85 {
                let s = format!("\\{f}\\frac{{{k}\\pi}}{{40}}");
                let e = parse_answer(&s).unwrap();
                super::super::complex::reset_budget();
                let Some(v) = nested(&e, 0) else { continue };
                let written = Expr::Mul(vec![
                    super::super::real_to_expr(&v.c),
                    Expr::Root(Box::new(super::super::real_to_expr(&v.n)), 2),
                ]);
                let verdict = compare_numeric(&e, &written);
                assert!(
                    !matches!(verdict, Numeric::Different(_)),
                    "{s}: {verdict:?}"
                );
                checked += usize::from(verdict == Numeric::Indistinct);
            }
        }
        assert!(checked > 300, "{checked}");
    }
}
