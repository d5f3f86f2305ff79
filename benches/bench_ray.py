"""Samples/s of `mathb grade --ray` with 1, 2 and 4 graders on a local Ray cluster against the
local CLI on the same shards: the cost of the Ray path on one machine.

    python benches/bench_ray.py [--samples 2048] [--shards 8] [--cpus 4]

Writes a dump with examples/make_samples.py (52 problems × SAMPLES), cuts it into SHARDS
files, starts `ray start --head` on 127.0.0.1 with CPUS logical CPUs, times each command
(wall clock of the whole `mathb grade` process, best of REPEAT) and stops that cluster alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import ray_head  # noqa: E402


def _timed(cmd: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", type=int, default=2048, help="samples per problem")
    ap.add_argument("--shards", type=int, default=8)
    ap.add_argument("--cpus", type=int, default=4, help="logical CPUs of the Ray head")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mathb-bench-ray-"))
    try:
        dump = work / "dump.jsonl"
        subprocess.run(
            [sys.executable, str(ROOT / "examples" / "make_samples.py"), "--samples",
             str(args.samples), "-o", str(dump)],
            check=True,
        )  # fmt: skip
        lines = dump.read_bytes().splitlines(keepends=True)
        shards = work / "shards"
        shards.mkdir()
        step = -(-len(lines) // args.shards)
        for i in range(args.shards):
            (shards / f"part-{i:03}.jsonl").write_bytes(b"".join(lines[i * step : (i + 1) * step]))
        samples = len(lines)
        grade = [sys.executable, "-m", "mathb", "grade", str(shards), "-o", os.devnull, "-q"]
        rows = [
            ("local CLI, all cores", grade),
            ("local CLI, --threads 1", [*grade, "--threads", "1"]),
        ]
        for actors in (1, 2, 4):
            rows.append(
                (
                    f"--ray, {actors} actor{'s' if actors > 1 else ''} × 1 thread",
                    [*grade, "--ray", "{address}", "--actors", str(actors),
                     "--threads", "1"],
                )
            )  # fmt: skip
        print(f"{samples:,} samples in {args.shards} shards; {os.cpu_count()} cores\n")
        print("| run | wall s | samples/s |")
        print("| --- | ---: | ---: |")
        # A head of its own, stopped alone (`ray stop` would stop every cluster of the machine).
        with ray_head(work / "head.log", cpus=args.cpus) as address:
            for name, cmd in rows:
                cmd = [address if part == "{address}" else part for part in cmd]
                seconds = _timed(cmd, args.repeat)
                print(f"| {name} | {seconds:.2f} | {samples / seconds:,.0f} |", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
