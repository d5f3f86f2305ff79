//! Exact complex numbers `re + im·i` with `re`, `im` in the exact real arithmetic of
//! [`Exact`] (rationals, square roots of square-free integers, powers of π).
//!
//! The pair (re, im) of canonical real values is itself canonical, so two complex values are
//! equal exactly when their parts are. Besides the field operations this module provides what
//! [`Exact`] leaves out: reciprocals of sums of radicals (by conjugation), principal square
//! roots with denesting (`√(3 + 2√2) = 1 + √2`) and signs. Every result is either exact or
//! `None`.

use crate::number::Exact;
use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use std::cell::Cell;
use std::cmp::Ordering;

/// Largest number of term products in one multiplication (the real arithmetic allows far
/// more; these values come from functions and powers, where a small cap keeps every record
/// fast).
const MAX_PRODUCTS: usize = 256;
/// Largest |n| in zⁿ for a value that is neither real nor a multiple of i.
const MAX_COMPLEX_EXPONENT: u64 = 4096;
/// Work allowed for one evaluation. A product of two terms costs 16 units plus the square
/// of its size in 64-bit limbs (rational arithmetic normalizes by gcd), more in sums of many
/// terms, so the budget is at most four thousand products of small terms: a few milliseconds.
const WORK_BUDGET: u64 = 1 << 16;
/// Largest radicand, in bits, whose square root is taken (made square-free by trial division).
const MAX_SQRT_BITS: u64 = 128;

/// An exact complex number re + i·im with exact real and imaginary parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Complex {
    /// The real part.
    pub re: Exact,
    /// The imaginary part.
    pub im: Exact,
}

thread_local! {
    static BUDGET: Cell<u64> = const { Cell::new(WORK_BUDGET) };
}

/// Starts a new evaluation with the full work budget.
pub fn reset_budget() {
    BUDGET.with(|b| b.set(WORK_BUDGET));
}

/// Takes `cost` from the budget; `None` (and an empty budget) when it does not suffice.
fn charge(cost: u64) -> Option<()> {
    // The grading step's budget pays too, so that many evaluations add up to a bound.
    crate::budget::charge(1 + cost / 64);
    BUDGET.with(|b| {
        let left = b.get();
        if cost > left {
            b.set(0);
            None
        } else {
            b.set(left - cost);
            Some(())
        }
    })
}

fn term_count(x: &Exact) -> usize {
    x.terms().count()
}

/// Largest coefficient size of x, in 64-bit limbs.
fn limbs(x: &Exact) -> u64 {
    x.terms()
        .map(|(_, q)| q.numer().bits().max(q.denom().bits()) / 64 + 1)
        .max()
        .unwrap_or(1)
}

/// Product of two real values, charged to the work budget.
pub fn mul_real(a: &Exact, b: &Exact) -> Option<Exact> {
    let products = term_count(a) * term_count(b);
    if products > MAX_PRODUCTS {
        return None;
    }
    let size = limbs(a) + limbs(b);
    // Sums of many terms also pay for the rational additions that collect equal radicals.
    let spread = 1 + term_count(a).max(term_count(b)) as u64 / 4;
    charge((products as u64).max(1) * (16 + size * size) * spread)?;
    a.mul(b)
}

/// xⁿ for a real value, by squaring under the work budget.
pub fn pow_real(x: &Exact, n: i64) -> Option<Exact> {
    if x.as_rational().is_some() {
        // Sizes are checked before the power is computed.
        let bits = x
            .terms()
            .map(|(_, q)| q.numer().bits().max(q.denom().bits()))
            .max();
        let size = bits.unwrap_or(1).saturating_mul(n.unsigned_abs()) / 64 + 1;
        charge(16u64.saturating_add(size.saturating_mul(size)))?;
        return x.pow_int(n);
    }
    if n < 0 {
        return pow_real(&recip_real(x)?, n.checked_neg()?);
    }
    let mut result = Exact::integer(1);
    let mut base = x.clone();
    let mut e = n as u64;
    while e > 0 {
        if e & 1 == 1 {
            result = mul_real(&result, &base)?;
        }
        e >>= 1;
        if e > 0 {
            base = mul_real(&base, &base)?;
        }
    }
    Some(result)
}

