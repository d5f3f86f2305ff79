//! The parallelism switch: `MATHB_PARALLELISM` (falsy values turn rayon off), an in-process
//! override, and fork safety — a forked child never touches the parent's rayon pool.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// 0 = follow the environment, 1 = forced on, 2 = forced off.
static OVERRIDE: AtomicU8 = AtomicU8::new(0);
static USED: AtomicBool = AtomicBool::new(false);

pub const ENV_VAR: &str = "MATHB_PARALLELISM";

fn env_allows() -> bool {
    match std::env::var(ENV_VAR) {
        Ok(v) => !matches!(
            v.to_ascii_lowercase().as_str(),
            "" | "off" | "false" | "f" | "no" | "n" | "0"
        ),
        Err(_) => true,
    }
}

pub fn is_enabled() -> bool {
    match OVERRIDE.load(Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => env_allows(),
    }
}

pub fn set_enabled(on: bool) {
    OVERRIDE.store(if on { 1 } else { 2 }, Ordering::Relaxed);
}

/// Thread count to use for a batch: the caller's choice, or none (all cores) when parallelism
/// is on, or 1 when it is off.
pub fn effective_threads(requested: Option<usize>) -> Option<usize> {
    let threads = match requested {
        Some(n) => Some(n),
        None if is_enabled() => None,
        None => Some(1),
    };
    if threads != Some(1) {
        USED.store(true, Ordering::Relaxed);
    }
    threads
}

extern "C" fn child_after_fork() {
    // A rayon pool's threads do not exist in the child; using it would deadlock.
    if USED.load(Ordering::Relaxed) && std::env::var_os(ENV_VAR).is_none() {
        OVERRIDE.store(2, Ordering::Relaxed);
    }
}

pub fn register_fork_handler() {
    #[cfg(unix)]
    unsafe {
        libc::pthread_atfork(None, None, Some(child_after_fork));
    }
}
