"""Reviewing verdicts: the extraction method on every line, the gold and completion when
asked, `--only` some lines, and `--compare-field` against the dump's previous grader (CLI
through a subprocess, `grade_file` directly)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import mathb
import pytest

ROWS: list[dict[str, Any]] = [
    {"problem_id": "a", "sample_idx": 0, "answer": "4", "completion": "so \\boxed{4}", "em": 0},
    {"problem_id": "a", "sample_idx": 1, "answer": "4", "completion": "The answer is 5", "em": 1},
    {"problem_id": "b", "sample_idx": 0, "answer": "1/2", "completion": "\\boxed{0.5}", "em": 1},
    {"problem_id": "b", "sample_idx": 1, "answer": "1/2", "completion": "no idea", "em": 0},
    {"problem_id": "b", "sample_idx": 2, "answer": "1/2", "completion": "\\boxed{3}", "em": "n/a"},
]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_every_line_names_its_extraction_method(run_mathb, write_jsonl, tmp_path: Path) -> None:
    result = run_mathb("grade", write_jsonl("d.jsonl", ROWS), "-o", tmp_path / "v.jsonl")
    assert result.returncode == 0, result.stderr
    verdicts = read_jsonl(tmp_path / "v.jsonl")
    assert [v["method"] for v in verdicts] == ["boxed", "anchor", "boxed", None, "boxed"]
    assert all("gold" not in v and "completion" not in v for v in verdicts)


def test_with_gold_and_with_completion(run_mathb, write_jsonl, tmp_path: Path) -> None:
    src = write_jsonl("d.jsonl", ROWS)
    result = run_mathb("grade", src, "-o", tmp_path / "v.jsonl", "--with-gold", "--with-completion")
    assert result.returncode == 0, result.stderr
    verdicts = read_jsonl(tmp_path / "v.jsonl")
    assert [v["gold"] for v in verdicts] == [r["answer"] for r in ROWS]
    assert [v["completion"] for v in verdicts] == [r["completion"] for r in ROWS]


def test_only_writes_some_lines_and_counts_all(run_mathb, write_jsonl, tmp_path: Path) -> None:
    src = write_jsonl("d.jsonl", ROWS)
    result = run_mathb(
        "grade", src, "-o", tmp_path / "v.jsonl", "--only", "incorrect,no_answer", "--json"
    )
    assert result.returncode == 0, result.stderr
    verdicts = read_jsonl(tmp_path / "v.jsonl")
    assert [(v["problem_id"], v["sample_idx"]) for v in verdicts] == [("a", 1), ("b", 1), ("b", 2)]
    summary = json.loads(result.stdout)
    assert summary["samples"] == 5 and summary["counts"]["correct"] == 2
    assert summary["only"] == ["incorrect", "no_answer"]


def test_only_is_refused_with_resume_and_unknown_kinds(
    run_mathb, write_jsonl, tmp_path: Path
) -> None:
    src = write_jsonl("d.jsonl", ROWS)
    result = run_mathb("grade", src, "-o", tmp_path / "v.jsonl", "--only", "wrong")
    assert result.returncode == 2
    assert "no_answer" in result.stderr and "usage: mathb grade" in result.stderr
    result = run_mathb("grade", src, "-o", tmp_path / "v.jsonl", "--only", "correct", "--resume")
    assert result.returncode == 2 and "--resume" in result.stderr
    with pytest.raises(mathb.InvalidArgumentError, match="resume"):
        mathb.grade_file(src, tmp_path / "w.jsonl", only=["correct"], resume=True)


def test_compare_field_prints_agreement_and_writes_disagreements(
    run_mathb, write_jsonl, tmp_path: Path
) -> None:
    src = write_jsonl("d.jsonl", ROWS)
    result = run_mathb("grade", src, "-o", tmp_path / "v.jsonl", "--compare-field", "em")
    assert result.returncode == 0, result.stderr
    assert "vs em" in result.stdout and "50.00%  (2/4 samples)" in result.stdout
    verdicts = read_jsonl(tmp_path / "v.jsonl")
    assert [v["previous"] for v in verdicts] == [False, True, True, False, None]
    apart = read_jsonl(tmp_path / "v.disagreements.jsonl")
    assert [(v["problem_id"], v["sample_idx"]) for v in apart] == [("a", 0), ("a", 1)]
    assert apart == [verdicts[0], verdicts[1]]
    same = ("-o", tmp_path / "v.jsonl", "--disagreements", tmp_path / "v.jsonl")
    result = run_mathb("grade", src, "--compare-field", "em", *same)
    assert result.returncode == 2 and "same file" in result.stderr
    result = run_mathb("grade", src, "--disagreements", tmp_path / "x.jsonl")
    assert result.returncode == 2 and "--disagreements needs --compare-field" in result.stderr


def test_compare_field_in_the_summary(write_jsonl, tmp_path: Path) -> None:
    src = write_jsonl("d.jsonl", ROWS)
    with pytest.raises(mathb.InvalidArgumentError, match="input file"):
        mathb.grade_file(src, compare_field="em", disagreements=src)
    summary = mathb.grade_file(
        src, tmp_path / "v.jsonl", compare_field="em", disagreements=tmp_path / "apart.jsonl"
    )
    found = summary["comparison"]
    assert found["field"] == "em" and found["compared"] == 4 and found["missing"] == 1
    assert (found["only_previous"], found["only_mathb"]) == (1, 1)
    assert found["agreement"] == 0.5
    assert len(read_jsonl(tmp_path / "apart.jsonl")) == 2


def batch_results(tmp_path: Path) -> Path:
    """vLLM batch results of one request per sample (`q1#0`, `q1#1`, …), in reverse order."""
    rows = []
    for problem, gold in (("q1", "4"), ("q2", "7")):
        for s in range(3):
            answer = gold if s != 1 else "0"
            body = {"choices": [{"message": {"content": f"\\boxed{{{answer}}}"}}]}
            rows.append({"custom_id": f"{problem}#{s}", "response": {"body": body}})
    path = tmp_path / "results.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in reversed(rows)))
    return path


def test_id_pattern_groups_per_sample_requests(run_mathb, tmp_path: Path) -> None:
    results = batch_results(tmp_path)
    answers = tmp_path / "answers.jsonl"
    answers.write_text('{"custom_id": "q1", "answer": "4"}\n{"custom_id": "q2", "answer": "7"}\n')
    out = tmp_path / "v.jsonl"
    args = ("grade", results, "--answers", answers, "-o", out, "--json")
    result = run_mathb(*args, "--id-pattern", "{problem}#{sample}")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["problems"], summary["samples"]) == (2, 6)
    assert summary["pass_at_k"]["1"] == pytest.approx(4 / 6)
    got = [(v["problem_id"], v["sample_idx"], v["status"]) for v in read_jsonl(out)]
    assert got[:3] == [("q2", 2, "correct"), ("q2", 1, "incorrect"), ("q2", 0, "correct")]
    # Without the pattern, the per-sample ids are not in the answers table.
    assert run_mathb(*args).returncode == 2


def test_id_pattern_errors_name_the_pattern_and_line(run_mathb, tmp_path: Path) -> None:
    results = batch_results(tmp_path)
    answers = tmp_path / "answers.jsonl"
    answers.write_text('{"custom_id": "q1", "answer": "4"}\n')
    base = ("grade", results, "--answers", answers, "-o", tmp_path / "v.jsonl")
    result = run_mathb(*base, "--id-pattern", "{problem}")
    assert result.returncode == 2 and "{sample}" in result.stderr
    result = run_mathb(*base, "--id-pattern", "{problem}_{sample}")
    assert result.returncode == 2
    assert 'results.jsonl:1: error[E006] problem id "q2#2" does not fit' in result.stderr


def test_review_options_change_no_number_and_order_changes_none(write_jsonl) -> None:
    plain = mathb.grade_file(write_jsonl("d.jsonl", ROWS))
    shuffled = write_jsonl("s.jsonl", [ROWS[i] for i in (3, 0, 4, 2, 1)])
    reviewed = mathb.grade_file(
        shuffled, only="incorrect", compare_field="em", with_gold=True, with_completion=True
    )
    again = mathb.grade_file(write_jsonl("d2.jsonl", ROWS), compare_field="em")
    for key in ("samples", "problems", "accuracy", "pass_at_k", "maj_at_k", "counts"):
        assert reviewed[key] == plain[key], key
    assert reviewed["comparison"] == again["comparison"]


def test_a_partial_file_of_some_lines_is_not_resumed(write_jsonl, tmp_path: Path) -> None:
    src = write_jsonl("d.jsonl", ROWS)
    out = tmp_path / "v.jsonl"

    def stop(samples: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        mathb.grade_file(src, out, only="incorrect", progress=stop)
    assert (tmp_path / "v.jsonl.partial").exists()
    with pytest.raises(mathb.InvalidArgumentError, match="only differ"):
        mathb.grade_file(src, out, resume=True)
