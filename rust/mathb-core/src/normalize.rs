//! Canonical forms: evaluation of numeric expressions to [`Exact`] values, and a sorted,
//! flattened structural form for everything else.

use crate::expr::{Constant, Expr, Literal};
use crate::number::Exact;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

/// Largest n whose factorial is computed exactly (3000! has about 9 130 digits, within
/// `number::MAX_BITS`); larger factorials are compared modulo a prime instead.
pub const MAX_EXACT_FACTORIAL: u64 = 3000;

/// Why an expression has no exact value in the supported slice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotExact {
    /// It contains variables, functions, sets… (not a number).
    NotNumeric,
    /// It is numeric but beyond what the exact arithmetic represents or its size bounds.
    OutOfRange,
}

/// Evaluates a numeric expression exactly.
pub fn evaluate(e: &Expr) -> Result<Exact, NotExact> {
    use NotExact::*;
    crate::budget::tick();
    match e {
        Expr::Num(Literal { value, .. }) => Exact::rational(value.clone()).ok_or(OutOfRange),
        Expr::Const(Constant::Pi) => Ok(Exact::pi()),
        Expr::Const(_) => Err(OutOfRange),
        Expr::Neg(a) => Ok(evaluate(a)?.neg()),
        Expr::Add(terms) => {
            let mut acc = Exact::zero();
            for t in terms {
                acc = acc.add(&evaluate(t)?).ok_or(OutOfRange)?;
            }
            Ok(acc)
        }
        Expr::Mul(factors) => {
            let mut acc = Exact::integer(1);
            for f in factors {
                acc = acc.mul(&evaluate(f)?).ok_or(OutOfRange)?;
            }
            Ok(acc)
        }
        Expr::Div(a, b) => {
            let (a, b) = (evaluate(a)?, evaluate(b)?);
            a.div(&b).ok_or(OutOfRange)
        }
        Expr::Pow(base, exp) => {
            let base = evaluate(base)?;
            let exp = evaluate(exp)?.as_rational().ok_or(OutOfRange)?;
            if exp.is_integer() {
                let n = exp.to_integer().to_i64().ok_or(OutOfRange)?;
                return base.pow_int(n).ok_or(OutOfRange);
            }
            // x^(p/q) = (q-th root of x)^p, exact only where the root is.
            let q = exp.denom().to_u32().ok_or(OutOfRange)?;
            let p = exp.numer().to_i64().ok_or(OutOfRange)?;
            if p.abs() > 64 {
                return Err(OutOfRange);
            }
            base.nth_root(q)
                .ok_or(OutOfRange)?
                .pow_int(p)
                .ok_or(OutOfRange)
        }
        Expr::Root(a, n) => evaluate(a)?.nth_root(*n).ok_or(OutOfRange),
        Expr::Func(name, args) if name == "factorial" && args.len() == 1 => {
            let n = evaluate(&args[0])?.as_rational().ok_or(OutOfRange)?;
            if !n.is_integer() || n.is_negative() {
                return Err(OutOfRange);
            }
            let n = n
                .to_integer()
                .to_u64()
                .filter(|&n| n <= MAX_EXACT_FACTORIAL)
                .ok_or(OutOfRange)?;
            Exact::rational(num_rational::BigRational::from_integer(factorial(n))).ok_or(OutOfRange)
        }
        Expr::Func(name, args) if name == "binom" && args.len() == 2 => {
            let integer = |e: &Expr| -> Result<u64, NotExact> {
                let q = evaluate(e)?.as_rational().ok_or(OutOfRange)?;
                if !q.is_integer() || q.is_negative() {
                    return Err(OutOfRange);
                }
                q.to_integer().to_u64().ok_or(OutOfRange)
            };
            let (n, k) = (integer(&args[0])?, integer(&args[1])?);
            if n > MAX_EXACT_FACTORIAL {
                return Err(OutOfRange);
            }
            if k > n {
                return Exact::rational(num_rational::BigRational::from_integer(0.into()))
                    .ok_or(OutOfRange);
            }
            Exact::rational(num_rational::BigRational::from_integer(binomial(n, k)))
                .ok_or(OutOfRange)
        }
        Expr::Func(name, args) if name == "mod" && args.len() == 2 => {
            let (a, m) = (evaluate(&args[0])?, evaluate(&args[1])?);
            let (a, m) = (
                a.as_rational().ok_or(OutOfRange)?,
                m.as_rational().ok_or(OutOfRange)?,
            );
            if !a.is_integer() || !m.is_integer() || m.is_zero() {
                return Err(OutOfRange);
            }
            let r = a.to_integer().mod_floor(&m.to_integer());
            Exact::rational(num_rational::BigRational::from_integer(r)).ok_or(OutOfRange)
        }
        Expr::Func(..) | Expr::PlusMinus(..) => Err(OutOfRange),
        Expr::Percent(_) => Err(NotNumeric),
        Expr::Sym(_)
        | Expr::Matrix(_)
        | Expr::Interval { .. }
        | Expr::Union(_)
        | Expr::Rel(..)
        | Expr::Tuple(_)
        | Expr::Set(_)
        | Expr::List(_)
        | Expr::Text(_) => Err(NotNumeric),
    }
}

