//! Grading one (gold, completion) pair end to end: extract, parse, compare, explain.

use crate::budget::{self, Outcome};
use crate::choice::{choice_letter, labelled_option};
use crate::clock::compare_times;
use crate::equiv::compare;
use crate::expr::Expr;
use crate::extract::{
    extract_answer_string, extract_final_answer_with, has_words, is_math_notation,
    looks_like_prose, number_in, repair_control_escapes, with_decimal_point, ExtractMode,
    Extraction, Method,
};
use crate::latex::{is_bound_error, parse_answer, MAX_ANSWER_CHARS};
use crate::normalize::is_numeric;
use crate::options::Options;
use crate::verdict::{Status, Verdict};
use rustc_hash::FxHashMap;
use std::cell::RefCell;

pub use crate::verdict::INTERNAL_ERROR;
/// Opens the reason of a verdict left undecided because the answer could not be read.
pub const ANSWER_NOT_PARSED: &str = "answer not parsed";
/// Opens the reason of a verdict left undecided because the gold could not be read.
pub const GOLD_NOT_PARSED: &str = "gold not parsed";

/// Reason given when grading spent its work budget ([`crate::budget`]); tests look for it.
pub const BUDGET_EXCEEDED: &str = "work budget exceeded";

/// Runs one grading step within its work budget, turning a bug (a panic) or a spent budget
/// into an undecided verdict so that one bad input never takes down a batch.
fn guarded(f: impl FnOnce() -> Verdict) -> Verdict {
    match budget::run(f) {
        Outcome::Done(v) => v,
        Outcome::Exceeded => Verdict::new(Status::Undecided, BUDGET_EXCEEDED, None),
        Outcome::Panicked => Verdict::new(
            Status::Undecided,
            format!("{INTERNAL_ERROR} while grading"),
            None,
        ),
    }
}

/// Grades a raw model completion against a gold answer.
pub fn grade(gold: &str, completion: &str, opts: &Options) -> Verdict {
    guarded(|| {
        let (gold, completion) = (
            repair_control_escapes(gold),
            repair_control_escapes(completion),
        );
        grade_unguarded(&gold, &completion, opts)
    })
}

/// Judges an answer string that is already the final answer (no extraction from prose).
pub fn verify(gold: &str, answer: &str, opts: &Options) -> Verdict {
    guarded(|| {
        let (gold, answer) = (repair_control_escapes(gold), repair_control_escapes(answer));
        verify_unguarded(&gold, &answer, opts)
    })
}

fn grade_unguarded(gold: &str, completion: &str, opts: &Options) -> Verdict {
    judge_extraction(
        gold,
        extract_final_answer_with(completion, opts.extract),
        opts,
    )
}

/// Grades a completion whose final answer was already extracted (with `opts.extract`, from
/// the completion after [`repair_control_escapes`]): the same verdict as [`grade`], without
/// extracting twice.
pub fn grade_extracted(gold: &str, extraction: Option<Extraction>, opts: &Options) -> Verdict {
    guarded(|| judge_extraction(&repair_control_escapes(gold), extraction, opts))
}

fn judge_extraction(gold: &str, extraction: Option<Extraction>, opts: &Options) -> Verdict {
    let Some(extraction) = extraction else {
        return Verdict::new(
            Status::NoAnswer,
            "no final answer found in the completion",
            None,
        );
    };
    judge(gold, answer_of_extraction(extraction), opts)
}

/// The answer judged for what extraction found in a completion.
pub(crate) fn answer_of_extraction(mut extraction: Extraction) -> Extraction {
    // An anchored sentence that is not math ("Jane started growing Sphere 3 hours ago",
    // "共有13只") states the number it holds; a choice letter with its option stays whole.
    // Math the parser cannot read (`\frac{17}{2} |AD| + 2`) is not prose: its last number is
    // not its value; nor is math past the parser's bounds (`2^{2^{…{1}}}` nested too deep).
    let notation = |t: &str| is_math_notation(t) || t.contains('|');
    let unreadable = |t: &str| parse_answer(t).is_err_and(|m| !is_bound_error(&m));
    let prose = |t: &str| looks_like_prose(t) || (!notation(t) && unreadable(t));
    let anchored = matches!(extraction.method, Method::Anchor | Method::Whole);
    if anchored && choice_letter(&extraction.text, false).is_none() && prose(&extraction.text) {
        if let Some(number) = number_in(&extraction.text) {
            extraction = number;
        }
    }
    extraction
}

