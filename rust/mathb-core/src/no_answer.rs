//! Why a completion holds no final answer: it was cut off (truncated), it went round in a
//! loop until it was cut off (looping), it declined or asked for what the problem lacks
//! (refused), or none of these (other). Only completions with nothing extracted are asked,
//! so the scan is off the hot path.

/// The cause of a `no_answer` verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NoAnswerKind {
    /// Cut off mid-sentence (or stopped by the token limit).
    Truncated,
    /// Ends in a repeated passage.
    Looping,
    /// Declines, or asks for information the problem does not give.
    Refused,
    /// Anything else (an answer the extractor cannot see, an empty completion).
    Other,
}

impl NoAnswerKind {
    /// Every kind, in the order summaries list them.
    pub const ALL: [NoAnswerKind; 4] = [
        NoAnswerKind::Truncated,
        NoAnswerKind::Looping,
        NoAnswerKind::Refused,
        NoAnswerKind::Other,
    ];

    /// The kind's name in summaries: `truncated`, `looping`, `refused`, `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            NoAnswerKind::Truncated => "truncated",
            NoAnswerKind::Looping => "looping",
            NoAnswerKind::Refused => "refused",
            NoAnswerKind::Other => "other",
        }
    }
}

/// Bytes of the completion's end that are searched.
const TAIL_BYTES: usize = 6000;
/// The longest repeated passage looked for, in bytes.
const MAX_PERIOD: usize = 1000;
/// A loop must span at least this many bytes (so `...` or `====` is no loop).
const MIN_LOOP_BYTES: usize = 120;

/// Phrases (lower case) of a reply that declines or asks for missing information.
const REFUSALS: [&str; 22] = [
    "i cannot",
    "i can't",
    "i can not",
    "i'm unable",
    "i am unable",
    "i'm not able",
    "i am not able",
    "unable to determine",
    "cannot be determined",
    "can't be determined",
    "not enough information",
    "insufficient information",
    "missing information",
    "information is missing",
    "please provide",
    "could you provide",
    "could you please",
    "need more information",
    "without the figure",
    "without the diagram",
    "i'm sorry",
    "i apologize",
];

/// Why `completion` (one with no extracted answer) holds none.
pub fn why_no_answer(completion: &str) -> NoAnswerKind {
    let text = completion.trim_end();
    if text.is_empty() {
        return NoAnswerKind::Other;
    }
    let tail = &text.as_bytes()[text.len().saturating_sub(TAIL_BYTES)..];
    if is_looping(tail) {
        return NoAnswerKind::Looping;
    }
    let end = &text[floor_boundary(text, text.len().saturating_sub(800))..];
    let lower = end.to_lowercase().replace('’', "'");
    if REFUSALS.iter().any(|p| lower.contains(p)) {
        return NoAnswerKind::Refused;
    }
    if cut_off(text) {
        return NoAnswerKind::Truncated;
    }
    NoAnswerKind::Other
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Whether the tail is periodic over its last three periods (and `MIN_LOOP_BYTES`): a
/// passage written again and again, however the last copy was cut.
fn is_looping(tail: &[u8]) -> bool {
    let n = tail.len();
    (1..=MAX_PERIOD.min(n / 3)).any(|p| {
        let span = (3 * p).max(MIN_LOOP_BYTES);
        span <= n && (n - span + p..n).all(|i| tail[i] == tail[i - p])
    })
}

/// Whether the text stops mid-sentence: its last character ends no sentence, formula or
/// block.
fn cut_off(text: &str) -> bool {
    let last = text.chars().next_back().unwrap_or('.');
    !matches!(
        last,
        '.' | '!' | '?' | '。' | '！' | '？' | ')' | ']' | '}' | '$' | '"' | '\'' | '*' | '`' | '>'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use NoAnswerKind::*;

    #[test]
    fn kinds() {
        assert_eq!(
            why_no_answer("so $x = 5$, and then we multiply by"),
            Truncated
        );
        assert_eq!(why_no_answer("First, the area is 12. Next we"), Truncated);
        let looped = format!(
            "We start. {}",
            "Let me recompute the sum again. ".repeat(40)
        );
        assert_eq!(why_no_answer(&looped[..looped.len() - 7]), Looping);
        assert_eq!(why_no_answer(&format!("x{}", "1".repeat(200))), Looping);
        assert_eq!(
            why_no_answer("The figure is not shown. Could you provide the lengths of the sides?"),
            Refused
        );
        assert_eq!(
            why_no_answer("I’m sorry, but I can’t help with that."),
            Refused
        );
        assert_eq!(why_no_answer("I give up."), Other);
        assert_eq!(why_no_answer("   "), Other);
        // Short repeats and rules are not loops.
        assert_eq!(why_no_answer("Done!!!!!!!!"), Other);
    }

    #[test]
    fn long_and_multibyte_text_is_safe() {
        assert_eq!(why_no_answer(&"é".repeat(5000)), Looping);
        let mixed: String = (0..3000)
            .map(|i| char::from_u32(0x4e00 + i).unwrap())
            .collect();
        assert_eq!(why_no_answer(&mixed), Truncated);
    }
}
