//! Recursive-descent parser from tokens to [`Expr`].
//!
//! Precedence, loosest first: top-level comma list, relation chain, `+ − ±`, `× ÷ /` and
//! implicit multiplication, unary sign, power, postfix `!` / `%`, atoms. Units and other
//! trailing words after a complete value are dropped, so `5 \text{ cm}` parses as `5`.

use super::lexer::Token;
use crate::expr::{Constant, Expr, Literal, RelOp};

/// Deepest nesting accepted; deeper input is reported as unparseable, never overflows.
pub const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
}

type PResult<T> = Result<T, ParseError>;

fn fail<T>(message: impl Into<String>) -> PResult<T> {
    Err(ParseError {
        message: message.into(),
    })
}

/// Function names recognised with or without a backslash.
const FUNCTIONS: &[&str] = &[
    "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
    "log", "ln", "lg", "exp", "gcd", "lcm", "max", "min", "det",
];

pub struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    /// Where the lexer dropped degree marks (a mark at k followed token k − 1).
    degree_marks: Vec<usize>,
}

pub fn parse_tokens(tokens: Vec<Token>) -> PResult<Expr> {
    parse_tokens_marked(tokens, Vec::new())
}

/// Parses tokens knowing where degree marks were dropped, so `\sin 30^\circ` is sin(π/6).
pub fn parse_tokens_marked(mut tokens: Vec<Token>, degree_marks: Vec<usize>) -> PResult<Expr> {
    strip_trailing_units(&mut tokens);
    if tokens.is_empty() {
        return fail("empty answer");
    }
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
        degree_marks,
    };
    let e = p.list()?;
    if p.pos != p.tokens.len() {
        return fail(format!("unexpected {:?}", p.tokens[p.pos]));
    }
    Ok(e)
}

fn is_unit_word(t: &Token) -> bool {
    match t {
        Token::Text(_) => true,
        Token::Word(w) => !is_known_word(w),
        _ => false,
    }
}

fn is_known_word(w: &str) -> bool {
    FUNCTIONS.contains(&w) || matches!(w, "pi" | "sqrt" | "infty" | "inf" | "infinity")
}

