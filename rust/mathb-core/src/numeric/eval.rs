//! Evaluating an expression at a point: readings of ambiguous notations, variables, and
//! the functions with their domains.

use super::ball::*;
use crate::expr::{Constant, Expr};
use crate::normalize::{evaluate, is_numeric};
use crate::number::Exact;
use astro_float::BigFloat;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::ToPrimitive;
use std::collections::BTreeSet;

/// Base of the logarithm a notation stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Base {
    E,
    Ten,
    Two,
}

/// One reading of the ambiguous notations: `\log x` (natural, decimal or binary), `\lg x`
/// (decimal or binary) and `\sin^{-1} x`, parsed as arcsin but read by some as 1/sin x.
/// A difference counts only when every reading shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Reading {
    pub(super) log: Base,
    pub(super) lg: Base,
    pub(super) arc_reciprocal: bool,
}

pub(super) fn readings(exprs: &[&Expr]) -> Vec<Reading> {
    let (mut log, mut lg, mut arc) = (false, false, false);
    for e in exprs {
        visit(e, &mut |x| {
            if let Expr::Func(name, args) = x {
                log |= name == "log" && args.len() == 1;
                lg |= name == "lg";
                arc |= name.starts_with("arc");
            }
        });
    }
    let arcs: &[bool] = if arc { &[false, true] } else { &[false] };
    let logs: &[Base] = if log {
        &[Base::E, Base::Ten, Base::Two]
    } else {
        &[Base::E]
    };
    let lgs: &[Base] = if lg {
        &[Base::Ten, Base::Two]
    } else {
        &[Base::Ten]
    };
    let mut out = Vec::new();
    for &log in logs {
        for &lg in lgs {
            for &arc_reciprocal in arcs {
                out.push(Reading {
                    log,
                    lg,
                    arc_reciprocal,
                });
            }
        }
    }
    out
}

pub(super) fn visit(e: &Expr, f: &mut impl FnMut(&Expr)) {
    f(e);
    for c in e.children() {
        visit(c, f);
    }
}

/// Names that stand for constants, not variables: Euler's e and the imaginary unit.
pub(super) fn is_constant_name(name: &str) -> bool {
    matches!(name, "e" | "i")
}

pub(super) fn variables(e: &Expr, out: &mut BTreeSet<String>) {
    visit(e, &mut |x| {
        if let Expr::Sym(s) = x {
            if !is_constant_name(s) {
                out.insert(s.clone());
            }
        }
    });
}

pub(super) fn mentions_variable(e: &Expr) -> bool {
    match e {
        Expr::Sym(s) => !is_constant_name(s),
        _ => e.children().into_iter().any(mentions_variable),
    }
}

pub(super) fn node_count(e: &Expr) -> usize {
    let mut n = 0;
    visit(e, &mut |_| n += 1);
    n
}

/// Values of the variables at one point.
pub(super) struct Point<'a> {
    pub(super) values: &'a [(String, f64)],
    pub(super) reading: Reading,
}

pub(super) fn from_exact(x: &Exact) -> Res<Num> {
    let mut acc = Real::small(0);
    for (basis, q) in x.terms() {
        let mut t = Real::rational(q)?;
        if basis.radicand != 1u32.into() {
            let r = BigRational::from_integer(BigInt::from(basis.radicand.clone()));
            t = t.mul(&Real::rational(&r)?.sqrt()?)?;
        }
        if basis.pi_power != 0 {
            let pk = Num::from(Real::pi()?).pow_int(basis.pi_power.into())?;
            t = t.mul(&pk.re)?;
        }
        acc = acc.add(&t)?;
    }
    Ok(Num::from(acc))
}

/// An exponent known exactly as a small rational p/q.
pub(super) fn exact_exponent(e: &Expr) -> Option<(i64, i64)> {
    if !is_numeric(e) {
        return None;
    }
    let q = evaluate(e).ok()?.as_rational()?;
    Some((q.numer().to_i64()?, q.denom().to_i64()?))
}

pub(super) fn eval(e: &Expr, pt: &Point, depth: usize) -> Res<Num> {
    crate::budget::tick();
    if depth > 100 {
        return Err(Fail::Unsupported);
    }
    if is_numeric(e) && !matches!(e, Expr::Num(_) | Expr::Const(_)) {
        if let Ok(x) = evaluate(e) {
            return from_exact(&x);
        }
    }
    let d = depth + 1;
    match e {
        Expr::Num(l) => Ok(Num::from(Real::rational(&l.value)?)),
        Expr::Const(Constant::Pi) => Ok(Num::from(Real::pi()?)),
        Expr::Const(Constant::E) => Ok(Num::from(Real::small(1).exp()?)),
        Expr::Const(Constant::I) => Ok(Num::imaginary_unit()),
        Expr::Const(Constant::Infinity) => Err(Fail::Unsupported),
        Expr::Sym(s) if s == "e" => Ok(Num::from(Real::small(1).exp()?)),
        Expr::Sym(s) if s == "i" => Ok(Num::imaginary_unit()),
        Expr::Sym(s) => pt
            .values
            .iter()
            .find(|(name, _)| name == s)
            .map(|&(_, v)| Num::from(Real::exact(BigFloat::from_f64(v, prec()))))
            .ok_or(Fail::Unsupported),
        Expr::Neg(a) => Ok(eval(a, pt, d)?.neg()),
        Expr::Add(terms) => {
            let mut acc = Num::from(Real::small(0));
            for t in terms {
                acc = acc.add(&eval(t, pt, d)?)?;
            }
            Ok(acc)
        }
        Expr::Mul(factors) => {
            let mut acc = Num::from(Real::small(1));
            for f in factors {
                acc = acc.mul(&eval(f, pt, d)?)?;
            }
            Ok(acc)
        }
        Expr::Div(a, b) => eval(a, pt, d)?.div(&eval(b, pt, d)?),
        Expr::Pow(base, exp) => power(base, exp, pt, d),
        Expr::Root(a, n) => root(&eval(a, pt, d)?, i64::from(*n), mentions_variable(a)),
        Expr::Func(name, args) => function(name, args, pt, d),
        _ => Err(Fail::Unsupported),
    }
}

