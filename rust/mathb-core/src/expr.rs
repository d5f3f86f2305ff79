//! The answer AST produced by the LaTeX / plain-math parser.

use num_rational::BigRational;

/// A number literal as written: its exact value, plus how it was written, which matters
/// for deciding whether a decimal approximates an exact value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Literal {
    /// The exact value written.
    pub value: BigRational,
    /// Digits after the decimal point when written as a decimal (`None` for integers).
    pub decimal_places: Option<u32>,
    /// Significant digits as written (for decimals), e.g. 3 for `0.333`.
    pub significant_digits: u32,
}

/// The named constants of answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Constant {
    /// π.
    Pi,
    /// Euler's number e.
    E,
    /// The imaginary unit i.
    I,
    /// ∞ (signed by an enclosing negation).
    Infinity,
}

/// A relation between two sides: `=`, `≠`, `<`, `≤`, `>`, `≥`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RelOp {
    /// `=`.
    Eq,
    /// `≠`.
    Ne,
    /// `<`.
    Lt,
    /// `≤`.
    Le,
    /// `>`.
    Gt,
    /// `≥`.
    Ge,
    /// Membership, `x \in S`.
    In,
}

/// A parsed answer: the tree the comparison works on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Expr {
    /// A number as written (integer, decimal, fraction).
    Num(Literal),
    /// A variable or an unknown name.
    Sym(String),
    /// A named constant.
    Const(Constant),
    /// −a.
    Neg(Box<Expr>),
    /// A sum of its terms.
    Add(Vec<Expr>),
    /// A product of its factors.
    Mul(Vec<Expr>),
    /// a / b.
    Div(Box<Expr>, Box<Expr>),
    /// a ^ b.
    Pow(Box<Expr>, Box<Expr>),
    /// `\sqrt[index]{radicand}`; index 2 for square roots.
    Root(Box<Expr>, u32),
    /// Named function applied to arguments (`\sin x`, `\log_2 8`, `n!` as `factorial`).
    Func(String, Vec<Expr>),
    /// `a \pm b`.
    PlusMinus(Box<Expr>, Box<Expr>),
    /// A value written with a percent sign.
    Percent(Box<Expr>),
    /// A chain `a op b op c …`: `operands.len() == ops.len() + 1`.
    Rel(Vec<Expr>, Vec<RelOp>),
    /// Parenthesised comma list `(a, b)`.
    Tuple(Vec<Expr>),
    /// An interval with its endpoints and whether each end is closed.
    Interval {
        /// The lower endpoint.
        lo: Box<Expr>,
        /// The upper endpoint.
        hi: Box<Expr>,
        /// Whether the lower endpoint belongs to the interval.
        lo_closed: bool,
        /// Whether the upper endpoint belongs to the interval.
        hi_closed: bool,
    },
    /// A matrix by rows (`pmatrix`, `bmatrix`, `array`, …).
    Matrix(Vec<Vec<Expr>>),
    /// `A \cup B \cup …`.
    Union(Vec<Expr>),
    /// Braced set `\{a, b\}`.
    Set(Vec<Expr>),
    /// Bare comma list `a, b` at top level.
    List(Vec<Expr>),
    /// Free text (`\text{yes}`), normalized.
    Text(String),
}

impl Expr {
    /// A copy with every node for which `f` returns a replacement replaced (top-down; the
    /// replacement is not visited again).
    pub fn replace(&self, f: &impl Fn(&Expr) -> Option<Expr>) -> Expr {
        match f(self) {
            Some(new) => new,
            None => self.map_children(|x| x.replace(f)),
        }
    }

    /// The same node with `f` applied to each direct sub-expression.
    pub fn map_children(&self, f: impl Fn(&Expr) -> Expr) -> Expr {
        let all = |v: &[Expr]| v.iter().map(&f).collect::<Vec<_>>();
        let one = |x: &Expr| Box::new(f(x));
        match self {
            Expr::Num(_) | Expr::Sym(_) | Expr::Const(_) | Expr::Text(_) => self.clone(),
            Expr::Neg(a) => Expr::Neg(one(a)),
            Expr::Root(a, n) => Expr::Root(one(a), *n),
            Expr::Percent(a) => Expr::Percent(one(a)),
            Expr::Div(a, b) => Expr::Div(one(a), one(b)),
            Expr::Pow(a, b) => Expr::Pow(one(a), one(b)),
            Expr::PlusMinus(a, b) => Expr::PlusMinus(one(a), one(b)),
            Expr::Add(v) => Expr::Add(all(v)),
            Expr::Mul(v) => Expr::Mul(all(v)),
            Expr::Func(name, v) => Expr::Func(name.clone(), all(v)),
            Expr::Rel(v, ops) => Expr::Rel(all(v), ops.clone()),
            Expr::Tuple(v) => Expr::Tuple(all(v)),
            Expr::Set(v) => Expr::Set(all(v)),
            Expr::List(v) => Expr::List(all(v)),
            Expr::Union(v) => Expr::Union(all(v)),
            Expr::Matrix(rows) => Expr::Matrix(rows.iter().map(|r| all(r)).collect()),
            Expr::Interval {
                lo,
                hi,
                lo_closed,
                hi_closed,
            } => Expr::Interval {
                lo: one(lo),
                hi: one(hi),
                lo_closed: *lo_closed,
                hi_closed: *hi_closed,
            },
        }
    }

    /// The direct sub-expressions, in order.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Num(_) | Expr::Sym(_) | Expr::Const(_) | Expr::Text(_) => vec![],
            Expr::Neg(a) | Expr::Root(a, _) | Expr::Percent(a) => vec![a],
            Expr::Div(a, b) | Expr::Pow(a, b) | Expr::PlusMinus(a, b) => vec![a, b],
            Expr::Interval { lo, hi, .. } => vec![lo, hi],
            Expr::Add(v)
            | Expr::Mul(v)
            | Expr::Func(_, v)
            | Expr::Rel(v, _)
            | Expr::Tuple(v)
            | Expr::Set(v)
            | Expr::List(v)
            | Expr::Union(v) => v.iter().collect(),
            Expr::Matrix(rows) => rows.iter().flatten().collect(),
        }
    }
}
