//! Final-answer extraction: find the span of a completion that holds its final answer.
//!
//! Order: text after the last `</think>`; then the last non-empty `\boxed{…}` / `\fbox{…}`
//! (balanced braces, or `\boxed 5`); then the text after the last answer anchor ("final answer
//! is", "the answer is", "Answer:", with markdown bold). Math delimiters are stripped.

use memchr::memmem::Finder;
use std::sync::LazyLock;

/// How the answer was located.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Inside `\boxed{…}` (or `\fbox`).
    Boxed,
    /// After an answer phrase ("the answer is", "####", "Answer:" and the like).
    Anchor,
    /// The last math segment of the final paragraph (no box, no anchor).
    LastMath,
    /// The last number of the final line (lenient mode only).
    LastNumber,
    /// The whole (short) string is the answer: used for gold answers and `verify`.
    Whole,
}

impl Method {
    /// The method's name as the verdicts and the Python API write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Boxed => "boxed",
            Method::Anchor => "anchor",
            Method::LastMath => "last_math",
            Method::LastNumber => "last_number",
            Method::Whole => "whole",
        }
    }
}

/// The final answer found in a completion, and how it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extraction {
    /// The answer's text.
    pub text: String,
    /// How it was located.
    pub method: Method,
}

const THINK_END: &str = "</think>";
const CHAT_END_MARKERS: [&str; 5] = [
    "<|im_start|>",
    "<|im_end|>",
    "<|endoftext|>",
    "<|eot_id|>",
    "<|end_of_text|>",
];
/// Anchors, lower case; the last occurrence of any of them in the completion wins.
/// A bare "answer" counts only when a math delimiter follows it ("Answer $9$").
const ANCHORS: [&str; 7] = [
    "####",
    "final answer is",
    "the answer is",
    "answer is",
    "final answer",
    "answer:",
    "answer",
];
/// Words that judge an answer rather than state one.
const JUDGEMENTS: [&str; 5] = ["correct", "incorrect", "wrong", "right", "not correct"];
const MATH_DELIMITERS: [(&str, &str); 4] =
    [("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")];

/// Where answers may be looked for when there is neither a box nor an anchor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ExtractMode {
    /// Boxes and answer anchors only.
    Strict,
    /// Also the last math segment (`$…$`, `\(…\)`, `\[…\]`) of the final paragraph.
    #[default]
    Standard,
    /// Also the last number of the final line of plain text.
    Lenient,
}

/// Restores LaTeX commands whose backslash became a control character when the text went
/// through a non-raw string literal (`"\frac"` in Python is form feed + "rac").
pub fn repair_control_escapes(s: &str) -> std::borrow::Cow<'_, str> {
    const TAB_COMMANDS: [&str; 8] = ["text", "times", "tfrac", "theta", "tau", "tan", "to", "top"];
    let suspicious = |c: char| matches!(c, '\u{7}' | '\u{8}' | '\u{b}' | '\u{c}' | '\t' | '\r');
    // Byte scan first: almost no text holds these control characters.
    if !has_control_byte(s.as_bytes()) || !s.contains(suspicious) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        let letter_follows = after.starts_with(|n: char| n.is_ascii_alphabetic());
        let replacement = match c {
            '\u{7}' if letter_follows => Some("\\a"),
            '\u{8}' if letter_follows => Some("\\b"),
            '\u{b}' if letter_follows => Some("\\v"),
            '\u{c}' if letter_follows => Some("\\f"),
            '\r' if after.starts_with("ight") => Some("\\r"),
            '\t' if TAB_COMMANDS.iter().any(|t| after.starts_with(&t[1..])) => Some("\\t"),
            _ => None,
        };
        match replacement {
            Some(r) => out.push_str(r),
            None => out.push(c),
        }
        rest = after;
    }
    std::borrow::Cow::Owned(out)
}

/// Whether `b` is one of the control characters 7, 8, 9, 11, 12, 13 that a LaTeX command's
/// backslash may have become (without branches, so that scans of it vectorize).
#[inline]
pub fn is_repairable_control(b: u8) -> bool {
    (b.wrapping_sub(7) < 7) & (b != b'\n')
}

