//! Randomized exact evaluation: two expressions with variables are compared by evaluating both
//! at pseudo-random points modulo the prime p = 2⁶¹ − 1.
//!
//! Rational functions of degree ≤ D that differ agree at a random point with probability
//! ≤ D/p (Schwartz–Zippel). With D ≤ 2³⁰ enforced and [`TRIALS`] independent points, a wrong
//! "equal" has probability ≤ 2⁻⁹³. Anything that is not a rational function (sin, log, roots,
//! symbolic exponents) is evaluated as an *uninterpreted* function — a hash of its name and
//! argument values — which keeps "equal" sound, but a difference then proves nothing, because
//! identities such as sin²x + cos²x = 1 are invisible to it.

use crate::expr::{Constant, Expr};
use crate::normalize::{evaluate, is_numeric};
use crate::number::Exact;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive};
use std::cell::RefCell;
use std::collections::HashMap;

/// The prime modulus p = 2⁶¹ − 1 (a Mersenne prime: reduction is a shift and an add).
pub const P: u64 = (1u64 << 61) - 1;
/// Independent random points per comparison; see the module's error bound.
pub const TRIALS: u64 = 3;
/// Largest total degree for which the probability bound above is claimed.
pub const MAX_DEGREE: u64 = 1 << 30;
/// Largest n whose factorial is reduced modulo p term by term (a million multiplications).
const MAX_MODULAR_FACTORIAL: i64 = 1_000_000;
/// Points tried per trial before giving up when denominators vanish.
const ATTEMPTS_PER_TRIAL: u64 = 8;

/// a·b mod P for a, b < P. P = 2⁶¹ − 1 is a Mersenne prime: x = hi·2⁶¹ + lo ≡ hi + lo, so
/// the product reduces with shifts and adds (a 128-bit division is ten times slower, and
/// factorials of a million terms are made of these products).
fn mul(a: u64, b: u64) -> u64 {
    let x = a as u128 * b as u128;
    let s = (x as u64 & P) + (x >> 61) as u64; // < 2⁶²
    let s = (s & P) + (s >> 61); // ≤ P + 1
    if s >= P {
        s - P
    } else {
        s
    }
}

