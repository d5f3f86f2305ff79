//! End-to-end tests: exact values decided through `verify` and `grade`.

use crate::grade::{grade, verify};
use crate::options::Options;
use crate::verdict::Status;

fn status(gold: &str, answer: &str) -> Status {
    verify(gold, answer, &Options::default()).status
}

fn check(pairs: &[(&str, &str)], expected: Status) {
    for (gold, answer) in pairs {
        let v = verify(gold, answer, &Options::default());
        assert_eq!(v.status, expected, "{gold} vs {answer}: {}", v.reason);
        // The comparison is symmetric.
        let v = verify(answer, gold, &Options::default());
        assert_eq!(v.status, expected, "{answer} vs {gold}: {}", v.reason);
    }
}

#[test]
fn logarithms_of_exact_powers() {
    check(
        &[
            ("3", "\\log_2 8"),
            ("2", "\\ln e^2"),
            ("3", "\\log 1000"),
            ("2", "\\lg 100"),
            ("-2", "\\log_3 \\frac{1}{9}"),
            ("\\frac32", "\\log_4 8"),
            ("4", "\\log_{\\sqrt2} 4"),
            ("5", "e^{\\ln 5}"),
            ("5", "\\log_2 8 + \\log_2 4"),
            ("\\frac12", "\\ln\\sqrt{e}"),
            ("0", "\\log_7 1"),
        ],
        Status::Correct,
    );
    check(
        &[("4", "\\log_2 8"), ("3", "\\ln e^2"), ("2", "\\log 1000")],
        Status::Incorrect,
    );
}

#[test]
fn trigonometry_at_standard_angles() {
    check(
        &[
            ("\\frac12", "\\sin 30^\\circ"),
            ("\\frac12", "\\cos\\frac{\\pi}{3}"),
            ("1", "\\tan\\frac{\\pi}{4}"),
            ("\\frac12", "\\sin\\frac{5\\pi}{6}"),
            ("-\\frac{\\sqrt2}{2}", "\\cos 135^\\circ"),
            ("2", "\\sec\\frac{\\pi}{3}"),
            ("\\sqrt2", "\\csc 45^\\circ"),
            ("\\sqrt3", "\\cot\\frac{\\pi}{6}"),
            ("\\frac{\\sqrt6-\\sqrt2}{4}", "\\sin\\frac{\\pi}{12}"),
            ("2-\\sqrt3", "\\tan 15^\\circ"),
            ("\\frac{\\sqrt5+1}{4}", "\\cos\\frac{\\pi}{5}"),
            ("\\frac{\\sqrt5-1}{4}", "\\sin 18^\\circ"),
            ("\\sqrt2-1", "\\tan\\frac{\\pi}{8}"),
            ("\\frac{\\pi}{6}", "\\arcsin\\frac12"),
            ("\\frac\\pi4", "\\arctan 1"),
            ("\\frac{2\\pi}{3}", "\\arccos(-\\frac12)"),
            ("\\frac{\\pi}{3}", "\\tan^{-1}\\sqrt3"),
            ("\\frac{\\pi}{4}", "\\arcsin\\frac{\\sqrt2}{2}"),
            ("1", "\\sin^2 30^\\circ + \\cos^2 30^\\circ"),
        ],
        Status::Correct,
    );
    check(
        &[
            ("\\frac{\\sqrt3}{2}", "\\sin 30^\\circ"),
            ("\\frac{\\sqrt2}{2}", "\\cos 135^\\circ"),
            ("\\frac{\\pi}{3}", "\\arcsin\\frac12"),
            ("0", "\\tan\\frac{\\pi}{4}"),
        ],
        Status::Incorrect,
    );
}

