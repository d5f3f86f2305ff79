"""Rewards per second for one verl-style batch: mathb's reward functions against Math-Verify
called per item the way verl's default math reward calls it, same batch, same run.

The batch is `examples/make_samples.py`'s synthetic dump (problems with gold answers and
sampled completions, right and wrong), cut or cycled to ``--n`` rows. Rows timed:

- mathb `verl.compute_score` batch form: one call with ``solution_strs=``/``ground_truths=``;
- mathb `verl.compute_score_async`: one task per sample under `asyncio.gather` (verl's reward
  loop), coalesced into batches;
- mathb `verl.compute_score` per item: the naive reward manager's loop;
- mathb `compat.math_verify` per item: ``verify(parse(gold), parse(completion))``;
- Math-Verify per item as verl's ``verl/utils/reward_score/math_verify.py`` does it:
  ``math_metric(gold=(Latex,), pred=(Expr, Latex))([\\boxed{gold}], [completion])`` in the main
  thread (where its signal timeout works).

``--write`` appends the table to BENCHMARKS.md with the machine, the command and the date.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_grade import machine_info  # noqa: E402  (benches/ is not a package)

#: Samples per problem of the synthetic dump: 52 problems × 40 = 2,080 distinct rows.
SAMPLES_PER_PROBLEM = 40


def load_batch(n: int, seed: int) -> tuple[list[str], list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "samples.jsonl"
        subprocess.run(
            [sys.executable, str(ROOT / "examples" / "make_samples.py"), "--seed", str(seed)]
            + ["--samples", str(SAMPLES_PER_PROBLEM), "-o", str(out)],
            check=True,
            capture_output=True,
        )
        rows = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    rows = [rows[i % len(rows)] for i in range(n)]
    return [str(r["answer"]) for r in rows], [r["completion"] for r in rows]


def timed(fn: Callable[[], list[float]], repeats: int) -> tuple[float, list[float]]:
    best, result = float("inf"), []
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2048, help="batch size (default: 2048)")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--repeats", type=int, default=5, help="repeats of the fast rows")
    parser.add_argument("--write", action="store_true", help="append the table to BENCHMARKS.md")
    args = parser.parse_args(argv)

    import mathb
    from mathb.compat import math_verify as compat
    from mathb.integrations import verl

    golds, completions = load_batch(args.n, args.seed)
    sources = ["math"] * len(golds)
    rows: list[tuple[str, str, float, list[float]]] = []

    def batch_form() -> list[float]:
        out = verl.compute_score(
            data_sources=sources, solution_strs=completions, ground_truths=golds
        )
        return [r["score"] for r in out]

    def async_form() -> list[float]:
        async def run() -> list[dict[str, Any]]:
            return await asyncio.gather(
                *(verl.compute_score_async("math", c, g) for c, g in zip(completions, golds))
            )

        return [r["score"] for r in asyncio.run(run())]

    def per_item() -> list[float]:
        return [verl.compute_score("math", c, g)["score"] for c, g in zip(completions, golds)]

    def compat_per_item() -> list[float]:
        return [
            float(compat.verify(compat.parse(g), compat.parse(c)))
            for g, c in zip(golds, completions)
        ]

    for name, what, fn in (
        ("mathb verl batch form", "one `compute_score(solution_strs=…)` call", batch_form),
        ("mathb verl async form", "`compute_score_async` × n, `asyncio.gather`", async_form),
        ("mathb verl per item", "`compute_score(…)` per sample, one thread", per_item),
        ("mathb compat per item", "`verify(parse(gold), parse(c))` per sample", compat_per_item),
    ):
        seconds, scores = timed(fn, args.repeats)
        rows.append((name, what, seconds, scores))

    mv_version = None
    try:
        from importlib.metadata import version

        from math_verify import ExprExtractionConfig, LatexExtractionConfig
        from math_verify.metric import math_metric

        mv_version = version("math-verify")
    except ImportError:
        print("math-verify is not installed (pip install --group bench): row skipped")
    if mv_version is not None:
        verify_func = math_metric(
            gold_extraction_target=(LatexExtractionConfig(),),
            pred_extraction_target=(ExprExtractionConfig(), LatexExtractionConfig()),
        )

        def verl_default() -> list[float]:
            scores = []
            for c, g in zip(completions, golds):
                try:
                    score, _ = verify_func(["\\boxed{" + g + "}"], [c])
                except Exception:  # noqa: BLE001 - verl's reward scores a failure 0
                    score = 0.0
                scores.append(float(score))
            return scores

        seconds, scores = timed(verl_default, 1)
        rows.append(("Math-Verify per item", "verl's default `math_metric` call", seconds, scores))

    reference = rows[-1][2] if mv_version is not None else None
    batch_scores = rows[0][3]
    lines = [
        f"<!-- bench rewards:{args.n} -->",
        f"## verl-style reward batch, {args.n:,} completions (seed {args.seed})",
        "",
        f"- date: {datetime.now(timezone.utc):%a %b %d %H:%M:%S UTC %Y}",
        "- machine: {cpu}, {cores} cores, {ram} RAM, {os}".format(**machine_info()),
        f"- software: Python {sys.version.split()[0]}, mathb {mathb.__version__}"
        + (f", math-verify {mv_version}" if mv_version else ""),
        f"- input: `examples/make_samples.py --seed {args.seed} --samples {SAMPLES_PER_PROBLEM}`"
        f", the first {args.n:,} rows (cycled if fewer); mean completion "
        f"{sum(map(len, completions)) / len(completions):.0f} characters; mean reward of the "
        f"batch form {sum(batch_scores) / len(golds):.3f}",
        f"- command: `python benches/bench_rewards.py --n {args.n}"
        + (" --write`" if args.write else "`"),
        "",
        "| reward function | what is timed | time (s) | rewards/s | vs Math-Verify | agrees |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, what, seconds, scores in rows:
        ratio = f"{reference / seconds:,.0f}×" if reference else "n/a"
        agree = sum(a == b for a, b in zip(scores, batch_scores)) / len(golds)
        lines.append(
            f"| {name} | {what} | {seconds:.4f} | {len(golds) / seconds:,.0f} | {ratio} | "
            f"{100 * agree:.1f}% |"
        )
    lines.append("")
    lines.append(
        "Fast rows are the best of the repeats; Math-Verify runs once. *agrees*: the share "
        "of rewards equal to the batch form's."
    )
    table = "\n".join(lines) + "\n"
    print(table)
    if args.write:
        path = ROOT / "BENCHMARKS.md"
        path.write_text(path.read_text(encoding="utf-8").rstrip() + "\n\n" + table, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
