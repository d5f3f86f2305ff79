//! Recursive-descent parser from tokens to [`Expr`].
//!
//! Precedence, loosest first: top-level comma list, relation chain, `+ − ±`, `× ÷ /` and
//! implicit multiplication, unary sign, power, postfix `!` / `%`, atoms. Units and other
//! trailing words after a complete value are dropped, so `5 \text{ cm}` parses as `5`.

use super::lexer::Token;
use crate::expr::{Expr, Literal, RelOp};

/// Deepest nesting accepted; deeper input is reported as unparseable, never overflows.
pub const MAX_DEPTH: usize = 64;

/// The error of an answer with nothing to parse once formatting is dropped (`\boxed{}`).
pub const EMPTY_ANSWER: &str = "empty answer";

/// Why a token sequence is not an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// What went wrong, for a verdict's reason.
    pub message: String,
}

pub(super) type PResult<T> = Result<T, ParseError>;

pub(super) fn fail<T>(message: impl Into<String>) -> PResult<T> {
    Err(ParseError {
        message: message.into(),
    })
}

/// Function names recognised with or without a backslash.
pub(super) const FUNCTIONS: &[&str] = &[
    "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
    "log", "ln", "lg", "exp", "gcd", "lcm", "max", "min", "det",
];

/// The recursive-descent parser's state over one answer's tokens (depth bounded).
pub struct Parser {
    pub(super) tokens: Vec<Token>,
    pub(super) pos: usize,
    pub(super) depth: usize,
    /// Where the lexer dropped degree marks (a mark at k followed token k − 1).
    pub(super) degree_marks: Vec<usize>,
}

/// The expression the tokens spell.
pub fn parse_tokens(tokens: Vec<Token>) -> PResult<Expr> {
    parse_tokens_marked(tokens, Vec::new())
}

/// Parses tokens knowing where degree marks were dropped, so `\sin 30^\circ` is sin(π/6).
pub fn parse_tokens_marked(mut tokens: Vec<Token>, degree_marks: Vec<usize>) -> PResult<Expr> {
    strip_trailing_units(&mut tokens);
    if tokens.is_empty() {
        return fail(EMPTY_ANSWER);
    }
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
        degree_marks,
    };
    let e = p.list()?;
    let e = p.choose_tail(e)?;
    if p.pos != p.tokens.len() {
        return fail(format!("unexpected {:?}", p.tokens[p.pos]));
    }
    Ok(e)
}

pub(super) fn is_unit_word(t: &Token) -> bool {
    match t {
        Token::Text(_) => true,
        Token::Word(w) => !is_known_word(w),
        _ => false,
    }
}

pub(super) fn is_known_word(w: &str) -> bool {
    FUNCTIONS.contains(&w) || matches!(w, "pi" | "sqrt" | "infty" | "inf" | "infinity")
}

/// Where a compound unit written in text (`\mathrm{~cm} / \mathrm{s}^2`,
/// `\text{kg}\cdot\text{m}^{2}`) that ends the tokens starts, if one does. Units of one
/// word are left to [`strip_trailing_units`]; only the last few tokens are looked at, so the
/// search is bounded whatever the answer's length.
fn compound_unit_start(tokens: &[Token]) -> Option<usize> {
    const LONGEST: usize = 16;
    let unit = |t: &Token| matches!(t, Token::Text(_) | Token::Word(_)) && is_unit_word(t);
    // unit (^ exponent)? ((/ | ·)? unit (^ exponent)?)*
    let is_unit_expression = |ts: &[Token]| {
        let mut i = 0;
        let mut units = 0;
        let mut joined = false;
        while i < ts.len() {
            if units > 0 && matches!(ts[i], Token::Divide | Token::Times) {
                i += 1;
                joined = true;
            }
            // `\mathrm{s}` lexes as a letter; after a unit word it is a unit too.
            let letter = units > 0 && matches!(ts.get(i), Some(Token::Ident(_)));
            if !(letter || ts.get(i).is_some_and(unit)) {
                return false;
            }
            i += 1;
            units += 1;
            if matches!(ts.get(i), Some(Token::Caret)) {
                i += match &ts[i + 1..] {
                    [Token::Num(_), ..] => 2,
                    [Token::LBrace, Token::Num(_), Token::RBrace, ..] => 4,
                    [Token::LBrace, Token::Minus, Token::Num(_), Token::RBrace, ..] => 5,
                    _ => return false,
                };
            }
        }
        units >= 2 && joined
    };
    let first = tokens.len().saturating_sub(LONGEST).max(1);
    (first..tokens.len()).find(|&k| {
        unit(&tokens[k])
            && matches!(
                tokens[k - 1],
                Token::Num(_) | Token::RParen | Token::RBrace | Token::Cmd(_) | Token::Ident(_)
            )
            && is_unit_expression(&tokens[k..])
    })
}