/// Drops trailing text (units, "dollars", "degrees") that follows a value.
fn strip_trailing_units(tokens: &mut Vec<Token>) {
    // A squared or cubed unit (`\mbox{ cm}^2`) is still a unit.
    let n = tokens.len();
    if n >= 4
        && matches!(tokens[n - 2], Token::Caret)
        && matches!(tokens[n - 1], Token::Num(_))
        && is_unit_word(&tokens[n - 3])
    {
        tokens.truncate(n - 2);
    }
    let n_units = tokens.iter().rev().take_while(|t| is_unit_word(t)).count();
    if n_units > 0 && n_units < tokens.len() {
        let keep = tokens.len() - n_units;
        // Only when something numeric-looking precedes, so `\text{yes}` alone stays text.
        if matches!(
            tokens[keep - 1],
            Token::Num(_)
                | Token::RParen
                | Token::RBrace
                | Token::Percent
                | Token::Cmd(_)
                | Token::Ident(_)
        ) {
            tokens.truncate(keep);
        }
    }
    // A leading "x =" is kept; a trailing "." or "," is punctuation.
    while matches!(tokens.last(), Some(Token::Comma) | Some(Token::Semicolon)) {
        tokens.pop();
    }
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn eat(&mut self, t: &Token) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, t: &Token) -> PResult<()> {
        if self.eat(t) {
            Ok(())
        } else {
            fail(format!("expected {t:?}, found {:?}", self.peek()))
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return fail("nesting too deep");
        }
        Ok(())
    }

    /// `a; b` separates answers more strongly than `a, b`: `p=5, q=2; p=7, q=2` is two
    /// solutions of two values each.
    fn list(&mut self) -> PResult<Expr> {
        let first = self.comma_list()?;
        if self.peek() != Some(&Token::Semicolon) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(&Token::Semicolon) {
            if self.peek().is_none() {
                break;
            }
            items.push(self.comma_list()?);
        }
        Ok(if items.len() == 1 {
            items.pop().expect("one item")
        } else {
            Expr::List(items)
        })
    }

    fn comma_list(&mut self) -> PResult<Expr> {
        let first = self.union()?;
        if self.peek() != Some(&Token::Comma) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(&Token::Comma) {
            items.push(self.union()?);
        }
        Ok(Expr::List(items))
    }

    fn union(&mut self) -> PResult<Expr> {
        let first = self.relation()?;
        let is_cup = |t: Option<&Token>| matches!(t, Some(Token::Cmd(c)) if c == "cup");
        if !is_cup(self.peek()) {
            return Ok(first);
        }
        let mut parts = vec![first];
        while is_cup(self.peek()) {
            self.pos += 1;
            parts.push(self.relation()?);
        }
        Ok(Expr::Union(parts))
    }

    fn relation(&mut self) -> PResult<Expr> {
        let first = self.ratio()?;
        let mut operands = vec![first];
        let mut ops: Vec<RelOp> = Vec::new();
        loop {
            match self.peek() {
                Some(Token::Rel(op)) => {
                    ops.push(*op);
                    self.pos += 1;
                    operands.push(self.ratio()?);
                }
                Some(Token::Approx) => {
                    self.pos += 1;
                    let approx = self.ratio()?;
                    // "x \approx 11" states x; in "1/3 \approx 0.33" the approximation adds
                    // nothing to the exact value before it.
                    if ops.is_empty() && matches!(operands[0], Expr::Sym(_)) {
                        ops.push(RelOp::Eq);
                        operands.push(approx);
                    }
                }
                _ => break,
            }
        }
        if ops.is_empty() {
            Ok(operands.pop().expect("one operand"))
        } else {
            Ok(Expr::Rel(operands, ops))
        }
    }

    /// `a : b` (ratios, clock times) kept as a ratio of its parts.
    fn ratio(&mut self) -> PResult<Expr> {
        let first = self.additive()?;
        if self.peek() != Some(&Token::Colon) {
            return Ok(first);
        }
        let mut parts = vec![first];
        while self.eat(&Token::Colon) {
            parts.push(self.additive()?);
        }
        Ok(Expr::Func("ratio".into(), parts))
    }

    fn additive(&mut self) -> PResult<Expr> {
        let mut terms = vec![self.multiplicative()?];
        loop {
            match self.peek() {
                Some(Token::Plus) => {
                    self.pos += 1;
                    terms.push(self.multiplicative()?);
                }
                Some(Token::Minus) => {
                    self.pos += 1;
                    terms.push(Expr::Neg(Box::new(self.multiplicative()?)));
                }
                Some(Token::PlusMinus) => {
                    self.pos += 1;
                    let rhs = self.multiplicative()?;
                    let lhs = if terms.len() == 1 {
                        terms.pop().expect("one term")
                    } else {
                        Expr::Add(std::mem::take(&mut terms))
                    };
                    terms.push(Expr::PlusMinus(Box::new(lhs), Box::new(rhs)));
                }
                _ => break,
            }
        }
        Ok(if terms.len() == 1 {
            terms.pop().expect("one term")
        } else {
            Expr::Add(terms)
        })
    }

    fn starts_atom(&self) -> bool {
        match self.peek() {
            Some(Token::Num(_))
            | Some(Token::Ident(_))
            | Some(Token::LParen)
            | Some(Token::LBrace)
            | Some(Token::Word(_))
            | Some(Token::Begin(_)) => true,
            Some(Token::Cmd(c)) => !matches!(c.as_str(), "prime" | "cup"),
            _ => false,
        }
    }

    fn multiplicative(&mut self) -> PResult<Expr> {
        let mut factors = vec![self.unary()?];
        loop {
            match self.peek() {
                Some(Token::Times) => {
                    self.pos += 1;
                    factors.push(self.unary()?);
                }
                Some(Token::Modulo) => {
                    self.pos += 1;
                    let rhs = self.unary()?;
                    let lhs = collapse_product(std::mem::take(&mut factors));
                    factors.push(Expr::Func("mod".into(), vec![lhs, rhs]));
                }
                Some(Token::Divide) => {
                    self.pos += 1;
                    let rhs = self.unary()?;
                    let lhs = collapse_product(std::mem::take(&mut factors));
                    factors.push(Expr::Div(Box::new(lhs), Box::new(rhs)));
                }
                _ if self.starts_atom() => {
                    let next = self.power()?;
                    let last = factors.pop().expect("a factor");
                    factors.push(join_implicit(last, next, self)?);
                }
                _ => break,
            }
        }
        Ok(collapse_product(factors))
    }

    fn unary(&mut self) -> PResult<Expr> {
        match self.peek() {
            Some(Token::Minus) => {
                self.pos += 1;
                self.enter()?;
                let e = self.unary()?;
                self.depth -= 1;
                Ok(Expr::Neg(Box::new(e)))
            }
            Some(Token::Plus) => {
                self.pos += 1;
                self.unary()
            }
            Some(Token::PlusMinus) => {
                self.pos += 1;
                let e = self.unary()?;
                Ok(Expr::PlusMinus(
                    Box::new(Expr::Num(zero_literal())),
                    Box::new(e),
                ))
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> PResult<Expr> {
        let base = self.postfix()?;
        if self.eat(&Token::Caret) {
            self.enter()?;
            let exp = if self.peek() == Some(&Token::LBrace) {
                self.postfix()?
            } else {
                self.unary_exponent()?
            };
            self.depth -= 1;
            return Ok(Expr::Pow(Box::new(base), Box::new(exp)));
        }
        Ok(base)
    }

    /// Exponent without braces: one signed atom (`2^-1`, `x^2`).
    fn unary_exponent(&mut self) -> PResult<Expr> {
        if self.eat(&Token::Minus) {
            return Ok(Expr::Neg(Box::new(self.unary_exponent()?)));
        }
        self.atom()
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut e = self.atom()?;
        loop {
            match self.peek() {
                Some(Token::Bang) => {
                    self.pos += 1;
                    e = Expr::Func("factorial".into(), vec![e]);
                }
                Some(Token::Percent) => {
                    self.pos += 1;
                    e = Expr::Percent(Box::new(e));
                }
                _ => return Ok(e),
            }
        }
    }

    fn group(&mut self, close: &Token) -> PResult<Expr> {
        self.enter()?;
        let inner = self.list()?;
        self.expect(close)?;
        self.depth -= 1;
        Ok(inner)
    }

    fn braced(&mut self) -> PResult<Expr> {
        if self.eat(&Token::LBrace) {
            return self.group(&Token::RBrace);
        }
        // Bare argument: a single atom (`\frac12`, `\sqrt2`, `\frac\pi2`).
        self.atom()
    }

    fn atom(&mut self) -> PResult<Expr> {
        let Some(tok) = self.peek().cloned() else {
            return fail("unexpected end of answer");
        };
        self.pos += 1;
        match tok {
            Token::Num(l) => self.number(l),
            Token::Ident(s) => Ok(self.symbol(s)),
            Token::Text(t) => Ok(Expr::Text(normalize_text(&t))),
            Token::LParen | Token::LBracket => self.bracketed(tok == Token::LBracket),
            Token::LBrace => self.group(&Token::RBrace),
            Token::SetOpen => {
                if self.eat(&Token::SetClose) {
                    return Ok(Expr::Set(vec![]));
                }
                match self.group(&Token::SetClose)? {
                    Expr::List(items) => Ok(Expr::Set(items)),
                    e => Ok(Expr::Set(vec![e])),
                }
            }
            Token::Pipe => {
                let inner = self.group(&Token::Pipe)?;
                Ok(Expr::Func("abs".into(), vec![inner]))
            }
            Token::Word(w) => self.word(&w),
            Token::Begin(env) => self.environment(&env),
            Token::Cmd(c) => self.command(&c),
            other => fail(format!("unexpected {other:?}")),
        }
    }

    /// `( … )` / `[ … ]` with either closing bracket: a grouping, a tuple, or an interval
    /// (two items with at least one square bracket).
    fn bracketed(&mut self, open_closed: bool) -> PResult<Expr> {
        self.enter()?;
        let inner = self.list()?;
        let close_closed = match self.peek() {
            Some(Token::RParen) => false,
            Some(Token::RBracket) => true,
            other => return fail(format!("expected a closing bracket, found {other:?}")),
        };
        self.pos += 1;
        self.depth -= 1;
        match inner {
            Expr::List(mut items) if items.len() == 2 && (open_closed || close_closed) => {
                let hi = items.pop().expect("two items");
                let lo = items.pop().expect("two items");
                Ok(Expr::Interval {
                    lo: Box::new(lo),
                    hi: Box::new(hi),
                    lo_closed: open_closed,
                    hi_closed: close_closed,
                })
            }
            Expr::List(items) if !open_closed && !close_closed => Ok(Expr::Tuple(items)),
            Expr::List(items) => Ok(Expr::Func("[]".into(), items)),
            e if open_closed == close_closed => Ok(e),
            _ => fail("mismatched brackets"),
        }
    }

    /// Matrix environments: cells split by `&`, rows by `\\`.
    fn environment(&mut self, env: &str) -> PResult<Expr> {
        const MATRICES: [&str; 7] = [
            "matrix",
            "pmatrix",
            "bmatrix",
            "Bmatrix",
            "smallmatrix",
            "array",
            "psmallmatrix",
        ];
        if !MATRICES.contains(&env) {
            return fail(format!("unsupported environment {env}"));
        }
        self.enter()?;
        let mut rows: Vec<Vec<Expr>> = Vec::new();
        let mut row: Vec<Expr> = Vec::new();
        loop {
            match self.peek() {
                Some(Token::End(e)) if e == env => {
                    self.pos += 1;
                    break;
                }
                Some(Token::RowSep) => {
                    self.pos += 1;
                    rows.push(std::mem::take(&mut row));
                }
                Some(Token::Amp) => self.pos += 1,
                None => return fail(format!("unterminated {env}")),
                _ => row.push(self.union()?),
            }
        }
        if !row.is_empty() {
            rows.push(row);
        }
        rows.retain(|r| !r.is_empty());
        self.depth -= 1;
        if rows.is_empty() || rows.iter().any(|r| r.len() != rows[0].len()) {
            return fail("ragged or empty matrix");
        }
        Ok(Expr::Matrix(rows))
    }

    /// A number, or a number in another base written `204_5`.
    fn number(&mut self, l: Literal) -> PResult<Expr> {
        if self.peek() != Some(&Token::Underscore) || l.decimal_places.is_some() {
            return Ok(Expr::Num(l));
        }
        self.pos += 1;
        let base = match self.braced()? {
            Expr::Num(b) if b.decimal_places.is_none() => b.value.to_integer(),
            _ => return fail("unsupported subscript on a number"),
        };
        let base: u32 = base.try_into().map_err(|_| ParseError {
            message: "base out of range".into(),
        })?;
        let digits = l.value.to_integer().to_string();
        // Checked first: parsing panics on a radix outside 2..=36.
        let value = (2..=10)
            .contains(&base)
            .then(|| num_bigint::BigInt::parse_bytes(digits.as_bytes(), base))
            .flatten()
            .ok_or_else(|| ParseError {
                message: format!("{digits} is not a base-{base} numeral"),
            })?;
        Ok(Expr::Num(Literal {
            value: num_rational::BigRational::from_integer(value),
            decimal_places: None,
            significant_digits: 0,
        }))
    }

    fn symbol(&mut self, name: String) -> Expr {
        // Subscripted names (x_1, a_{n}) stay one symbol.
        if self.peek() == Some(&Token::Underscore) {
            let save = self.pos;
            self.pos += 1;
            if let Ok(sub) = self.braced() {
                return Expr::Sym(format!("{name}_{}", symbol_key(&sub)));
            }
            self.pos = save;
        }
        Expr::Sym(name)
    }

    fn word(&mut self, w: &str) -> PResult<Expr> {
        match w {
            "pi" => Ok(Expr::Const(Constant::Pi)),
            "infty" | "inf" | "infinity" => Ok(Expr::Const(Constant::Infinity)),
            "sqrt" => {
                let arg = self.function_argument()?;
                Ok(Expr::Root(Box::new(arg), 2))
            }
            f if FUNCTIONS.contains(&f) => self.function(f),
            // Letters written together in math are a product of symbols (`xy`).
            _ => Ok(collapse_product(
                w.chars().map(|c| Expr::Sym(c.to_string())).collect(),
            )),
        }
    }

    fn function_argument(&mut self) -> PResult<Expr> {
        match self.peek() {
            Some(Token::LParen) | Some(Token::LBrace) => self.atom(),
            _ => {
                self.enter()?;
                // `\sin 2x` is sin(2x) and `\cos 3\theta` is cos(3θ): the juxtaposed
                // numbers, letters and Greek letters belong to the argument; an operator or
                // another function ends it (`\sin x \cos x`).
                let mut factors = vec![self.power()?];
                while self.continues_bare_argument() {
                    let next = self.power()?;
                    let last = factors.pop().expect("a factor");
                    factors.push(join_implicit(last, next, self)?);
                }
                self.depth -= 1;
                Ok(collapse_product(factors))
            }
        }
    }

    fn continues_bare_argument(&self) -> bool {
        match self.peek() {
            Some(Token::Num(_)) | Some(Token::Ident(_)) => true,
            Some(Token::Word(w)) => !is_known_word(w) || w == "pi",
            Some(Token::Cmd(c)) => c == "pi" || is_greek(c),
            _ => false,
        }
    }

    fn function(&mut self, name: &str) -> PResult<Expr> {
        let mut args = Vec::new();
        if self.eat(&Token::Underscore) {
            args.push(self.braced()?);
        }
        let mut power = if self.eat(&Token::Caret) {
            Some(self.braced()?)
        } else {
            None
        };
        // \sin^{-1} x is arcsin x, not 1/sin x.
        let mut name = name.to_string();
        let is_inverse = matches!(&power, Some(Expr::Neg(one)) if matches!(&**one, Expr::Num(l) if l.value == num_rational::BigRational::from_integer(1.into())));
        if is_inverse
            && matches!(
                name.as_str(),
                "sin" | "cos" | "tan" | "cot" | "sec" | "csc" | "sinh" | "cosh" | "tanh"
            )
        {
            name = format!("arc{name}");
            power = None;
        }
        let start = self.pos;
        let mut arg = self.function_argument()?;
        let end = self.pos;
        let is_trig = matches!(name.as_str(), "sin" | "cos" | "tan" | "cot" | "sec" | "csc");
        if is_trig && self.degree_marks.iter().any(|&k| start < k && k <= end) {
            // An angle in degrees: sin 30° is sin(30 · π/180).
            arg = Expr::Mul(vec![
                arg,
                Expr::Div(
                    Box::new(Expr::Const(Constant::Pi)),
                    Box::new(Expr::Num(Literal {
                        value: num_rational::BigRational::from_integer(180.into()),
                        decimal_places: None,
                        significant_digits: 2,
                    })),
                ),
            ]);
        }
        args.insert(0, arg);
        let f = Expr::Func(name, args);
        Ok(match power {
            Some(p) => Expr::Pow(Box::new(f), Box::new(p)),
            None => f,
        })
    }

    fn command(&mut self, c: &str) -> PResult<Expr> {
        match c {
            "frac" | "dfrac" | "tfrac" | "cfrac" => {
                let num = self.braced()?;
                let den = self.braced()?;
                // \frac{d}{dx} is the derivative operator, not d/(d·x).
                if is_differential(&num, &den) {
                    let arg = self.power()?;
                    return Ok(Expr::Func("derivative".into(), vec![den, arg]));
                }
                Ok(Expr::Div(Box::new(num), Box::new(den)))
            }
            "sqrt" => {
                let mut index = 2u32;
                if self.eat(&Token::LBracket) {
                    match self.tokens.get(self.pos) {
                        Some(Token::Num(l)) if l.decimal_places.is_none() => {
                            index = l.value.to_integer().try_into().unwrap_or(0);
                            self.pos += 1;
                        }
                        _ => return fail("unsupported root index"),
                    }
                    self.expect(&Token::RBracket)?;
                    if !(2..=64).contains(&index) {
                        return fail("root index out of range");
                    }
                }
                let arg = self.braced()?;
                Ok(Expr::Root(Box::new(arg), index))
            }
            "binom" | "dbinom" | "tbinom" => {
                let n = self.braced()?;
                let k = self.braced()?;
                Ok(Expr::Func("binom".into(), vec![n, k]))
            }
            "pi" => Ok(Expr::Const(Constant::Pi)),
            "infty" | "infin" => Ok(Expr::Const(Constant::Infinity)),
            "mathbb" | "mathcal" | "mathfrak" => {
                let inner = self.braced()?;
                Ok(Expr::Sym(format!("{c}{{{}}}", symbol_key(&inner))))
            }
            f if FUNCTIONS.contains(&f) => self.function(f),
            // Greek letters and other named symbols.
            name if name.chars().all(|ch| ch.is_ascii_alphabetic()) && is_greek(name) => {
                Ok(Expr::Sym(name.to_string()))
            }
            "emptyset" | "varnothing" => Ok(Expr::Set(vec![])),
            // An unknown command without an argument names something (`\zzz`, `\ell`); one
            // with an argument may change its meaning, so it stays unsupported.
            other if self.peek() != Some(&Token::LBrace) => Ok(Expr::Sym(other.to_string())),
            other => fail(format!("unsupported command \\{other}")),
        }
    }
}

fn is_differential(num: &Expr, den: &Expr) -> bool {
    let is_d = |e: &Expr| matches!(e, Expr::Sym(s) if s == "d");
    is_d(num) && matches!(den, Expr::Mul(v) if v.len() == 2 && is_d(&v[0]))
}

fn is_greek(name: &str) -> bool {
    matches!(
        name,
        "alpha"
            | "beta"
            | "gamma"
            | "delta"
            | "epsilon"
            | "varepsilon"
            | "zeta"
            | "eta"
            | "theta"
            | "vartheta"
            | "iota"
            | "kappa"
            | "lambda"
            | "mu"
            | "nu"
            | "xi"
            | "rho"
            | "sigma"
            | "tau"
            | "upsilon"
            | "phi"
            | "varphi"
            | "chi"
            | "psi"
            | "omega"
            | "Gamma"
            | "Delta"
            | "Theta"
            | "Lambda"
            | "Xi"
            | "Sigma"
            | "Phi"
            | "Psi"
            | "Omega"
    )
}

/// A stable textual key for an expression used inside a symbol name.
fn symbol_key(e: &Expr) -> String {
    match e {
        Expr::Sym(s) => s.clone(),
        Expr::Num(l) => l.value.to_string(),
        other => format!("{other:?}"),
    }
}

fn zero_literal() -> Literal {
    Literal {
        value: num_rational::BigRational::from_integer(0.into()),
        decimal_places: None,
        significant_digits: 1,
    }
}

fn collapse_product(mut factors: Vec<Expr>) -> Expr {
    if factors.len() == 1 {
        factors.pop().expect("one factor")
    } else {
        Expr::Mul(factors)
    }
}

fn is_integer_literal(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Num(Literal {
            decimal_places: None,
            ..
        })
    )
}

fn is_integer_fraction(e: &Expr) -> bool {
    matches!(e, Expr::Div(a, b) if is_integer_literal(a) && is_integer_literal(b))
}

/// Implicit multiplication, except an integer directly followed by a fraction of integers,
/// which is a mixed number (`2\frac{1}{2}` = 5/2, `2 1/2` = 5/2).
fn join_implicit(last: Expr, next: Expr, p: &mut Parser) -> PResult<Expr> {
    // `-2\frac12` is −(2 + 1/2): the sign belongs to the whole mixed number.
    if let Expr::Neg(inner) = &last {
        if is_integer_literal(inner) && is_integer_fraction(&next) {
            return Ok(Expr::Neg(Box::new(Expr::Add(vec![
                (**inner).clone(),
                next,
            ]))));
        }
    }
    if is_integer_literal(&last) {
        if is_integer_fraction(&next) {
            return Ok(Expr::Add(vec![last, next]));
        }
        // Plain-text mixed number: `2 1/2` reaches here as 2 · 1 then `/ 2`.
        if is_integer_literal(&next) && p.peek() == Some(&Token::Divide) {
            if let Some(Token::Num(den)) = p.tokens.get(p.pos + 1).cloned() {
                if den.decimal_places.is_none()
                    && !matches!(p.tokens.get(p.pos + 2), Some(Token::Caret))
                {
                    p.pos += 2;
                    let frac = Expr::Div(Box::new(next), Box::new(Expr::Num(den)));
                    return Ok(Expr::Add(vec![last, frac]));
                }
            }
        }
    }
    Ok(match last {
        Expr::Mul(mut v) => {
            v.push(next);
            Expr::Mul(v)
        }
        other => Expr::Mul(vec![other, next]),
    })
}

/// Lower-cases and collapses whitespace in free text.
pub fn normalize_text(t: &str) -> String {
    t.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
