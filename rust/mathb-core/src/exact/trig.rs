//! Trigonometric functions at rational multiples of π whose values are square-root radicals
//! without nesting (multiples of π/12 and π/5, and the tangent at multiples of π/8), and their
//! inverses at those values.
//!
//! Angles whose value needs a nested radical (sin π/5 = √(10 − 2√5)/4, cos π/8) have no exact
//! value here: they stay with the numeric comparison.

use super::complex::{ratio, recip_real, sqrt_int};
use crate::number::Exact;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive};

fn q(n: i64, d: i64) -> BigRational {
    BigRational::new(n.into(), d.into())
}

/// (a + b√r)/d.
fn radical(a: i64, b: i64, r: i64, d: i64) -> Option<Exact> {
    Exact::integer(a)
        .add(&sqrt_int(r).mul(&Exact::integer(b))?)?
        .mul(&ratio(1, d))
}

/// x reduced to [0, m).
fn reduce(x: &BigRational, m: i64) -> BigRational {
    // In machine integers where they suffice: n − ⌊n/(md)⌋·md over the same d keeps the
    // fraction in lowest terms (a common factor of it and d would divide n).
    if let (Some(n), Some(d)) = (x.numer().to_i64(), x.denom().to_i64()) {
        if let Some(md) = m.checked_mul(d) {
            return BigRational::new_raw(n.rem_euclid(md).into(), d.into());
        }
    }
    let m = BigRational::from_integer(m.into());
    x - &m * (x / &m).floor()
}

/// cos(xπ) where it is a radical without nesting.
pub fn cos_pi(x: &BigRational) -> Option<Exact> {
    let r = reduce(x, 2);
    cos_pi_in_turns(
        i128::try_from(r.numer()).ok()?,
        i128::try_from(r.denom()).ok()?,
    )
}

/// cos(nπ/d) for n/d in [0, 2) in lowest terms.
fn cos_pi_in_turns(n: i128, d: i128) -> Option<Exact> {
    // cos(2π − t) = cos t, then cos(π − t) = −cos t: the angle comes into [0, π/2].
    let n = if n > d { 2 * d - n } else { n };
    if 2 * n > d {
        return Some(cos_pi_in_turns(d - n, d)?.neg());
    }
    match (n, d) {
        (0, _) => Some(Exact::integer(1)),
        (1, 12) => radical(0, 1, 6, 4)?.add(&radical(0, 1, 2, 4)?),
        (1, 6) => radical(0, 1, 3, 2),
        (1, 5) => radical(1, 1, 5, 4),
        (1, 4) => radical(0, 1, 2, 2),
        (1, 3) => Some(ratio(1, 2)),
        (2, 5) => radical(-1, 1, 5, 4),
        (5, 12) => radical(0, 1, 6, 4)?.sub(&radical(0, 1, 2, 4)?),
        (1, 2) => Some(Exact::zero()),
        _ => None,
    }
}

/// sin(xπ) = cos((1/2 − x)π).
pub fn sin_pi(x: &BigRational) -> Option<Exact> {
    // 1/2 − n/d = (d − 2n)/2d, in machine integers where they suffice.
    if let (Some(n), Some(d)) = (x.numer().to_i64(), x.denom().to_i64()) {
        let (n, d) = (i128::from(n), i128::from(d));
        let (top, bottom) = (d - 2 * n, 2 * d);
        let g = num_integer::Integer::gcd(&top, &bottom);
        let turns = (top / g).rem_euclid(2 * (bottom / g));
        return cos_pi_in_turns(turns, bottom / g);
    }
    cos_pi(&(q(1, 2) - x))
}

/// tan(xπ); `None` where it is undefined or not a plain radical.
pub fn tan_pi(x: &BigRational) -> Option<Exact> {
    let r = reduce(x, 1);
    // tan(π/8) = √2 − 1, tan(3π/8) = √2 + 1, and tan(π − t) = −tan t.
    match (r.numer().clone(), r.denom().clone()) {
        (n, d) if d == 8.into() => {
            let n = i64::try_from(n).ok()?;
            return match n {
                1 => radical(-1, 1, 2, 1),
                3 => radical(1, 1, 2, 1),
                5 => Some(radical(1, 1, 2, 1)?.neg()),
                7 => Some(radical(-1, 1, 2, 1)?.neg()),
                _ => None,
            };
        }
        _ => {}
    }
    let c = cos_pi(x)?;
    if c.is_zero() {
        return None;
    }
    sin_pi(x)?.mul(&recip_real(&c)?)
}

/// The trigonometric function `name` at xπ.
pub fn trig_pi(name: &str, x: &BigRational) -> Option<Exact> {
    let nonzero_recip = |v: Exact| (!v.is_zero()).then(|| recip_real(&v)).flatten();
    match name {
        "sin" => sin_pi(x),
        "cos" => cos_pi(x),
        "tan" => tan_pi(x),
        // cot is 0 where tan is undefined (π/2 + kπ).
        "cot" if reduce(x, 1) == q(1, 2) => Some(Exact::zero()),
        "cot" => nonzero_recip(tan_pi(x)?),
        "sec" => nonzero_recip(cos_pi(x)?),
        "csc" => nonzero_recip(sin_pi(x)?),
        _ => None,
    }
}

/// Angles tried for the inverse functions, as multiples of π in [−1, 1].
pub(super) fn standard_angles() -> impl Iterator<Item = BigRational> {
    let twelfths = (-12..=12).map(|k| q(k, 12));
    let tenths = (-10..=10).map(|k| q(k, 10));
    let eighths = (-8..=8).map(|k| q(k, 8));
    twelfths.chain(tenths).chain(eighths)
}

