//! Solving one-variable linear relations exactly, so `-x > -1` is read as `x < 1`.

use crate::expr::{Expr, Literal, RelOp};
use crate::modular::{compare_expressions, Outcome};
use crate::normalize::evaluate;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use std::collections::BTreeSet;

/// Every symbol name in an expression.
pub fn free_symbols(e: &Expr, out: &mut BTreeSet<String>) {
    if let Expr::Sym(s) = e {
        out.insert(s.clone());
    }
    for child in e.children() {
        free_symbols(child, out);
    }
}

/// `e` with every `Sym(name)` replaced by `value`.
pub(crate) fn substitute(e: &Expr, name: &str, value: &Expr) -> Expr {
    e.replace(&|x| matches!(x, Expr::Sym(s) if s == name).then(|| value.clone()))
}

/// Renames symbols: every `Sym(a)` with `names[a] = b` becomes `Sym(b)`.
pub fn rename_symbols(e: &Expr, names: &std::collections::BTreeMap<String, String>) -> Expr {
    e.replace(&|x| match x {
        Expr::Sym(s) => names.get(s).map(|n| Expr::Sym(n.clone())),
        _ => None,
    })
}

/// A rational as a number literal.
pub(crate) fn rational(q: BigRational) -> Expr {
    Expr::Num(Literal {
        value: q,
        decimal_places: None,
        significant_digits: 0,
    })
}

/// `lhs op rhs` with one variable x, linear in x with rational coefficients, rewritten as
/// `x op' c`: returns (x, op', c). `None` when it is not of that kind.
pub fn solve_linear(lhs: &Expr, op: RelOp, rhs: &Expr) -> Option<(String, RelOp, Expr)> {
    let mut symbols = BTreeSet::new();
    free_symbols(lhs, &mut symbols);
    free_symbols(rhs, &mut symbols);
    let var = match symbols.len() {
        1 => symbols.into_iter().next()?,
        _ => return None,
    };
    // f(x) = lhs − rhs; f is linear when it equals a·x + b as a rational function.
    let f = Expr::Add(vec![lhs.clone(), Expr::Neg(Box::new(rhs.clone()))]);
    let at = |t: i64| -> Option<BigRational> {
        let v = rational(BigRational::from_integer(t.into()));
        evaluate(&substitute(&f, &var, &v)).ok()?.as_rational()
    };
    let b = at(0)?;
    let a = at(1)? - &b;
    if a.is_zero() {
        return None;
    }
    let linear = Expr::Add(vec![
        Expr::Mul(vec![rational(a.clone()), Expr::Sym(var.clone())]),
        rational(b.clone()),
    ]);
    if compare_expressions(&f, &linear) != Outcome::Equal {
        return None;
    }
    // a·x + b op 0  ⇔  x op −b/a, with op reversed when a < 0.
    let c = -b / &a;
    let op = if a.is_negative() { reverse(op) } else { op };
    Some((var, op, rational(c)))
}

/// The relation seen from the other side: `a < b` ⇔ `b > a`.
pub fn reverse(op: RelOp) -> RelOp {
    match op {
        RelOp::Lt => RelOp::Gt,
        RelOp::Gt => RelOp::Lt,
        RelOp::Le => RelOp::Ge,
        RelOp::Ge => RelOp::Le,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latex::parse_answer;

    fn solve(s: &str) -> Option<(String, RelOp, String)> {
        match parse_answer(s).unwrap() {
            Expr::Rel(v, ops) => solve_linear(&v[0], ops[0], &v[1]).map(|(x, op, c)| match c {
                Expr::Num(l) => (x, op, l.value.to_string()),
                _ => unreachable!(),
            }),
            _ => None,
        }
    }

    #[test]
    fn linear_relations() {
        assert_eq!(solve("-x > -1"), Some(("x".into(), RelOp::Lt, "1".into())));
        assert_eq!(
            solve("2x + 1 \\le 7"),
            Some(("x".into(), RelOp::Le, "3".into()))
        );
        assert_eq!(
            solve("3 < \\frac{x}{2}"),
            Some(("x".into(), RelOp::Gt, "6".into()))
        );
        assert_eq!(solve("x^2 > 4"), None);
        assert_eq!(solve("x + y > 4"), None);
    }
}
