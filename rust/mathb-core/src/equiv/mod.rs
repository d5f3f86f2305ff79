//! Equivalence of a gold answer and a candidate answer, both parsed to [`Expr`].
//!
//! Numbers are compared exactly (`numbers`); collections, intervals and solution sets
//! element-wise (`collections`); expressions and equations by randomized exact evaluation;
//! what the core cannot settle is `Undecided` — never a guess.

mod collections;
mod kinds;
mod numbers;

use crate::expr::{Expr, RelOp};
use crate::modular::{compare_equations, compare_expressions, varies, Outcome};
use crate::normalize::{as_decimal_literal, canonical, is_numeric};
use crate::numeric::{compare_decimal, compare_numeric, Numeric};
use crate::options::DecimalPolicy;
use crate::options::Options;
use crate::solve::{free_symbols, rename_symbols};
use crate::verdict::Status;
use collections::{compare_collections, solution_set};
use numbers::{compare_numbers, compare_percent};
use std::collections::BTreeSet;

/// A comparison result: status plus a short human reason.
pub type Judgement = (Status, String);

pub(crate) fn judged(status: Status, reason: impl Into<String>) -> Judgement {
    (status, reason.into())
}

/// Compares two parsed answers.
pub fn compare(gold: &Expr, answer: &Expr, opts: &Options) -> Judgement {
    let judgement = compare_at(gold, answer, opts, 0);
    if opts.strict_variables || judgement.0 == Status::Correct {
        return judgement;
    }
    renamed_match(gold, answer, opts).unwrap_or(judgement)
}

/// Largest number of variables tried in every renaming (4! = 24 comparisons).
const MAX_RENAMED_VARIABLES: usize = 4;

/// With `strict_variables` off: the answer is correct if some one-to-one renaming of its
/// variables onto the gold's makes it equal (`f(y)` for `f(x)`).
fn renamed_match(gold: &Expr, answer: &Expr, opts: &Options) -> Option<Judgement> {
    let (mut g, mut a) = (BTreeSet::new(), BTreeSet::new());
    free_symbols(gold, &mut g);
    free_symbols(answer, &mut a);
    if g == a || g.len() != a.len() || g.len() > MAX_RENAMED_VARIABLES {
        return None;
    }
    let targets: Vec<String> = g.into_iter().collect();
    let sources: Vec<String> = a.into_iter().collect();
    let mut order: Vec<usize> = (0..targets.len()).collect();
    loop {
        let names = sources
            .iter()
            .zip(&order)
            .map(|(s, &i)| (s.clone(), targets[i].clone()))
            .collect();
        let renamed = rename_symbols(answer, &names);
        if compare_at(gold, &renamed, opts, 0).0 == Status::Correct {
            return Some(judged(Status::Correct, "equal after renaming variables"));
        }
        if !next_permutation(&mut order) {
            return None;
        }
    }
}

/// Advances to the next lexicographic permutation; false after the last one.
fn next_permutation(v: &mut [usize]) -> bool {
    let Some(i) = (1..v.len()).rev().find(|&i| v[i - 1] < v[i]) else {
        return false;
    };
    let j = (i..v.len())
        .rev()
        .find(|&j| v[j] > v[i - 1])
        .expect("a larger element");
    v.swap(i - 1, j);
    v[i..].reverse();
    true
}

/// Deepest nesting of collections compared; deeper pairs are undecided.
const MAX_COMPARE_DEPTH: usize = 16;