#[test]
fn complex_numbers_in_every_notation() {
    check(
        &[
            ("-1", "e^{i\\pi}"),
            ("\\frac12-\\frac i2", "\\frac{1}{1+i}"),
            ("1+\\sqrt3 i", "2e^{i\\pi/3}"),
            ("5", "|3+4i|"),
            ("-i", "i^{2023}"),
            ("1", "i^{10^{100}}"),
            ("2i", "(1+i)^2"),
            ("2i", "\\sqrt{-4}"),
            ("3i", "3(\\cos\\frac{\\pi}{2} + i\\sin\\frac{\\pi}{2})"),
            ("i", "\\exp(i\\pi/2)"),
            ("\\frac{1-i}{2}", "\\frac{1}{1+i}"),
            ("-1+i", "i(1+i)"),
            ("1+\\sqrt{2}i", "1+i\\sqrt2"),
            ("3-4i", "\\overline{3+4i}"),
            ("3-4i", "\\bar{3+4i}"),
            (
                "\\frac12+\\frac{\\sqrt3}{2}i",
                "\\operatorname{cis}\\frac{\\pi}{3}",
            ),
            ("2i", "2\\operatorname{cis}(90^\\circ)"),
            ("3", "\\operatorname{Re}(3+4i)"),
            ("4", "\\Im(3+4i)"),
            ("3", "\\text{Re}(3+4i)"),
            ("4", "\\mathrm{Im}\\left(3+4i\\right)"),
            ("\\frac12+\\frac{\\sqrt3}{2}i", "\\text{cis}(\\pi/3)"),
            ("\\frac{\\pi}{4}", "\\arg(1+i)"),
            ("\\frac{3\\pi}{4}", "\\operatorname{Arg}(-1+i)"),
            ("\\pi", "\\arg(-2)"),
        ],
        Status::Correct,
    );
    check(
        &[
            ("1", "e^{i\\pi}"),
            ("7", "|3+4i|"),
            ("\\frac12+\\frac i2", "\\frac{1}{1+i}"),
            ("1-\\sqrt3 i", "2e^{i\\pi/3}"),
            ("i", "i^{2023}"),
            ("2", "(1+i)^2"),
            ("3+4i", "3-4i"),
            ("3+4i", "\\overline{3+4i}"),
            ("4", "\\operatorname{Re}(3+4i)"),
            ("-\\frac{\\pi}{4}", "\\arg(1+i)"),
        ],
        Status::Incorrect,
    );
}

#[test]
fn denested_square_roots() {
    check(
        &[
            ("1+\\sqrt2", "\\sqrt{3+2\\sqrt2}"),
            ("\\sqrt3-\\sqrt2", "\\sqrt{5-2\\sqrt6}"),
            ("2+\\sqrt3", "\\sqrt{7+4\\sqrt3}"),
        ],
        Status::Correct,
    );
    check(&[("1+\\sqrt3", "\\sqrt{3+2\\sqrt2}")], Status::Incorrect);
}

#[test]
fn nested_radicals_at_standard_angles() {
    check(
        &[
            ("\\frac{\\sqrt{10-2\\sqrt5}}{4}", "\\sin\\frac{\\pi}{5}"),
            ("\\sqrt{\\frac{5-\\sqrt5}{8}}", "\\sin 36^\\circ"),
            ("\\frac{\\sqrt{10+2\\sqrt5}}{4}", "\\cos\\frac{\\pi}{10}"),
            ("\\frac{\\sqrt{2+\\sqrt2}}{2}", "\\cos\\frac{\\pi}{8}"),
            ("-\\frac{\\sqrt{2-\\sqrt2}}{2}", "\\sin\\frac{9\\pi}{8}"),
            ("\\sqrt{5-2\\sqrt5}", "\\tan 36^\\circ"),
            ("1", "\\sin^2 36^\\circ + \\cos^2 36^\\circ"),
            ("\\frac{\\sqrt{10-2\\sqrt5}}{2}", "2\\sin\\frac{\\pi}{5}"),
            ("\\frac{\\pi}{5}", "\\arcsin\\frac{\\sqrt{10-2\\sqrt5}}{4}"),
            ("\\frac{3\\pi}{8}", "\\arctan(\\sqrt2+1)"),
        ],
        Status::Correct,
    );
    check(
        &[
            ("\\frac{\\sqrt{10+2\\sqrt5}}{4}", "\\sin\\frac{\\pi}{5}"),
            ("\\frac{\\sqrt{2-\\sqrt2}}{2}", "\\cos\\frac{\\pi}{8}"),
            ("-\\frac{\\sqrt{2+\\sqrt2}}{2}", "\\cos\\frac{\\pi}{8}"),
            ("\\frac12", "\\sin 36^\\circ"),
        ],
        Status::Incorrect,
    );
    // A decimal against a nested radical follows the decimal policy.
    assert_eq!(status("\\sin 36^\\circ", "0.588"), Status::Correct);
    assert_eq!(status("\\sin 36^\\circ", "0.589"), Status::Incorrect);
}

