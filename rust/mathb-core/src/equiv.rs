//! Equivalence of a gold answer and a candidate answer, both parsed to [`Expr`].
//!
//! Numbers are compared exactly; a decimal against an exact value follows the configured
//! [`DecimalPolicy`]; everything else is compared structurally after canonicalization, and
//! what the core cannot settle is `Undecided` — never a guess.

use crate::expr::{Constant, Expr, RelOp};
use crate::modular::{compare_equations, compare_expressions, Outcome};
use crate::normalize::{as_decimal_literal, canonical, evaluate, is_numeric, NotExact};
use crate::number::Exact;
use crate::options::{DecimalPolicy, Options};
use crate::solve::{reverse, solve_linear};
use crate::verdict::Status;
use num_bigint::BigInt;
use num_rational::BigRational;

/// A comparison result: status plus a short human reason.
pub type Judgement = (Status, String);

fn judged(status: Status, reason: impl Into<String>) -> Judgement {
    (status, reason.into())
}

/// Compares two parsed answers.
pub fn compare(gold: &Expr, answer: &Expr, opts: &Options) -> Judgement {
    compare_at(gold, answer, opts, 0)
}

/// Deepest nesting of collections compared; deeper pairs are undecided.
const MAX_COMPARE_DEPTH: usize = 16;

fn compare_at(gold: &Expr, answer: &Expr, opts: &Options, depth: usize) -> Judgement {
    if depth > MAX_COMPARE_DEPTH {
        return judged(Status::Undecided, "answer nested too deeply");
    }
    let d = depth + 1;
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
    if let Some(j) = compare_percent(gold, answer, opts, d) {
        return j;
    }
    let (gold, answer) = (&expand_plus_minus(gold), &expand_plus_minus(answer));
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
            _ => judged(Status::Undecided, "equations not decidable by the core"),
        };
    }
    if is_scalar(gold) && is_scalar(answer) {
        return match compare_expressions(gold, answer) {
            Outcome::Equal => judged(
                Status::Correct,
                "equal as expressions (randomized exact test)",
            ),
            Outcome::Different => judged(Status::Incorrect, "expressions differ at a test point"),
            Outcome::Inconclusive => judged(
                Status::Undecided,
                "expressions with functions differ at a test point",
            ),
            Outcome::Unsupported => judged(Status::Undecided, "expression outside the exact core"),
        };
    }
    judged(Status::Undecided, "not decidable by the exact core")
}

fn infinity(negative: bool) -> Expr {
    let inf = Expr::Const(Constant::Infinity);
    if negative {
        Expr::Neg(Box::new(inf))
    } else {
        inf
    }
}

fn interval(lo: Expr, hi: Expr, lo_closed: bool, hi_closed: bool) -> Expr {
    Expr::Interval {
        lo: Box::new(lo),
        hi: Box::new(hi),
        lo_closed,
        hi_closed,
    }
}