pub(crate) fn compare_at(gold: &Expr, answer: &Expr, opts: &Options, depth: usize) -> Judgement {
    crate::budget::tick();
    if depth > MAX_COMPARE_DEPTH {
        return judged(Status::Undecided, "answer nested too deeply");
    }
    let d = depth + 1;
    // "No solution" against ∅, "all real numbers" against (−∞, ∞).
    if let Some(g) = kinds::named_set(gold) {
        return compare_at(&g, answer, opts, d);
    }
    if let Some(a) = kinds::named_set(answer) {
        return compare_at(gold, &a, opts, d);
    }
    if let Some(g) = kinds::bracket_list(gold, answer) {
        return compare_at(&g, answer, opts, d);
    }
    if let Some(a) = kinds::bracket_list(answer, gold) {
        return compare_at(gold, &a, opts, d);
    }
    // `1:3` against a number is the number 1/3.
    match (kinds::ratio_value(gold), kinds::ratio_value(answer)) {
        // `1:2` and `2:4` are the same ratio.
        (Some(g), Some(a)) => return compare_at(&g, &a, opts, d),
        (Some(g), None) if is_numeric(answer) => return compare_at(&g, answer, opts, d),
        (None, Some(a)) if is_numeric(gold) => return compare_at(gold, &a, opts, d),
        _ => {}
    }
    // `41 = 42` states nothing true, whatever its last member is.
    if !matches!(gold, Expr::Rel(..)) && kinds::is_false_chain(answer, opts) {
        return judged(Status::Incorrect, "the answer states a false equation");
    }
    // `x = 5` against `5`, and `x = 5` against `x = 5`: compare the values.
    match (assignment(gold), assignment(answer)) {
        (Some((gv, gval)), Some((av, aval))) => {
            if gv != av && !gv.is_empty() && !av.is_empty() {
                return judged(
                    Status::Incorrect,
                    format!("answers name different variables ({gv} vs {av})"),
                );
            }
            return compare_at(gval, aval, opts, d);
        }
        (Some((_, gval)), None) => return compare_at(gval, answer, opts, d),
        (None, Some((_, aval))) if !matches!(gold, Expr::Rel(..)) => {
            return compare_at(gold, aval, opts, d)
        }
        _ => {}
    }
    // `f(x) = (x-4)(x-1)` against `x^2-5x+4`: compare the defined expression.
    match (
        kinds::defined_expression(gold),
        kinds::defined_expression(answer),
    ) {
        (None, Some(a)) if !matches!(gold, Expr::Rel(..)) => return compare_at(gold, a, opts, d),
        (Some(g), None) if !matches!(answer, Expr::Rel(..)) => {
            return compare_at(g, answer, opts, d)
        }
        _ => {}
    }
    if let Some(j) = compare_percent(gold, answer, opts, d) {
        return j;
    }
    let (gold, answer) = (&expand_plus_minus(gold), &expand_plus_minus(answer));
    // Exact values of functions, complex numbers and nested roots (`\log_2 8` → 3).
    let (gold, answer) = (&crate::exact::rewrite(gold), &crate::exact::rewrite(answer));
    if let Some((status, reason)) = crate::exact::compare(gold, answer) {
        return judged(status, reason);
    }
    if is_numeric(gold) && is_numeric(answer) {
        let j = compare_numbers(gold, answer, opts);
        if j.0 != Status::Undecided {
            return j;
        }
    }
    if canonical(gold) == canonical(answer) {
        return judged(Status::Correct, "identical after normalization");
    }
    let both_pairs = matches!((gold, answer), (Expr::Tuple(_), Expr::Tuple(_)));
    if opts.relation_as_set && !both_pairs {
        if let (Some(g), Some(a)) = (solution_set(gold), solution_set(answer)) {
            if let Some(j) = compare_collections(&g, &a, opts, d) {
                return j;
            }
        }
    }
    if let Some(j) = compare_collections(gold, answer, opts, d) {
        return j;
    }
    if let (Some(g), Some(a)) = (as_text(gold), as_text(answer)) {
        // A yes/no question answered true/false, or the reverse, is the same answer.
        let truth = |t: &str| match t {
            "yes" | "true" => "yes".to_string(),
            "no" | "false" => "no".to_string(),
            other => other.to_string(),
        };
        let (g, a) = (truth(&g.to_lowercase()), truth(&a.to_lowercase()));
        return if g == a {
            judged(Status::Correct, "same text")
        } else {
            judged(Status::Incorrect, "different text")
        };
    }
    if let (Some(g), Some(a)) = (equation(gold), equation(answer)) {
        return match compare_equations(g, a) {
            Outcome::Equal => judged(Status::Correct, "equations with the same solution set"),
            Outcome::Different => judged(
                Status::Incorrect,
                "linear equations with different solutions",
            ),
            _ if kinds::different_variables(gold, answer) => {
                judged(Status::Incorrect, "equations in different variables")
            }
            _ if kinds::solution_not_shared(g, a) => judged(
                Status::Incorrect,
                "a solution of one equation does not solve the other",
            ),
            _ => judged(Status::Undecided, "equations not decidable by the core"),
        };
    }
    if kinds::different_variables(gold, answer) {
        let reason = if matches!(answer, Expr::Rel(..)) {
            "equations in different variables"
        } else {
            "expressions in different variables"
        };
        return judged(Status::Incorrect, reason);
    }
    if let Some(reason) = kinds::different_kinds(gold, answer) {
        return judged(Status::Incorrect, reason);
    }
    if let Some(reason) = mismatched_kinds(gold, answer) {
        return judged(Status::Incorrect, reason);
    }
    if is_scalar(gold) && is_scalar(answer) {
        let outcome = compare_expressions(gold, answer);
        if outcome == Outcome::Equal {
            return judged(
                Status::Correct,
                "equal as expressions (randomized exact test)",
            );
        }
        // A decimal against a constant the exact arithmetic cannot hold (e², ln 2, sin 1):
        // the decimal policy decides, on a rigorous enclosure of the constant.
        if let Some(j) = decimal_against_constant(gold, answer, opts) {
            return j;
        }
        return match outcome {
            Outcome::Different => judged(Status::Incorrect, "expressions differ at a test point"),
            _ if kinds::different_variables(gold, answer) => {
                judged(Status::Incorrect, "expressions in different variables")
            }
            _ => match compare_numeric(gold, answer) {
                Numeric::Different(reason) => judged(Status::Incorrect, reason),
                _ if outcome == Outcome::Inconclusive => judged(
                    Status::Undecided,
                    "expressions with functions or roots: identities between them are not checked",
                ),
                _ => judged(Status::Undecided, "expression outside the exact core"),
            },
        };
    }
    judged(Status::Undecided, "not decidable by the exact core")
}