/// True when the expression contains no symbol, set, text or relation (only numbers, π and
/// operators), i.e. it denotes one number even if the core cannot evaluate it exactly.
pub fn is_numeric(e: &Expr) -> bool {
    match e {
        Expr::Num(_) | Expr::Const(_) => true,
        Expr::Neg(a) | Expr::Root(a, _) | Expr::Percent(a) => is_numeric(a),
        Expr::Div(a, b) | Expr::Pow(a, b) => is_numeric(a) && is_numeric(b),
        Expr::Add(v) | Expr::Mul(v) | Expr::Func(_, v) => v.iter().all(is_numeric),
        _ => false,
    }
}

/// A decimal written on its own (`0.333`, `-1.5`, `2.5e-3`): the value, the digits after the
/// point and the significant digits as written.
pub fn as_decimal_literal(e: &Expr) -> Option<(Exact, u32, u32)> {
    match e {
        Expr::Num(l) => {
            let places = l.decimal_places?;
            Some((
                Exact::rational(l.value.clone())?,
                places,
                l.significant_digits,
            ))
        }
        Expr::Neg(a) => as_decimal_literal(a).map(|(v, p, s)| (v.neg(), p, s)),
        _ => None,
    }
}

/// Structural canonical form: flattens sums and products, sorts commutative operands, and
/// removes redundant groupings. Equal canonical forms denote the same answer.
pub fn canonical(e: &Expr) -> Expr {
    crate::budget::tick();
    let sorted = |mut items: Vec<Expr>| {
        items.sort_by_cached_key(|x| format!("{x:?}"));
        items
    };
    // Children first, then the node itself.
    match e.map_children(canonical) {
        Expr::Add(v) => Expr::Add(sorted(flatten(v, |x| matches!(x, Expr::Add(_))))),
        Expr::Mul(v) => Expr::Mul(sorted(flatten(v, |x| matches!(x, Expr::Mul(_))))),
        Expr::Union(v) => Expr::Union(sorted(v)),
        Expr::Set(v) => {
            let mut items = sorted(v);
            items.dedup();
            Expr::Set(items)
        }
        Expr::Num(l) => Expr::Num(Literal {
            // The way a number was written does not change which number it is.
            value: l.value,
            decimal_places: None,
            significant_digits: 0,
        }),
        other => other,
    }
}

/// The operands of nested sums (or products) in one list: (a + b) + c → [a, b, c].
fn flatten(items: Vec<Expr>, same_kind: impl Fn(&Expr) -> bool) -> Vec<Expr> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if same_kind(&item) {
            out.extend(item.children().into_iter().cloned());
        } else {
            out.push(item);
        }
    }
    out
}

/// n! as a balanced product tree: multiplying halves of equal size lets the big-integer
/// library use its fast multiplication, where a running product grows one small factor at a
/// time (quadratic in the digits). Recent values are kept per thread: the samples of one
/// problem repeat the same factorials.
/// C(n, k) for k ≤ n as the product of its prime powers (Legendre: the exponent of p is the
/// number of carries when adding k and n − k in base p), multiplied as a balanced tree: no
/// division of big numbers, which made C(2000, 1000) cost a tenth of a millisecond.
fn binomial(n: u64, k: u64) -> num_bigint::BigInt {
    let mut composite = vec![false; n as usize + 1];
    let mut factors: Vec<num_bigint::BigInt> = Vec::new();
    for p in 2..=n {
        if composite[p as usize] {
            continue;
        }
        for multiple in (p * p..=n).step_by(p as usize) {
            composite[multiple as usize] = true;
        }
        let (mut exponent, mut power) = (0u32, p);
        loop {
            exponent += (n / power - k / power - (n - k) / power) as u32;
            match power.checked_mul(p) {
                Some(next) if next <= n => power = next,
                _ => break,
            }
        }
        if exponent > 0 {
            factors.push(num_bigint::BigInt::from(p).pow(exponent));
        }
    }
    while factors.len() > 1 {
        let mut next = Vec::with_capacity(factors.len().div_ceil(2));
        let mut pairs = factors.into_iter();
        while let Some(a) = pairs.next() {
            next.push(match pairs.next() {
                Some(b) => a * b,
                None => a,
            });
        }
        factors = next;
    }
    factors
        .pop()
        .unwrap_or_else(|| num_bigint::BigInt::from(1u8))
}

