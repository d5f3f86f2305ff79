//! Unit tests of extract_statements.rs.

use super::*;

#[test]
fn the_last_sentences_are_those_of_the_forward_split() {
    let mut texts: Vec<String> = [
        "",
        "   ",
        "One. Two! Three? Four",
        "So x = 2.$$ Therefore the answer is 3.",
        "a.$b. c\n\nd.\n",
        "Total: 5.  \n  Done.",
        "$$x$$. $$y$$.$ z",
        "no end here",
        "...\n. .",
        "Ответ: 7. Всё.",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Short texts over the bytes that cut sentences, and others.
    let alphabet = [".", "!", "?", "$", " ", "\n", "a", "7", "é"];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..3000 {
        let len = (state % 12) as usize;
        let mut s = String::new();
        for _ in 0..len {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            s.push_str(alphabet[(state % alphabet.len() as u64) as usize]);
        }
        texts.push(s);
    }
    for t in &texts {
        let all = sentence_spans(t);
        for want in 0..5 {
            let expected: Vec<_> = all.iter().rev().take(want).copied().collect();
            assert_eq!(last_sentences(t, want), expected, "{t:?}, {want}");
        }
    }
}