/// A decimal literal against a constant without variables, judged by the decimal policy on
/// a numeric enclosure of the constant; `None` when that does not apply or is not decisive.
fn decimal_against_constant(gold: &Expr, answer: &Expr, opts: &Options) -> Option<Judgement> {
    let DecimalPolicy::Rounded {
        min_significant_digits,
        max_places,
    } = opts.decimal
    else {
        return None;
    };
    let (decimal, constant, side) = match (as_decimal_literal(gold), as_decimal_literal(answer)) {
        (Some(d), None) => (d, answer, "gold"),
        (None, Some(d)) => (d, gold, "answer"),
        _ => return None,
    };
    if has_variables(constant) {
        return None;
    }
    let (value, places, sig) = decimal;
    let places = places.min(max_places.unwrap_or(u32::MAX));
    match compare_decimal(&value.as_rational()?, places, constant) {
        Numeric::Rounds(true) if sig >= min_significant_digits => Some(judged(
            Status::Correct,
            format!("{side} decimal is the value rounded to {places} places"),
        )),
        Numeric::Rounds(true) => Some(judged(
            Status::Incorrect,
            format!(
                "{side} decimal has {sig} significant digits; at least {min_significant_digits} required"
            ),
        )),
        Numeric::Rounds(false) => Some(judged(
            Status::Incorrect,
            format!("{side} decimal does not round from the value"),
        )),
        Numeric::Indistinct => Some(judged(
            Status::Undecided,
            "decimal lies on a rounding boundary",
        )),
        _ => None,
    }
}

/// Symbols that may stand for constants rather than variables (Euler's e, the imaginary unit).
fn is_variable(name: &str) -> bool {
    !matches!(name, "e" | "i")
}