pub(super) fn power(base: &Expr, exp: &Expr, pt: &Point, d: usize) -> Res<Num> {
    if matches!(base, Expr::Sym(s) if s == "e") || *base == Expr::Const(Constant::E) {
        return eval(exp, pt, d)?.exp();
    }
    let b = eval(base, pt, d)?;
    match exact_exponent(exp) {
        Some((p, 1)) => b.pow_int(p),
        // x^(p/q) is (q-th root of x)^p, with real odd roots of negatives, as in the exact core.
        Some((p, q)) if q <= 64 && p.abs() <= 4096 => {
            root(&b, q, mentions_variable(base))?.pow_int(p)
        }
        _ => {
            let w = eval(exp, pt, d)?;
            if b.is_exact_zero() {
                return match w.real() {
                    Some(r) if r.is_positive() => Ok(Num::from(Real::small(0))),
                    _ => Err(Fail::Undefined),
                };
            }
            let positive = b.real().is_some_and(Real::is_positive);
            // (−1)^x is real only at integers: a variable base or exponent needs a positive base.
            if (mentions_variable(base) || mentions_variable(exp)) && !positive {
                return Err(Fail::Undefined);
            }
            w.mul(&b.ln()?)?.exp()
        }
    }
}

/// The n-th root: real for real non-negative arguments and for odd roots of negative reals;
/// principal otherwise, and then only for arguments that do not depend on a variable.
pub(super) fn root(z: &Num, n: i64, varying: bool) -> Res<Num> {
    if z.is_exact_zero() {
        return Ok(Num::from(Real::small(0)));
    }
    if let Some(x) = z.real() {
        if x.is_positive() {
            return if n == 2 {
                Ok(Num::from(x.sqrt()?))
            } else {
                let inv = Real::small(n).recip()?;
                Ok(Num::from(x.ln()?.mul(&inv)?.exp()?))
            };
        }
        if x.is_negative() && n % 2 == 1 {
            return Ok(root(&z.neg(), n, varying)?.neg());
        }
        if !x.is_negative() {
            return Err(Fail::Undefined);
        }
    }
    if varying {
        return Err(Fail::Undefined);
    }
    let inv = Num::from(Real::small(n).recip()?);
    z.ln()?.mul(&inv)?.exp()
}

pub(super) fn log_base(base: Base) -> Res<Num> {
    let b = match base {
        Base::E => return Ok(Num::from(Real::small(1))),
        Base::Ten => 10,
        Base::Two => 2,
    };
    Ok(Num::from(Real::small(b).ln()?))
}

pub(super) fn function(name: &str, args: &[Expr], pt: &Point, d: usize) -> Res<Num> {
    let [arg, rest @ ..] = args else {
        return Err(Fail::Unsupported);
    };
    let varying = mentions_variable(arg);
    let x = eval(arg, pt, d)?;
    // Branch cuts and restricted domains: a variable argument must be certainly inside the
    // real domain (positive for logarithms), or the point does not count.
    let real_positive = x.real().is_some_and(Real::is_positive);
    let logarithm = |x: &Num| -> Res<Num> {
        if varying && !real_positive {
            return Err(Fail::Undefined);
        }
        x.ln()
    };
    match (name, rest) {
        ("sin", []) => x.trig(false),
        ("cos", []) => x.trig(true),
        ("tan", []) => x.trig(false)?.div(&x.trig(true)?),
        ("cot", []) => x.trig(true)?.div(&x.trig(false)?),
        ("sec", []) => x.trig(true)?.recip(),
        ("csc", []) => x.trig(false)?.recip(),
        ("exp", []) => x.exp(),
        ("sinh" | "cosh" | "tanh", []) => {
            let (ex, emx) = (x.exp()?, x.neg().exp()?);
            let sinh = ex.add(&emx.neg())?;
            let cosh = ex.add(&emx)?;
            let half = Num::from(Real::exact(BigFloat::from_f64(0.5, prec())));
            match name {
                "sinh" => sinh.mul(&half),
                "cosh" => cosh.mul(&half),
                _ => sinh.div(&cosh),
            }
        }
        ("arcsin", []) if pt.reading.arc_reciprocal => x.trig(false)?.recip(),
        ("arccos", []) if pt.reading.arc_reciprocal => x.trig(true)?.recip(),
        ("arctan", []) if pt.reading.arc_reciprocal => x.trig(true)?.div(&x.trig(false)?),
        ("arctan", []) => Ok(Num::from(x.real().ok_or(Fail::Unsupported)?.atan()?)),
        ("arcsin" | "arccos", []) => {
            let r = x.real().ok_or(Fail::Unsupported)?;
            Ok(Num::from(r.arcsin(name == "arccos")?))
        }
        ("abs", []) => x.abs(),
        ("ln", []) => logarithm(&x),
        ("log", []) => logarithm(&x)?.div(&log_base(pt.reading.log)?),
        ("lg", []) => logarithm(&x)?.div(&log_base(pt.reading.lg)?),
        ("log", [base]) => {
            let b = eval(base, pt, d)?;
            if mentions_variable(base) && !b.real().is_some_and(Real::is_positive) {
                return Err(Fail::Undefined);
            }
            logarithm(&x)?.div(&b.ln()?)
        }
        _ => Err(Fail::Unsupported),
    }
}
