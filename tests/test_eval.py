"""`mathb eval` and the metrics behind it: Table 2 of MATH-Beyond reproduced from synthetic
dumps through the real grading path, pass@k against exact combinatorics, maj@k, bootstrap."""

from __future__ import annotations

import csv
import json
import math
from fractions import Fraction
from pathlib import Path

import mathb
import numpy as np
import pytest
from conftest import read_jsonl
from evalfixtures import (
    BASE_SOLVED,
    NO_ANSWER,
    SHRUNK,
    TABLE_2,
    Pair,
    correct,
    write_pair_dumps,
    write_pair_table,
    wrong,
)
from mathb.evaluation import EvalConfig, evaluate
from mathb.setmetrics import (
    ProblemResults,
    bootstrap_means,
    curves,
    maj_at_k_matrix,
    pass_at_k_matrix,
    read_verdicts,
    set_metrics,
)

# --------------------------------------------------------------------------- Table 2


def _check_table_2(summary: dict, pair: Pair) -> None:
    expansion = summary["set_metrics"]["expansion"]
    assert (expansion["count"], expansion["of"]) == (pair.newly_solved, pair.base_unsolved)
    assert f"{100 * expansion['rate']:.2f}" == pair.percent
    shrinkage = summary["set_metrics"]["shrinkage"]
    assert (shrinkage["count"], shrinkage["of"]) == (SHRUNK, BASE_SOLVED)
    out_of_reach = summary["set_metrics"]["out_of_reach"]
    assert out_of_reach["count"] == pair.base_unsolved - pair.newly_solved
    low, high = expansion["ci"]
    assert low <= expansion["rate"] <= high


@pytest.mark.parametrize("pair", TABLE_2, ids=lambda p: p.model)
def test_table_2_against_base_dump(pair: Pair, tmp_path: Path) -> None:
    model, base = write_pair_dumps(pair, tmp_path)
    summary = evaluate(EvalConfig(str(model), base_samples=str(base), resamples=200))
    _check_table_2(summary, pair)
    assert summary["problems"] == pair.base_unsolved + BASE_SOLVED


@pytest.mark.parametrize("pair", TABLE_2, ids=lambda p: p.model)
def test_table_2_against_dataset_column(pair: Pair, tmp_path: Path) -> None:
    model, _ = write_pair_dumps(pair, tmp_path)
    table = write_pair_table(pair, tmp_path / "table.csv")
    config = EvalConfig(str(model), base_column=pair.base, dataset=str(table), resamples=200)
    summary = evaluate(config)
    _check_table_2(summary, pair)
    topics = summary["breakdown"]["topic"]
    assert sum(t["newly_solved"] for t in topics.values()) == pair.newly_solved
    assert sum(t["base_unsolved"] for t in topics.values()) == pair.base_unsolved


def test_table_2_cli_and_report(run_mathb, tmp_path: Path) -> None:
    summaries = []
    for pair in TABLE_2:
        model, _ = write_pair_dumps(pair, tmp_path)
        table = write_pair_table(pair, tmp_path / f"{pair.base}.csv")
        out = f"{pair.model}.summary.json"
        result = run_mathb(
            "eval", "--samples", model, "--base-column", pair.base, "--dataset", table, "-o", out
        )
        assert result.returncode == 0, result.stderr
        assert f"{pair.percent}%  ({pair.newly_solved}/{pair.base_unsolved})" in result.stdout
        assert (tmp_path / f"{pair.model}.summary.model.verdicts.jsonl").exists()
        summaries.append(out)
    result = run_mathb("report", *summaries, "-o", "rep")
    assert result.returncode == 0, result.stderr
    markdown = (tmp_path / "rep" / "report.md").read_text()
    for pair in TABLE_2:
        assert f"| {pair.base_unsolved} | {pair.newly_solved} | {pair.percent} % |" in markdown


# --------------------------------------------------------------------------- eval edge cases


def test_eval_subset_and_notes(tmp_path: Path) -> None:
    pair = TABLE_2[3]
    model, _ = write_pair_dumps(pair, tmp_path)
    table = write_pair_table(pair, tmp_path / "table.csv")
    config = EvalConfig(
        str(model),
        base_column=pair.base,
        dataset=str(table),
        unsolved_by=[pair.base],
        resamples=50,
    )
    summary = evaluate(config)
    assert summary["problems"] == pair.base_unsolved
    assert summary["set_metrics"]["base_solved"] == 0
    assert any("outside the selected subset" in n for n in summary["notes"])


