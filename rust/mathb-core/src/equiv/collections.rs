//! Collections: sets and solution lists (unordered), tuples (ordered), intervals, unions,
//! matrices, and one-variable inequalities read as their solution sets.

use super::{compare_at, is_name, is_scalar, judged, Judgement};
use crate::expr::{Constant, Expr, RelOp};
use crate::normalize::{canonical, evaluate, is_numeric};
use crate::options::Options;
use crate::solve::{reverse, solve_linear};
use crate::verdict::Status;
use num_traits::Signed;

/// `|f| < c` as `-c < f < c`, `|f| > c` as `f < -c or f > c`, and `a \le |f| \le b` as the
/// two chains on either side of 0 — relations the linear solver handles. The bounds must be
/// non-negative numbers.
fn without_absolute_value(e: &Expr) -> Option<Expr> {
    use RelOp::*;
    let Expr::Rel(v, ops) = e else {
        return None;
    };
    let inner = |x: &Expr| match x {
        Expr::Func(name, args) if name == "abs" && args.len() == 1 => Some(args[0].clone()),
        _ => None,
    };
    let bound = |x: &Expr| {
        let value = evaluate(x).ok()?.as_rational()?;
        (!value.is_negative()).then(|| x.clone())
    };
    let neg = |x: &Expr| Expr::Neg(Box::new(x.clone()));
    let chain = |lo: Expr, op1: RelOp, f: &Expr, op2: RelOp, hi: Expr| {
        Expr::Rel(vec![lo, f.clone(), hi], vec![op1, op2])
    };
    match (v.as_slice(), ops.as_slice()) {
        // |f| op c (or c op |f|, turned around)
        ([a, b], [op]) => {
            let (f, op, c) = match (inner(a), inner(b)) {
                (Some(f), None) => (f, *op, bound(b)?),
                (None, Some(f)) => (f, reverse(*op), bound(a)?),
                _ => return None,
            };
            match op {
                Lt | Le => Some(chain(neg(&c), op, &f, op, c)),
                Gt | Ge => {
                    let below = if op == Gt { Lt } else { Le };
                    Some(Expr::List(vec![
                        Expr::Rel(vec![f.clone(), neg(&c)], vec![below]),
                        Expr::Rel(vec![f, c], vec![op]),
                    ]))
                }
                _ => None,
            }
        }
        // lo op |f| op hi with op ∈ {<, ≤}
        ([lo, mid, hi], [op1, op2]) if matches!(op1, Lt | Le) && matches!(op2, Lt | Le) => {
            let f = inner(mid)?;
            let (lo, hi) = (bound(lo)?, bound(hi)?);
            Some(Expr::Union(vec![
                chain(neg(&hi), *op2, &f, *op1, neg(&lo)),
                chain(lo, *op1, &f, *op2, hi),
            ]))
        }
        _ => None,
    }
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
pub(super) fn solution_set(e: &Expr) -> Option<Expr> {
    use RelOp::*;
    if let Some(cases) = without_absolute_value(e) {
        return solution_set(&cases);
    }
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
        // x ∈ S is S.
        Expr::Rel(v, ops) if ops.as_slice() == [RelOp::In] && is_name(&v[0]) => solution_set(&v[1]),
        Expr::Rel(v, ops) if ops.len() == 1 => {
            let (bound, op) = match (&v[0], &v[1]) {
                (x, b) if is_name(x) && is_numeric(b) => (b.clone(), ops[0]),
                (b, x) if is_name(x) && is_numeric(b) => (b.clone(), reverse(ops[0])),
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
        Expr::Rel(v, ops) if ops.len() == 2 && is_name(&v[1]) => {
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
        // a < f(x) < b with f linear: each half solved for x.
        Expr::Rel(v, ops) if ops.len() == 2 => {
            let (x1, op1, c1) = solve_linear(&v[0], ops[0], &v[1])?;
            let (x2, op2, c2) = solve_linear(&v[1], ops[1], &v[2])?;
            if x1 != x2 {
                return None;
            }
            let (mut lower, mut upper) = (None, None);
            for (op, c) in [(op1, c1), (op2, c2)] {
                match op {
                    Gt | Ge => lower = Some((c, op == Ge)),
                    Lt | Le => upper = Some((c, op == Le)),
                    Eq | Ne | In => return None,
                }
            }
            let ((lo, lo_closed), (hi, hi_closed)) = (lower?, upper?);
            Some(interval(lo, hi, lo_closed, hi_closed))
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

/// Largest matrix side multiplied out.
const MAX_MATRIX_SIDE: usize = 16;

/// A sum, product or negation involving matrices, multiplied out entry by entry
/// (`A + B`, `2A`, `AB`); a plain matrix as it is. `None` when no matrix is involved or the
/// shapes do not fit.
fn matrix_form(e: &Expr) -> Option<Vec<Vec<Expr>>> {
    match e {
        Expr::Matrix(rows) => Some(rows.clone()),
        Expr::Neg(a) => Some(entrywise(&matrix_form(a)?, |x| {
            Expr::Neg(Box::new(x.clone()))
        })),
        Expr::Add(terms) => {
            let mut parts = terms.iter().map(matrix_form);
            let first = parts.next()??;
            parts.try_fold(first, |acc, m| {
                let m = m?;
                same_shape(&acc, &m)
                    .then(|| zip_entries(&acc, &m, |x, y| Expr::Add(vec![x.clone(), y.clone()])))
            })
        }
        Expr::Mul(factors) if factors.iter().any(|f| matrix_form(f).is_some()) => {
            let mut scalars = Vec::new();
            let mut product: Option<Vec<Vec<Expr>>> = None;
            for f in factors {
                match (matrix_form(f), product.take()) {
                    (Some(m), None) => product = Some(m),
                    (Some(m), Some(p)) => product = Some(matmul(&p, &m)?),
                    (None, p) if is_scalar(f) => {
                        scalars.push(f.clone());
                        product = p;
                    }
                    (None, _) => return None,
                }
            }
            let product = product?;
            Some(entrywise(&product, |x| {
                let mut v = scalars.clone();
                v.push(x.clone());
                Expr::Mul(v)
            }))
        }
        _ => None,
    }
}

fn same_shape(a: &[Vec<Expr>], b: &[Vec<Expr>]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.len() == y.len())
}

fn entrywise(m: &[Vec<Expr>], f: impl Fn(&Expr) -> Expr) -> Vec<Vec<Expr>> {
    m.iter().map(|row| row.iter().map(&f).collect()).collect()
}

fn zip_entries(
    a: &[Vec<Expr>],
    b: &[Vec<Expr>],
    f: impl Fn(&Expr, &Expr) -> Expr,
) -> Vec<Vec<Expr>> {
    a.iter()
        .zip(b)
        .map(|(ra, rb)| ra.iter().zip(rb).map(|(x, y)| f(x, y)).collect())
        .collect()
}

fn matmul(a: &[Vec<Expr>], b: &[Vec<Expr>]) -> Option<Vec<Vec<Expr>>> {
    let (n, k, m) = (a.len(), b.len(), b.first()?.len());
    if a.iter().any(|r| r.len() != k) || n.max(k).max(m) > MAX_MATRIX_SIDE {
        return None;
    }
    Some(
        (0..n)
            .map(|i| {
                (0..m)
                    .map(|j| {
                        Expr::Add(
                            (0..k)
                                .map(|t| Expr::Mul(vec![a[i][t].clone(), b[t][j].clone()]))
                                .collect(),
                        )
                    })
                    .collect()
            })
            .collect(),
    )
}

pub(super) fn compare_collections(
    gold: &Expr,
    answer: &Expr,
    opts: &Options,
    d: usize,
) -> Option<Judgement> {
    // Matrix arithmetic is carried out before comparing (`A + B` against their sum).
    let is_matrix_expr = |e: &Expr| !matches!(e, Expr::Matrix(_)) && matrix_form(e).is_some();
    if is_matrix_expr(gold) || is_matrix_expr(answer) {
        let (g, a) = (matrix_form(gold), matrix_form(answer));
        if let (Some(g), Some(a)) = (g, a) {
            return compare_collections(&Expr::Matrix(g), &Expr::Matrix(a), opts, d);
        }
    }
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
    // A solution written twice is still one solution.
    let (g, a) = (&distinct(g), &distinct(a));
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

fn distinct(items: &[Expr]) -> Vec<Expr> {
    let mut seen = std::collections::HashSet::new();
    items
        .iter()
        .filter(|e| seen.insert(canonical(e)))
        .cloned()
        .collect()
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
