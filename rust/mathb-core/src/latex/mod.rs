//! LaTeX / plain-math answer parsing: [`lexer`] turns text into tokens, [`parser`] into [`Expr`].

mod commands;
pub mod lexer;
mod numerals;
pub mod parser;

use crate::expr::Expr;

/// Longest answer string parsed; longer answers are reported as undecided.
pub const MAX_ANSWER_CHARS: usize = 2000;

/// The parse error of an answer nested deeper than the parser goes.
const TOO_DEEP: &str = "nesting too deep";
/// How the parse error of an answer longer than [`MAX_ANSWER_CHARS`] starts.
const TOO_LONG: &str = "answer longer than";

/// Whether a parse error is one of the parser's bounds (length, nesting) rather than text it
/// cannot read: such an answer is math too big to judge, not prose to search for a number.
pub fn is_bound_error(message: &str) -> bool {
    message.starts_with(TOO_LONG) || message == TOO_DEEP
}

/// Answers parsed lately on this thread, newest first. One answer is read several times
/// while it is graded (whether it is prose, its class for maj@k, against the gold and each
/// option), so the last few readings are kept rather than parsed again.
const RECENT_PARSES: usize = 8;

type Parsed = Result<Expr, String>;

thread_local! {
    /// Each with the steps its parse took, charged again on every use (a verdict never
    /// depends on what the thread parsed before).
    static RECENT: std::cell::RefCell<std::collections::VecDeque<(Box<str>, Parsed, u64)>> =
        const { std::cell::RefCell::new(std::collections::VecDeque::new()) };
}

/// Parses one answer string (already extracted from a completion).
pub fn parse_answer(src: &str) -> Result<Expr, String> {
    let hit = RECENT.with(|r| {
        r.borrow()
            .iter()
            .find(|(text, _, _)| **text == *src)
            .map(|(_, parsed, steps)| (parsed.clone(), *steps))
    });
    if let Some((parsed, steps)) = hit {
        crate::budget::charge(steps);
        return parsed;
    }
    let (parsed, steps) = crate::budget::counted(|| parse_uncached(src));
    if src.len() > 4 * MAX_ANSWER_CHARS {
        return parsed; // refused for its length: not worth keeping
    }
    RECENT.with(|r| {
        let mut recent = r.borrow_mut();
        if recent.len() == RECENT_PARSES {
            recent.pop_back();
        }
        recent.push_front((src.into(), parsed.clone(), steps));
    });
    parsed
}

fn parse_uncached(src: &str) -> Parsed {
    if src.len() > MAX_ANSWER_CHARS && src.chars().nth(MAX_ANSWER_CHARS).is_some() {
        return Err(format!("{TOO_LONG} {MAX_ANSWER_CHARS} characters"));
    }
    let (tokens, degree_marks) = lexer::tokenize_marked(src).map_err(|e| e.message)?;
    parser::parse_tokens_marked(tokens, degree_marks).map_err(|e| e.message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::Expr;

    fn p(s: &str) -> Expr {
        parse_answer(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn parses_fractions_and_mixed_numbers() {
        assert!(matches!(p("\\frac{1}{2}"), Expr::Div(..)));
        assert!(matches!(p("\\dfrac12"), Expr::Div(..)));
        assert!(matches!(p("2\\frac{1}{2}"), Expr::Add(..)));
        assert!(matches!(p("2 1/2"), Expr::Add(..)));
        assert!(matches!(p("2\\pi"), Expr::Mul(..)));
        // The percent sign after a mixed number applies to all of it.
        assert!(
            matches!(p("66\\frac{2}{3}\\%"), Expr::Percent(inner) if matches!(*inner, Expr::Add(..)))
        );
        assert!(
            matches!(p("-2\\frac{1}{2}\\%"), Expr::Percent(inner) if matches!(*inner, Expr::Neg(..)))
        );
    }

    #[test]
    fn strips_units_and_keeps_text() {
        assert!(matches!(p("5\\text{ cm}"), Expr::Num(_)));
        assert!(matches!(p("12 apples"), Expr::Num(_)));
        assert_eq!(p("\\text{Yes}"), Expr::Text("yes".into()));
        // Compound units written in text after the value.
        for unit in [
            "\\mathrm{~cm} / \\mathrm{s}^2",
            "\\text{kg}\\cdot\\text{m}^{2}",
            "\\text{km}\\cdot\\text{h}^{-1}",
        ] {
            assert_eq!(p(&format!("10 {unit}")), p("10"), "{unit}");
        }
        // Not a unit: an operation on text follows the value.
        assert!(parse_answer("10 \\text{cm} + 3").is_err() || p("10 \\text{cm} + 3") != p("10"));
    }

    #[test]
    fn relations_and_lists() {
        assert!(matches!(p("x = 5"), Expr::Rel(..)));
        assert!(matches!(p("1, 2"), Expr::List(..)));
        assert!(matches!(p("(1, 2)"), Expr::Tuple(..)));
        assert!(matches!(p("\\{1, 2\\}"), Expr::Set(..)));
    }

    #[test]
    fn errors_not_panics() {
        for s in ["(", "\\frac{1}", "1 +", "\\unknowncmd{x}", "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))"] {
            assert!(parse_answer(s).is_err(), "{s}");
        }
    }
}
