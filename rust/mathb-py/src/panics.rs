//! A panic inside grading is a bug that the core already turns into that record's undecided
//! verdict (counted as an internal error in the summary); it must not fill the terminal with
//! messages and backtraces. The first one is reported in one short line; panics anywhere
//! else keep Rust's default report.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

static INSTALL: Once = Once::new();
static REPORTED: AtomicBool = AtomicBool::new(false);

/// Longest panic message repeated in the report.
const MAX_MESSAGE_CHARS: usize = 160;

/// Installs the panic hook (once per process).
pub fn install_quiet_hook() {
    INSTALL.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !mathb_core::budget::in_run() {
                return default(info);
            }
            if REPORTED.swap(true, Ordering::Relaxed) {
                return;
            }
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("panic");
            let message: String = message.chars().take(MAX_MESSAGE_CHARS).collect();
            let place = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            eprintln!(
                "mathb: internal error while grading ({message}{place}); the record is \
                 undecided, and such records are counted in the summary"
            );
        }));
    });
}
