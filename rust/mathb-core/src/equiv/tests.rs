//! Unit tests of equivalence.

use super::*;
use crate::latex::parse_answer;
use crate::options::DecimalPolicy;

fn cmp(g: &str, a: &str) -> Status {
    compare(
        &parse_answer(g).unwrap(),
        &parse_answer(a).unwrap(),
        &Options::default(),
    )
    .0
}

#[test]
fn exact_equalities() {
    for (g, a) in [
        ("1000", "1,000"),
        ("0.5", "\\frac{1}{2}"),
        ("\\frac{5}{2}", "2\\frac{1}{2}"),
        ("2\\sqrt{3}", "\\sqrt{12}"),
        ("\\frac{\\pi}{3}", "\\frac{1}{3}\\pi"),
        ("5", "x = 5"),
        ("x=5", "x = 5.0"),
        ("30", "30^\\circ"),
        ("50", "50\\%"),
        ("0.5", "50\\%"),
        ("-5\\%", "\\frac{-10}{2}\\%"),
        ("-5\\%", "-5"),
        ("-50\\%", "-\\frac{1}{2}"),
        ("12", "\\$12"),
        ("7", "7 \\text{ cm}"),
    ] {
        assert_eq!(cmp(g, a), Status::Correct, "{g} vs {a}");
    }
}

#[test]
fn rejections() {
    for (g, a) in [
        ("2e-7", "1e-7"),
        ("1728", "1331 and 1728"),
        ("\\frac{1}{3}", "0.3"),
        ("\\frac{1}{3}", "0.34"),
        ("5", "-5"),
        ("x = 5", "y = 5"),
        ("0.1", "0.10001"),
        ("50\\%", "5"),
        ("50\\%", "0.5\\%"),
        ("100\\%", "1\\%"),
    ] {
        assert_eq!(cmp(g, a), Status::Incorrect, "{g} vs {a}");
    }
}

/// Pairs other graders are known to accept although they differ.
#[test]
fn known_false_positives_of_other_graders_are_rejected() {
    for (g, a) in [
        ("\\frac{1}{2004!}", "\\frac{1}{2006!}"),
        ("1-\\frac{1}{e}", "1+\\frac{1}{e}"),
        ("2e-7", "1e-7"),
        ("2 \\times 10^{-7}", "1 \\times 10^{-7}"),
        ("1728", "1331 and 1728"),
        ("1728", "1331, 1728"),
        ("\\frac{1}{100000!}", "\\frac{1}{100001!}"),
    ] {
        assert_eq!(cmp(g, a), Status::Incorrect, "{g} vs {a}");
    }
    assert_eq!(
        cmp("\\frac{1}{2004!}", "\\frac{2005 \\cdot 2006}{2006!}"),
        Status::Correct
    );
}

#[test]
fn decimals_against_exact() {
    assert_eq!(cmp("\\frac{1}{3}", "0.333"), Status::Correct);
    assert_eq!(cmp("\\pi", "3.14"), Status::Correct);
    assert_eq!(cmp("\\pi", "3.15"), Status::Incorrect);
    assert_eq!(cmp("\\sqrt{2}", "1.414"), Status::Correct);
    let strict = Options {
        decimal: DecimalPolicy::Exact,
        ..Options::default()
    };
    let j = compare(
        &parse_answer("1/3").unwrap(),
        &parse_answer("0.333").unwrap(),
        &strict,
    );
    assert_eq!(j.0, Status::Incorrect);
    let at = |places: u32| Options {
        decimal: DecimalPolicy::Rounded {
            min_significant_digits: 3,
            max_places: Some(places),
        },
        ..Options::default()
    };
    let (g, a) = (
        parse_answer("1/3").unwrap(),
        parse_answer("0.333000000000000").unwrap(),
    );
    assert_eq!(compare(&g, &a, &Options::default()).0, Status::Incorrect);
    assert_eq!(compare(&g, &a, &at(3)).0, Status::Correct);
    assert_eq!(compare(&g, &a, &at(4)).0, Status::Incorrect);
}

