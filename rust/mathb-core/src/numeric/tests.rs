//! Unit tests of numeric.rs.

use super::*;
use crate::latex::parse_answer;
use crate::normalize::evaluate;

fn num(a: &str, b: &str) -> Numeric {
    compare_numeric(&parse_answer(a).unwrap(), &parse_answer(b).unwrap())
}

/// The point of an expression without variables, read the usual way.
fn constant_point() -> Point<'static> {
    Point {
        values: &[],
        reading: Reading {
            log: Base::E,
            lg: Base::Ten,
            arc_reciprocal: false,
        },
    }
}

fn value(s: &str) -> Num {
    eval(&parse_answer(s).unwrap(), &constant_point(), 0).unwrap()
}

fn close(x: &Real, f: f64) {
    assert!(
        (x.approx() - f).abs() <= 1e-12 * f.abs().max(1.0),
        "{} vs {f}",
        x.approx()
    );
    assert!(x.rad < 1e-60 * f.abs().max(1.0), "radius {}", x.rad);
}

#[test]
fn conversions_are_exact() {
    let x = to_float(&BigInt::from(5)).unwrap();
    assert_eq!(approx_abs(&x), 5.0);
    let big = BigInt::from(3) << 200;
    assert_eq!(approx_abs(&to_float(&big).unwrap()), 3.0 * 2f64.powi(200));
    assert_eq!(approx_abs(&to_float(&BigInt::from(-7)).unwrap()), 7.0);
    assert!(to_float(&(BigInt::from(1) << 2000)).is_err());
}

#[test]
fn values_match_f64() {
    close(&value("\\pi").re, std::f64::consts::PI);
    close(&value("e").re, std::f64::consts::E);
    close(&value("\\ln 2").re, std::f64::consts::LN_2);
    close(&value("\\sin 1").re, 1f64.sin());
    close(&value("\\tan 1").re, 1f64.tan());
    close(&value("\\arctan 2").re, 2f64.atan());
    close(&value("\\arcsin \\frac{1}{3}").re, (1.0f64 / 3.0).asin());
    close(&value("\\sqrt{2}+\\sqrt{3}").re, 2f64.sqrt() + 3f64.sqrt());
    close(&value("2^{\\sqrt 2}").re, 2f64.powf(2f64.sqrt()));
    close(&value("\\sqrt[3]{-5}").re, -(5f64.cbrt()));
    close(&value("\\log_2 10").re, 10f64.log2());
    close(&value("\\cosh 2").re, 2f64.cosh());
    let z = value("(1+i)^3");
    close(&z.re, -2.0);
    close(z.im.as_ref().unwrap(), 2.0);
    let w = value("e^{i\\pi}");
    close(&w.re, -1.0);
    assert!(w.im.as_ref().unwrap().approx().abs() < 1e-70);
    let l = value("\\ln(-1)");
    close(l.im.as_ref().unwrap(), std::f64::consts::PI);
}

#[test]
fn balls_contain_the_true_value() {
    // (√2)² − 2 = 0 must stay inside the ball of its computation.
    let z = value("\\sqrt{3}^2 - 3 + \\sin(1)^2 + \\cos(1)^2 - 1");
    assert!(!apart(&z.re, &Real::small(0)));
    assert!(z.re.rad < 1e-60);
}

#[test]
fn constants_that_differ() {
    for (a, b) in [
        ("220", "4 - 20i"),
        ("\\sqrt{2}+\\sqrt{3}", "\\sqrt{5}"),
        ("\\ln 2", "\\ln 3"),
        ("1-\\frac{1}{e}", "1+\\frac{1}{e}"),
        ("e^{2}", "7.389"),
        ("\\pi", "3.14159265358979"),
        ("\\sin 30^\\circ", "\\sin 30"),
    ] {
        assert!(matches!(num(a, b), Numeric::Different(_)), "{a} vs {b}");
    }
}

#[test]
fn expressions_that_differ() {
    for (a, b) in [
        ("\\sin^2 x", "\\cos^2 x"),
        ("\\ln x", "\\log_2 x"),
        ("e^x", "x^e"),
        ("\\sqrt{x+1}", "\\sqrt{x}+1"),
        ("\\tan^2 y + 1", "\\sec^2 y + 2"),
    ] {
        assert!(matches!(num(a, b), Numeric::Different(_)), "{a} vs {b}");
    }
}

