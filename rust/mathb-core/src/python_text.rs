//! Numbers as Python prints them: the reader stringifies numeric golds and ids exactly
//! as the Python reader (`str(json.loads(...))`) did, so verdict files do not change.

/// A JSON number literal as Python's `str(json.loads(literal))` prints it.
pub fn python_number_text(literal: &str) -> String {
    if !literal.contains(['.', 'e', 'E']) {
        let digits = literal.trim_start_matches('-');
        return if digits.bytes().all(|b| b == b'0') {
            "0".into()
        } else {
            literal.into()
        };
    }
    let x: f64 = literal.parse().unwrap_or(f64::NAN);
    python_float_repr(x)
}

/// Python's `repr(float)`: shortest round-trip digits, scientific notation when the
/// decimal exponent is below -4 or at least 16.
pub fn python_float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if x.is_sign_negative() { "-" } else { "" };
    let decpt = exp + 1;
    if !(-3..=16).contains(&decpt) {
        let (head, tail) = digits.split_at(1);
        let frac = if tail.is_empty() {
            String::new()
        } else {
            format!(".{tail}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{head}{frac}e{esign}{:02}", exp.abs());
    }
    let n = digits.len() as i32;
    if decpt <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-decpt) as usize))
    } else if decpt >= n {
        format!("{sign}{digits}{}.0", "0".repeat((decpt - n) as usize))
    } else {
        let (a, b) = digits.split_at(decpt as usize);
        format!("{sign}{a}.{b}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_float_reprs() {
        for (x, want) in [
            (1.0, "1.0"),
            (0.5, "0.5"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5e-7, "-2.5e-07"),
            (123.456, "123.456"),
            (1.5e300, "1.5e+300"),
        ] {
            assert_eq!(python_float_repr(x), want);
        }
        assert_eq!(python_number_text("-0"), "0");
        assert_eq!(
            python_number_text("12345678901234567890123"),
            "12345678901234567890123"
        );
        assert_eq!(python_number_text("2.50"), "2.5");
    }
}
