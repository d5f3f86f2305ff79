//! mathb-core: extract final answers from math-model completions, decide whether they equal
//! the gold answer (exactly, or `Undecided` when unsure), and compute pass@k.
//!
//! The crate is plain Rust; the Python bindings live in `mathb-py`.

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
pub mod latex;
pub mod metrics;
pub mod modular;
pub mod normalize;
pub mod number;
pub mod numeric;
pub mod options;
pub mod python_text;
pub mod render;
pub mod solve;
pub mod verdict;

pub use batch::{grade_batch, BatchError};
pub use extract::{
    extract_final_answer, extract_final_answer_with, ExtractMode, Extraction, Method,
};
// Gold-aware: a gold may hold several answers (see `gold`); a plain gold goes straight through.
pub use gold::{grade, verify};
pub use metrics::{maj_at_k, pass_at_k, Ballot, MajorityVote, MetricError};
pub use options::{DecimalPolicy, Options};
pub use verdict::{DecidedBy, Status, Verdict};
