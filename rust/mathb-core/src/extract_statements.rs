//! Answer statements beyond the English anchors: few-shot `A:` lines, final-answer phrases of
//! the languages of multilingual benchmarks, "the result is …", a bold value that closes the
//! text, and a completion that is nothing but its answer.

use super::{stated_value, Anchored, Extraction, Method};

/// Where a phrase counts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// Anywhere in the text.
    Anywhere,
    /// Only at the start of a line (after white space or markdown emphasis): few-shot `A:`.
    LineStart,
}

/// Final-answer phrases, lower case where the script has case. The text after the last one
/// (up to the end of its line) states the answer. English phrases without "answer" need a
/// value right after them ("the result is 42"), so prose ("the result is negative") is not
/// taken for an answer.
pub(super) const PHRASES: [(&str, Place, bool); 59] = [
    // Few-shot GSM8K and similar prompts: "Q: …\nA: … The answer is 26." or "A: 26".
    ("a:", Place::LineStart, false),
    ("the result is", Place::Anywhere, true),
    ("final result is", Place::Anywhere, true),
    ("the solution is", Place::Anywhere, true),
    ("correct option is", Place::Anywhere, false),
    ("option letter is", Place::Anywhere, false),
    ("option is", Place::Anywhere, true),
    ("final value is", Place::Anywhere, true),
    ("correct choice is", Place::Anywhere, false),
    ("answer to your question is", Place::Anywhere, false),
    ("answer to the question is", Place::Anywhere, false),
    ("(arabic numerals) is", Place::Anywhere, false),
    // Chinese, Japanese.
    ("答案是", Place::Anywhere, false),
    ("答案为", Place::Anywhere, false),
    ("答案：", Place::Anywhere, false),
    ("答案:", Place::Anywhere, false),
    ("最终答案", Place::Anywhere, false),
    ("答案", Place::LineStart, false),
    ("选项为", Place::Anywhere, false),
    ("选项：", Place::Anywhere, false),
    ("选项:", Place::Anywhere, false),
    ("选项是", Place::Anywhere, false),
    ("故选", Place::Anywhere, false),
    ("答案选", Place::Anywhere, false),
    ("因此", Place::Anywhere, true),
    ("所以", Place::Anywhere, true),
    ("答えは", Place::Anywhere, false),
    ("答え：", Place::Anywhere, false),
    ("答え:", Place::Anywhere, false),
    ("解答：", Place::Anywhere, false),
    ("したがって", Place::Anywhere, true),
    // French.
    ("la réponse est", Place::Anywhere, false),
    ("réponse finale", Place::Anywhere, false),
    ("réponse :", Place::Anywhere, false),
    ("réponse:", Place::Anywhere, false),
    // Spanish.
    ("la respuesta es", Place::Anywhere, false),
    ("respuesta final", Place::Anywhere, false),
    ("respuesta:", Place::Anywhere, false),
    // German.
    ("die antwort ist", Place::Anywhere, false),
    ("die antwort lautet", Place::Anywhere, false),
    ("antwort:", Place::Anywhere, false),
    // Russian.
    ("ответ:", Place::Anywhere, false),
    ("Ответ:", Place::Anywhere, false),
    ("ответ —", Place::Anywhere, false),
    ("ответ равен", Place::Anywhere, false),
    ("ответ будет", Place::Anywhere, false),
    // Arabic.
    ("الإجابة هي", Place::Anywhere, false),
    ("الإجابة:", Place::Anywhere, false),
    ("الجواب هو", Place::Anywhere, false),
    ("الجواب:", Place::Anywhere, false),
    ("النتيجة", Place::Anywhere, true),
    // Hindi, Bengali, Telugu, Thai, Swahili (the other languages of MGSM).
    ("उत्तर है", Place::Anywhere, false),
    ("उत्तर:", Place::Anywhere, false),
    ("अंतिम उत्तर", Place::Anywhere, false),
    ("উত্তর", Place::Anywhere, false),
    ("సమాధానం", Place::Anywhere, false),
    ("คำตอบคือ", Place::Anywhere, false),
    ("คำตอบ:", Place::Anywhere, false),
    ("jibu ni", Place::Anywhere, false),
];

