//! What an answer is before how much it is worth: false equations, function definitions,
//! sets named in words, and answers of different kinds (a number against a text, an
//! interval, a matrix), which are different answers rather than undecided ones.

use super::{has_variables, is_constant, is_name, is_scalar, is_variable};
use crate::expr::{Constant, Expr, RelOp};
use crate::modular::{compare_expressions, Outcome};
use crate::normalize::is_numeric;
use crate::numeric::{apart_at_narrow_precision, compare_numeric_real, Numeric};
use crate::options::Options;
use crate::solve::{free_symbols, rational, substitute};
use crate::verdict::Status;
use num_rational::BigRational;
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;

/// An equation between numbers with two adjacent members that differ (`41 = 42`,
/// `1 = 2 = 3 = 42`): the answer states something false, whatever its last member. A chain
/// that opens with a name (`x = 5+5+1 = 11`) is a worked computation whose last member is
/// the value given, as graders read it.
pub(super) fn is_false_chain(e: &Expr, opts: &Options) -> bool {
    let Expr::Rel(members, ops) = e else {
        return false;
    };
    if !ops.iter().all(|op| *op == RelOp::Eq) || !members.first().is_some_and(is_numeric) {
        return false;
    }
    members.windows(2).any(|pair| {
        let numeric = |x: &Expr| is_numeric(x) && !matches!(x, Expr::Percent(_));
        numeric(&pair[0])
            && numeric(&pair[1])
            && super::numbers::compare_numbers(&pair[0], &pair[1], opts).0 == Status::Incorrect
    })
}

/// The expression of a function or quantity defined by the answer: `f(x) = (x-4)(x-1)`,
/// `y = x^2 + 1` (a name on the left that is not among the variables on the right).
pub(super) fn defined_expression(e: &Expr) -> Option<&Expr> {
    let Expr::Rel(members, ops) = e else {
        return None;
    };
    let ([lhs, rhs], [RelOp::Eq]) = (members.as_slice(), ops.as_slice()) else {
        return None;
    };
    if !is_name(lhs) || !is_scalar(rhs) || !has_variables(rhs) {
        return None;
    }
    let mut left = std::collections::BTreeSet::new();
    let mut right = std::collections::BTreeSet::new();
    crate::solve::free_symbols(lhs, &mut left);
    crate::solve::free_symbols(rhs, &mut right);
    // `f(x) = …`: the name applied to the variables; `y = …`: a new name.
    let function_of_rhs = matches!(lhs, Expr::Mul(v) if v.len() >= 2) && left.len() > 1;
    let new_name = matches!(lhs, Expr::Sym(_)) && left.is_disjoint(&right);
    (function_of_rhs || new_name).then_some(rhs)
}