fn verify_unguarded(gold: &str, answer: &str, opts: &Options) -> Verdict {
    let Some(extraction) = verified_answer(answer, opts) else {
        return Verdict::new(Status::NoAnswer, "empty answer", None);
    };
    judge(gold, extraction, opts)
}

/// The answer `verify` judges for an answer string: the string itself, or the value a
/// sentence states.
pub(crate) fn verified_answer(answer: &str, opts: &Options) -> Option<Extraction> {
    let mut extraction = extract_answer_string(answer)?;
    // An "answer" that is really prose ("Soucis : 2,74 $ a..") is searched like a
    // completion (in strict mode it stays as given); as for a gold, the value found must
    // parse, or the sentence stays as given.
    if opts.extract != ExtractMode::Strict && is_sentence(&extraction.text) {
        if let Some(found) = extract_final_answer_with(&extraction.text, opts.extract) {
            if parse_answer(&read_number(&found, opts)).is_ok() {
                extraction = found;
            }
        }
    }
    Some(extraction)
}

/// An answer string that is a sentence around a value ("The answer is 5", "Soucis : 2,74 $"),
/// not math and not a choice: it is searched for its answer like a completion. Math
/// segments joined by words (`$1$ and $2$`) are one answer, not a sentence.
fn is_sentence(t: &str) -> bool {
    let prose = looks_like_prose(t) && !t.contains(['$', '\\']);
    has_words(t) && choice_letter(t, false).is_none() && (prose || parse_answer(t).is_err())
}

/// Golds parsed lately on this thread: the samples of one problem share a gold, so it is
/// parsed once rather than once per distinct answer. Bounded; cleared when full.
const GOLD_CACHE_SIZE: usize = 4096;

/// A gold parsed (or the reason it could not be), shared by the verdicts that use it.
type ParsedGold = std::rc::Rc<Result<Expr, String>>;

/// Parsed golds by gold text, each with the steps its parse took.
type GoldCache = FxHashMap<Box<str>, (ParsedGold, u64)>;

thread_local! {
    /// By extraction mode (the only option a gold's parse depends on), then by gold.
    /// Each with the steps its parse took, charged again on every use (a verdict never
    /// depends on what the thread judged before).
    static GOLD_CACHE: RefCell<[GoldCache; 3]> = RefCell::default();
}

fn parsed_gold(gold: &str, opts: &Options) -> ParsedGold {
    let mode = match opts.extract {
        ExtractMode::Strict => 0,
        ExtractMode::Standard => 1,
        ExtractMode::Lenient => 2,
    };
    if let Some((hit, steps)) = GOLD_CACHE.with(|c| c.borrow()[mode].get(gold).cloned()) {
        budget::charge(steps);
        return hit;
    }
    let (parsed, steps) = budget::counted(|| ParsedGold::new(parse_gold(gold, opts)));
    GOLD_CACHE.with(|c| {
        let cache = &mut c.borrow_mut()[mode];
        if cache.len() >= GOLD_CACHE_SIZE {
            cache.clear();
        }
        cache.insert(gold.into(), (parsed.clone(), steps));
    });
    parsed
}

/// Parses a gold answer; a gold that is a whole worked solution without a box is searched for
/// its final answer like a completion.
pub(crate) fn parse_gold(gold: &str, opts: &Options) -> Result<Expr, String> {
    let Some(gold_ans) = extract_answer_string(gold) else {
        return Err("gold answer is empty".into());
    };
    let first = parse_answer(&read_number(&gold_ans, opts));
    // A gold written as a sentence ("The answer is 5") is read as an answer is, so that
    // `verify` treats both sides alike.
    if first.is_ok() && is_sentence(&gold_ans.text) {
        let found = extract_final_answer_with(&gold_ans.text, opts.extract);
        if let Some(Ok(e)) = found.map(|f| parse_answer(&read_number(&f, opts))) {
            return Ok(e);
        }
    }
    match first {
        Ok(e) => Ok(e),
        Err(msg) if gold_ans.method == Method::Whole => {
            let Some(found) = extract_final_answer_with(gold, opts.extract) else {
                return Err(format!("{GOLD_NOT_PARSED}: {msg}"));
            };
            parse_answer(&read_number(&found, opts)).map_err(|m| format!("{GOLD_NOT_PARSED}: {m}"))
        }
        Err(msg) => Err(format!("{GOLD_NOT_PARSED}: {msg}")),
    }
}

