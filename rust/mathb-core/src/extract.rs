//! Final-answer extraction: find the span of a completion that holds its final answer.
//!
//! Order: text after the last `</think>`; then the last non-empty `\boxed{…}` / `\fbox{…}`
//! (balanced braces, or `\boxed 5`); then the text after the last answer anchor ("final answer
//! is", "the answer is", "Answer:", with markdown bold). Math delimiters are stripped.

/// How the answer was located.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Boxed,
    Anchor,
    /// The whole (short) string is the answer: used for gold answers and `verify`.
    Whole,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Boxed => "boxed",
            Method::Anchor => "anchor",
            Method::Whole => "whole",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extraction {
    pub text: String,
    pub method: Method,
}

const THINK_END: &str = "</think>";
const BOX_COMMANDS: [&str; 2] = ["\\boxed", "\\fbox"];
/// Anchors, lower case; the last occurrence of any of them in the completion wins.
const ANCHORS: [&str; 4] = [
    "final answer is",
    "the answer is",
    "final answer",
    "answer:",
];

/// Extracts the final answer of a model completion, or `None` when there is none.
pub fn extract_final_answer(completion: &str) -> Option<Extraction> {
    let region = match completion.rfind(THINK_END) {
        Some(i) => &completion[i + THINK_END.len()..],
        None => completion,
    };
    if let Some(text) = last_boxed(region) {
        return Some(Extraction {
            text,
            method: Method::Boxed,
        });
    }
    last_anchored(region).map(|text| Extraction {
        text,
        method: Method::Anchor,
    })
}

/// Reads a gold answer or an already-extracted answer: a box inside it wins, otherwise the
/// whole string, without math delimiters.
pub fn extract_answer_string(s: &str) -> Option<Extraction> {
    // GSM8K solutions end in "#### 18".
    if let Some(i) = s.rfind("####") {
        let text = strip_math_delimiters(s[i + 4..].trim());
        if !text.is_empty() {
            return Some(Extraction {
                text: text.to_string(),
                method: Method::Anchor,
            });
        }
    }
    if let Some(text) = last_boxed(s) {
        return Some(Extraction {
            text,
            method: Method::Boxed,
        });
    }
    let text = strip_math_delimiters(s.trim());
    (!text.is_empty()).then(|| Extraction {
        text: text.to_string(),
        method: Method::Whole,
    })
}

/// Content of the last non-empty box command in `s`.
fn last_boxed(s: &str) -> Option<String> {
    let mut end = s.len();
    loop {
        // Last box command starting before `end`.
        let (start, cmd) = BOX_COMMANDS
            .iter()
            .filter_map(|cmd| s[..end].rfind(cmd).map(|i| (i, *cmd)))
            .max_by_key(|(i, _)| *i)?;
        let after = &s[start + cmd.len()..];
        // `\boxedfoo` is another command, not a box.
        let is_command_end = !after.starts_with(|c: char| c.is_ascii_alphabetic());
        if is_command_end {
            if let Some(content) = box_content(after) {
                let content = strip_math_delimiters(content.trim());
                if !content.is_empty() {
                    return Some(content.to_string());
                }
            }
        }
        end = start;
    }
}

/// The argument of a box command: a balanced `{…}` group, or a bare token (`\boxed 5`).
fn box_content(after: &str) -> Option<&str> {
    let trimmed = after.trim_start();
    if let Some(body) = trimmed.strip_prefix('{') {
        let mut depth = 1usize;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            if escaped {
                escaped = false;
                continue;
            }
            match c {
                '\\' => escaped = true,
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(&body[..i]);
                    }
                }
                _ => {}
            }
        }
        return None; // unbalanced: not a usable box
    }
    if trimmed.len() == after.len() {
        return None; // `\boxed5` without a space is not standard; `\boxed 5` is
    }
    let end = trimmed
        .find(|c: char| c.is_whitespace() || c == '$' || c == '\\')
        .unwrap_or(trimmed.len());
    let token = trimmed[..end].trim_end_matches(['.', ',']);
    (!token.is_empty()).then_some(token)
}