/// The n-th root of a single-term real value, as the exact arithmetic takes it, for
/// radicands small enough to make square-free quickly.
pub fn nth_root_real(x: &Exact, n: u32) -> Option<Exact> {
    let bits = x
        .terms()
        .map(|(_, q)| q.numer().bits() + q.denom().bits())
        .max()
        .unwrap_or(0);
    if bits > MAX_SQRT_BITS {
        return None;
    }
    // Trial division runs up to the cube root of the radicand, at most 100 000 divisions:
    // one such root takes most of the budget.
    charge(16 + (1u64 << (bits / 3).min(20)).min(200_000) / 4)?;
    x.nth_root(n)
}

pub fn ratio(n: i64, d: i64) -> Exact {
    Exact::rational(BigRational::new(n.into(), d.into())).expect("small rational fits")
}

/// √n for a small non-negative integer.
pub fn sqrt_int(n: i64) -> Exact {
    Exact::integer(n)
        .sqrt()
        .expect("square root of a small integer")
}

/// The sign of a real value from f64 terms, when their sum clears its error bound: each
/// term (coefficient, square root, power of π) is within a few ulps, far inside 10⁻¹⁴ of
/// the sum of their sizes, so a sum beyond that bound has the sign of the value. `None`
/// leaves it to the exact enclosure (terms that cancel, sizes beyond f64).
fn sign_in_f64(x: &Exact) -> Option<Ordering> {
    use num_traits::ToPrimitive;
    let (mut sum, mut size) = (0f64, 0f64);
    for (basis, q) in x.terms() {
        let root = basis.radicand.to_f64()?.sqrt();
        let pi = std::f64::consts::PI.powi(basis.pi_power);
        let term = q.to_f64()? * root * pi;
        if !term.is_finite() || basis.pi_power.unsigned_abs() > 8 {
            return None;
        }
        sum += term;
        size += term.abs();
    }
    // Far from f64's smallest normals, so that no term lost to underflow could matter.
    let bound = size * 1e-14;
    if !(size.is_finite() && size > 1e-250) || sum.abs() <= bound {
        return None;
    }
    Some(if sum > 0.0 {
        Ordering::Greater
    } else {
        Ordering::Less
    })
}

/// The sign of a real value, when certain (a nonzero value within 10⁻⁴⁰ of 0 gives `None`).
pub fn sign(x: &Exact) -> Option<Ordering> {
    if x.is_zero() {
        return Some(Ordering::Equal);
    }
    // Each term is its coefficient times a positive √r·π^k: terms of one sign decide it
    // without an enclosure (whose arithmetic on long coefficients is slow).
    let mut positive = x.terms().map(|(_, q)| q.is_positive());
    if let Some(first) = positive.next() {
        if positive.all(|p| p == first) {
            return Some(if first {
                Ordering::Greater
            } else {
                Ordering::Less
            });
        }
    }
    if let Some(sign) = sign_in_f64(x) {
        return Some(sign);
    }
    charge(64 * term_count(x) as u64 * (4 + limbs(x)))?;
    let (lo, hi) = x.enclose()?;
    if lo.is_positive() {
        Some(Ordering::Greater)
    } else if hi.is_negative() {
        Some(Ordering::Less)
    } else {
        None
    }
}

/// x / π^k when every term of x carries the same power k of π: (k, rest).
fn split_pi(x: &Exact) -> Option<(i32, Exact)> {
    let mut powers = x.terms().map(|(b, _)| b.pi_power);
    let k = powers.next()?;
    if powers.any(|p| p != k) {
        return None;
    }
    Some((k, x.mul(&Exact::pi().pow_int(-i64::from(k))?)?))
}

/// A radicand g > 1 such that every radicand of x is a multiple of g or coprime to it, so
/// √g ↦ −√g is an automorphism of the field the terms generate.
fn independent_radicand(x: &Exact) -> Option<BigUint> {
    let radicands: Vec<&BigUint> = x
        .terms()
        .map(|(b, _)| &b.radicand)
        .filter(|r| !r.is_one())
        .collect();
    let mut g = (*radicands.first()?).clone();
    loop {
        let mut changed = false;
        for r in &radicands {
            let d = g.gcd(r);
            if !d.is_one() && d != g {
                g = d;
                changed = true;
            }
        }
        if !changed {
            return Some(g);
        }
    }
}