/// Whether `s` holds a byte [`is_repairable_control`] accepts. Blocks are reduced without
/// an early exit inside them, so the compiler vectorizes the scan of long completions.
fn has_control_byte(s: &[u8]) -> bool {
    let mut blocks = s.chunks_exact(64);
    for block in &mut blocks {
        if block
            .iter()
            .fold(false, |seen, &b| seen | is_repairable_control(b))
        {
            return true;
        }
    }
    blocks.remainder().iter().any(|&b| is_repairable_control(b))
}

/// Searchers for the fixed strings extraction looks for, built once. Searches for a last
/// occurrence run forward (memchr's forward search has a SIMD prefilter, its reverse
/// search does not) and keep the last match.
static THINK_END_FINDER: LazyLock<Finder<'static>> =
    LazyLock::new(|| Finder::new(THINK_END.as_bytes()));
static CHAT_MARKER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"<|"));
static BOX_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"box"));
static GSM_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"####"));
static ANSWER_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"answer"));
/// Where "answer" sits in each anchor (None for "####").
static ANSWER_IN_ANCHOR: LazyLock<[Option<usize>; 7]> =
    LazyLock::new(|| ANCHORS.map(|a| a.as_bytes().windows(6).position(|w| w == b"answer")));

/// Byte offset of the last occurrence of `finder`'s needle in `hay`, as a reverse search
/// would find it (overlapping matches included).
fn find_last(finder: &Finder<'_>, hay: &[u8]) -> Option<usize> {
    let needle = finder.needle();
    let last = finder.find_iter(hay).last()?;
    // The forward matches do not overlap: a later, overlapping one starts within the last.
    let overlapping = (last + 1..last + needle.len()).rev();
    Some(
        overlapping
            .into_iter()
            .find(|&p| hay[p..].starts_with(needle))
            .unwrap_or(last),
    )
}

/// Byte offset of the first `needle` in `hay`. Needles are the math delimiters: one byte
/// (memchr), or two, searched as a pair by prebuilt finders (a search for the first byte
/// alone stops at every backslash of a LaTeX text).
fn find_short(hay: &[u8], needle: &[u8]) -> Option<usize> {
    static PAIRS: LazyLock<Vec<Finder<'static>>> = LazyLock::new(|| {
        let pairs = MATH_DELIMITERS
            .iter()
            .flat_map(|&(open, close)| [open, close]);
        pairs.filter(|d| d.len() == 2).map(Finder::new).collect()
    });
    match needle {
        [one] => memchr::memchr(*one, hay),
        _ => match PAIRS.iter().find(|f| f.needle() == needle) {
            Some(finder) => finder.find(hay),
            None => memchr::memmem::find(hay, needle),
        },
    }
}

/// Byte offset of the first chat-template end marker: one scan for their common `<|` prefix.
fn first_chat_end_marker(s: &str) -> Option<usize> {
    CHAT_MARKER
        .find_iter(s.as_bytes())
        .find(|&i| CHAT_END_MARKERS.iter().any(|m| s[i..].starts_with(m)))
}

/// Extracts the final answer of a model completion, or `None` when there is none.
pub fn extract_final_answer(completion: &str) -> Option<Extraction> {
    extract_final_answer_with(completion, ExtractMode::default())
}

