//! A readable plain-text rendering of a parsed answer (`2·sqrt(3)`, `{1, 2}`, `[0, 1)`),
//! so that a user can see how an answer was read. For explanations only: equivalence never
//! looks at it.

use crate::expr::{Constant, Expr, Literal, RelOp};
use num_bigint::BigInt;
use num_traits::{One, Zero};

/// Binding strength of a node, loosest first: a child that binds more loosely than its
/// parent expects is parenthesised.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Sequence,
    Sum,
    Product,
    Unary,
    Power,
    Atom,
}

/// `expr` as plain math text.
pub fn render(expr: &Expr) -> String {
    let mut out = String::new();
    write(expr, &mut out);
    out
}

fn level(expr: &Expr) -> Level {
    match expr {
        Expr::Rel(..) | Expr::List(_) | Expr::Union(_) | Expr::PlusMinus(..) => Level::Sequence,
        Expr::Add(_) => Level::Sum,
        Expr::Mul(_) | Expr::Div(..) => Level::Product,
        Expr::Neg(_) => Level::Unary,
        Expr::Pow(..) | Expr::Percent(_) => Level::Power,
        Expr::Num(lit) if lit.value < num_rational::BigRational::zero() => Level::Unary,
        Expr::Num(lit) if !lit.value.is_integer() && lit.decimal_places.is_none() => Level::Product,
        _ => Level::Atom,
    }
}

/// `expr`, parenthesised when it binds more loosely than `min`.
fn child(expr: &Expr, min: Level, out: &mut String) {
    if level(expr) < min {
        out.push('(');
        write(expr, out);
        out.push(')');
    } else {
        write(expr, out);
    }
}

fn joined(items: &[Expr], sep: &str, min: Level, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        child(item, min, out);
    }
}

fn write(expr: &Expr, out: &mut String) {
    match expr {
        Expr::Num(lit) => out.push_str(&number(lit)),
        Expr::Sym(name) => out.push_str(name),
        Expr::Const(c) => out.push_str(match c {
            Constant::Pi => "π",
            Constant::E => "e",
            Constant::I => "i",
            Constant::Infinity => "∞",
        }),
        Expr::Neg(a) => {
            out.push('-');
            child(a, Level::Power, out);
        }
        Expr::Add(terms) => {
            for (i, term) in terms.iter().enumerate() {
                match term {
                    Expr::Neg(a) if i > 0 => {
                        out.push_str(" - ");
                        child(a, Level::Product, out);
                    }
                    _ => {
                        if i > 0 {
                            out.push_str(" + ");
                        }
                        child(term, Level::Product, out);
                    }
                }
            }
        }
        Expr::Mul(factors) => joined(factors, "·", Level::Unary, out),
        Expr::Div(a, b) => {
            child(a, Level::Product, out);
            out.push('/');
            child(b, Level::Unary, out);
        }
        Expr::Pow(a, b) => {
            child(a, Level::Atom, out);
            out.push('^');
            child(b, Level::Atom, out);
        }
        Expr::Root(a, 2) => call("sqrt", std::slice::from_ref(a.as_ref()), out),
        Expr::Root(a, n) => {
            out.push_str("root(");
            write(a, out);
            out.push_str(&format!(", {n})"));
        }
        Expr::Func(name, args) => call(name, args, out),
        Expr::PlusMinus(a, b) => {
            child(a, Level::Sum, out);
            out.push_str(" ± ");
            child(b, Level::Sum, out);
        }
        Expr::Percent(a) => {
            child(a, Level::Atom, out);
            out.push('%');
        }
        Expr::Rel(operands, ops) => {
            for (i, operand) in operands.iter().enumerate() {
                if i > 0 {
                    out.push_str(relation(ops[i - 1]));
                }
                child(operand, Level::Sum, out);
            }
        }
        Expr::Tuple(items) => bracketed("(", items, ")", out),
        Expr::Set(items) => bracketed("{", items, "}", out),
        Expr::List(items) => joined(items, ", ", Level::Sum, out),
        Expr::Union(parts) => joined(parts, " ∪ ", Level::Sum, out),
        Expr::Interval {
            lo,
            hi,
            lo_closed,
            hi_closed,
        } => {
            out.push(if *lo_closed { '[' } else { '(' });
            write(lo, out);
            out.push_str(", ");
            write(hi, out);
            out.push(if *hi_closed { ']' } else { ')' });
        }
        Expr::Matrix(rows) => {
            out.push('[');
            for (i, row) in rows.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                bracketed("[", row, "]", out);
            }
            out.push(']');
        }
        Expr::Text(text) => {
            out.push('"');
            out.push_str(text);
            out.push('"');
        }
    }
}

fn call(name: &str, args: &[Expr], out: &mut String) {
    out.push_str(name);
    bracketed("(", args, ")", out);
}

fn bracketed(open: &str, items: &[Expr], close: &str, out: &mut String) {
    out.push_str(open);
    joined(items, ", ", Level::Sum, out);
    out.push_str(close);
}

fn relation(op: RelOp) -> &'static str {
    match op {
        RelOp::Eq => " = ",
        RelOp::Ne => " ≠ ",
        RelOp::Lt => " < ",
        RelOp::Le => " ≤ ",
        RelOp::Gt => " > ",
        RelOp::Ge => " ≥ ",
        RelOp::In => " ∈ ",
    }
}

/// A literal as written: a decimal keeps its places (`0.50`), other values are `p/q`.
fn number(lit: &Literal) -> String {
    let value = &lit.value;
    if let Some(places) = lit.decimal_places.filter(|&p| p > 0 && p <= 64) {
        let scaled = value * num_rational::BigRational::from_integer(BigInt::from(10).pow(places));
        if scaled.is_integer() {
            let digits = scaled.to_integer().magnitude().to_string();
            let padded = format!("{digits:0>width$}", width = places as usize + 1);
            let (whole, frac) = padded.split_at(padded.len() - places as usize);
            let sign = if value < &num_rational::BigRational::zero() {
                "-"
            } else {
                ""
            };
            return format!("{sign}{whole}.{frac}");
        }
    }
    if value.denom().is_one() {
        value.numer().to_string()
    } else {
        format!("{}/{}", value.numer(), value.denom())
    }
}

#[cfg(test)]
mod tests {
    use super::render;
    use crate::latex::parse_answer;

    fn r(src: &str) -> String {
        render(&parse_answer(src).unwrap_or_else(|e| panic!("{src}: {e}")))
    }

    #[test]
    fn numbers_keep_their_writing() {
        assert_eq!(r("0.50"), "0.50");
        assert_eq!(r("-0.05"), "-0.05");
        assert_eq!(r("42"), "42");
        assert_eq!(r("\\frac{1}{2}"), "1/2");
    }

    #[test]
    fn structures_read_back() {
        assert_eq!(r("\\{1, 2\\}"), "{1, 2}");
        assert_eq!(r("[0, 1)"), "[0, 1)");
        assert_eq!(r("x = 5"), "x = 5");
        assert_eq!(r("2\\sqrt{3}"), "2·sqrt(3)");
        assert_eq!(r("(1+x)^2"), "(1 + x)^2");
        assert_eq!(r("\\text{Yes}"), "\"yes\"");
    }
}
