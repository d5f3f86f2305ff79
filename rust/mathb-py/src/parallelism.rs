//! The parallelism switch: `MATHB_PARALLELISM` (falsy values turn rayon off), an in-process
//! override, the thread cap `MATHB_THREADS`, and fork safety — a forked child never touches
//! the parent's rayon pool.

use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};

/// 0 = follow the environment, 1 = forced on, 2 = forced off.
static OVERRIDE: AtomicU8 = AtomicU8::new(0);
static USED: AtomicBool = AtomicBool::new(false);

pub const ENV_VAR: &str = "MATHB_PARALLELISM";
/// The most threads a batch uses when the caller names no count (read when the module loads).
pub const THREADS_VAR: &str = "MATHB_THREADS";
/// 0: `MATHB_THREADS` unset; usize::MAX: the global pool is sized to it; else the thread
/// count of each batch.
static CAP: AtomicUsize = AtomicUsize::new(0);

/// Reads `MATHB_THREADS` and sizes rayon's global pool to it: a trainer's reward workers
/// can share the cores instead of each starting one thread per core.
pub fn cap_from_env() -> Result<(), String> {
    let Some(raw) = std::env::var_os(THREADS_VAR) else {
        return Ok(());
    };
    let text = raw.to_string_lossy();
    let n = match text.trim().parse::<usize>() {
        Ok(n) if n >= 1 => n,
        _ => {
            return Err(format!(
                "{THREADS_VAR} must be a positive integer (the most grading threads), not {text:?}"
            ))
        }
    };
    // Fails only when the global pool already exists; batches are then capped one by one.
    // One thread needs no pool: batches run on the calling thread.
    let global_sized = n > 1
        && rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .is_ok();
    // usize::MAX: batches use the global pool as it is; 1 stays serial, without a pool.
    let cap = if global_sized { usize::MAX } else { n };
    if global_sized {
        USED.store(true, Ordering::Relaxed); // its threads exist now, and not in a fork
    }
    CAP.store(cap, Ordering::Relaxed);
    Ok(())
}

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
        None if !is_enabled() => Some(1),
        // usize::MAX: the global pool is already sized to the cap.
        None => match CAP.load(Ordering::Relaxed) {
            0 | usize::MAX => None,
            n => Some(n),
        },
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