/// [`extract_final_answer`] with an explicit fallback mode.
pub fn extract_final_answer_with(completion: &str, mode: ExtractMode) -> Option<Extraction> {
    // The end-of-thinking tag and the chat end markers all start with '<': one byte search
    // spares both substring searches in the many completions without that byte.
    let angled = memchr::memchr(b'<', completion.as_bytes()).is_some();
    let think_end = angled.then(|| find_last(&THINK_END_FINDER, completion.as_bytes()));
    let region = match think_end.flatten() {
        Some(i) => &completion[i + THINK_END.len()..],
        None => completion,
    };
    // Text after a chat-template end marker is the model talking past its turn.
    let chat_end = angled.then(|| first_chat_end_marker(region));
    let region = chat_end.flatten().map_or(region, |i| &region[..i]);
    // An end-of-sequence token written out (`</s>`) ends the completion too.
    let eos = angled.then(|| memchr::memmem::find(region.as_bytes(), b"</s>"));
    let region = eos.flatten().map_or(region, |i| &region[..i]);
    let region = statements::before_invented_question(region);
    let found = |text: String, method: Method| {
        Some(Extraction {
            text: without_sentence_end(without_markup_tag(&text)).to_string(),
            method,
        })
    };
    let boxed = last_boxed(region);
    // With a box, only an anchor after it can matter: search just that tail.
    let anchor_from = boxed.as_ref().map_or(0, |(end, _)| *end);
    let tail = &region[anchor_from..];
    // ASCII lower-casing keeps byte offsets aligned with `tail`: the anchors, phrases and
    // endings below are all searched in this one lower-cased copy.
    let lower = tail.to_ascii_lowercase();
    let lower = lower.as_bytes();
    // The other statements count only after the last English anchor: search just that part.
    let english = last_anchored(tail, lower);
    let from = english.as_ref().map_or(0, |a| a.pos);
    let later = |found: Option<Anchored>| {
        found.map(|a| Anchored {
            pos: a.pos + from,
            ..a
        })
    };
    let anchored = [
        english,
        later(statements::last_phrase(&tail[from..], &lower[from..])),
        later(statements::named_correct_option(
            &tail[from..],
            &lower[from..],
        )),
    ]
    .into_iter()
    .flatten()
    .max_by_key(|a| a.pos)
    .map(|a| Anchored {
        pos: a.pos + anchor_from,
        ..a
    });
    match (boxed, anchored) {
        // "… \boxed{5}. Wait, that is wrong … so the answer is 7": the later commitment wins,
        // when a value follows its anchor at once, not prose ("the answer is to be written
        // as …", "the answer is considered as 220").
        (Some((box_end, _)), Some(a))
            if a.pos >= box_end && a.direct && looks_like_math(&a.text) =>
        {
            found(a.text, Method::Anchor)
        }
        (Some((_, text)), _) => found(text, Method::Boxed),
        // "the answer is no, there are not …": the reply's yes or no.
        (None, Some(a)) => {
            let text = statements::opening_yes_no(&a.text).unwrap_or(a.text);
            found(text, Method::Anchor)
        }
        (None, None) => {
            if mode == ExtractMode::Strict {
                return None;
            }
            if let Some(whole) = statements::whole_answer(region) {
                return found(whole.text, whole.method);
            }
            let paragraph = final_paragraph(region);
            let math = last_math_segment(paragraph);
            // A bold value that closes the text, or a concluding sentence, after the last
            // math states the answer.
            let after_math = |start: usize| math.as_ref().is_none_or(|(_, end, _)| start >= *end);
            if let Some((start, text)) = statements::closing_bold(paragraph) {
                if after_math(start) {
                    return found(text, Method::LastMath);
                }
            }
            if let Some((start, value)) = statements::concluding_value(paragraph) {
                if after_math(start) {
                    return found(value.text, value.method);
                }
            }
            if let Some((_, value)) = statements::short_reply_value(region) {
                return found(value.text, value.method);
            }
            if let Some((start, value)) = statements::stated_closing_value(paragraph) {
                if after_math(start) {
                    return found(value.text, value.method);
                }
            }
            // Lenient: a plain number after the last math segment is the later statement.
            if mode == ExtractMode::Lenient {
                let after_math = math.as_ref().map_or(0, |(_, end, _)| *end);
                if let Some(number) = number_in(&paragraph[after_math..]) {
                    return Some(number);
                }
            }
            // A completion cut off mid-sentence ("So $x - 2 \ge 0$, t") has no final answer:
            // its last math is an intermediate step.
            // A program's printed result after the last math.
            if let Some((start, text)) = statements::last_program_output(region) {
                let paragraph_at = paragraph.as_ptr() as usize - region.as_ptr() as usize;
                let math_end = math.as_ref().map(|(_, end, _)| paragraph_at + end);
                if math_end.is_none_or(|end| start >= end) {
                    return found(text, Method::LastMath);
                }
            }
            let last_math = math
                .filter(|(_, end, _)| ends_a_statement(&paragraph[*end..]))
                .and_then(|(_, _, text)| found(text, Method::LastMath));
            last_math.or_else(|| {
                statements::opening_yes_no(region).and_then(|w| found(w, Method::Whole))
            })
        }
    }
}