#[test]
fn decimals_keep_the_decimal_policy() {
    // Not exact: the numeric enclosure decides.
    assert_eq!(status("\\log_2 10", "3.32"), Status::Correct);
    assert_eq!(status("\\log_2 10", "3.33"), Status::Incorrect);
    assert_eq!(status("\\sin 1", "0.841"), Status::Correct);
    // Exact values against decimals: rounded at the places written.
    assert_eq!(status("\\sin 30^\\circ", "0.5"), Status::Correct);
    assert_eq!(status("\\cos 30^\\circ", "0.866"), Status::Correct);
    assert_eq!(status("\\cos 30^\\circ", "0.867"), Status::Incorrect);
    assert_eq!(status("\\log_2 8", "3.0"), Status::Correct);
}

#[test]
fn sums_of_logarithms() {
    check(
        &[
            ("\\ln 2 + \\ln 3", "\\ln 6"),
            ("2", "\\log_2 12 - \\log_2 3"),
            ("1", "\\log 2 + \\log 5"),
            ("\\log_4 9", "\\log_2 3"),
            ("3\\ln 2", "\\ln 8"),
        ],
        Status::Correct,
    );
    check(
        &[
            ("\\ln 2 + \\ln 4", "\\ln 6"),
            ("3", "\\log_2 12 - \\log_2 3"),
            ("\\log_4 3", "\\log_2 3"),
            ("1", "\\ln 2"),
        ],
        Status::Incorrect,
    );
    // Without a base, a difference in base 10 alone is not a difference: log 8 is 3 in base 2.
    assert_eq!(status("3", "\\log 8"), Status::Undecided);
    assert_eq!(status("4", "\\log 8"), Status::Incorrect);
    // A decimal against a logarithm keeps the decimal policy.
    assert_eq!(status("\\ln 2", "0.693"), Status::Correct);
    // Logarithms in different bases are not compared.
    assert_eq!(status("\\ln 3", "\\log_2 3"), Status::Incorrect); // numeric witness
    assert_eq!(status("\\ln x", "\\ln x"), Status::Correct);
}

#[test]
fn values_without_exact_form_stay_with_the_numeric_comparison() {
    assert_eq!(status("\\sin 1", "\\frac12"), Status::Incorrect);
    assert_eq!(status("\\ln(ab)", "\\ln a+\\ln b"), Status::Undecided);
}

#[test]
fn bars_and_words_keep_their_other_meanings() {
    // A bar over digits is a repeating decimal, not a conjugate: never 0.3 = 0.
    assert_ne!(status("0.\\overline{3}", "0"), Status::Correct);
    assert_eq!(status("\\text{cis}", "\\text{cis}"), Status::Correct);
    assert_eq!(status("cis", "trans"), Status::Incorrect);
    assert_eq!(status("ii", "II"), Status::Correct);
    assert_ne!(status("iii", "-i"), Status::Correct);
}

