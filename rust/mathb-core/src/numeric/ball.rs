//! Balls over ℂ: a 256-bit midpoint and a radius bounding the distance to the true value,
//! with the elementary operations (see the module's documentation for the error bounds).

use astro_float::{BigFloat, Consts, RoundingMode, Sign};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use std::cell::RefCell;

/// Working precision in bits of the evaluation that decides.
pub(super) const WIDE: usize = 256;
/// Precision of a first, cheaper evaluation: where it shows two values apart, that holds
/// (its balls are as rigorous, only wider), and the wide one is not needed.
pub(super) const NARROW: usize = 64;
/// What the narrow pass allows the platform's f64 elementary functions (exp, ln, sin, cos,
/// atan, asin, acos), relative to their result's size (or to 1 for sine and cosine): the C
/// libraries document 1–2 ulps, and 2⁻⁴⁸ is 32 ulps of 1.
pub(super) const NARROW_ALLOWANCE: f64 = 3.552_713_678_800_501e-15;

thread_local! {
    static PRECISION: std::cell::Cell<usize> = const { std::cell::Cell::new(WIDE) };
}

/// The working precision of this thread's evaluation, in bits.
pub(super) fn prec() -> usize {
    PRECISION.with(std::cell::Cell::get)
}

/// Runs `f` with the working precision set to `bits` (restored after, even on a panic).
pub(super) fn at_precision<T>(bits: usize, f: impl FnOnce() -> T) -> T {
    struct Restore(usize);
    impl Drop for Restore {
        fn drop(&mut self) {
            PRECISION.with(|p| p.set(self.0));
        }
    }
    let _restore = Restore(PRECISION.with(|p| p.replace(bits)));
    f()
}
pub(super) const RM: RoundingMode = RoundingMode::ToEven;
/// Largest binary exponent of a value; beyond it evaluation stops (no huge allocations, and
/// radii stay inside f64).
pub(super) const MAX_EXPONENT: i32 = 900;
/// Radii never go below 2⁻¹⁰⁰⁰, so an f64 radius can not underflow to a false zero.
pub(super) const RADIUS_FLOOR: f64 = 9.332_636_185_032_189e-302;
/// Relative slack added to every f64 radius computation (covers its own rounding).
pub(super) const SLACK: f64 = 1.0 + 1.0 / (1u64 << 45) as f64;
/// Largest number of nodes in an expression evaluated numerically.
pub(super) const MAX_NODES: usize = 400;
/// Largest |n| in an integer power computed by repeated squaring.
pub(super) const MAX_INTEGER_POWER: i64 = 1 << 20;
/// Points at which both sides must be defined before agreement is reported.
pub(super) const POINTS: usize = 2;
/// Points tried in all, to find `POINTS` where both sides are defined.
pub(super) const ATTEMPTS: u64 = 8;

thread_local! {
    pub(super) static CONSTS: RefCell<Option<Consts>> = RefCell::new(Consts::new().ok());
}

/// Why a value could not be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fail {
    /// Not defined at this point (a pole, outside the domain, on a branch cut): another point
    /// may work.
    Undefined,
    /// Outside what this evaluator handles (unknown function, overflow, too large).
    Unsupported,
}

pub(super) type Res<T> = Result<T, Fail>;

pub(super) fn pow2(k: i64) -> f64 {
    if k < -1000 {
        RADIUS_FLOOR
    } else if k > 1000 {
        f64::INFINITY
    } else {
        2f64.powi(k as i32)
    }
}

/// An upper bound after f64 arithmetic on non-negative quantities.
pub(super) fn up(x: f64) -> f64 {
    x * SLACK + RADIUS_FLOOR
}

/// |x| as f64 with relative error below 2⁻⁵⁰ (0 for zero), from its top mantissa word.
pub(super) fn approx_abs(x: &BigFloat) -> f64 {
    match x.as_raw_parts() {
        Some((words, _, _, e, _)) if !x.is_zero() => {
            let top = words.last().copied().unwrap_or(0);
            top as f64 * pow2(e as i64 - 64)
        }
        _ => 0.0,
    }
}

pub(super) fn hi(x: &BigFloat) -> f64 {
    approx_abs(x) * SLACK
}