/// Endings that declare the option before them the answer: "option (C) is the correct
/// answer", "B is correct". Each is " is " or " is the " before "correct", and after it, for
/// the latter, one of [`NAMED_CORRECT_NOUNS`].
const NAMED_CORRECT_NOUNS: [&str; 3] = [" answer", " option", " choice"];

/// "correct", the word every ending holds: rare enough in text for a plain substring search,
/// where a searcher for the endings themselves would stop at every space.
static CORRECT_FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"correct"));

/// Where the last ending of a named correct option starts in `lower` (ASCII lower case).
fn last_named_correct(lower: &[u8]) -> Option<usize> {
    let ending = |q: usize| {
        let before = &lower[..q];
        if before.ends_with(b" is ") {
            return Some(q - 4);
        }
        let after = &lower[q + b"correct".len()..];
        (before.ends_with(b" is the ")
            && NAMED_CORRECT_NOUNS
                .iter()
                .any(|n| after.starts_with(n.as_bytes())))
        .then(|| q - 8)
    };
    CORRECT_FINDER.find_iter(lower).filter_map(ending).max()
}

/// The option an ending of a named correct option declares the answer, at its last
/// occurrence; `lower` is `s` in ASCII lower case.
pub(super) fn named_correct_option(s: &str, lower: &[u8]) -> Option<Anchored> {
    let pos = last_named_correct(lower)?;
    let mut words = s[..pos].split_whitespace().rev();
    let label = words.next()?;
    let letter = crate::choice::choice_letter(label, true)?;
    // "none of the options A, B, C, D is correct": a list of options denied, not one named.
    let sentence_start = s[..pos].rfind(['.', '\n', '!', '?']).map_or(0, |i| i + 1);
    let sentence = s[sentence_start..pos].to_ascii_lowercase();
    let listed = words.next().is_some_and(|w| w.ends_with(','));
    if listed || sentence.contains("none") || sentence.contains("not ") || in_conditional(s, pos) {
        return None;
    }
    Some(Anchored {
        pos,
        text: letter.to_string(),
        direct: true,
    })
}

/// Whether byte `pos` of `s` lies in a case of a case analysis: a sentence that opens with
/// "If" / "When" / "Suppose" and says "then" before it ("If …, then the answer is (A). If …,
/// then the answer is (B)."). "If we add them, the answer is 12." states the answer.
pub(super) fn in_conditional(s: &str, pos: usize) -> bool {
    // The clause opens at most CLAUSE_WINDOW bytes before the anchor; a longer one is no
    // case of an analysis, and looking back further would cost that much per anchor.
    let mut from = pos.saturating_sub(CLAUSE_WINDOW);
    while !s.is_char_boundary(from) {
        from += 1;
    }
    let start = s[from..pos]
        .rfind(['.', '\n', '!', '?'])
        .map_or(from, |i| from + i + 1);
    let clause = s[start..pos]
        .trim_start()
        .trim_start_matches(['*', '-', ' ']);
    let first = clause.split_whitespace().next().unwrap_or("");
    let opens = matches!(
        first.trim_end_matches(','),
        "If" | "if" | "When" | "when" | "Suppose"
    );
    opens && clause.split_whitespace().any(|w| w == "then")
}

/// Bytes before an anchor searched for the start of its clause.
const CLAUSE_WINDOW: usize = 1024;

/// The last final-answer phrase of `s` (see [`PHRASES`]) with the answer it states; `lower` is
/// `s` in ASCII lower case.
pub(super) fn last_phrase(s: &str, lower: &[u8]) -> Option<Anchored> {
    // Every occurrence of every phrase in one pass (the longest where two start together),
    // then the last one that states an answer.
    let mut found: Vec<(usize, usize)> = PHRASE_FINDER
        .find_iter(lower)
        .map(|m| (m.start(), m.pattern().as_usize() + 1))
        .collect();
    // "A:" (PHRASES[0]) on its own: a letter this common would defeat the phrase searcher's
    // prefilter, and the case-sensitive pair is found with memchr.
    found.extend(FEW_SHOT_ANSWER.find_iter(s.as_bytes()).map(|p| (p, 0)));
    found.sort_unstable_by(|a, b| b.cmp(a));
    found
        .into_iter()
        .take(MAX_PHRASES_TRIED)
        .find_map(|(pos, k)| phrase_at(s, pos, PHRASES[k]))
}

