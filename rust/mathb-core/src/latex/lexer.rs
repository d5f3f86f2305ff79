//! Tokenizer for answer strings written in LaTeX or plain math.
//!
//! Formatting-only input (spacing commands, `\left`/`\right`, `$`, degree marks) is dropped
//! here, and digit groups joined by thousands separators become one number, so the parser
//! sees only tokens that carry meaning.

use crate::expr::{Literal, RelOp};

/// A token of the answer language.
#[derive(Clone, Debug, PartialEq)]
pub enum Token {
    /// A number as written.
    Num(Literal),
    /// A single-letter variable (possibly with a prime or subscript handled by the parser).
    Ident(String),
    /// A run of two or more letters in plain text (`pi`, `sqrt`, `cm`).
    Word(String),
    /// A backslash command, without the backslash: `frac`, `sqrt`, `pi`.
    Cmd(String),
    /// The content of `\text{…}` and friends.
    Text(String),
    /// `(`.
    LParen,
    /// `)`.
    RParen,
    /// `[`.
    LBracket,
    /// `]`.
    RBracket,
    /// `{` (a group).
    LBrace,
    /// `}` (a group).
    RBrace,
    /// `\{`: a set opens.
    SetOpen,
    /// `\}`: a set closes.
    SetClose,
    /// `+`.
    Plus,
    /// `-`, `−`, `–`.
    Minus,
    /// `*`, `×`, `·`, `\cdot`, `\times`, `\ast`.
    Times,
    /// `/`, `÷`, `\div`.
    Divide,
    /// `^`.
    Caret,
    /// `_`.
    Underscore,
    /// `,`.
    Comma,
    /// `;`.
    Semicolon,
    /// `!`.
    Bang,
    /// `%`.
    Percent,
    /// `|`, `\vert`, `\mid` (absolute values, set-builder bars).
    Pipe,
    /// `±`, `\pm`, `\mp`.
    PlusMinus,
    /// `:` in ratios (`7:32`) and times (`12:00`).
    Colon,
    /// `\approx`: what follows is an approximation of what precedes.
    Approx,
    /// `\bmod`: the remainder operation.
    Modulo,
    /// `\begin{env}`; the column spec of `array` is skipped.
    Begin(String),
    /// `\end{env}`.
    End(String),
    /// `&` column separator.
    Amp,
    /// `\\` row separator.
    RowSep,
    /// A relation sign.
    Rel(RelOp),
}

/// Why a string could not be tokenized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    /// What went wrong, for a verdict's reason.
    pub message: String,
}

pub(super) fn err<T>(message: impl Into<String>) -> Result<T, LexError> {
    Err(LexError {
        message: message.into(),
    })
}

/// Commands that produce no token at all.
const IGNORED_COMMANDS: &[&str] = &[
    "left",
    "right",
    "big",
    "Big",
    "bigg",
    "Bigg",
    "bigl",
    "bigr",
    "Bigl",
    "Bigr",
    "biggl",
    "biggr",
    "displaystyle",
    "textstyle",
    "nonumber",
    "notag",
    "quad",
    "qquad",
    "circ",
    "degree",
    "limits",
    "mathbf",
    "mathit",
    "boldsymbol",
    "bf",
    "rm",
    "it",
    "boxed",
    "fbox",
    // Vector arrows mark a quantity as a vector, as `\mathbf` does: `\vec{g}` is g.
    "vec",
    "overrightarrow",
];

/// Commands whose braced argument is free text.
const TEXT_COMMANDS: &[&str] = &[
    "text",
    "textbf",
    "textit",
    "textrm",
    "mbox",
    "mathrm",
    "textnormal",
    "texttt",
    "textsf",
    "mathsf",
    "mathtt",
];

/// Commands taking that many leading arguments that may be a bare single character
/// (`\frac12`, `\sqrt2`).
fn bare_argument_count(cmd: &str) -> usize {
    match cmd {
        "binom" | "dbinom" | "tbinom" => 2,
        f if is_fraction_command(f) => 2,
        "sqrt" => 1,
        _ => 0,
    }
}

