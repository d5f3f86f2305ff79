"""maj@k has one definition, the core's: the streaming summary of `mathb grade` and the curves
of `mathb eval` (verdict file → `maj_at_k_matrix`) agree on the same verdicts, before and after
the sympy fallback settles undecided ones."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from mathb import _core
from mathb.grading import grade_file
from mathb.setmetrics import maj_at_k_matrix, read_verdicts

# Gold "1/2": correct in three spellings, two wrong answers in several spellings, one
# undecided answer and one without an answer.
COMPLETIONS = [
    "so $\\boxed{\\frac{1}{2}}$",
    "so $\\boxed{0.5}$",
    "so $\\boxed{\\dfrac12}$",
    "so $\\boxed{\\frac{1}{3}}$",
    "so $\\boxed{\\tfrac { 1 } { 3 }}$",
    "so $\\boxed{2}$",
    "so $\\boxed{ 2 }$",
    "so $\\boxed{\\sin^2 x}$",
    "I give up.",
]


def _powers_of_two(n: int) -> list[int]:
    return [1 << i for i in range(n.bit_length())]


def _eval_path_means(verdicts: Path) -> dict[str, float]:
    results = read_verdicts(verdicts)
    ks = _powers_of_two(int(results.n.min()))
    means = maj_at_k_matrix(results, ks).mean(axis=0)
    return {str(k): float(m) for k, m in zip(ks, means)}


def _random_dump(path: Path, seed: int) -> Path:
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for p in range(12):
        weights = [rng.random() for _ in COMPLETIONS]
        for _ in range(rng.choice([4, 8, 9, 16])):
            text = rng.choices(COMPLETIONS, weights)[0]
            rows.append({"problem_id": f"p{p}", "answer": "\\frac{1}{2}", "completion": text})
    rng.shuffle(rows)  # problems interleave; each one's sample order is its input order
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stream_summary_and_eval_curves_agree(tmp_path: Path, seed: int) -> None:
    dump = _random_dump(tmp_path / "d.jsonl", seed)
    summary = grade_file(dump, tmp_path / "v.jsonl", fallback=False)
    assert summary["maj_at_k"] == pytest.approx(_eval_path_means(tmp_path / "v.jsonl"))
    assert len(summary["maj_at_k"]) >= 3


def test_one_problem_by_hand(tmp_path: Path) -> None:
    texts = [COMPLETIONS[i] for i in (3, 0, 4, 1, 5, 6, 8, 2)]
    rows = [{"problem_id": 7, "answer": "\\frac{1}{2}", "completion": t} for t in texts]
    dump = tmp_path / "d.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    summary = grade_file(dump, tmp_path / "v.jsonl", fallback=False)
    # k=1: 1/3 alone; k=2: tie gold–1/3; k=4: gold 2 vs 1/3 2, tie; k=8: gold 3, 1/3 x2, 2 x2
    assert summary["maj_at_k"] == {"1": 0.0, "2": 0.5, "4": 0.5, "8": 1.0}
    assert _eval_path_means(tmp_path / "v.jsonl") == summary["maj_at_k"]


def test_core_matrix_checks_its_inputs() -> None:
    lengths = np.array([2, 1], dtype=np.int64)
    votes = np.array([0, 1, -1], dtype=np.int64)
    got = _core.maj_at_k_matrix(lengths, votes, np.array([1], dtype=np.int64))
    assert got.shape == (2, 1) and got.tolist() == [[1.0], [0.0]]
    for bad_lengths, bad_votes, ks in (
        ([2, 2], [0, 1, -1], [1]),  # lengths do not add up
        ([2, 1], [0, -2, 1], [1]),  # an unknown negative vote
        ([2, 1], [0, 1, -1], [2]),  # k above a problem's samples
    ):
        with pytest.raises(_core.InvalidArgumentError):
            _core.maj_at_k_matrix(
                np.array(bad_lengths, dtype=np.int64),
                np.array(bad_votes, dtype=np.int64),
                np.array(ks, dtype=np.int64),
            )
    keys = _core.vote_keys(["\\dfrac{1}{2}", "\\frac { 1 } { 2 }", "12"])
    assert keys.dtype == np.uint64 and keys[0] == keys[1] != keys[2]


def test_fallback_settled_verdicts_count_in_maj_at_k(tmp_path: Path) -> None:
    pytest.importorskip("sympy")
    pytest.importorskip("latex2sympy2_extended")
    texts = ["so \\boxed{\\sin^2 x + \\cos^2 x}", "so \\boxed{2}"]
    rows = [{"problem_id": "a", "answer": "1", "completion": t} for t in texts]
    rows += [{"problem_id": "b", "answer": "1", "completion": t} for t in reversed(texts)]
    dump = tmp_path / "d.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    core = grade_file(dump, tmp_path / "core.jsonl", fallback=False)
    assert core["counts"]["undecided"] == 2
    assert core["maj_at_k"] == {"1": 0.0, "2": 0.0} and core["pass_at_k"]["1"] == 0.0
    settled = grade_file(dump, tmp_path / "fb.jsonl", fallback=True)
    assert settled["fallback"]["settled"] == 2 and settled["counts"]["correct"] == 2
    # problem a: the settled identity leads at k=1 and ties with "2" at k=2; b: "2" first
    assert settled["maj_at_k"] == {"1": 0.5, "2": 0.5}
    assert settled["pass_at_k"] == {"1": 0.5, "2": 1.0}
    assert _eval_path_means(tmp_path / "fb.jsonl") == settled["maj_at_k"]
