//! (gold, answer) → verdict. The input is split at 0xFF bytes (never part of UTF-8) into
//! the gold, the answer and one byte of options, so mutations keep the two strings apart.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mathb_core::{grade, verify, DecimalPolicy, ExtractMode, Options, Status};

fn options(byte: u8) -> Options {
    Options {
        decimal: match byte & 3 {
            0 => DecimalPolicy::Rounded {
                min_significant_digits: 3,
                max_places: None,
            },
            1 => DecimalPolicy::Exact,
            2 => DecimalPolicy::Rounded {
                min_significant_digits: 1,
                max_places: Some(2),
            },
            _ => DecimalPolicy::Rounded {
                min_significant_digits: 0,
                max_places: Some(0),
            },
        },
        extract: match (byte >> 2) & 3 {
            1 => ExtractMode::Strict,
            2 => ExtractMode::Lenient,
            _ => ExtractMode::Standard,
        },
        relation_as_set: byte & 16 == 0,
        strict_variables: byte & 32 == 0,
    }
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0xFF);
    let gold = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let answer = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let opts = options(parts.next().and_then(|p| p.first().copied()).unwrap_or(0));

    // A panic aborts the process here (libFuzzer's hook runs before the core's guard).
    let graded = grade(&gold, &answer, &opts);
    let verified = verify(&gold, &answer, &opts);
    // The second call finds the gold in the per-thread cache: same verdict.
    assert_eq!(graded, grade(&gold, &answer, &opts));
    assert_eq!(verified, verify(&gold, &answer, &opts));
    // A string always equals itself (or the core cannot tell); never "incorrect".
    for s in [&gold, &answer] {
        let same = verify(s, s, &opts);
        assert_ne!(same.status, Status::Incorrect, "{s:?}: {}", same.reason);
    }
});
