//! A work budget per grading step: every bound of the grader (answer length, nesting, number
//! sizes) caps one dimension, and the budget caps their product, so that no record can take
//! more than a fixed amount of work whatever it holds.
//!
//! The recursive steps of parsing and comparison call [`tick`]; past [`STEPS`] ticks the
//! step unwinds to [`run`], which reports [`Exceeded`]. The count is of steps, not time, so
//! a verdict never depends on the machine, its load or the thread count.

use std::cell::Cell;

/// Steps one grading step may take. The costliest step between two ticks is bounded (big
/// numbers are capped at `number::MAX_BITS`), so this bounds the time of a record; hostile
/// answers that reach it take a few milliseconds, and no answer of the project's tests
/// comes near it.
pub const STEPS: u64 = 200_000;

thread_local! {
    /// Steps left on this thread; `u64::MAX` outside [`run`] (no budget).
    static LEFT: Cell<u64> = const { Cell::new(u64::MAX) };
    /// Steps the last [`run`] on this thread took.
    static LAST_SPENT: Cell<u64> = const { Cell::new(0) };
    /// How many [`run`]s are under way on this thread.
    static RUNNING: Cell<u32> = const { Cell::new(0) };
}

/// Whether this thread is inside a [`run`]: a panic hook can tell a bug in grading, which
/// becomes a verdict, from other panics.
pub fn in_run() -> bool {
    RUNNING.with(Cell::get) > 0
}

/// Steps the last [`run`] on this thread took: how close real answers come to the budget.
pub fn last_spent() -> u64 {
    LAST_SPENT.with(Cell::get)
}

/// The payload a step unwinds with when the budget is spent.
#[derive(Debug)]
pub struct Exceeded;

/// Counts one step of work; past the budget, unwinds to [`run`] without running the panic
/// hook (nothing is printed).
#[inline]
pub fn tick() {
    charge(1);
}

/// Counts `n` steps of work (see [`tick`]).
#[inline]
pub fn charge(n: u64) {
    LEFT.with(|left| {
        let l = left.get();
        if l < n {
            left.set(0);
            std::panic::resume_unwind(Box::new(Exceeded));
        }
        left.set(l - n);
    });
}

/// `f`'s value and the steps it took: a memo that keeps the value charges them again on
/// each later use ([`charge`]), so that no verdict depends on what a thread judged before.
pub fn counted<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = LEFT.with(Cell::get);
    let value = f();
    (value, before.saturating_sub(LEFT.with(Cell::get)))
}

/// Runs `f` outside any budget, the running one untouched: for work done once per process
/// (a table computed on first use), which no record's steps should pay for.
pub fn unmetered<T>(f: impl FnOnce() -> T) -> T {
    struct Restore(u64);
    impl Drop for Restore {
        fn drop(&mut self) {
            LEFT.with(|left| left.set(self.0));
        }
    }
    let _restore = Restore(LEFT.with(|left| left.replace(u64::MAX)));
    f()
}

/// How a budgeted step ended.
pub enum Outcome<T> {
    /// The step finished with this value.
    Done(T),
    /// The budget was spent.
    Exceeded,
    /// A bug: the step panicked.
    Panicked,
}

/// Runs `f` with a fresh budget of [`STEPS`] and catches its unwinding. A budget already
/// running on this thread (a step inside a step) is kept, so the outer step's bound holds.
pub fn run<T>(f: impl FnOnce() -> T) -> Outcome<T> {
    let outer = LEFT.with(Cell::get);
    let start = outer.min(STEPS);
    LEFT.with(|left| left.set(start));
    RUNNING.with(|r| r.set(r.get() + 1));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    RUNNING.with(|r| r.set(r.get() - 1));
    let spent = start - LEFT.with(Cell::get);
    LAST_SPENT.with(|s| s.set(spent));
    let rest = if outer == u64::MAX {
        outer
    } else {
        outer - spent
    };
    LEFT.with(|left| left.set(rest));
    match result {
        Ok(v) => Outcome::Done(v),
        Err(payload) if payload.is::<Exceeded>() => Outcome::Exceeded,
        Err(_) => Outcome::Panicked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_past_the_budget_unwinds_quietly() {
        let spin = || loop {
            tick();
        };
        assert!(matches!(run(spin), Outcome::Exceeded));
        assert!(matches!(run(|| 7), Outcome::Done(7)));
        // Outside a run there is no budget.
        charge(STEPS * 2);
    }

    #[test]
    fn counted_steps_are_those_spent() {
        let outcome = run(|| {
            let ((), steps) = counted(|| charge(12));
            charge(steps);
            steps
        });
        assert!(matches!(outcome, Outcome::Done(12)));
        assert_eq!(last_spent(), 24);
        // Outside a run, too.
        assert_eq!(counted(|| charge(3)).1, 3);
    }

    #[test]
    fn a_verdict_costs_the_same_steps_when_its_parts_are_kept() {
        // The second time, the gold's parse and the answer's dependence on its variables come
        // from the thread's memos: they are charged as when they were computed.
        let opts = crate::options::Options::default();
        let mut spent = Vec::new();
        for _ in 0..3 {
            let outcome = run(|| crate::grade::verify("5", "f(-1) is equal to f(0)", &opts));
            assert!(matches!(outcome, Outcome::Done(_)));
            spent.push(last_spent());
        }
        assert!(spent[0] > 0);
        assert!(spent.iter().all(|&s| s == spent[0]), "{spent:?}");
    }

    #[test]
    fn unmetered_work_leaves_the_running_budget_as_it_was() {
        let outcome = run(|| {
            charge(10);
            unmetered(|| charge(STEPS * 2));
            charge(5);
        });
        assert!(matches!(outcome, Outcome::Done(())));
        assert_eq!(last_spent(), 15);
    }

    #[test]
    fn a_panic_is_reported_as_such() {
        assert!(!in_run());
        let panicked = run(|| {
            assert!(in_run());
            panic!("a bug")
        });
        assert!(matches!(panicked, Outcome::<()>::Panicked));
        assert!(!in_run());
    }

    #[test]
    fn an_inner_run_keeps_the_outer_bound() {
        let outer = run(|| {
            charge(STEPS - 10);
            // Only 10 steps are left for the inner run.
            let inner = run(|| charge(20));
            matches!(inner, Outcome::Exceeded)
        });
        assert!(matches!(outer, Outcome::Done(true)));
    }
}
