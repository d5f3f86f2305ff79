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
//! Variables are set to pseudo-random reals in [0.5, 2.5). Where a function has a branch cut
//! or a restricted domain (logarithms, even roots, non-integer powers, arcsin, arccos), an
//! argument that depends on a variable must lie certainly inside the positive (or real) part
//! of the domain, or the point is skipped: a difference is only ever shown where both
//! expressions are defined as real functions, so identities such as ln(ab) = ln a + ln b or
//! √(x²) = x (true for the positive reals the points are drawn from) are never refuted.

use crate::expr::{Constant, Expr};
use crate::modular::{hash_str, splitmix};
use crate::normalize::{evaluate, is_numeric};
use crate::number::Exact;
use astro_float::{BigFloat, Consts, RoundingMode, Sign};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use std::cell::RefCell;
use std::collections::BTreeSet;

/// Working precision in bits.
const PREC: usize = 256;
const RM: RoundingMode = RoundingMode::ToEven;
/// Largest binary exponent of a value; beyond it evaluation stops (no huge allocations, and
/// radii stay inside f64).
const MAX_EXPONENT: i32 = 900;
/// Radii never go below 2⁻¹⁰⁰⁰, so an f64 radius can not underflow to a false zero.
const RADIUS_FLOOR: f64 = 9.332_636_185_032_189e-302;
/// Relative slack added to every f64 radius computation (covers its own rounding).
const SLACK: f64 = 1.0 + 1.0 / (1u64 << 45) as f64;
/// Largest number of nodes in an expression evaluated numerically.
const MAX_NODES: usize = 400;
/// Largest |n| in an integer power computed by repeated squaring.
const MAX_INTEGER_POWER: i64 = 1 << 20;
/// Points at which both sides must be defined before agreement is reported.
const POINTS: usize = 2;
/// Points tried in all, to find `POINTS` where both sides are defined.
const ATTEMPTS: u64 = 8;

thread_local! {
    static CONSTS: RefCell<Option<Consts>> = RefCell::new(Consts::new().ok());
}

/// Why a value could not be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fail {
    /// Not defined at this point (a pole, outside the domain, on a branch cut): another point
    /// may work.
    Undefined,
    /// Outside what this evaluator handles (unknown function, overflow, too large).
    Unsupported,
}

type Res<T> = Result<T, Fail>;

fn pow2(k: i64) -> f64 {
    if k < -1000 {
        RADIUS_FLOOR
    } else if k > 1000 {
        f64::INFINITY
    } else {
        2f64.powi(k as i32)
    }
}

/// An upper bound after f64 arithmetic on non-negative quantities.
fn up(x: f64) -> f64 {
    x * SLACK + RADIUS_FLOOR
}

/// |x| as f64 with relative error below 2⁻⁵⁰ (0 for zero), from its top mantissa word.
fn approx_abs(x: &BigFloat) -> f64 {
    match x.as_raw_parts() {
        Some((words, _, _, e, _)) if !x.is_zero() => {
            let top = words.last().copied().unwrap_or(0);
            top as f64 * pow2(e as i64 - 64)
        }
        _ => 0.0,
    }
}

fn hi(x: &BigFloat) -> f64 {
    approx_abs(x) * SLACK
}

fn lo(x: &BigFloat) -> f64 {
    approx_abs(x) / SLACK
}

/// Bound on the rounding error of a result rounded to `PREC` bits (8 ulps; the library
/// promises ½).
fn rounding(x: &BigFloat) -> f64 {
    match x.exponent() {
        Some(e) if !x.is_zero() => pow2(e as i64 - PREC as i64 + 2),
        _ => 0.0,
    }
}

fn consts<T>(f: impl FnOnce(&mut Consts) -> T) -> Res<T> {
    CONSTS.with(|c| c.borrow_mut().as_mut().map(f).ok_or(Fail::Unsupported))
}

/// A real ball: the true value lies within `rad` of `mid`.
#[derive(Clone, Debug)]
struct Real {
    mid: BigFloat,
    rad: f64,
}

impl Real {
    fn exact(mid: BigFloat) -> Self {
        Real { mid, rad: 0.0 }
    }

    fn small(n: i64) -> Self {
        Real::exact(BigFloat::from_i64(n, PREC))
    }