def test_eval_dumps_with_partial_overlap(write_jsonl, tmp_path: Path) -> None:
    model = write_jsonl(
        "m.jsonl",
        [{"problem_id": i, "answer": "4", "completion": correct(4)} for i in range(5)],
    )
    base = write_jsonl(
        "b.jsonl",
        [{"problem_id": i, "answer": "4", "completion": wrong(4)} for i in range(2, 8)],
    )
    summary = evaluate(EvalConfig(str(model), base_samples=str(base), resamples=20))
    assert summary["problems"] == 3
    assert summary["set_metrics"]["expansion"]["count"] == 3
    assert "2 only in the model dump, 3 only in the base dump" in summary["notes"][0]


def test_eval_rejects_unknown_dataset_ids(write_jsonl, tmp_path: Path) -> None:
    pair = TABLE_2[0]
    table = write_pair_table(pair, tmp_path / "table.csv")
    model = write_jsonl("m.jsonl", [{"problem_id": "zz", "answer": "1", "completion": "1"}])
    config = EvalConfig(str(model), base_column=pair.base, dataset=str(table))
    with pytest.raises(mathb.InvalidArgumentError, match="not in .*table.csv: 'zz'"):
        evaluate(config)


def test_eval_needs_problem_ids(write_jsonl) -> None:
    model = write_jsonl("m.jsonl", [{"answer": "1", "completion": "1"}])
    with pytest.raises(mathb.InvalidArgumentError, match="--id-field"):
        evaluate(EvalConfig(str(model), base_samples=str(model)))


# --------------------------------------------------------------------------- pass@k


def exact_pass_at_k(n: int, c: int, k: int) -> Fraction:
    return 1 - Fraction(math.comb(n - c, k), math.comb(n, k))


def _results(n: list[int], c: list[int]) -> ProblemResults:
    votes = [np.zeros(x, dtype=np.int64) for x in n]
    return ProblemResults(list(range(len(n))), np.array(n), np.array(c), votes)


def test_pass_at_k_curve_matches_exact_fractions() -> None:
    n = [1, 2, 5, 8, 8, 8, 10, 10]
    c = [0, 1, 2, 0, 3, 8, 1, 9]
    results = _results([10] * 3 + n[-2:], [0, 4, 10] + c[-2:])
    ks = list(range(1, 11))
    matrix = pass_at_k_matrix(results, ks)
    for i in range(len(results.ids)):
        for j, k in enumerate(ks):
            exact = exact_pass_at_k(int(results.n[i]), int(results.c[i]), k)
            assert matrix[i, j] == pytest.approx(float(exact), abs=1e-12)
    for ni, ci in zip(n, c):
        for k in range(1, ni + 1):
            assert mathb.pass_at_k(ni, ci, k) == pytest.approx(
                float(exact_pass_at_k(ni, ci, k)), abs=1e-12
            )


@pytest.mark.parametrize("c", [0, 1, 2, 7, 100, 512, 1023, 1024])
def test_pass_at_k_curve_at_n_1024(c: int) -> None:
    ks = list(range(1, 1025))
    row = pass_at_k_matrix(_results([1024], [c]), ks)[0]
    assert np.all(np.isfinite(row))
    assert np.all(np.diff(row) >= -1e-15)  # monotone in k
    for k in (1, 2, 3, 10, 64, 500, 1000, 1024):
        # Python's int / int is correctly rounded, so the textbook formula is exact here.
        naive = 1 - math.comb(1024 - c, k) / math.comb(1024, k)
        assert row[k - 1] == pytest.approx(naive, rel=1e-12, abs=1e-15)
    assert row[-1] == (1.0 if c else 0.0)


def test_curve_stops_at_the_fewest_samples() -> None:
    out = curves(_results([4, 6], [1, 0]), resamples=10)
    assert out["k"] == [1, 2, 3, 4]
    with pytest.raises(mathb.InvalidArgumentError, match=r"\[1, 4\]"):
        curves(_results([4, 6], [1, 0]), [5])


# --------------------------------------------------------------------------- maj@k