/// Text with at least two plain words of three or more letters ("Jane started growing …"),
/// as opposed to math, where letters are variables and words are `\commands`.
pub fn looks_like_prose(text: &str) -> bool {
    let mut words = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_alphabetic() {
            if c == '\\' {
                // A command name is not a word.
                while chars.next_if(|n| n.is_ascii_alphabetic()).is_some() {}
            }
            continue;
        }
        let mut len = 1;
        while chars.next_if(|n| n.is_alphabetic()).is_some() {
            len += 1;
        }
        if len >= 3 {
            words += 1;
        }
    }
    words >= 2
}

/// An answer without the full stop of the sentence it closes (`60.`, `130^\circ.`); an
/// ellipsis stays.
pub fn without_sentence_end(text: &str) -> &str {
    let t = text.trim();
    for end in [".", "。", "\\text{.}", ",", ";"] {
        if let Some(rest) = t.strip_suffix(end) {
            if !rest.ends_with('.') && !rest.trim().is_empty() {
                return rest.trim_end();
            }
        }
    }
    t
}

/// An answer without a markup tag after it (`2.998*10^7 <PRM +>`, `12</b>`): a tag opens
/// with `<` and a letter (or `/` and a letter) and holds no further `<`.
fn without_markup_tag(text: &str) -> &str {
    let t = text.trim_end();
    let Some(body) = t.strip_suffix('>') else {
        return text;
    };
    let Some(open) = body.rfind('<') else {
        return text;
    };
    let tag = &body[open + 1..];
    let name = tag.strip_prefix('/').unwrap_or(tag);
    let rest = t[..open].trim_end();
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() && !rest.is_empty() => rest,
        _ => text,
    }
}

/// The last number stated in plain text, as a lenient extraction.
pub fn number_in(text: &str) -> Option<Extraction> {
    let (_, number) = last_number(text)?;
    Some(Extraction {
        text: with_decimal_point(&number).unwrap_or(number),
        method: Method::LastNumber,
    })
}

/// A plain number written with a decimal comma (`2,74`, `1000,99`, `0,111`) rewritten with a
/// decimal point; `None` when the comma can be a thousands separator (`1,000`) or the text is
/// not one number. Only lenient extraction uses it: in math, `1,2` is a list.
pub fn with_decimal_point(s: &str) -> Option<String> {
    let t = s.trim();
    let unsigned = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = unsigned.split_once(',')?;
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !digits(frac) {
        return None;
    }
    let thousands = frac.len() == 3 && int.len() <= 3 && !int.starts_with('0');
    // One digit after the comma reads as a list (`-2,1`), not a decimal.
    (!thousands && frac.len() >= 2).then(|| t.replacen(',', ".", 1))
}

/// Whether the text after the last math closes the completion: nothing, a sentence that
/// ends, or a short unit or label (`$28$ percent`). A comma and a word fragment
/// (`$x \ge 0$, t`) is a completion cut off mid-sentence.
fn ends_a_statement(after: &str) -> bool {
    let t = after.trim().trim_end_matches(['*', ')', '"', '\'']);
    let short_label = t.split_whitespace().count() <= 3
        && t.chars().all(|c| c.is_alphabetic() || c.is_whitespace());
    t.is_empty() || t.ends_with(['.', '!', '?', ':']) || short_label
}

/// Whether anchored text can be a committed answer (a digit or math), not "correct" or "wrong".
fn looks_like_math(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_ascii_digit() || c == '\\' || c == '^' || c == '=')
        || text.chars().count() <= 2
        || crate::choice::choice_letter(text, true).is_some()
}