    /// A rounded midpoint and a propagated radius: adds the rounding error, checks the size.
    fn finish(mid: BigFloat, rad: f64) -> Res<Self> {
        if mid.is_nan() || mid.is_inf() || !rad.is_finite() {
            return Err(Fail::Unsupported);
        }
        if mid.exponent().is_some_and(|e| e > MAX_EXPONENT) {
            return Err(Fail::Unsupported);
        }
        let rad = up(rad + rounding(&mid));
        if rad > pow2(MAX_EXPONENT as i64) {
            return Err(Fail::Unsupported);
        }
        Ok(Real { mid, rad })
    }

    fn is_exact_zero(&self) -> bool {
        self.mid.is_zero() && self.rad == 0.0
    }

    /// Certainly positive, with the ball at most half as wide as the midpoint: the derivative
    /// bounds below rely on that margin.
    fn is_positive(&self) -> bool {
        self.mid.is_positive() && !self.mid.is_zero() && self.rad <= lo(&self.mid) / 2.0
    }

    fn is_negative(&self) -> bool {
        self.mid.is_negative() && !self.mid.is_zero() && self.rad <= lo(&self.mid) / 2.0
    }

    fn neg(&self) -> Self {
        Real {
            mid: self.mid.neg(),
            rad: self.rad,
        }
    }

    fn add(&self, o: &Real) -> Res<Self> {
        Real::finish(self.mid.add(&o.mid, PREC, RM), self.rad + o.rad)
    }

    fn sub(&self, o: &Real) -> Res<Self> {
        Real::finish(self.mid.sub(&o.mid, PREC, RM), self.rad + o.rad)
    }

    fn mul(&self, o: &Real) -> Res<Self> {
        let rad = hi(&self.mid) * o.rad + hi(&o.mid) * self.rad + self.rad * o.rad;
        Real::finish(self.mid.mul(&o.mid, PREC, RM), rad)
    }

    fn recip(&self) -> Res<Self> {
        let m = lo(&self.mid);
        if self.mid.is_zero() || self.rad > m / 2.0 {
            return Err(Fail::Undefined);
        }
        // |1/y − 1/m| ≤ r / (|m| (|m| − r)).
        let rad = self.rad / (m * (m - self.rad) / SLACK);
        Real::finish(self.mid.reciprocal(PREC, RM), rad)
    }

    fn sqrt(&self) -> Res<Self> {
        if self.is_exact_zero() {
            return Ok(self.clone());
        }
        if !self.is_positive() {
            return Err(Fail::Undefined);
        }
        // |√y − √m| ≤ r / (2 √(m − r)).
        let floor = (lo(&self.mid) - self.rad) / SLACK;
        let rad = self.rad / (2.0 * floor.sqrt() / SLACK);
        Real::finish(self.mid.sqrt(PREC, RM), rad)
    }

    fn exp(&self) -> Res<Self> {
        if self.mid.is_zero() && self.rad == 0.0 {
            return Ok(Real::small(1));
        }
        if hi(&self.mid) > 620.0 || self.rad > 1.0 {
            return Err(Fail::Unsupported);
        }
        let mid = consts(|cc| self.mid.exp(PREC, RM, cc))?;
        // |e^(m+t) − e^m| ≤ e^m (e^r − 1).
        let rad = hi(&mid) * self.rad.exp_m1() * SLACK;
        Real::finish(mid, rad)
    }

    fn ln(&self) -> Res<Self> {
        if !self.is_positive() {
            return Err(Fail::Undefined);
        }
        if self.rad == 0.0 && self.mid.cmp(&BigFloat::from_i64(1, PREC)) == Some(0) {
            return Ok(Real::small(0));
        }
        // |ln y − ln m| ≤ r / (m − r).
        let rad = self.rad / ((lo(&self.mid) - self.rad) / SLACK);
        Real::finish(consts(|cc| self.mid.ln(PREC, RM, cc))?, rad)
    }

