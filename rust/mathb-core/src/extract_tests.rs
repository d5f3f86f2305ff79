//! Unit tests of extract.rs.

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
    assert_eq!(ex("\\boxed{1}, \\boxed{2}").as_deref(), Some("1, 2"));
    let s = "$$\\boxed{(2, 2)} \\quad \\text{and} \\quad \\boxed{(6, 2)}$$";
    assert_eq!(ex(s).as_deref(), Some("(2, 2), (6, 2)"));
    assert_eq!(
        ex("\\(\\boxed{1}\\) and \\(\\boxed{-2}\\).").as_deref(),
        Some("1, -2")
    );
    let parts = "\\boxed{(3, 3)} \\text{ for part (a) and } \\boxed{(1, 1)}";
    assert_eq!(ex(parts).as_deref(), Some("(3, 3), (1, 1)"));
    assert_eq!(
        ex("\\boxed{3} \\text{ is wrong, so } \\boxed{4}").as_deref(),
        Some("4")
    );
    // An earlier attempt separated by reasoning is not merged.
    assert_eq!(
        ex("first \\boxed{3}, then I recheck: \\boxed{4}").as_deref(),
        Some("4")
    );
    assert_eq!(ex("\\boxed{$3$}").as_deref(), Some("3"));
    assert_eq!(
        ex("\\boxed{\\boxed{\\tfrac{-816}{2}}}").as_deref(),
        Some("\\tfrac{-816}{2}")
    );
}

#[test]
fn labelled_boxes_written_together_keep_their_labels() {
    let s = "\\($y_1 = \\boxed{-2(x - 1)^2 + 5} \\) and \\( y_2 = \\boxed{3(x + 2)^2 - 2} \\)";
    assert_eq!(
        ex(s).as_deref(),
        Some("y_1 = -2(x - 1)^2 + 5, y_2 = 3(x + 2)^2 - 2")
    );
    let s = "$f(x) = \\boxed{x^2}$ and $\\alpha = \\boxed{3}$";
    assert_eq!(ex(s).as_deref(), Some("f(x) = x^2, \\alpha = 3"));
    assert_eq!(
        ex("$a_{12} = \\boxed{1}$, $b = \\boxed{2}$").as_deref(),
        Some("a_{12} = 1, b = 2")
    );
    // One labelled box is just its value.
    assert_eq!(ex("so $x = \\boxed{5}$.").as_deref(), Some("5"));
    // A labelled box does not join an unlabelled one, nor boxes apart in prose.
    assert_eq!(ex("\\boxed{3} and $y = \\boxed{4}$").as_deref(), Some("4"));
    assert_eq!(
        ex("$x = \\boxed{3}$, so $y = \\boxed{4}$").as_deref(),
        Some("4")
    );
    // "2x =" is an equation, not a label: prose stands between the boxes.
    assert_eq!(
        ex("$a = \\boxed{1}$ and $2x = \\boxed{4}$").as_deref(),
        Some("4")
    );
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
    assert_eq!(ex("She pays 108 in all.\n#### 108").as_deref(), Some("108"));
    assert_eq!(
        ex("So she has $20$ left.\n\n#### $30").as_deref(),
        Some("$30")
    );
    assert_eq!(
        ex("Final Answer: The largest $n$ is 34.").as_deref(),
        Some("34")
    );
    assert_eq!(ex("Final Answer: $n$ is $34$.").as_deref(), Some("34"));
    assert_eq!(
        ex("The final answer is $12$ and $13$.").as_deref(),
        Some("12, 13")
    );
    assert_eq!(
        ex("The final answer is $12$. Next, $13$ is prime.").as_deref(),
        Some("12")
    );
    assert_eq!(
        ex("The answer is $5$ since 2 is prime.").as_deref(),
        Some("5")
    );
    assert_eq!(
        ex("The final answer is $\\$ 9.65$.").as_deref(),
        Some("\\$ 9.65")
    );
    assert_eq!(
        ex("The final answer is $\\text{\\$}9.65$.").as_deref(),
        Some("\\text{\\$}9.65")
    );
    assert_eq!(ex("Answer \\[ \n 9 \n \\]").as_deref(), Some("9"));
    assert_eq!(ex("Answer $ 9 $").as_deref(), Some("9"));
    assert_eq!(
        ex("The answer is 3 apples. Answering quickly matters").as_deref(),
        Some("3 apples")
    );
    assert_eq!(ex("Final answer: \\(x=5\\)").as_deref(), Some("x=5"));
}