def test_maj_at_k_first_k_samples() -> None:
    gold, none = 0, -1
    votes = [
        [gold, 1, 1, gold, gold],  # leads, loses the lead, ties, wins
        [none, none, 2, gold, 1],  # abstains, wrong, tie 1:1, three-way tie
        [none, none, none, none, none],
    ]
    results = ProblemResults(
        [0, 1, 2],
        np.array([5, 5, 5]),
        np.array([3, 1, 0]),
        [np.array(v, dtype=np.int64) for v in votes],
    )
    got = maj_at_k_matrix(results, [1, 2, 3, 4, 5], first_k=True)
    assert got[0].tolist() == [1.0, 0.5, 0.0, 0.5, 1.0]
    assert got[1].tolist() == pytest.approx([0.0, 0.0, 0.0, 0.5, 1 / 3])
    assert got[2].tolist() == [0.0] * 5


def test_maj_votes_come_from_extracted_answers(write_jsonl, tmp_path: Path) -> None:
    records = [
        {"problem_id": "a", "answer": "12", "completion": c}
        for c in (correct(12), wrong(12, 1), "The total is $\\boxed{ 13 }$.", NO_ANSWER)
    ]
    dump = write_jsonl("d.jsonl", records)
    mathb.grading.grade_file(dump, tmp_path / "v.jsonl")
    results = read_verdicts(tmp_path / "v.jsonl")
    assert results.votes[0].tolist() == [0, 1, 1, -1]  # "13" and " 13 " are one answer
    assert maj_at_k_matrix(results, [1, 3, 4], first_k=True)[0].tolist() == [1.0, 0.0, 0.0]
    # Over all 3-subsets: leaving out the gold → 0, a "13" (2 ways) → a tie, 1/2 each, the
    # no-answer sample → 0: 1/4.
    assert maj_at_k_matrix(results, [1, 3, 4])[0].tolist() == pytest.approx([0.25, 0.25, 0.0])


def test_read_verdicts_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "v.jsonl"
    path.write_text('{"problem_id": 1, "status": "correct"}\n{"status": "correct"}\n')
    with pytest.raises(mathb.InputFileError, match=r"v\.jsonl:2: not a verdict line"):
        read_verdicts(path)


# --------------------------------------------------------------------------- bootstrap


def test_bootstrap_is_seeded_and_brackets_the_mean() -> None:
    values = np.random.default_rng(1).random((50, 3))
    first = bootstrap_means(values, resamples=300, seed=7)
    again = bootstrap_means(values, resamples=300, seed=7)
    other = bootstrap_means(values, resamples=300, seed=8)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[1], other[1])
    mean, low, high = first
    assert np.allclose(mean, values.mean(axis=0))
    assert np.all(low <= mean) and np.all(mean <= high)
    narrow = bootstrap_means(values, resamples=300, seed=7, level=0.5)
    assert np.all(narrow[2] - narrow[1] < high - low)


def test_set_metrics_cells() -> None:
    model = np.array([1, 1, 0, 0, 1, 0], dtype=bool)
    base = np.array([0, 0, 0, 1, 1, 1], dtype=bool)
    out = set_metrics(model, base)
    assert (out["expansion"]["count"], out["expansion"]["of"]) == (2, 3)
    assert (out["out_of_reach"]["count"], out["shrinkage"]["count"]) == (1, 2)
    assert out["preservation"]["rate"] == pytest.approx(1 / 3)
    assert out["solved"]["model"]["count"] == out["solved"]["base"]["count"] == 3
    change = out["solved_difference"]
    assert (change["newly_solved"], change["lost"], change["value"]) == (2, 2, 0.0)
    none_failed = set_metrics(model, np.ones(6, dtype=bool))
    assert none_failed["expansion"] == {"count": 0, "of": 0, "rate": None, "ci": None}


# --------------------------------------------------------------------------- CLI