    /// sin or cos: 1-Lipschitz.
    fn trig(&self, cosine: bool) -> Res<Self> {
        if hi(&self.mid) > 1e6 {
            return Err(Fail::Unsupported);
        }
        if self.is_exact_zero() {
            return Ok(Real::small(i64::from(cosine)));
        }
        let mid = consts(|cc| {
            if cosine {
                self.mid.cos(PREC, RM, cc)
            } else {
                self.mid.sin(PREC, RM, cc)
            }
        })?;
        Real::finish(mid, self.rad)
    }

    fn atan(&self) -> Res<Self> {
        if self.is_exact_zero() {
            return Ok(self.clone());
        }
        Real::finish(consts(|cc| self.mid.atan(PREC, RM, cc))?, self.rad)
    }

    /// arcsin or arccos, on arguments certainly inside (−1, 1).
    fn arcsin(&self, cosine: bool) -> Res<Self> {
        // 1 − t² ≥ 1 − |t| ≥ s for every t in the ball; the derivative is at most 1/√s.
        let s = 1.0 - (hi(&self.mid) + self.rad) - 1e-15;
        if s < 1e-9 {
            return Err(Fail::Undefined);
        }
        if self.is_exact_zero() && !cosine {
            return Ok(self.clone());
        }
        let mid = consts(|cc| {
            if cosine {
                self.mid.acos(PREC, RM, cc)
            } else {
                self.mid.asin(PREC, RM, cc)
            }
        })?;
        Real::finish(mid, self.rad / (s.sqrt() / SLACK))
    }

    fn pi() -> Res<Self> {
        let mid = consts(|cc| cc.pi(PREC, RM))?;
        Real::finish(mid, 0.0)
    }

    fn rational(q: &BigRational) -> Res<Self> {
        let (n, d) = (to_float(q.numer())?, to_float(q.denom())?);
        Real::finish(n.div(&d, PREC, RM), 0.0)
    }

    /// An f64 approximation, for messages only.
    fn approx(&self) -> f64 {
        let a = approx_abs(&self.mid);
        if self.mid.is_negative() {
            -a
        } else {
            a
        }
    }
}

/// An integer as an exact BigFloat (at most `MAX_EXPONENT` bits).
fn to_float(n: &BigInt) -> Res<BigFloat> {
    if n.bits() > MAX_EXPONENT as u64 {
        return Err(Fail::Unsupported);
    }
    if n.is_zero() {
        return Ok(BigFloat::from_i64(0, PREC));
    }
    let digits = n.magnitude().to_u64_digits();
    let sign = if n.is_negative() {
        Sign::Neg
    } else {
        Sign::Pos
    };
    let x = BigFloat::from_words(&digits, sign, 64 * digits.len() as i32);
    if x.is_nan() {
        return Err(Fail::Unsupported);
    }
    Ok(x)
}

/// A complex ball: `im` is `None` when the value is certainly real.
#[derive(Clone, Debug)]
struct Num {
    re: Real,
    im: Option<Real>,
}

impl From<Real> for Num {
    fn from(re: Real) -> Self {
        Num { re, im: None }
    }
}

impl Num {
    fn imaginary_unit() -> Self {
        Num {
            re: Real::small(0),
            im: Some(Real::small(1)),
        }
    }

    fn real(&self) -> Option<&Real> {
        self.im.is_none().then_some(&self.re)
    }

    fn neg(&self) -> Self {
        Num {
            re: self.re.neg(),
            im: self.im.as_ref().map(Real::neg),
        }
    }

    fn add(&self, o: &Num) -> Res<Self> {
        let im = match (&self.im, &o.im) {
            (Some(a), Some(b)) => Some(a.add(b)?),
            (Some(a), None) | (None, Some(a)) => Some(a.clone()),
            (None, None) => None,
        };
        Ok(Num {
            re: self.re.add(&o.re)?,
            im,
        })
    }

    fn mul(&self, o: &Num) -> Res<Self> {
        let (a, c) = (&self.re, &o.re);
        Ok(match (&self.im, &o.im) {
            (None, None) => Num::from(a.mul(c)?),
            (Some(b), None) => Num {
                re: a.mul(c)?,
                im: Some(b.mul(c)?),
            },
            (None, Some(d)) => Num {
                re: a.mul(c)?,
                im: Some(a.mul(d)?),
            },
            (Some(b), Some(d)) => Num {
                re: a.mul(c)?.sub(&b.mul(d)?)?,
                im: Some(a.mul(d)?.add(&b.mul(c)?)?),
            },
        })
    }

