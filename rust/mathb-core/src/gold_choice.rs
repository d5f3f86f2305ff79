//! Multiple-choice golds: which option an answer names, by its letter, its text or its value,
//! and whether the letter and the words it states agree.

use super::{letter, option_text, text_key};
use crate::choice::choice_letter;
use crate::extract::has_words;
use crate::grade::words;
use crate::verdict::{Status, Verdict};

/// The option whose words a stated text ends with, the longest when several do ("The time
/// shown is quarter past" → "quarter past", not "quarter"). Options without words (values)
/// are left to the comparison of values.
fn option_in_words(choices: &[String], stated: &str) -> Option<usize> {
    let stated = words(stated);
    (0..choices.len())
        .filter_map(|k| {
            let option = words(option_text(choices, k));
            let worded = option.iter().any(|w| w.chars().any(char::is_alphabetic));
            (worded && !option.is_empty() && stated.ends_with(&option)).then_some((option.len(), k))
        })
        .max()
        .map(|(_, k)| k)
}

/// An option's value without a hedge before it ("Around 31%", "approximately 5 cm"): the
/// answer `31%` states that option.
fn option_value(choices: &[String], k: usize) -> &str {
    let text = option_text(choices, k);
    const HEDGES: [&str; 10] = [
        "around",
        "about",
        "approximately",
        "approx.",
        "approx",
        "roughly",
        "nearly",
        "almost",
        "~",
        "\\approx",
    ];
    let lower = text.to_ascii_lowercase();
    for hedge in HEDGES {
        if let Some(rest) = lower.strip_prefix(hedge) {
            let word = hedge.ends_with(|c: char| c.is_ascii_alphabetic());
            if !word || rest.starts_with(char::is_whitespace) {
                let rest = text[hedge.len()..].trim_start();
                if rest.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '$' | '-' | '.')) {
                    return rest;
                }
            }
        }
    }
    text
}

/// Several option letters named at once (`A, B, D, E`, `(A) and (C)`): their indices, when
/// every item is one letter of an option.
fn named_letters(text: &str, n: usize) -> Option<Vec<usize>> {
    let items: Vec<&str> = text
        .split(',')
        .flat_map(|part| part.split(" and "))
        .map(|item| {
            item.trim()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .trim()
        })
        .collect();
    let mut letters = Vec::new();
    for item in &items {
        let &[b] = item.as_bytes() else { return None };
        let k = b.checked_sub(b'A').map(usize::from).filter(|&k| k < n)?;
        if !b.is_ascii_uppercase() || letters.contains(&k) {
            return None;
        }
        letters.push(k);
    }
    (letters.len() >= 2).then_some(letters)
}

pub(super) fn letters_of(correct: &[usize]) -> String {
    let letters: Vec<String> = correct.iter().map(|&i| letter(i).to_string()).collect();
    letters.join(" or ")
}