pub(super) fn lo(x: &BigFloat) -> f64 {
    approx_abs(x) / SLACK
}

/// Bound on the rounding error of a result rounded to `prec()` bits (8 ulps; the library
/// promises ½).
pub(super) fn rounding(x: &BigFloat) -> f64 {
    match x.exponent() {
        Some(e) if !x.is_zero() => pow2(e as i64 - prec() as i64 + 2),
        _ => 0.0,
    }
}

pub(super) fn consts<T>(f: impl FnOnce(&mut Consts) -> T) -> Res<T> {
    CONSTS.with(|c| c.borrow_mut().as_mut().map(f).ok_or(Fail::Unsupported))
}

/// A real ball: the true value lies within `rad` of `mid`.
#[derive(Clone, Debug)]
pub(super) struct Real {
    pub(super) mid: BigFloat,
    pub(super) rad: f64,
}

impl Real {
    pub(super) fn exact(mid: BigFloat) -> Self {
        Real { mid, rad: 0.0 }
    }

    pub(super) fn small(n: i64) -> Self {
        Real::exact(BigFloat::from_i64(n, prec()))
    }

    /// A rounded midpoint and a propagated radius: adds the rounding error, checks the size.
    pub(super) fn finish(mid: BigFloat, rad: f64) -> Res<Self> {
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

    pub(super) fn is_exact_zero(&self) -> bool {
        self.mid.is_zero() && self.rad == 0.0
    }

    /// Certainly positive, with the ball at most half as wide as the midpoint: the derivative
    /// bounds below rely on that margin.
    pub(super) fn is_positive(&self) -> bool {
        self.mid.is_positive() && !self.mid.is_zero() && self.rad <= lo(&self.mid) / 2.0
    }

    pub(super) fn is_negative(&self) -> bool {
        self.mid.is_negative() && !self.mid.is_zero() && self.rad <= lo(&self.mid) / 2.0
    }

    pub(super) fn neg(&self) -> Self {
        Real {
            mid: self.mid.neg(),
            rad: self.rad,
        }
    }

    pub(super) fn add(&self, o: &Real) -> Res<Self> {
        Real::finish(self.mid.add(&o.mid, prec(), RM), self.rad + o.rad)
    }

    pub(super) fn sub(&self, o: &Real) -> Res<Self> {
        Real::finish(self.mid.sub(&o.mid, prec(), RM), self.rad + o.rad)
    }

    pub(super) fn mul(&self, o: &Real) -> Res<Self> {
        let rad = hi(&self.mid) * o.rad + hi(&o.mid) * self.rad + self.rad * o.rad;
        Real::finish(self.mid.mul(&o.mid, prec(), RM), rad)
    }

    pub(super) fn recip(&self) -> Res<Self> {
        let m = lo(&self.mid);
        if self.mid.is_zero() || self.rad > m / 2.0 {
            return Err(Fail::Undefined);
        }
        // |1/y − 1/m| ≤ r / (|m| (|m| − r)).
        let rad = self.rad / (m * (m - self.rad) / SLACK);
        Real::finish(self.mid.reciprocal(prec(), RM), rad)
    }

    pub(super) fn sqrt(&self) -> Res<Self> {
        if self.is_exact_zero() {
            return Ok(self.clone());
        }
        if !self.is_positive() {
            return Err(Fail::Undefined);
        }
        // |√y − √m| ≤ r / (2 √(m − r)).
        let floor = (lo(&self.mid) - self.rad) / SLACK;
        let rad = self.rad / (2.0 * floor.sqrt() / SLACK);
        Real::finish(self.mid.sqrt(prec(), RM), rad)
    }

    pub(super) fn exp(&self) -> Res<Self> {
        if self.mid.is_zero() && self.rad == 0.0 {
            return Ok(Real::small(1));
        }
        if hi(&self.mid) > 620.0 || self.rad > 1.0 {
            return Err(Fail::Unsupported);
        }
        if prec() == NARROW {
            // |e^t − y| ≤ e^x (expm1(r + δ) + ε) for |t − x| ≤ r + δ, δ the error of x,
            // ε the platform's (see `NARROW_ALLOWANCE`); e^x ≤ y (1 + 2ε).
            let (x, delta) = self.approx_with_error();
            let y = x.exp();
            let rad = y
                * (1.0 + 2.0 * NARROW_ALLOWANCE)
                * ((self.rad + delta).exp_m1() * SLACK + NARROW_ALLOWANCE);
            return Real::from_f64(y, rad);
        }
        let mid = consts(|cc| self.mid.exp(prec(), RM, cc))?;
        // |e^(m+t) − e^m| ≤ e^m (e^r − 1).
        let rad = hi(&mid) * self.rad.exp_m1() * SLACK;
        Real::finish(mid, rad)
    }

    pub(super) fn ln(&self) -> Res<Self> {
        if !self.is_positive() {
            return Err(Fail::Undefined);
        }
        if self.rad == 0.0 && self.mid.cmp(&BigFloat::from_i64(1, prec())) == Some(0) {
            return Ok(Real::small(0));
        }
        // |ln y − ln m| ≤ r / (m − r).
        let rad = self.rad / ((lo(&self.mid) - self.rad) / SLACK);
        if prec() == NARROW {
            // x is within δ of m, and m − r ≥ m / 2: |ln m − ln x| ≤ 2δ / m (the point is
            // certainly positive, so x > m / 2 too).
            let (x, delta) = self.approx_with_error();
            let y = x.ln();
            let rad = rad + 2.0 * delta / (lo(&self.mid) / SLACK) + y.abs() * NARROW_ALLOWANCE;
            return Real::from_f64(y, rad);
        }
        Real::finish(consts(|cc| self.mid.ln(prec(), RM, cc))?, rad)
    }

    /// sin or cos: 1-Lipschitz.
    pub(super) fn trig(&self, cosine: bool) -> Res<Self> {
        if hi(&self.mid) > 1e6 {
            return Err(Fail::Unsupported);
        }
        if self.is_exact_zero() {
            return Ok(Real::small(i64::from(cosine)));
        }
        if prec() == NARROW {
            return self.trig_f64(cosine);
        }
        let mid = consts(|cc| {
            if cosine {
                self.mid.cos(prec(), RM, cc)
            } else {
                self.mid.sin(prec(), RM, cc)
            }
        })?;
        Real::finish(mid, self.rad)
    }

    /// sin or cos from the platform's f64 functions, for the narrow pass. The midpoint's
    /// f64 (within 2⁻⁵⁰ of it, relatively: see `approx_abs`) moves the result by at most as
    /// much (1-Lipschitz); the C libraries document sin and cos within 1–2 ulps, and 2⁻⁴⁸
    /// (32 ulps of 1) is allowed for it.
    fn trig_f64(&self, cosine: bool) -> Res<Self> {
        let (x, delta) = self.approx_with_error();
        let y = if cosine { x.cos() } else { x.sin() };
        Real::from_f64(y, self.rad + delta + NARROW_ALLOWANCE)
    }

    /// The midpoint as f64 and a bound on its distance from it (see `approx_abs`).
    fn approx_with_error(&self) -> (f64, f64) {
        let x = self.approx();
        (x, x.abs() * pow2(-50))
    }

    /// A ball around the f64 `y` of a narrow-pass function, radius `rad` before rounding.
    fn from_f64(y: f64, rad: f64) -> Res<Self> {
        if !y.is_finite() || !rad.is_finite() {
            return Err(Fail::Unsupported);
        }
        Real::finish(BigFloat::from_f64(y, prec()), up(rad))
    }

    pub(super) fn atan(&self) -> Res<Self> {
        if self.is_exact_zero() {
            return Ok(self.clone());
        }
        if prec() == NARROW {
            // 1-Lipschitz, and |atan x| ≤ π/2 bounds the platform's relative error.
            let (x, delta) = self.approx_with_error();
            return Real::from_f64(x.atan(), self.rad + delta + 2.0 * NARROW_ALLOWANCE);
        }
        Real::finish(consts(|cc| self.mid.atan(prec(), RM, cc))?, self.rad)
    }

    /// arcsin or arccos, on arguments certainly inside (−1, 1).
    pub(super) fn arcsin(&self, cosine: bool) -> Res<Self> {
        // 1 − t² ≥ 1 − |t| ≥ s for every t in the ball; the derivative is at most 1/√s.
        let s = 1.0 - (hi(&self.mid) + self.rad) - 1e-15;
        if s < 1e-9 {
            return Err(Fail::Undefined);
        }
        if self.is_exact_zero() && !cosine {
            return Ok(self.clone());
        }
        let lipschitz = 1.0 / (s.sqrt() / SLACK);
        if prec() == NARROW {
            // |arcsin|, |arccos| ≤ π bound the platform's relative error.
            let (x, delta) = self.approx_with_error();
            let y = if cosine { x.acos() } else { x.asin() };
            return Real::from_f64(y, (self.rad + delta) * lipschitz + 4.0 * NARROW_ALLOWANCE);
        }
        let mid = consts(|cc| {
            if cosine {
                self.mid.acos(prec(), RM, cc)
            } else {
                self.mid.asin(prec(), RM, cc)
            }
        })?;
        Real::finish(mid, self.rad * lipschitz)
    }

    pub(super) fn pi() -> Res<Self> {
        let mid = consts(|cc| cc.pi(prec(), RM))?;
        Real::finish(mid, 0.0)
    }

    pub(super) fn rational(q: &BigRational) -> Res<Self> {
        let (n, d) = (to_float(q.numer())?, to_float(q.denom())?);
        Real::finish(n.div(&d, prec(), RM), 0.0)
    }

    /// An f64 approximation, for messages only.
    pub(super) fn approx(&self) -> f64 {
        let a = approx_abs(&self.mid);
        if self.mid.is_negative() {
            -a
        } else {
            a
        }
    }
}

/// An integer as an exact BigFloat (at most `MAX_EXPONENT` bits).
pub(super) fn to_float(n: &BigInt) -> Res<BigFloat> {
    if n.bits() > MAX_EXPONENT as u64 {
        return Err(Fail::Unsupported);
    }
    if n.is_zero() {
        return Ok(BigFloat::from_i64(0, prec()));
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
pub(super) struct Num {
    pub(super) re: Real,
    pub(super) im: Option<Real>,
}

impl From<Real> for Num {
    fn from(re: Real) -> Self {
        Num { re, im: None }
    }
}

impl Num {
    pub(super) fn imaginary_unit() -> Self {
        Num {
            re: Real::small(0),
            im: Some(Real::small(1)),
        }
    }

    pub(super) fn real(&self) -> Option<&Real> {
        self.im.is_none().then_some(&self.re)
    }

    pub(super) fn neg(&self) -> Self {
        Num {
            re: self.re.neg(),
            im: self.im.as_ref().map(Real::neg),
        }
    }

    pub(super) fn add(&self, o: &Num) -> Res<Self> {
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

    pub(super) fn mul(&self, o: &Num) -> Res<Self> {
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

    pub(super) fn norm_squared(&self) -> Res<Real> {
        let r2 = self.re.mul(&self.re)?;
        match &self.im {
            Some(b) => r2.add(&b.mul(b)?),
            None => Ok(r2),
        }
    }

    pub(super) fn recip(&self) -> Res<Self> {
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

    pub(super) fn div(&self, o: &Num) -> Res<Self> {
        self.mul(&o.recip()?)
    }

    pub(super) fn pow_int(&self, n: i64) -> Res<Self> {
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

    pub(super) fn exp(&self) -> Res<Self> {
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
    pub(super) fn ln(&self) -> Res<Self> {
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
        let half = Real::exact(BigFloat::from_f64(0.5, prec()));
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
    pub(super) fn trig(&self, cosine: bool) -> Res<Self> {
        let Some(b) = &self.im else {
            return Ok(Num::from(self.re.trig(cosine)?));
        };
        let (eb, emb) = (b.exp()?, b.neg().exp()?);
        let half = Real::exact(BigFloat::from_f64(0.5, prec()));
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

    pub(super) fn abs(&self) -> Res<Self> {
        match &self.im {
            None => Ok(Num::from(Real {
                mid: self.re.mid.abs(),
                rad: self.re.rad,
            })),
            Some(_) => Ok(Num::from(self.norm_squared()?.sqrt()?)),
        }
    }

    pub(super) fn is_exact_zero(&self) -> bool {
        self.re.is_exact_zero() && self.im.as_ref().is_none_or(Real::is_exact_zero)
    }
}