    fn norm_squared(&self) -> Res<Real> {
        let r2 = self.re.mul(&self.re)?;
        match &self.im {
            Some(b) => r2.add(&b.mul(b)?),
            None => Ok(r2),
        }
    }

    fn recip(&self) -> Res<Self> {
        match &self.im {
            None => Ok(Num::from(self.re.recip()?)),
            Some(b) => {
                let inv = self.norm_squared()?.recip()?;
                Ok(Num {
                    re: self.re.mul(&inv)?,
                    im: Some(b.neg().mul(&inv)?),
                })
            }
        }
    }

    fn div(&self, o: &Num) -> Res<Self> {
        self.mul(&o.recip()?)
    }

    fn pow_int(&self, n: i64) -> Res<Self> {
        if n.unsigned_abs() > MAX_INTEGER_POWER as u64 {
            return Err(Fail::Unsupported);
        }
        let mut base = if n < 0 { self.recip()? } else { self.clone() };
        let mut acc = Num::from(Real::small(1));
        let mut e = n.unsigned_abs();
        while e > 0 {
            if e & 1 == 1 {
                acc = acc.mul(&base)?;
            }
            e >>= 1;
            if e > 0 {
                base = base.mul(&base)?;
            }
        }
        Ok(acc)
    }

    fn exp(&self) -> Res<Self> {
        let m = self.re.exp()?;
        match &self.im {
            None => Ok(Num::from(m)),
            Some(b) => Ok(Num {
                re: m.mul(&b.trig(true)?)?,
                im: Some(m.mul(&b.trig(false)?)?),
            }),
        }
    }

    /// The principal logarithm; undefined where the ball meets the branch cut.
    fn ln(&self) -> Res<Self> {
        let (a, b) = match &self.im {
            None if self.re.is_positive() => return Ok(Num::from(self.re.ln()?)),
            None if self.re.is_negative() => {
                return Ok(Num {
                    re: self.re.neg().ln()?,
                    im: Some(Real::pi()?),
                })
            }
            None => return Err(Fail::Undefined),
            Some(b) => (&self.re, b),
        };
        let half = Real::exact(BigFloat::from_f64(0.5, PREC));
        let modulus = self.norm_squared()?.ln()?.mul(&half)?;
        let pi = Real::pi()?;
        let arg = if a.is_positive() {
            b.mul(&a.recip()?)?.atan()?
        } else if b.is_positive() {
            // π/2 − atan(a/b)
            pi.mul(&half)?.sub(&a.mul(&b.recip()?)?.atan()?)?
        } else if b.is_negative() {
            pi.mul(&half)?.neg().sub(&a.mul(&b.recip()?)?.atan()?)?
        } else {
            return Err(Fail::Undefined);
        };
        Ok(Num {
            re: modulus,
            im: Some(arg),
        })
    }

    /// sin or cos of a complex ball.
    fn trig(&self, cosine: bool) -> Res<Self> {
        let Some(b) = &self.im else {
            return Ok(Num::from(self.re.trig(cosine)?));
        };
        let (eb, emb) = (b.exp()?, b.neg().exp()?);
        let half = Real::exact(BigFloat::from_f64(0.5, PREC));
        let cosh = eb.add(&emb)?.mul(&half)?;
        let sinh = eb.sub(&emb)?.mul(&half)?;
        let (s, c) = (self.re.trig(false)?, self.re.trig(true)?);
        Ok(if cosine {
            Num {
                re: c.mul(&cosh)?,
                im: Some(s.mul(&sinh)?.neg()),
            }
        } else {
            Num {
                re: s.mul(&cosh)?,
                im: Some(c.mul(&sinh)?),
            }
        })
    }

    fn abs(&self) -> Res<Self> {
        match &self.im {
            None => Ok(Num::from(Real {
                mid: self.re.mid.abs(),
                rad: self.re.rad,
            })),
            Some(_) => Ok(Num::from(self.norm_squared()?.sqrt()?)),
        }
    }

    fn is_exact_zero(&self) -> bool {
        self.re.is_exact_zero() && self.im.as_ref().is_none_or(Real::is_exact_zero)
    }
}

