//! Criterion benches for the hot paths: reading a dump record, extraction, vote keys,
//! parsing, and whole-pair grading.

use criterion::{criterion_group, criterion_main, Criterion};
use mathb_core::cache::vote_key;
use mathb_core::sample_fields::OnePass;
use mathb_core::schema::{
    completion_texts, gold_text, parse_record, problem_key, FieldOverrides, Fields,
};
use mathb_core::{extract_final_answer, grade, latex::parse_answer, Options};
use std::hint::black_box;

/// A dump record shaped like `examples/make_samples.py`'s: an id, the problem, the gold and
/// a completion with escapes.
const RECORD: &str = r#"{"problem_id": "int-001", "problem": "A bakery sells 36 muffins in the morning and twice as many in the afternoon. How many muffins does it sell in the whole day?", "answer": "108", "completion": "I need to work through this carefully.\n\n1. In the morning the bakery sells 36 muffins.\n2. In the afternoon it sells twice as many, which is $2 \\times 36 = 72$ muffins.\n3. Adding the two parts of the day gives $36 + 72 = 108$.\n\nEverything checks out.\n\n#### 108 muffins", "sample_idx": 1}"#;

fn record_benches(c: &mut Criterion) {
    let line = RECORD.as_bytes();
    let fields = Fields::detect(&parse_record(line).unwrap(), &FieldOverrides::default()).unwrap();
    let one_pass = OnePass::new(&fields).unwrap();
    c.bench_function("record_one_pass", |b| {
        b.iter(|| one_pass.read(black_box(line)).unwrap())
    });
    // A reasoning trace of ~6 KB, dense in LaTeX: an escape every few dozen bytes.
    let paragraph = r"First, note that $x^2 - 11x + 70 = 0$ has roots whose sum is $11$. We can write $\\frac{9}{66} = \\frac{9\\cdot 2}{66\\cdot 2}$, which does not simplify.\n\n";
    let long = RECORD.replace(
        r#""completion": ""#,
        &format!(r#""completion": "{}"#, paragraph.repeat(40)),
    );
    c.bench_function("record_one_pass_long", |b| {
        b.iter(|| one_pass.read(black_box(long.as_bytes())).unwrap())
    });
    c.bench_function("record_general_reader", |b| {
        b.iter(|| {
            let record = parse_record(black_box(line)).unwrap();
            let gold = gold_text(&record, &fields.gold).unwrap();
            let completions = completion_texts(&record, &fields.completion).unwrap();
            let key = problem_key(&record, &fields, &gold).unwrap();
            (gold, completions, key)
        })
    });
    c.bench_function("vote_key", |b| {
        b.iter(|| vote_key(black_box("\\dfrac{3}{4} + x")))
    });
}

const COMPLETION: &str = "We compute the sum step by step. First, 3 + 4 = 7, and then we \
multiply by the remaining factor to get 7 \\cdot 6 = 42. Checking the boundary cases, none of \
them change the result, so the final answer is $\\boxed{\\frac{84}{2}}$.";

fn benches(c: &mut Criterion) {
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

criterion_group!(core, benches, record_benches);
criterion_main!(core);