/// Fraction commands: `\frac` and its display variants, the slanted `\sfrac` and `\nicefrac`
/// of the xfrac and nicefrac packages, and any other short command named `…frac` (`\bfrac`),
/// whose two arguments can only be a numerator and a denominator. `\genfrac` takes six
/// (delimiters and style first) and is not one of them.
pub(super) fn is_fraction_command(cmd: &str) -> bool {
    cmd.len() <= 8
        && cmd.ends_with("frac")
        && cmd != "genfrac"
        && cmd.chars().all(|c| c.is_ascii_alphabetic())
}

/// The tokenizer's state over one answer string.
pub struct Lexer<'a> {
    pub(super) chars: Vec<char>,
    pub(super) pos: usize,
    pub(super) tokens: Vec<Token>,
    /// Positions where a digit run must end (after a bare `\frac12` argument).
    pub(super) digit_breaks: Vec<usize>,
    /// Token counts at each dropped degree mark (see [`tokenize_marked`]).
    pub(super) degree_marks: Vec<usize>,
    _src: &'a str,
}

/// Text-command content that is math, not words: digits and operators, no letters and no
/// commands (so splicing it back into the input cannot recurse).
fn spliceable_math(content: &str) -> bool {
    content.chars().any(|c| c.is_ascii_digit())
        && content
            .chars()
            .all(|c| c.is_ascii_digit() || " .,+-/()^%".contains(c))
}

/// Greek letters are symbols (`θ`), not words of another script.
fn is_greek_letter(c: char) -> bool {
    ('\u{370}'..='\u{3ff}').contains(&c)
}

/// The tokens of `src`, or why it is not in the answer language.
pub fn tokenize(src: &str) -> Result<Vec<Token>, LexError> {
    tokenize_marked(src).map(|(tokens, _)| tokens)
}

/// Tokens, and where degree marks were dropped: a mark at `k` followed token `k − 1`.
/// `30^\circ` is 30 everywhere except inside a trigonometric function, where the parser
/// needs to know the angle was in degrees.
pub fn tokenize_marked(src: &str) -> Result<(Vec<Token>, Vec<usize>), LexError> {
    let mut lx = Lexer {
        chars: src.chars().collect(),
        pos: 0,
        tokens: Vec::new(),
        digit_breaks: Vec::new(),
        degree_marks: Vec::new(),
        _src: src,
    };
    lx.run()?;
    Ok((lx.tokens, lx.degree_marks))
}

fn is_spacing_command(name: &str) -> bool {
    matches!(name, "," | "!" | ";" | ":" | " " | ">")
}