#[test]
fn identities_are_never_refuted() {
    for (a, b) in [
        ("\\tan^2(y)+1", "\\sec^2(y)"),
        ("\\sin^2x+\\cos^2x", "1"),
        ("\\ln(ab)", "\\ln a+\\ln b"),
        ("e^{i\\pi}", "-1"),
        ("\\sqrt{8}", "2\\sqrt2"),
        ("\\sqrt{x^2}", "x"),
        ("\\sin 30^\\circ", "\\frac12"),
        ("\\cos 60^{\\circ}", "\\sin(\\pi/6)"),
        ("\\log 100", "2"),
        ("\\log 8", "3"),
        ("\\lg 1000", "3"),
        ("\\arctan x + \\arctan \\frac1x", "\\frac{\\pi}{2}"),
        ("x^{1/3}", "\\sqrt[3]{x}"),
        ("\\sqrt[3]{-8}", "-2"),
        ("2^{x+1}", "2 \\cdot 2^x"),
        ("\\frac{\\sin 2x}{2}", "\\sin x \\cos x"),
        ("i^2", "-1"),
        ("\\cosh^2 x - \\sinh^2 x", "1"),
        // \sin^{-1} is read as arcsin and as 1/sin.
        ("\\sin^{-1}(x)", "\\frac{1}{\\sin x}"),
        ("\\sin 2x", "2\\sin x\\cos x"),
        // Integer-index names are tried at integers, where these hold.
        ("\\sin(n\\pi)", "0"),
        ("\\cos(k\\pi)", "(-1)^k"),
    ] {
        let n = num(a, b);
        assert!(!matches!(n, Numeric::Different(_)), "{a} vs {b}: {n:?}");
    }
}

#[test]
fn undefined_or_huge_stays_unsupported() {
    for (a, b) in [
        ("\\ln(-x^2-1)", "0"),
        ("\\sqrt{-1-x^2}", "1"),
        ("e^{e^{e^{10}}}", "1"),
        ("10^{10^{10}}", "1"),
        ("\\frac{1}{\\sin 0}", "1"),
        ("\\tan \\frac{\\pi}{2}", "1"),
        ("(-1)^x", "1"),
        ("100000!", "1"),
        ("\\gcd(x, 2)", "1"),
        ("\\arcsin 2", "1"),
    ] {
        let n = num(a, b);
        assert!(!matches!(n, Numeric::Different(_)), "{a} vs {b}: {n:?}");
    }
}

#[test]
fn decimals_by_enclosure() {
    let dec = |d: &str, places: u32, c: &str| {
        let q = evaluate(&parse_answer(d).unwrap())
            .unwrap()
            .as_rational()
            .unwrap();
        compare_decimal(&q, places, &parse_answer(c).unwrap())
    };
    assert_eq!(dec("7.389", 3, "e^2"), Numeric::Rounds(true));
    assert_eq!(dec("7.388", 3, "e^2"), Numeric::Rounds(false));
    assert_eq!(dec("0.693", 3, "\\ln 2"), Numeric::Rounds(true));
    assert_eq!(dec("2.71828182845905", 14, "e"), Numeric::Rounds(true));
    assert_eq!(dec("2.71828182845904", 14, "e"), Numeric::Rounds(false));
    assert_eq!(dec("1", 0, "i"), Numeric::Rounds(false));
}

#[test]
fn narrow_balls_from_platform_functions_hold_the_wide_value() {
    // The 64-bit pass takes exp, ln, sin, cos, atan, asin and acos from f64 functions:
    // each of its balls must hold the 256-bit value, and stay narrow enough to be of use.
    let args = [
        "\\frac{1}{7}",
        "\\frac{99}{100}",
        "1",
        "\\frac{101}{100}",
        "3",
        "\\frac{1}{3}",
        "-\\frac{5}{8}",
        "\\pi",
        "\\sqrt{2}",
        "40",
        "-300",
        "10^{-9}",
    ];
    let functions = [
        "e^{%}",
        "\\ln(%)",
        "\\sin(%)",
        "\\cos(%)",
        "\\arctan(%)",
        "\\arcsin(%)",
        "\\arccos(%)",
        "2^{%}",
        "%^{\\sqrt{3}}",
    ];
    let mut checked = 0;
    for f in functions {
        for a in args {
            let text = f.replace('%', &format!("{{{a}}}"));
            let expr = parse_answer(&text).unwrap();
            let pt = constant_point();
            let (Ok(wide), Ok(narrow)) = (
                eval(&expr, &pt, 0),
                at_precision(NARROW, || eval(&expr, &pt, 0)),
            ) else {
                continue;
            };
            let (Some(w), Some(n)) = (wide.real(), narrow.real()) else {
                continue;
            };
            let gap = (w.approx() - n.approx()).abs();
            assert!(
                gap <= n.rad,
                "{text}: wide {} narrow {} ± {}",
                w.approx(),
                n.approx(),
                n.rad
            );
            assert!(
                n.rad <= 1e-11 * w.approx().abs().max(1.0),
                "{text}: radius {} too wide",
                n.rad
            );
            checked += 1;
        }
    }
    assert!(checked > 70, "only {checked} values were defined");
}