fn has_variables(e: &Expr) -> bool {
    let mut symbols = BTreeSet::new();
    free_symbols(e, &mut symbols);
    symbols.iter().any(|s| is_variable(s))
}

/// Pairs that cannot be equal whatever their details: an equation where a value is expected
/// (`r^3 = 27` for `36\pi`), or an expression in variables where a number is expected
/// (`s` for `\sqrt{3}`). Inequalities are left alone: they may be a solution set.
fn mismatched_kinds(gold: &Expr, answer: &Expr) -> Option<&'static str> {
    let is_equation = |e: &Expr| {
        matches!(e, Expr::Rel(_, ops) if ops.iter().all(|op| *op == RelOp::Eq))
            && assignment(e).is_none()
    };
    let is_value = |e: &Expr| is_constant(e) || matches!(e, Expr::Text(_));
    if (is_value(gold) && is_equation(answer)) || (is_equation(gold) && is_value(answer)) {
        return Some("an equation and a value are different answers");
    }
    // `x \neq 1` or `x > 1` where a value or an expression is expected (or the reverse): an
    // inequality states a set of values, never one value.
    let is_inequality = |e: &Expr| {
        matches!(e, Expr::Rel(_, ops) if ops.iter().any(|op| {
            matches!(op, RelOp::Ne | RelOp::Lt | RelOp::Le | RelOp::Gt | RelOp::Ge)
        }))
    };
    if (is_scalar(gold) && is_inequality(answer)) || (is_inequality(gold) && is_scalar(answer)) {
        return Some("an inequality and a single value or expression are different answers");
    }
    // A number against an expression that provably varies (sin²x + cos²x does not count: it
    // is in fact constant).
    let numeric_vs_variables = |a: &Expr, b: &Expr| {
        is_numeric(a)
            && is_scalar(b)
            && has_variables(b)
            && !has_variables(a)
            && (varies(b) || kinds::depends_on_a_variable(b))
    };
    if numeric_vs_variables(gold, answer) || numeric_vs_variables(answer, gold) {
        return Some("a number and an expression in variables are different answers");
    }
    None
}

/// A single scalar quantity: numbers, symbols, operators and functions — no relation,
/// collection, interval or text.
pub(crate) fn is_scalar(e: &Expr) -> bool {
    match e {
        Expr::Num(_) | Expr::Sym(_) | Expr::Const(_) => true,
        Expr::Neg(a) | Expr::Root(a, _) => is_scalar(a),
        Expr::Div(a, b) | Expr::Pow(a, b) => is_scalar(a) && is_scalar(b),
        Expr::Add(v) | Expr::Mul(v) | Expr::Func(_, v) => v.iter().all(is_scalar),
        _ => false,
    }
}

/// `a \pm b` is the two-element answer {a + b, a − b}.
fn expand_plus_minus(e: &Expr) -> Expr {
    match e {
        Expr::PlusMinus(a, b) => Expr::List(vec![
            Expr::Add(vec![(**a).clone(), (**b).clone()]),
            Expr::Add(vec![(**a).clone(), Expr::Neg(b.clone())]),
        ]),
        Expr::Rel(v, ops) if ops.len() == 1 && matches!(v[1], Expr::PlusMinus(..)) => {
            match expand_plus_minus(&v[1]) {
                Expr::List(items) => Expr::List(
                    items
                        .into_iter()
                        .map(|rhs| Expr::Rel(vec![v[0].clone(), rhs], ops.clone()))
                        .collect(),
                ),
                _ => e.clone(),
            }
        }
        other => other.clone(),
    }
}

/// Free text, or words the parser read as products of letters (`Monday`, `a polynomial`).
fn as_text(e: &Expr) -> Option<String> {
    let t = match e {
        Expr::Text(t) => t.clone(),
        Expr::Mul(v) => match word(e) {
            Some(w) => w,
            // Words in a row: each a product of letters.
            None => v.iter().map(word).collect::<Option<Vec<_>>>()?.join(" "),
        },
        _ => return None,
    };
    let cleaned: String = t
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!cleaned.is_empty()).then_some(cleaned)
}

