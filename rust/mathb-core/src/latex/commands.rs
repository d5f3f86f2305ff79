//! The atoms of the parser that LaTeX commands, environments, brackets, numbers, words and
//! functions make.

use super::lexer::Token;
use super::parser::*;
use crate::expr::{Constant, Expr, Literal};

impl Parser {
    /// `( … )` / `[ … ]` with either closing bracket: a grouping, a tuple, or an interval
    /// (two items with at least one square bracket).
    pub(super) fn bracketed(&mut self, open_closed: bool) -> PResult<Expr> {
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
    pub(super) fn environment(&mut self, env: &str) -> PResult<Expr> {
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
    pub(super) fn number(&mut self, l: Literal) -> PResult<Expr> {
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

    pub(super) fn symbol(&mut self, name: String) -> Expr {
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

    pub(super) fn word(&mut self, w: &str) -> PResult<Expr> {
        match w {
            "pi" => Ok(Expr::Const(Constant::Pi)),
            "infty" | "inf" | "infinity" => Ok(Expr::Const(Constant::Infinity)),
            "sqrt" => {
                let arg = self.function_argument()?;
                Ok(Expr::Root(Box::new(arg), 2))
            }
            f if FUNCTIONS.contains(&f) => self.function(f),
            // `\operatorname{cis}\frac{\pi}{3}`, `\operatorname{Re}(z)`: complex-number
            // functions, only where an argument follows (a bare `cis` stays a word).
            "cis" if self.opens_argument(true) => self.function(w),
            "Re" | "Im" | "Arg" | "arg" | "conj" if self.opens_argument(false) => {
                self.function(complex_function_name(w))
            }
            // Letters written together in math are a product of symbols (`xy`).
            _ => Ok(collapse_product(
                w.chars().map(|c| Expr::Sym(c.to_string())).collect(),
            )),
        }
    }

    pub(super) fn function_argument(&mut self) -> PResult<Expr> {
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

    pub(super) fn continues_bare_argument(&self) -> bool {
        match self.peek() {
            Some(Token::Num(_)) | Some(Token::Ident(_)) => true,
            Some(Token::Word(w)) => !is_known_word(w) || w == "pi",
            Some(Token::Cmd(c)) => c == "pi" || is_greek(c),
            _ => false,
        }
    }

    pub(super) fn function(&mut self, name: &str) -> PResult<Expr> {
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
        let is_trig = matches!(
            name.as_str(),
            "sin" | "cos" | "tan" | "cot" | "sec" | "csc" | "cis"
        );
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

    pub(super) fn command(&mut self, c: &str) -> PResult<Expr> {
        match c {
            f if super::lexer::is_fraction_command(f) => {
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
            "Re" | "Im" | "arg" if self.opens_argument(c == "arg") => {
                self.function(complex_function_name(c))
            }
            // `\overline{3+4i}`: the conjugate, only of a value written with i (a bar over
            // digits is a repeating decimal, over letters a segment or a mean).
            "overline" | "bar" if self.peek() == Some(&Token::LBrace) => {
                let arg = self.braced()?;
                if !mentions_imaginary_unit(&arg) {
                    return fail(format!("unsupported command \\{c}"));
                }
                Ok(Expr::Func("conj".into(), vec![arg]))
            }
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

/// The canonical name of a complex-number function (`Arg` is the principal argument).
fn complex_function_name(w: &str) -> &str {
    match w {
        "Arg" => "arg",
        other => other,
    }
}

fn mentions_imaginary_unit(e: &Expr) -> bool {
    matches!(e, Expr::Sym(s) if s == "i") || e.children().into_iter().any(mentions_imaginary_unit)
}

impl Parser {
    /// Whether an argument follows: a bracket or brace, or with `loose` also a command or
    /// number (`\operatorname{cis}\frac{\pi}{3}`, `\arg 1`).
    fn opens_argument(&self, loose: bool) -> bool {
        match self.peek() {
            Some(Token::LParen) | Some(Token::LBrace) => true,
            Some(Token::Cmd(_)) | Some(Token::Num(_)) => loose,
            _ => false,
        }
    }
}