/// Occurrences tried, last first: each reads the rest of its line, so a text made of
/// thousands of phrases on one line costs a bounded amount of work.
const MAX_PHRASES_TRIED: usize = 64;

static FEW_SHOT_ANSWER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"A:"));

/// Searcher for [`PHRASES`] but the first, built once. The phrases are in lower case and the
/// text is searched lower-cased: the same matches as a case-insensitive searcher, whose
/// prefilter could not skip ahead on a phrase's first byte in either case.
static PHRASE_FINDER: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(PHRASES[1..].iter().map(|(p, _, _)| p))
            .expect("the phrases form a valid searcher")
    });

/// The answer stated after `phrase` at byte `pos` of `s`, if this occurrence states one.
fn phrase_at(
    s: &str,
    pos: usize,
    (phrase, place, needs_value): (&str, Place, bool),
) -> Option<Anchored> {
    if (place == Place::LineStart && !at_line_start(s, pos)) || in_conditional(s, pos) {
        return None;
    }
    // "A:" is case-sensitive ("Let a: …" is prose), and "A: 12" followed by "B: …" is the
    // first of a list of options, not an answer.
    if phrase == "a:"
        && (!s[pos..].starts_with('A') || opens_option_list(super::answer_window(&s[pos..])))
    {
        return None;
    }
    let rest = s[pos + phrase.len()..].trim_start_matches(|c: char| {
        matches!(c, ':' | '：' | '*' | '#' | ',' | '，' | '是' | '为' | '—') || c.is_whitespace()
    });
    let rest = super::answer_window(rest);
    let line = rest.lines().next().unwrap_or("");
    let direct =
        line.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '$' | '\\' | '-' | '(' | '{'));
    if needs_value && phrase.is_ascii() && !direct {
        return None;
    }
    let text = answer_on_line(line);
    let value = text.chars().any(|c| c.is_ascii_digit())
        || crate::choice::choice_letter(&text, false).is_some();
    if (needs_value && !value) || text.is_empty() {
        return None;
    }
    Some(Anchored { pos, text, direct })
}

/// Whether the line after `s`'s first one starts a "B" option (`B:`, `B)`, `B.`).
fn opens_option_list(s: &str) -> bool {
    let next = s.lines().nth(1).unwrap_or("").trim_start();
    next.starts_with("B:") || next.starts_with("B)") || next.starts_with("B.")
}

/// The answer a phrase's line states: its math, else its first sentence (cut at a full stop
/// of any script), without emphasis.
fn answer_on_line(line: &str) -> String {
    let line = line.split(['。', '।', '؟']).next().unwrap_or("");
    let value = stated_value(line);
    let value = value.trim().trim_matches('*').trim();
    super::strip_math_delimiters(value).to_string()
}

/// Whether byte `pos` of `s` starts a line, allowing white space and markdown emphasis
/// before it.
fn at_line_start(s: &str, pos: usize) -> bool {
    // Backwards to the line's start or to the first other character, whichever comes first
    // (not to the line's start in any case: a long line would cost that much per phrase).
    s[..pos]
        .chars()
        .rev()
        .take_while(|&c| c != '\n')
        .all(|c| c.is_whitespace() || matches!(c, '*' | '_' | '#' | '>'))
}

/// The few-shot continuation of a completion: a model prompted with "Q: … A: …" examples
/// often goes on to invent the next question. Everything from a line that opens a new
/// question, after the answer was given, is cut.
pub(super) fn before_invented_question(s: &str) -> &str {
    // Most texts hold no opener at all: one search spares reading them line by line.
    if QUESTION_OPENER_FINDER.find(s).is_none() {
        return s;
    }
    let mut line_start = 0;
    // Whether the lines before `checked` stated an answer: asked only at a "Problem:" line,
    // and each line read at most once for it.
    let (mut answered, mut checked) = (false, 0);
    let mut written = false;
    for line in s.split_inclusive('\n') {
        let t = line.trim_start();
        if written {
            let opens = t.starts_with("Q:") || t.starts_with("Question:");
            // "Problem:" also opens a restated problem at the start of a solution: it cuts
            // only once an answer was stated before it.
            let next_problem = t.starts_with("Problem:") && {
                if !answered {
                    let before = &s.as_bytes()[checked..line_start];
                    answered = ANSWER_IS_FINDER.find(before).is_some()
                        || BOXED_FINDER.find(before).is_some();
                    checked = line_start;
                }
                answered
            };
            if opens || next_problem {
                return &s[..line_start];
            }
        }
        written |= !t.is_empty();
        line_start += line.len();
    }
    s
}

