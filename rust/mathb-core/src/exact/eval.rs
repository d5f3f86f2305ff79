//! Exact evaluation of constant expressions to [`Complex`] values, including the functions the
//! plain exact arithmetic leaves out: trigonometric functions at standard angles and their
//! inverses, rational logarithms, `e^{iθ}`, `|z|`, conjugates, real and imaginary parts.

use super::complex::{nth_root_real, pow_real, sign, Complex};
use super::log::{logarithm, Base};
use super::trig::{cos_pi, inverse_trig, sin_pi, trig_pi};
use crate::expr::{Constant, Expr};
use crate::normalize::evaluate;
use crate::number::Exact;
use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::cmp::Ordering;

/// Deepest expression evaluated.
const MAX_DEPTH: usize = 100;
/// Largest |numerator| of a fractional exponent p/q applied through a root.
const MAX_ROOT_POWER: i64 = 64;

/// The functions this module gives exact values to.
pub(super) fn is_handled_function(name: &str) -> bool {
    matches!(
        name,
        "sin"
            | "cos"
            | "tan"
            | "cot"
            | "sec"
            | "csc"
            | "arcsin"
            | "arccos"
            | "arctan"
            | "arccot"
            | "arcsec"
            | "arccsc"
            | "ln"
            | "log"
            | "lg"
            | "exp"
            | "abs"
            | "conj"
            | "Re"
            | "Im"
            | "cis"
            | "arg"
    )
}

fn is_e(e: &Expr) -> bool {
    matches!(e, Expr::Sym(s) if s == "e") || *e == Expr::Const(Constant::E)
}

fn is_i(e: &Expr) -> bool {
    matches!(e, Expr::Sym(s) if s == "i") || *e == Expr::Const(Constant::I)
}

/// The value as a real number, if it is one.
pub(super) fn real_value(e: &Expr, depth: usize) -> Option<Exact> {
    let v = value(e, depth)?;
    v.is_real().then_some(v.re)
}

/// q when x = q·π (q rational; 0 for x = 0).
pub(super) fn pi_multiple(x: &Exact) -> Option<BigRational> {
    if x.is_zero() {
        return Some(BigRational::zero());
    }
    let mut terms = x.terms();
    let (b, q) = terms.next()?;
    (terms.next().is_none() && b.radicand == 1u32.into() && b.pi_power == 1).then(|| q.clone())
}

/// t for an angle written as tπ with t a plain fraction (`\\frac{\\pi}{7}`, `3\\pi/4`,
/// `-2\\pi`), read off without the exact arithmetic; None for any other expression.
fn written_pi_multiple(x: &Expr) -> Option<BigRational> {
    let (numer, denom, pi) = written_term(x)?;
    pi.then(|| BigRational::new(numer, denom))
}

/// A product of literals with at most one π, over a product of literals: the numerator and
/// (nonzero) denominator of its rational factor, not reduced (reduced once, by the caller),
/// and whether π is in it.
fn written_term(x: &Expr) -> Option<(BigInt, BigInt, bool)> {
    match x {
        Expr::Num(l) => Some((l.value.numer().clone(), l.value.denom().clone(), false)),
        Expr::Const(Constant::Pi) => Some((BigInt::one(), BigInt::one(), true)),
        Expr::Neg(a) => written_term(a).map(|(n, d, pi)| (-n, d, pi)),
        Expr::Mul(factors) => {
            let (mut n, mut d, mut pi) = (BigInt::one(), BigInt::one(), false);
            for f in factors {
                let (fn_, fd, fpi) = written_term(f)?;
                if fpi && pi {
                    return None;
                }
                (n, d, pi) = (n * fn_, d * fd, pi || fpi);
            }
            Some((n, d, pi))
        }
        Expr::Div(a, b) => match written_term(b)? {
            (bn, bd, false) if !bn.is_zero() => {
                written_term(a).map(|(n, d, pi)| (n * bd, d * bn, pi))
            }
            _ => None,
        },
        _ => None,
    }
}

/// cos θ + i sin θ for θ a standard multiple of π.
fn cis_pi(q: &BigRational) -> Option<Complex> {
    Some(Complex {
        re: cos_pi(q)?,
        im: sin_pi(q)?,
    })
}

