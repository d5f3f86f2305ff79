//! Criterion benches per answer form: each iteration verifies 200 distinct (gold, answer)
//! pairs of one form, so no per-thread cache of a single pair hides its cost. Throughput is
//! reported in pairs; the target is ≤ 20 µs per distinct pair for every form.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mathb_core::grade::verify;
use mathb_core::Options;
use std::hint::black_box;

const PAIRS: u64 = 200;

/// The pairs of one form, for k = 3, 4, …: a wrong and a right answer alternate.
fn pairs(form: &str) -> Vec<(String, String)> {
    (3..3 + PAIRS)
        .map(|k| {
            let right = k % 2 == 0;
            let other = if right { k } else { k + 1 };
            match form {
                "integer" => (format!("{k}"), format!("{other}")),
                "fraction" => (
                    format!("\\frac{{{k}}}{{{}}}", k + 1),
                    format!("\\frac{{{}}}{{{}}}", 2 * other, 2 * k + 2),
                ),
                "radical" => (
                    format!("2\\sqrt{{{k}}}"),
                    format!("\\sqrt{{{}}}", 4 * other),
                ),
                "pi" => (format!("\\frac{{{k}\\pi}}{{3}}"), format!("{other}\\pi/3")),
                "decimal" => (
                    format!("\\frac{{1}}{{{k}}}"),
                    format!("{:.4}", 1.0 / other as f64),
                ),
                "factorial" => (
                    format!("\\frac{{1}}{{{}!}}", 1000 + k),
                    format!("\\frac{{1}}{{{}!}}", 1000 + other),
                ),
                "binomial" => (
                    format!("\\binom{{{}}}{{{}}}", 1000 + k, k),
                    format!("\\binom{{{}}}{{{}}}", 1000 + k, 1000 + k - other),
                ),
                "power_tower" => (
                    format!("{k}^{{{k}^{{2}}}}"),
                    format!("{k}^{{{}}}", other * other),
                ),
                "log" => (
                    format!("\\log_2 {}", 1u64 << (k % 60)),
                    format!("{}", other % 60),
                ),
                "log_irrational" => (format!("\\log_2 {k}"), format!("\\log_2 {other}")),
                "trig" => (
                    format!("\\sin\\frac{{\\pi}}{{{k}}}"),
                    format!("\\cos\\frac{{\\pi}}{{{other}}}"),
                ),
                "complex" => (format!("{k}+{k}i"), format!("{other}(1+i)")),
                "polynomial" => (
                    format!("x^2+{}x+{}", 2 * k, k * k),
                    format!("(x+{other})^2"),
                ),
                "equation" => (format!("y = {k}x + 1"), format!("y - {other}x = 1")),
                "set" => (
                    format!("\\{{1, {k}, {}\\}}", k + 1),
                    format!("\\{{{}, {other}, 1\\}}", k + 1),
                ),
                "interval" => (format!("[{k}, {})", k + 5), format!("[{other}, {})", k + 5)),
                "matrix" => (
                    format!("\\begin{{pmatrix}}{k}&1\\\\2&3\\end{{pmatrix}}"),
                    format!("\\begin{{pmatrix}}{other}&1\\\\2&3\\end{{pmatrix}}"),
                ),
                "text" => (
                    format!("\\text{{plan {k}}}"),
                    format!("\\text{{Plan {other}}}"),
                ),
                _ => (
                    format!("({})", (b'A' + (k % 5) as u8) as char),
                    format!("({})", (b'A' + (other % 5) as u8) as char),
                ),
            }
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let o = Options::default();
    let mut group = c.benchmark_group("answer_form");
    group.throughput(Throughput::Elements(PAIRS));
    for form in [
        "integer",
        "fraction",
        "radical",
        "pi",
        "decimal",
        "factorial",
        "binomial",
        "power_tower",
        "log",
        "log_irrational",
        "trig",
        "complex",
        "polynomial",
        "equation",
        "set",
        "interval",
        "matrix",
        "text",
        "choice",
    ] {
        let pairs = pairs(form);
        group.bench_function(form, |b| {
            b.iter(|| {
                for (gold, answer) in &pairs {
                    black_box(verify(black_box(gold), black_box(answer), &o));
                }
            })
        });
    }
    group.finish();
}

criterion_group!(forms, benches);
criterion_main!(forms);
