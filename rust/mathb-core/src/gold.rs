//! Golds with more than one accepted answer: a list of golds (any match is correct), and a
//! multiple-choice gold that carries its options (the right letter or the right option's
//! value is correct, another option's letter or value is incorrect).
//!
//! The rest of the pipeline moves golds around as strings (the dedupe cache keys on them,
//! the fallback receives them, problems are grouped by them), so a gold of several answers
//! travels as one string in a single internal encoding, [`Gold::encode`]:
//!
//! * a plain gold is itself — unless it starts with [`PREFIX`], when it is written as a
//!   one-element list, so that decoding is never ambiguous;
//! * any of several golds: `PREFIX` + a JSON array of strings, `["\\frac12","0.5"]`;
//! * a multiple-choice gold: `PREFIX` + `{"choices":["27","28",…],"correct":[1]}`, the
//!   options as given and the 0-based indices of the right ones.
//!
//! [`grade`], [`verify`] and [`grade_extracted`] take such a string and grade against each
//! answer it holds with the single-gold functions of `grade.rs`; for a plain gold they are
//! those functions. [`fallback_plan`] and [`combine_fallback`] do the same for the sympy
//! fallback, which only ever sees plain (gold, answer) pairs.

use crate::choice::choice_letter;
use crate::extract::{extract_final_answer_with, repair_control_escapes, Extraction};
use crate::grade as single;
use crate::memo::BoundedMemo;
use crate::options::Options;
use crate::verdict::{Status, Verdict};
use serde_json::Value;

/// What starts an encoded gold of several answers. A NUL never starts a real answer.
pub const PREFIX: &str = "\u{0}mathb-gold:";

/// A gold answer as the grader reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gold {
    /// One answer.
    One(String),
    /// Several accepted answers: any match is correct.
    AnyOf(Vec<String>),
    /// A multiple-choice question: the options (letters A, B, … by position) and the
    /// indices of the right ones (at least one, all in range).
    Choice {
        /// The options, in order (letter A is the first).
        choices: Vec<String>,
        /// The 0-based indices of the right options.
        correct: Vec<usize>,
    },
}

impl Gold {
    /// The gold an encoded string stands for; a string that is not an encoding is `One`.
    pub fn decode(text: &str) -> Gold {
        let Some(payload) = text.strip_prefix(PREFIX) else {
            return Gold::One(text.to_string());
        };
        match serde_json::from_str::<Value>(payload) {
            Ok(Value::Array(items)) => {
                let golds: Option<Vec<String>> = items
                    .into_iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect();
                match golds {
                    Some(mut g) if g.len() == 1 => Gold::One(g.remove(0)),
                    Some(g) if !g.is_empty() => Gold::AnyOf(g),
                    _ => Gold::One(text.to_string()),
                }
            }
            Ok(Value::Object(map)) => {
                let choices: Option<Vec<String>> = map
                    .get("choices")
                    .and_then(Value::as_array)
                    .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect());
                let correct: Option<Vec<usize>> = map
                    .get("correct")
                    .and_then(Value::as_array)
                    .and_then(|a| a.iter().map(|v| v.as_u64().map(|i| i as usize)).collect());
                match (choices, correct) {
                    (Some(choices), Some(correct))
                        if !correct.is_empty() && correct.iter().all(|&i| i < choices.len()) =>
                    {
                        Gold::Choice { choices, correct }
                    }
                    _ => Gold::One(text.to_string()),
                }
            }
            _ => Gold::One(text.to_string()),
        }
    }

    /// The one string this gold travels as (see the module documentation).
    pub fn encode(&self) -> String {
        match self {
            Gold::One(g) if !g.starts_with(PREFIX) => g.clone(),
            Gold::One(g) => format!("{PREFIX}{}", Value::from(vec![g.as_str()])),
            Gold::AnyOf(golds) if golds.len() == 1 => Gold::One(golds[0].clone()).encode(),
            Gold::AnyOf(golds) => format!("{PREFIX}{}", Value::from(golds.clone())),
            Gold::Choice { choices, correct } => format!(
                "{PREFIX}{}",
                serde_json::json!({"choices": choices, "correct": correct})
            ),
        }
    }

    /// A multiple-choice gold from a gold value and the options of its question, or None
    /// when there are fewer than two options or the gold names none of them. The gold is an
    /// index (a JSON integer), a list of them, or a string: a label from `labels` (when the
    /// options come with their own), a letter (`C`, `(C)`), the text of an option, or — only
    /// when `digits_are_index` (lm-eval's `target`, which is `str()` of the index) — an index
    /// in digits, tried in that order. Options that are only their own letters
    /// (`["A", "B", "C", "D"]`) carry no values: the gold is then the right letter.
    pub fn choice(
        gold: &Value,
        choices: &[String],
        labels: Option<&[String]>,
        digits_are_index: bool,
    ) -> Option<Gold> {
        if choices.len() < 2 {
            return None;
        }
        let mut correct: Vec<usize> = match gold {
            Value::Array(items) if !items.is_empty() => items
                .iter()
                .map(|v| choice_index(v, choices, labels, digits_are_index))
                .collect::<Option<_>>()?,
            v => vec![choice_index(v, choices, labels, digits_are_index)?],
        };
        correct.sort_unstable();
        correct.dedup();
        let own_letters = choices
            .iter()
            .enumerate()
            .all(|(i, c)| bare_letter(c) == Some(letter(i)));
        if own_letters {
            let mut letters: Vec<String> = correct.iter().map(|&i| letter(i).to_string()).collect();
            return Some(match letters.len() {
                1 => Gold::One(letters.remove(0)),
                _ => Gold::AnyOf(letters),
            });
        }
        Some(Gold::Choice {
            choices: choices.to_vec(),
            correct,
        })
    }

    /// A list gold (several accepted answers) from JSON values: strings as they are,
    /// numbers as Python's `str()` writes them; None for anything else or an empty list.
    pub fn any_of(items: &[Value]) -> Option<Gold> {
        let golds: Vec<String> = items.iter().map(scalar_text).collect::<Option<_>>()?;
        match golds.len() {
            0 => None,
            1 => Some(Gold::One(golds.into_iter().next()?)),
            _ => Some(Gold::AnyOf(golds)),
        }
    }

    /// The gold as JSON, for verdict lines: a string, a list of strings, or
    /// `{"choices": […], "correct": […]}`.
    pub fn to_json(&self) -> Value {
        match self {
            Gold::One(g) => Value::from(g.as_str()),
            Gold::AnyOf(golds) => Value::from(golds.clone()),
            Gold::Choice { choices, correct } => {
                serde_json::json!({"choices": choices, "correct": correct})
            }
        }
    }
}