/// e^z: e^{ln x} = x, e^{k ln x} = x^k, and e^{iθ} at standard angles.
fn exp_value(z: &Expr, depth: usize) -> Option<Complex> {
    let log_arg = |f: &Expr| match f {
        Expr::Func(name, args) if name == "ln" && args.len() == 1 => Some(args[0].clone()),
        _ => None,
    };
    if let Some(x) = log_arg(z) {
        let v = value(&x, depth)?;
        return (!v.is_zero()).then_some(v);
    }
    if let Expr::Mul(factors) = z {
        let logs: Vec<usize> = (0..factors.len())
            .filter(|&k| log_arg(&factors[k]).is_some())
            .collect();
        if let [k] = logs.as_slice() {
            let mut n = BigRational::from_integer(1.into());
            for (j, f) in factors.iter().enumerate() {
                if j != *k {
                    n *= real_value(f, depth)?.as_rational()?;
                }
            }
            let x = value(&log_arg(&factors[*k])?, depth)?;
            if x.is_zero() || !x.is_real() || sign(&x.re)? != Ordering::Greater {
                return None;
            }
            return rational_power(x, &n);
        }
    }
    let v = value(z, depth)?;
    if !v.re.is_zero() {
        return None; // e^a for real a ≠ 0 is transcendental
    }
    cis_pi(&pi_multiple(&v.im)?)
}

/// base^exp: e^z, b^{log_b x}, and rational exponents.
fn power(base: &Expr, exp: &Expr, depth: usize) -> Option<Complex> {
    if is_e(base) {
        return exp_value(exp, depth);
    }
    // b^{log_b x} = x for a positive base b ≠ 1 and x > 0.
    if let Expr::Func(name, args) = exp {
        let log_base = match (name.as_str(), args.as_slice()) {
            ("log", [_, b]) => real_value(b, depth),
            ("log" | "lg", [_]) => Some(Exact::integer(10)),
            _ => None,
        };
        if let Some(lb) = log_base {
            let (b, x) = (real_value(base, depth)?, real_value(&args[0], depth)?);
            let positive = |v: &Exact| sign(v) == Some(Ordering::Greater);
            if b == lb && positive(&b) && b != Exact::integer(1) && positive(&x) {
                return Some(Complex::real(x));
            }
        }
    }
    let r = real_value(exp, depth)?.as_rational()?;
    rational_power(value(base, depth)?, &r)
}

/// b^r for a rational r: integer powers of any value, principal square roots for halves,
/// and roots of positive reals.
fn rational_power(b: Complex, r: &BigRational) -> Option<Complex> {
    if r.is_integer() {
        let n = r.to_integer();
        // Powers of 1, −1, i, −i of any size: only n mod 4 matters.
        if matches!(b.re.as_rational(), Some(x) if x.is_zero() || x.abs().is_one())
            && matches!(b.im.as_rational(), Some(y) if y.is_zero() || y.abs().is_one())
            && b.norm()? == Exact::integer(1)
        {
            let k = n.mod_floor(&4.into()).to_i64()?;
            return b.pow_int(k);
        }
        return b.pow_int(n.to_i64()?);
    }
    let p = r.numer().to_i64().filter(|p| p.abs() <= MAX_ROOT_POWER)?;
    let q = r.denom().to_u32()?;
    if q == 2 {
        return b.sqrt()?.pow_int(p);
    }
    // Odd roots of negative numbers: real to some readers, principal (non-real) to others.
    if !b.is_real() || sign(&b.re)? == Ordering::Less {
        return None;
    }
    Some(Complex::real(pow_real(&nth_root_real(&b.re, q)?, p)?))
}

fn function(name: &str, args: &[Expr], depth: usize) -> Option<Complex> {
    let real = |x: Option<Exact>| x.map(Complex::real);
    match (name, args) {
        ("sin" | "cos" | "tan" | "cot" | "sec" | "csc", [x]) => {
            let t = match written_pi_multiple(x) {
                Some(t) => t,
                None => pi_multiple(&real_value(x, depth)?)?,
            };
            real(trig_pi(name, &t))
        }
        ("arcsin" | "arccos" | "arctan" | "arccot" | "arcsec" | "arccsc", [x]) => {
            let t = inverse_trig(name, &real_value(x, depth)?)?;
            real(Exact::rational(t)?.mul(&Exact::pi()))
        }
        ("ln", [x]) => real(Exact::rational(logarithm(x, Base::Natural, depth)?)),
        ("log" | "lg", [x]) => real(Exact::rational(logarithm(x, Base::Ten, depth)?)),
        ("log", [x, b]) => {
            let base = if is_e(b) {
                Base::Natural
            } else {
                Base::Given(b)
            };
            real(Exact::rational(logarithm(x, base, depth)?))
        }
        ("exp", [x]) => exp_value(x, depth),
        ("cis", [x]) => cis_pi(&pi_multiple(&real_value(x, depth)?)?),
        ("abs", [x]) => real(value(x, depth)?.abs()),
        ("conj", [x]) => Some(value(x, depth)?.conj()),
        ("Re", [x]) => Some(Complex::real(value(x, depth)?.re)),
        ("Im", [x]) => Some(Complex::real(value(x, depth)?.im)),
        ("arg", [x]) => {
            // The principal argument in (−π, π], at standard angles.
            let z = value(x, depth)?;
            let m = z.abs()?;
            if m.is_zero() {
                return None;
            }
            (-11..=12)
                .map(|k| BigRational::new(k.into(), 12.into()))
                .chain((-9..=10).map(|k| BigRational::new(k.into(), 10.into())))
                .find(|t| {
                    cis_pi(t).and_then(|c| c.mul(&Complex::real(m.clone()))) == Some(z.clone())
                })
                .and_then(|t| real(Exact::rational(t)?.mul(&Exact::pi())))
        }
        // factorial, mod: the plain exact arithmetic.
        _ => evaluate(&Expr::Func(name.to_string(), args.to_vec()))
            .ok()
            .map(Complex::real),
    }
}