/// What opens an invented question's line ("Problem:" only after an answer).
static QUESTION_OPENER_FINDER: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new(["Q:", "Question:", "Problem:"])
            .expect("the openers form a valid searcher")
    });

/// "answer is" and "\boxed", which state an answer before a restated problem; neither
/// spans lines, so a search of several lines at once finds what one per line would.
static ANSWER_IS_FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"answer is"));
static BOXED_FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\\boxed"));

/// Longest completion (in characters) read whole as its own answer.
const MAX_WHOLE_CHARS: usize = 80;
/// Most words in such a completion: "The speed is 50 km/h" is an answer, a paragraph is not.
const MAX_WHOLE_WORDS: usize = 8;

/// A completion that is only its answer (`42`, `x = 3`, `[90]`, `33 eggs.`, `The speed is 50
/// km/h`): one short line holding a digit, that is math as a whole or plain words around
/// exactly one number. Prose with math in it (`So $x - 2 \ge 0$, t`) is a fragment of
/// reasoning, not an answer.
pub(super) fn whole_answer(s: &str) -> Option<Extraction> {
    let t = s.trim();
    // `<image2>`: a markup tag, not an answer.
    if t.is_empty()
        || t.len() > 4 * MAX_WHOLE_CHARS
        || t.contains('\n')
        || (t.starts_with('<') && t.ends_with('>'))
        || t.chars().count() > MAX_WHOLE_CHARS
        || t.split_whitespace().nth(MAX_WHOLE_WORDS).is_some()
    {
        return None;
    }
    // `B`, `(C)`, `(A) Yes`: an option named.
    let bare = t.trim_matches('*').trim().trim_end_matches('.');
    if crate::choice::choice_letter(bare, false).is_some() {
        return Some(Extraction {
            text: bare.to_string(),
            method: Method::Whole,
        });
    }
    if !t.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let t = t.trim_matches('*').trim();
    let t = t.strip_suffix('.').unwrap_or(t).trim();
    // `[90]`: one bracketed value.
    let t = match t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        Some(inner) if !inner.contains([',', ';', '[', ']']) => inner.trim(),
        _ => t,
    };
    let t = super::strip_math_delimiters(t);
    // Math inside prose (`So $x - 2 \ge 0$, t`) is a fragment of reasoning; a lone `$` is
    // a currency sign. Without words around it (`16 $\pi$`), the line is one value.
    let joined;
    let t = if super::next_math_segment(t, 0).is_some() {
        if has_words(t) {
            return None;
        }
        joined = t.replace('$', " ");
        joined.trim()
    } else {
        t
    };
    // Math without words is the answer as written, even where the parser cannot read it
    // (`\left(=\dfrac{3}{2}\right)`): its last number is not its value.
    if !has_words(t) && (is_math_notation(t) || crate::latex::parse_answer(t).is_ok()) {
        return Some(Extraction {
            text: t.to_string(),
            method: Method::Whole,
        });
    }
    // A short line of words: its (last) number, as it ends the statement.
    super::number_in(t)
}

/// Words that open a concluding sentence.
const CONCLUDERS: [&str; 6] = [
    "therefore",
    "thus",
    "hence",
    "so",
    "in conclusion",
    "in total",
];
/// Words before a number that make it a bound or a denial, not the value.
const HEDGES: [&str; 16] = [
    "at least",
    "at most",
    "greater than",
    "less than",
    "more than",
    "fewer than",
    "smaller than",
    "larger than",
    "bigger than",
    "higher than",
    "lower than",
    "up to",
    "between",
    " not ",
    "none of",
    "__",
];
/// One searcher for every hedge, built once.
static HEDGE_FINDER: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new(HEDGES).expect("the hedges form a valid searcher")
    });
/// Numbers written as words: a sentence holding one before its digits ("There are two bars
/// with value 0") states its count in words, not in the digits.
const NUMBER_WORDS: [&str; 12] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve",
];