pub(super) fn judge_choice(
    choices: &[String],
    correct: &[usize],
    stated: Option<String>,
    against: impl Fn(&str) -> Verdict,
) -> Verdict {
    let n = choices.len();
    let expected = letters_of(correct);
    // The answer against the right option, computed only when needed: a letter is judged
    // by its letter.
    let against_correct = std::cell::OnceCell::new();
    let first = || against_correct.get_or_init(|| against(option_value(choices, correct[0])));
    let text = match stated {
        Some(text) => text,
        None => match first().extracted.clone() {
            Some(text) => text,
            None => return first().clone(), // no answer
        },
    };
    let extracted = Some(text.clone());
    if let Some(given) = choice_letter(&text, false) {
        let i = (given as u8 - b'A') as usize;
        // "(D) 140°" where option D reads 20°: the letter and the value contradict each other.
        // Only values with digits are compared: an option's wording restated in other words
        // ("(C), the lizard", "octopuses") is no contradiction.
        let has_digit = |t: &str| t.chars().any(|c| c.is_ascii_digit());
        let contradicted = || {
            let stated = crate::choice::labelled_option(&text);
            let option = option_value(choices, i);
            stated.is_some_and(|(_, v)| has_digit(&v))
                && has_digit(option)
                && against(option).status == Status::Incorrect
        };
        let worded_as = || {
            let stated = crate::choice::labelled_option(&text)?.1;
            let k = option_in_words(choices, &stated).filter(|&k| k != i)?;
            // The stated words must leave the named option out ("(A) no" where A is "yes"),
            // or be a longer option that holds it ("quarter past" for "quarter"); a sentence
            // that states the named option and ends on another's word does not contradict.
            let (named, other) = (
                words(option_text(choices, i)),
                words(option_text(choices, k)),
            );
            let stated = words(&stated);
            let holds = |hay: &[String], needle: &[String]| {
                !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
            };
            (!holds(&stated, &named) || holds(&other, &named)).then_some(k)
        };
        let (status, reason) = if correct.contains(&i) && contradicted() {
            let reason = format!("names option {given} but states a value that is not its");
            (Status::Incorrect, reason)
        } else if let Some(k) = correct.contains(&i).then(worded_as).flatten() {
            let reason = format!("names option {given} but states option {}", letter(k));
            (Status::Incorrect, reason)
        } else if correct.contains(&i) {
            (Status::Correct, format!("choice {given}, the right option"))
        } else if i < n {
            let reason = format!("choice {given} given, {expected} expected");
            (Status::Incorrect, reason)
        } else {
            let last = letter(n - 1);
            let reason = format!("choice {given} given; the options are A to {last}");
            (Status::Incorrect, reason)
        };
        return Verdict::new(status, reason, extracted);
    }
    if let Some(named) = named_letters(&text, n) {
        let reason = format!("names several options ({}); {expected} expected", {
            let named: Vec<String> = named.iter().map(|&k| letter(k).to_string()).collect();
            named.join(", ")
        });
        return Verdict::new(Status::Incorrect, reason, extracted);
    }
    // No letter: the answer may state an option's value (or text).
    let key = text_key(&text);
    let verdicts: Vec<Verdict> = (0..n)
        .map(|i| {
            let option = option_text(choices, i);
            if !key.is_empty() && text_key(option) == key {
                return Verdict::new(Status::Correct, "same text", extracted.clone());
            }
            match i == correct[0] {
                true => first().clone(),
                false => against(option_value(choices, i)),
            }
        })
        .collect();
    // `21` where every option reads `… '21`: a value several options share names none.
    let by_value: Vec<usize> = (0..n).filter(|&i| verdicts[i].is_correct()).collect();
    let same_text = by_value.iter().any(|&i| verdicts[i].reason == "same text");
    if by_value.len() > 1 && !same_text {
        let reason = format!(
            "the value matches options {}; {expected} expected",
            letters_of(&by_value)
        );
        return Verdict::new(Status::Incorrect, reason, extracted);
    }
    if let Some(&i) = correct.iter().find(|&&i| verdicts[i].is_correct()) {
        let reason = format!(
            "states the value of option {}: {}",
            letter(i),
            verdicts[i].reason
        );
        return Verdict::new(Status::Correct, reason, extracted);
    }
    if let Some(i) = (0..n).find(|&i| verdicts[i].is_correct()) {
        let reason = format!(
            "states the value of option {}, {expected} expected",
            letter(i)
        );
        return Verdict::new(Status::Incorrect, reason, extracted);
    }
    // Plain words that repeat no option's text ("They are inverses of each other"): a text
    // answer, not letters multiplied together.
    if crate::grade::is_plain_prose(&text) {
        let reason = format!("a text answer that is none of the options; {expected} expected");
        return Verdict::new(Status::Incorrect, reason, extracted);
    }
    if correct
        .iter()
        .all(|&i| verdicts[i].status == Status::Incorrect)
    {
        let reason = format!(
            "names no option's letter or value; {expected} expected ({})",
            verdicts[correct[0]].reason
        );
        return Verdict::new(Status::Incorrect, reason, extracted);
    }
    let i = *correct
        .iter()
        .find(|&&i| verdicts[i].status == Status::Undecided)
        .unwrap_or(&correct[0]);
    // An answer that names no letter, repeats no option's text and cannot be read as a value
    // (or is compared with an option that is not one) identifies no option: that is the
    // question's answer missed, not a hard equivalence.
    let unreadable = |v: &Verdict| {
        v.reason.starts_with(crate::grade::ANSWER_NOT_PARSED)
            || v.reason.starts_with(crate::grade::GOLD_NOT_PARSED)
    };
    // An option in words ("The sum of the coefficients of P", "varies from 30° to 60°")
    // is stated in words: math without any does not state it.
    let unworded = |i: usize| has_words(option_text(choices, i)) && !has_words(&text);
    if correct.iter().all(|&i| {
        verdicts[i].status == Status::Incorrect || unreadable(&verdicts[i]) || unworded(i)
    }) {
        let reason = format!(
            "names no option's letter, text or value; {expected} expected ({})",
            verdicts[i].reason
        );
        return Verdict::new(Status::Incorrect, reason, extracted);
    }
    let reason = format!(
        "names no choice letter; against option {}: {}",
        letter(i),
        verdicts[i].reason
    );
    Verdict::new(Status::Undecided, reason, extracted)
}
