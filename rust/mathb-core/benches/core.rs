//! Criterion benches for the hot paths of the grader: extraction, vote keys, parsing, and
//! whole-pair grading.

use criterion::{criterion_group, criterion_main, Criterion};
use mathb_core::metrics::vote_key;
use mathb_core::{extract_final_answer, grade, latex::parse_answer, Options};
use std::hint::black_box;

const COMPLETION: &str = "We compute the sum step by step. First, 3 + 4 = 7, and then we \
multiply by the remaining factor to get 7 \\cdot 6 = 42. Checking the boundary cases, none of \
them change the result, so the final answer is $\\boxed{\\frac{84}{2}}$.";

fn benches(c: &mut Criterion) {
    c.bench_function("vote_key", |b| {
        b.iter(|| vote_key(black_box("\\dfrac{3}{4} + x")))
    });
    c.bench_function("boxed_extract", |b| {
        b.iter(|| extract_final_answer(black_box(COMPLETION)))
    });
    c.bench_function("fraction_parse", |b| {
        b.iter(|| parse_answer(black_box("\\frac{3\\sqrt{2}}{4}")))
    });
    let o = Options::default();
    c.bench_function("boxed_grade", |b| {
        b.iter(|| grade(black_box("42"), black_box(COMPLETION), &o))
    });
    c.bench_function("radical_grade", |b| {
        b.iter(|| {
            grade(
                black_box("\\frac{\\sqrt{3}}{2}"),
                black_box("so \\boxed{\\frac{1}{2}\\sqrt3}"),
                &o,
            )
        })
    });
    // Pairs the numeric method decides: a constant and an identity that it only fails to
    // separate (its worst case: every point is evaluated, under every reading).
    for (name, gold, answer) in [
        (
            "numeric_constant_grade",
            "\\sqrt{2}+\\sqrt{3}",
            "\\boxed{\\sqrt{5}}",
        ),
        (
            "numeric_expression_grade",
            "\\sin^2 x",
            "\\boxed{\\cos^2 x}",
        ),
        // Exact rationals of ~5,800 digits (the factorials themselves are cached per thread).
        (
            "factorial_grade",
            "\\frac{1}{2016!}",
            "\\boxed{\\frac{1}{2018!}}",
        ),
        (
            "numeric_identity_grade",
            "\\sec^2 y",
            "\\boxed{\\tan^2 y + 1}",
        ),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| grade(black_box(gold), black_box(answer), &o))
        });
    }
}

criterion_group!(core, benches);
criterion_main!(core);