/// The conjugate of x under √g ↦ −√g.
fn conjugate_by(x: &Exact, g: &BigUint) -> Option<Exact> {
    let mut out = Exact::zero();
    for (b, q) in x.terms() {
        let mut t = Exact::rational(q.clone())?;
        if !b.radicand.is_one() {
            let r = Exact::rational(BigRational::from_integer(BigInt::from(b.radicand.clone())))?;
            t = t.mul(&nth_root_real(&r, 2)?)?;
        }
        if b.pi_power != 0 {
            t = t.mul(&Exact::pi().pow_int(i64::from(b.pi_power))?)?;
        }
        if (&b.radicand % g).is_zero() {
            t = t.neg();
        }
        out = out.add(&t)?;
    }
    Some(out)
}

/// 1/x for any nonzero real value whose terms share one power of π: multiplying by the
/// conjugates over independent radicands clears the radicals from the denominator.
pub fn recip_real(x: &Exact) -> Option<Exact> {
    if x.is_zero() {
        return None;
    }
    if term_count(x) == 1 {
        return x.recip();
    }
    let (k, y) = split_pi(x)?;
    let pi_part = Exact::pi().pow_int(-i64::from(k))?;
    let mut numerator = Exact::integer(1);
    let mut denominator = y;
    // Each round removes one independent radicand: at most log₂(MAX_TERMS) rounds.
    for _ in 0..8 {
        if denominator.as_rational().is_some() || term_count(&denominator) == 1 {
            let r = denominator.recip()?;
            return mul_real(&mul_real(&numerator, &r)?, &pi_part);
        }
        let g = independent_radicand(&denominator)?;
        let c = conjugate_by(&denominator, &g)?;
        numerator = mul_real(&numerator, &c)?;
        denominator = mul_real(&denominator, &c)?;
    }
    None
}

/// The non-negative square root of a non-negative real value: exact square roots of single
/// terms, and `√(a + b√c) = √((a+d)/2) ± √((a−d)/2)` when a² − b²c = d² is a rational square.
/// The result is checked by squaring it.
pub fn sqrt_real(x: &Exact) -> Option<Exact> {
    match sign(x)? {
        Ordering::Less => return None,
        Ordering::Equal => return Some(Exact::zero()),
        Ordering::Greater => {}
    }
    if term_count(x) == 1 {
        return nth_root_real(x, 2);
    }
    if term_count(x) != 2 {
        return None;
    }
    // x = a + b√c: one rational term and one radical term, no π.
    let (mut a, mut radical) = (None, None);
    for (basis, q) in x.terms() {
        match (basis.pi_power, basis.radicand.is_one()) {
            (0, true) => a = Some(q.clone()),
            (0, false) => radical = Some((basis.radicand.clone(), q.clone())),
            _ => return None,
        }
    }
    let (a, (c, b)) = (a?, radical?);
    let c = BigRational::from_integer(BigInt::from(c));
    let disc = &a * &a - &b * &b * &c;
    let d = nth_root_real(&Exact::rational(disc)?, 2)?.as_rational()?;
    let two = BigRational::from_integer(2.into());
    let first = nth_root_real(&Exact::rational((&a + &d) / &two)?, 2)?;
    let second = nth_root_real(&Exact::rational((&a - &d) / &two)?, 2)?;
    let root = if b.is_negative() {
        first.sub(&second)?
    } else {
        first.add(&second)?
    };
    (sign(&root)? != Ordering::Less && mul_real(&root, &root)? == *x).then_some(root)
}

impl Complex {
    /// The real number `re`.
    pub fn real(re: Exact) -> Self {
        Complex {
            re,
            im: Exact::zero(),
        }
    }

    /// The imaginary unit.
    pub fn i() -> Self {
        Complex {
            re: Exact::zero(),
            im: Exact::integer(1),
        }
    }

    /// Whether the imaginary part is zero.
    pub fn is_real(&self) -> bool {
        self.im.is_zero()
    }

    /// Whether both parts are zero.
    pub fn is_zero(&self) -> bool {
        self.re.is_zero() && self.im.is_zero()
    }

    /// −z.
    pub fn neg(&self) -> Self {
        Complex {
            re: self.re.neg(),
            im: self.im.neg(),
        }
    }

    /// The complex conjugate.
    pub fn conj(&self) -> Self {
        Complex {
            re: self.re.clone(),
            im: self.im.neg(),
        }
    }

    /// z + o, or None when a part leaves exact arithmetic's bounds.
    pub fn add(&self, o: &Complex) -> Option<Self> {
        Some(Complex {
            re: self.re.add(&o.re)?,
            im: self.im.add(&o.im)?,
        })
    }

