"""Wall clock of `mathb generate` with and without `--ray` on the tiny random-weight test model
(vLLM's CPU build), and whether both write the same file.

    python benches/bench_ray_generate.py [--n 4 64] [--max-tokens 16]

Builds the model of tests/test_generate.py, starts a Ray head on 127.0.0.1 (tests/conftest.py
`ray_head`, 4 logical CPUs, one engine of 1 CPU slot), and times each `mathb generate` process
from start to exit into a fresh file. The tiny model makes sampling nearly free, so this
measures the fixed costs of each path (engine start, and on Ray the connection, the actor and
the engine process), not the sampling rate of a real model.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import ray_head  # noqa: E402
from test_generate import ENGINE_ARGS, ENGINE_ENV, OFFLINE_ENV, PROBLEMS, make_tiny_model  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[4, 64], help="samples per problem")
    ap.add_argument("--max-tokens", type=int, default=16)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mathb-bench-ray-generate-"))
    model = make_tiny_model(work / "model")
    problems = work / "problems.jsonl"
    problems.write_text("".join(json.dumps(p) + "\n" for p in PROBLEMS), encoding="utf-8")
    print(f"{len(PROBLEMS)} problems, --max-tokens {args.max_tokens}; {os.cpu_count()} cores\n")
    print("| n | samples | local s | --ray s | same file |")
    print("| ---: | ---: | ---: | ---: | --- |")
    with ray_head(work / "head.log") as address:
        for n in args.n:
            times = []
            for name, extra, env in (
                ("local", [], OFFLINE_ENV),
                ("ray", ["--ray", address], ENGINE_ENV),
            ):
                out = work / f"{name}-{n}.jsonl"
                cmd = [
                    sys.executable, "-m", "mathb", "generate", "--model", str(model),
                    "--problems", str(problems), "--out", str(out), "--n", str(n),
                    "--max-tokens", str(args.max_tokens), "--seed", "3", *ENGINE_ARGS, *extra,
                ]  # fmt: skip
                start = time.perf_counter()
                subprocess.run(
                    cmd, check=True, capture_output=True, env={**os.environ, **env}, timeout=1200
                )
                times.append(time.perf_counter() - start)
            same = (work / f"local-{n}.jsonl").read_bytes() == (
                work / f"ray-{n}.jsonl"
            ).read_bytes()
            row = f"| {n} | {n * len(PROBLEMS)} | {times[0]:.1f} | {times[1]:.1f} | {same} |"
            print(row, flush=True)


if __name__ == "__main__":
    main()