def test_cli_eval_against_base_dump(run_mathb, tmp_path: Path) -> None:
    model, base = write_pair_dumps(TABLE_2[2], tmp_path)
    result = run_mathb(
        "eval", "--samples", model, "--base-samples", base, "-k", "1", "2", "--resamples", "50"
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["curves"]["k"] == [1, 2]
    assert summary["base_curves"]["pass_at_k"]["mean"][0] == pytest.approx(0.5 * 30 / 129)
    assert "21.21%  (21/99)" in result.stdout and "maj@2" in result.stdout
    # The base's pass@k is printed under the model's.
    base_line = next(line for line in result.stdout.splitlines() if "base pass@1" in line)
    assert f"{100 * 0.5 * 30 / 129:.2f}%" in base_line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--samples", "m.jsonl", "--model", "some/model"], "not both"),
        (["--samples", "m.jsonl", "--base-samples", "m.jsonl", "--base-model", "b"], "at most one"),
        (["--samples", "m.jsonl", "--base-name", "b"], "--base-name names a base"),
        (["--samples", "m.jsonl", "--base-column", "r1-7b"], "needs --dataset"),
        (["--base-samples", "m.jsonl"], "give --samples FILE"),
    ],
)
def test_cli_eval_usage_errors(run_mathb, args: list[str], message: str) -> None:
    result = run_mathb("eval", *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_cli_eval_missing_column(run_mathb, tmp_path: Path) -> None:
    model, _ = write_pair_dumps(TABLE_2[0], tmp_path)
    table = write_pair_table(TABLE_2[0], tmp_path / "t.csv")
    result = run_mathb("eval", "--samples", model, "--base-column", "r1-7b", "--dataset", table)
    assert result.returncode == 2
    assert "has no model 'r1-7b'; models: qwen3-4b-base" in result.stderr


def _dump_from_table(rows: list[dict[str, str]], model: str, path: Path) -> Path:
    """Two samples per row of the table, one of them correct where `model` solved the row."""
    lines = []
    for i, row in enumerate(rows):
        gold = int(row["answer"])
        solved = row[f"{model}_unsolved"] == "False"
        for text in (wrong(gold), correct(gold) if solved else NO_ANSWER):
            lines.append({"problem_id": i, "answer": str(gold), "completion": text})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    return path


def test_cli_eval_on_the_fixture_table(run_mathb, data_dir: Path, tmp_path: Path) -> None:
    table = data_dir / "math_beyond_small.csv"
    with table.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # Same file name in two folders: the verdicts files must not collide.
    model = _dump_from_table(rows, "qwen3-4b", tmp_path / "rl" / "samples.jsonl")
    base = _dump_from_table(rows, "qwen3-4b-base", tmp_path / "base" / "samples.jsonl")
    fails = [r["qwen3-4b-base_unsolved"] == "True" for r in rows]
    newly = sum(f and r["qwen3-4b_unsolved"] == "False" for f, r in zip(fails, rows))
    common = ["--samples", model, "--dataset", table, "--resamples", "50", "-q"]
    by_column = run_mathb("eval", *common, "--base-column", "qwen3-4b-base", "-o", "c.json")
    by_dump = run_mathb("eval", *common, "--base-samples", base, "-o", "d.json")
    assert by_column.returncode == by_dump.returncode == 0, by_column.stderr + by_dump.stderr
    summaries = [json.loads((tmp_path / name).read_text()) for name in ("c.json", "d.json")]
    for summary in summaries:
        assert summary["set_metrics"]["expansion"]["count"] == newly
        assert summary["set_metrics"]["expansion"]["of"] == sum(fails)
        assert set(summary["breakdown"]["topic"]) == {r["topic"] for r in rows}
        assert sum(t["problems"] for t in summary["breakdown"]["difficulty"].values()) == 40
    assert summaries[0]["set_metrics"] == summaries[1]["set_metrics"]
    assert len(read_jsonl(tmp_path / "d.model.verdicts.jsonl")) == 80
    assert len(read_jsonl(tmp_path / "d.base.verdicts.jsonl")) == 80

    math_b_i = run_mathb(
        "eval", *common, "--base-column", "r1-1.5b", "--subset", "math-b-i", "-o", "i.json"
    )
    assert math_b_i.returncode == 0, math_b_i.stderr
    summary = json.loads((tmp_path / "i.json").read_text())
    both = sum(f and r["r1-1.5b_unsolved"] == "True" for f, r in zip(fails, rows))
    assert summary["problems"] == summary["set_metrics"]["base_unsolved"] == both
    assert summary["subset"] == {"subset": "math-b-i", "unsolved_by": []}


# --------------------------------------------------------------------------- solved sets


def test_solved_sets_list_the_problem_ids(run_mathb, tmp_path: Path) -> None:
    pair = TABLE_2[3]
    model, base = write_pair_dumps(pair, tmp_path)
    result = run_mathb("eval", "--samples", model, "--base-samples", base, "-o", "s.json")
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "s.json").read_text())
    unsolved, total = pair.base_unsolved, pair.base_unsolved + BASE_SOLVED
    # write_pair_dumps: the model solves the first newly_solved base failures and loses the
    # first SHRUNK base-solved rows.
    assert summary["solved_sets"] == {
        "both": list(range(unsolved + SHRUNK, total)),
        "newly_solved": list(range(pair.newly_solved)),
        "lost": list(range(unsolved, unsolved + SHRUNK)),
        "neither": list(range(pair.newly_solved, unsolved)),
    }
    both = BASE_SOLVED - SHRUNK
    neither = unsolved - pair.newly_solved
    counts = f"both {both} · newly solved {pair.newly_solved} · lost {SHRUNK} · neither {neither}"
    assert counts in result.stdout
    change = summary["set_metrics"]["solved_difference"]
    assert change["value"] == pytest.approx((pair.newly_solved - SHRUNK) / total)
    assert f"({pair.newly_solved} newly solved − {SHRUNK} lost, of {total}" in result.stdout
    assert summary["difference_curves"]["k"] == summary["curves"]["k"]