/// Factorials at every multiple of this are kept once computed: n! is then the nearest
/// one below times fewer than this many small factors.
const FACTORIAL_STRIDE: u64 = 64;

fn factorial(n: u64) -> num_bigint::BigInt {
    fn product(lo: u64, hi: u64) -> num_bigint::BigInt {
        if lo > hi {
            return num_bigint::BigInt::from(1u8);
        }
        if hi - lo < 16 {
            return (lo..=hi).fold(num_bigint::BigInt::from(1u8), |acc, k| acc * k);
        }
        let mid = lo + (hi - lo) / 2;
        product(lo, mid) * product(mid + 1, hi)
    }
    // 0!, 64!, 128!, … up to MAX_EXACT_FACTORIAL: about 100 KB, built once per process
    // (a millisecond) at the first factorial past the first stride.
    static CHECKPOINTS: std::sync::OnceLock<Vec<num_bigint::BigInt>> = std::sync::OnceLock::new();
    if n < FACTORIAL_STRIDE {
        return product(2, n);
    }
    let checkpoints = CHECKPOINTS.get_or_init(|| {
        let mut table = vec![num_bigint::BigInt::from(1u8)];
        let mut k = 0;
        while k < MAX_EXACT_FACTORIAL {
            let next = &table[table.len() - 1] * product(k + 1, k + FACTORIAL_STRIDE);
            table.push(next);
            k += FACTORIAL_STRIDE;
        }
        table
    });
    let below = n / FACTORIAL_STRIDE;
    match checkpoints.get(below as usize) {
        Some(base) => base * product(below * FACTORIAL_STRIDE + 1, n),
        None => product(2, n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latex::parse_answer;

    fn ev(s: &str) -> Exact {
        evaluate(&parse_answer(s).unwrap()).unwrap_or_else(|e| panic!("{s}: {e:?}"))
    }

    #[test]
    fn factorials_from_checkpoints_match_the_plain_product() {
        let mut plain = num_bigint::BigInt::from(1u8);
        for n in 0..=MAX_EXACT_FACTORIAL {
            if n > 0 {
                plain *= n;
            }
            if n < 300 || n % 61 == 0 || n % FACTORIAL_STRIDE < 2 || n == MAX_EXACT_FACTORIAL {
                assert_eq!(factorial(n), plain, "{n}!");
            }
        }
    }

    #[test]
    fn binomials_from_prime_powers_match_the_factorial_quotient() {
        for n in 0..60u64 {
            for k in 0..=n {
                let quotient = factorial(n) / (factorial(k) * factorial(n - k));
                assert_eq!(binomial(n, k), quotient, "C({n}, {k})");
            }
        }
        assert_eq!(
            binomial(3000, 1234),
            factorial(3000) / (factorial(1234) * factorial(1766))
        );
    }

    #[test]
    fn exact_values_agree_across_forms() {
        assert_eq!(ev("\\frac{1}{2}"), ev("0.5"));
        assert_eq!(ev("\\frac{\\sqrt{3}}{2}"), ev("\\frac{1}{2}\\sqrt3"));
        assert_eq!(ev("\\sqrt{12}"), ev("2\\sqrt{3}"));
        assert_eq!(ev("\\frac{\\pi}{4}"), ev("0.25\\pi"));
        assert_eq!(ev("2^{10}"), ev("1024"));
        assert_eq!(ev("\\sqrt[3]{27}"), ev("3"));
        assert_eq!(ev("8^{2/3}"), ev("4"));
        assert_eq!(ev("5!"), ev("120"));
        assert_eq!(ev("-2\\frac{1}{2}"), ev("-5/2"));
    }

    #[test]
    fn non_numeric_is_reported() {
        let e = parse_answer("x+1").unwrap();
        assert_eq!(evaluate(&e), Err(NotExact::NotNumeric));
        let e = parse_answer("\\sin 1").unwrap();
        assert_eq!(evaluate(&e), Err(NotExact::OutOfRange));
        assert!(is_numeric(&e));
    }

    #[test]
    fn canonical_sorts_commutative_operands() {
        let a = canonical(&parse_answer("x+y").unwrap());
        let b = canonical(&parse_answer("y+x").unwrap());
        assert_eq!(a, b);
        let a = canonical(&parse_answer("x-y").unwrap());
        let b = canonical(&parse_answer("y-x").unwrap());
        assert_ne!(a, b);
    }
}