/// The text to parse; lenient reading takes a decimal comma (`2,74`) in a bare number.
/// The same reading serves golds and answers, so that a string always equals itself.
pub(crate) fn read_number(e: &Extraction, opts: &Options) -> String {
    let bare = matches!(e.method, Method::Whole | Method::LastNumber);
    let text = match with_decimal_point(&e.text) {
        Some(fixed) if bare && opts.extract == ExtractMode::Lenient => fixed,
        // "eleven", "two hundred four dollars": the number the words name.
        _ => crate::number_words::number_from_words(&e.text).unwrap_or_else(|| e.text.clone()),
    };
    without_plain_unit(without_leading_relation(&text)).to_string()
}

fn judge(gold: &str, extraction: Extraction, opts: &Options) -> Verdict {
    let extracted = Some(extraction.text.clone());
    let gold_text = extract_answer_string(gold).map(|g| g.text);
    if let Some((status, reason)) = gold_text
        .as_deref()
        .and_then(|g| quick_verdict(g, &extraction.text))
    {
        return Verdict::new(status, reason, extracted);
    }
    // An answer longer than the parser reads is undecided before anything else looks at it
    // (past this many bytes it has more than that many characters): the readings of times
    // and choices below copy and rescan the text.
    if extraction.text.len() > 4 * MAX_ANSWER_CHARS {
        return Verdict::new(
            Status::Undecided,
            format!("answer not parsed: answer longer than {MAX_ANSWER_CHARS} characters"),
            extracted,
        );
    }
    if let Some((status, reason)) = gold_text
        .as_deref()
        .and_then(|g| compare_times(g, &extraction.text))
    {
        return Verdict::new(status, reason, extracted);
    }
    let gold_choice = gold_text.as_deref().and_then(|g| choice_letter(g, true));
    if let Some(letter) = gold_choice {
        return match choice_letter(&extraction.text, false) {
            Some(given) if given == letter => {
                Verdict::new(Status::Correct, "same choice letter", extracted)
            }
            Some(given) => Verdict::new(
                Status::Incorrect,
                format!("choice {given} given, {letter} expected"),
                extracted,
            ),
            // A value where a letter is expected: without the options it cannot be the
            // choice the question asks for.
            None => Verdict::new(
                Status::Incorrect,
                format!("answer names no choice letter; {letter} expected"),
                extracted,
            ),
        };
    }
    let parsed = parsed_gold(gold, opts);
    let gold_expr = match &*parsed {
        Ok(e) => e,
        Err(msg) => return Verdict::new(Status::Undecided, msg.clone(), extracted),
    };
    // "(E) Soft", "\\textbf{(A) }20.25" where the gold is an option's text or value: the
    // option's text is the answer if it matches; otherwise the answer as written decides.
    let whole = judge_parsed(gold_expr, gold_text.as_deref(), &extraction, opts);
    if let Some((_, option)) = labelled_option(&extraction.text) {
        let option = Extraction {
            text: option,
            method: extraction.method,
        };
        let by_option = judge_parsed(gold_expr, gold_text.as_deref(), &option, opts);
        // The option's text decides unless the answer as written matches.
        if by_option.0 == Status::Correct
            || (whole.0 != Status::Correct && by_option.0 == Status::Incorrect)
        {
            return Verdict::new(by_option.0, by_option.1, extracted);
        }
    }
    Verdict::new(whole.0, whole.1, extracted)
}