/// The exact value of a constant expression, or `None` when it has variables, is not a
/// number, or is outside the exact arithmetic (e, ln 2, sin 1, nested radicals).
pub fn value(e: &Expr, depth: usize) -> Option<Complex> {
    crate::budget::tick();
    if depth > MAX_DEPTH {
        return None;
    }
    let d = depth + 1;
    match e {
        Expr::Num(l) => Some(Complex::real(Exact::rational(l.value.clone())?)),
        Expr::Const(Constant::Pi) => Some(Complex::real(Exact::pi())),
        _ if is_i(e) => Some(Complex::i()),
        Expr::Neg(a) => Some(value(a, d)?.neg()),
        Expr::Add(terms) => {
            let mut acc = Complex::real(Exact::zero());
            for t in terms {
                acc = acc.add(&value(t, d)?)?;
            }
            Some(acc)
        }
        Expr::Mul(factors) => {
            let mut acc = Complex::real(Exact::integer(1));
            for f in factors {
                acc = acc.mul(&value(f, d)?)?;
            }
            Some(acc)
        }
        Expr::Div(a, b) => {
            let (a, b) = (value(a, d)?, value(b, d)?);
            if b.is_zero() {
                return None;
            }
            a.div(&b)
        }
        Expr::Pow(base, exp) => power(base, exp, d),
        Expr::Root(a, 2) => value(a, d)?.sqrt(),
        Expr::Root(a, n) => {
            let v = value(a, d)?;
            if !v.is_real() || sign(&v.re)? == Ordering::Less {
                return None;
            }
            Some(Complex::real(nth_root_real(&v.re, *n)?))
        }
        Expr::Func(name, args) => function(name, args, d),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latex::parse_answer;

    fn v(s: &str) -> Option<Complex> {
        super::super::value(&parse_answer(s).unwrap())
    }

    fn same(a: &str, b: &str) -> bool {
        match (v(a), v(b)) {
            (Some(x), Some(y)) => x == y,
            _ => panic!("{a} or {b} not evaluated"),
        }
    }

    #[test]
    fn logarithms() {
        assert!(same("\\log_2 8", "3"));
        assert!(same("\\ln e^2", "2"));
        assert!(same("\\ln \\sqrt{e}", "\\frac12"));
        assert!(same("\\log 1000", "3"));
        assert!(same("\\lg 100", "2"));
        assert!(same("\\log_3 \\frac{1}{9}", "-2"));
        assert!(same("\\log_4 8", "\\frac32"));
        assert!(same("\\log_{\\sqrt2} 4", "4"));
        assert!(same("e^{\\ln 5}", "5"));
        assert!(same("e^{2\\ln 3}", "9"));
        assert!(same("e^{\\frac12\\ln 4}", "2"));
        assert!(same("2^{\\log_2 5}", "5"));
        assert!(same("10^{\\log 7}", "7"));
        assert!(v("3^{\\log_2 5}").is_none());
        assert!(same("\\log_2 8 + \\log_2 4", "5"));
        assert!(same("\\log_e e^3", "3"));
        assert!(!same("\\log_2 8", "4"));
        assert!(v("\\log_2 10").is_none());
        assert!(v("\\ln 2").is_none());
        assert!(v("\\log 8").is_none());
        assert!(v("\\log_2 (-8)").is_none());
    }

    #[test]
    fn trigonometry() {
        assert!(same("\\sin 30^\\circ", "\\frac12"));
        assert!(same("\\cos\\frac{\\pi}{3}", "\\frac12"));
        assert!(same("\\tan\\frac{\\pi}{4}", "1"));
        assert!(same("\\sin\\frac{5\\pi}{6}", "\\frac12"));
        assert!(same("\\cos 135^\\circ", "-\\frac{\\sqrt2}{2}"));
        assert!(same("\\sec 60^\\circ", "2"));
        assert!(same("\\csc\\frac{\\pi}{6}", "2"));
        assert!(same("\\cot\\frac{\\pi}{3}", "\\frac{\\sqrt3}{3}"));
        assert!(same("\\sin 15^\\circ", "\\frac{\\sqrt6-\\sqrt2}{4}"));
        assert!(same("\\cos 36^\\circ", "\\frac{1+\\sqrt5}{4}"));
        assert!(same("\\tan 22.5^\\circ", "\\sqrt2-1"));
        assert!(same("\\arcsin\\frac12", "\\frac{\\pi}{6}"));
        assert!(same("\\arctan 1", "\\frac\\pi4"));
        assert!(same("\\arccos(-\\frac12)", "\\frac{2\\pi}{3}"));
        assert!(same("\\tan^{-1}\\sqrt3", "\\frac\\pi3"));
        assert!(!same("\\sin 30^\\circ", "\\frac{\\sqrt3}{2}"));
        assert!(v("\\sin 1").is_none());
        assert!(v("\\tan\\frac{\\pi}{2}").is_none());
        assert!(v("\\sin x").is_none());
    }

    #[test]
    fn complex_numbers() {
        assert!(same("e^{i\\pi}", "-1"));
        assert!(same("\\frac{1}{1+i}", "\\frac12-\\frac i2"));
        assert!(same("2e^{i\\pi/3}", "1+\\sqrt3 i"));
        assert!(same("|3+4i|", "5"));
        assert!(same("i^{2023}", "-i"));
        assert!(same("i^{10^{100}}", "1"));
        assert!(same("(-1)^{10^{100}+1}", "-1"));
        assert!(same("(-i)^{-3}", "-i"));
        assert!(same("(1+i)^2", "2i"));
        assert!(same("\\sqrt{-4}", "2i"));
        assert!(same(
            "3(\\cos\\frac{\\pi}{2} + i\\sin\\frac{\\pi}{2})",
            "3i"
        ));
        assert!(same("\\exp(i\\pi/2)", "i"));
        assert!(same("\\frac{2+3i}{1-i}", "-\\frac12+\\frac52 i"));
        assert!(same("(1+\\sqrt3 i)^3", "-8"));
        assert!(!same("e^{i\\pi}", "1"));
        assert!(!same("\\frac{1}{1+i}", "\\frac12+\\frac i2"));
        assert!(!same("2e^{i\\pi/3}", "1-\\sqrt3 i"));
        assert!(v("e^{i}").is_none());
        assert!(v("e^2").is_none());
        // Real or principal cube root: not decided here.
        assert!(v("(-1)^{1/3}").is_none());
        assert!(v("\\sqrt[3]{-8}").is_none());
    }

    #[test]
    fn denesting() {
        assert!(same("\\sqrt{3+2\\sqrt2}", "1+\\sqrt2"));
        assert!(same("\\sqrt{5-2\\sqrt6}", "\\sqrt3-\\sqrt2"));
        assert!(same("\\sqrt{7+4\\sqrt3}", "2+\\sqrt3"));
        assert!(!same("\\sqrt{3+2\\sqrt2}", "1+\\sqrt3"));
        assert!(v("\\sqrt{2+\\sqrt2}").is_none());
    }

    #[test]
    fn written_multiples_of_pi_are_those_the_arithmetic_finds() {
        let written = [
            "\\pi",
            "-\\pi",
            "\\frac{\\pi}{7}",
            "\\frac{3\\pi}{4}",
            "3\\pi/4",
            "-\\frac{5\\pi}{12}",
            "0.5\\pi",
            "\\frac{2}{3}\\pi",
            "\\frac{\\pi}{6}/2",
        ];
        for text in written {
            let x = parse_answer(text).unwrap();
            let t = written_pi_multiple(&x).unwrap_or_else(|| panic!("{text}: not read"));
            assert_eq!(Some(t), pi_multiple(&real_value(&x, 0).unwrap()), "{text}");
        }
        // Anything else goes to the arithmetic.
        for text in [
            "\\pi^2",
            "\\frac{\\pi}{x}",
            "\\pi + 1",
            "2\\pi\\pi",
            "\\frac{\\pi}{0}",
        ] {
            assert_eq!(
                written_pi_multiple(&parse_answer(text).unwrap()),
                None,
                "{text}"
            );
        }
    }
}