/// Drops trailing text (units, "dollars", "degrees") that follows a value.
pub(super) fn strip_trailing_units(tokens: &mut Vec<Token>) {
    if let Some(k) = compound_unit_start(tokens) {
        tokens.truncate(k);
        return;
    }
    // A squared or cubed unit (`\mbox{ cm}^2`) is still a unit.
    let n = tokens.len();
    if n >= 4
        && matches!(tokens[n - 2], Token::Caret)
        && matches!(tokens[n - 1], Token::Num(_))
        && is_unit_word(&tokens[n - 3])
    {
        tokens.truncate(n - 2);
    }
    // The same with a braced power: `\mathrm{~cm}^{2}`.
    let n = tokens.len();
    if n >= 6
        && matches!(
            tokens[n - 4..],
            [Token::Caret, Token::LBrace, Token::Num(_), Token::RBrace]
        )
        && is_unit_word(&tokens[n - 5])
    {
        tokens.truncate(n - 4);
    }
    let n_units = tokens.iter().rev().take_while(|t| is_unit_word(t)).count();
    if n_units > 0 && n_units < tokens.len() {
        let keep = tokens.len() - n_units;
        // "a polynomial", "x meters": a lone letter before words is an article or a name
        // in a phrase, not a value with its unit.
        let lone_letter = keep == 1 && matches!(tokens[0], Token::Ident(_));
        // Only when something numeric-looking precedes, so `\text{yes}` alone stays text.
        if !lone_letter
            && matches!(
                tokens[keep - 1],
                Token::Num(_)
                    | Token::RParen
                    | Token::RBrace
                    | Token::Percent
                    | Token::Cmd(_)
                    | Token::Ident(_)
            )
        {
            tokens.truncate(keep);
        }
    }
    // A leading "x =" is kept; a trailing "." or "," is punctuation.
    while matches!(tokens.last(), Some(Token::Comma) | Some(Token::Semicolon)) {
        tokens.pop();
    }
}

impl Parser {
    pub(super) fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    pub(super) fn eat(&mut self, t: &Token) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(super) fn expect(&mut self, t: &Token) -> PResult<()> {
        if self.eat(t) {
            Ok(())
        } else {
            fail(format!("expected {t:?}, found {:?}", self.peek()))
        }
    }