/// The inverse function `name` at x, as a multiple of π, when x is the value of the function
/// at a standard angle in its principal range.
pub fn inverse_trig(name: &str, x: &Exact) -> Option<BigRational> {
    let half = q(1, 2);
    let in_range = |t: &BigRational| -> bool {
        match name {
            "arcsin" => t.abs() <= half,
            "arccos" => !t.is_negative() && *t <= q(1, 1),
            "arctan" => t.abs() < half,
            _ => false,
        }
    };
    let f = match name {
        "arcsin" => sin_pi,
        "arccos" => cos_pi,
        "arctan" => tan_pi,
        "arccot" => {
            // arccot x = arctan(1/x) for x > 0; for x < 0 the conventions differ.
            if x.is_zero() {
                return Some(half);
            }
            let t = inverse_trig("arctan", &recip_real(x)?)?;
            return t.is_positive().then_some(t);
        }
        "arcsec" => return inverse_trig("arccos", &recip_real(x)?),
        "arccsc" => return inverse_trig("arcsin", &recip_real(x)?),
        _ => return None,
    };
    // The function's values at the standard angles, computed once per process: an argument
    // that is none of them (most are not) would otherwise cost every one of them again.
    type Table = Vec<(BigRational, Option<Exact>)>;
    static TABLES: [std::sync::OnceLock<Table>; 3] = [const { std::sync::OnceLock::new() }; 3];
    let table = match name {
        "arcsin" => 0,
        "arccos" => 1,
        _ => 2,
    };
    TABLES[table]
        .get_or_init(|| {
            crate::budget::unmetered(|| standard_angles().map(|t| (t.clone(), f(&t))).collect())
        })
        .iter()
        .find(|(t, value)| in_range(t) && value.as_ref() == Some(x))
        .map(|(t, _)| t.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_values() {
        assert_eq!(sin_pi(&q(1, 6)).unwrap(), ratio(1, 2));
        assert_eq!(cos_pi(&q(1, 3)).unwrap(), ratio(1, 2));
        assert_eq!(sin_pi(&q(5, 6)).unwrap(), ratio(1, 2));
        assert_eq!(cos_pi(&q(3, 4)).unwrap(), radical(0, -1, 2, 2).unwrap());
        assert_eq!(tan_pi(&q(1, 4)).unwrap(), Exact::integer(1));
        assert_eq!(tan_pi(&q(1, 3)).unwrap(), sqrt_int(3));
        assert_eq!(tan_pi(&q(1, 12)).unwrap(), radical(2, -1, 3, 1).unwrap());
        assert_eq!(tan_pi(&q(1, 8)).unwrap(), radical(-1, 1, 2, 1).unwrap());
        assert_eq!(sin_pi(&q(1, 10)).unwrap(), radical(-1, 1, 5, 4).unwrap());
        assert_eq!(sin_pi(&q(-7, 6)).unwrap(), ratio(1, 2));
        assert_eq!(cos_pi(&q(13, 1)).unwrap(), Exact::integer(-1));
        assert!(sin_pi(&q(1, 5)).is_none()); // √(10 − 2√5)/4
        assert!(tan_pi(&q(1, 2)).is_none());
        assert_eq!(trig_pi("sec", &q(1, 3)).unwrap(), Exact::integer(2));
        assert_eq!(trig_pi("csc", &q(1, 4)).unwrap(), sqrt_int(2));
        assert_eq!(trig_pi("cot", &q(1, 6)).unwrap(), sqrt_int(3));
        assert_eq!(trig_pi("cot", &q(1, 2)).unwrap(), Exact::zero());
        assert!(trig_pi("csc", &q(1, 1)).is_none());
        assert!(trig_pi("sin", &q(1, 7)).is_none());
    }

    #[test]
    fn inverse_values() {
        assert_eq!(inverse_trig("arcsin", &ratio(1, 2)), Some(q(1, 6)));
        assert_eq!(inverse_trig("arccos", &ratio(-1, 2)), Some(q(2, 3)));
        assert_eq!(inverse_trig("arctan", &Exact::integer(1)), Some(q(1, 4)));
        assert_eq!(inverse_trig("arctan", &sqrt_int(3)), Some(q(1, 3)));
        assert_eq!(inverse_trig("arcsin", &Exact::integer(-1)), Some(q(-1, 2)));
        assert_eq!(inverse_trig("arccos", &Exact::integer(-1)), Some(q(1, 1)));
        assert_eq!(inverse_trig("arccot", &sqrt_int(3)), Some(q(1, 6)));
        assert_eq!(inverse_trig("arcsin", &Exact::integer(2)), None);
        assert_eq!(inverse_trig("arcsin", &ratio(1, 3)), None);
    }

    #[test]
    fn exact_values_are_the_cosines_and_sines() {
        let mut exact = 0;
        for d in 1..=30i64 {
            for n in -70..=70i64 {
                let x = q(n, d);
                let angle = std::f64::consts::PI * n as f64 / d as f64;
                for (value, f) in [(cos_pi(&x), angle.cos()), (sin_pi(&x), angle.sin())] {
                    if let Some(v) = value {
                        exact += 1;
                        assert!((v.to_f64().unwrap() - f).abs() < 1e-12, "{n}/{d}");
                    }
                }
            }
        }
        // Every multiple of π/12 and of π/5 (none of π/7) in the range has a value.
        assert!(exact > 1000);
        assert!(cos_pi(&q(1, 7)).is_none() && sin_pi(&q(3, 8)).is_none());
        let huge = BigRational::new(
            BigRational::from_integer(10.into()).numer().pow(30) + 1,
            3.into(),
        );
        assert_eq!(cos_pi(&huge).and_then(|v| v.to_f64()), Some(0.5));
    }
}