/// Parses an answer and compares it with the parsed gold.
fn judge_parsed(
    gold_expr: &Expr,
    gold_text: Option<&str>,
    extraction: &Extraction,
    opts: &Options,
) -> (Status, String) {
    let answer_expr = match parse_answer(&read_number(extraction, opts)) {
        Ok(e) => e,
        // `?`, `...`: punctuation states no value at all.
        Err(_) if !extraction.text.chars().any(char::is_alphanumeric) => {
            return (Status::Incorrect, "the answer states no value".into())
        }
        // Plain words the parser cannot read ("can't predict"): a text answer.
        Err(_) if is_plain_prose(&extraction.text) => {
            let same = gold_text
                .is_some_and(|g| normalized_words(g) == normalized_words(&extraction.text));
            return if same {
                (Status::Correct, "same text".into())
            } else {
                (
                    Status::Incorrect,
                    "a text answer that is not the gold".into(),
                )
            };
        }
        // `\boxed{}`: nothing inside.
        Err(msg) if msg == crate::latex::parser::EMPTY_ANSWER => {
            return (Status::Incorrect, "the answer states no value".into())
        }
        // A truth value or another text for gold, math the parser cannot read (or a
        // relation: `y[n] + … = x[n]`) for answer.
        Err(_)
            if is_text_gold(gold_expr, gold_text)
                && (is_math_notation(&extraction.text)
                    || extraction.text.contains(['=', '<', '>'])) =>
        {
            return (
                Status::Incorrect,
                "a text gold and a math answer differ".into(),
            )
        }
        // `-\frac{1`, `\frac{3\`: an answer cut off inside a group states no value.
        Err(_) if is_cut_off(&extraction.text) => {
            return (Status::Incorrect, "the answer is cut off".into())
        }
        Err(msg) => match last_side_value(&extraction.text, opts) {
            Some(e) => e,
            // `\int_0^4 \cos(1+\sqrt x)\,dx`, `\sum_{d|12} \mu(d)` where a number is
            // expected: the computation is stated, not its value.
            None if is_numeric(gold_expr) && states_unevaluated(&extraction.text) => {
                return (
                    Status::Incorrect,
                    "an unevaluated integral, sum or limit where a number is expected".into(),
                )
            }
            None if is_numeric(gold_expr) && crate::unread::states_a_bound(&extraction.text) => {
                return (
                    Status::Incorrect,
                    "the answer states a bound, not a value".into(),
                )
            }
            None if is_numeric(gold_expr) && crate::unread::writes_no_number(&extraction.text) => {
                return (
                    Status::Incorrect,
                    "no number is written in the answer".into(),
                )
            }
            None => return (Status::Undecided, format!("{ANSWER_NOT_PARSED}: {msg}")),
        },
    };
    let (gold_expr, answer_expr) =
        decimal_commas(gold_text, gold_expr.clone(), &extraction.text, answer_expr);
    compare(&gold_expr, &answer_expr, opts)
}

/// Math that holds an integral, a sum, a product or a limit the core does not evaluate.
fn states_unevaluated(t: &str) -> bool {
    const OPERATORS: [&str; 6] = ["\\int", "\\oint", "\\sum", "\\prod", "\\lim", "\\iint"];
    OPERATORS.iter().any(|op| {
        t.match_indices(op)
            .any(|(i, _)| !t[i + op.len()..].starts_with(|c: char| c.is_ascii_alphabetic()))
    })
}

/// A gold that is words, not math: a text, or a truth value (`True`, `no`), which the
/// parser reads as letters.
fn is_text_gold(gold: &Expr, gold_text: Option<&str>) -> bool {
    let truth = gold_text.is_some_and(|t| {
        let t = t.trim().trim_end_matches('.').to_ascii_lowercase();
        matches!(t.as_str(), "true" | "false" | "yes" | "no")
    });
    truth || matches!(gold, Expr::Text(_))
}

/// Math that stops inside a group (more `{` than `}`), on a lone backslash, or on an
/// operator or relation still waiting for its right side (`2021 +`, `a =`).
fn is_cut_off(text: &str) -> bool {
    let t = text.trim_end();
    // Past the parser's length bound nothing is claimed about the answer.
    if t.len() > crate::latex::MAX_ANSWER_CHARS {
        return false;
    }
    let dangling = ["+", "=", "*", "/", "\\times", "\\cdot", "\\div"];
    if dangling.iter().any(|op| t.ends_with(op)) && !t.ends_with("\\=") {
        return true;
    }
    let opened = t.matches('{').count() - t.matches("\\{").count();
    let closed = t.matches('}').count() - t.matches("\\}").count();
    opened > closed || (t.ends_with('\\') && !t.ends_with("\\\\"))
}