/// A string gold as it must travel: itself, unless it would read as an encoding.
pub fn plain(gold: String) -> String {
    match gold.starts_with(PREFIX) {
        true => Gold::One(gold).encode(),
        false => gold,
    }
}

/// Whether `gold` is an encoded gold of several answers (not a plain string).
pub fn is_encoded(gold: &str) -> bool {
    gold.starts_with(PREFIX)
}

/// `gold` as JSON text for a verdict line (see [`Gold::to_json`]).
pub fn gold_json(gold: &str) -> String {
    match gold.starts_with(PREFIX) {
        false => Value::from(gold).to_string(),
        true => Gold::decode(gold).to_json().to_string(),
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(crate::python_text::python_number_text(n.as_str())),
        _ => None,
    }
}

/// The letter an option is made of and nothing else: `A`, ` B`, `(C)`, `D.`.
fn bare_letter(option: &str) -> Option<char> {
    let mut rest = option
        .chars()
        .filter(|c| !c.is_whitespace() && !"().:".contains(*c));
    match (rest.next(), rest.next()) {
        (Some(c), None) if ('A'..='J').contains(&c) => Some(c),
        _ => None,
    }
}

fn letter(i: usize) -> char {
    (b'A' + i as u8) as char
}

/// The option a gold value names (see [`Gold::choice`]).
fn choice_index(
    v: &Value,
    choices: &[String],
    labels: Option<&[String]>,
    digits_are_index: bool,
) -> Option<usize> {
    let n = choices.len();
    match v {
        Value::Number(num) => num.as_u64().map(|i| i as usize).filter(|&i| i < n),
        Value::String(s) => {
            let t = s.trim();
            if let Some(i) = labels.and_then(|l| l.iter().position(|x| x.trim() == t)) {
                return (i < n).then_some(i);
            }
            if let Some(c) = choice_letter(t, true) {
                let i = (c as u8 - b'A') as usize;
                if i < n {
                    return Some(i);
                }
            }
            let key = text_key(t);
            if let Some(i) = (0..n).find(|&i| text_key(option_text(choices, i)) == key) {
                return Some(i);
            }
            match t.parse::<usize>() {
                Ok(i) if digits_are_index && i < n && t.bytes().all(|b| b.is_ascii_digit()) => {
                    Some(i)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Option `i` without a leading label of its own letter: `(B) 27`, `B) 27`, `B. 27` → `27`.
fn option_text(choices: &[String], i: usize) -> &str {
    let text = choices[i].trim();
    let l = letter(i);
    for (open, close) in [("(", ')'), ("", ')'), ("", '.'), ("", ':')] {
        let rest = text
            .strip_prefix(open)
            .and_then(|r| r.strip_prefix(l))
            .and_then(|r| r.strip_prefix(close));
        if let Some(rest) = rest {
            if !rest.trim().is_empty() {
                return rest.trim();
            }
        }
    }
    text
}

/// Text compared as words: math delimiters and a final period dropped, white space and
/// case ignored.
fn text_key(text: &str) -> String {
    let t = text.trim().trim_end_matches('.');
    let t = t
        .strip_prefix('$')
        .and_then(|r| r.strip_suffix('$'))
        .unwrap_or(t);
    t.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Grades a raw completion against a gold that may hold several answers.
pub fn grade(gold: &str, completion: &str, opts: &Options) -> Verdict {
    if !gold.starts_with(PREFIX) {
        return single::grade(gold, completion, opts);
    }
    let extraction = crate::budget::run(|| {
        extract_final_answer_with(&repair_control_escapes(completion), opts.extract)
    });
    match extraction {
        crate::budget::Outcome::Done(e) => grade_extracted(gold, e, opts),
        // Extraction panicked or spent its budget: `grade` reports that for each gold.
        _ => judge(&decoded(gold), None, |g| single::grade(g, completion, opts)),
    }
}

/// The answer text the single-gold functions judge, found once up front so that an answer
/// naming a choice letter is judged without comparing it with any option's value; `None`
/// when there is none or finding it failed (the options' verdicts then report it).
fn stated_text(answer: impl FnOnce() -> Option<Extraction>) -> Option<String> {
    match crate::budget::run(answer) {
        crate::budget::Outcome::Done(found) => found.map(|e| e.text),
        _ => None,
    }
}

/// Judges an already-extracted answer against a gold that may hold several answers.
pub fn verify(gold: &str, answer: &str, opts: &Options) -> Verdict {
    if !gold.starts_with(PREFIX) {
        return single::verify(gold, answer, opts);
    }
    let stated = stated_text(|| single::verified_answer(&repair_control_escapes(answer), opts));
    judge(&decoded(gold), stated, |g| single::verify(g, answer, opts))
}

/// [`crate::grade::grade_extracted`] for a gold that may hold several answers.
pub fn grade_extracted(gold: &str, extraction: Option<Extraction>, opts: &Options) -> Verdict {
    if !gold.starts_with(PREFIX) {
        return single::grade_extracted(gold, extraction, opts);
    }
    let stated = stated_text(|| extraction.clone().map(single::answer_of_extraction));
    judge(&decoded(gold), stated, |g| {
        single::grade_extracted(g, extraction.clone(), opts)
    })
}

thread_local! {
    /// The encoded golds this thread decoded: the distinct answers of a question are judged
    /// against the same encoded gold, not always one after another.
    static DECODED: std::cell::RefCell<BoundedMemo<std::rc::Rc<Gold>>> =
        std::cell::RefCell::new(BoundedMemo::new(DECODED_BYTES));
}

/// What a thread keeps decoded before it starts afresh.
const DECODED_BYTES: usize = 2 << 20;

/// [`Gold::decode`], kept for later calls on this thread with the same text.
fn decoded(text: &str) -> std::rc::Rc<Gold> {
    // A decoded gold holds about as many bytes as its encoding.
    DECODED.with_borrow_mut(|kept| {
        kept.get_or_insert_with(
            text,
            |_| text.len(),
            || std::rc::Rc::new(Gold::decode(text)),
        )
    })
}

/// The verdict on `gold`, given the single-gold verdict of the answer against any one gold
/// and, when known, the answer text those verdicts report.
pub fn judge(gold: &Gold, stated: Option<String>, against: impl Fn(&str) -> Verdict) -> Verdict {
    match gold {
        Gold::One(g) => against(g),
        Gold::AnyOf(golds) => {
            let verdicts: Vec<Verdict> = golds.iter().map(|g| against(g)).collect();
            any_of(golds, verdicts)
        }
        Gold::Choice { choices, correct } => judge_choice(choices, correct, stated, against),
    }
}

fn any_of(golds: &[String], verdicts: Vec<Verdict>) -> Verdict {
    let n = golds.len();
    let extracted = verdicts.first().and_then(|v| v.extracted.clone());
    if let Some((k, v)) = verdicts.iter().enumerate().find(|(_, v)| v.is_correct()) {
        let reason = format!("gold {} of {n} ({}) matches: {}", k + 1, golds[k], v.reason);
        return Verdict::new(Status::Correct, reason, v.extracted.clone());
    }
    if let Some(v) = verdicts.iter().find(|v| v.status == Status::NoAnswer) {
        return v.clone();
    }
    if verdicts.iter().all(|v| v.status == Status::Incorrect) {
        let each: Vec<String> = verdicts
            .iter()
            .enumerate()
            .map(|(k, v)| format!("gold {}: {}", k + 1, v.reason))
            .collect();
        let reason = format!("none of the {n} golds matches ({})", each.join("; "));
        return Verdict::new(Status::Incorrect, reason, extracted);
    }
    let (k, v) = verdicts
        .iter()
        .enumerate()
        .find(|(_, v)| v.status == Status::Undecided)
        .unwrap_or((0, &verdicts[0]));
    let reason = format!(
        "gold {} of {n} ({}) undecided: {}",
        k + 1,
        golds[k],
        v.reason
    );
    Verdict::new(Status::Undecided, reason, extracted)
}

/// The plain (gold, accept) pairs the fallback judges for an undecided verdict on `gold`:
/// each accepted gold (`accept` = true), and for a multiple-choice gold also the other
/// options (false: an answer equal to one of them is wrong).
pub fn fallback_plan(gold: &str) -> Vec<(String, bool)> {
    match Gold::decode(gold) {
        Gold::One(g) => vec![(g, true)],
        Gold::AnyOf(golds) => golds.into_iter().map(|g| (g, true)).collect(),
        Gold::Choice { choices, correct } => (0..choices.len())
            .map(|i| (option_text(&choices, i).to_string(), correct.contains(&i)))
            .collect(),
    }
}

/// The fallback's verdict on `gold` from its verdicts on the pairs of [`fallback_plan`]
/// (None = undecided): correct when an accepted gold is proven equal, incorrect when a
/// wrong option is proven equal or every accepted gold proven different, else None.
pub fn combine_fallback(
    gold: &str,
    results: &[Option<(Status, String)>],
) -> Option<(Status, String)> {
    let plan = fallback_plan(gold);
    if plan.len() == 1 {
        return results.first().cloned().flatten();
    }
    let choice = matches!(Gold::decode(gold), Gold::Choice { .. });
    let name = |k: usize| match choice {
        true => format!("option {}", letter(k)),
        false => format!("gold {} of {} ({})", k + 1, plan.len(), plan[k].0),
    };
    let status = |k: usize| results.get(k).and_then(|r| r.as_ref().map(|r| r.0));
    let reason = |k: usize| {
        results
            .get(k)
            .and_then(|r| r.as_ref().map(|r| r.1.as_str()))
    };
    let accepted: Vec<usize> = (0..plan.len()).filter(|&k| plan[k].1).collect();
    if let Some(&k) = accepted
        .iter()
        .find(|&&k| status(k) == Some(Status::Correct))
    {
        let reason = format!("{} matches: {}", name(k), reason(k).unwrap_or(""));
        return Some((Status::Correct, reason));
    }
    if let Some(k) = (0..plan.len()).find(|&k| !plan[k].1 && status(k) == Some(Status::Correct)) {
        let expected = letters_of(&accepted);
        let reason = format!(
            "the answer equals {}, {expected} expected: {}",
            name(k),
            reason(k).unwrap_or("")
        );
        return Some((Status::Incorrect, reason));
    }
    if accepted
        .iter()
        .all(|&k| status(k) == Some(Status::Incorrect))
    {
        let what = match choice {
            true => format!("option {}", letters_of(&accepted)),
            false => format!("any of the {} golds", accepted.len()),
        };
        let reason = format!(
            "the answer differs from {what}: {}",
            reason(accepted[0]).unwrap_or("")
        );
        return Some((Status::Incorrect, reason));
    }
    None
}

#[path = "gold_choice.rs"]
mod choice_judge;
use choice_judge::{judge_choice, letters_of};

#[cfg(test)]
#[path = "gold_tests.rs"]
mod tests;