    /// z · o, or None when a part leaves exact arithmetic's bounds.
    pub fn mul(&self, o: &Complex) -> Option<Self> {
        if self.is_real() && o.is_real() {
            return Some(Complex::real(mul_real(&self.re, &o.re)?));
        }
        let re = mul_real(&self.re, &o.re)?.sub(&mul_real(&self.im, &o.im)?)?;
        let im = mul_real(&self.re, &o.im)?.add(&mul_real(&self.im, &o.re)?)?;
        Some(Complex { re, im })
    }

    /// |z|² = re² + im².
    pub fn norm(&self) -> Option<Exact> {
        mul_real(&self.re, &self.re)?.add(&mul_real(&self.im, &self.im)?)
    }

    /// 1 / z, or None for zero or past exact arithmetic's bounds.
    pub fn recip(&self) -> Option<Self> {
        let n = recip_real(&self.norm()?)?;
        Some(Complex {
            re: mul_real(&self.re, &n)?,
            im: mul_real(&self.im, &n)?.neg(),
        })
    }

    /// z / o, or None for o = 0 or past exact arithmetic's bounds.
    pub fn div(&self, o: &Complex) -> Option<Self> {
        if o.is_real() {
            let r = recip_real(&o.re)?;
            return Some(Complex {
                re: mul_real(&self.re, &r)?,
                im: mul_real(&self.im, &r)?,
            });
        }
        self.mul(&o.recip()?)
    }

    /// zⁿ for an integer n, or None past exact arithmetic's bounds.
    pub fn pow_int(&self, n: i64) -> Option<Self> {
        if n < 0 {
            return self.recip()?.pow_int(n.checked_neg()?);
        }
        if self.is_real() {
            return Some(Complex::real(pow_real(&self.re, n)?));
        }
        if self.re.is_zero() {
            // (b·i)ⁿ = bⁿ · iⁿ, with iⁿ from n mod 4.
            let m = pow_real(&self.im, n)?;
            return Some(match n % 4 {
                0 => Complex::real(m),
                1 => Complex {
                    re: Exact::zero(),
                    im: m,
                },
                2 => Complex::real(m.neg()),
                _ => Complex {
                    re: Exact::zero(),
                    im: m.neg(),
                },
            });
        }
        if n.unsigned_abs() > MAX_COMPLEX_EXPONENT {
            return None;
        }
        let one = Complex::real(Exact::integer(1));
        crate::number::power_by_squaring(self, n as u64, one, Complex::mul)
    }

    /// |z|.
    pub fn abs(&self) -> Option<Exact> {
        if self.is_real() {
            return match sign(&self.re)? {
                Ordering::Less => Some(self.re.neg()),
                _ => Some(self.re.clone()),
            };
        }
        sqrt_real(&self.norm()?)
    }