/// n! mod P, remembered for the last few n on this thread: the same factorial is met at
/// every test point and in both answers of a pair. Computing one costs budget in
/// proportion to n.
fn factorial_mod(n: u64) -> u64 {
    thread_local! {
        static RECENT: std::cell::RefCell<Vec<(u64, u64)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    // Charged whether remembered or not: a verdict never depends on the thread's past.
    crate::budget::charge(n / 64);
    if let Some(hit) = RECENT.with(|r| r.borrow().iter().find(|e| e.0 == n).map(|e| e.1)) {
        return hit;
    }
    let value = (2..=n).fold(1, mul);
    RECENT.with(|r| {
        let mut recent = r.borrow_mut();
        if recent.len() >= 8 {
            recent.remove(0);
        }
        recent.push((n, value));
    });
    value
}

fn add(a: u64, b: u64) -> u64 {
    let s = a + b; // both < 2⁶¹, no overflow
    if s >= P {
        s - P
    } else {
        s
    }
}

fn neg(a: u64) -> u64 {
    if a == 0 {
        0
    } else {
        P - a
    }
}

fn pow(mut base: u64, mut e: u64) -> u64 {
    let mut acc = 1u64;
    while e > 0 {
        if e & 1 == 1 {
            acc = mul(acc, base);
        }
        base = mul(base, base);
        e >>= 1;
    }
    acc
}

fn inv(a: u64) -> Option<u64> {
    (a != 0).then(|| pow(a, P - 2))
}

pub(crate) fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a: a fixed, platform-independent string hash (results must not vary between runs).
pub(crate) fn hash_str(s: &str, seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    splitmix(h)
}

fn rational_mod(q: &BigRational) -> Option<u64> {
    let p = BigInt::from(P);
    let reduce = |n: &BigInt| -> u64 {
        let r = ((n % &p) + &p) % &p;
        r.to_u64().expect("reduced below p")
    };
    let num = reduce(q.numer());
    let den = reduce(q.denom());
    Some(mul(num, inv(den)?))
}

/// Value of an expression at one point, with its degree bound and whether an uninterpreted
/// function was involved.
#[derive(Clone, Copy, Debug)]
struct Value {
    v: u64,
    degree: u64,
    opaque: bool,
}

impl Value {
    fn constant(v: u64) -> Self {
        Value {
            v,
            degree: 0,
            opaque: false,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum EvalError {
    /// A denominator vanished at this point; another point may work.
    ZeroDivision,
    /// The expression is not a scalar (a set, a relation, text…) or exceeds the bounds.
    Unsupported,
}

/// Exact values of numeric subtrees, by node address: they do not depend on the point, and
/// computing them again at every point (a 3000! say) would multiply the work.
type Memo = RefCell<HashMap<*const Expr, Option<Exact>>>;

struct Point<'m> {
    seed: u64,
    memo: &'m Memo,
}

impl Point<'_> {
    fn exact(&self, e: &Expr) -> Option<Exact> {
        let key = e as *const Expr;
        if let Some(known) = self.memo.borrow().get(&key) {
            return known.clone();
        }
        let value = evaluate(e).ok();
        self.memo.borrow_mut().insert(key, value.clone());
        value
    }

    fn symbol(&self, name: &str) -> u64 {
        hash_str(name, self.seed) % P
    }

    fn opaque(&self, name: &str, args: &[u64]) -> u64 {
        let mut h = hash_str(name, self.seed ^ 0x5bd1_e995);
        for a in args {
            h = splitmix(h ^ a);
        }
        h % P
    }
}

fn exact_value(x: &Exact, pt: &Point) -> Result<Value, EvalError> {
    let mut out = Value::constant(0);
    for (basis, q) in x.terms() {
        let mut t = rational_mod(q).ok_or(EvalError::Unsupported)?;
        let mut opaque = false;
        if basis.radicand != 1u32.into() {
            // √r as an opaque constant: consistent on both sides, proves equality only.
            t = mul(
                t,
                pt.opaque("sqrt", &[(&basis.radicand % P).to_u64().unwrap_or(0)]),
            );
            opaque = true;
        }
        let pi = pt.symbol("\\pi");
        let k = basis.pi_power;
        let pik = if k >= 0 {
            pow(pi, k as u64)
        } else {
            inv(pow(pi, (-k) as u64)).ok_or(EvalError::ZeroDivision)?
        };
        t = mul(t, pik);
        out.v = add(out.v, t);
        out.degree = out.degree.max(k.unsigned_abs() as u64);
        out.opaque |= opaque;
    }
    Ok(out)
}

fn eval(e: &Expr, pt: &Point, depth: usize) -> Result<Value, EvalError> {
    crate::budget::tick();
    if depth > 200 {
        return Err(EvalError::Unsupported);
    }
    // Numeric subtrees go through exact arithmetic first (√8 = 2√2, 2^10 = 1024).
    if is_numeric(e) {
        if let Some(x) = pt.exact(e) {
            return exact_value(&x, pt);
        }
    }
    let d = depth + 1;
    match e {
        Expr::Sym(name) => Ok(Value {
            v: pt.symbol(name),
            degree: 1,
            // i² = −1 is invisible here, so a difference involving i proves nothing.
            opaque: name == "i",
        }),
        Expr::Const(Constant::Pi) => Ok(Value {
            v: pt.symbol("\\pi"),
            degree: 1,
            opaque: false,
        }),
        Expr::Const(Constant::E) => Ok(Value {
            v: pt.symbol("\\e"),
            degree: 1,
            opaque: false,
        }),
        Expr::Num(l) => rational_mod(&l.value)
            .map(Value::constant)
            .ok_or(EvalError::Unsupported),
        Expr::Neg(a) => {
            let a = eval(a, pt, d)?;
            Ok(Value { v: neg(a.v), ..a })
        }
        Expr::Add(terms) => {
            let mut acc = Value::constant(0);
            for t in terms {
                let t = eval(t, pt, d)?;
                acc = Value {
                    v: add(acc.v, t.v),
                    degree: acc.degree.max(t.degree),
                    opaque: acc.opaque | t.opaque,
                };
            }
            Ok(acc)
        }
        Expr::Mul(factors) => {
            let mut acc = Value::constant(1);
            for f in factors {
                let f = eval(f, pt, d)?;
                acc = product(acc, f)?;
            }
            Ok(acc)
        }
        Expr::Div(a, b) => {
            let (a, b) = (eval(a, pt, d)?, eval(b, pt, d)?);
            let r = inv(b.v).ok_or(EvalError::ZeroDivision)?;
            product(a, Value { v: r, ..b })
        }
        Expr::Pow(base, exp) => {
            let b = eval(base, pt, d)?;
            if let Some(n) = small_integer(exp) {
                let degree = b
                    .degree
                    .checked_mul(n.unsigned_abs())
                    .ok_or(EvalError::Unsupported)?;
                if degree > MAX_DEGREE {
                    return Err(EvalError::Unsupported);
                }
                let v = pow(b.v, n.unsigned_abs());
                let v = if n < 0 {
                    inv(v).ok_or(EvalError::ZeroDivision)?
                } else {
                    v
                };
                return Ok(Value { v, degree, ..b });
            }
            // x^(p/q) = w^p with w an opaque q-th root of x, so x^(2/3), (∛x)² and
            // 1/x^(-2/3) all agree.
            if let Some((p, q)) = small_fraction(exp) {
                let w = opaque_value(pt, &format!("root{q}"), &[b]);
                let v = pow(w.v, p.unsigned_abs());
                let v = if p < 0 {
                    inv(v).ok_or(EvalError::ZeroDivision)?
                } else {
                    v
                };
                return Ok(Value { v, ..w });
            }
            let x = eval(exp, pt, d)?;
            Ok(opaque_value(pt, "pow", &[b, x]))
        }
        Expr::Root(a, n) => {
            let a = eval(a, pt, d)?;
            Ok(opaque_value(pt, &format!("root{n}"), &[a]))
        }
        // n! for a literal n < p is an exact residue: 1/2004! and 1/2006! provably differ.
        Expr::Func(name, args) if name == "factorial" && args.len() == 1 => {
            match small_integer(&args[0]).filter(|n| (0..=MAX_MODULAR_FACTORIAL).contains(n)) {
                Some(n) => Ok(Value::constant(factorial_mod(n as u64))),
                None => {
                    let x = eval(&args[0], pt, d)?;
                    Ok(opaque_value(pt, name, &[x]))
                }
            }
        }
        Expr::Func(name, args) => {
            let mut vals = Vec::with_capacity(args.len());
            for a in args {
                vals.push(eval(a, pt, d)?);
            }
            Ok(opaque_value(pt, name, &vals))
        }
        _ => Err(EvalError::Unsupported),
    }
}

fn product(a: Value, b: Value) -> Result<Value, EvalError> {
    let degree = a.degree + b.degree;
    if degree > MAX_DEGREE {
        return Err(EvalError::Unsupported);
    }
    Ok(Value {
        v: mul(a.v, b.v),
        degree,
        opaque: a.opaque | b.opaque,
    })
}

fn opaque_value(pt: &Point, name: &str, args: &[Value]) -> Value {
    let vals: Vec<u64> = args.iter().map(|a| a.v).collect();
    Value {
        v: pt.opaque(name, &vals),
        degree: 1,
        opaque: true,
    }
}

/// An exponent that is a literal integer (possibly negated), bounded so powers stay cheap.
fn small_integer(e: &Expr) -> Option<i64> {
    let q = evaluate(e).ok()?.as_rational()?;
    if !q.is_integer() || q.abs() > BigRational::from_integer(BigInt::from(1u64 << 20)) {
        return None;
    }
    q.to_integer().to_i64()
}

/// A constant rational exponent p/q (q > 1) with small parts.
fn small_fraction(e: &Expr) -> Option<(i64, u64)> {
    let q = evaluate(e).ok()?.as_rational()?;
    let (p, d) = (q.numer().to_i64()?, q.denom().to_u64()?);
    (d > 1 && d <= 64 && p.unsigned_abs() <= 1 << 20).then_some((p, d))
}

/// Outcome of a randomized comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Equal at every trial point: equal with error probability ≤ 2⁻⁹³.
    Equal,
    /// Different at a point and both sides are rational functions: certainly different.
    Different,
    /// Different at a point but uninterpreted functions are involved: no conclusion.
    Inconclusive,
    /// Not scalar expressions, or beyond the bounds.
    Unsupported,
}

/// Runs `f` at successive points of each trial until it evaluates, and reports per trial
/// whether the two evaluations agree.
fn trials<F>(memo: &Memo, mut f: F) -> Outcome
where
    F: FnMut(&Point) -> Result<(bool, bool), EvalError>,
{
    for trial in 0..TRIALS {
        let mut done = false;
        for attempt in 0..ATTEMPTS_PER_TRIAL {
            let pt = Point {
                seed: splitmix(trial * 1_000_003 + attempt),
                memo,
            };
            match f(&pt) {
                Ok((same, opaque)) => {
                    if !same {
                        return if opaque {
                            Outcome::Inconclusive
                        } else {
                            Outcome::Different
                        };
                    }
                    done = true;
                    break;
                }
                Err(EvalError::ZeroDivision) => continue,
                Err(EvalError::Unsupported) => return Outcome::Unsupported,
            }
        }
        if !done {
            return Outcome::Unsupported;
        }
    }
    Outcome::Equal
}

/// True when the expression is a rational function of its variables (no uninterpreted parts)
/// that takes two different values: it is certainly not a constant.
pub fn varies(e: &Expr) -> bool {
    let memo = Memo::default();
    let value = |seed: u64| {
        eval(
            e,
            &Point {
                seed: splitmix(seed),
                memo: &memo,
            },
            0,
        )
        .ok()
        .filter(|v| !v.opaque)
        .map(|v| v.v)
    };
    matches!((value(0xBEEF), value(0xF00D)), (Some(a), Some(b)) if a != b)
}

/// Compares two scalar expressions as rational functions of their variables.
pub fn compare_expressions(a: &Expr, b: &Expr) -> Outcome {
    trials(&Memo::default(), |pt| {
        let (x, y) = (eval(a, pt, 0)?, eval(b, pt, 0)?);
        Ok((x.v == y.v, x.opaque || y.opaque))
    })
}

/// Compares two equations `l₁ = r₁` and `l₂ = r₂` by whether l₁ − r₁ and l₂ − r₂ are
/// proportional (same solution set). `Different` is only reported for linear equations,
/// where non-proportional means a different solution set.
pub fn compare_equations(a: (&Expr, &Expr), b: (&Expr, &Expr)) -> Outcome {
    let diff = |(l, r): (&Expr, &Expr), pt: &Point| -> Result<Value, EvalError> {
        let (l, r) = (eval(l, pt, 0)?, eval(r, pt, 0)?);
        Ok(Value {
            v: add(l.v, neg(r.v)),
            degree: l.degree.max(r.degree),
            opaque: l.opaque | r.opaque,
        })
    };
    // Reference point: both sides nonzero there, giving the ratio to check elsewhere.
    let memo = Memo::default();
    let reference = Point {
        seed: splitmix(0xA11CE),
        memo: &memo,
    };
    let (fa0, fb0) = match (diff(a, &reference), diff(b, &reference)) {
        (Ok(x), Ok(y)) if x.v != 0 && y.v != 0 => (x, y),
        _ => return Outcome::Unsupported,
    };
    trials(&memo, |pt| {
        let (fa, fb) = (diff(a, pt)?, diff(b, pt)?);
        // fa/fb == fa0/fb0  ⇔  fa·fb0 == fb·fa0
        let nonlinear = fa.degree > 1 || fb.degree > 1;
        Ok((
            mul(fa.v, fb0.v) == mul(fb.v, fa0.v),
            fa.opaque || fb.opaque || fa0.opaque || fb0.opaque || nonlinear,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latex::parse_answer;

    fn cmp(a: &str, b: &str) -> Outcome {
        compare_expressions(&parse_answer(a).unwrap(), &parse_answer(b).unwrap())
    }

    #[test]
    fn mersenne_products_match_division() {
        let samples = [
            0,
            1,
            2,
            P - 1,
            P - 2,
            1 << 60,
            (1 << 61) - 3,
            123_456_789_012_345,
        ];
        for &a in &samples {
            for &b in &samples {
                let slow = ((a as u128 * b as u128) % P as u128) as u64;
                assert_eq!(mul(a, b), slow, "{a} * {b}");
            }
        }
        assert_eq!(factorial_mod(10), 3_628_800);
    }

    #[test]
    fn polynomial_identities() {
        assert_eq!(cmp("x^2-1", "(x-1)(x+1)"), Outcome::Equal);
        assert_eq!(cmp("\\frac{x^2-1}{x-1}", "x+1"), Outcome::Equal);
        assert_eq!(cmp("(a+b)^2", "a^2+2ab+b^2"), Outcome::Equal);
        assert_eq!(cmp("2\\pi r", "2r\\pi"), Outcome::Equal);
        assert_eq!(cmp("x^2+1", "x^2-1"), Outcome::Different);
        assert_eq!(cmp("x", "y"), Outcome::Different);
    }

    #[test]
    fn opaque_functions_prove_only_equality() {
        assert_eq!(cmp("\\sin x + 1", "1 + \\sin x"), Outcome::Equal);
        assert_eq!(cmp("\\sqrt{8}x", "2\\sqrt{2}x"), Outcome::Equal);
        assert_eq!(cmp("\\sin^2 x + \\cos^2 x", "1"), Outcome::Inconclusive);
        assert_eq!(
            cmp("\\frac{1}{3\\sqrt[3]{x}^2}", "\\frac{1}{3x^{2/3}}"),
            Outcome::Equal
        );
        assert_eq!(cmp("\\sqrt{x}", "x^{1/2}"), Outcome::Equal);
        assert_eq!(cmp("x^{-1/2}", "\\frac{1}{\\sqrt{x}}"), Outcome::Equal);
    }

    #[test]
    fn equations_by_proportionality() {
        let eq = |s: &str| match parse_answer(s).unwrap() {
            Expr::Rel(v, _) => (v[0].clone(), v[1].clone()),
            other => panic!("{other:?}"),
        };
        let (a, b, c) = (eq("y = 2x + 1"), eq("2x + 1 = y"), eq("y - 2x - 1 = 0"));
        assert_eq!(
            compare_equations((&a.0, &a.1), (&b.0, &b.1)),
            Outcome::Equal
        );
        assert_eq!(
            compare_equations((&a.0, &a.1), (&c.0, &c.1)),
            Outcome::Equal
        );
        let d = eq("y = 2x + 2");
        assert_eq!(
            compare_equations((&a.0, &a.1), (&d.0, &d.1)),
            Outcome::Different
        );
    }
}
