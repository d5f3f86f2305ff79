//! The grading options users can set, with defaults chosen for correctness.

pub use crate::extract::ExtractMode;

/// How a decimal answer is judged against an exact value (or the reverse).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DecimalPolicy {
    /// A decimal matches only the exact same number (`0.333` ≠ `1/3`).
    Exact,
    /// A decimal written with p places matches an exact value that rounds to it at p places
    /// (|d − v| ≤ ½·10⁻ᵖ), provided it has at least `min_significant_digits` significant
    /// digits. With `max_places = Some(m)` the comparison uses at most m places, so
    /// `0.333000000000000` matches 1/3 at m = 3 (Math-Verify's `precision`). Two decimals are
    /// always compared exactly, so `1e-7` never matches `2e-7`.
    Rounded {
        /// Fewest significant digits a decimal needs to match by rounding.
        min_significant_digits: u32,
        /// Most decimal places the comparison uses (None: all the decimal has).
        max_places: Option<u32>,
    },
}

/// How answers are read and compared; `Options::default()` is mathb's default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Options {
    /// How a decimal answer matches an exact value.
    pub decimal: DecimalPolicy,
    /// Read a one-variable inequality as its solution set, so `x > 2` matches `(2, \infty)`.
    pub relation_as_set: bool,
    /// Where a final answer is looked for in a completion.
    pub extract: ExtractMode,
    /// Variable names must match (`f(x)` ≠ `f(y)`). When false, answers equal up to a
    /// renaming of their variables are accepted.
    pub strict_variables: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            decimal: DecimalPolicy::Rounded {
                min_significant_digits: 3,
                max_places: None,
            },
            relation_as_set: true,
            extract: ExtractMode::Standard,
            strict_variables: true,
        }
    }
}
