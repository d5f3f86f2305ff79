//! mathb-core: extract final answers from math-model completions, decide whether they equal
//! the gold answer (exactly, or `Undecided` when unsure), and compute pass@k.
//!
//! The crate is plain Rust; the Python bindings live in `mathb-py`.

pub mod batch;
pub mod equiv;
pub mod expr;
pub mod extract;
pub mod grade;
pub mod latex;
pub mod metrics;
pub mod modular;
pub mod normalize;
pub mod number;
pub mod verdict;

pub use batch::{grade_batch, BatchError};
pub use equiv::{DecimalPolicy, Options};
pub use extract::{extract_final_answer, Extraction, Method};
pub use grade::{grade, verify};
pub use metrics::{pass_at_k, MetricError};
pub use verdict::{Status, Verdict};
