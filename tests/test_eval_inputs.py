"""`mathb eval` with dumps: the models named from the dumps' `model` field, and the options
that only apply to sampling refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def write_dump(path: Path, model: str | None, solved_per_problem: int) -> Path:
    rows = []
    for p in range(4):
        for s in range(4):
            right = s < solved_per_problem and p % 2 == 0
            row = {
                "problem_id": f"p{p}",
                "sample_idx": s,
                "answer": str(p),
                "completion": f"\\boxed{{{p if right else 99}}}",
            }
            if model is not None:
                row["model"] = model
            rows.append(row)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_model_names_come_from_the_dumps(run_mathb, tmp_path: Path) -> None:
    model = write_dump(tmp_path / "rl.jsonl", "org/RL-7B", 2)
    base = write_dump(tmp_path / "base.jsonl", "org/Base-7B", 1)
    result = run_mathb("eval", "--samples", model, "--base-samples", base, "-o", "s.json")
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "s.json").read_text())
    assert (summary["model"], summary["base"]) == ("org/RL-7B", "org/Base-7B")
    assert "org/RL-7B  vs base org/Base-7B" in result.stdout
    # --name still wins; a dump without the field is named after its file.
    plain = write_dump(tmp_path / "plain.jsonl", None, 1)
    result = run_mathb(
        "eval", "--samples", model, "--base-samples", plain, "--name", "mine", "-o", "t.json"
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "t.json").read_text())
    assert (summary["model"], summary["base"]) == ("mine", "plain")


@pytest.mark.parametrize(
    "option",
    [["--temperature", "0.2"], ["-n", "4"], ["--endpoint", "http://x/v1"], ["--dtype", "half"]],
)
def test_sampling_options_are_refused_with_dumps(run_mathb, tmp_path: Path, option) -> None:
    model = write_dump(tmp_path / "rl.jsonl", None, 2)
    base = write_dump(tmp_path / "base.jsonl", None, 1)
    result = run_mathb("eval", "--samples", model, "--base-samples", base, *option)
    assert result.returncode == 2
    assert "only for sampling a model" in result.stderr
    assert not (tmp_path / "summary.json").exists()


def test_bootstrap_seed_is_named_so(run_mathb, tmp_path: Path) -> None:
    model = write_dump(tmp_path / "rl.jsonl", None, 2)
    base = write_dump(tmp_path / "base.jsonl", None, 1)
    args = ("eval", "--samples", model, "--base-samples", base, "-q", "--bootstrap-seed")
    assert run_mathb(*args, "7", "-o", "a.json").returncode == 0
    assert json.loads((tmp_path / "a.json").read_text())["bootstrap"]["seed"] == 7