    /// The principal square root: √z = √((|z|+a)/2) + i·sgn(b)·√((|z|−a)/2), checked by
    /// squaring.
    pub fn sqrt(&self) -> Option<Self> {
        if self.is_real() {
            return match sign(&self.re)? {
                Ordering::Less => Some(Complex {
                    re: Exact::zero(),
                    im: sqrt_real(&self.re.neg())?,
                }),
                _ => Some(Complex::real(sqrt_real(&self.re)?)),
            };
        }
        let m = self.abs()?;
        let half = ratio(1, 2);
        let re = sqrt_real(&mul_real(&m.add(&self.re)?, &half)?)?;
        let mut im = sqrt_real(&mul_real(&m.sub(&self.re)?, &half)?)?;
        if sign(&self.im)? == Ordering::Less {
            im = im.neg();
        }
        let root = Complex { re, im };
        (root.mul(&root)? == *self).then_some(root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_from_f64_terms_agree_with_the_enclosure() {
        // Sums of multiples of √r·π^k, some within 10⁻²⁰ of zero: where the f64 terms
        // decide, they decide as the exact enclosure does.
        let mut decided = 0;
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % m
        };
        for round in 0..3000 {
            let mut x = Exact::zero();
            for _ in 0..1 + next(3) {
                let r = [1, 2, 3, 5, 6, 7, 10][next(7) as usize];
                let num = BigInt::from(next(2001) as i64 - 1000);
                let den = BigInt::from(1 + next(97) as i64);
                let mut term = Exact::rational(BigRational::new(num, den))
                    .unwrap()
                    .mul(&sqrt_int(r))
                    .unwrap();
                for _ in 0..next(3) {
                    term = term.mul(&Exact::pi()).unwrap();
                }
                x = x.add(&term).unwrap();
            }
            if round % 3 == 0 {
                // Minus a rational within 10⁻²⁰ of it: a near-cancellation.
                if let Some((lo, _)) = x.enclose() {
                    let scale = BigInt::from(10u32).pow(20);
                    let near = (lo * BigRational::from_integer(scale.clone())).round()
                        / BigRational::from_integer(scale);
                    x = x.add(&Exact::rational(-near).unwrap()).unwrap();
                }
            }
            let (lo, hi) = x.enclose().unwrap();
            let exact = if x.is_zero() {
                None
            } else if lo.is_positive() {
                Some(Ordering::Greater)
            } else if hi.is_negative() {
                Some(Ordering::Less)
            } else {
                None
            };
            if let Some(fast) = sign_in_f64(&x) {
                assert_eq!(Some(fast), exact, "{x:?}");
                decided += 1;
            }
        }
        assert!(decided > 1000, "f64 terms decided only {decided}");
    }

    fn c(re: Exact, im: Exact) -> Complex {
        reset_budget();
        Complex { re, im }
    }

    #[test]
    fn reciprocals_of_sums_of_radicals() {
        reset_budget();
        // 1/(1 + √2) = √2 − 1
        let x = Exact::integer(1).add(&sqrt_int(2)).unwrap();
        let r = recip_real(&x).unwrap();
        assert_eq!(r, sqrt_int(2).sub(&Exact::integer(1)).unwrap());
        // 1/(√2 + √3 + √5) times the value is 1.
        let y = sqrt_int(2)
            .add(&sqrt_int(3))
            .unwrap()
            .add(&sqrt_int(5))
            .unwrap();
        let r = recip_real(&y).unwrap();
        assert_eq!(y.mul(&r).unwrap(), Exact::integer(1));
        // (√6 + √2)/4 → √6 − √2
        let z = sqrt_int(6)
            .add(&sqrt_int(2))
            .unwrap()
            .mul(&ratio(1, 4))
            .unwrap();
        assert_eq!(
            recip_real(&z).unwrap(),
            sqrt_int(6).sub(&sqrt_int(2)).unwrap()
        );
        // 1/(1 + π) is not representable.
        assert!(recip_real(&Exact::integer(1).add(&Exact::pi()).unwrap()).is_none());
    }

    #[test]
    fn denesting() {
        reset_budget();
        let x = Exact::integer(3)
            .add(&sqrt_int(2).mul(&Exact::integer(2)).unwrap())
            .unwrap();
        assert_eq!(
            sqrt_real(&x).unwrap(),
            Exact::integer(1).add(&sqrt_int(2)).unwrap()
        );
        let y = Exact::integer(5)
            .sub(&sqrt_int(6).mul(&Exact::integer(2)).unwrap())
            .unwrap();
        assert_eq!(
            sqrt_real(&y).unwrap(),
            sqrt_int(3).sub(&sqrt_int(2)).unwrap()
        );
        // √(2 + √2) has no denesting.
        let z = Exact::integer(2).add(&sqrt_int(2)).unwrap();
        assert!(sqrt_real(&z).is_none());
        assert!(sqrt_real(&Exact::integer(-4)).is_none());
    }

    #[test]
    fn complex_field_operations() {
        let one_plus_i = c(Exact::integer(1), Exact::integer(1));
        let half = ratio(1, 2);
        assert_eq!(one_plus_i.recip().unwrap(), c(half.clone(), half.neg()));
        assert_eq!(
            one_plus_i.pow_int(2).unwrap(),
            c(Exact::zero(), Exact::integer(2))
        );
        assert_eq!(
            Complex::i().pow_int(2023).unwrap(),
            c(Exact::zero(), Exact::integer(-1))
        );
        assert_eq!(
            c(Exact::integer(3), Exact::integer(4)).abs().unwrap(),
            Exact::integer(5)
        );
        assert_eq!(
            Complex::real(Exact::integer(-4)).sqrt().unwrap(),
            c(Exact::zero(), Exact::integer(2))
        );
        // √(2i) = 1 + i, √(−2i) = 1 − i
        assert_eq!(
            c(Exact::zero(), Exact::integer(2)).sqrt().unwrap(),
            one_plus_i
        );
        assert_eq!(
            c(Exact::zero(), Exact::integer(-2)).sqrt().unwrap(),
            one_plus_i.conj()
        );
        assert!(c(Exact::integer(1), Exact::integer(1))
            .pow_int(1 << 20)
            .is_none());
    }
}
