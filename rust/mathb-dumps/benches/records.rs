//! Criterion benches for reading a dump record: the one-pass scanner and the general reader.

use criterion::{criterion_group, criterion_main, Criterion};
use mathb_dumps::sample_fields::OnePass;
use mathb_dumps::schema::{
    completion_texts, gold_text, parse_record, problem_key, FieldOverrides, Fields,
};
use std::hint::black_box;

/// A dump record shaped like `examples/make_samples.py`'s: an id, the problem, the gold and
/// a completion with escapes.
const RECORD: &str = r#"{"problem_id": "int-001", "problem": "A bakery sells 36 muffins in the morning and twice as many in the afternoon. How many muffins does it sell in the whole day?", "answer": "108", "completion": "I need to work through this carefully.\n\n1. In the morning the bakery sells 36 muffins.\n2. In the afternoon it sells twice as many, which is $2 \\times 36 = 72$ muffins.\n3. Adding the two parts of the day gives $36 + 72 = 108$.\n\nEverything checks out.\n\n#### 108 muffins", "sample_idx": 1}"#;

/// The fields the one-pass scanner reads, for the libraries' typed deserializers.
#[derive(serde::Deserialize)]
#[allow(dead_code)] // read to be decoded, not used
struct Sample {
    problem_id: String,
    answer: String,
    completion: String,
    sample_idx: Option<u64>,
}

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
    // The same fields through JSON libraries, deserialized into a struct (escapes decoded,
    // other fields skipped): serde_json, sonic-rs (SIMD), simd-json (SIMD, needs a mutable
    // copy of the line).
    c.bench_function("record_serde_json_typed", |b| {
        b.iter(|| serde_json::from_slice::<Sample>(black_box(line)).unwrap())
    });
    c.bench_function("record_sonic_rs_typed", |b| {
        b.iter(|| sonic_rs::from_slice::<Sample>(black_box(line)).unwrap())
    });
    c.bench_function("record_simd_json_typed", |b| {
        b.iter(|| {
            let mut copy = black_box(line).to_vec();
            simd_json::serde::from_slice::<Sample>(&mut copy).unwrap()
        })
    });
    c.bench_function("record_sonic_rs_typed_long", |b| {
        b.iter(|| sonic_rs::from_slice::<Sample>(black_box(long.as_bytes())).unwrap())
    });
    c.bench_function("record_simd_json_typed_long", |b| {
        b.iter(|| {
            let mut copy = black_box(long.as_bytes()).to_vec();
            simd_json::serde::from_slice::<Sample>(&mut copy).unwrap()
        })
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
}

criterion_group!(records, record_benches);
criterion_main!(records);
