//! Arbitrary input never panics, hangs or loses a verdict, and verdicts do not depend on order.

use mathb_core::grade::{BUDGET_EXCEEDED, INTERNAL_ERROR};
use mathb_core::{grade, grade_batch, verify, Options, Status};
use proptest::prelude::*;

/// Fragments that make strings look like real answers, so generation reaches deep code paths.
const PIECES: &[&str] = &[
    "\\boxed{",
    "\\fbox{",
    "}",
    "{",
    "\\frac",
    "\\dfrac",
    "\\sqrt",
    "[3]",
    "\\pi",
    "\\left(",
    "\\right)",
    "(",
    ")",
    "[",
    "]",
    "\\{",
    "\\}",
    "1",
    "2",
    "0",
    "12",
    "1,000",
    "3.5",
    ".5",
    "e-7",
    "x",
    "y",
    "=",
    "<",
    "\\le",
    "\\in",
    "\\cup",
    "\\infty",
    "+",
    "-",
    "^",
    "_",
    "*",
    "/",
    ",",
    " and ",
    "$",
    "\\$",
    "\\%",
    "^\\circ",
    "\\text{ cm}",
    "\\begin{pmatrix}",
    "\\end{pmatrix}",
    "&",
    "\\\\",
    "The answer is ",
    "Answer: ",
    "</think>",
    "\n\n",
    "#### ",
    "\\pm",
    "!",
    "|",
    ":",
    "\\approx",
    "\\sin",
    "\\log_2",
    "\\binom",
    "A",
    "(C)",
    "\\tfrac{-816}{2}",
    // Answer statements and text around them, non-ASCII included.
    "答案：",
    "(b)",
    "B",
    "A: ",
    "Therefore, ",
    " is ",
    ".",
    "°",
    "²",
    " m/s",
    "option ",
    "\\overline{3}",
    "0.",
    "e^{i\\pi}",
    "i",
    "\\ln",
    "No,",
    "```output\n",
    "```",
    "</s>",
    "(A), (B)",
    " 1:2",
];

/// Text that is not ASCII, of every width and kind: invisible and bidirectional controls,
/// look-alike digits, combining marks, replacement characters, CJK and emoji.
const NON_ASCII: &[&str] = &[
    "\u{200b}",
    "\u{200d}",
    "\u{202e}",
    "\u{2066}",
    "\u{feff}",
    "\u{fffd}",
    "４２",
    "٤٢",
    "𝟒𝟐",
    "⁴²",
    "²",
    "°",
    "é",
    "e\u{301}",
    "π",
    "−",
    "×",
    "答案是",
    "答案：",
    "。",
    "Ответ:",
    "الإجابة هي",
    "😀",
    "\u{10ffff}",
    "\u{0}",
    "\u{7f}",
    "\u{1b}",
    "（",
    "）",
];

/// Answer-like text with non-ASCII pieces around the boxes and anchors it holds.
fn mixed_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(PIECES),
        prop::sample::select(NON_ASCII)
    ];
    prop::collection::vec(piece, 0..32).prop_map(|v| v.concat())
}

fn answer_like() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn grading_never_fails_internally(gold in answer_like(), completion in answer_like()) {
        let o = Options::default();
        let v = grade(&gold, &completion, &o);
        prop_assert!(!v.reason.starts_with(INTERNAL_ERROR), "{gold:?} / {completion:?}");
        let v = verify(&gold, &completion, &o);
        prop_assert!(!v.reason.starts_with(INTERNAL_ERROR), "{gold:?} / {completion:?}");
    }

    #[test]
    fn arbitrary_text_never_fails_internally(gold in ".{0,40}", completion in ".{0,200}") {
        let v = grade(&gold, &completion, &Options::default());
        prop_assert!(!v.reason.starts_with(INTERNAL_ERROR));
    }

    #[test]
    fn non_ascii_around_boxes_and_anchors_never_fails_internally(
        before in mixed_text(),
        inner in mixed_text(),
        after in mixed_text(),
        anchor in prop::sample::select(&["\\boxed{", "\\fbox{", "The answer is ", "答案是", "#### ", "Answer: $"][..]),
    ) {
        let completion = format!("{before}{anchor}{inner}}}{after}");
        let o = Options::default();
        let v = grade("42", &completion, &o);
        prop_assert!(!v.reason.starts_with(INTERNAL_ERROR), "{completion:?}");
        // Grading is a function of its input.
        prop_assert_eq!(&v, &grade("42", &completion, &o));
        let v = verify(&inner, &completion, &o);
        prop_assert!(!v.reason.starts_with(INTERNAL_ERROR), "{inner:?} / {completion:?}");
    }

    #[test]
    fn an_answer_equals_itself(a in answer_like()) {
        let v = verify(&a, &a, &Options::default());
        // Never "incorrect" against itself; undecided or no_answer are allowed.
        prop_assert_ne!(v.status, Status::Incorrect, "{:?}: {}", a, v.reason);
    }
}