#[test]
fn grading_completions() {
    let o = Options::default();
    let v = grade(
        "\\frac12-\\frac12 i",
        "Multiplying by the conjugate, $\\boxed{\\frac{1}{1+i}}$ simplifies.",
        &o,
    );
    assert_eq!(v.status, Status::Correct, "{}", v.reason);
    let v = grade("3", "So the value is $\\boxed{\\log_2 8}$.", &o);
    assert_eq!(v.status, Status::Correct, "{}", v.reason);
    let v = grade("3", "So the value is $\\boxed{\\log_2 16}$.", &o);
    assert_eq!(v.status, Status::Incorrect, "{}", v.reason);
}

#[test]
fn exact_values_inside_expressions_with_variables() {
    assert_eq!(
        status("x + \\frac12", "x + \\sin 30^\\circ"),
        Status::Correct
    );
    assert_eq!(
        status("\\frac{x}{2}", "x\\cos\\frac{\\pi}{3}"),
        Status::Correct
    );
}

#[test]
fn more_standard_pairs() {
    check(
        &[
            ("\\log_3 27", "\\log_2 8"),
            ("-\\frac{\\pi}{4}", "\\arctan(-1)"),
            ("\\frac\\pi2", "\\arccos 0"),
            ("\\frac{\\sqrt2}{2}(1+i)", "e^{i\\pi/4}"),
            ("\\frac{\\sqrt2}{2}+\\frac{\\sqrt2}{2}i", "\\sqrt{i}"),
            ("2^{1011}(1-i)", "(1+i)^{2023}"),
            ("\\frac{\\sqrt3}{2}", "\\sin 120^\\circ"),
            ("-\\sqrt3", "\\tan\\frac{2\\pi}{3}"),
            ("\\frac{\\sqrt3}{3}", "\\tan 30^\\circ"),
            ("\\frac{2\\sqrt3}{3}", "\\sec 30^\\circ"),
            ("0", "\\cos 90^\\circ"),
            ("-1", "\\cos\\pi"),
            ("\\frac{5\\pi}{6}", "\\arccos(-\\frac{\\sqrt3}{2})"),
            ("3+5i", "(2+i)^2+i"),
        ],
        Status::Correct,
    );
    check(
        &[
            ("\\frac{\\sqrt3}{2}", "\\sin\\frac{\\pi}{6}"),
            ("\\frac{3\\pi}{4}", "\\arctan(-1)"),
            ("\\frac{\\sqrt2}{2}(1-i)", "e^{i\\pi/4}"),
            ("-\\frac{\\sqrt2}{2}-\\frac{\\sqrt2}{2}i", "\\sqrt{i}"),
            ("2i", "\\sqrt{4}"),
            ("-2i", "\\sqrt{-4}"),
        ],
        Status::Incorrect,
    );
}

#[test]
fn written_values_evaluate_back() {
    for s in [
        "\\sqrt2",
        "-\\sqrt3",
        "\\frac{1+\\sqrt5}{4}",
        "\\pi",
        "\\frac{\\pi}{6}",
        "0",
        "-\\frac72",
        "2\\sqrt6\\pi^2",
    ] {
        let x = crate::normalize::evaluate(&crate::latex::parse_answer(s).unwrap()).unwrap();
        let back = crate::normalize::evaluate(&super::real_to_expr(&x)).unwrap();
        assert_eq!(back, x, "{s}");
    }
}