def test_solved_sets_against_a_dataset_column(tmp_path: Path) -> None:
    pair = TABLE_2[0]
    model, _ = write_pair_dumps(pair, tmp_path)
    table = write_pair_table(pair, tmp_path / "t.csv")
    config = EvalConfig(str(model), base_column=pair.base, dataset=str(table), resamples=20)
    summary = evaluate(config)
    sets = summary["solved_sets"]
    assert sets["newly_solved"] == list(range(pair.newly_solved))
    assert len(sets["both"]) == BASE_SOLVED - SHRUNK
    # A column has no curve: no base curves, no difference curves.
    assert summary["base_curves"] is None and summary["difference_curves"] is None


# --------------------------------------------------------------------------- a model alone


def test_eval_of_a_single_model(run_mathb, tmp_path: Path) -> None:
    pair = TABLE_2[1]
    model, _ = write_pair_dumps(pair, tmp_path, samples=8)
    table = write_pair_table(pair, tmp_path / "t.csv")
    result = run_mathb("eval", "--samples", model, "--dataset", table, "--resamples", "200")
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["base"] is None and summary["base_curves"] is None
    assert summary["curves"]["k"] == list(range(1, 9))
    for name in ("pass_at_k", "maj_at_k"):
        curve = summary["curves"][name]
        assert all(lo <= m <= hi for lo, m, hi in zip(curve["low"], curve["mean"], curve["high"]))
        assert curve["high"][0] > curve["low"][0]
    solved = pair.newly_solved + BASE_SOLVED - SHRUNK
    problems = pair.base_unsolved + BASE_SOLVED
    assert summary["set_metrics"]["solved"]["model"]["count"] == solved
    assert summary["solved_sets"]["solved"] == sorted(
        list(range(pair.newly_solved)) + list(range(pair.base_unsolved + SHRUNK, problems))
    )
    # pass@1: one correct sample of 8 on every solved problem.
    assert summary["curves"]["pass_at_k"]["mean"][0] == pytest.approx(solved / 8 / problems)
    topic = next(iter(summary["breakdown"]["topic"].values()))
    assert set(topic) == {"problems", "pass_at_1", "solved"}
    lines = result.stdout.splitlines()
    assert "vs base" not in result.stdout and "base pass@" not in result.stdout
    assert any(line.split()[:1] == ["pass@8"] and "[" in line for line in lines)
    assert f"solved {solved} · unsolved {problems - solved}" in result.stdout
    assert "expansion" not in result.stdout
    # The report draws it: curves and the solved bar (no topic panel without a base).
    pytest.importorskip("matplotlib")
    report = run_mathb("report", "summary.json", "-o", "r")
    assert report.returncode == 0, report.stderr
    assert f"| {solved} solved / {problems - solved} unsolved |" in report.stdout
    assert (tmp_path / "r" / "report.png").stat().st_size > 10_000
