"""`grade_batch` from each kind of input, against the floor of merely parsing the JSON.

On one JSON Lines file, every path is timed in the same run, in rounds (one run of each path
per round), each run right after a run of the floor, so that the pair sees the same load on
a shared machine; the ratio to the floor is the median over the rounds of those pairs:

  orjson loop          read the file and orjson.loads every line, nothing else (the floor)
  orjson + lists       orjson.loads every line, collect golds and completions as lists,
                       grade_batch(golds, completions)
  pyarrow.json + Arrow pyarrow.json.read_json (gold and completion columns), grade_batch on
                       the two Arrow columns
  Parquet + Arrow      pyarrow.parquet.read_table of the same records (written once, before
                       timing), grade_batch on the two Arrow columns
  polars + Arrow       polars.read_ndjson, grade_batch on the two Series (when polars is
                       importable)
  JSONL bytes          read the file's bytes, grade_batch(bytes): the core reads the records

Each grading path runs with the default output (a list of Verdict objects) and with
``output="numpy"`` (a uint8 array of status codes, no object per row).

    python benches/bench_batch_inputs.py          # the real corpus and the example dump
    python benches/bench_batch_inputs.py --input FILE --gold-field answer --repeat 7 --write
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import mathb
import orjson
import pyarrow as pa
import pyarrow.json as pa_json
import pyarrow.parquet as pq
from mathb.columnar import Output

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benches"))
from json_floor import orjson_loop  # noqa: E402  (benches/ is not a package)
from machine import cpu_name  # noqa: E402

BENCHMARKS_MD = REPO / "BENCHMARKS.md"
SECTION = "## `grade_batch` by input kind: lists, Arrow columns, JSON Lines bytes"
FLOOR = "orjson loop (floor)"
DEFAULT_INPUTS = [
    (Path("/work/corpus/real.jsonl"), "gold"),
    (REPO / "examples" / "samples.jsonl", "answer"),
]

try:
    import polars
except ImportError:  # the polars row is then skipped, and says so
    polars = None


def orjson_lists(path: Path, gold: str) -> tuple[list[str], list[str]]:
    golds: list[str] = []
    completions: list[str] = []
    with path.open("rb") as f:
        for line in f:
            if line.strip():
                record = orjson.loads(line)
                golds.append(record[gold])
                completions.append(record["completion"])
    return golds, completions


def arrow_table(path: Path, gold: str) -> pa.Table:
    # Only the two columns, both as strings (a numeric gold column would be read as numbers).
    schema = pa.schema([(gold, pa.string()), ("completion", pa.string())])
    options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
    return pa_json.read_json(path, parse_options=options)


def paths(path: Path, gold: str, parquet: Path, threads: int) -> dict[str, Callable[[], Any]]:
    """The timed paths by name; each returns its verdicts (or the floor's record count)."""

    def lists(output: Output) -> Callable[[], Any]:
        def run() -> Any:
            golds, completions = orjson_lists(path, gold)
            return mathb.grade_batch(golds, completions, threads=threads, output=output)

        return run

    def arrow(read: Callable[[], Any], output: Output) -> Callable[[], Any]:
        def run() -> Any:
            table = read()
            return mathb.grade_batch(
                table[gold], table["completion"], threads=threads, output=output
            )

        return run

    def jsonl(output: Output) -> Callable[[], Any]:
        return lambda: mathb.grade_batch(
            path.read_bytes(), threads=threads, output=output, gold_field=gold
        )

    read_parquet = lambda: pq.read_table(parquet, columns=[gold, "completion"])  # noqa: E731
    rows: dict[str, Callable[[], Any]] = {FLOOR: lambda: orjson_loop(path)}
    outputs: tuple[Output, ...] = ("verdicts", "numpy")
    for output in outputs:
        rows[f"orjson + lists, {output}"] = lists(output)
        rows[f"pyarrow.json + Arrow, {output}"] = arrow(lambda: arrow_table(path, gold), output)
        rows[f"Parquet + Arrow, {output}"] = arrow(read_parquet, output)
        if polars is not None:
            read_polars = lambda: polars.read_ndjson(path)  # noqa: E731
            rows[f"polars + Arrow, {output}"] = arrow(read_polars, output)
        rows[f"JSONL bytes, {output}"] = jsonl(output)
    return rows


def statuses(result: Any) -> list[str]:
    """The status of every row of a path's result, whatever its output form."""
    if isinstance(result, tuple):
        codes, names = result
        return [names[c] for c in codes]
    return [v.status for v in result]


def timed_run(run: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = run()
    return time.perf_counter() - t0, result


def measure(
    path: Path, gold: str, threads: int, repeat: int
) -> tuple[dict[str, list[tuple[float, float]]], int]:
    """Per path, (floor seconds, path seconds) of each round: the floor runs right before the
    path, so both see the same load. And how many JSONL verdicts differ from the lists'."""
    with tempfile.TemporaryDirectory() as tmp:
        parquet = Path(tmp) / "records.parquet"
        pq.write_table(arrow_table(path, gold), parquet)
        timed = paths(path, gold, parquet, threads)
        rounds: dict[str, list[tuple[float, float]]] = {name: [] for name in timed}
        results: dict[str, Any] = {}
        for _ in range(repeat):
            for name, run in timed.items():
                floor, _ = timed_run(lambda: orjson_loop(path))
                seconds, results[name] = timed_run(run)
                rounds[name].append((floor, seconds))
    # The Arrow paths grade the same pairs as the lists; the JSONL reader also grades a
    # record that carries options (`choices`) against them, as `mathb grade` does.
    expected = statuses(results["orjson + lists, verdicts"])
    differ = 0
    for name, result in results.items():
        if name == FLOOR:
            continue
        got = statuses(result)
        if name.startswith("JSONL"):
            differ = sum(a != b for a, b in zip(got, expected, strict=True))
        elif got != expected:
            raise SystemExit(f"{name}: verdicts differ from the lists path")
    return rounds, differ


def table(
    path: Path, records: int, rounds: dict[str, list[tuple[float, float]]], differ: int
) -> str:
    lines = [
        f"### `{path.name}`, {records:,} records, {path.stat().st_size / 1e6:.1f} MB",
        "",
        "| path | best s | records/s (best) | vs orjson loop: median of rounds | range |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, pairs in rounds.items():
        best = min(seconds for _, seconds in pairs)
        ratios = sorted(floor / seconds for floor, seconds in pairs)
        lines.append(
            f"| {name} | {best:.3f} | {records / best:,.0f} | "
            f"**{statistics.median(ratios):.2f}×** | {ratios[0]:.2f}–{ratios[-1]:.2f}× |"
        )
    lines += [
        "",
        f"Statuses from JSON Lines bytes that differ from the lists': {differ:,} (records that "
        "carry options are graded against them there, as `mathb grade` grades them).",
    ]
    if polars is None:
        lines += ["", "polars is not installed here: its rows were skipped."]
    return "\n".join(lines)


def without_options(path: Path, out: Path) -> Path:
    """A copy of `path` without its records' `choices` / `options` fields."""
    with path.open("rb") as f, out.open("wb") as w:
        for line in f:
            if line.strip():
                record = orjson.loads(line)
                record.pop("choices", None)
                record.pop("options", None)
                w.write(orjson.dumps(record) + b"\n")
    return out


def environment(threads: int, repeat: int, argv: list[str]) -> str:
    versions = {name: importlib.metadata.version(name) for name in ("mathb", "pyarrow", "orjson")}
    if polars is not None:
        versions["polars"] = importlib.metadata.version("polars")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {cpu_name()}, {os.cpu_count()} cores "
        f"(load average {load:.1f} at the start: shared); Python {platform.python_version()}, "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
        + f"; {threads} grading threads; {repeat} rounds, each path run right after the orjson "
        "loop.\n\n" + f"`python benches/bench_batch_inputs.py {' '.join(argv)}`"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, action="append", help="a JSON Lines file")
    parser.add_argument("--gold-field", default="gold", help="its gold field (with --input)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="replace the section in BENCHMARKS.md")
    args = parser.parse_args()
    inputs = [(p, args.gold_field) for p in args.input] if args.input else DEFAULT_INPUTS
    head = environment(args.threads, args.repeat, sys.argv[1:])
    parts = [SECTION, "", head]
    with tempfile.TemporaryDirectory() as tmp:
        if not args.input:  # the real corpus again, without the options some records carry
            real = DEFAULT_INPUTS[0][0]
            inputs.insert(1, (without_options(real, Path(tmp) / "real-no-options.jsonl"), "gold"))
        for path, gold in inputs:
            rounds, differ = measure(path, gold, args.threads, args.repeat)
            parts += ["", table(path, orjson_loop(path), rounds, differ)]
    text = "\n".join(parts) + "\n"
    print(text)
    if args.write:
        write_section(text)


def write_section(text: str) -> None:
    """Replaces (or appends) this bench's section of BENCHMARKS.md."""
    current = BENCHMARKS_MD.read_text()
    start = current.find(SECTION)
    if start < 0:
        BENCHMARKS_MD.write_text(current.rstrip("\n") + "\n\n" + text)
        return
    end = current.find("\n## ", start + len(SECTION))
    rest = current[end + 1 :] if end >= 0 else ""
    BENCHMARKS_MD.write_text(current[:start] + text + ("\n" + rest if rest else ""))


if __name__ == "__main__":
    main()
