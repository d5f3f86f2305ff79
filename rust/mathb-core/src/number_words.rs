//! Numbers written in English words: an answer that is one ("eleven", "two hundred four",
//! "twenty-six point one six dollars") is read as the number it names.

/// Longest run of trailing words (a unit or a noun: "dollars", "red apples") kept after the
/// number words.
const MAX_TRAILING_WORDS: usize = 3;

const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const SCALES: [(&str, u64); 4] = [
    ("thousand", 1_000),
    ("million", 1_000_000),
    ("billion", 1_000_000_000),
    ("trillion", 1_000_000_000_000),
];

/// Whether a lower-case word names a number or a part of one ("seven", "hundred", "half",
/// "twice").
pub(crate) fn is_number_word(word: &str) -> bool {
    UNITS.contains(&word)
        || TENS.contains(&word)
        || word == "hundred"
        || SCALES.iter().any(|(s, _)| *s == word)
        || matches!(
            word,
            "half" | "third" | "quarter" | "dozen" | "once" | "twice"
        )
}

/// The last word read, which decides what may follow it.
#[derive(Clone, Copy, PartialEq)]
enum Last {
    Start,
    Unit,
    Ten,
    Hundred,
    Scale,
}

/// The value of an English cardinal (optionally negative, optionally with "point" and
/// digits) that opens `text` and is followed by at most a few plain words, as a decimal
/// numeral; `None` when the text is anything else.
pub(crate) fn number_from_words(text: &str) -> Option<String> {
    let t = text
        .trim()
        .trim_end_matches(['.', '!'])
        .to_ascii_lowercase();
    if t.chars()
        .any(|c| !(c.is_ascii_alphabetic() || c == ' ' || c == '-' || c == ','))
    {
        return None;
    }
    let words: Vec<&str> = t.split([' ', '-', ',']).filter(|w| !w.is_empty()).collect();
    let mut i = 0;
    let negative = matches!(words.first(), Some(&("negative" | "minus")));
    i += usize::from(negative);
    let (mut total, mut current) = (0u64, 0u64);
    let mut last = Last::Start;
    let mut read = 0;
    while let Some(&w) = words.get(i) {
        if let Some(v) = UNITS.iter().position(|u| *u == w) {
            // "one two" or "twelve three" are no number.
            if matches!(last, Last::Unit) || (matches!(last, Last::Ten) && v >= 10) {
                return None;
            }
            current += v as u64;
            last = Last::Unit;
        } else if let Some(k) = TENS.iter().position(|u| *u == w) {
            if matches!(last, Last::Unit | Last::Ten) {
                return None;
            }
            current += 20 + 10 * k as u64;
            last = Last::Ten;
        } else if w == "hundred" {
            // "two hundred", "nineteen hundred"; not "two hundred three hundred".
            if !matches!(last, Last::Unit | Last::Ten) || current == 0 || current >= 100 {
                return None;
            }
            current = current.checked_mul(100)?;
            last = Last::Hundred;
        } else if let Some(&(_, scale)) = SCALES.iter().find(|(s, _)| *s == w) {
            if matches!(last, Last::Start | Last::Scale) || current == 0 {
                return None;
            }
            total = total.checked_add(current.checked_mul(scale)?)?;
            current = 0;
            last = Last::Scale;
        } else if w == "and" && matches!(last, Last::Hundred | Last::Scale) {
            // "one hundred and five"
        } else {
            break;
        }
        read += 1;
        i += 1;
    }
    if read == 0 {
        return None;
    }
    let mut number = (total + current).to_string();
    if words.get(i) == Some(&"point") {
        i += 1;
        let mut digits = String::new();
        while let Some(&w) = words.get(i) {
            match UNITS.iter().position(|u| *u == w) {
                Some(v) if v < 10 => digits.push_str(&v.to_string()),
                // "point eighty-seven": the tens word and its unit.
                _ => match TENS.iter().position(|u| *u == w) {
                    Some(k) => digits.push_str(&(2 + k).to_string()),
                    None => break,
                },
            }
            i += 1;
        }
        if digits.is_empty() {
            return None;
        }
        number = format!("{number}.{digits}");
    }
    let trailing = &words[i..];
    let plain = trailing.iter().all(|w| {
        !matches!(*w, "and" | "or" | "point" | "hundred")
            && !UNITS.contains(w)
            && !TENS.contains(w)
            && !SCALES.iter().any(|(s, _)| s == w)
    });
    if trailing.len() > MAX_TRAILING_WORDS || !plain {
        return None;
    }
    Some(if negative {
        format!("-{number}")
    } else {
        number
    })
}

#[cfg(test)]
mod tests {
    use super::number_from_words;

    #[test]
    fn cardinals() {
        for (words, number) in [
            ("eleven", "11"),
            ("Fifty-six", "56"),
            ("two hundred four", "204"),
            ("one hundred and five", "105"),
            (
                "one hundred forty-four thousand two hundred fifty",
                "144250",
            ),
            ("Eighty-one thousand nine hundred two", "81902"),
            ("four hundred", "400"),
            ("zero", "0"),
            ("negative three", "-3"),
            ("twenty-six point one six", "26.16"),
            (
                "two hundred twenty-four point eighty-seven dollars",
                "224.87",
            ),
            ("one hundred fifty-two dollars.", "152"),
            ("three million", "3000000"),
            ("nineteen hundred", "1900"),
        ] {
            assert_eq!(number_from_words(words).as_deref(), Some(number), "{words}");
        }
    }

    #[test]
    fn not_a_number() {
        for words in [
            "",
            "one two",
            "twelve three",
            "thirty forty",
            "the one on the left",
            "Nell has more Ace cards than baseball cards",
            "seven dollars and three cents",
            "one or two",
            "hundred",
            "thousand five",
            "five apples are left over there",
            "12 apples",
            "x = five",
            "point five",
            "two hundred three hundred",
        ] {
            assert_eq!(number_from_words(words), None, "{words}");
        }
    }
}
