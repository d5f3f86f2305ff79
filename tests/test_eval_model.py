"""`mathb eval --model / --base-model`: the argument checks, and the whole generate → grade →
metrics flow against a scripted OpenAI-compatible server (no vLLM needed; the real engine's
run is in test_generate.py, marked `vllm`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import read_jsonl
from mathb import cli
from openai_stub import openai_stub

# Four problems; the base (model "base") fails rows 0-2 and solves row 3, the dataset's column
# says the same. The RL model ("rl") solves rows 0 and 3: row 0 on odd seeds only.
TABLE = [
    {"id": f"q{i}", "problem": f"What is {i} + {i}?", "answer": str(2 * i), "topic": topic}
    for i, topic in enumerate(["Algebra", "Algebra", "Geometry", "Geometry"])
]
for row in TABLE:
    row["r1-1.5b_unsolved"] = row["id"] != "q3"


def _reply(model: str, prompt: str, seed: int) -> str:
    i = int(prompt.split()[2])
    solves = {"rl": i == 3 or (i == 0 and seed % 2 == 1), "base": i == 3}[model]
    answer = 2 * i if solves else 2 * i + 1
    return f"Adding gives $\\boxed{{{answer}}}$."


@pytest.fixture
def server() -> Iterator[dict[str, Any]]:
    def script(body: dict[str, Any]) -> str:
        return _reply(body["model"], body["messages"][0]["content"], body["seed"])

    with openai_stub(script) as (url, requests):
        yield {"url": url, "requests": requests}


@pytest.fixture
def table(tmp_path: Path) -> Path:
    path = tmp_path / "table.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in TABLE), encoding="utf-8")
    return path


def _eval(*args: str | Path) -> int:
    return cli.main(["eval", *map(str, args)])


def test_model_against_base_model_through_an_endpoint(
    server: dict[str, Any], table: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run" / "s.json"
    out.parent.mkdir()
    common = ["--dataset", table, "-n", "4", "--endpoint", server["url"], "--resamples", "20"]
    assert _eval("--model", "rl", "--base-model", "base", *common, "-o", out) == 0
    assert len(server["requests"]) == 2 * 4 * 4
    assert {r["temperature"] for r in server["requests"]} == {0.6}
    summary = json.loads(out.read_text())
    assert (summary["model"], summary["base"], summary["problems"]) == ("rl", "base", 4)
    sets = summary["set_metrics"]
    assert (sets["base_solved"], sets["model_solved"]) == (1, 2)
    assert sets["expansion"]["count"] == 1 and sets["preservation"]["count"] == 1
    assert summary["curves"]["k"] == [1, 2, 3, 4]
    assert summary["curves"]["pass_at_k"]["mean"][0] == pytest.approx((0.5 + 1) / 4)
    # maj@k on row 0: wrong, right, wrong, right: 0, 1/2, 0, 1/2
    assert summary["curves"]["maj_at_k"]["mean"][1] == pytest.approx((0.5 + 1) / 4)
    assert summary["generation"]["samples_per_problem"] == 4
    assert summary["generation"]["sampling"]["max_tokens"] == 3072
    for role in ("model", "base"):
        samples = read_jsonl(out.parent / f"s.{role}.samples.jsonl")
        assert len(samples) == 16
        assert {s["model"] for s in samples} == {"rl" if role == "model" else "base"}
        assert len(read_jsonl(out.parent / f"s.{role}.verdicts.jsonl")) == 16
    assert "expansion" in capsys.readouterr().out

    # A rerun samples nothing: it grades and summarizes the files already there.
    server["requests"].clear()
    before = (out.parent / "s.model.samples.jsonl").read_bytes()
    assert _eval("--model", "rl", "--base-model", "base", *common, "-o", out, "-q") == 0
    assert server["requests"] == []
    assert (out.parent / "s.model.samples.jsonl").read_bytes() == before
    assert json.loads(out.read_text())["set_metrics"] == sets

    # More samples per problem extend the files; samples 0-3 stay as they were, and the file
    # stays in problem and sample order.
    assert _eval("--model", "rl", "--base-model", "base", *common[:2], "-n", "6",
                 *common[4:], "-o", out, "-q") == 0  # fmt: skip
    assert len(server["requests"]) == 2 * 4 * 2
    after = (out.parent / "s.model.samples.jsonl").read_bytes().splitlines(keepends=True)
    assert set(before.splitlines(keepends=True)) <= set(after) and len(after) == 24
    order = [(json.loads(x)["problem_id"], json.loads(x)["sample_idx"]) for x in after]
    assert order == [(f"q{i}", j) for i in range(4) for j in range(6)]


def test_model_against_the_dataset_column_with_a_selection(
    server: dict[str, Any], table: Path, tmp_path: Path
) -> None:
    out = tmp_path / "c.json"
    args = ["--model", "rl", "--base-column", "r1-1.5b", "--dataset", table, "-n", "2"]
    args += ["--endpoint", server["url"], "--resamples", "20", "--max-tokens", "64", "-q"]
    assert _eval(*args, "--unsolved-by", "r1-1.5b", "--limit", "2", "-o", out) == 0
    summary = json.loads(out.read_text())
    assert summary["problems"] == 2 and summary["base"] == "r1-1.5b"
    assert summary["set_metrics"]["base_unsolved"] == 2
    assert any("first 2 of 3 selected" in note for note in summary["notes"])
    assert {r["max_tokens"] for r in server["requests"]} == {64}
    ids = {s["problem_id"] for s in read_jsonl(tmp_path / "c.model.samples.jsonl")}
    assert ids == {"q0", "q1"}
    # Other sampling settings on the same files are refused, not mixed in.
    changed = [a if a != "64" else "32" for a in args]
    assert _eval(*changed, "--unsolved-by", "r1-1.5b", "--limit", "2", "-o", out) == 2


def test_model_alone_through_an_endpoint(
    server: dict[str, Any], table: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "alone.json"
    args = ["--model", "rl", "--dataset", table, "-n", "4", "--endpoint", server["url"]]
    assert _eval(*args, "--resamples", "50", "-o", out) == 0
    assert len(server["requests"]) == 4 * 4  # the model only
    assert not (tmp_path / "alone.base.samples.jsonl").exists()
    summary = json.loads(out.read_text())
    assert (summary["model"], summary["base"], summary["problems"]) == ("rl", None, 4)
    assert summary["solved_sets"] == {"solved": ["q0", "q3"], "unsolved": ["q1", "q2"]}
    curve = summary["curves"]["pass_at_k"]
    assert curve["mean"][0] == pytest.approx((0.5 + 1) / 4)
    assert curve["low"][0] < curve["mean"][0] < curve["high"][0]
    printed = capsys.readouterr().out
    assert "solved 2 · unsolved 2" in printed and "vs base" not in printed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--samples", "m.jsonl", "--model", "m", "--base-column", "b"], "not both"),
        ([], "give --samples FILE (the model's dump) or --model M"),
        (["--model", "m", "--base-samples", "b.jsonl"], "need --dataset"),
        (["--samples", "m.jsonl", "--base-model", "b"], "need --dataset"),
        (["--samples", "m.jsonl", "--base-samples", "b.jsonl", "--base-model", "b"], "at most one"),
        (["--model", "m", "--base-column", "b", "--base-model", "b"], "at most one"),
        (["--samples", "m.jsonl", "--base-samples", "b.jsonl", "--limit", "2"], "--limit"),
        (["--samples", "m.jsonl", "--base-samples", "b", "--base-endpoint", "u"], "--base-model"),
    ],
)
def test_usage_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _eval(*args) == 2
    assert message in capsys.readouterr().err


def test_bad_sampling_options_are_usage_errors(
    table: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--model", "m", "--base-column", "r1-1.5b", "--dataset", table, "--endpoint", "u"]
    assert _eval(*args, "--top-p", "0", "-o", tmp_path / "s.json") == 2
    assert "--top-p" in capsys.readouterr().err
    assert _eval(*args, "--prompt-template", "no slot", "-o", tmp_path / "s.json") == 2
    assert "{problem}" in capsys.readouterr().err
    assert not (tmp_path / "s.model.samples.jsonl").exists()
