"""Gold self-check: golds the grader cannot read are listed by `mathb check-golds` and before
`mathb eval` runs, never left to score a silent 0."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from mathb.goldcheck import check_golds, read_golds
from test_eval import _dump_from_table


def test_readable_golds_pass_and_unreadable_ones_are_listed() -> None:
    golds = [
        "3",
        "\\frac12",
        "x^2+1",
        "(1, 2)",
        "[0, 1)",
        "\\text{(B)}",
        "The area is $\\boxed{5}$.",
        "",  # empty: nothing to compare
        "$\\boxed{35 cm} ++++++ \\boxed{4}$",  # two boxes that are not one answer
    ]
    failed = check_golds(golds, [f"p{i}" for i in range(len(golds))])
    assert [f.problem_id for f in failed] == ["p7", "p8"]
    assert failed[0].itself[0] != "correct" and failed[0].boxed is not None
    # A worked solution is graded as a completion and gets no \boxed check.
    assert failed[1].boxed is None


def test_read_golds_finds_the_column_and_ids(tmp_path: Path, data_dir: Path) -> None:
    ids, golds, column = read_golds(data_dir / "math_beyond_small.csv")
    assert column == "answer" and len(golds) == len(ids) == 40
    table = tmp_path / "t.jsonl"
    table.write_text('{"id": "a", "expected_answer": "5"}\n{"id": "b", "expected_answer": ""}\n')
    assert read_golds(table) == (["a", "b"], ["5", ""], "expected_answer")


def test_cli_check_golds(run_mathb, tmp_path: Path, data_dir: Path) -> None:
    ok = run_mathb("check-golds", data_dir / "math_beyond_small.csv")
    assert ok.returncode == 0 and "all 40 golds" in ok.stdout
    table = tmp_path / "t.jsonl"
    table.write_text('{"id": "a", "gold": "5"}\n{"id": "b", "gold": ""}\n')
    bad = run_mathb("check-golds", table, "--json")
    assert bad.returncode == 1
    result = json.loads(bad.stdout)
    assert result["golds"] == 2 and [f["problem_id"] for f in result["failed"]] == ["b"]
    missing = run_mathb("check-golds", table, "--answer-column", "nope")
    assert missing.returncode == 2 and "--answer-column" in missing.stderr


def test_eval_lists_unreadable_golds_before_it_runs(
    run_mathb, tmp_path: Path, data_dir: Path
) -> None:
    with (data_dir / "math_beyond_small.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    model = _dump_from_table(rows, "qwen3-4b", tmp_path / "samples.jsonl")
    rows[3]["answer"] = ""
    table = tmp_path / "table.csv"
    with table.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    ident = rows[3].get("problem_id", rows[3].get("id", 3))
    args = ["--samples", model, "--dataset", table, "--base-column", "qwen3-4b-base"]
    result = run_mathb("eval", *args, "--resamples", "20", "-q", "-o", "s.json")
    assert result.returncode == 0, result.stderr
    assert "warning:" in result.stderr and "1 of 40 golds" in result.stderr
    summary = json.loads((tmp_path / "s.json").read_text())
    assert [str(g["problem_id"]) for g in summary["gold_check"]] == [str(ident)]
    assert any("do not grade correct" in n for n in summary["notes"])
