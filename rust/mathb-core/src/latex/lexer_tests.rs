//! Unit tests of lexer.rs.

use super::*;

fn num(tokens: &[Token]) -> Vec<String> {
    tokens
        .iter()
        .filter_map(|t| match t {
            Token::Num(l) => Some(l.value.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn thousands_separators_join() {
    for s in [
        "1,000",
        "1{,}000",
        "1 {, }000",
        "1{, }000",
        "1\\,000",
        "1\\!000",
        "1 000",
        "1~000",
    ] {
        assert_eq!(num(&tokenize(s).unwrap()), vec!["1000"], "{s}");
    }
    assert_eq!(num(&tokenize("1,000,000").unwrap()), vec!["1000000"]);
    // A list is not a number.
    assert_eq!(num(&tokenize("1, 2").unwrap()), vec!["1", "2"]);
    assert_eq!(num(&tokenize("1,2345").unwrap()), vec!["1", "2345"]);
    assert_eq!(num(&tokenize("(12,102)").unwrap()), vec!["12", "102"]);
    assert_eq!(num(&tokenize("0,111").unwrap()), vec!["0", "111"]);
    assert_eq!(num(&tokenize("(1\\!000, 2)").unwrap()), vec!["1000", "2"]);
    assert_eq!(
        num(&tokenize("11,\\! 111,\\! 111,\\! 100").unwrap()),
        vec!["11111111100"]
    );
}

#[test]
fn decimals_and_scientific() {
    let t = tokenize("0.330").unwrap();
    match &t[0] {
        Token::Num(l) => {
            assert_eq!(l.decimal_places, Some(3));
            assert_eq!(l.significant_digits, 3);
            assert_eq!(l.value.to_string(), "33/100");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(num(&tokenize("2e-7").unwrap()), vec!["1/5000000"]);
    assert_eq!(num(&tokenize(".5").unwrap()), vec!["1/2"]);
}

/// Found by the `latex` fuzz target: the literal was scaled by 10^73457 (10^999999 for six
/// exponent digits) and reduced before any bound applied, taking seconds per answer.
#[test]
fn decimal_scale_is_bounded_before_it_is_built() {
    for s in ["1,2e-73457", "1e-999999", "9e999999", "0.5e-9864"] {
        let e = tokenize(s).unwrap_err();
        assert_eq!(e.message, "exponent too large", "{s}");
    }
    // The largest scale exact arithmetic can hold is still read exactly.
    let tokens = tokenize("1e-9864").unwrap();
    assert!(matches!(&tokens[0], Token::Num(l) if l.decimal_places == Some(9864)));
    assert_eq!(num(&tokenize("1.5e9863").unwrap()).len(), 1);
}

#[test]
fn bare_frac_arguments_split_digits() {
    assert_eq!(num(&tokenize("\\frac12").unwrap()), vec!["1", "2"]);
    assert_eq!(num(&tokenize("\\frac{12}{5}").unwrap()), vec!["12", "5"]);
    assert_eq!(num(&tokenize("\\sqrt2").unwrap()), vec!["2"]);
}

#[test]
fn formatting_is_dropped() {
    let t = tokenize("\\left( 30^\\circ \\right)").unwrap();
    assert_eq!(t.len(), 3);
    assert_eq!(tokenize("\\$5").unwrap().len(), 1);
    assert_eq!(tokenize("2π").unwrap()[1], Token::Cmd("pi".into()));
    assert_eq!(
        tokenize("\\text{cm}").unwrap(),
        vec![Token::Text("cm".into())]
    );
}

#[test]
fn bad_input_is_an_error() {
    assert!(tokenize("\\text{unclosed").is_err());
    assert!(tokenize("5 \\").is_err());
}