/// The value a closing sentence states ("Therefore, the probability that Alice wins is 2/3.",
/// "Thus there are 12 such sequences. I hope it is correct."), with the sentence's offset.
/// The sentence must open with a concluding word, end with a full stop, hold no math
/// delimiter, and be followed by at most one short sentence without a digit. Its value is
/// its one number, or the number right after its last "is" / "are" / "=".
pub(super) fn concluding_value(s: &str) -> Option<(usize, Extraction)> {
    closing_sentence_value(s, Closing::Concluded)
}

/// How a closing sentence must state its value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Closing {
    /// Opened by a concluding word ("Therefore, …").
    Concluded,
    /// The last sentence of a short reply: any one number.
    ShortReply,
    /// Any text: the number right after "is" / "are" / "=" ("The total is 7 entries.").
    Stated,
}

/// The value the closing sentence of any text states right after its verb: "… so the number
/// of entries per year is 46 - 39 = 7." — a declarative statement of the result.
pub(super) fn stated_closing_value(s: &str) -> Option<(usize, Extraction)> {
    closing_sentence_value(s, Closing::Stated)
}

/// Longest reply (in words and sentences) whose last sentence states its answer without a
/// concluding word: "The measure of angle A is 135 degrees.", "There are 3 dots in each
/// group." Longer texts need "Therefore" (see [`concluding_value`]).
const MAX_SHORT_REPLY_WORDS: usize = 60;
const MAX_SHORT_REPLY_SENTENCES: usize = 4;
/// Longest short reply in bytes: checked first, so that a long text without spaces or
/// sentence ends (a 10 MB run of one symbol) is not walked word by word.
const MAX_SHORT_REPLY_BYTES: usize = 4096;

/// The value the last sentence of a short reply without math states.
pub(super) fn short_reply_value(s: &str) -> Option<(usize, Extraction)> {
    let t = s.trim_end();
    let short = t.len() <= MAX_SHORT_REPLY_BYTES
        && t.split_whitespace().nth(MAX_SHORT_REPLY_WORDS).is_none()
        && last_sentences(t, MAX_SHORT_REPLY_SENTENCES + 1).len() <= MAX_SHORT_REPLY_SENTENCES;
    if !short || super::next_math_segment(t, 0).is_some() {
        return None;
    }
    closing_sentence_value(t, Closing::ShortReply)
}

/// The value the closing sentence of `s` states, as `mode` asks; see [`concluding_value`].
fn closing_sentence_value(s: &str, mode: Closing) -> Option<(usize, Extraction)> {
    // Only the last two sentences matter: cut long texts to their end first (at a character
    // boundary), keeping offsets relative to `s`.
    let t = s.trim_end();
    let mut cut = t.len().saturating_sub(CLOSING_WINDOW);
    while !t.is_char_boundary(cut) {
        cut += 1;
    }
    let (start, value) = closing_sentence_in(&t[cut..], mode)?;
    Some((start + cut, value))
}

/// Bytes at the end of a text searched for its closing sentences.
const CLOSING_WINDOW: usize = 2048;

