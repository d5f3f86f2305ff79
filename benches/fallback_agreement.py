"""Cross-check of the exact core and the sympy fallback on the same (gold, answer) pairs.

Every pair the core decides is also judged by the fallback; each disagreement where both
decide is a bug in one of them. Usage:

    python benches/fallback_agreement.py examples/samples.jsonl [more.jsonl ...] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter

import mathb
from mathb.fallback import SympyFallback


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--limit", type=int, default=3000, help="distinct pairs checked")
    args = parser.parse_args()

    golds, completions = [], []
    for path in args.files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                golds.append(str(record["answer"]))
                completions.append(record["completion"])
    verdicts = mathb.grade_batch(golds, completions)
    decided: dict[tuple[str, str], str] = {}
    for gold, v in zip(golds, verdicts):
        if v.status in ("correct", "incorrect") and v.extracted is not None:
            decided.setdefault((gold, v.extracted), v.status)
    pairs = list(decided)[: args.limit]

    start = time.perf_counter()
    with SympyFallback() as fallback:
        results = fallback.resolve(pairs)
    elapsed = time.perf_counter() - start

    outcome: Counter[str] = Counter()
    for pair, result in zip(pairs, results):
        core = decided[pair]
        if result.status == "undecided":
            outcome["fallback undecided"] += 1
        elif result.status == core:
            outcome["agree"] += 1
        else:
            outcome["DISAGREE"] += 1
            print(f"DISAGREE gold={pair[0]!r} answer={pair[1]!r} core={core} {result}")
    print(f"{len(golds)} samples, {len(pairs)} distinct decided pairs checked in {elapsed:.1f} s")
    for key, n in sorted(outcome.items()):
        print(f"  {key}: {n}")


if __name__ == "__main__":
    main()
