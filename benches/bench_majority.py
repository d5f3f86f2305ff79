"""Time of maj@k per problem in the core (`_core.maj_at_k_matrix`), for problems of many
samples, where the exact sum gives way to seeded resamples at large k.

    python benches/bench_majority.py [--problems 50] [--samples 1000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from mathb import _core


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--problems", type=int, default=50)
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    p, n = args.problems, args.samples
    # The gold and three wrong answers, a quarter of the samples each: close votes.
    votes = rng.choice([0, 1, 2, 3], size=p * n).astype(np.int64)
    lengths = np.full(p, n, dtype=np.int64)
    powers = [1 << i for i in range(n.bit_length()) if 1 << i <= n]
    print(f"{p} problems × {n} samples\n\n| ks | ms per problem |\n| --- | ---: |")
    for ks in ([powers[-1]], powers[-2:], powers, list(range(1, n + 1))):
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            _core.maj_at_k_matrix(lengths, votes, np.asarray(ks, dtype=np.int64), first_k=False)
            best = min(best, time.perf_counter() - t0)
        label = f"{ks[0]}…{ks[-1]} ({len(ks)})" if len(ks) > 2 else ", ".join(map(str, ks))
        print(f"| {label} | {best / p * 1e3:.2f} |", flush=True)


if __name__ == "__main__":
    main()
