//! Multiple-choice answers: the option letter an answer names (`C`, `(C)`, `\text{(C) } 98`),
//! and the option text written after a label (`(E) Soft`, `B (no)`).

/// The multiple-choice letter (A–J) an answer names: `C`, `(C)`, `\text{(C)}`, `(c)`; and a
/// letter in parentheses that leads its option's text (`(C) 98`, `\text{(C) } 98`). When
/// `whole` is false (an answer, not a gold) also `C) 1000`, `C. 1000`, `C: 1000`.
pub fn choice_letter(text: &str, whole: bool) -> Option<char> {
    let unwrapped = without_text_commands(trim_spacing(text));
    let t = trim_spacing(&unwrapped);
    // "therefore (B)", "definitely **(A) Yes": a connective before the answer's label.
    let t = match whole {
        true => t,
        false => without_lead_in(t),
    };
    let t = without_option_word(t);
    let parenthesized = t.starts_with('(');
    let t = t.strip_prefix('(').unwrap_or(t).trim_start();
    let mut chars = t.chars();
    let first = chars.next()?;
    let after = chars.as_str();
    // A lower-case letter is a variable unless it is written as an option label: `(b)`.
    let letter = match first {
        'A'..='J' => first,
        'a'..='j' if parenthesized && after.starts_with(')') => first.to_ascii_uppercase(),
        _ => return None,
    };
    let rest = after.trim_start();
    let rest = rest.strip_prefix(')').unwrap_or(rest).trim();
    if rest.is_empty() {
        return Some(letter);
    }
    // "(A), (B) and (C)": several options named, not one choice.
    if names_another_choice(rest) {
        return None;
    }
    // "(C) 98": the label in parentheses, then its option.
    if parenthesized && after.starts_with(')') {
        return Some(letter);
    }
    // "C) 1000", "C. 1000", "C: 1000", "B (no)": a letter followed by its option text.
    // "B, no", "B - No": the letter, then its option's words.
    let delimited = after.starts_with(')')
        || after.starts_with('.')
        || after.starts_with(':')
        || (after.starts_with(", ") && !letters_listed(&after[2..]))
        || after.starts_with(" - ")
        || after.starts_with(" – ")
        || (after.starts_with(" (") && after.trim_end().ends_with(')'));
    (!whole && delimited).then_some(letter)
}

/// Whether `rest` goes on with single letters (`b, c` in `A, b, c`): a list of names, not an
/// option's text.
fn letters_listed(rest: &str) -> bool {
    let first = rest.split(',').next().unwrap_or("").trim();
    let mut chars = first.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic())
}

/// `t` without a leading connective ("therefore", "so", "thus", "hence", "definitely") and
/// the emphasis after it.
fn without_lead_in(t: &str) -> &str {
    for word in ["therefore ", "so ", "thus ", "hence ", "definitely "] {
        let n = word.len();
        if t.len() > n && t.is_char_boundary(n) && t[..n].eq_ignore_ascii_case(word) {
            return t[n..].trim_start().trim_start_matches('*');
        }
    }
    t
}

/// `t` without a leading "option " or "choice " (`option D: 120°`).
fn without_option_word(t: &str) -> &str {
    for word in ["option ", "Option ", "choice ", "Choice "] {
        if let Some(rest) = t.strip_prefix(word) {
            return rest.trim_start();
        }
    }
    t
}

/// Whether `rest` (what follows a choice label) goes on to name another option:
/// `, (B)`, `and (C)`, `/D`.
fn names_another_choice(rest: &str) -> bool {
    let r = rest.trim_start_matches([',', ';', '/', '、', ' ']);
    let r = ["and ", "or "]
        .iter()
        .find_map(|w| r.strip_prefix(w))
        .unwrap_or(r)
        .trim_start();
    let paren = r.starts_with('(');
    let mut chars = r.strip_prefix('(').unwrap_or(r).chars();
    let letter = chars.next();
    let is_letter = letter.is_some_and(|c| c.is_ascii_uppercase() && c <= 'J')
        || (paren && letter.is_some_and(|c| ('a'..='j').contains(&c)));
    let closes = matches!(chars.next(), None | Some(')' | ',' | ' ' | '.'));
    r.len() < rest.len() && is_letter && closes
}

/// The option label an answer opens with and the option's text after it: `(E) Soft` →
/// (E, `Soft`), `B (no)` → (B, `no`), `\textbf{(A) }20.25` → (A, `20.25`), `C) 1000`,
/// `C. 1000`, `C: 1000`. `None` when the answer is a bare letter or names several options.
pub fn labelled_option(text: &str) -> Option<(char, String)> {
    let letter = choice_letter(text, false)?;
    let unwrapped = without_text_commands(trim_spacing(text));
    let t = without_option_word(without_lead_in(trim_spacing(&unwrapped)));
    let t = t.strip_prefix('(').unwrap_or(t).trim_start();
    // Past the letter, the delimiter after it, and emphasis or a comma (`(A)**, a polynomial`).
    let rest = t.get(1..)?.trim_start();
    let rest = rest
        .strip_prefix([')', '.', ':'])
        .unwrap_or(rest)
        .trim_start_matches(['*', ',', ':', ' ', '-', '–']);
    // "B (no)": the option's text in parentheses.
    let rest = match rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        Some(inner) => inner,
        None => rest,
    };
    let rest = rest.trim().trim_end_matches('.').trim();
    (!rest.is_empty()).then(|| (letter, rest.to_string()))
}

