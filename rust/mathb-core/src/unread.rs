//! What an answer the parser cannot read still says for certain against a numeric gold: a
//! bound (`<240`, `\geq 5`) is no value, and text in which no number is written at all
//! (`\vec{g}`, "The line is about _ centimeters long") cannot name the gold's number.

use crate::number_words::is_number_word;

/// Relations that open a bound.
const BOUND_OPENERS: [&str; 12] = [
    "<",
    ">",
    "≤",
    "≥",
    "\\le",
    "\\ge",
    "\\leq",
    "\\geq",
    "\\lt",
    "\\gt",
    "\\leqslant",
    "\\geqslant",
];

/// An answer that opens with an order relation (`<240`, `\geq 5`): it bounds the value
/// without stating one.
pub(crate) fn states_a_bound(answer: &str) -> bool {
    let t = answer.trim_start();
    BOUND_OPENERS.iter().any(|op| {
        t.strip_prefix(op).is_some_and(|rest| {
            // `\le` must be the whole command, not the start of `\left`.
            !op.starts_with('\\') || !rest.starts_with(|c: char| c.is_ascii_alphabetic())
        })
    })
}

/// Commands that write a number without a digit.
const NUMBER_COMMANDS: [&str; 8] = [
    "\\pi", "\\infty", "\\infin", "\\varpi", "\\phi", "\\varphi", "\\tau", "\\e",
];

/// Text in which no number is written: no digit of any script, no number word, no constant
/// command, no lone `e` or `i`, and only ASCII letters (a word in another script might be a
/// number). Such an answer cannot equal a numeric gold, whatever else it says.
pub(crate) fn writes_no_number(answer: &str) -> bool {
    if answer
        .chars()
        .any(|c| c.is_numeric() || (c.is_alphabetic() && !c.is_ascii()))
    {
        return false;
    }
    if NUMBER_COMMANDS.iter().any(|cmd| {
        answer
            .match_indices(cmd)
            .any(|(i, _)| !answer[i + cmd.len()..].starts_with(|c: char| c.is_ascii_alphabetic()))
    }) {
        return false;
    }
    // Words of letters outside commands: a lone `e` or `i` may be Euler's number or the
    // imaginary unit; number words name numbers.
    let mut rest = answer;
    while let Some(start) = rest.find(|c: char| c.is_ascii_alphabetic()) {
        let command = rest[..start].ends_with('\\');
        let word_end = rest[start..]
            .find(|c: char| !c.is_ascii_alphabetic())
            .map_or(rest.len(), |n| start + n);
        let word = rest[start..word_end].to_ascii_lowercase();
        if !command && (word == "e" || word == "i" || is_number_word(&word)) {
            return false;
        }
        rest = &rest[word_end..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        for t in ["<240", " > 3", "\\geq 5", "\\le x", "≤ 2", "\\leqslant 1"] {
            assert!(states_a_bound(t), "{t}");
        }
        for t in [
            "240",
            "\\left(1,2\\right)",
            "x < 3",
            "\\lfloor x \\rfloor",
            "-3",
            "= 5",
        ] {
            assert!(!states_a_bound(t), "{t}");
        }
    }

    #[test]
    fn numbers_written_without_digits() {
        for t in [
            "\\vec{g}",
            "The line is about _ centimeters long",
            "Rani's crabs + Monic's crabs = Total number of crabs",
            "\\text{capacitance}",
        ] {
            assert!(writes_no_number(t), "{t}");
        }
        for t in [
            "\\frac{\\pi}{\\mathrm{x}",
            "twelve apples",
            "one hundred",
            "e^{x",
            "2\\vec{g}",
            "\\varphi^",
            "三个",
            "x_٣",
            "a half",
        ] {
            assert!(!writes_no_number(t), "{t}");
        }
    }

    #[test]
    fn graded_end_to_end() {
        use crate::options::Options;
        use crate::verdict::Status;
        let status = |gold: &str, answer: &str| {
            crate::grade::verify(gold, answer, &Options::default()).status
        };
        for (gold, answer) in [
            ("0.5", "\\bfrac{1}{2}"),
            ("\\frac12", "\\sfrac{1}{2}"),
            ("\\frac34", "\\nicefrac{3}{4}"),
            ("3\\sqrt2", "3\\sqrt{2.}"),
            ("(1, 4)", "(1, 4.)"),
            ("50\\%", "50\\\\%"),
            ("g", "\\vec{g}"),
        ] {
            assert_eq!(status(gold, answer), Status::Correct, "{gold} vs {answer}");
        }
        for (gold, answer) in [
            ("160", "<240"),
            ("-47", "\\vec{g}"),
            ("3", "The line is about _ centimeters long"),
            ("122", "Rani's crabs + Monic's crabs = Total"),
        ] {
            assert_eq!(
                status(gold, answer),
                Status::Incorrect,
                "{gold} vs {answer}"
            );
        }
        // `\\genfrac` is no two-argument fraction.
        assert_ne!(
            status("\\frac{1}{2}", "\\genfrac{}{}{}{}{1}{2}"),
            Status::Incorrect
        );
        // Unread with a number in it: nothing is claimed.
        assert_eq!(status("3", "\\foo{3}"), Status::Undecided);
    }
}