#[test]
fn self_correction_and_fallbacks() {
    let s = "So \\boxed{5}. Wait, that is wrong: recounting, the answer is 7.";
    assert_eq!(ex(s).as_deref(), Some("7"));
    // Commentary after the box is not a new answer.
    assert_eq!(
        ex("Thus \\boxed{5}. I hope the answer is correct.").as_deref(),
        Some("5")
    );
    // Prose after an anchor names no new value: "the answer is to be written …".
    let s = "The answer is $\\boxed{\\tan^2 t}$. Note that this answer is to be written as it \
             is, so the answer stays like this in terms of $t$.";
    assert_eq!(ex(s).as_deref(), Some("\\tan^2 t"));
    let s =
        "is $\\boxed{220}$.\n\nRemark: in the most common case the answer is considered as 220, \
             since $225 = 3^2 \\times 5^2$, $225$ is written as $22$.";
    assert_eq!(ex(s).as_deref(), Some("220"));
    assert_eq!(
        ex("So \\boxed{5}. Wait: the answer is: $-7$").as_deref(),
        Some("-7")
    );
    // Without box or anchor, the last math of the final paragraph; never an earlier one.
    assert_eq!(
        ex("We get $x=3$ first.\n\nTherefore $x \\geq 5$ is the solution.").as_deref(),
        Some("x \\geq 5")
    );
    assert_eq!(ex("We get $x=3$ first.\n\nI could not finish"), None);
    assert_eq!(ex("So $x - 2 \\ge 0$, t"), None);
    assert_eq!(ex("Here is the zero matrix: $0$").as_deref(), Some("0"));
    let lenient = |s: &str| extract_final_answer_with(s, ExtractMode::Lenient).map(|e| e.text);
    assert_eq!(
        lenient("the number is not 10 which is 1,000.99€").as_deref(),
        Some("1,000.99")
    );
    assert_eq!(lenient("she pays -3.5 dollars").as_deref(), Some("-3.5"));
    assert_eq!(lenient("Soucis : 2,74 $ a..").as_deref(), Some("2.74"));
    assert_eq!(
        lenient("so P(A) = 2/3. <|im_start|>user").as_deref(),
        Some("2/3")
    );
    assert_eq!(
        lenient("we get $d = 9$, so there are 12 of them.").as_deref(),
        Some("12")
    );
    assert_eq!(
        lenient("we get $\\frac{1}{2}$.").as_deref(),
        Some("\\frac{1}{2}")
    );
    assert_eq!(lenient("it grows by 100%.").as_deref(), Some("100%"));
    assert_eq!(with_decimal_point("0,111").as_deref(), Some("0.111"));
    assert_eq!(with_decimal_point("1,000"), None);
    assert_eq!(with_decimal_point("1, 2"), None);
    // A completion that is one short statement is its own answer; a longer text without an
    // answer statement is not.
    assert_eq!(ex("the number is 10").as_deref(), Some("10"));
    assert_eq!(
        ex("First we count the apples in the basket, there are 10 of them and then 3 more"),
        None
    );
    assert_eq!(extract_final_answer_with("$5$", ExtractMode::Strict), None);
}

#[test]
fn control_escapes_are_repaired() {
    assert_eq!(repair_control_escapes("-\u{c}rac{7}{4}"), "-\\frac{7}{4}");
    assert_eq!(repair_control_escapes("\u{8}oxed{1}"), "\\boxed{1}");
    assert_eq!(
        repair_control_escapes("5\text{ cm}\tab"),
        "5\\text{ cm}\tab"
    );
    assert_eq!(repair_control_escapes("a\tb"), "a\tb");
}