/// Base of the logarithm a notation stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Base {
    E,
    Ten,
    Two,
}

/// One reading of the ambiguous notations: `\log x` (natural, decimal or binary), `\lg x`
/// (decimal or binary) and `\sin^{-1} x`, parsed as arcsin but read by some as 1/sin x.
/// A difference counts only when every reading shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Reading {
    log: Base,
    lg: Base,
    arc_reciprocal: bool,
}

fn readings(exprs: &[&Expr]) -> Vec<Reading> {
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

fn visit(e: &Expr, f: &mut impl FnMut(&Expr)) {
    f(e);
    for c in e.children() {
        visit(c, f);
    }
}

/// Names that stand for constants, not variables: Euler's e and the imaginary unit.
fn is_constant_name(name: &str) -> bool {
    matches!(name, "e" | "i")
}

fn variables(e: &Expr, out: &mut BTreeSet<String>) {
    visit(e, &mut |x| {
        if let Expr::Sym(s) = x {
            if !is_constant_name(s) {
                out.insert(s.clone());
            }
        }
    });
}

fn mentions_variable(e: &Expr) -> bool {
    match e {
        Expr::Sym(s) => !is_constant_name(s),
        _ => e.children().into_iter().any(mentions_variable),
    }
}

fn node_count(e: &Expr) -> usize {
    let mut n = 0;
    visit(e, &mut |_| n += 1);
    n
}

/// Values of the variables at one point.
struct Point<'a> {
    values: &'a [(String, f64)],
    reading: Reading,
}

fn from_exact(x: &Exact) -> Res<Num> {
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
fn exact_exponent(e: &Expr) -> Option<(i64, i64)> {
    if !is_numeric(e) {
        return None;
    }
    let q = evaluate(e).ok()?.as_rational()?;
    Some((q.numer().to_i64()?, q.denom().to_i64()?))
}

fn eval(e: &Expr, pt: &Point, depth: usize) -> Res<Num> {
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
            .map(|&(_, v)| Num::from(Real::exact(BigFloat::from_f64(v, PREC))))
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

fn power(base: &Expr, exp: &Expr, pt: &Point, d: usize) -> Res<Num> {
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
fn root(z: &Num, n: i64, varying: bool) -> Res<Num> {
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

fn log_base(base: Base) -> Res<Num> {
    let b = match base {
        Base::E => return Ok(Num::from(Real::small(1))),
        Base::Ten => 10,
        Base::Two => 2,
    };
    Ok(Num::from(Real::small(b).ln()?))
}

fn function(name: &str, args: &[Expr], pt: &Point, d: usize) -> Res<Num> {
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
            let half = Num::from(Real::exact(BigFloat::from_f64(0.5, PREC)));
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

/// Whether two balls are apart beyond doubt: by more than 2¹⁰ times their radii and the
/// rounding of the difference, and by more than 2⁻⁸⁰ of their size.
fn apart(a: &Real, b: &Real) -> bool {
    let diff = a.mid.sub(&b.mid, PREC, RM);
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
    if too_large(gold, answer) {
        return Numeric::Unsupported;
    }
    let mut names = BTreeSet::new();
    variables(gold, &mut names);
    variables(answer, &mut names);
    let mut first_reason = None;
    for reading in readings(&[gold, answer]) {
        match differ_at_some_point(gold, answer, &names, reading) {
            Numeric::Different(reason) => {
                first_reason.get_or_insert(reason);
            }
            other => return other,
        }
    }
    first_reason.map_or(Numeric::Unsupported, Numeric::Different)
}

fn differ_at_some_point(
    gold: &Expr,
    answer: &Expr,
    names: &BTreeSet<String>,
    reading: Reading,
) -> Numeric {
    let mut defined = 0;
    for attempt in 0..ATTEMPTS {
        let values: Vec<(String, f64)> = names
            .iter()
            .map(|n| {
                let h = splitmix(hash_str(n, splitmix(0x4E55 + attempt)));
                (
                    n.clone(),
                    0.5 + 2.0 * ((h >> 11) as f64 / (1u64 << 53) as f64),
                )
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
#[path = "numeric_tests.rs"]
mod tests;
