"""End-to-end grading throughput: mathb against Math-Verify and a JSON-parsing floor.

Every grader is timed in the same run on the same JSON Lines file, so the ratios between the
rows are what matters; absolute times move with the machine's load.

    python benches/bench_grade.py                          # 20,000 synthetic samples
    python benches/bench_grade.py --n 20000 --mv-n 2000 --write
    python benches/bench_grade.py --input examples/samples.jsonl --write
    python benches/bench_grade.py --n 40000 --reasoning-chars 5000   # reasoning-length traces

Rows:
  floor        read the file and json.loads / orjson.loads every line, nothing else
  mathb API    read + orjson.loads + mathb.grade_batch (all cores, and one thread)
  mathb CLI    `mathb grade FILE -o ... --quiet` as a subprocess, interpreter start included
  Math-Verify  verify(parse(gold), parse(completion)) per record on a subsample, in one
               process (main thread: it times out with signals) and in a process pool

It also reports how often mathb's verdict (correct or not) agrees with Math-Verify's boolean
on the subsample and, for dumps made by examples/make_samples.py, how each grader fares
against the answer the generator meant to write.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.metadata
import json
import logging
import multiprocessing
import os
import platform
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import mathb

try:
    import orjson
except ImportError:  # the floor then has only the json row
    orjson = None

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "examples"))
import long_reasoning  # noqa: E402
import make_samples  # noqa: E402  (examples/ is not a package)
from json_floor import orjson_loop, parse_loop  # noqa: E402
from machine import cpu_name  # noqa: E402  (benches/ is not a package either)

BENCHMARKS_MD = REPO / "BENCHMARKS.md"

BENCHMARKS_HEADER = """\
# Benchmarks

