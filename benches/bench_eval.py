"""`mathb eval`'s intervals and comparison on the repository's fixtures, and what they cost.

1. Rates of problems on `tests/data/math_beyond_small.csv` (40 problems): dumps built from its
   `<model>_unsolved` columns (a model solves a row iff its column says so), each rate with
   the percentile bootstrap `mathb eval` used before (1,000 resamples, seed 0) and the Wilson
   interval it uses now; per-topic expansion included (the small counts).
2. model − base on two dumps of `examples/make_samples.py` (seeds 20240601 and 7): the
   paired bootstrap interval of the pass@k difference against an unpaired one (model and base
   resampled independently) and the two curves' own bands.
3. Time of `evaluate` on the same pair at ``--samples`` per problem, and of `mathb report`.
   ``--large`` also times the per-problem curve matrices at MATH-Beyond's size (181 problems
   × 1,024 samples, every k), which the model − base difference now shares with the curves.

``--write`` appends the section to BENCHMARKS.md with the machine, the command and the date.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_grade import machine_info  # noqa: E402  (benches/ is not a package)

TABLE = ROOT / "tests" / "data" / "math_beyond_small.csv"
PAIRS = (("qwen3-4b", "qwen3-4b-base"), ("deepscaler_1.5b_preview", "r1-1.5b"))
RESAMPLES, SEED, LEVEL = 1000, 0, 0.95


def dump_from_table(rows: list[dict[str, str]], model: str, path: Path) -> None:
    """Two samples per row: a wrong answer, then the gold where `model` solved the row."""
    lines = []
    for i, row in enumerate(rows):
        gold = int(row["answer"])
        solved = row[f"{model}_unsolved"] == "False"
        last = f"So the answer is $\\boxed{{{gold}}}$." if solved else "I could not finish."
        for text in (f"The total is $\\boxed{{{gold + 1}}}$.", last):
            lines.append({"problem_id": i, "answer": str(gold), "completion": text})
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")


def percentile_bootstrap(hits: np.ndarray) -> tuple[float, float]:
    """The interval `mathb eval` gave a rate before: a percentile bootstrap of the mean."""
    from mathb.setmetrics import bootstrap_means

    _, low, high = bootstrap_means(hits.astype(np.float64), resamples=RESAMPLES, seed=SEED)
    return float(low[0]), float(high[0])


def span(ci: tuple[float, float] | list[float]) -> str:
    return f"[{100 * ci[0]:.1f}, {100 * ci[1]:.1f}]"


def rate_rows(directory: Path) -> list[str]:
    from mathb.evaluation import EvalConfig, evaluate
    from mathb.intervals import wilson_interval

    with TABLE.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = []
    for model, base in PAIRS:
        for name in (model, base):
            dump_from_table(rows, name, directory / f"{name}.jsonl")
        config = EvalConfig(
            str(directory / f"{model}.jsonl"),
            base_samples=str(directory / f"{base}.jsonl"),
            dataset=str(TABLE),
            resamples=RESAMPLES,
        )
        summary = evaluate(config)
        solved = np.array([r[f"{model}_unsolved"] == "False" for r in rows])
        base_solved = np.array([r[f"{base}_unsolved"] == "False" for r in rows])
        masks = {
            "expansion": (~base_solved & solved, ~base_solved),
            "shrinkage": (base_solved & ~solved, base_solved),
            "preservation": (base_solved & solved, base_solved),
            "out_of_reach": (~base_solved & ~solved, ~base_solved),
        }
        for name, (hit, of) in masks.items():
            cell = summary["set_metrics"][name]
            out.append(
                f"| {model} vs {base} | {name.replace('_', ' ')} | {cell['count']}/{cell['of']} "
                f"| {span(percentile_bootstrap(hit[of]))} | {span(cell['ci'])} |"
            )
        topics = [r["topic"] for r in rows]
        for topic, entry in summary["breakdown"]["topic"].items():
            of = ~base_solved & np.array([t == topic for t in topics])
            if not of.any():
                continue
            count, total = entry["newly_solved"], entry["base_unsolved"]
            out.append(
                f"| {model} vs {base} | expansion, {topic} | {count}/{total} "
                f"| {span(percentile_bootstrap(solved[of]))} "
                f"| {span(wilson_interval(count, total, LEVEL))} |"
            )
    return out


def make_pair(directory: Path, samples: int) -> tuple[Path, Path]:
    paths = []
    for seed in (20240601, 7):
        path = directory / f"seed{seed}.{samples}.jsonl"
        subprocess.run(
            [sys.executable, str(ROOT / "examples" / "make_samples.py"), "--seed", str(seed)]
            + ["--samples", str(samples), "-o", str(path)],
            check=True,
            capture_output=True,
        )
        paths.append(path)
    return paths[0], paths[1]


def unpaired_width(model: np.ndarray, base: np.ndarray) -> float:
    """Width of the difference's interval when model and base are resampled independently."""
    rng = np.random.default_rng(SEED)
    p = model.shape[0]
    w1 = rng.multinomial(p, np.full(p, 1 / p), size=RESAMPLES)
    w2 = rng.multinomial(p, np.full(p, 1 / p), size=RESAMPLES)
    diff = (w1 @ model - w2 @ base) / p
    low, high = np.quantile(diff, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    return float(high - low)


def paired_rows(directory: Path) -> list[str]:
    from mathb.evaluation import EvalConfig, evaluate
    from mathb.grading import grade_file
    from mathb.setmetrics import pass_at_k_matrix, read_verdicts

    model, base = make_pair(directory, 8)
    summary = evaluate(EvalConfig(str(model), base_samples=str(base), resamples=RESAMPLES))
    matrices = []
    for path in (model, base):
        grade_file(path, directory / f"{path.stem}.verdicts.jsonl")
        matrices.append(
            pass_at_k_matrix(read_verdicts(directory / f"{path.stem}.verdicts.jsonl"), [1, 2, 4])
        )
    out = []
    diff, own, other = summary["difference_curves"], summary["curves"], summary["base_curves"]
    for j, k in enumerate([1, 2, 4]):
        i = diff["k"].index(k)
        paired = diff["pass_at_k"]["high"][i] - diff["pass_at_k"]["low"][i]
        bands = sum(c["pass_at_k"]["high"][i] - c["pass_at_k"]["low"][i] for c in (own, other))
        unpaired = unpaired_width(matrices[0][:, j], matrices[1][:, j])
        out.append(
            f"| pass@{k} | {100 * diff['pass_at_k']['mean'][i]:+.2f} pp "
            f"| {span([diff['pass_at_k']['low'][i], diff['pass_at_k']['high'][i]])} "
            f"| {100 * paired:.2f} | {100 * unpaired:.2f} | {100 * bands:.2f} |"
        )
    return out


def timing_rows(directory: Path, samples: int) -> list[str]:
    from mathb.evaluation import EvalConfig, evaluate
    from mathb.report import write_report

    model, base = make_pair(directory, samples)
    start = time.perf_counter()
    summary = evaluate(EvalConfig(str(model), base_samples=str(base), resamples=RESAMPLES))
    seconds = time.perf_counter() - start
    path = directory / "summary.json"
    path.write_text(json.dumps(summary), encoding="utf-8")
    start = time.perf_counter()
    write_report([path] * 4, directory / "report")
    drawn = time.perf_counter() - start
    problems = summary["problems"]
    return [
        f"| `evaluate`, model and base dumps ({problems} problems × {samples}, k = 1…{samples})"
        f" | {seconds:.2f} |",
        f"| `write_report`, four summaries (PNG, SVG, Markdown, HTML) | {drawn:.2f} |",
    ]


def large_rows() -> list[str]:
    from mathb.setmetrics import ProblemResults, curve_matrices, curves, difference_curves

    rng = np.random.default_rng(SEED)
    problems, n = 181, 1024
    results = []
    for _ in range(2):
        votes = [rng.integers(-1, 6, size=n).astype(np.int64) for _ in range(problems)]
        c = np.array([int((v == 0).sum()) for v in votes])
        results.append(ProblemResults(list(range(problems)), np.full(problems, n), c, votes))
    start = time.perf_counter()
    matrices = [curve_matrices(r) for r in results]
    built = time.perf_counter() - start
    start = time.perf_counter()
    for m in matrices:
        curves(m)
    difference_curves(*matrices)
    rest = time.perf_counter() - start
    return [
        f"| per-problem pass@k and maj@k matrices, 2 dumps × {problems} × {n}, every k "
        f"| {built:.1f} |",
        f"| both curves and the difference from those matrices (3 bootstraps) | {rest:.2f} |",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=64, help="samples per problem, timing")
    parser.add_argument("--large", action="store_true", help="time MATH-Beyond-sized matrices")
    parser.add_argument("--write", action="store_true", help="append to BENCHMARKS.md")
    args = parser.parse_args(argv)
    import mathb

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        rates, paired = rate_rows(directory), paired_rows(directory)
        timings = timing_rows(directory, args.samples)
    if args.large:
        timings += large_rows()
    command = "python benches/bench_eval.py" + (f" --samples {args.samples}")
    command += (" --large" if args.large else "") + (" --write" if args.write else "")
    lines = [
        "<!-- bench eval -->",
        "## `mathb eval`: intervals, the paired model − base difference, and their cost",
        "",
        f"- date: {datetime.now(timezone.utc):%a %b %d %H:%M:%S UTC %Y}",
        "- machine: {cpu}, {cores} cores, {ram} RAM, {os}".format(**machine_info()),
        f"- software: Python {sys.version.split()[0]}, mathb {mathb.__version__}",
        f"- command: `{command}`",
        "",
        "Rates of problems on `tests/data/math_beyond_small.csv` (dumps built from its "
        "`_unsolved` columns), 95 %: the percentile bootstrap of before (1,000 resamples, "
        "seed 0) against the Wilson interval of now.",
        "",
        "| comparison | rate | count | bootstrap (before) | Wilson (now) |",
        "| --- | --- | ---: | --- | --- |",
        *rates,
        "",
        "model − base pass@k on two `examples/make_samples.py` dumps (seeds 20240601 and 7, "
        "52 problems × 8), 95 %: the paired bootstrap `mathb eval` reports, the width an "
        "unpaired bootstrap would give, and the two curves' bands added (what reading the "
        "difference off two separate bands amounts to); widths in percentage points.",
        "",
        "| k | difference | paired interval | paired width | unpaired width | bands added |",
        "| --- | ---: | --- | ---: | ---: | ---: |",
        *paired,
        "",
        "| step | seconds |",
        "| --- | ---: |",
        *timings,
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        path = ROOT / "BENCHMARKS.md"
        path.write_text(path.read_text(encoding="utf-8").rstrip() + "\n\n" + text, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