fn closing_sentence_in(s: &str, mode: Closing) -> Option<(usize, Extraction)> {
    let t = s.trim_end();
    // The last two sentences, last first.
    let sentences = last_sentences(t, 2);
    let (start, end) = *sentences.first()?;
    let tail = &t[start..end];
    let mut last = 0;
    if sentences.len() > 1
        && !tail.chars().any(|c| c.is_ascii_digit())
        && tail.split_whitespace().count() <= 8
    {
        last = 1;
    }
    let (start, end) = sentences[last];
    let sentence = t[start..end].trim();
    // Math in the sentence is read as math elsewhere; a dollar amount (`$22.`) is a value.
    let has_math = super::next_math_segment(sentence, 0).is_some() || sentence.contains("\\(");
    if !sentence.ends_with(['.', '!']) || has_math {
        return None;
    }
    let lower = sentence.to_ascii_lowercase();
    let opened = CONCLUDERS.iter().any(|w| {
        lower
            .strip_prefix(w)
            .is_some_and(|r| r.starts_with([',', ' ']))
    });
    // A case of a case analysis ("If it is shorter, then …") states no answer either.
    let conditional = ["if ", "when ", "suppose "]
        .iter()
        .any(|w| lower.starts_with(w));
    if (mode == Closing::Concluded && !opened) || conditional || HEDGE_FINDER.is_match(&lower) {
        return None;
    }
    // A count in words before the digits ("two bars with values 0") is the count stated.
    let first_digit = lower
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(lower.len());
    let words_number = lower[..first_digit]
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| NUMBER_WORDS.contains(&w));
    if words_number {
        return None;
    }
    // "The area of the parallelogram ABCD is (C).": the option named last.
    if let Some(label) = closing_option_label(sentence) {
        return Some((start, label));
    }
    let value = match number_count(sentence) {
        0 => return None,
        1 if mode != Closing::Stated && !has_ratio(sentence) => super::number_in(sentence)?,
        1 if mode != Closing::Stated => return None,
        _ => {
            let after = [" is ", " are ", " = ", " equals "]
                .iter()
                .filter_map(|k| lower.rfind(k).map(|i| i + k.len()))
                .max()?;
            // The one number after the verb: "13 to 20" and "3:1" are not one value.
            let rest = &sentence[after..];
            let value_first = rest.starts_with(|c: char| c.is_ascii_digit() || c == '-');
            if !value_first || number_count(rest) != 1 || has_ratio(rest) {
                return None;
            }
            super::number_in(rest.split_whitespace().next().unwrap_or(""))?
        }
    };
    Some((start, value))
}

/// The option label a sentence ends with (`… is (C).`, `… should be (D).`), as an answer.
fn closing_option_label(sentence: &str) -> Option<Extraction> {
    let t = sentence.trim_end_matches(['.', '!']).trim_end();
    let label = t.get(t.len().checked_sub(3)?..)?;
    let before = t[..t.len() - 3].trim_end();
    let closes = before.ends_with(" is") || before.ends_with(" be") || before.ends_with(':');
    (closes && label.starts_with('(') && crate::choice::choice_letter(label, true).is_some()).then(
        || Extraction {
            text: label.to_string(),
            method: Method::Anchor,
        },
    )
}

/// Whether `t` writes a ratio (`3:1`, `3 : 1`): digits on both sides of a colon.
fn has_ratio(t: &str) -> bool {
    t.match_indices(':').any(|(i, _)| {
        let before = t[..i].trim_end().ends_with(|c: char| c.is_ascii_digit());
        let after = t[i + 1..]
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit());
        before && after
    })
}

/// Byte spans of the last `want` sentences of `t`, last first; a sentence is cut after
/// ". ", "! ", "? " (also when a math delimiter closes it: `… \frac{2}{1}.$$ Therefore`)
/// and at line ends, and starts at its first non-space. Found from the end: the closing
/// sentences of a long text cost what they are long.
fn last_sentences(t: &str, want: usize) -> Vec<(usize, usize)> {
    let b = t.as_bytes();
    // Whether a sentence ends right before byte p (0 < p < len): after a line end, or before
    // white space after ".", "!" or "?" and any math dollars.
    let cut_at = |p: usize| {
        if b[p - 1] == b'\n' {
            return true;
        }
        if !b[p].is_ascii_whitespace() {
            return false;
        }
        let mut q = p;
        while q > 0 && b[q - 1] == b'$' {
            q -= 1;
        }
        q > 0 && matches!(b[q - 1], b'.' | b'!' | b'?')
    };
    let mut spans = Vec::with_capacity(want);
    let mut end = t.len();
    for p in (0..t.len()).rev() {
        if spans.len() == want {
            break;
        }
        if p == 0 || cut_at(p) {
            let sentence = &t[p..end];
            if !sentence.trim().is_empty() {
                let lead = sentence.len() - sentence.trim_start().len();
                spans.push((p + lead, end));
            }
            end = p;
        }
    }
    spans
}