/// The value a chain of equalities arrives at (`W = mg\,\Delta h = 500\,\mathrm{kg} \times
/// 9.8 = 4900`), when the chain as a whole cannot be read: its last side, if that is a number
/// or constant expression. A side that still holds variables states no value.
fn last_side_value(text: &str, opts: &Options) -> Option<Expr> {
    let mut depth = 0i32;
    let mut cut = None;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => depth -= 1,
            b'=' if depth == 0 && (i == 0 || !matches!(bytes[i - 1], b'<' | b'>' | b'!')) => {
                cut = Some(i)
            }
            _ => {}
        }
    }
    let side = text[cut? + 1..].trim();
    let e = Extraction {
        text: side.to_string(),
        method: Method::Whole,
    };
    parse_answer(&read_number(&e, opts))
        .ok()
        .filter(crate::equiv::is_constant)
}

/// An answer without the relation that opened it (`= \pi`, `\approx 7.07`): the value is
/// what follows.
fn without_leading_relation(t: &str) -> &str {
    let t = t.trim_start();
    ["=", "\\approx", "≈"]
        .iter()
        .find_map(|r| t.strip_prefix(r))
        .map_or(t, str::trim_start)
}

/// A number with a unit written in plain letters after a space (`1.4 m/s`, `5.64 m`,
/// `9.8 m/s^2`): the number. Letters next to a number without a space (`5x`) stay algebra.
fn without_plain_unit(t: &str) -> &str {
    const UNITS: [&str; 16] = [
        "m", "s", "g", "kg", "N", "J", "W", "V", "K", "L", "h", "m/s", "m/s^2", "km/h", "cm", "mm",
    ];
    let Some((number, unit)) = t.trim().rsplit_once(' ') else {
        return t;
    };
    let numeric = !number.is_empty()
        && number
            .trim_start_matches('-')
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        && number.chars().any(|c| c.is_ascii_digit());
    if numeric && UNITS.contains(&unit.trim_end_matches('.')) {
        number
    } else {
        t
    }
}

/// Words without math notation: no command, script, brace or math delimiter.
pub(crate) fn is_plain_prose(t: &str) -> bool {
    has_words(t) && !is_math_notation(t) && !t.contains(['$', '=', '<', '>'])
}

/// Text compared as words: lower case, letters and digits, single spaces.
fn normalized_words(t: &str) -> String {
    words(t).join(" ")
}