End-to-end grading throughput of mathb against [Math-Verify](https://pypi.org/project/math-verify/)
and against the floor of merely parsing the JSON, measured by `benches/bench_grade.py`. Every
row of a section was timed in the same run on the same file. Math-Verify is called the way its
documentation shows, `verify(parse(f"${gold}$"), parse(completion))`, with its default extraction
and timeouts; mathb with its defaults (`decimal="rounded"`).

The machine these numbers come from is shared and noisy: compare the ratios within one section,
not absolute times across sections or machines. Fast rows are the best of several repeats;
Math-Verify, being slow, runs once on a seeded subsample of the file (its process pool first,
so that neither run starts with the other's parse cache). The end-to-end CLI row and the orjson
floor it is compared with are timed alternately, run after run, so that both see the same load;
the package's bytecode is compiled first, as an installed wheel has it. Each section lists the
mean completion length: the synthetic completions are a few hundred characters, while real
reasoning traces are often ten times longer, which costs every grader more; the
`--reasoning-chars` sections put that much worked reasoning before each completion.

Reproduce with `pip install -e . --group bench` (a release build of the core), then
`python benches/bench_grade.py --write`. The synthetic dumps come from
`examples/make_samples.py` (see `examples/README.md`).
"""


# ------------------------------------------------------------------------------- timing


@dataclass
class Row:
    name: str
    timed: str
    pairs: int
    seconds: float | None  # None: skipped or failed
    note: str = ""

    @property
    def rate(self) -> float | None:
        return self.pairs / self.seconds if self.seconds else None


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Smallest wall time of `repeat` runs, and the result of the last run."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def interleaved(
    repeat: int, first: Callable[[], Any], second: Callable[[], Any]
) -> tuple[float, float]:
    """Smallest wall times of `first` and of `second`, run alternately `repeat` times each."""
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for i, fn in enumerate((first, second)):
            t0 = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - t0)
    return best[0], best[1]


def load_pairs(path: Path) -> tuple[list[str], list[str]]:
    loads = orjson.loads if orjson is not None else json.loads
    golds: list[str] = []
    completions: list[str] = []
    with path.open("rb") as f:
        for line in f:
            if line.strip():
                rec = loads(line)
                # examples/make_samples.py writes `answer`; the real-completions corpus `gold`
                golds.append(rec["answer"] if "answer" in rec else rec["gold"])
                completions.append(rec["completion"])
    return golds, completions


def mathb_api(path: Path, threads: int) -> list[mathb.Verdict]:
    golds, completions = load_pairs(path)
    return mathb.grade_batch(golds, completions, threads=threads)


def cli_command() -> list[str] | None:
    """The `mathb` CLI, when it is installed and has a `grade` subcommand."""
    exe = Path(sys.executable).with_name("mathb")
    cmd = [str(exe)] if exe.exists() else ([w] if (w := shutil.which("mathb")) else None)
    if cmd is None:
        return None
    probe = subprocess.run([*cmd, "grade", "--help"], check=False, capture_output=True, text=True)
    return cmd if probe.returncode == 0 else None


# --------------------------------------------------------------------------- Math-Verify


def math_verify_version() -> str | None:
    try:
        return importlib.metadata.version("math-verify")
    except importlib.metadata.PackageNotFoundError:
        return None


def mv_grade_one(gold: str, completion: str) -> tuple[bool, str, str]:
    """(verdict, extracted answer, error) of Math-Verify on one pair."""
    from math_verify import parse, verify

    try:
        gold_parsed = parse(f"${gold}$")
        pred = parse(completion)
        ok = bool(verify(gold_parsed, pred))
    except Exception as e:  # noqa: BLE001  (a crash inside Math-Verify counts as "not correct")
        return False, "", f"{type(e).__name__}: {e}"[:200]
    shown = pred[-1] if pred and isinstance(pred[-1], str) else (str(pred[0]) if pred else "")
    return ok, shown, ""


def mv_grade_chunk(pairs: list[tuple[str, str]]) -> list[tuple[bool, str, str]]:
    return [mv_grade_one(g, c) for g, c in pairs]


def mv_clear_caches() -> None:
    """Empties Math-Verify's parse caches (`functools.lru_cache` on `parse_latex_cached`,
    `parse_expr_cached` and `extract_latex` in math_verify/parser.py). The compiled-regex
    caches (`lazy_*_regex`) are kept: they hold no answer, only the patterns."""
    from math_verify import parser

    for name in ("parse_latex_cached", "parse_expr_cached", "extract_latex"):
        fn = getattr(parser, name, None)
        if fn is not None and hasattr(fn, "cache_clear"):
            fn.cache_clear()


def mv_grade_chunk_cold(pairs: list[tuple[str, str]]) -> list[tuple[bool, str, str]]:
    out = []
    for g, c in pairs:
        mv_clear_caches()
        out.append(mv_grade_one(g, c))
    return out


def mv_pool_cold(pairs: list[tuple[str, str]], procs: int) -> list[tuple[bool, str, str]]:
    return mv_pool(pairs, procs, mv_grade_chunk_cold)


def mv_pool(
    pairs: list[tuple[str, str]],
    procs: int,
    grade_chunk: Callable[[list[tuple[str, str]]], list[tuple[bool, str, str]]] = mv_grade_chunk,
) -> list[tuple[bool, str, str]]:
    # fork: workers inherit the imported math_verify and start in milliseconds. They never
    # touch mathb, so the parent's rayon pool is not an issue.
    ctx = multiprocessing.get_context("fork")
    size = max(1, len(pairs) // (procs * 16))
    chunks = [pairs[i : i + size] for i in range(0, len(pairs), size)]
    with ctx.Pool(procs) as pool:
        return [r for part in pool.map(grade_chunk, chunks, chunksize=1) for r in part]


# ------------------------------------------------------------------------------ machine


def machine_info() -> dict[str, str]:
    cpu = cpu_name()
    ram = "?"
    try:
        m = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        if m:
            ram = f"{int(m.group(1)) / 1024**2:.1f} GiB"
    except OSError:
        pass
    os_name = platform.platform()
    try:
        m = re.search(r'PRETTY_NAME="([^"]+)"', Path("/etc/os-release").read_text())
        if m:
            os_name = f"{m.group(1)}, Linux {platform.release()}"
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": f"{os.cpu_count()} logical ({len(os.sched_getaffinity(0))} usable)",
        "ram": ram,
        "os": os_name,
        "python": platform.python_version(),
        "mathb": mathb.__version__,
        "math-verify": math_verify_version() or "not installed",
        "orjson": importlib.metadata.version("orjson") if orjson is not None else "not installed",
    }


# ------------------------------------------------------------------------------ dumps


@dataclass
class Dump:
    path: Path
    label: str  # for the section title and the BENCHMARKS.md key
    # Per record, what examples/make_samples.py meant to write; None for foreign files.
    intended: list[str] | None = None
    categories: list[str] = field(default_factory=list)


def synthetic_dump(n: int, seed: int, directory: Path, reasoning_chars: int = 0) -> Dump:
    samples = make_samples.generate_n(n, seed)
    label = f"synthetic dump, {n:,} samples (seed {seed})"
    if reasoning_chars:
        samples = long_reasoning.with_reasoning(samples, reasoning_chars, seed)
        label += f", ~{reasoning_chars:,} characters of reasoning before each completion"
    path = directory / f"samples-{n}.jsonl"
    make_samples.write_jsonl(samples, path)
    return Dump(
        path,
        label,
        [s.intended for s in samples],
        [s.category for s in samples],
    )


def input_dump(path: Path, seed: int) -> Dump:
    """A given file; when it is byte-for-byte the generator's output, its labels are known."""
    loads = orjson.loads if orjson is not None else json.loads
    records = [loads(line) for line in path.open("rb") if line.strip()]
    dump = Dump(path, f"`{path}`, {len(records):,} samples")
    dump.categories = [str(r.get("problem_id", "?")).split("-")[0] for r in records]
    per = 1 + max((r.get("sample_idx", 0) for r in records), default=0)
    known = {p.problem_id for p in make_samples.PROBLEMS}
    if records and all(r.get("problem_id") in known for r in records):
        by_key = {
            (s.record["problem_id"], s.record["sample_idx"]): s
            for s in make_samples.generate(per, seed)
        }
        labels = []
        for r in records:
            s = by_key.get((r["problem_id"], r.get("sample_idx")))
            if s is None or s.record["completion"] != r["completion"]:
                break
            labels.append(s.intended)
        else:
            dump.intended = labels
    return dump


# ------------------------------------------------------------------------------ report


def fmt_rate(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}"


def fmt_secs(x: float | None) -> str:
    return "—" if x is None else (f"{x:.3f}" if x < 10 else f"{x:.1f}")


def ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "—"
    r = a / b
    return f"{r:,.0f}×" if r >= 100 else (f"{r:.1f}×" if r >= 1 else f"{r:.2f}×")


def table(rows: list[Row], mv_rate: float | None) -> str:
    out = [
        "| grader | what is timed | pairs | time (s) | pairs/s | vs Math-Verify (1 process) |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        note = f" ({r.note})" if r.note else ""
        out.append(
            f"| {r.name} | {r.timed}{note} | {r.pairs:,} | {fmt_secs(r.seconds)} "
            f"| {fmt_rate(r.rate)} | {ratio(r.rate, mv_rate)} |"
        )
    return "\n".join(out)


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "—"


# -------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=20_000, help="synthetic samples (default 20000)")
    ap.add_argument("--input", type=Path, help="benchmark this JSONL file instead")
    ap.add_argument("--mv-n", type=int, default=2_000, help="Math-Verify subsample (default 2000)")
    ap.add_argument("--repeat", type=int, default=5, help="repeats of the fast rows (best kept)")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="'all cores'")
    ap.add_argument("--seed", type=int, default=make_samples.SEED)
    ap.add_argument(
        "--reasoning-chars",
        type=int,
        default=0,
        help="put about this many characters of worked reasoning before each synthetic "
        "completion, as long as reasoning models' traces (default 0)",
    )
    ap.add_argument("--no-mv", action="store_true", help="skip Math-Verify")
    ap.add_argument("--keep", type=Path, help="copy the synthetic dump here")
    ap.add_argument(
        "--disagreements",
        type=Path,
        help="write every mathb/Math-Verify disagreement on the subsample to this JSONL file",
    )
    ap.add_argument(
        "--write", action="store_true", help=f"add or replace a section in {BENCHMARKS_MD.name}"
    )
    args = ap.parse_args(argv)
    command = "python benches/bench_grade.py" + (
        " " + shlex.join(sys.argv[1:]) if argv is None else ""
    )

    # Math-Verify logs every timeout and parse failure; the counts are reported instead.
    logging.disable(logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="mathb-bench-") as tmp:
        tmpdir = Path(tmp)
        if args.input:
            dump = input_dump(args.input, args.seed)
        else:
            print(f"generating {args.n:,} samples ...", file=sys.stderr)
            dump = synthetic_dump(args.n, args.seed, tmpdir, args.reasoning_chars)
            if args.keep:
                shutil.copyfile(dump.path, args.keep)
        golds, completions = load_pairs(dump.path)
        n = len(golds)
        size_mb = dump.path.stat().st_size / 1e6
        mean_len = sum(map(len, completions)) / max(n, 1)
        print(
            f"{dump.path}: {n:,} records, {size_mb:.1f} MB, mean completion {mean_len:,.0f} chars",
            file=sys.stderr,
        )

        rows: list[Row] = []
        threads = args.threads

        def timed(
            name: str, what: str, pairs: int, fn: Callable[[], Any], repeat: int, note: str = ""
        ) -> Any:
            print(f"  timing {name} ...", file=sys.stderr)
            secs, result = best_of(repeat, fn)
            rows.append(Row(name, what, pairs, secs, note))
            return result

        timed(
            "floor: json",
            "read + `json.loads` per line",
            n,
            lambda: parse_loop(dump.path),
            args.repeat,
        )
        if orjson is not None:
            timed(
                "floor: orjson",
                "read + `orjson.loads` per line",
                n,
                lambda: orjson_loop(dump.path),
                args.repeat,
            )
        else:
            rows.append(Row("floor: orjson", "orjson not installed", n, None))
        verdicts = timed(
            f"mathb API, {threads} threads",
            "read + orjson + `grade_batch`",
            n,
            lambda: mathb_api(dump.path, threads),
            args.repeat,
        )
        timed(
            "mathb API, 1 thread",
            "read + orjson + `grade_batch`",
            n,
            lambda: mathb_api(dump.path, 1),
            args.repeat,
        )
        timed(
            f"mathb `grade_batch` only, {threads} threads",
            "grading, input already in memory",
            n,
            lambda: mathb.grade_batch(golds, completions, threads=threads),
            args.repeat,
        )

        cli = cli_command()
        if cli is None:
            rows.append(Row("mathb CLI", "`mathb grade` not available", n, None))
        else:
            out = tmpdir / "verdicts.jsonl"
            cmd = [
                *cli,
                "grade",
                str(dump.path),
                "-o",
                str(out),
                # The exact core alone, like the API rows; the sympy fallback is timed apart.
                "--no-fallback",
                "--threads",
                str(threads),
                "--quiet",
            ]
            failure: list[str] = []

            def run_cli(cmd: list[str] = cmd) -> None:
                p = subprocess.run(cmd, check=False, capture_output=True, text=True)
                if p.returncode != 0:
                    failure.append(f"exit {p.returncode}: {p.stderr.strip()[-300:]}")

            # Bytecode as an installed wheel has it: an editable install with
            # PYTHONDONTWRITEBYTECODE set would otherwise compile the CLI at every start.
            compileall.compile_dir(Path(mathb.__file__).parent, quiet=1)
            one_thread = [*cmd[:-2], "1", "--quiet"]
            timed(
                "mathb CLI, 1 thread",
                "`mathb grade --no-fallback --threads 1 --quiet` subprocess",
                n,
                lambda: run_cli(one_thread),
                args.repeat,
            )
            # As a user runs it: the pairs the core leaves undecided go to sympy workers,
            # which start (importing sympy) at the first such pair.
            timed(
                "mathb CLI, default settings",
                f"`mathb grade --threads {threads} --quiet` (sympy fallback on)",
                n,
                lambda: run_cli([c for c in cmd if c != "--no-fallback"]),
                args.repeat,
            )
            # The CLI and the orjson floor, alternately: on a shared machine the load moves
            # between two blocks of repeats, much less between neighbouring runs.
            if orjson is not None:
                floor_secs, cli_secs = interleaved(
                    max(args.repeat, 5), lambda: orjson_loop(dump.path), run_cli
                )
                rows.append(
                    Row(
                        "floor: orjson, alternating with the CLI",
                        "read + `orjson.loads` per line",
                        n,
                        floor_secs,
                    )
                )
                rows.append(
                    Row(
                        "mathb CLI",
                        f"`mathb grade --no-fallback --threads {threads} --quiet` subprocess",
                        n,
                        cli_secs,
                    )
                )
            else:
                timed(
                    "mathb CLI",
                    f"`mathb grade --no-fallback --threads {threads} --quiet` subprocess",
                    n,
                    run_cli,
                    args.repeat,
                )
            if failure:
                rows[-1].seconds = None
                rows[-1].note = "failed"
                print(f"  mathb CLI failed: {failure[0]}", file=sys.stderr)
            else:
                # The CLI must agree with the API record for record; say so when it does not.
                cli_status = [json.loads(line)["status"] for line in out.open("rb")]
                api_status = [v.status for v in verdicts]
                if cli_status != api_status:
                    differ = sum(a != b for a, b in zip(cli_status, api_status))
                    rows[-1].note = f"{len(cli_status):,} verdicts, {differ:,} differ from the API"

        # ---- Math-Verify on a subsample
        mv_version = None if args.no_mv else math_verify_version()
        mv_n = min(args.mv_n, n)
        sub = sorted(random.Random(args.seed).sample(range(n), mv_n))
        sub_pairs = [(golds[i], completions[i]) for i in sub]
        mv_results: list[tuple[bool, str, str]] | None = None
        mv_rate = None
        if mv_version is None:
            why = "skipped" if args.no_mv else "not installed: pip install math-verify"
            rows.append(Row("Math-Verify, 1 process", why, mv_n, None))
            print(f"  Math-Verify {why}", file=sys.stderr)
        else:
            mv_grade_one("1", "\\boxed{1}")  # warm-up: imports and the LaTeX parser tables
            # The pool runs first: Math-Verify caches parses in-process, so a pool forked after
            # the single-process run would start with every answer of the subsample cached.
            procs = os.cpu_count() or 1
            pool_results = timed(
                f"Math-Verify, pool of {procs}",
                "same as above, `multiprocessing.Pool`, chunked",
                mv_n,
                lambda: mv_pool(sub_pairs, procs),
                1,
            )
            mv_results = timed(
                "Math-Verify, 1 process",
                "`verify(parse(gold), parse(completion))`, subsample",
                mv_n,
                lambda: mv_grade_chunk(sub_pairs),
                1,
            )
            mv_rate = rows[-1].rate
            if [r[0] for r in pool_results] != [r[0] for r in mv_results]:
                rows[-2].note = "verdicts differ from the 1-process run (timeouts?)"
            # Keep the 1-process row above the pool row in the table.
            rows[-2], rows[-1] = rows[-1], rows[-2]
            timed(
                "Math-Verify cold, 1 process",
                "as above, its parse caches cleared before every pair",
                mv_n,
                lambda: mv_grade_chunk_cold(sub_pairs),
                1,
            )
            timed(
                f"Math-Verify cold, pool of {procs}",
                "as above, in the process pool",
                mv_n,
                lambda: mv_pool_cold(sub_pairs, procs),
                1,
            )

    # ---- the report
    by_name = {r.name: r for r in rows}
    api = by_name[f"mathb API, {threads} threads"].rate
    paired = by_name.get("floor: orjson, alternating with the CLI")
    floor = (paired and paired.rate) or by_name["floor: orjson"].rate or by_name["floor: json"].rate
    mv_pool_row = next((r for r in rows if r.name.startswith("Math-Verify, pool")), None)
    cli_rate = by_name["mathb CLI"].rate if "mathb CLI" in by_name else None
    cold = by_name.get("Math-Verify cold, 1 process")
    cold_pool = next((r for r in rows if r.name.startswith("Math-Verify cold, pool")), None)
    ratios = [
        f"`mathb grade` (CLI, end to end) / orjson floor: **{ratio(cli_rate, floor)}**",
        f"`mathb grade` / Math-Verify warm (1 process): **{ratio(cli_rate, mv_rate)}**",
        f"`mathb grade` / Math-Verify cold (1 process): **{ratio(cli_rate, cold and cold.rate)}**",
        (
            "`mathb grade` / Math-Verify cold (pool): "
            f"**{ratio(cli_rate, cold_pool and cold_pool.rate)}**"
        ),
        f"mathb API ({threads} threads) / Math-Verify (1 process): **{ratio(api, mv_rate)}**",
        (
            f"mathb API ({threads} threads) / Math-Verify (pool): "
            f"**{ratio(api, mv_pool_row.rate if mv_pool_row else None)}**"
        ),
        (
            f"mathb API ({threads} threads) / orjson floor: **{ratio(api, floor)}** "
            "(the floor only parses JSON)"
        ),
    ]

    status_all = Counter(v.status for v in verdicts)
    lines_status = ", ".join(
        f"{s} {status_all[s]:,} ({pct(status_all[s], n)})"
        for s in ("correct", "incorrect", "no_answer", "undecided")
    )
    agreement_md: list[str] = []
    examples: list[dict[str, Any]] = []
    if mv_results is not None:
        sub_v = [verdicts[i] for i in sub]
        agree = sum((v.status == "correct") == mv for v, (mv, _, _) in zip(sub_v, mv_results))
        decided = [(v, r) for v, r in zip(sub_v, mv_results) if v.status != "undecided"]
        agree_dec = sum((v.status == "correct") == mv for v, (mv, _, _) in decided)
        cross = Counter((v.status, mv) for v, (mv, _, _) in zip(sub_v, mv_results))
        mv_errors = sum(1 for _, _, e in mv_results if e)
        agreement_md += [
            (
                f"On the {mv_n:,}-record subsample, mathb's verdict (correct or not) agrees with "
                f"Math-Verify's boolean on **{agree:,} ({pct(agree, mv_n)})**; on the "
                f"{len(decided):,} records mathb decided (not undecided), "
                f"**{agree_dec:,} ({pct(agree_dec, len(decided))})**. "
                f"Math-Verify raised on {mv_errors} records."
            ),
            "",
            "| mathb status | Math-Verify True | Math-Verify False |",
            "| --- | ---: | ---: |",
        ]
        for s in ("correct", "incorrect", "no_answer", "undecided"):
            agreement_md.append(f"| {s} | {cross[(s, True)]:,} | {cross[(s, False)]:,} |")

        if dump.intended is not None:
            truth = [dump.intended[i] == "correct" for i in sub]
            mb_fp = sum(1 for v, t in zip(sub_v, truth) if v.status == "correct" and not t)
            mb_fn = sum(1 for v, t in zip(sub_v, truth) if v.status != "correct" and t)
            mb_und = sum(1 for v, t in zip(sub_v, truth) if v.status == "undecided")
            mv_fp = sum(1 for (m, _, _), t in zip(mv_results, truth) if m and not t)
            mv_fn = sum(1 for (m, _, _), t in zip(mv_results, truth) if not m and t)
            agreement_md += [
                "",
                (
                    "Against what the generator meant to write (the subsample's "
                    f"{sum(truth):,} right and {mv_n - sum(truth):,} wrong or missing answers):"
                ),
                "",
                "| grader | accepts a wrong answer | rejects a right answer | of which undecided |",
                "| --- | ---: | ---: | ---: |",
                f"| mathb | {mb_fp:,} | {mb_fn:,} | {mb_und:,} |",
                f"| Math-Verify | {mv_fp:,} | {mv_fn:,} | — |",
            ]

        for i, v, (mv, shown, err) in zip(sub, sub_v, mv_results):
            if (v.status == "correct") == mv:
                continue
            ex = {
                "line": i + 1,
                "gold": golds[i],
                "mathb_extracted": v.extracted,
                "mathb_status": v.status,
                "mathb_reason": v.reason,
                "math_verify": mv,
                "math_verify_extracted": shown,
                "math_verify_error": err,
                "intended": dump.intended[i] if dump.intended else None,
            }
            examples.append(ex)
        if args.disagreements:
            with args.disagreements.open("w", encoding="utf-8") as f:
                for ex in examples:
                    f.write(json.dumps(ex, ensure_ascii=False) + "\n")

    info = machine_info()
    now = datetime.now(timezone.utc).strftime("%a %b %d %H:%M:%S UTC %Y")
    section = [
        f"## {dump.label}",
        "",
        f"- date: {now}",
        f"- machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM, {info['os']}",
        (
            f"- software: Python {info['python']}, mathb {info['mathb']} (release build), "
            f"math-verify {info['math-verify']}, orjson {info['orjson']}"
        ),
        (
            f"- input: {n:,} records, {size_mb:.1f} MB, mean completion {mean_len:,.0f} "
            f"characters; Math-Verify on a seeded subsample of {mv_n:,}"
        ),
        f"- command: `{command}`",
        "",
        table(rows, mv_rate),
        "",
        *[f"- {r}" for r in ratios],
        "",
        f"mathb verdicts on all {n:,} records: {lines_status}.",
    ]
    if agreement_md:
        section += ["", *agreement_md]

    if dump.intended is not None:
        cats = sorted(set(dump.categories))
        cat_status = Counter(zip(dump.categories, (v.status for v in verdicts)))
        section += [
            "",
            "mathb verdicts by answer category (all records):",
            "",
            "| category | correct | incorrect | no_answer | undecided |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for c in cats:
            section.append(
                f"| {c} | "
                + " | ".join(
                    f"{cat_status[(c, s)]:,}"
                    for s in ("correct", "incorrect", "no_answer", "undecided")
                )
                + " |"
            )

    text = "\n".join(section)
    print(text)
    if examples:
        print(f"\n{len(examples):,} disagreements on the subsample; the first distinct ones:")
        shown_keys: set[tuple[str, str, str, bool]] = set()
        for ex in examples:
            key = (ex["gold"], str(ex["mathb_extracted"]), ex["mathb_status"], ex["math_verify"])
            if key in shown_keys:
                continue
            shown_keys.add(key)
            print(
                f"  line {ex['line']}: gold {ex['gold']!r} | mathb {ex['mathb_status']} "
                f"on {ex['mathb_extracted']!r} ({ex['mathb_reason']}) | Math-Verify "
                f"{ex['math_verify']} on {ex['math_verify_extracted']!r}"
                + (f" | generator meant {ex['intended']}" if ex["intended"] else "")
            )
            if len(shown_keys) >= 10:
                break

    if args.write:
        write_section(dump_key(dump, args), text)
        print(f"\nwrote the section to {BENCHMARKS_MD}", file=sys.stderr)
    return 0


def dump_key(dump: Dump, args: argparse.Namespace) -> str:
    if args.input:
        return f"input:{args.input.name}"
    reasoning = f":reasoning{args.reasoning_chars}" if args.reasoning_chars else ""
    return f"synthetic:{args.n}{reasoning}"


def write_section(key: str, text: str) -> None:
    """Replaces the section tagged `key` in BENCHMARKS.md, or appends it."""
    begin, end = f"<!-- bench {key} -->", f"<!-- /bench {key} -->"
    block = f"{begin}\n{text}\n{end}\n"
    doc = BENCHMARKS_MD.read_text(encoding="utf-8") if BENCHMARKS_MD.exists() else BENCHMARKS_HEADER
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    if pattern.search(doc):
        doc = pattern.sub(lambda _: block, doc)
    else:
        doc = doc.rstrip("\n") + "\n\n" + block
    BENCHMARKS_MD.write_text(doc, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