/// Text after the last blank line, ignoring trailing blank lines.
fn final_paragraph(s: &str) -> &str {
    let t = s.trim_end();
    match t.rfind("\n\n") {
        Some(i) => &t[i + 2..],
        None => t,
    }
}

/// The last number written in plain text (`1,000.99`, `-3`, `.5`, `2/3`, `100%`) with its byte
/// offset; separators are kept for the parser.
fn last_number(text: &str) -> Option<(usize, String)> {
    // Digits, separators and signs are ASCII: bytes are read (no byte of a longer character
    // is ASCII), backwards from the last digit, so only the number itself is looked at.
    let b = text.as_bytes();
    let last = b.iter().rposition(u8::is_ascii_digit)?;
    let mut start = last;
    while start > 0 {
        let c = b[start - 1];
        // Separators and a fraction bar count only between digits: "1,000.5", "2/3".
        let joins = matches!(c, b',' | b'.' | b'/') && start >= 2 && b[start - 2].is_ascii_digit();
        if c.is_ascii_digit() || joins {
            start -= 1;
        } else {
            break;
        }
    }
    if start > 0 && b[start - 1] == b'.' {
        start -= 1;
    }
    if start > 0 && b[start - 1] == b'-' {
        start -= 1;
    } else if text[..start].ends_with('−') {
        start -= '−'.len_utf8();
    }
    let end = last + 1 + usize::from(b.get(last + 1) == Some(&b'%'));
    Some((start, text[start..end].to_string()))
}