/// Large powers of sums of many radicals give up within the work budget instead of running
/// for minutes (the bound is generous: debug builds on a shared machine).
#[test]
fn expensive_values_give_up_quickly() {
    let start = std::time::Instant::now();
    for g in [
        "(1+\\sqrt2+\\sqrt3+\\sqrt5+\\sqrt7+\\sqrt{11}+i)^{1000}",
        "(\\frac{1}{3}+\\frac{\\sqrt2}{7}+\\frac{\\sqrt3}{11}+\\frac{\\sqrt5}{13}+\\frac{i}{19})^{1000}",
        "\\frac{1}{1+\\sqrt2+\\sqrt3+\\sqrt5+\\sqrt7+\\sqrt{11}+\\sqrt{13}+\\sqrt{17}+i}",
        "\\sqrt{340282366920938463463374607431768211297+i}",
    ] {
        let e = crate::latex::parse_answer(g).unwrap();
        let _ = super::value(&e);
        let _ = super::rewrite(&e);
    }
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
}

/// Every exact value agrees with the rigorous numeric evaluation of the expression.
#[test]
fn exact_values_agree_with_numeric_evaluation() {
    use crate::numeric::{compare_numeric, Numeric};
    let mut inputs: Vec<String> = Vec::new();
    for f in ["sin", "cos", "tan", "cot", "sec", "csc"] {
        for k in -50..=130 {
            inputs.push(format!("\\{f}\\frac{{{k}\\pi}}{{60}}"));
        }
        for d in [
            30,
            45,
            60,
            150,
            225,
            300,
            330,
            15,
            75,
            36,
            72,
            18,
            54,
            22.5 as i64,
        ] {
            inputs.push(format!("\\{f} {d}^\\circ"));
        }
    }
    for f in ["arcsin", "arccos", "arctan"] {
        for x in [
            "0",
            "1",
            "-1",
            "\\frac12",
            "-\\frac12",
            "\\frac{\\sqrt2}{2}",
            "-\\frac{\\sqrt3}{2}",
            "\\sqrt3",
            "-\\frac{\\sqrt3}{3}",
            "2-\\sqrt3",
            "\\frac{\\sqrt5-1}{4}",
            "\\frac{\\sqrt6+\\sqrt2}{4}",
            "\\sqrt2-1",
        ] {
            inputs.push(format!("\\{f}({x})"));
        }
    }
    for b in 2..=10 {
        for x in [
            "8",
            "\\frac{1}{9}",
            "16",
            "1000",
            "\\sqrt{2}",
            "32",
            "\\frac{1}{4}",
            "1",
        ] {
            inputs.push(format!("\\log_{{{b}}} {x}"));
        }
    }
    for z in [
        "e^{i\\pi/6}",
        "e^{5i\\pi/4}",
        "\\frac{3+i}{2-i}",
        "(1-i)^7",
        "\\sqrt{-3}",
        "\\sqrt{3+4i}",
        "\\sqrt{-5-12i}",
        "|2-\\sqrt5 i|",
        "i^{-7}",
        "\\frac{1}{\\sqrt2+i}",
        "\\operatorname{cis}\\frac{7\\pi}{6}",
        "\\arg(-1-i)",
        "\\overline{2-3i}",
        "(\\frac{\\sqrt3}{2}+\\frac i2)^5",
        "\\sqrt{2i}",
        "(-4)^{3/2}",
        "e^{\\ln 7}",
        "e^{2\\ln 3}",
        "\\ln e^{5}",
        "\\sqrt{11-6\\sqrt2}",
        "e^{\\frac12\\ln 4}",
        "2^{\\log_2 5}",
        "(\\sqrt2)^{\\log_{\\sqrt2} 3}",
        "e^{-3\\ln 2}",
        "\\sqrt{12+2\\sqrt{35}}",
    ] {
        inputs.push(z.to_string());
    }
    let mut checked = 0;
    for s in &inputs {
        let e = crate::latex::parse_answer(s).unwrap();
        let Some(v) = super::value(&e) else { continue };
        let written = super::to_expr(&v);
        let verdict = compare_numeric(&e, &written);
        assert!(
            !matches!(verdict, Numeric::Different(_)),
            "{s} = {written:?}: {verdict:?}"
        );
        checked += usize::from(verdict == Numeric::Indistinct);
    }
    assert!(checked > 350, "{checked}");
}
