"""maj@k has one definition, the core's: the streaming summary of `mathb grade` and the curves
of `mathb eval` (verdict file → `maj_at_k_matrix`) agree on the same verdicts, before and after
the sympy fallback settles undecided ones."""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mathb import _core
from mathb.grading import grade_file
from mathb.setmetrics import maj_at_k_matrix, read_verdicts, results_of

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
    # gold x3, "1/3" x2, "2" x2, no answer x1. k=1: 3/8 (= pass@1). k=2, 28 pairs: two
    # golds (3) win, a gold and a wrong answer (12) tie at 1/2, a gold and none (3) win: 12/28.
    # k=8: gold 3 against 2 and 2.
    votes = [1, 0, 1, 0, 2, 2, -1, 0]
    want = {"1": 3 / 8, "2": 12 / 28, "4": _brute_maj(votes, 4), "8": 1.0}
    assert summary["maj_at_k"] == pytest.approx(want)
    assert _eval_path_means(tmp_path / "v.jsonl") == pytest.approx(summary["maj_at_k"])
    # The vote over the first k samples, the older definition, stays available.
    first = maj_at_k_matrix(read_verdicts(tmp_path / "v.jsonl"), [1, 2, 4, 8], first_k=True)
    assert first[0].tolist() == [0.0, 0.5, 0.5, 1.0]


def _brute_maj(votes: list[int], k: int) -> float:
    """The mean over every k-subset of its vote (0 = gold, -1 abstains), counted directly."""
    total, subsets = 0.0, 0
    for chosen in itertools.combinations(votes, k):
        tally = Counter(v for v in chosen if v != -1)
        gold = tally.pop(0, 0)
        top = max(tally.values(), default=0)
        if gold > top:
            total += 1
        elif gold and gold == top:
            total += 1 / (1 + sum(1 for c in tally.values() if c == top))
        subsets += 1
    return total / subsets


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-1, 4), min_size=1, max_size=9))
def test_matrix_is_the_mean_vote_over_all_subsets(votes: list[int]) -> None:
    ks = list(range(1, len(votes) + 1))
    got = _core.maj_at_k_matrix(
        np.array([len(votes)], dtype=np.int64),
        np.array(votes, dtype=np.int64),
        np.array(ks, dtype=np.int64),
    )[0]
    assert got.tolist() == pytest.approx([_brute_maj(votes, k) for k in ks], abs=1e-12)
    assert got[0] == pytest.approx(votes.count(0) / len(votes), abs=1e-15)  # maj@1 = pass@1


# Wrong values, each in spellings the core reads as that value.
SPELLINGS = {
    "1/2": ["0.5", "\\frac12", "1/2", "\\dfrac{1}{2}", "\\frac{2}{4}", "0.50"],
    "3": ["3", "3.0", "\\frac{6}{2}", "\\sqrt{9}"],
    "2sqrt3": ["2\\sqrt3", "\\sqrt{12}", "2\\sqrt{3}"],
    "{1,2}": ["\\{1, 2\\}", "\\{2, 1\\}", "\\{1,2,2\\}"],
    "pi/4": ["\\frac{\\pi}{4}", "\\pi/4", "0.25\\pi"],
}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([*SPELLINGS, "gold", "none"]), st.integers(0, 5)),
        min_size=1,
        max_size=24,
    ),
    st.sampled_from(list(SPELLINGS)),
    st.randoms(use_true_random=False),
)
def test_relabelling_one_class_never_changes_maj_at_k(
    samples: list[tuple[str, int]], relabelled: str, rng: random.Random
) -> None:
    def records(respell: bool) -> list[dict[str, Any]]:
        out = []
        for i, (value, pick) in enumerate(samples):
            status, extracted = "incorrect", None
            if value == "gold":
                status, extracted = "correct", "7"
            elif value == "none":
                status = "no_answer"
            else:
                forms = SPELLINGS[value]
                extracted = forms[pick % len(forms)]
                if respell and value == relabelled:
                    extracted = rng.choice(forms)
            out.append(
                {"problem_id": "p", "sample_idx": i, "status": status, "extracted": extracted}
            )
        return out

    ks = list(range(1, len(samples) + 1))
    before = maj_at_k_matrix(results_of(records(False)), ks)
    after = maj_at_k_matrix(results_of(records(True)), ks)
    assert after.tolist() == before.tolist()
    # Spelled alike, the same vote: every value is one class whatever its spellings.
    canonical = [
        {**r, "extracted": SPELLINGS[v][0] if v in SPELLINGS else r["extracted"]}
        for r, (v, _) in zip(records(False), samples)
    ]
    assert maj_at_k_matrix(results_of(canonical), ks).tolist() == before.tolist()


def test_wrong_spellings_of_one_value_pool_their_votes(tmp_path: Path) -> None:
    # The example of issue 19: gold 3, and 0.5 written three ways outvotes 3, 3.
    texts = ["\\boxed{0.5}", "\\boxed{\\frac12}", "\\boxed{1/2}", "\\boxed{3}", "\\boxed{3}"]
    rows = [{"problem_id": "p", "answer": "3", "completion": f"so {t}"} for t in texts]
    dump = tmp_path / "d.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    summary = grade_file(dump, tmp_path / "v.jsonl", fallback=False, ks=[5])
    assert summary["maj_at_k"]["5"] == 0.0
    assert summary["maj_at_k"]["1"] == pytest.approx(2 / 5)


def test_core_matrix_checks_its_inputs() -> None:
    lengths = np.array([2, 1], dtype=np.int64)
    votes = np.array([0, 1, -1], dtype=np.int64)
    got = _core.maj_at_k_matrix(lengths, votes, np.array([1], dtype=np.int64))
    assert got.shape == (2, 1) and got.tolist() == [[0.5], [0.0]]
    first = _core.maj_at_k_matrix(lengths, votes, np.array([1], dtype=np.int64), first_k=True)
    assert first.tolist() == [[1.0], [0.0]]
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
    keys = _core.vote_keys(["\\dfrac{1}{2}", "\\frac { 1 } { 2 }", "12", "0.5", "x + 1", "x+1"])
    assert keys.dtype == np.uint64 and keys[0] == keys[1] == keys[3] != keys[2]
    assert keys[4] == keys[5] != keys[2]


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
