"""`mathb grade` verdicts that join back to the dump: the record's own `sample_idx`, the file
of each line in multi-file runs, duplicates reported and counted once, and summaries that do
not depend on the order of the lines."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from mathb.setmetrics import read_verdicts


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def samples(problems: int = 5, per_problem: int = 8) -> list[dict[str, Any]]:
    """Records with their own sample_idx; answers vary so that pass@k and maj@k are neither
    0 nor 1, with ties in the votes."""
    rows = []
    for p in range(problems):
        for s in range(per_problem):
            answer = [str(p), str(p + 1), str(p + 2)][(s * (p + 1)) % 3]
            rows.append(
                {
                    "problem_id": f"p{p}",
                    "sample_idx": s,
                    "answer": str(p),
                    "completion": f"so \\boxed{{{answer}}}" if s % 5 else "no idea",
                }
            )
    return rows


def test_verdicts_echo_the_records_sample_idx(run_mathb, write_jsonl, tmp_path: Path) -> None:
    rows = [
        {"problem_id": "a", "sample_idx": 3, "answer": "1", "completion": "\\boxed{1}"},
        {"problem_id": "a", "sample_idx": 0, "answer": "1", "completion": "\\boxed{2}"},
        {"problem_id": 7, "sample_idx": 12, "answer": "1", "completion": "\\boxed{1}"},
    ]
    src = write_jsonl("d.jsonl", rows)
    result = run_mathb("grade", src, "-o", tmp_path / "v.jsonl")
    assert result.returncode == 0, result.stderr
    verdicts = read_jsonl(tmp_path / "v.jsonl")
    got = [(v["problem_id"], v["sample_idx"], v["status"]) for v in verdicts]
    assert got == [("a", 3, "correct"), ("a", 0, "incorrect"), (7, 12, "correct")]
    assert all("file" not in v for v in verdicts)  # one plain file: no file field


def test_without_sample_idx_the_position_in_the_problem(run_mathb, write_jsonl, tmp_path) -> None:
    rows = [{"problem_id": p, "answer": "1", "completion": "\\boxed{1}"} for p in "abab"]
    result = run_mathb("grade", write_jsonl("d.jsonl", rows), "-o", tmp_path / "v.jsonl")
    assert result.returncode == 0, result.stderr
    assert [v["sample_idx"] for v in read_jsonl(tmp_path / "v.jsonl")] == [0, 0, 1, 1]


def test_several_files_name_their_file_and_count_lines_per_file(
    run_mathb, write_jsonl, tmp_path: Path
) -> None:
    rows = samples(2, 2)
    a = write_jsonl("a.jsonl", rows[:2])
    b = write_jsonl("b.jsonl", rows[2:])
    result = run_mathb("grade", a, b, "-o", "v.jsonl", "--summary", "s.json")
    assert result.returncode == 0, result.stderr
    verdicts = read_jsonl(tmp_path / "v.jsonl")
    assert [(Path(v["file"]).name, v["line"]) for v in verdicts] == [
        ("a.jsonl", 1),
        ("a.jsonl", 2),
        ("b.jsonl", 1),
        ("b.jsonl", 2),
    ]
    summary = json.loads((tmp_path / "s.json").read_text())
    assert (summary["samples"], summary["problems"]) == (4, 2)
    # The same samples as one file grade the same.
    one = write_jsonl("one.jsonl", rows)
    assert run_mathb("grade", one, "-o", "v1.jsonl", "--summary", "s1.json").returncode == 0
    alone = json.loads((tmp_path / "s1.json").read_text())
    for key in ("samples", "problems", "accuracy", "pass_at_k", "maj_at_k", "counts"):
        assert summary[key] == alone[key], key


def test_a_directory_names_the_file_of_each_line(run_mathb, write_jsonl, tmp_path: Path) -> None:
    (tmp_path / "shards").mkdir()
    write_jsonl("shards/a.jsonl", samples(1, 2))
    result = run_mathb("grade", tmp_path / "shards", "-o", "v.jsonl")
    assert result.returncode == 0, result.stderr
    assert {Path(v["file"]).name for v in read_jsonl(tmp_path / "v.jsonl")} == {"a.jsonl"}


def test_duplicate_is_reported_and_counted_once(run_mathb, write_jsonl, tmp_path: Path) -> None:
    rows = samples(3, 4)
    a = write_jsonl("a.jsonl", rows)
    # A rerun appended: one sample again, answered differently.
    again = dict(rows[5], completion="\\boxed{999}")
    b = write_jsonl("b.jsonl", [again])
    result = run_mathb("grade", a, b, "-o", "v.jsonl", "--summary", "s.json")
    assert result.returncode == 0, result.stderr
    assert "duplicate sample" in result.stderr
    assert f'b.jsonl:1 repeats problem "p1" sample_idx 1 of {a}:6' in result.stderr
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["samples"] == 12
    assert summary["duplicates"]["count"] == 1 and summary["duplicates"]["policy"] == "first"
    verdicts = read_jsonl(tmp_path / "v.jsonl")
    assert len(verdicts) == 13  # every line still has its verdict
    assert verdicts[-1]["duplicate"] is True and "duplicate" not in verdicts[5]
    # `mathb eval` reads the verdicts file and counts the sample once too.
    results = read_verdicts(tmp_path / "v.jsonl")
    assert int(results.n.sum()) == 12 and int(results.c.sum()) == summary["counts"]["correct"]
    # Without the duplicate file, the same summary.
    assert run_mathb("grade", a, "-o", "v1.jsonl", "--summary", "s1.json").returncode == 0
    alone = json.loads((tmp_path / "s1.json").read_text())
    for key in ("samples", "problems", "accuracy", "pass_at_k", "maj_at_k", "counts"):
        assert summary[key] == alone[key], key


def test_duplicates_keep_and_error(run_mathb, write_jsonl, tmp_path: Path) -> None:
    rows = samples(2, 2)
    src = write_jsonl("d.jsonl", [*rows, rows[0]])
    kept = run_mathb("grade", src, "-o", "v.jsonl", "--json", "--duplicates", "keep")
    assert kept.returncode == 0, kept.stderr
    summary = json.loads(kept.stdout)
    assert summary["samples"] == 5 and summary["duplicates"]["count"] == 1
    refused = run_mathb("grade", src, "-o", "v.jsonl", "--duplicates", "error")
    assert refused.returncode == 2
    assert "error[E011]" in refused.stderr and f"{src}:5" in refused.stderr
    assert f"{src}:1" in refused.stderr


def test_shuffled_lines_give_the_same_summary(run_mathb, write_jsonl, tmp_path: Path) -> None:
    rows = samples(6, 8)
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    assert shuffled != rows
    ordered = write_jsonl("ordered.jsonl", rows)
    mixed = write_jsonl("mixed.jsonl", shuffled)
    summaries = []
    for src in (ordered, mixed):
        result = run_mathb("grade", src, "-o", f"{src.stem}.v.jsonl", "--json", "--no-fallback")
        assert result.returncode == 0, result.stderr
        summary = json.loads(result.stdout)
        summary.pop("input")  # the file's name, not its content
        summaries.append(summary)
    assert 0 < summaries[0]["maj_at_k"]["4"] < 1 and 0 < summaries[0]["pass_at_k"]["2"] < 1
    assert summaries[0] == summaries[1]


@pytest.mark.parametrize("policy", ["first", "keep"])
def test_resume_checks_the_echoed_fields(run_mathb, write_jsonl, tmp_path: Path, policy) -> None:
    rows = samples(2, 3)
    a = write_jsonl("a.jsonl", rows)
    b = write_jsonl("b.jsonl", [rows[0]])
    args = ("grade", a, b, "-o", "v.jsonl", "--duplicates", policy, "--summary", "s.json")
    assert run_mathb(*args).returncode == 0
    full = (tmp_path / "v.jsonl").read_text()
    summary = (tmp_path / "s.json").read_text()
    # Interrupted after three lines: the resumed run ends the same.
    (tmp_path / "v.jsonl").rename(tmp_path / "v.jsonl.partial")
    lines = full.splitlines(keepends=True)
    (tmp_path / "v.jsonl.partial").write_text("".join(lines[:3]))
    resumed = run_mathb(*args, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert (tmp_path / "v.jsonl").read_text() == full
    assert (tmp_path / "s.json").read_text() == summary


def test_no_votes_for_the_gold_is_zero_not_minus_zero(run_mathb, write_jsonl) -> None:
    rows = [{"problem_id": "p", "answer": "1", "completion": "\\boxed{2}"}] * 2
    result = run_mathb("grade", write_jsonl("d.jsonl", rows), "-o", "v.jsonl", "--json")
    assert result.returncode == 0, result.stderr
    assert '"1": 0.0' in result.stdout and "-0.0" not in result.stdout