/// Byte spans of the sentences of `t`, in order, cut as [`last_sentences`] cuts them: the
/// reference it is tested against.
#[cfg(test)]
fn sentence_spans(t: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let end = match b[i] {
            b'\n' => Some(i + 1),
            b'.' | b'!' | b'?' => {
                let after = i + 1 + b[i + 1..].iter().take_while(|&&c| c == b'$').count();
                b.get(after)
                    .is_none_or(|n| n.is_ascii_whitespace())
                    .then_some(after)
            }
            _ => None,
        };
        match end {
            Some(end) => {
                if !t[start..end].trim().is_empty() {
                    spans.push((start, end));
                }
                start = end;
                i = end;
            }
            None => i += 1,
        }
    }
    if !t[start..].trim().is_empty() {
        spans.push((start, t.len()));
    }
    spans
        .into_iter()
        .map(|(a, z)| {
            let lead = t[a..z].len() - t[a..z].trim_start().len();
            (a + lead, z)
        })
        .collect()
}

/// Text written in math notation: a command, a script or a brace.
pub fn is_math_notation(t: &str) -> bool {
    t.contains(['\\', '^', '_', '{'])
}

/// Whether `t` holds a word (two or more letters) that is not a LaTeX command's name: then
/// it is prose around a value, not math (`it grows by 100%`, `33 eggs`).
pub fn has_words(t: &str) -> bool {
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let mut name = String::new();
            while let Some(l) = chars.next_if(char::is_ascii_alphabetic) {
                name.push(l);
            }
            // `\begin{pmatrix}`: an environment's name is not a word either.
            if matches!(name.as_str(), "begin" | "end") && chars.next_if_eq(&'{').is_some() {
                while chars.next_if(|&l| l != '}').is_some() {}
            }
        } else if c.is_alphabetic() && chars.peek().is_some_and(|n| n.is_alphabetic()) {
            return true;
        }
    }
    false
}

/// How many numbers plain text holds (`1,000.5` and `2/3` are one each).
fn number_count(t: &str) -> usize {
    let b = t.as_bytes();
    (0..b.len())
        .filter(|&i| {
            let joins = matches!(b[i.saturating_sub(1)], b',' | b'.' | b'/');
            let joined = i >= 2 && joins && b[i - 2].is_ascii_digit();
            b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()) && !joined
        })
        .count()
}

/// The value of a bold span (`**73**`) that closes the text, the way chat models state a
/// result.
pub(super) fn closing_bold(s: &str) -> Option<(usize, String)> {
    let t = s.trim_end();
    let t = t.strip_suffix('.').unwrap_or(t).trim_end();
    let inner_end = t.strip_suffix("**")?.len();
    let start = t[..inner_end].rfind("**")?;
    let inner = t[start + 2..inner_end].trim();
    let inner = inner.strip_suffix('.').unwrap_or(inner).trim();
    let value = super::strip_math_delimiters(inner);
    let short = value.chars().count() <= 40;
    (short && value.chars().any(|c| c.is_ascii_digit())).then(|| (start, value.to_string()))
}

/// The result a tool-integrated completion printed last (a ```` ```output ```` block, as
/// ToRA and PAL-style programs print), when it is one short line.
pub(super) fn last_program_output(s: &str) -> Option<(usize, String)> {
    const OPEN: &str = "```output";
    let start = s.rfind(OPEN)?;
    let body = &s[start + OPEN.len()..];
    let body = &body[..body.find("```").unwrap_or(body.len())];
    let value = body.trim();
    let one_line = !value.is_empty() && !value.contains('\n') && value.chars().count() <= 60;
    one_line.then(|| (start, value.to_string()))
}

/// Longest completion (in words) whose opening "Yes," / "No." is read as its answer.
const MAX_YES_NO_WORDS: usize = 60;

/// A short reply that opens with "Yes" or "No" ("No, Dark Orchid is not the maximum.").
pub(super) fn opening_yes_no(s: &str) -> Option<String> {
    let t = s.trim_start().trim_start_matches('*');
    // The opening word first: counting the words of a long text is the costlier test.
    if !t.starts_with(['Y', 'N']) || t.split_whitespace().nth(MAX_YES_NO_WORDS).is_some() {
        return None;
    }
    ["Yes", "No"].iter().find_map(|w| {
        let rest = t.strip_prefix(w)?;
        rest.trim_start_matches('*')
            .chars()
            .next()
            .is_none_or(|c| matches!(c, ',' | '.' | '!' | ';'))
            .then(|| w.to_string())
    })
}

#[cfg(test)]
#[path = "extract_statements_tests.rs"]
mod tests;