#[test]
fn batch_results_do_not_depend_on_order() {
    let golds = ["1", "\\frac12", "x+1", "(1,2)", "C", "3"];
    let comps = [
        "\\boxed{1}",
        "so 0.5",
        "The answer is $1+x$.",
        "\\boxed{(2,1)}",
        "The answer is (C).",
        "nothing",
    ];
    let o = Options::default();
    let forward = grade_batch(&golds, &comps, &o, Some(2)).unwrap();
    let mut g_rev = golds;
    let mut c_rev = comps;
    g_rev.reverse();
    c_rev.reverse();
    let mut backward = grade_batch(&g_rev, &c_rev, &o, Some(2)).unwrap();
    backward.reverse();
    assert_eq!(forward, backward);
}

#[test]
fn work_past_the_budget_is_an_undecided_verdict() {
    // Each factorial of a million terms is reduced modulo a prime at a cost in proportion
    // to its size; twenty of them spend the work budget of one comparison.
    let sum: Vec<String> = (0..20).map(|k| format!("{}!", 1_000_000 - k)).collect();
    let completion = format!("\\boxed{{{}}}", sum.join("+"));
    let v = grade("1", &completion, &Options::default());
    assert_eq!(v.status, Status::Undecided);
    assert_eq!(v.reason, BUDGET_EXCEEDED);
}

#[test]
fn pathological_sizes_are_bounded() {
    let o = Options::default();
    let huge_power = "\\boxed{10^{10^{10^{10}}}}";
    assert_eq!(grade("1", huge_power, &o).status, Status::Undecided);
    let deep = format!("\\boxed{{{}1{}}}", "(".repeat(5000), ")".repeat(5000));
    assert_eq!(grade("1", &deep, &o).status, Status::Undecided);
    let long = format!("\\boxed{{{}}}", "1+".repeat(20000));
    assert_eq!(grade("1", &long, &o).status, Status::Undecided);
    // 100000! is decided through its residue modulo a prime; 10^7! is beyond that bound.
    assert_eq!(grade("1", "\\boxed{100000!}", &o).status, Status::Incorrect);
    assert_eq!(
        grade("1", "\\boxed{10000000!}", &o).status,
        Status::Undecided
    );
}

/// Found by the `compare` fuzz target (timeout): products and quotients of factorials near
/// the size bound were reduced with num-bigint's binary gcd, quadratic in the larger operand
/// even against 1, so this pair took 65 ms in a release build and seconds under the fuzzer.
/// A generous wall-clock bound: the unoptimized test build took 5 s before the fix, 0.2 s after.
#[test]
fn factorial_quotients_are_reduced_in_linear_steps() {
    let o = Options::default();
    let start = std::time::Instant::now();
    for (gold, answer) in [
        ("2012!", "2/2006!1/2012/2006!1/2012!"),
        ("1", "1/2012!/2012!/2012!"),
        ("1", "2006!2006!"),
    ] {
        assert_eq!(
            verify(gold, answer, &o).status,
            Status::Incorrect,
            "{answer}"
        );
    }
    let spent = start.elapsed();
    assert!(spent.as_millis() < 1000, "{spent:?}");
}

/// Found by the `latex` fuzz target (timeout): sums of decimals scaled by 10^-7185 were
/// reduced with num-bigint's binary gcd through num-rational's sum (0.5 s in a release
/// build, 12 s unoptimized); they now add by Henrici's formula (65 ms, 0.9 s unoptimized).
#[test]
fn sums_of_finely_scaled_decimals_are_reduced_in_few_steps() {
    let answer = concat!(
        ".712-185+1+11e-7185+1.702.11^201-02226+12-185+1+11e-7712-185+1901.702.112-185+1+11e-7185",
        "+1.702/112-226+12-185+1901.702.112+11e-7185+1.702.1121002^-226+12-18-185+1+11e-7185+1.70",
        "2.11^201-02226+12-185+1+11e-7712-185+1901.702.112-185+1+11e-7185+1.702/112-226+12-185+19",
        "01.702.112+11e-7185+1.702.112102^0-226+12-185+1+11e-7185+1.702.112-2267185+1.11e-7185+1.",
        "7032.112-185+1+7712-185+1901.710.212-185+1+11e-7185+1.702.1121002^-226+12-185+1+11e-7185",
        "+1.702.112-2267185+1.11e-7185+1.7032.112-185+02+19011905+1+11e-7185+1.702.112-2267185+1.",
        "11e-7185+1.7032.112-185+1+7712-185+1901.710.212-185+1+11e-7185+1.702.1121002^-226+12-185",
        "+1+11e-7185+1.702.112-2267185+1.11e-7185+1.7032.112-185+02+19011903",
    );
    let start = std::time::Instant::now();
    assert_eq!(
        verify("1", answer, &Options::default()).status,
        Status::Incorrect
    );
    let spent = start.elapsed();
    assert!(spent.as_millis() < 4000, "{spent:?}");
}
