//! Criterion benches of maj@k as the stream scores it: one problem's vote counts at
//! k = 1, 2, 4, … up to its samples, for problems shaped like real sampling runs.

use criterion::{criterion_group, criterion_main, Criterion};
use mathb_core::majority::{expected_maj_at_k, VoteCounts};
use std::hint::black_box;

/// A problem of `gold` correct samples, `abstain` without an answer, and answer classes of
/// the given sizes.
fn problem(gold: u64, abstain: u64, classes: &[u64]) -> VoteCounts {
    VoteCounts {
        gold,
        abstain,
        classes: classes
            .iter()
            .enumerate()
            .map(|(i, &n)| (i as u64, n))
            .collect(),
    }
}

/// Wrong answers spread over `count` classes whose sizes fall off geometrically.
fn spread(total: u64, count: u64) -> Vec<u64> {
    let mut sizes = Vec::new();
    let mut left = total;
    for i in 0..count {
        let size = if i + 1 == count {
            left
        } else {
            (left / 3).max(1).min(left)
        };
        if size == 0 {
            break;
        }
        sizes.push(size);
        left -= size;
    }
    sizes
}

fn benches(c: &mut Criterion) {
    let problems = [
        // 1,024 samples (MATH-Beyond's budget): an easy problem, a contested one, a hard one.
        ("n1024_gold_90pct", problem(920, 4, &spread(100, 12))),
        (
            "n1024_gold_40pct_rival_30pct",
            problem(410, 14, &[307, 150, 80, 40, 23]),
        ),
        ("n1024_gold_5pct", problem(51, 30, &spread(943, 40))),
        // 3,847 samples: the gold ahead of several large wrong classes, and far ahead.
        (
            "n3847_gold_42pct",
            problem(1611, 0, &[682, 400, 390, 368, 209, 160, 17, 10]),
        ),
        (
            "n3847_gold_65pct",
            problem(2502, 0, &[390, 385, 371, 192, 5, 1, 1]),
        ),
    ];
    let mut group = c.benchmark_group("maj_at_k_powers_of_two");
    for (name, counts) in problems {
        let n = counts.samples();
        let ks: Vec<u64> = (0..32).map(|i| 1u64 << i).filter(|&k| k <= n).collect();
        group.bench_function(name, |b| {
            b.iter(|| black_box(expected_maj_at_k(black_box(&counts), &ks)))
        });
    }
    group.finish();
}

criterion_group!(majority, benches);
criterion_main!(majority);