#[test]
fn renamed_variables() {
    let loose = Options {
        strict_variables: false,
        ..Options::default()
    };
    let cmp_with = |g: &str, a: &str, o: &Options| {
        compare(&parse_answer(g).unwrap(), &parse_answer(a).unwrap(), o).0
    };
    assert_eq!(
        cmp_with("f(x)", "f(y)", &Options::default()),
        Status::Incorrect
    );
    assert_eq!(cmp_with("f(x)", "f(y)", &loose), Status::Correct);
    assert_eq!(cmp_with("x^2 + y", "a^2 + b", &loose), Status::Correct);
    assert_eq!(cmp_with("x^2 + y", "a + b^2", &loose), Status::Correct);
    assert_eq!(cmp_with("x^2 + y", "a^2 + b^2", &loose), Status::Incorrect);
}

#[test]
fn numeric_witnesses() {
    for (g, a) in [
        ("220", "4 - 20i"),
        ("\\sin^2 x", "\\cos^2 x"),
        ("\\sqrt{2}+\\sqrt{3}", "\\sqrt{5}"),
        ("\\ln 2", "\\ln 3"),
        ("e^{2}", "7.388"),
        ("e", "2.71828182845904"),
        ("1-\\frac{1}{e}", "1+\\frac{1}{e}"),
        ("\\sin 30^\\circ", "\\frac{\\sqrt3}{2}"),
        ("\\sin x", "\\cos x"),
    ] {
        assert_eq!(cmp(g, a), Status::Incorrect, "{g} vs {a}");
    }
    for (g, a) in [
        ("e^{2}", "7.389"),
        ("e^2", "7.39"),
        ("\\ln 2", "0.693"),
        ("e", "2.71828182845905"),
        ("\\sqrt{8}", "2\\sqrt2"),
        // Exact values of functions and complex numbers (crate::exact).
        ("e^{i\\pi}", "-1"),
        ("\\sin 30^\\circ", "\\frac12"),
        ("\\log 1000", "3"),
    ] {
        assert_eq!(cmp(g, a), Status::Correct, "{g} vs {a}");
    }
    for (g, a) in [
        ("\\tan^2(y)+1", "\\sec^2(y)"),
        ("\\sin^2x+\\cos^2x", "1"),
        ("\\ln(ab)", "\\ln a+\\ln b"),
        ("\\ln(-x^2-1)", "1"),
        ("e^{e^{e^{10}}}", "1"),
    ] {
        assert_eq!(cmp(g, a), Status::Undecided, "{g} vs {a}");
    }
    let exact = Options {
        decimal: DecimalPolicy::Exact,
        ..Options::default()
    };
    let j = compare(
        &parse_answer("e^2").unwrap(),
        &parse_answer("7.389").unwrap(),
        &exact,
    );
    assert_eq!(j.0, Status::Incorrect);
}

#[test]
fn unsupported_is_undecided() {
    assert_eq!(cmp("\\sin^2 x+\\cos^2 x", "1"), Status::Undecided);
    assert_eq!(cmp("i^2", "-1"), Status::Correct);
}

