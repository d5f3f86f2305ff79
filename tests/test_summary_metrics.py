"""The metrics `mathb grade`'s summary adds to pass@k and maj@k: avg@n, G-Pass@k_τ,
mG-Pass@k, the no-answer rate and pass@k intervals, checked against hand computations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mathb.grading import grade_file


def _dump(path: Path, correct: dict[str, tuple[int, int]]) -> Path:
    """Problem → (samples, correct samples); the others answer 99, no answer on none."""
    rows = []
    for pid, (n, c) in correct.items():
        for i in range(n):
            text = "so \\boxed{5}" if i < c else "so \\boxed{99}"
            rows.append({"problem_id": pid, "sample_idx": i, "answer": "5", "completion": text})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_g_pass_avg_at_n_and_intervals_by_hand(tmp_path: Path) -> None:
    # a: n = 4, c = 2; b: n = 4, c = 4; c: n = 8, c = 0 (k runs to 4, the fewest samples).
    dump = _dump(tmp_path / "d.jsonl", {"a": (4, 2), "b": (4, 4), "c": (8, 0)})
    s = grade_file(dump, tmp_path / "v.jsonl", fallback=False)
    assert s["avg_at_n"] == pytest.approx((2 / 4 + 1 + 0) / 3)
    assert s["accuracy"] == pytest.approx(6 / 16)  # weighs problems by their samples
    assert s["no_answer_rate"] == 0.0
    g2 = s["g_pass_at_k"]["2"]
    # k = 2, τ = 1 (both correct): a 1/6 (C(2,2)/C(4,2)), b 1, c 0.
    assert g2["1.0"] == pytest.approx((1 / 6 + 1 + 0) / 3)
    # τ = 0.5 or 0.25 (at least one): pass@2 = 5/6 for a.
    assert g2["0.5"] == g2["0.25"] == pytest.approx((5 / 6 + 1) / 3)
    # k = 4, τ = 0.75 (at least 3 of 4): a has only 2 correct → 0; b → 1.
    assert s["g_pass_at_k"]["4"]["0.75"] == pytest.approx(1 / 3)
    # mG-Pass@2 = G-Pass@2_1; mG-Pass@4 = (2/4)(G-Pass@4_{3/4} + G-Pass@4_1).
    assert s["mg_pass_at_k"]["2"] == pytest.approx(g2["1.0"])
    assert s["mg_pass_at_k"]["4"] == pytest.approx(0.5 * (1 / 3 + 1 / 3))
    assert "1" not in s["mg_pass_at_k"]
    for k, mean in s["pass_at_k"].items():
        low, high = s["pass_at_k_ci"][k]
        assert 0.0 <= low <= mean <= high <= 1.0
    # Seeded: the same dump, the same intervals.
    again = grade_file(dump, tmp_path / "v2.jsonl", fallback=False)
    assert again["pass_at_k_ci"] == s["pass_at_k_ci"]