/// Reads a gold answer or an already-extracted answer: a box inside it wins, otherwise the
/// whole string, without math delimiters.
pub fn extract_answer_string(s: &str) -> Option<Extraction> {
    // GSM8K solutions end in "#### 18".
    if let Some(i) = find_last(&GSM_FINDER, s.as_bytes()) {
        let text = strip_math_delimiters(s[i + 4..].trim());
        if !text.is_empty() {
            return Some(Extraction {
                text: text.to_string(),
                method: Method::Anchor,
            });
        }
    }
    // A reference answer states no earlier attempts: boxes apart in a few words are one answer.
    if let Some((_, text)) = boxed_group(s, joins_gold_boxes) {
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

/// The text after an answer anchor.
struct Anchored {
    /// Byte offset of the anchor.
    pos: usize,
    /// Up to the end of its line, or its math segment.
    text: String,
    /// Whether a value follows the anchor at once ("the answer is $7$", "Answer: 7"), not prose.
    direct: bool,
}

/// Occurrences of each anchor tried, last first: a text of thousands of anchors that state
/// nothing ("The answer is correct.") costs a bounded amount of work.
const MAX_ANCHORS_TRIED: usize = 64;

/// Bytes after an anchor read for its answer: an answer this long is past what the parser
/// takes (`MAX_ANSWER_CHARS` characters of at most four bytes), so reading further would
/// only cost time on text made of anchors.
const ANSWER_WINDOW: usize = 16 * 1024;

/// The start of `s`, at most [`ANSWER_WINDOW`] bytes (cut at a character boundary).
pub(crate) fn answer_window(s: &str) -> &str {
    let mut end = s.len().min(ANSWER_WINDOW);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The text after the last answer anchor of `s`, whose ASCII lower-cased bytes are `lower`.
fn last_anchored(s: &str, lower: &[u8]) -> Option<Anchored> {
    // Every anchor but "####" holds "answer" (which cannot overlap itself): one scan for it
    // finds every occurrence of all of them.
    let answers: Vec<usize> = ANSWER_FINDER.find_iter(lower).collect();
    let mut best: Option<Anchored> = None;
    let gsm = find_last(&GSM_FINDER, lower);
    for (anchor, answer_at) in ANCHORS.into_iter().zip(*ANSWER_IN_ANCHOR) {
        // The anchor's occurrences, last first: "####", or those around an "answer".
        let around_answer = answers.iter().rev().filter_map(|&q| {
            let p = q.checked_sub(answer_at?)?;
            lower[p..].starts_with(anchor.as_bytes()).then_some(p)
        });
        let occurrences = gsm
            .filter(|_| answer_at.is_none())
            .into_iter()
            .chain(around_answer);
        for pos in occurrences.take(MAX_ANCHORS_TRIED) {
            if best.as_ref().is_some_and(|b| b.pos >= pos) {
                break;
            }
            let rest = s[pos + anchor.len()..].trim_start_matches(|c: char| {
                c == ':' || c == '*' || c == '#' || c.is_whitespace()
            });
            let rest = answer_window(rest);
            let starts_math = MATH_DELIMITERS
                .iter()
                .any(|(open, _)| rest.starts_with(open));
            if anchor == "answer" && !starts_math {
                continue;
            }
            // "If x > 2, then the answer is (B).": one case of several, not the answer.
            if statements::in_conditional(s, pos) {
                continue;
            }
            // Display math may span lines; otherwise the answer ends with its line.
            // An unclosed `$` ("#### $30") is a currency sign, not math.
            let answer = match first_math_segment(rest) {
                Some(_) if starts_math => Some(stated_value(rest)),
                _ => Some(stated_value(rest.lines().next().unwrap_or(""))),
            };
            let answer = answer.unwrap_or_default();
            let answer = strip_math_delimiters(answer.trim());
            // "This answer is correct.": a judgement of an earlier answer, not an answer.
            if JUDGEMENTS.contains(&answer.to_ascii_lowercase().as_str()) {
                continue;
            }
            // "The answer is" cut off at the end: an earlier statement stands.
            if answer.is_empty() {
                continue;
            }
            let direct = rest.starts_with(|c: char| {
                c.is_ascii_digit() || matches!(c, '$' | '\\' | '-' | '(' | '{')
            });
            best = Some(Anchored {
                pos,
                text: answer.to_string(),
                direct,
            });
            break;
        }
    }
    best
}

/// The answer stated on an anchored line: its first math segment — with the segments written
/// right after it (`$12$ and $13$`) — or the value after "is" when the math only names the
/// quantity ("The largest $n$ is 34."), or the plain sentence.
fn stated_value(line: &str) -> String {
    // "(b) $\theta^2$": the option label stays with the value it labels.
    if let Some(after) = option_label_end(line) {
        let value = stated_value(&line[after..]);
        return format!("{} {value}", line[..after].trim());
    }
    let Some((_, mut end, first)) = next_math_segment(line, 0) else {
        return sentence(line).to_string();
    };
    let tail = line[end..]
        .trim_start_matches(['$', ')', ']', '\\'])
        .trim_start();
    if let Some(value) = tail.strip_prefix("is ") {
        let value = value.trim_start();
        if value.starts_with(|c: char| c.is_ascii_digit() || c == '$' || c == '-') {
            let v = sentence(value);
            return first_math_segment(v).unwrap_or(v).to_string();
        }
    }
    let mut parts = vec![first.trim()];
    let mut segments = MathSegments::new(line);
    while let Some((start, next_end, body)) = segments.next_from(end) {
        let between = &line[end..start];
        if between.trim().is_empty() || !joins_boxes(between) {
            break;
        }
        parts.push(body.trim());
        end = next_end;
    }
    parts.join(", ")
}

/// Where a leading option label `(b)` / `(B)` followed by math ends, or `None`.
fn option_label_end(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let labelled = b.len() > 4
        && b[0] == b'('
        && b[1].is_ascii_alphabetic()
        && b[2] == b')'
        && crate::choice::choice_letter(&line[..3], true).is_some();
    let math_follows = labelled && line[3..].trim_start().starts_with(['$', '\\']);
    math_follows.then_some(3)
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

#[path = "extract_math.rs"]
mod math;
pub use math::strip_math_delimiters;
use math::{first_math_segment, last_math_segment, next_math_segment, MathSegments};

#[path = "extract_statements.rs"]
mod statements;
pub use statements::{has_words, is_math_notation};

#[path = "extract_boxes.rs"]
mod boxes;
use boxes::{boxed_group, joins_boxes, joins_gold_boxes, last_boxed};

#[cfg(test)]
#[path = "extract_tests.rs"]
mod tests;