#[test]
fn expressions_and_equations() {
    assert_eq!(cmp("x^2 - 1", "(x-1)(x+1)"), Status::Correct);
    assert_eq!(cmp("1-\\frac{1}{e}", "1+\\frac{1}{e}"), Status::Incorrect);
    assert_eq!(cmp("y = 2x+1", "2x + 1 = y"), Status::Correct);
    assert_eq!(cmp("y = 2x+1", "y - 2x - 1 = 0"), Status::Correct);
    assert_eq!(cmp("y = 2x+1", "y = 2x-1"), Status::Incorrect);
    // Equations in different variables, an equation against an inequality or against an
    // expression: different answers.
    assert_eq!(cmp("y = ax + c", "y = 2x"), Status::Incorrect);
    assert_eq!(cmp("Q = \\sqrt{S s}", "Q = S"), Status::Incorrect);
    assert_eq!(cmp("CD = OD = BD", "AC = AD"), Status::Incorrect);
    assert_eq!(cmp("X = Y = Z", "X < Y < Z"), Status::Incorrect);
    assert_eq!(cmp("ab + cd < 0", "ab + cd = 0"), Status::Incorrect);
    assert_eq!(cmp("X + Y = Z", "Z"), Status::Incorrect);
    assert_eq!(
        cmp("2\\alpha + \\beta = 90", "90 - \\beta"),
        Status::Incorrect
    );
    // A variable that cancels is no variable of the equation.
    assert_eq!(cmp("y = 2x", "y = 2x + a - a"), Status::Correct);
    // (2, 4) solves y = x² and not y² = x².
    assert_eq!(cmp("y = x^2 + a - a", "y^2 = x^2"), Status::Incorrect);
    assert_eq!(cmp("y = |x|", "y^2 = x^2"), Status::Undecided);
    // Three terms of a ratio are no number.
    assert_eq!(cmp("1:4:9", "\\frac{1}{2}"), Status::Incorrect);
    // A number against an expression whose variable matters only where the random test
    // points do not reach: real only for r ≥ 5, defined only at whole n.
    assert_eq!(cmp("184", "2\\sqrt{r^2 - 5^2}"), Status::Incorrect);
    assert_eq!(cmp("-1.0", "-n!/4"), Status::Incorrect);
    // One equation solved for a variable whose solution does not solve the other.
    assert_eq!(
        cmp("\\tan \\theta = 2\\theta", "\\theta = 1"),
        Status::Incorrect
    );
    assert_eq!(
        cmp("Q=\\sqrt{S \\cdot s}", "S = s + \\frac{2}{3}Q"),
        Status::Incorrect
    );
    // A solution that does solve the other equation proves nothing.
    assert_eq!(cmp("x^2 = 9", "x = 3"), Status::Undecided);
    // A variable that changes nothing at any value is not shown to matter.
    assert_ne!(cmp("1", "\\sin^2 x + \\cos^2 x"), Status::Incorrect);
}

