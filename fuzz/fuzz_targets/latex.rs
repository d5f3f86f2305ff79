//! Answer string → tokens → expression → canonical form and exact value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mathb_core::latex::{lexer, parse_answer, parser};
use mathb_core::normalize::{canonical, evaluate};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The lexer and parser on their own, without parse_answer's length bound.
    if let Ok(tokens) = lexer::tokenize(&text) {
        let _ = parser::parse_tokens(tokens);
    }
    if let Ok(expr) = parse_answer(&text) {
        let _ = canonical(&expr);
        let _ = evaluate(&expr);
    }
});