/// Lower-case words of letters and digits.
pub(crate) fn words(t: &str) -> Vec<String> {
    t.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A number written with a decimal comma (`1000,99`, `0,111`) parses as a list; against a
/// single number on the other side it is that decimal (a list of two cannot equal one
/// number, so the reading that can is the one meant).
fn decimal_commas(
    gold_text: Option<&str>,
    gold: Expr,
    answer_text: &str,
    answer: Expr,
) -> (Expr, Expr) {
    let single = |e: &Expr| match e {
        Expr::Neg(inner) => matches!(**inner, Expr::Num(_)),
        _ => matches!(e, Expr::Num(_)),
    };
    let as_decimal = |text: &str| with_decimal_point(text).and_then(|t| parse_answer(&t).ok());
    if single(&gold) && matches!(answer, Expr::List(_)) {
        if let Some(fixed) = as_decimal(answer_text) {
            return (gold, fixed);
        }
    }
    if single(&answer) && matches!(gold, Expr::List(_)) {
        if let Some(fixed) = gold_text.and_then(as_decimal) {
            return (fixed, answer);
        }
    }
    (gold, answer)
}

/// The verdicts that need no parsing: the very same answer text, or two plain integers
/// (the common case in benchmarks with integer answers).
fn quick_verdict(gold: &str, answer: &str) -> Option<(Status, &'static str)> {
    let (gold, answer) = (gold.trim(), answer.trim());
    fn integer(s: &str) -> Option<(bool, &str)> {
        let (negative, digits) = match s.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, s),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = digits.trim_start_matches('0');
        Some((negative && !digits.is_empty(), digits))
    }
    match (integer(gold), integer(answer)) {
        (Some(g), Some(a)) if g == a => Some((Status::Correct, "equal as exact numbers")),
        (Some(_), Some(_)) => Some((Status::Incorrect, "different exact numbers")),
        _ if !gold.is_empty() && gold == answer => {
            Some((Status::Correct, "identical after normalization"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_to_end() {
        let o = Options::default();
        let v = grade(
            "\\frac{1}{2}",
            "We get $x = 0.5$, so \\boxed{\\dfrac{1}{2}}.",
            &o,
        );
        assert_eq!(v.status, Status::Correct);
        assert_eq!(v.extracted.as_deref(), Some("\\dfrac{1}{2}"));
        assert_eq!(grade("3", "I give up.", &o).status, Status::NoAnswer);
        assert_eq!(grade("3", "The answer is 4.", &o).status, Status::Incorrect);
        let solution = "Thus the total is $\\boxed{1{,}000}$.";
        assert_eq!(
            grade(solution, "The final answer is 1000", &o).status,
            Status::Correct
        );
    }

    #[test]
    fn unevaluated_operators_markup_and_expressions_in_variables() {
        let o = Options::default();
        let status = |g: &str, c: &str| grade(g, c, &o);
        // A computation stated, not its value, where a number is expected.
        let v = status(
            "6",
            "so $\\boxed{\\frac{12!}{2^{12}} \\sum_{d|12} \\mu(d) 8}$",
        );
        assert_eq!(v.status, Status::Incorrect, "{}", v.reason);
        let v = status("0", "The answer is $\\int_c \\frac{z^2}{z-5} dz$.");
        assert_eq!(v.status, Status::Incorrect, "{}", v.reason);
        // A chain that ends on its value is judged by that value.
        let v = status(
            "2",
            "so $\\boxed{\\lim_{n \\to \\infty} \\frac{2n}{n} = 2}$",
        );
        assert_eq!(v.status, Status::Correct, "{}", v.reason);
        // A markup tag after the answer is not part of it.
        let v = status("90000000", "The answer is 9*10^7 <PRM +>");
        assert_eq!(v.status, Status::Correct, "{}", v.reason);
        assert_eq!(v.extracted.as_deref(), Some("9*10^7"));
        // An expression that provably depends on its variable is not a number.
        let v = status("184", "\\boxed{2\\sqrt{r^2 + 5^2}}");
        assert_eq!(v.status, Status::Incorrect, "{}", v.reason);
        let v = status("1", "\\boxed{\\sin^2 x + \\cos^2 x}");
        assert_ne!(v.status, Status::Incorrect, "{}", v.reason);
    }

    #[test]
    fn quick_verdicts_agree_with_the_full_path() {
        for (g, a) in [
            ("42", "42"),
            ("42", "042"),
            ("-0", "0"),
            ("7", "-7"),
            ("12", "13"),
            ("x+1", "x+1"),
        ] {
            let quick = quick_verdict(g, a).map(|(s, _)| s);
            let full = crate::equiv::compare(
                &parse_answer(g).unwrap(),
                &parse_answer(a).unwrap(),
                &Options::default(),
            )
            .0;
            assert_eq!(quick, Some(full), "{g} vs {a}");
        }
        assert_eq!(quick_verdict("1/2", "0.5"), None);
    }

    #[test]
    fn prose_is_told_from_math() {
        assert!(looks_like_prose("Jane started growing Sphere 3 hours ago"));
        assert!(!looks_like_prose("\\frac{\\sqrt{3}}{2}"));
        assert!(!looks_like_prose("5 \\text{cm}"));
        let lenient = Options {
            extract: ExtractMode::Lenient,
            ..Options::default()
        };
        let v = grade(
            "3",
            "Final Answer: Jane started growing Sphere 3 hours ago.",
            &lenient,
        );
        assert_eq!(v.status, Status::Correct);
    }

    #[test]
    fn multiple_choice() {
        let o = Options::default();
        assert!(verify("C", "C", &o).is_correct());
        assert!(verify("(C)", "\\text{(C)}", &o).is_correct());
        assert!(grade("C", "The answer is C) 1000.", &o).is_correct());
        assert!(grade("C", "so \\boxed{(C) 1000}", &o).is_correct());
        assert_eq!(
            grade("C", "The answer is (D) 12.", &o).status,
            Status::Incorrect
        );
        assert_eq!(
            grade("C", "The answer is 1000.", &o).status,
            Status::Incorrect
        );
        // A lone capital letter that is not a choice stays algebra: gold "x" is not a choice.
        assert_eq!(choice_letter("x", true), None);
        assert_eq!(choice_letter("A + 1", true), None);
    }

    #[test]
    fn verify_takes_the_string_as_is() {
        let o = Options::default();
        assert!(verify("42", "$42$", &o).is_correct());
        assert_eq!(verify("42", "", &o).status, Status::NoAnswer);
    }
}