#[test]
fn collections() {
    assert_eq!(cmp("\\{1, 2\\}", "\\{2, 1\\}"), Status::Correct);
    assert_eq!(cmp("\\{1, 2\\}", "\\{1, 3\\}"), Status::Incorrect);
    assert_eq!(cmp("(1, 2)", "(2, 1)"), Status::Incorrect);
    assert_eq!(cmp("(1, 2)", "(1, 2.0)"), Status::Correct);
    assert_eq!(cmp("1, 2", "x = 2 or x = 1"), Status::Correct);
    assert_eq!(cmp("[1, 2)", "[1, 2)"), Status::Correct);
    assert_eq!(cmp("[1, 2)", "[1, 2]"), Status::Incorrect);
    assert_eq!(cmp("(1, 2)", "[1, 2]"), Status::Incorrect);
    assert_eq!(
        cmp(
            "(-\\infty, 0) \\cup (1, \\infty)",
            "(1,\\infty)\\cup(-\\infty,0)"
        ),
        Status::Correct
    );
    assert_eq!(
        cmp("1 \\pm \\sqrt{2}", "1-\\sqrt2, 1+\\sqrt2"),
        Status::Correct
    );
    assert_eq!(cmp("\\text{Monday}", "Monday"), Status::Correct);
    assert_eq!(cmp("(2, \\infty)", "x > 2"), Status::Correct);
    assert_eq!(cmp("x > 2", "2 < x"), Status::Correct);
    assert_eq!(cmp("x < 1", "-x > -1"), Status::Correct);
    assert_eq!(cmp("x \\le 3", "2x + 1 \\le 7"), Status::Correct);
    assert_eq!(cmp("x < 3", "2x + 1 \\le 7"), Status::Incorrect);
    assert_eq!(cmp("(-2, 4)", "-3 < x - 1 < 3"), Status::Correct);
    assert_eq!(cmp("(-2, 4]", "-3 < x - 1 < 3"), Status::Incorrect);
    assert_eq!(cmp("(-2, 4)", "|x - 1| < 3"), Status::Correct);
    assert_eq!(
        cmp("(-\\infty, -2] \\cup [4, \\infty)", "|x - 1| \\ge 3"),
        Status::Correct
    );
    assert_eq!(
        cmp("(-\\infty, -2) \\cup [4, \\infty)", "|x - 1| \\ge 3"),
        Status::Incorrect
    );
    let ring = "\\left[-\\frac{3}{2}, -1\\right] \\cup \\left[1, \\frac{3}{2}\\right]";
    assert_eq!(cmp("1\\leq|z|\\leq \\frac{3}{2}", ring), Status::Correct);
    assert_eq!(cmp("36\\pi", "r^3 = 27"), Status::Incorrect);
    assert_eq!(cmp("2, 3", "x^2 - 5x + 6 = 0"), Status::Incorrect);
    assert_eq!(cmp("\\sqrt{3}", "s"), Status::Incorrect);
    assert_eq!(cmp("e^2", "e \\cdot e"), Status::Correct);
    assert_eq!(cmp("x=3", "3=x"), Status::Correct);
    assert_eq!(cmp("12 \\bmod 5", "2"), Status::Correct);
    assert_eq!(cmp("2", "2 \\pmod{7}"), Status::Correct);
    assert_eq!(cmp("\\frac{d}{dx}x^2", "2x"), Status::Undecided);
    assert_eq!(
        cmp("\\sin^{-1}(x)", "\\frac{1}{\\sin x}"),
        Status::Undecided
    );
    assert_eq!(cmp("\\sin^{-1}(x)", "\\arcsin x"), Status::Correct);
    assert_eq!(cmp("[2, \\infty)", "x > 2"), Status::Incorrect);
    assert_eq!(cmp("(-1, 3]", "-1 < x \\le 3"), Status::Correct);
    assert_eq!(cmp("\\mathbb{R}", "(-\\infty, \\infty)"), Status::Correct);
    assert_eq!(
        cmp(
            "(-\\infty, 1) \\cup (2, \\infty)",
            "x < 1 \\text{ or } x > 2"
        ),
        Status::Correct
    );
    assert_eq!(cmp("\\text{yes}", "\\text{no}"), Status::Incorrect);
    assert_eq!(cmp("(-2, 4)", "x \\in (-2, 4)"), Status::Correct);
    assert_eq!(cmp("(-2, 4)", "(-\\infty, 4)"), Status::Incorrect);
    assert_eq!(cmp("210", "\\binom{10}{4} = 210"), Status::Correct);
    assert_eq!(cmp("7", "x = 3 + 4 = 7"), Status::Correct);
    assert_eq!(cmp("2", "2 \\pmod{7}"), Status::Correct);
    assert_eq!(cmp("9.65", "\\text{\\$}9.65"), Status::Correct);
    let m = "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}";
    assert_eq!(
        cmp(
            m,
            "\\left[\\begin{array}{cc}1 & 2 \\\\ 3 & 4\\end{array}\\right]"
        ),
        Status::Correct
    );
    assert_eq!(
        cmp(m, "\\begin{bmatrix} 1 & 2 \\\\ 4 & 3 \\end{bmatrix}"),
        Status::Incorrect
    );
    assert_eq!(
        cmp("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "(1, 2)"),
        Status::Correct
    );
}

#[test]
fn matrix_arithmetic() {
    let m = |rows: &str| format!("\\begin{{pmatrix}}{rows}\\end{{pmatrix}}");
    let (a, b) = (m("1 & 2 \\\\ 3 & 4"), m("5 & 6 \\\\ 7 & 8"));
    assert_eq!(
        cmp(&m("6 & 8 \\\\ 10 & 12"), &format!("{a} + {b}")),
        Status::Correct
    );
    assert_eq!(
        cmp(&m("19 & 22 \\\\ 43 & 50"), &format!("{a}{b}")),
        Status::Correct
    );
    assert_eq!(
        cmp(&m("19 & 22 \\\\ 43 & 50"), &format!("{b}{a}")),
        Status::Incorrect
    );
    assert_eq!(
        cmp(&m("2 & 4 \\\\ 6 & 8"), &format!("2{a}")),
        Status::Correct
    );
    assert_eq!(
        cmp(&m("-4 & -4 \\\\ -4 & -4"), &format!("{a} - {b}")),
        Status::Correct
    );
}

#[test]
fn an_inequality_is_no_single_value() {
    assert_eq!(cmp("x + 1", "x \\neq 1"), Status::Incorrect);
    assert_eq!(cmp("5", "x > 5"), Status::Incorrect);
    assert_eq!(cmp("0 < x < 1", "\\frac12"), Status::Incorrect);
    // Relations and sets still compare as solution sets.
    assert_eq!(cmp("x > 1", "1 < x"), Status::Correct);
    assert_eq!(cmp("(1, \\infty)", "x > 1"), Status::Correct);
    assert_eq!(cmp("x \\neq 1", "x \\ne 1"), Status::Correct);
}