    pub(super) fn enter(&mut self) -> PResult<()> {
        crate::budget::tick();
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return fail(super::TOO_DEEP);
        }
        Ok(())
    }

    /// `a; b` separates answers more strongly than `a, b`: `p=5, q=2; p=7, q=2` is two
    /// solutions of two values each.
    pub(super) fn list(&mut self) -> PResult<Expr> {
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

    pub(super) fn comma_list(&mut self) -> PResult<Expr> {
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

    pub(super) fn union(&mut self) -> PResult<Expr> {
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

    pub(super) fn relation(&mut self) -> PResult<Expr> {
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
    pub(super) fn ratio(&mut self) -> PResult<Expr> {
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

    pub(super) fn additive(&mut self) -> PResult<Expr> {
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

    pub(super) fn starts_atom(&self) -> bool {
        match self.peek() {
            Some(Token::Num(_))
            | Some(Token::Ident(_))
            | Some(Token::LParen)
            | Some(Token::LBrace)
            | Some(Token::Word(_))
            | Some(Token::Begin(_)) => true,
            Some(Token::Cmd(c)) => !matches!(c.as_str(), "prime" | "cup" | "choose"),
            _ => false,
        }
    }

    pub(super) fn multiplicative(&mut self) -> PResult<Expr> {
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

    pub(super) fn unary(&mut self) -> PResult<Expr> {
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

    pub(super) fn power(&mut self) -> PResult<Expr> {
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
    pub(super) fn unary_exponent(&mut self) -> PResult<Expr> {
        if self.eat(&Token::Minus) {
            return Ok(Expr::Neg(Box::new(self.unary_exponent()?)));
        }
        self.atom()
    }

    pub(super) fn postfix(&mut self) -> PResult<Expr> {
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

    pub(super) fn group(&mut self, close: &Token) -> PResult<Expr> {
        self.enter()?;
        let inner = self.list()?;
        let inner = self.choose_tail(inner)?;
        self.expect(close)?;
        self.depth -= 1;
        Ok(inner)
    }

    /// `{n \choose k}`: TeX's infix binomial, whose operands are the whole group's sides.
    pub(super) fn choose_tail(&mut self, left: Expr) -> PResult<Expr> {
        if self.peek() != Some(&Token::Cmd("choose".into())) {
            return Ok(left);
        }
        self.pos += 1;
        let right = self.list()?;
        Ok(Expr::Func("binom".into(), vec![left, right]))
    }

    pub(super) fn braced(&mut self) -> PResult<Expr> {
        if self.eat(&Token::LBrace) {
            return self.group(&Token::RBrace);
        }
        // Bare argument: a single atom (`\frac12`, `\sqrt2`, `\frac\pi2`).
        self.atom()
    }

    pub(super) fn atom(&mut self) -> PResult<Expr> {
        let Some(tok) = self.peek().cloned() else {
            return fail("unexpected end of answer");
        };
        self.pos += 1;
        match tok {
            Token::Num(l) => self.number(l),
            Token::Ident(s) => Ok(self.symbol(s)),
            // `\text{Re}(z)`, `\mathrm{cis}(\theta)`: a function named in upright text.
            Token::Text(t)
                if matches!(t.trim(), "Re" | "Im" | "cis" | "arg" | "Arg")
                    && self.peek() == Some(&Token::LParen) =>
            {
                self.word(t.trim())
            }
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
}

pub(super) fn is_differential(num: &Expr, den: &Expr) -> bool {
    let is_d = |e: &Expr| matches!(e, Expr::Sym(s) if s == "d");
    is_d(num) && matches!(den, Expr::Mul(v) if v.len() == 2 && is_d(&v[0]))
}

pub(super) fn is_greek(name: &str) -> bool {
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
pub(super) fn symbol_key(e: &Expr) -> String {
    match e {
        Expr::Sym(s) => s.clone(),
        Expr::Num(l) => l.value.to_string(),
        other => format!("{other:?}"),
    }
}

pub(super) fn zero_literal() -> Literal {
    Literal {
        value: num_rational::BigRational::from_integer(0.into()),
        decimal_places: None,
        significant_digits: 1,
    }
}

pub(super) fn collapse_product(mut factors: Vec<Expr>) -> Expr {
    if factors.len() == 1 {
        factors.pop().expect("one factor")
    } else {
        Expr::Mul(factors)
    }
}

pub(super) fn is_integer_literal(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Num(Literal {
            decimal_places: None,
            ..
        })
    )
}

pub(super) fn is_integer_fraction(e: &Expr) -> bool {
    matches!(e, Expr::Div(a, b) if is_integer_literal(a) && is_integer_literal(b))
}

/// Implicit multiplication, except an integer directly followed by a fraction of integers,
/// which is a mixed number (`2\frac{1}{2}` = 5/2, `2 1/2` = 5/2).
pub(super) fn join_implicit(last: Expr, next: Expr, p: &mut Parser) -> PResult<Expr> {
    // `66\frac{2}{3}\%` is (66 + 2/3)%: the percent sign closes the whole mixed number.
    if let Expr::Percent(fraction) = &next {
        let whole = match &last {
            Expr::Neg(inner) => inner,
            other => other,
        };
        if is_integer_literal(whole) && is_integer_fraction(fraction) {
            let mixed = join_implicit(last, (**fraction).clone(), p)?;
            return Ok(Expr::Percent(Box::new(mixed)));
        }
    }
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
