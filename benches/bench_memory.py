"""Memory and throughput of `mathb grade` on a very large dump (10⁷ samples by default).

Writes a zstd-compressed dump of list rows (one problem per line, `--samples` completions
each, a handful of distinct answers per problem, as real samples have) to a temporary
directory, grades it with `/usr/bin/time -v`, and prints the peak RSS, the wall time and
the time the pass@k table over the per-problem arrays takes after grading (maj@k is summed
by the core as it streams).

    python benches/bench_memory.py --problems 10000 --samples 1000 --threads 2

`--curve 1e6,1e7,1e8` grades one dump per size instead (problems = size / samples), with
the verdict lines streamed to /dev/null (`-o -`: 13 GB at 10⁸), and prints one table row
per size: time linear in size and a flat peak RSS are what it checks. `--per-line` writes
one sample per line with its `sample_idx` instead (the layout in which a run checks every
sample for a repeat of an earlier line).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from mathb.grading import pass_at_k_table


def write_dump(path: Path, problems: int, samples: int, seed: int, per_line: bool = False) -> None:
    """List rows (one problem per line), or with `per_line` one sample per line with its
    `sample_idx`, problem after problem (the layout whose repeats a run looks for)."""
    rng = random.Random(seed)
    with subprocess.Popen(["zstd", "-q", "-3", "-o", str(path)], stdin=subprocess.PIPE) as z:
        assert z.stdin is not None
        for p in range(problems):
            gold = rng.randint(1, 500)
            answers = [gold, gold + 1, 2 * gold, f"\\frac{{{gold}}}{{2}}"]
            texts = [
                f"We compute step {i}: the value is {rng.randint(1, 99)}. "
                f"So the answer is $\\boxed{{{rng.choice(answers)}}}$."
                for i in range(samples)
            ]
            if per_line:
                lines = (
                    json.dumps({"id": p, "sample_idx": i, "answer": str(gold), "response": t})
                    for i, t in enumerate(texts)
                )
                z.stdin.write(("\n".join(lines) + "\n").encode())
                continue
            row = {"id": p, "answer": str(gold), "responses": texts}
            z.stdin.write((json.dumps(row) + "\n").encode())
    if z.returncode:
        raise SystemExit("zstd failed")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--problems", type=int, default=10_000)
    ap.add_argument("--samples", type=int, default=1_000)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--curve", help="comma-separated sample counts, e.g. 1e6,1e7,1e8")
    ap.add_argument("--tmp", help="directory for the dumps (default: the system's)")
    ap.add_argument(
        "--per-line",
        action="store_true",
        help="one sample per line with its sample_idx instead of list rows",
    )
    args = ap.parse_args()
    if args.curve:
        sizes = [int(float(x)) for x in args.curve.split(",")]
        return curve(sizes, args.samples, args.threads, args.seed, args.tmp, args.per_line)
    with tempfile.TemporaryDirectory(prefix="mathb-memory-") as tmp:
        src = Path(tmp) / "big.jsonl.zst"
        t0 = time.perf_counter()
        write_dump(src, args.problems, args.samples, args.seed, args.per_line)
        size = src.stat().st_size / 1e6
        print(f"wrote {src} ({size:.1f} MB) in {time.perf_counter() - t0:.0f} s")
        cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "mathb", "grade", str(src)]
        cmd += ["-o", str(Path(tmp) / "v.jsonl"), "--summary", str(Path(tmp) / "s.json"), "-q"]
        if args.threads:
            cmd += ["--threads", str(args.threads)]
        t0 = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t0
        if done.returncode:
            print(done.stderr, file=sys.stderr)
            return 1
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        summary = json.loads((Path(tmp) / "s.json").read_text())
        n_samples = summary["samples"]
        print(f"samples {n_samples:,}  wall {wall:.1f} s  ({n_samples / wall:,.0f} samples/s)")
        print(f"peak RSS {int(rss.group(1)) / 1024:.0f} MiB" if rss else "peak RSS: n/a")
        # The summary step alone, on arrays the size of this run's.
        n = np.full(args.problems, args.samples, dtype=np.int64)
        c = np.random.default_rng(0).integers(0, args.samples + 1, args.problems)
        t0 = time.perf_counter()
        pass_at_k_table(n, c)
        print(f"pass@k table: {time.perf_counter() - t0:.3f} s")
        print(f"pass@k {summary['pass_at_k']}\nmaj@k {summary['maj_at_k']}")
    return 0


def curve(
    sizes: list[int],
    samples: int,
    threads: int | None,
    seed: int,
    tmp: str | None,
    per_line: bool = False,
) -> int:
    """One row per size: dump size, write time, grading wall time, samples/s, peak RSS."""
    print("| samples | dump (MB, zstd) | wall (s) | samples/s | s per 10⁶ | peak RSS (MiB) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="mathb-curve-", dir=tmp) as d:
            src = Path(d) / "big.jsonl.zst"
            write_dump(src, max(1, size // samples), samples, seed, per_line)
            cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "mathb", "grade", str(src)]
            cmd += ["-o", "-", "--summary", str(Path(d) / "s.json"), "-q", "--no-fallback"]
            if threads:
                cmd += ["--threads", str(threads)]
            t0 = time.perf_counter()
            done = subprocess.run(
                cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False
            )
            wall = time.perf_counter() - t0
            if done.returncode:
                print(done.stderr, file=sys.stderr)
                return 1
            rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
            n = json.loads((Path(d) / "s.json").read_text())["samples"]
            mib = f"{int(rss.group(1)) / 1024:.0f}" if rss else "n/a"
            mb = src.stat().st_size / 1e6
            print(
                f"| {n:,} | {mb:,.0f} | {wall:.1f} | {n / wall:,.0f} | {wall / n * 1e6:.2f} "
                f"| {mib} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