/// One word the parser read as a product of letters, or a lone letter, in lower case.
fn word(e: &Expr) -> Option<String> {
    let letter = |x: &Expr| match x {
        Expr::Sym(s) if s.chars().count() == 1 => Some(s.to_lowercase()),
        _ => None,
    };
    match e {
        Expr::Mul(v) => v.iter().map(letter).collect(),
        other => letter(other),
    }
}

/// `l = r` that is not a plain assignment of a value.
fn equation(e: &Expr) -> Option<(&Expr, &Expr)> {
    match e {
        Expr::Rel(v, ops)
            if ops.as_slice() == [RelOp::Eq] && is_scalar(&v[0]) && is_scalar(&v[1]) =>
        {
            Some((&v[0], &v[1]))
        }
        _ => None,
    }
}

/// A left-hand side that only names a quantity: `x`, `x_1`, `AB`, `f(x)`, `|AB|`,
/// `\\frac{NO}{BO}`, `(p, q)`.
pub(crate) fn is_name(e: &Expr) -> bool {
    match e {
        Expr::Sym(_) => true,
        Expr::Mul(v) | Expr::Tuple(v) | Expr::Func(_, v) => !v.is_empty() && v.iter().all(is_name),
        Expr::Div(a, b) => is_name(a) && is_name(b),
        _ => false,
    }
}

/// No variable anywhere: numbers, constants and collections of them.
pub(crate) fn is_constant(e: &Expr) -> bool {
    match e {
        Expr::Sym(_) | Expr::Text(_) | Expr::Rel(..) => false,
        Expr::Num(_) | Expr::Const(_) => true,
        Expr::Neg(a) | Expr::Root(a, _) | Expr::Percent(a) => is_constant(a),
        Expr::Div(a, b) | Expr::Pow(a, b) | Expr::PlusMinus(a, b) => {
            is_constant(a) && is_constant(b)
        }
        Expr::Interval { lo, hi, .. } => is_constant(lo) && is_constant(hi),
        Expr::Add(v)
        | Expr::Mul(v)
        | Expr::Func(_, v)
        | Expr::Tuple(v)
        | Expr::Set(v)
        | Expr::List(v)
        | Expr::Union(v) => v.iter().all(is_constant),
        Expr::Matrix(rows) => rows.iter().flatten().all(is_constant),
    }
}

/// The value an answer states about one named quantity: `x = 5`, `(p, q) = (3, 2)`,
/// `x \\in (1, 2)`, or the result of a chain of computations `\\binom{10}{4} = 210` /
/// `x = 3 + 4 = 7` (the last member). Returns a key for the name ("" for a pure chain) and
/// the value.
fn assignment(e: &Expr) -> Option<(String, &Expr)> {
    let Expr::Rel(operands, ops) = e else {
        return None;
    };
    let last = operands.last()?;
    let name = |x: &Expr| match x {
        Expr::Sym(s) => s.clone(),
        other => format!("{:?}", canonical(other)),
    };
    if let [RelOp::In] = ops.as_slice() {
        return is_name(&operands[0]).then(|| (name(&operands[0]), last));
    }
    // "3 = x" states x as well as "x = 3" does.
    if let ([value, named], [RelOp::Eq]) = (operands.as_slice(), ops.as_slice()) {
        if is_constant(value) && is_name(named) && !is_name(value) {
            return Some((name(named), value));
        }
    }
    if !ops.iter().all(|op| *op == RelOp::Eq) {
        return None;
    }
    // A chain of three or more members ends in its result: "1 = a = x = 0" states 0.
    if operands.len() >= 3 && is_constant(last) {
        return Some((String::new(), last));
    }
    if !operands[1..].iter().all(is_constant) {
        return None;
    }
    match &operands[0] {
        first if is_name(first) => Some((name(first), last)),
        first if is_numeric(first) => Some((String::new(), last)),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
