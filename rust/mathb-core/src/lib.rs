//! mathb-core: extract final answers from math-model completions, decide whether they equal
//! the gold answer (exactly, or `Undecided` when unsure), and compute pass@k and maj@k.
//!
//! ```
//! use mathb_core::{extract_final_answer, grade, pass_at_k, Options, Status};
//!
//! let options = Options::default();
//! let verdict = grade("\\frac{1}{2}", "Halving gives $\\boxed{0.5}$.", &options);
//! assert_eq!(verdict.status, Status::Correct);
//! assert_eq!(verdict.extracted.as_deref(), Some("0.5"));
//! println!("{}: {}", verdict.status, verdict.reason);
//!
//! // A difference of kind is incorrect, with the reason; genuinely hard cases are undecided.
//! assert_eq!(grade("[1, 2]", "The answer is 3.", &options).status, Status::Incorrect);
//!
//! // Only the extraction step, and the unbiased pass@k of 3 correct samples out of 10.
//! assert_eq!(extract_final_answer("so $\\boxed{42}$").unwrap().text, "42");
//! assert!((pass_at_k(10, 3, 1).unwrap() - 0.3).abs() < 1e-12);
//! ```
//!
//! The answer language, from the text in: [`extract`] finds the final answer of a
//! completion; [`latex`] reads it into an [`expr::Expr`]; [`normalize`], [`number`],
//! [`exact`], [`modular`], [`numeric`] and [`solve`] decide values exactly (or by witnesses
//! of difference); [`equiv`] compares two expressions; [`grade()`] (with [`gold`] for golds
//! of several answers and multiple choice) turns a (gold, completion) pair into a
//! [`Verdict`]; [`options`] holds what a caller may tune; [`metrics`] computes pass@k and
//! maj@k; [`batch`] grades many pairs on all cores. Every step is bounded ([`budget`]):
//! past a bound the verdict says so, never a hang or a panic.
//!
//! The crate reads no files: the dump machinery (files, compression, tool formats,
//! streaming) is the `mathb-dumps` crate, the Python bindings are `mathb-py`, and
//! `examples/grade_jsonl.rs` grades JSON Lines from stdin.
#![warn(missing_docs)]

pub mod answer_class;
pub mod batch;
pub mod budget;
pub mod choice;
pub mod clock;
pub mod equiv;
pub mod exact;
pub mod explain;
pub mod expr;
pub mod extract;
pub mod gold;
pub mod grade;
pub mod interval;
pub mod latex;
pub mod majority;
pub mod majority_sampled;
pub mod memo;
pub mod metrics;
pub mod modular;
pub mod no_answer;
pub mod normalize;
pub mod number;
mod number_words;
pub mod numeric;
pub mod options;
pub mod python_text;
pub mod render;
pub mod solve;
mod unread;
pub mod verdict;

pub use batch::{grade_batch, BatchError};
pub use extract::{
    extract_final_answer, extract_final_answer_with, ExtractMode, Extraction, Method,
};
// Gold-aware: a gold may hold several answers (see `gold`); a plain gold goes straight through.
pub use gold::{grade, verify};
pub use majority::maj_at_k;
pub use metrics::{maj_at_k_first, pass_at_k, Ballot, MajorityVote, MetricError};
pub use options::{DecimalPolicy, Options};
pub use verdict::{DecidedBy, Status, Verdict};