/// `text` with `\text{…}`, `\textbf{…}`, `\mathrm{…}` and `\mathbf{…}` replaced by their
/// content (one level), so that `\text{(C) } 98` reads `(C)  98`, and full-width
/// parentheses made plain (`（D）`).
fn without_text_commands(text: &str) -> std::borrow::Cow<'_, str> {
    const WRAPPERS: [&str; 4] = ["\\textbf", "\\text", "\\mathrm", "\\mathbf"];
    if !text.contains(['\\', '（', '）']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // No wrapper after the last `}` can close: knowing where it is spares a search to the
    // end of the text at every unclosed wrapper.
    let last_close = text.rfind('}');
    'scan: while !rest.is_empty() {
        for w in WRAPPERS {
            // `\text{…}` and `\text {…}`; `\textit` is another command.
            let Some(after) = rest.strip_prefix(w) else {
                continue;
            };
            if let Some(inner) = after.trim_start_matches(' ').strip_prefix('{') {
                let inner_at = inner.as_ptr() as usize - text.as_ptr() as usize;
                let closable = last_close.is_some_and(|c| c >= inner_at);
                if let Some(close) = inner.find('}').filter(|_| closable) {
                    out.push_str(&inner[..close]);
                    rest = &inner[close + 1..];
                    continue 'scan;
                }
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        // Full-width parentheses, as Chinese text writes an option: `（D）`.
        out.push(match c {
            '（' => '(',
            '）' => ')',
            other => other,
        });
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
}

/// `text` without the white space and LaTeX spacing commands (`\\quad`, `\\,`, `~`, …) at
/// either end: `\\quad \\textbf{(D)}` names choice D.
fn trim_spacing(text: &str) -> &str {
    let mut t = text.trim();
    loop {
        // Every spacing command is `~` or starts with `\\`, within its last 8 bytes: a text
        // that opens with neither and holds neither near its end has none to drop.
        let bytes = t.as_bytes();
        let tail = &bytes[bytes.len().saturating_sub(8)..];
        let opens = matches!(bytes.first(), Some(b'\\' | b'~'));
        if !opens && !tail.contains(&b'\\') && bytes.last() != Some(&b'~') {
            return t;
        }
        let rest = drop_spacing_commands(t);
        if rest.len() == t.len() {
            return t;
        }
        t = rest;
    }
}

/// `t` after one pass dropping each spacing command (and the white space it leaves) at
/// either end.
fn drop_spacing_commands(mut t: &str) -> &str {
    const SPACES: [&str; 9] = [
        "\\qquad",
        "\\quad",
        "\\,",
        "\\;",
        "\\:",
        "\\!",
        "\\ ",
        "~",
        "\\enspace",
    ];
    for space in SPACES {
        // A command name ends where letters do: `\\quadrant` is no `\\quad`.
        if let Some(rest) = t.strip_prefix(space) {
            if !(space.ends_with(|c: char| c.is_ascii_alphabetic())
                && rest.starts_with(|c: char| c.is_ascii_alphabetic()))
            {
                t = rest.trim_start();
            }
        }
        if let Some(rest) = t.strip_suffix(space) {
            t = rest.trim_end();
        }
    }
    t
}

#[cfg(test)]
mod tests {
    /// `trim_spacing` without its early return: every spacing command tried until none is
    /// left at either end.
    fn trim_spacing_everywhere(text: &str) -> &str {
        let mut t = text.trim();
        loop {
            let rest = drop_spacing_commands(t);
            if rest.len() == t.len() {
                return t;
            }
            t = rest;
        }
    }

    proptest::proptest! {
        #[test]
        fn spacing_is_trimmed_as_when_every_command_is_tried(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "\\qquad", "\\quad", "\\quadrant", "\\,", "\\;", "\\:", "\\!", "\\ ", "~",
                "\\enspace", " ", "(D)", "B", "x", "\\", "\\textbf{(C)}", "é", ".",
            ]), 0..8),
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(trim_spacing(&text), trim_spacing_everywhere(&text));
        }
    }

    use super::*;
    use crate::grade::grade;
    use crate::options::Options;
    use crate::verdict::Status;

    #[test]
    fn option_labels_and_their_text() {
        for (text, option) in [
            ("(E) Soft", Some(('E', "Soft"))),
            ("B (no)", Some(('B', "no"))),
            ("\\textbf{(A) }20.25", Some(('A', "20.25"))),
            ("C) 1000.", Some(('C', "1000"))),
            ("(b) \\{0, 1\\}", Some(('B', "\\{0, 1\\}"))),
            ("C", None),
            ("(A), (B), (C)", None),
            ("x + 1", None),
        ] {
            let got = labelled_option(text);
            assert_eq!(
                got.as_ref().map(|(l, t)| (*l, t.as_str())),
                option,
                "{text}"
            );
        }
        assert_eq!(choice_letter("(A),(B),(C),(D),(E)", false), None);
        assert_eq!(choice_letter("(A), (B), and (C)", false), None);
        assert_eq!(choice_letter("(A) 5, 6", false), Some('A'));
    }

    #[test]
    fn choice_letters_behind_spacing_commands() {
        for (text, letter) in [
            ("\\quad \\textbf{(D)}", Some('D')),
            ("\\textbf{(B)}\\quad", Some('B')),
            ("\\qquad(C)~", Some('C')),
            ("\\text{ \\, A}", Some('A')),
            ("\\quadrant A", None),
            ("\\quad x", None),
        ] {
            assert_eq!(choice_letter(text, true), letter, "{text}");
        }
        let o = Options::default();
        let graded = |answer: &str| grade("\\text{(B)}", answer, &o).status;
        assert_eq!(graded("so \\boxed{\\quad \\textbf{(B)}}"), Status::Correct);
        assert_eq!(
            graded("so \\boxed{\\quad \\textbf{(D)}}"),
            Status::Incorrect
        );
    }
}
