//! Numerals in the lexer: digit runs, thousands separators (`1,000`, `1{,}000`, `1\,000`) and
//! decimals, turned into number tokens.

use super::lexer::{err, LexError, Lexer, Token};
use crate::expr::Literal;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;

/// Longest repeating block read (`0.\overline{142857}` has 6 digits).
const MAX_REPEATING_DIGITS: usize = 64;

/// Largest power of ten a decimal literal is scaled by: 10^9864 < 2^`MAX_BITS`, the largest
/// number exact arithmetic keeps. A larger scale is refused before it is built, since
/// building and reducing `1e-999999` alone takes seconds.
const MAX_DECIMAL_SCALE: u64 = (crate::number::MAX_BITS as f64 * std::f64::consts::LOG10_2) as u64;

impl Lexer<'_> {
    /// A repeating block after the digits read so far: `0.\overline{4}`, `0.1\overline{6}`,
    /// `0.\dot{3}`, `0.\bar{3}`. Consumes it and returns its digits.
    fn repeating_digits(&mut self, after_point: bool) -> Option<String> {
        const AFTER_POINT: [&str; 4] = ["\\overline{", "\\bar{", "\\dot{", "\\overset{\\cdot}{"];
        const WITH_POINT: [&str; 4] = [".\\overline{", ".\\bar{", ".\\dot{", ".\\overset{\\cdot}{"];
        let openers = if after_point { AFTER_POINT } else { WITH_POINT };
        for opener in openers {
            if !self.at_str(opener) {
                continue;
            }
            let start = self.pos + opener.chars().count();
            let mut end = start;
            while self.chars.get(end).is_some_and(char::is_ascii_digit) {
                end += 1;
            }
            let len = end - start;
            if len == 0 || len > MAX_REPEATING_DIGITS || self.chars.get(end) != Some(&'}') {
                return None;
            }
            let digits = self.chars[start..end].iter().collect();
            self.pos = end + 1;
            return Some(digits);
        }
        None
    }

    /// Pushes the exact value of `int.frac(repeating)…`: a rational, not a rounded decimal.
    fn push_repeating(&mut self, int: &str, frac: &str, repeating: &str) -> Result<(), LexError> {
        let parse = |d: &str| -> BigInt { d.parse().unwrap_or_else(|_| BigInt::zero()) };
        let ten = BigInt::from(10u32);
        let shift = ten.pow(frac.len() as u32);
        let period = ten.pow(repeating.len() as u32) - BigInt::from(1u32);
        // int + frac/10^f + rep/(10^f · (10^r − 1))
        let fixed = parse(int) * &shift + parse(frac);
        let numerator = fixed * &period + parse(repeating);
        let value = BigRational::new(numerator, shift * period);
        self.tokens.push(Token::Num(Literal {
            value,
            decimal_places: None,
            significant_digits: (int.len() + frac.len() + repeating.len()) as u32,
        }));
        Ok(())
    }

    fn digits(&mut self) -> String {
        let mut s = String::new();
        while let Some(d) = self.peek(0) {
            if !d.is_ascii_digit() || (!s.is_empty() && self.digit_breaks.contains(&self.pos)) {
                break;
            }
            s.push(d);
            self.pos += 1;
        }
        s
    }

    /// Length of a thousands separator at the current position followed by exactly three
    /// digits and then a non-digit; 0 when there is none.
    fn bracket_depth(&self) -> i32 {
        self.tokens.iter().fold(0, |depth, t| match t {
            Token::LParen | Token::LBracket | Token::SetOpen => depth + 1,
            Token::RParen | Token::RBracket | Token::SetClose => depth - 1,
            _ => depth,
        })
    }

    fn thousands_separator_len(&self, in_brackets: bool) -> usize {
        let seps: [&str; 14] = [
            " {, }", " {,}", "{, }", ",\\! ", ",\\, ", ",\\!", ",\\,", ",", "{,}", "\\,", "\\!",
            "\\ ", " ", "~",
        ];
        for sep in seps {
            if in_brackets && sep == "," {
                continue;
            }
            if self.at_str(sep) {
                let n = sep.chars().count();
                let group_digits =
                    (0..3).all(|k| self.peek(n + k).is_some_and(|c| c.is_ascii_digit()));
                let then = self.peek(n + 3);
                if group_digits && !then.is_some_and(|c| c.is_ascii_digit()) {
                    return n;
                }
            }
        }
        0
    }

    pub(super) fn number(&mut self) -> Result<(), LexError> {
        let bare =
            !self.digit_breaks.is_empty() && self.digit_breaks.iter().any(|&b| b == self.pos + 1);
        let mut int_part = self.digits();
        // `0,5` is never a thousands group; inside (…), […] or \{…\} a bare comma separates
        // elements: (12,102) is a pair.
        if !bare && !int_part.is_empty() && int_part.len() <= 3 && !int_part.starts_with('0') {
            let in_brackets = self.bracket_depth() > 0;
            loop {
                let n = self.thousands_separator_len(in_brackets);
                if n == 0 {
                    break;
                }
                self.pos += n;
                int_part.push_str(&self.digits());
            }
        }
        let mut frac_part: Option<String> = None;
        if !bare && self.peek(0) == Some('.') && self.peek(1).is_some_and(|d| d.is_ascii_digit()) {
            self.pos += 1;
            frac_part = Some(self.digits());
        } else if !bare
            && self.peek(0) == Some('.')
            && matches!(self.peek(1), Some('}' | ')' | ']'))
        {
            // `3\sqrt{2.}`, `(4.)`: a point closing a group ends the number, as a full stop
            // ends a sentence.
            self.pos += 1;
        }
        if !bare {
            if let Some(repeating) = self.repeating_digits(frac_part.is_some()) {
                let frac = frac_part.unwrap_or_default();
                return self.push_repeating(&int_part, &frac, &repeating);
            }
        }
        // Scientific notation written as 1.5e-7 (directly adjacent, digits after).
        let mut exp10: i64 = 0;
        if !bare && matches!(self.peek(0), Some('e') | Some('E')) {
            let (sign_len, neg) = match self.peek(1) {
                Some('-') | Some('−') => (1, true),
                Some('+') => (1, false),
                _ => (0, false),
            };
            if self.peek(1 + sign_len).is_some_and(|d| d.is_ascii_digit()) {
                self.pos += 1 + sign_len;
                let e = self.digits();
                if e.len() > 6 {
                    return err("exponent too large");
                }
                exp10 = e.parse::<i64>().unwrap_or(0);
                if neg {
                    exp10 = -exp10;
                }
            }
        }
        if int_part.len() + frac_part.as_ref().map_or(0, String::len) > 4000 {
            return err("number literal too long");
        }
        let frac_digits = frac_part.as_deref().unwrap_or_default();
        let mut all = String::with_capacity(int_part.len() + frac_digits.len());
        all.push_str(&int_part);
        all.push_str(frac_digits);
        let mantissa: BigInt = if all.is_empty() {
            BigInt::zero()
        } else {
            all.parse().map_err(|_| LexError {
                message: "bad number".into(),
            })?
        };
        let places = frac_digits.len() as i64 - exp10;
        if places.unsigned_abs() > MAX_DECIMAL_SCALE {
            return err("exponent too large");
        }
        let ten = BigInt::from(10u32);
        let value = if places == 0 {
            BigRational::from_integer(mantissa)
        } else if places > 0 {
            BigRational::new(mantissa, ten.pow(places as u32))
        } else {
            BigRational::from_integer(mantissa * ten.pow((-places) as u32))
        };
        let significant = all.trim_start_matches('0').len() as u32;
        let decimal_places = if frac_part.is_some() || exp10 != 0 {
            Some(places.max(0) as u32)
        } else {
            None
        };
        self.tokens.push(Token::Num(Literal {
            value,
            decimal_places,
            significant_digits: significant.max(1),
        }));
        Ok(())
    }
}
