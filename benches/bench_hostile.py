"""Time and memory per record on the hostile corpus (`tests/hostile_corpus.py`), and
Math-Verify on the same inputs in the same run.

    python benches/bench_hostile.py [--repeats 3] [--mv-timeout 5] [--mv-workers 2] [--no-mv]
                                    [--write]

- Core time per record: the CPU time of the thread that runs `mathb._core.grade` on the
  record (the core runs on the calling thread with the GIL released), each run on a new
  thread so that the core's per-thread caches start empty, the least of `--repeats` runs
  so that the load of a shared machine counts as little as it can. The worst record and
  the slowest ten are printed.
- Memory and time of 10 MB completions (`hostile_corpus.ten_mb_case`): each is built and
  graded in a fresh interpreter, which reports its peak RSS (`VmHWM`) before grading (the
  interpreter, mathb and the completion) and after, and the core's CPU time (one cold run).
- Math-Verify (`verify(parse(gold), parse(completion))`, its defaults) runs in worker
  processes, each record killed after `--mv-timeout` seconds, as
  `benches/real_corpus/agreement.py` runs it; its wrong "correct" verdicts, timeouts and
  errors are counted against the corpus's expectations.

``--write`` appends the results to BENCHMARKS.md with the machine, the command and the date.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import mathb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "real_corpus"))
sys.path.insert(0, str(HERE.parent / "tests"))
from agreement import run_math_verify  # noqa: E402
from hostile_corpus import TEN_MB, Case, cases, ten_mb_case  # noqa: E402
from machine import cpu_name  # noqa: E402

MB = 1 << 20

# Grades one 10 MB case in a fresh interpreter and prints its RSS before and at the peak.
_RSS_PROBE = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import mathb
from hostile_corpus import ten_mb_case

def peak_kb():
    # VmHWM starts afresh at exec (ru_maxrss would count the forking parent's pages).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

case = ten_mb_case(int(sys.argv[2]))
before = peak_kb()
start = time.thread_time()
verdict = mathb._core.grade(case.gold, case.completion)
cpu = time.thread_time() - start
row = {"before_kb": before, "peak_kb": peak_kb(), "cpu_s": cpu, "status": verdict.status}
print(json.dumps(row))
"""


def _cold_cpu_time(case: Case) -> tuple[float, str]:
    """CPU time of one grading on a new thread: the core's per-thread caches (parsed golds,
    factorials) start empty, so no record is timed on work an earlier one did."""
    result: list[tuple[float, str]] = []

    def grade() -> None:
        start = time.thread_time()
        status = mathb._core.grade(case.gold, case.completion).status
        result.append((time.thread_time() - start, status))

    worker = threading.Thread(target=grade)
    worker.start()
    worker.join()
    return result[0]


def core_times(corpus: list[Case], repeats: int) -> list[tuple[float, str]]:
    """(least CPU seconds over the repeats, each on a fresh thread, status) per case."""
    out = []
    for case in corpus:
        runs = [_cold_cpu_time(case) for _ in range(repeats)]
        out.append((min(t for t, _ in runs), runs[-1][1]))
    return out


def rss_of_ten_mb() -> list[dict[str, Any]]:
    rows = []
    for k in range(len(TEN_MB)):
        case = ten_mb_case(k)
        run = subprocess.run(
            [sys.executable, "-c", _RSS_PROBE, str(HERE.parent / "tests"), str(k)],
            capture_output=True,
            text=True,
            check=True,
        )
        row = json.loads(run.stdout)
        row["id"] = case.id
        row["bytes"] = len(case.completion.encode("utf-8", "surrogatepass"))
        row["allowed"] = case.allows(str(row["status"]))
        rows.append(row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--mv-timeout", type=float, default=5.0)
    ap.add_argument("--mv-workers", type=int, default=2)
    ap.add_argument("--no-mv", action="store_true", help="skip Math-Verify")
    ap.add_argument("--write", action="store_true", help="append the results to BENCHMARKS.md")
    args = ap.parse_args()

    corpus = cases()
    total_mb = sum(len(c.completion.encode("utf-8", "surrogatepass")) for c in corpus) / MB
    print(f"corpus: {len(corpus)} records, {total_mb:.1f} MB", file=sys.stderr)
    times = core_times(corpus, args.repeats)
    wrong = [c.id for c, (_, s) in zip(corpus, times) if not c.allows(s)]
    ranked = sorted(zip(times, corpus), key=lambda t: -t[0][0])
    worst_s = ranked[0][0][0]
    rss = rss_of_ten_mb()

    mv_lines: list[str] = []
    if not args.no_mv:
        start = time.monotonic()
        pairs = [(c.gold, c.completion) for c in corpus]
        results = run_math_verify(pairs, args.mv_workers, args.mv_timeout)
        mv_wall = time.monotonic() - start
        mv_wrong = [
            c.id
            for c, (kind, ok, _) in zip(corpus, results)
            if kind == "ok" and ok and not c.allows("correct")
        ]
        timeouts = sum(kind == "timeout" for kind, _, _ in results)
        errors = sum(kind == "error" for kind, _, _ in results)
        mv_lines = [
            f"- Math-Verify ({args.mv_workers} worker processes, {args.mv_timeout:g} s per record, "
            f"killed past it): wrong `correct` on **{len(mv_wrong)}** records"
            + (
                f" ({', '.join(mv_wrong[:12])}{', …' if len(mv_wrong) > 12 else ''})"
                if mv_wrong
                else ""
            )
            + f"; **{timeouts}** timeouts, {errors} errors; {mv_wall:.0f} s wall for the corpus",
        ]

    lines = [
        f"- corpus: {len(corpus)} records ({total_mb:.1f} MB), "
        "generated by `tests/hostile_corpus.py`",
        f"- mathb core: wrong `correct` on **{len(wrong)}** records"
        + (f" ({', '.join(wrong)})" if wrong else ""),
        f"- worst single record, core CPU time (least of {args.repeats}): "
        f"**{worst_s * 1e3:.1f} ms** (`{ranked[0][1].id}`, "
        f"{len(ranked[0][1].completion):,} characters)",
        "- slowest ten: " + ", ".join(f"`{c.id}` {t * 1e3:.1f} ms" for (t, _), c in ranked[:10]),
        f"- all records: {sum(t for t, _ in times):.2f} s CPU in total",
        *mv_lines,
        "",
        "| 10 MB completion | core CPU time (s) | peak RSS before grading (MB) | peak RSS (MB) "
        "| status |",
        "| --- | ---: | ---: | ---: | --- |",
        *(
            f"| `{r['id']}` | {r['cpu_s']:.3f} | {r['before_kb'] / 1024:.0f} | "
            f"{r['peak_kb'] / 1024:.0f} | {r['status']} |"
            for r in rss
        ),
    ]
    print("\n".join(lines))
    if args.write:
        command = "python benches/bench_hostile.py " + " ".join(sys.argv[1:])
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        section = [
            "",
            "## Hostile corpus: time and memory per record",
            "",
            f"- machine: {cpu_name()}; mathb {mathb.__version__}; {stamp}",
            f"- command: `{command.strip()}`",
            *lines,
            "",
        ]
        with (HERE.parent / "BENCHMARKS.md").open("a", encoding="utf-8") as f:
            f.write("\n".join(section))


if __name__ == "__main__":
    main()