impl<'a> Lexer<'a> {
    pub(super) fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.pos + k).copied()
    }

    fn run(&mut self) -> Result<(), LexError> {
        while let Some(c) = self.peek(0) {
            match c {
                c if c.is_whitespace() || c == '~' || c == '$' => self.pos += 1,
                '0'..='9' => self.number()?,
                '.' if self.peek(1).is_some_and(|d| d.is_ascii_digit()) => self.number()?,
                '\\' => self.command()?,
                // π is alphabetic to Unicode; it must not become a variable named π.
                'π' => {
                    self.pos += 1;
                    self.tokens.push(Token::Cmd("pi".into()));
                }
                c if c.is_alphabetic() => self.word(),
                _ => {
                    self.pos += 1;
                    let tok = match c {
                        '(' => Token::LParen,
                        ')' => Token::RParen,
                        '[' => Token::LBracket,
                        ']' => Token::RBracket,
                        '{' => {
                            if self.at_str(",}") {
                                // `{,}` is a thousands separator, as in 1{,}000.
                                self.pos += 2;
                                continue;
                            }
                            // An empty group (`{}18`, an empty `\boxed{}`) typesets nothing;
                            // after a script or a command it is an argument, kept for them.
                            let argument = matches!(
                                self.tokens.last(),
                                Some(Token::Caret | Token::Underscore | Token::Cmd(_))
                            );
                            if self.at_str("}") && !argument {
                                self.pos += 1;
                                continue;
                            }
                            Token::LBrace
                        }
                        '}' => Token::RBrace,
                        '+' => Token::Plus,
                        '-' | '−' | '–' => Token::Minus,
                        '*' | '×' | '·' | '⋅' => Token::Times,
                        '/' | '÷' => Token::Divide,
                        '^' => {
                            if self.skip_degree_mark() {
                                self.degree_marks.push(self.tokens.len());
                                continue;
                            }
                            Token::Caret
                        }
                        '_' => Token::Underscore,
                        ',' => {
                            if self.tokens.last() == Some(&Token::Comma) {
                                continue; // "19, 46, and 82": one separator
                            }
                            Token::Comma
                        }
                        ':' => Token::Colon,
                        ';' => Token::Semicolon,
                        '!' => {
                            if self.peek(0) == Some('=') {
                                self.pos += 1;
                                Token::Rel(RelOp::Ne)
                            } else {
                                Token::Bang
                            }
                        }
                        '%' => Token::Percent,
                        '&' => Token::Amp,
                        '|' => Token::Pipe,
                        '±' => Token::PlusMinus,
                        '=' => Token::Rel(RelOp::Eq),
                        '≠' => Token::Rel(RelOp::Ne),
                        '≤' => Token::Rel(RelOp::Le),
                        '≥' => Token::Rel(RelOp::Ge),
                        '<' => {
                            if self.peek(0) == Some('=') {
                                self.pos += 1;
                                Token::Rel(RelOp::Le)
                            } else {
                                Token::Rel(RelOp::Lt)
                            }
                        }
                        '>' => {
                            if self.peek(0) == Some('=') {
                                self.pos += 1;
                                Token::Rel(RelOp::Ge)
                            } else {
                                Token::Rel(RelOp::Gt)
                            }
                        }
                        '°' => {
                            self.degree_marks.push(self.tokens.len());
                            continue;
                        }
                        'π' => Token::Cmd("pi".into()),
                        '∞' => Token::Cmd("infty".into()),
                        '√' => Token::Cmd("sqrt".into()),
                        '\'' => Token::Cmd("prime".into()),
                        // Words of other scripts (`米`, `см`): text, so a unit after a
                        // value is dropped like `\text{ m}`.
                        _ if c.is_alphabetic() && !c.is_ascii() && !is_greek_letter(c) => {
                            let mut word = c.to_string();
                            while let Some(n) = self.peek(0).filter(|n| n.is_alphabetic()) {
                                word.push(n);
                                self.pos += 1;
                            }
                            Token::Text(word)
                        }
                        _ => return err(format!("unexpected character {c:?}")),
                    };
                    self.tokens.push(tok);
                }
            }
        }
        Ok(())
    }

    pub(super) fn at_str(&self, s: &str) -> bool {
        s.chars().enumerate().all(|(k, c)| self.peek(k) == Some(c))
    }

    /// After a `^`: consumes `\circ`, `{\circ}` or `{}^\circ` forms and reports whether it did.
    fn skip_degree_mark(&mut self) -> bool {
        for pat in [
            "\\circ",
            "{\\circ}",
            "{ \\circ }",
            "\\degree",
            "{\\degree}",
            "°",
        ] {
            if self.at_str(pat) {
                self.pos += pat.chars().count();
                return true;
            }
        }
        false
    }

    fn word(&mut self) {
        let mut w = String::new();
        while let Some(c) = self.peek(0) {
            if !c.is_alphabetic() {
                break;
            }
            w.push(c);
            self.pos += 1;
        }
        if w == "and" || w == "or" {
            // "1 and 2", "x = 1 or x = 2": a list of answers.
            if self.tokens.last() != Some(&Token::Comma) {
                self.tokens.push(Token::Comma);
            }
        } else if w.chars().count() == 1 {
            self.tokens.push(Token::Ident(w));
        } else {
            self.tokens.push(Token::Word(w));
        }
    }

    /// Reads a `{…}` group at the current position (after optional spaces) and returns its
    /// raw content.
    fn braced_raw(&mut self) -> Result<String, LexError> {
        while self.peek(0).is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
        if self.peek(0) != Some('{') {
            return err("expected '{'");
        }
        let start = self.pos + 1;
        let mut depth = 0usize;
        while let Some(c) = self.peek(0) {
            match c {
                '\\' => {
                    self.pos += 2;
                    continue;
                }
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        let s: String = self.chars[start..self.pos].iter().collect();
                        self.pos += 1;
                        return Ok(s);
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        err("unbalanced braces")
    }

    fn command(&mut self) -> Result<(), LexError> {
        self.pos += 1; // backslash
        let Some(first) = self.peek(0) else {
            return err("lone backslash at end");
        };
        if !first.is_ascii_alphabetic() {
            self.pos += 1;
            match first {
                c if is_spacing_command(&c.to_string()) => {}
                '{' => self.tokens.push(Token::SetOpen),
                '}' => self.tokens.push(Token::SetClose),
                '%' => self.tokens.push(Token::Percent),
                // `\\frac` in a doubly escaped string is `\frac`; otherwise `\\` ends a row.
                '\\' if self.peek(0).is_some_and(|c| c.is_ascii_alphabetic()) => {
                    self.pos -= 1;
                    return self.command();
                }
                // `50\\%`, doubly escaped like `\\frac`: a percent sign, not a row end.
                '\\' if self.peek(0) == Some('%') => {
                    self.pos += 1;
                    self.tokens.push(Token::Percent);
                }
                '\\' => self.tokens.push(Token::RowSep),
                '$' => {}
                '(' | ')' | '[' | ']' => {} // math-mode delimiters \( \) \[ \]
                '|' => self.tokens.push(Token::Pipe),
                _ => return err(format!("unknown command \\{first}")),
            }
            return Ok(());
        }
        let mut name = String::new();
        while let Some(c) = self.peek(0) {
            if !c.is_ascii_alphabetic() {
                break;
            }
            name.push(c);
            self.pos += 1;
        }
        // `\quadx` (no space after the command) is `\quad x`.
        for spacing in ["qquad", "quad"] {
            if name.len() > spacing.len() && name.starts_with(spacing) {
                self.pos -= name.len() - spacing.len();
                return Ok(());
            }
        }
        if matches!(name.as_str(), "circ" | "degree") {
            self.degree_marks.push(self.tokens.len());
        }
        if IGNORED_COMMANDS.contains(&name.as_str()) {
            return Ok(());
        }
        // An equation's number or label (`\tag{8}`) is not part of its value.
        if matches!(name.as_str(), "tag" | "label") {
            self.braced_raw()?;
            return Ok(());
        }
        if TEXT_COMMANDS.contains(&name.as_str()) {
            let raw = self.braced_raw()?;
            let content = raw.trim();
            if matches!(content, "\\$" | "$" | "€" | "£") {
                return Ok(()); // currency written as text carries no value
            }
            if matches!(content, "\\%" | "%") {
                self.tokens.push(Token::Percent);
                return Ok(());
            }
            // \mathrm{e}, \text{i}: a lone letter in an upright font is still that symbol.
            if matches!(content, "and" | "or" | ",") {
                if self.tokens.last() != Some(&Token::Comma) {
                    self.tokens.push(Token::Comma);
                }
            } else if spliceable_math(content) && self.digit_breaks.iter().all(|&b| b < self.pos) {
                // `\text{4}`, `\mathrm{2.5}`: a value in an upright font is still that value.
                let pos = self.pos;
                self.chars.splice(pos..pos, content.chars());
            } else if content.chars().count() == 1 && content.chars().all(char::is_alphabetic) {
                self.tokens.push(Token::Ident(content.to_string()));
            } else if !content.is_empty() {
                self.tokens.push(Token::Text(content.to_string()));
            }
            return Ok(());
        }
        if name == "begin" || name == "end" {
            let env = self.braced_raw()?.trim().to_string();
            if name == "begin" {
                if env == "array" {
                    self.braced_raw()?; // column spec such as {cc}
                }
                self.tokens.push(Token::Begin(env));
            } else {
                self.tokens.push(Token::End(env));
            }
            return Ok(());
        }
        if matches!(name.as_str(), "hline" | "cline") {
            if name == "cline" {
                self.braced_raw()?;
            }
            return Ok(());
        }
        if name == "operatorname" {
            let raw = self.braced_raw()?;
            self.tokens.push(Token::Word(raw.trim().to_string()));
            return Ok(());
        }
        let tok = match name.as_str() {
            "cdot" | "times" | "ast" => Token::Times,
            "div" => Token::Divide,
            "pm" | "mp" => Token::PlusMinus,
            "le" | "leq" | "leqslant" => Token::Rel(RelOp::Le),
            "ge" | "geq" | "geqslant" => Token::Rel(RelOp::Ge),
            "lt" => Token::Rel(RelOp::Lt),
            "gt" => Token::Rel(RelOp::Gt),
            "ne" | "neq" => Token::Rel(RelOp::Ne),
            "in" => Token::Rel(RelOp::In),
            "approx" | "simeq" | "sim" => Token::Approx,
            // "12 \bmod 5" is the operation (= 2).
            "bmod" | "mod" => Token::Modulo,
            "pmod" => {
                // "2 \pmod{7}": the residue is the answer; the modulus is context.
                if self.chars[self.pos..].iter().find(|c| !c.is_whitespace()) == Some(&'{') {
                    self.braced_raw()?;
                } else {
                    self.skip_bare_token();
                }
                return Ok(());
            }
            "lbrace" => Token::SetOpen,
            "rbrace" => Token::SetClose,
            "lvert" | "rvert" | "vert" | "mid" => Token::Pipe,
            _ => Token::Cmd(name.clone()),
        };
        self.tokens.push(tok);
        self.mark_bare_arguments(bare_argument_count(&name));
        Ok(())
    }

    /// Skips whitespace and one number or word (the argument of `\pmod 7`).
    fn skip_bare_token(&mut self) {
        while self.peek(0).is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
        while self.peek(0).is_some_and(|c| c.is_alphanumeric()) {
            self.pos += 1;
        }
    }

    /// For `\frac12`-style commands, records where single-digit bare arguments end.
    fn mark_bare_arguments(&mut self, count: usize) {
        let mut p = self.pos;
        for _ in 0..count {
            while self.chars.get(p).is_some_and(|c| c.is_whitespace()) {
                p += 1;
            }
            match self.chars.get(p) {
                Some('{') => {
                    let mut depth = 0usize;
                    while let Some(&c) = self.chars.get(p) {
                        if c == '{' {
                            depth += 1;
                        } else if c == '}' {
                            depth -= 1;
                            if depth == 0 {
                                p += 1;
                                break;
                            }
                        }
                        p += 1;
                    }
                }
                Some('[') => return, // \sqrt[n]{…}: the index and group are braced.
                Some(c) if c.is_ascii_digit() => {
                    self.digit_breaks.push(p + 1);
                    p += 1;
                }
                Some('\\') => {
                    p += 1;
                    while self.chars.get(p).is_some_and(|c| c.is_ascii_alphabetic()) {
                        p += 1;
                    }
                }
                Some(_) => p += 1,
                None => return,
            }
        }
    }
}

#[cfg(test)]
#[path = "lexer_tests.rs"]
mod tests;