/// Sets written in words, as the sets they name: "no solution", "none", "empty set" → ∅;
/// "all real numbers", `\mathbb{R}` → (−∞, ∞).
pub(super) fn named_set(e: &Expr) -> Option<Expr> {
    let reals = || Expr::Interval {
        lo: Box::new(Expr::Neg(Box::new(Expr::Const(Constant::Infinity)))),
        hi: Box::new(Expr::Const(Constant::Infinity)),
        lo_closed: false,
        hi_closed: false,
    };
    match e {
        Expr::Sym(s) if s == "mathbb{R}" => Some(reals()),
        Expr::Text(t) => {
            let t = t.trim().trim_end_matches('.').to_lowercase();
            let t = t.strip_prefix("there is ").unwrap_or(&t);
            let t = t.strip_prefix("there are ").unwrap_or(t);
            const EMPTY: [&str; 8] = [
                "no solution",
                "no solutions",
                "no real solution",
                "no real solutions",
                "no real roots",
                "none",
                "empty set",
                "the empty set",
            ];
            const REALS: [&str; 4] = [
                "all real numbers",
                "all reals",
                "all real x",
                "the set of all real numbers",
            ];
            if EMPTY.contains(&t) {
                Some(Expr::Set(vec![]))
            } else if REALS.contains(&t) {
                Some(reals())
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The kind of an answer, for telling answers that cannot be equal whatever their values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Number,
    Text,
    Interval,
    Collection,
    Matrix,
    /// `k > \frac32`, `1 < x \le 2`: a solution set, not one value.
    Inequality,
    /// `y = ax + c`, `X = Y = Z`: an equation in variables (a constant one is true or
    /// false, judged before kinds are).
    Equation,
    /// Anything else (expressions in variables, relations): no claim is made.
    Other,
}

impl Kind {
    fn of(e: &Expr) -> Kind {
        match e {
            Expr::Text(_) => Kind::Text,
            // `\mathrm{cm}^2` alone: a unit without its value.
            Expr::Pow(base, _) if matches!(**base, Expr::Text(_)) => Kind::Text,
            Expr::Interval { .. } => Kind::Interval,
            Expr::Matrix(_) => Kind::Matrix,
            Expr::Tuple(v) | Expr::Set(v) | Expr::List(v) if v.len() != 1 => Kind::Collection,
            Expr::Union(_) => Kind::Collection,
            // `1:4:9`: three or more terms are no single quotient.
            Expr::Func(name, parts) if name == "ratio" && parts.len() > 2 => Kind::Collection,
            Expr::Rel(_, ops)
                if ops
                    .iter()
                    .all(|op| matches!(op, RelOp::Lt | RelOp::Le | RelOp::Gt | RelOp::Ge)) =>
            {
                Kind::Inequality
            }
            Expr::Rel(_, ops) if ops.iter().all(|op| *op == RelOp::Eq) && has_variables(e) => {
                Kind::Equation
            }
            _ if is_constant(e) && is_scalar(e) => Kind::Number,
            _ => Kind::Other,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Number => "a number",
            Kind::Text => "a text",
            Kind::Interval => "an interval",
            Kind::Equation => "an equation",
            Kind::Collection => "a collection of values",
            Kind::Matrix => "a matrix",
            Kind::Inequality => "an inequality",
            Kind::Other => "an expression",
        }
    }
}

/// Why two answers of different kinds are different answers, or `None` when their kinds
/// do not settle it. A text against anything that is not text differs (sets named in words
/// were read as sets before); a number differs from an interval, a collection or a matrix.
pub(super) fn different_kinds(gold: &Expr, answer: &Expr) -> Option<String> {
    let (g, a) = (Kind::of(gold), Kind::of(answer));
    if g == a {
        return None;
    }
    let text_against_value = (g == Kind::Text) != (a == Kind::Text);
    let number_against_structure = (g == Kind::Number || a == Kind::Number)
        && [g, a].iter().any(|k| {
            matches!(
                k,
                Kind::Interval | Kind::Collection | Kind::Matrix | Kind::Inequality
            )
        });
    // An interval is a continuum; a list, tuple or finite set of values is not (unions may
    // be one, so they are left to the comparison).
    let is_union = |e: &Expr| matches!(e, Expr::Union(_));
    let interval_against_values = [g, a].contains(&Kind::Interval)
        && [g, a].contains(&Kind::Collection)
        && !is_union(gold)
        && !is_union(answer);
    // "any real number", `x^2 + 1` where an interval, a list or a matrix is expected: an
    // expression in variables is none of those. A lone name (`R`, `S`) may name the set.
    let structure = |k: Kind| matches!(k, Kind::Interval | Kind::Collection | Kind::Matrix);
    let formula = |e: &Expr, k: Kind| {
        k == Kind::Other
            && has_variables(e)
            && !matches!(e, Expr::Sym(_) | Expr::Rel(..) | Expr::Func(..))
    };
    let structure_against_formula =
        (structure(g) && formula(answer, a)) || (structure(a) && formula(gold, g));
    // An equation states a relation between its variables; a value, an expression or an
    // inequality does not state it (assignments `x = 5` and definitions `f(x) = …` were
    // read as their values before kinds are compared).
    let equation_against_other = (g == Kind::Equation) != (a == Kind::Equation);
    (text_against_value
        || number_against_structure
        || interval_against_values
        || structure_against_formula
        || equation_against_other)
        .then(|| format!("{} and {} are different answers", g.noun(), a.noun()))
}

/// Two equations (`l = r`, or chains `a = b = c`) or two expressions in different
/// variables: one holds a variable the other does not name at all, and that variable
/// provably matters to it (renaming it changes the expression, or some `l - r`). `y = 2x`
/// and `y = ax + c` differ, and so do `\\sqrt{S s}` and `S`; `y = 2x + a - a` is in `x`
/// and `y` only.
pub(super) fn different_variables(gold: &Expr, answer: &Expr) -> bool {
    let parts = |e: &Expr| match e {
        Expr::Rel(members, ops) if ops.iter().all(|op| *op == RelOp::Eq) => Some(
            members
                .windows(2)
                .map(|p| Expr::Add(vec![p[0].clone(), Expr::Neg(Box::new(p[1].clone()))]))
                .collect::<Vec<_>>(),
        ),
        _ if is_scalar(e) => Some(vec![e.clone()]),
        _ => None,
    };
    let (Some(pg), Some(pa)) = (parts(gold), parts(answer)) else {
        return false;
    };
    if matches!(gold, Expr::Rel(..)) != matches!(answer, Expr::Rel(..)) {
        return false;
    }
    let symbols = |ps: &[Expr]| {
        let mut out = BTreeSet::new();
        ps.iter().for_each(|p| free_symbols(p, &mut out));
        out.retain(|name| is_variable(name));
        out
    };
    let (sg, sa) = (symbols(&pg), symbols(&pa));
    let matters = |ps: &[Expr], name: &str| ps.iter().any(|p| depends_on(p, name));
    sg.difference(&sa).any(|v| matters(&pg, v)) || sa.difference(&sg).any(|v| matters(&pa, v))
}

/// Whether renaming variable `name` provably changes `e` (exactly, or at a numeric test
/// point): `e` depends on it. `\\sin^2 x + \\cos^2 x` does not depend on `x`.
///
/// The numeric tests run at 64 bits only: a dependence they cannot see (below about 2⁻⁴⁰ of
/// the value) leaves `false`, which only withholds the "different variables" verdict. One
/// judgement asks it of the same answer again and again (against the gold, then against each
/// option), so the last answers' results are kept per thread.
fn depends_on(e: &Expr, name: &str) -> bool {
    // A monomial in it (an answer `x`, `CD`, `-3ab`): no comparison needed.
    if monomial_in(e, name) {
        return true;
    }
    let key = (e.clone(), Box::<str>::from(name));
    if let Some((known, steps)) = DEPENDENCES.with_borrow(|memo| memo.get(&key).copied()) {
        // The steps it took the first time: a verdict never depends on the thread's past.
        crate::budget::charge(steps);
        return known;
    }
    let (result, steps) = crate::budget::counted(|| depends_on_uncached(e, name));
    DEPENDENCES.with_borrow_mut(|memo| {
        if memo.len() >= DEPENDENCES_KEPT {
            memo.clear();
        }
        memo.insert(key, (result, steps));
    });
    result
}

/// `depends_on` results by expression and variable, each with the steps it took.
type Dependences = FxHashMap<(Expr, Box<str>), (bool, u64)>;

/// Results of `depends_on` kept per thread before the memo starts afresh.
const DEPENDENCES_KEPT: usize = 256;

thread_local! {
    static DEPENDENCES: std::cell::RefCell<Dependences> =
        std::cell::RefCell::new(FxHashMap::default());
}

fn depends_on_uncached(e: &Expr, name: &str) -> bool {
    // A name no answer can hold: the renamed variable is a new one.
    let fresh = Expr::Sym(format!("{name}\u{0}"));
    let renamed = e.replace(&|x| matches!(x, Expr::Sym(s) if s == name).then(|| fresh.clone()));
    compare_expressions(e, &renamed) == Outcome::Different
        || apart_at_narrow_precision(e, &renamed, false)
        || differs_between_values(e, name)
}

/// `e` is a product of symbols and nonzero numbers, `name` among them.
fn monomial_in(e: &Expr, name: &str) -> bool {
    let nonzero = |f: &Expr| match f {
        Expr::Sym(_) => true,
        Expr::Num(l) => !num_traits::Zero::is_zero(&l.value),
        _ => false,
    };
    match e {
        Expr::Sym(s) => s == name,
        Expr::Neg(a) => monomial_in(a, name),
        Expr::Mul(factors) => {
            factors.iter().all(nonzero)
                && factors
                    .iter()
                    .any(|f| matches!(f, Expr::Sym(s) if s == name))
        }
        _ => false,
    }
}

/// Whole values a variable is set to when its random test points prove nothing: they reach
/// past the small reals those points are drawn from (`\sqrt{r^2 - 25}` is real only for
/// r ≥ 5) and are defined where integers are required (`n!`).
const SUBSTITUTED_VALUES: [u32; 6] = [2, 3, 7, 10, 30, 100];

/// Whether `e` takes two real values apart beyond doubt when `name` is set to two of
/// [`SUBSTITUTED_VALUES`] in turn (other variables keep their random test points).
fn differs_between_values(e: &Expr, name: &str) -> bool {
    let values: Vec<Expr> = SUBSTITUTED_VALUES
        .iter()
        .map(|&v| substitute(e, name, &rational(BigRational::from_integer(v.into()))))
        .collect();
    values
        .windows(2)
        .any(|pair| apart_at_narrow_precision(&pair[0], &pair[1], true))
}

/// An expression that provably depends on one of its variables (`2\\sqrt{r^2 - 25}`): it is
/// not one number.
pub(super) fn depends_on_a_variable(e: &Expr) -> bool {
    let mut names = BTreeSet::new();
    free_symbols(e, &mut names);
    names
        .iter()
        .any(|name| is_variable(name) && depends_on(e, name))
}

/// The value of a two-term ratio `a:b` as the quotient a/b, for comparing it with a number.
pub(super) fn ratio_value(e: &Expr) -> Option<Expr> {
    match e {
        Expr::Func(name, parts) if name == "ratio" && parts.len() == 2 => Some(Expr::Div(
            Box::new(parts[0].clone()),
            Box::new(parts[1].clone()),
        )),
        _ => None,
    }
}

/// A bracketed list read as the list it is: `[1, 2, 2]` (three or more elements) is an
/// ordered tuple; `[3, 5]` against a bare list or a set of two (`3, 5`, `\{1, -1\}`) is
/// that list, not the closed interval; `[[1, 2], [3, 4]]` is a list of rows.
pub(super) fn bracket_list(e: &Expr, other: &Expr) -> Option<Expr> {
    match e {
        Expr::Func(name, items) if name == "[]" => Some(Expr::Tuple(items.clone())),
        Expr::Interval {
            lo,
            hi,
            lo_closed: true,
            hi_closed: true,
        } => {
            let pair = vec![(**lo).clone(), (**hi).clone()];
            let rows = !is_scalar(lo) || !is_scalar(hi);
            match other {
                _ if rows => Some(Expr::Tuple(pair)),
                Expr::Func(name, _) if name == "[]" => Some(Expr::Tuple(pair)),
                // `[4, 16]` against `[4, 16, 65536]` (already read as a tuple).
                Expr::Tuple(v) if v.len() != 2 => Some(Expr::Tuple(pair)),
                Expr::List(v) if v.len() == 2 => Some(Expr::List(pair)),
                Expr::Set(v) if v.len() == 2 => Some(Expr::Set(pair)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Two equations, one of them solved for a variable (`\\theta = 1`, `S = s + \\frac{2}{3}Q`):
/// when putting that solution into the other equation leaves its two sides apart at some
/// real point, that point solves one equation and not the other, so they differ.
pub(super) fn solution_not_shared(gold: (&Expr, &Expr), answer: (&Expr, &Expr)) -> bool {
    [(answer, gold), (gold, answer)]
        .into_iter()
        .any(|(solved, other)| {
            let Some((name, value)) = solved_form(solved) else {
                return false;
            };
            let mut names = BTreeSet::new();
            free_symbols(other.0, &mut names);
            free_symbols(other.1, &mut names);
            if !names.contains(name) {
                return false;
            }
            let (left, right) = (
                substitute(other.0, name, value),
                substitute(other.1, name, value),
            );
            matches!(compare_numeric_real(&left, &right), Numeric::Different(_))
        })
}

/// `v = value` (or `value = v`) with `v` a variable that `value` does not hold.
fn solved_form<'e>((lhs, rhs): (&'e Expr, &'e Expr)) -> Option<(&'e str, &'e Expr)> {
    [(lhs, rhs), (rhs, lhs)]
        .into_iter()
        .find_map(|(side, value)| {
            let Expr::Sym(name) = side else {
                return None;
            };
            let mut names = BTreeSet::new();
            free_symbols(value, &mut names);
            (is_variable(name) && !names.contains(name)).then_some((name.as_str(), value))
        })
}