/// Text after the last answer anchor, up to the end of its line.
fn last_anchored(s: &str) -> Option<String> {
    // ASCII lower-casing keeps byte offsets aligned with `s`.
    let lower = s.to_ascii_lowercase();
    let (pos, anchor) = ANCHORS
        .iter()
        .filter_map(|a| lower.rfind(a).map(|i| (i, *a)))
        // Latest start wins; at the same start the longer anchor ("final answer is").
        .max_by_key(|(i, a)| (*i, a.len()))?;
    let rest = &s[pos + anchor.len()..];
    let rest =
        rest.trim_start_matches(|c: char| c == ':' || c == '*' || c == '#' || c.is_whitespace());
    let line = rest.lines().next().unwrap_or("");
    let answer = first_math_segment(line).unwrap_or_else(|| sentence(line));
    let answer = strip_math_delimiters(answer.trim());
    (!answer.is_empty()).then(|| answer.to_string())
}

/// The first `$…$`, `\(…\)` or `\[…\]` segment of a line, if any.
fn first_math_segment(line: &str) -> Option<&str> {
    for (open, close) in [("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")] {
        if let Some(i) = line.find(open) {
            let body = &line[i + open.len()..];
            if let Some(j) = body.find(close) {
                return Some(&body[..j]);
            }
        }
    }
    None
}

/// A line cut at its first sentence end (". " or a final "."), without markdown emphasis.
fn sentence(line: &str) -> &str {
    let cut = line.find(". ").unwrap_or(line.len());
    let s = line[..cut].trim().trim_end_matches('*').trim();
    s.strip_suffix('.')
        .unwrap_or(s)
        .trim_end_matches('*')
        .trim()
}

/// Removes one layer of math delimiters around the whole string.
pub fn strip_math_delimiters(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let before = s;
        for (open, close) in [("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")] {
            if s.len() >= open.len() + close.len() && s.starts_with(open) && s.ends_with(close) {
                let inner = &s[open.len()..s.len() - close.len()];
                // `$5$ and $6$` is two math segments, not one delimited answer.
                if !inner.contains(close) {
                    s = inner.trim();
                    break;
                }
            }
        }
        if s == before {
            return s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(s: &str) -> Option<String> {
        extract_final_answer(s).map(|e| e.text)
    }

    #[test]
    fn boxed_with_nested_braces() {
        assert_eq!(
            ex("so \\boxed{\\frac{1}{2}} done").as_deref(),
            Some("\\frac{1}{2}")
        );
        assert_eq!(ex("\\fbox{7}").as_deref(), Some("7"));
        assert_eq!(ex("thus $\\boxed 5$.").as_deref(), Some("5"));
        assert_eq!(ex("\\boxed{1} then \\boxed{2}").as_deref(), Some("2"));
        assert_eq!(ex("\\boxed{$3$}").as_deref(), Some("3"));
    }

    #[test]
    fn unbalanced_or_empty_box_falls_back() {
        assert_eq!(ex("\\boxed{4} and \\boxed{}").as_deref(), Some("4"));
        assert_eq!(ex("\\boxed{4} and \\boxed{oops").as_deref(), Some("4"));
    }

    #[test]
    fn think_block_is_skipped() {
        let s = "<think>maybe \\boxed{3}</think> The answer is $4$.";
        assert_eq!(ex(s).as_deref(), Some("4"));
        assert_eq!(ex("<think>\\boxed{3}</think> I am not sure."), None);
    }

    #[test]
    fn anchors() {
        assert_eq!(
            ex("The final answer is $\\frac{3}{4}$. I hope").as_deref(),
            Some("\\frac{3}{4}")
        );
        assert_eq!(ex("So the answer is 12.").as_deref(), Some("12"));
        assert_eq!(ex("work\nAnswer: 3.5").as_deref(), Some("3.5"));
        assert_eq!(ex("**Final Answer:** 42").as_deref(), Some("42"));
        assert_eq!(ex("**Answer: 17**").as_deref(), Some("17"));
        assert_eq!(ex("\\(x = 2\\) is the answer? no anchor here"), None);
        assert_eq!(ex("Final answer: \\(x=5\\)").as_deref(), Some("x=5"));
    }

    #[test]
    fn gold_strings() {
        let gsm = "She pays 3 * 6 = <<3*6=18>>18 dollars.\n#### 18";
        assert_eq!(extract_answer_string(gsm).unwrap().text, "18");
        assert_eq!(extract_answer_string("so $\\boxed{7}$").unwrap().text, "7");
        assert_eq!(
            extract_answer_string(" $\\frac12$ ").unwrap().text,
            "\\frac12"
        );
    }

    #[test]
    fn delimiters_stripped() {
        assert_eq!(strip_math_delimiters("$$ 5 $$"), "5");
        assert_eq!(strip_math_delimiters("\\[\\frac12\\]"), "\\frac12");
        assert_eq!(strip_math_delimiters("$5$ and $6$"), "$5$ and $6$");
    }
}