/// The solution set of a one-variable inequality as an interval (or union), intervals and
/// unions as they are, and ℝ as (−∞, ∞); `None` for anything else.
fn solution_set(e: &Expr) -> Option<Expr> {
    use RelOp::*;
    match e {
        Expr::Interval { .. } => Some(e.clone()),
        // (a, b) is a pair or an open interval; next to an inequality it is the interval.
        Expr::Tuple(v) if v.len() == 2 => Some(interval(v[0].clone(), v[1].clone(), false, false)),
        Expr::Sym(s) if s == "mathbb{R}" => {
            Some(interval(infinity(true), infinity(false), false, false))
        }
        Expr::Union(parts) => parts
            .iter()
            .map(solution_set)
            .collect::<Option<Vec<_>>>()
            .map(Expr::Union),
        Expr::List(parts) if parts.iter().all(|p| matches!(p, Expr::Rel(..))) => parts
            .iter()
            .map(solution_set)
            .collect::<Option<Vec<_>>>()
            .map(Expr::Union),
        Expr::Rel(v, ops) if ops.len() == 1 => {
            let (bound, op) = match (&v[0], &v[1]) {
                (Expr::Sym(_), b) if is_numeric(b) => (b.clone(), ops[0]),
                (b, Expr::Sym(_)) if is_numeric(b) => (b.clone(), reverse(ops[0])),
                (l, r) => {
                    let (_, op, c) = solve_linear(l, ops[0], r)?;
                    (c, op)
                }
            };
            // Now "x op bound".
            match op {
                Gt => Some(interval(bound, infinity(false), false, false)),
                Ge => Some(interval(bound, infinity(false), true, false)),
                Lt => Some(interval(infinity(true), bound, false, false)),
                Le => Some(interval(infinity(true), bound, false, true)),
                Eq | Ne | In => None,
            }
        }
        Expr::Rel(v, ops) if ops.len() == 2 && matches!(v[1], Expr::Sym(_)) => {
            let (lo, hi) = (&v[0], &v[2]);
            if !is_numeric(lo) || !is_numeric(hi) {
                return None;
            }
            match (ops[0], ops[1]) {
                (Lt | Le, Lt | Le) => {
                    Some(interval(lo.clone(), hi.clone(), ops[0] == Le, ops[1] == Le))
                }
                (Gt | Ge, Gt | Ge) => {
                    Some(interval(hi.clone(), lo.clone(), ops[1] == Ge, ops[0] == Ge))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// A single scalar quantity: numbers, symbols, operators and functions — no relation,
/// collection, interval or text.
fn is_scalar(e: &Expr) -> bool {
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

/// Free text, or a bare word the parser read as a product of letters (`Monday`).
fn as_text(e: &Expr) -> Option<String> {
    let t = match e {
        Expr::Text(t) => t.clone(),
        Expr::Mul(v)
            if v.iter()
                .all(|x| matches!(x, Expr::Sym(s) if s.chars().count() == 1)) =>
        {
            v.iter()
                .map(|x| match x {
                    Expr::Sym(s) => s.to_lowercase(),
                    _ => String::new(),
                })
                .collect()
        }
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

/// Elements of a collection and whether their order matters.
fn elements(e: &Expr) -> Option<(&[Expr], bool)> {
    match e {
        Expr::Set(v) | Expr::List(v) => Some((v, false)),
        Expr::Tuple(v) => Some((v, true)),
        _ => None,
    }
}

fn compare_collections(gold: &Expr, answer: &Expr, opts: &Options, d: usize) -> Option<Judgement> {
    match (gold, answer) {
        (
            Expr::Interval {
                lo: gl,
                hi: gh,
                lo_closed: glc,
                hi_closed: ghc,
            },
            Expr::Interval {
                lo: al,
                hi: ah,
                lo_closed: alc,
                hi_closed: ahc,
            },
        ) => {
            if (glc, ghc) != (alc, ahc) {
                return Some(judged(
                    Status::Incorrect,
                    "interval ends differ in openness",
                ));
            }
            return Some(all_of(
                [compare_at(gl, al, opts, d), compare_at(gh, ah, opts, d)],
                "interval",
            ));
        }
        // An open interval written as (a, b) parses as a pair.
        (Expr::Interval { .. }, Expr::Tuple(v)) if v.len() == 2 => {
            let as_interval = Expr::Interval {
                lo: Box::new(v[0].clone()),
                hi: Box::new(v[1].clone()),
                lo_closed: false,
                hi_closed: false,
            };
            return Some(compare_at(gold, &as_interval, opts, d));
        }
        (Expr::Tuple(v), Expr::Interval { .. }) if v.len() == 2 => {
            return Some(judged(
                Status::Incorrect,
                "an interval given where a pair is expected",
            ));
        }
        (Expr::Union(g), Expr::Union(a)) => return Some(unordered(g, a, opts, d)),
        (Expr::Matrix(g), Expr::Matrix(a)) => {
            if g.len() != a.len() || g[0].len() != a[0].len() {
                return Some(judged(Status::Incorrect, "matrices of different shapes"));
            }
            let pairs = g.iter().flatten().zip(a.iter().flatten());
            return Some(all_of(
                pairs.map(|(x, y)| compare_at(x, y, opts, d)),
                "matrix",
            ));
        }
        // A column or row vector written as a tuple.
        (Expr::Matrix(m), Expr::Tuple(v)) | (Expr::Tuple(v), Expr::Matrix(m))
            if m.len() == 1 || m[0].len() == 1 =>
        {
            let cells: Vec<Expr> = m.iter().flatten().cloned().collect();
            return Some(ordered(&cells, v, opts, d));
        }
        _ => {}
    }
    match (elements(gold), elements(answer)) {
        (Some((g, g_ordered)), Some((a, a_ordered))) => {
            // Order matters only when the gold is ordered (a tuple or point); a tuple given
            // for a set of solutions is compared as a set.
            if g_ordered && (a_ordered || matches!(answer, Expr::List(_))) {
                Some(ordered(g, a, opts, d))
            } else {
                Some(unordered(g, a, opts, d))
            }
        }
        (Some((g, _)), None) if g.len() == 1 => Some(compare_at(&g[0], answer, opts, d)),
        (None, Some((a, _))) if a.len() == 1 => Some(compare_at(gold, &a[0], opts, d)),
        (None, Some((a, _))) if a.len() > 1 && is_scalar(gold) => Some(judged(
            Status::Incorrect,
            "several values given where one is expected",
        )),
        (Some((g, _)), None) if g.len() > 1 && is_scalar(answer) => Some(judged(
            Status::Incorrect,
            "one value given where several are expected",
        )),
        _ => None,
    }
}

/// Combines element verdicts: all correct → correct; any incorrect → incorrect.
fn all_of<I: IntoIterator<Item = Judgement>>(items: I, what: &str) -> Judgement {
    let mut undecided = false;
    for (status, reason) in items {
        match status {
            Status::Correct => {}
            Status::Incorrect => {
                return judged(
                    Status::Incorrect,
                    format!("{what} element differs: {reason}"),
                )
            }
            _ => undecided = true,
        }
    }
    if undecided {
        judged(
            Status::Undecided,
            format!("some {what} elements not decidable"),
        )
    } else {
        judged(Status::Correct, format!("every {what} element equal"))
    }
}

fn ordered(g: &[Expr], a: &[Expr], opts: &Options, d: usize) -> Judgement {
    if g.len() != a.len() {
        return judged(
            Status::Incorrect,
            format!("{} elements given, {} expected", a.len(), g.len()),
        );
    }
    all_of(
        g.iter().zip(a).map(|(x, y)| compare_at(x, y, opts, d)),
        "tuple",
    )
}

/// Unordered comparison: correct when the "correct" relation has a perfect matching; incorrect
/// when some element has no possible partner at all.
fn unordered(g: &[Expr], a: &[Expr], opts: &Options, d: usize) -> Judgement {
    const MAX_ELEMENTS: usize = 64;
    if g.len() != a.len() {
        return judged(
            Status::Incorrect,
            format!("{} elements given, {} expected", a.len(), g.len()),
        );
    }
    if g.len() > MAX_ELEMENTS {
        return judged(Status::Undecided, "too many elements to match");
    }
    let status: Vec<Vec<Status>> = g
        .iter()
        .map(|x| a.iter().map(|y| compare_at(x, y, opts, d).0).collect())
        .collect();
    let correct: Vec<Vec<bool>> = status
        .iter()
        .map(|row| row.iter().map(|s| *s == Status::Correct).collect())
        .collect();
    if perfect_matching(&correct) {
        return judged(Status::Correct, "same elements in any order");
    }
    // Not matched by "correct" alone: incorrect only if every non-correct pair is incorrect.
    if status
        .iter()
        .flatten()
        .all(|s| matches!(s, Status::Correct | Status::Incorrect))
    {
        return judged(Status::Incorrect, "the elements differ");
    }
    judged(Status::Undecided, "some elements not decidable")
}

/// Bipartite perfect matching by augmenting paths (Kuhn's algorithm).
fn perfect_matching(adj: &[Vec<bool>]) -> bool {
    fn augment(
        u: usize,
        adj: &[Vec<bool>],
        seen: &mut [bool],
        owner: &mut [Option<usize>],
    ) -> bool {
        for v in 0..adj[u].len() {
            if adj[u][v] && !seen[v] {
                seen[v] = true;
                if owner[v].is_none_or(|w| augment(w, adj, seen, owner)) {
                    owner[v] = Some(u);
                    return true;
                }
            }
        }
        false
    }
    let n = adj.len();
    let mut owner = vec![None; n];
    (0..n).all(|u| augment(u, adj, &mut vec![false; n], &mut owner))
}

/// A left-hand side that only names a quantity: `x`, `x_1`, `AB`, `f(x)`, `|AB|`,
/// `\\frac{NO}{BO}`, `(p, q)`.
fn is_name(e: &Expr) -> bool {
    match e {
        Expr::Sym(_) => true,
        Expr::Mul(v) | Expr::Tuple(v) | Expr::Func(_, v) => !v.is_empty() && v.iter().all(is_name),
        Expr::Div(a, b) => is_name(a) && is_name(b),
        _ => false,
    }
}

/// No variable anywhere: numbers, constants and collections of them.
fn is_constant(e: &Expr) -> bool {
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
    if !ops.iter().all(|op| *op == RelOp::Eq) || !operands[1..].iter().all(is_constant) {
        return None;
    }
    match &operands[0] {
        first if is_name(first) => Some((name(first), last)),
        first if is_numeric(first) => Some((String::new(), last)),
        _ => None,
    }
}

/// `50\%` matches 50 and 0.5; a gold percentage matches the number or the fraction.
fn compare_percent(gold: &Expr, answer: &Expr, opts: &Options, d: usize) -> Option<Judgement> {
    let candidates = |e: &Expr| -> Vec<Expr> {
        match e {
            Expr::Percent(inner) => vec![
                (**inner).clone(),
                Expr::Div(inner.clone(), Box::new(hundred())),
            ],
            other => vec![other.clone()],
        }
    };
    if !matches!(gold, Expr::Percent(_)) && !matches!(answer, Expr::Percent(_)) {
        return None;
    }
    let mut results = Vec::new();
    for g in candidates(gold) {
        for a in candidates(answer) {
            let j = compare_at(&g, &a, opts, d);
            if j.0 == Status::Correct {
                return Some((Status::Correct, format!("{} (percent read as number)", j.1)));
            }
            results.push(j);
        }
    }
    if results.iter().all(|j| j.0 == Status::Incorrect) {
        return Some(judged(
            Status::Incorrect,
            "differs as a number and as a percentage",
        ));
    }
    Some(judged(
        Status::Undecided,
        "percent comparison not decidable",
    ))
}

fn hundred() -> Expr {
    Expr::Num(crate::expr::Literal {
        value: BigRational::from_integer(BigInt::from(100)),
        decimal_places: None,
        significant_digits: 3,
    })
}

fn infinite_sign(e: &Expr) -> Option<bool> {
    match e {
        Expr::Const(Constant::Infinity) => Some(true),
        Expr::Neg(a) => infinite_sign(a).map(|s| !s),
        _ => None,
    }
}

fn compare_numbers(gold: &Expr, answer: &Expr, opts: &Options) -> Judgement {
    match (infinite_sign(gold), infinite_sign(answer)) {
        (Some(g), Some(a)) if g == a => return judged(Status::Correct, "same infinity"),
        (Some(_), Some(_)) => return judged(Status::Incorrect, "infinities of opposite sign"),
        (Some(_), None) | (None, Some(_)) => {
            let finite = if infinite_sign(gold).is_some() {
                answer
            } else {
                gold
            };
            if evaluate(finite).is_ok() {
                return judged(Status::Incorrect, "infinite against finite");
            }
        }
        (None, None) => {}
    }
    let (g, a) = match (evaluate(gold), evaluate(answer)) {
        (Ok(g), Ok(a)) => (g, a),
        (Err(NotExact::NotNumeric), _) | (_, Err(NotExact::NotNumeric)) => {
            return judged(Status::Undecided, "not a plain number")
        }
        _ => return judged(Status::Undecided, "number outside the exact arithmetic"),
    };
    if g == a {
        return judged(Status::Correct, "equal as exact numbers");
    }
    let policy = match opts.decimal {
        DecimalPolicy::Exact => return judged(Status::Incorrect, "different exact numbers"),
        DecimalPolicy::Rounded {
            min_significant_digits,
        } => min_significant_digits,
    };
    match (as_decimal_literal(gold), as_decimal_literal(answer)) {
        (Some(_), Some(_)) => judged(Status::Incorrect, "different decimals"),
        (Some((d, places, sig)), None) => rounded_match(&d, places, sig, &a, policy, "gold"),
        (None, Some((d, places, sig))) => rounded_match(&d, places, sig, &g, policy, "answer"),
        (None, None) => judged(Status::Incorrect, "different exact numbers"),
    }
}

/// Whether the decimal `d` (p places, `sig` significant digits) is `exact` rounded to p places.
fn rounded_match(
    d: &Exact,
    places: u32,
    sig: u32,
    exact: &Exact,
    min_sig: u32,
    side: &str,
) -> Judgement {
    let (Some(d), Some((lo, hi))) = (d.as_rational(), exact.enclose()) else {
        return judged(Status::Undecided, "decimal comparison out of range");
    };
    let half_unit = BigRational::new(
        BigInt::from(1),
        BigInt::from(2) * BigInt::from(10).pow(places),
    );
    let (min, max) = (&d - &half_unit, &d + &half_unit);
    if lo >= min && hi <= max {
        if sig >= min_sig {
            judged(
                Status::Correct,
                format!("{side} decimal is the exact value rounded to {places} places"),
            )
        } else {
            judged(
                Status::Incorrect,
                format!("{side} decimal has {sig} significant digits; at least {min_sig} required"),
            )
        }
    } else if hi < min || lo > max {
        judged(
            Status::Incorrect,
            format!("{side} decimal does not round from the exact value"),
        )
    } else {
        judged(Status::Undecided, "decimal lies on a rounding boundary")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latex::parse_answer;

    fn cmp(g: &str, a: &str) -> Status {
        compare(
            &parse_answer(g).unwrap(),
            &parse_answer(a).unwrap(),
            &Options::default(),
        )
        .0
    }

    #[test]
    fn exact_equalities() {
        for (g, a) in [
            ("1000", "1,000"),
            ("0.5", "\\frac{1}{2}"),
            ("\\frac{5}{2}", "2\\frac{1}{2}"),
            ("2\\sqrt{3}", "\\sqrt{12}"),
            ("\\frac{\\pi}{3}", "\\frac{1}{3}\\pi"),
            ("5", "x = 5"),
            ("x=5", "x = 5.0"),
            ("30", "30^\\circ"),
            ("50", "50\\%"),
            ("0.5", "50\\%"),
            ("12", "\\$12"),
            ("7", "7 \\text{ cm}"),
        ] {
            assert_eq!(cmp(g, a), Status::Correct, "{g} vs {a}");
        }
    }

    #[test]
    fn rejections() {
        for (g, a) in [
            ("2e-7", "1e-7"),
            ("1728", "1331 and 1728"),
            ("\\frac{1}{3}", "0.3"),
            ("\\frac{1}{3}", "0.34"),
            ("5", "-5"),
            ("x = 5", "y = 5"),
            ("0.1", "0.10001"),
            ("50\\%", "5"),
        ] {
            assert_eq!(cmp(g, a), Status::Incorrect, "{g} vs {a}");
        }
    }

    #[test]
    fn decimals_against_exact() {
        assert_eq!(cmp("\\frac{1}{3}", "0.333"), Status::Correct);
        assert_eq!(cmp("\\pi", "3.14"), Status::Correct);
        assert_eq!(cmp("\\pi", "3.15"), Status::Incorrect);
        assert_eq!(cmp("\\sqrt{2}", "1.414"), Status::Correct);
        let strict = Options {
            decimal: DecimalPolicy::Exact,
            ..Options::default()
        };
        let j = compare(
            &parse_answer("1/3").unwrap(),
            &parse_answer("0.333").unwrap(),
            &strict,
        );
        assert_eq!(j.0, Status::Incorrect);
    }

    #[test]
    fn unsupported_is_undecided() {
        assert_eq!(cmp("\\sin x", "\\cos x"), Status::Undecided);
        assert_eq!(cmp("\\sin^2 x+\\cos^2 x", "1"), Status::Undecided);
        assert_eq!(cmp("i^2", "-1"), Status::Undecided);
    }

    #[test]
    fn expressions_and_equations() {
        assert_eq!(cmp("x^2 - 1", "(x-1)(x+1)"), Status::Correct);
        assert_eq!(cmp("1-\\frac{1}{e}", "1+\\frac{1}{e}"), Status::Incorrect);
        assert_eq!(cmp("y = 2x+1", "2x + 1 = y"), Status::Correct);
        assert_eq!(cmp("y = 2x+1", "y - 2x - 1 = 0"), Status::Correct);
        assert_eq!(cmp("y = 2x+1", "y = 2x-1"), Status::Incorrect);
    }

    #[test]
    fn collections() {
        assert_eq!(cmp("\\{1, 2\\}", "\\{2, 1\\}"), Status::Correct);
        assert_eq!(cmp("\\{1, 2\\}", "\\{1, 3\\}"), Status::Incorrect);
        assert_eq!(cmp("(1, 2)", "(2, 1)"), Status::Incorrect);
        assert_eq!(cmp("(1, 2)", "(1, 2.0)"), Status::Correct);
        assert_eq!(cmp("1, 2", "x = 2 or x = 1"), Status::Correct);
        assert_eq!(cmp("[1, 2)", "[1, 2)"), Status::Correct);
        assert_eq!(cmp("[1, 2)", "[1, 2]"), Status::Incorrect);
        assert_eq!(cmp("(1, 2)", "[1, 2]"), Status::Incorrect);
        assert_eq!(
            cmp(
                "(-\\infty, 0) \\cup (1, \\infty)",
                "(1,\\infty)\\cup(-\\infty,0)"
            ),
            Status::Correct
        );
        assert_eq!(
            cmp("1 \\pm \\sqrt{2}", "1-\\sqrt2, 1+\\sqrt2"),
            Status::Correct
        );
        assert_eq!(cmp("\\text{Monday}", "Monday"), Status::Correct);
        assert_eq!(cmp("(2, \\infty)", "x > 2"), Status::Correct);
        assert_eq!(cmp("x > 2", "2 < x"), Status::Correct);
        assert_eq!(cmp("x < 1", "-x > -1"), Status::Correct);
        assert_eq!(cmp("x \\le 3", "2x + 1 \\le 7"), Status::Correct);
        assert_eq!(cmp("x < 3", "2x + 1 \\le 7"), Status::Incorrect);
        assert_eq!(cmp("[2, \\infty)", "x > 2"), Status::Incorrect);
        assert_eq!(cmp("(-1, 3]", "-1 < x \\le 3"), Status::Correct);
        assert_eq!(cmp("\\mathbb{R}", "(-\\infty, \\infty)"), Status::Correct);
        assert_eq!(
            cmp(
                "(-\\infty, 1) \\cup (2, \\infty)",
                "x < 1 \\text{ or } x > 2"
            ),
            Status::Correct
        );
        assert_eq!(cmp("\\text{yes}", "\\text{no}"), Status::Incorrect);
        assert_eq!(cmp("(-2, 4)", "x \\in (-2, 4)"), Status::Correct);
        assert_eq!(cmp("(-2, 4)", "(-\\infty, 4)"), Status::Incorrect);
        assert_eq!(cmp("210", "\\binom{10}{4} = 210"), Status::Correct);
        assert_eq!(cmp("7", "x = 3 + 4 = 7"), Status::Correct);
        assert_eq!(cmp("2", "2 \\pmod{7}"), Status::Correct);
        assert_eq!(cmp("9.65", "\\text{\\$}9.65"), Status::Correct);
        let m = "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}";
        assert_eq!(
            cmp(
                m,
                "\\left[\\begin{array}{cc}1 & 2 \\\\ 3 & 4\\end{array}\\right]"
            ),
            Status::Correct
        );
        assert_eq!(
            cmp(m, "\\begin{bmatrix} 1 & 2 \\\\ 4 & 3 \\end{bmatrix}"),
            Status::Incorrect
        );
        assert_eq!(
            cmp("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "(1, 2)"),
            Status::Correct
        );
    }
}