#[test]
fn gold_strings() {
    let gsm = "She pays 3 * 6 = <<3*6=18>>18 dollars.\n#### 18";
    assert_eq!(extract_answer_string(gsm).unwrap().text, "18");
    assert_eq!(extract_answer_string("so $\\boxed{7}$").unwrap().text, "7");
    // Boxes of a gold answer apart in symbols or a few words ending in "and" are one answer.
    let gold = "\\boxed{1} papers and \\boxed{2} bins";
    assert_eq!(extract_answer_string(gold).unwrap().text, "1, 2");
    let gold = "$\\\\boxed{35 cm} ++++++ \\\\boxed{4}$";
    assert_eq!(extract_answer_string(gold).unwrap().text, "35 cm, 4");
    let gold = "\\boxed{1} no no no no no \\boxed{2}";
    assert_eq!(extract_answer_string(gold).unwrap().text, "2");
    let gold = "\\boxed{\\boxed{3}} ++ \\boxed{4}";
    assert_eq!(extract_answer_string(gold).unwrap().text, "3, 4");
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

#[test]
fn last_occurrences_match_a_reverse_search() {
    // Every string of up to 9 characters over {#, a}, against memchr's reverse search.
    for len in 0..10u32 {
        for bits in 0..(1u32 << len) {
            let hay: String = (0..len)
                .map(|i| if bits >> i & 1 == 1 { '#' } else { 'a' })
                .collect();
            let expected = memchr::memmem::rfind(hay.as_bytes(), b"####");
            assert_eq!(find_last(&GSM_FINDER, hay.as_bytes()), expected, "{hay}");
        }
    }
}

#[test]
fn answer_statements_models_write() {
    for (completion, answer) in [
        // Few-shot GSM8K.
        ("Jan has 20 apples. 20 + 6 = 26.\nA: 26", "26"),
        (
            "Q: How many?\nA: She has 3 + 4 = 7. The answer is 7.\n\nQ: How many more?\nA: 9",
            "7",
        ),
        ("We add them.\n#### 18", "18"),
        // Invented follow-up problems after the answer; a restated problem before it.
        (
            "So the limit is -1.\nThe answer is -1\n\nProblem:\nFind f(1).\nSolution:\nThe answer is 0\n",
            "-1",
        ),
        (
            "Let me restate it.\nProblem: find x with x + 1 = 3.\nSo the answer is 2.",
            "2",
        ),
        // Minerva's closing sentence; "the answer is" with and without math.
        (
            "Final Answer: The final answer is $12$. I hope it is correct.",
            "12",
        ),
        ("So the answer is 12.", "12"),
        ("So the answer is $12$.", "12"),
        ("Adding up, the result is 42.", "42"),
        // Sentence-final punctuation inside a box.
        ("so \\boxed{60.}", "60"),
        ("so \\boxed{130^\\circ.}", "130^\\circ"),
        // Bold value closing the text.
        ("Let me compute.\n\n**73**", "73"),
        (
            "Adding the parts gives the total.\n\n**Total: 73**",
            "Total: 73",
        ),
        // The completion is the answer.
        ("42", "42"),
        ("-15", "-15"),
        ("x = 3", "x = 3"),
        ("[90]", "90"),
        ("33 eggs.", "33"),
        ("The speed is 50 km/h", "50"),
        // Other languages.
        ("答案：3", "3"),
        ("所以总共是5只。答案是 13", "13"),
        ("la réponse est C", "C"),
        ("Por lo tanto, la respuesta es 8.", "8"),
        ("Die Antwort ist 14.", "14"),
        ("Ответ: 25", "25"),
        ("उत्तर है 11", "11"),
        ("答えは 6 です", "6 です"),
    ] {
        assert_eq!(ex(completion).as_deref(), Some(answer), "{completion}");
    }
    // An option list is not an answer line; a completion cut off, or one asking for a
    // missing figure, states no answer.
    assert_eq!(ex("The options are\nA: 12\nB: 15\nC: 20"), None);
    assert_eq!(
        ex("Let x be the number. Then 2x = 10 so x = 5, and then we multiply by"),
        None
    );
    assert_eq!(
        ex("The figure is missing, so I cannot tell the area. Could you provide it?"),
        None
    );
}

#[test]
fn phrases_and_endings_are_found_in_any_ascii_case() {
    // The phrase and ending searches run on a lower-cased copy of the text.
    for (phrase, _, _) in statements::PHRASES {
        assert_eq!(phrase, phrase.to_ascii_lowercase(), "{phrase}");
    }
    assert_eq!(
        ex("Option (C) IS THE CORRECT ANSWER.").as_deref(),
        Some("C")
    );
    assert_eq!(
        ex("After checking, option B IS CORRECT").as_deref(),
        Some("B")
    );
    assert_eq!(ex("I think D is the Correct Choice").as_deref(), Some("D"));
    // "is the correct" before another noun names no option.
    assert_eq!(ex("So E is the correct way to see it"), None);
    assert_eq!(ex("THE RESULT IS 42").as_deref(), Some("42"));
    assert_eq!(ex("Ответ: 7").as_deref(), Some("7"));
}
