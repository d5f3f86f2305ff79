//! Completion text → extracted final answer, in every extraction mode.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mathb_core::extract::repair_control_escapes;
use mathb_core::{extract_final_answer_with, ExtractMode};

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 reaches the core only as U+FFFD, as from the dump reader.
    let text = String::from_utf8_lossy(data);
    let text = repair_control_escapes(&text);
    for mode in [
        ExtractMode::Strict,
        ExtractMode::Standard,
        ExtractMode::Lenient,
    ] {
        let found = extract_final_answer_with(&text, mode);
        // Extraction is a pure function of the text: a second call must agree.
        assert_eq!(found, extract_final_answer_with(&text, mode), "{mode:?}");
    }
});
