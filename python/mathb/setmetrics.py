"""Per-problem results of a graded dump and the metrics built on them: pass@k and maj@k curves,
expansion / shrinkage / preservation / out-of-reach against a base, bootstrap intervals."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from . import InputFileError, InvalidArgumentError, _core
from .metrics import pass_at_k

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 0
DEFAULT_LEVEL = 0.95

#: A sample's vote in maj@k: every correct sample votes for the gold class, a wrong or
#: undecided one for its answer's class (its value, or its text when it has no canonical
#: value; see `_core.vote_keys`), and a sample with no answer abstains.
GOLD_VOTE = 0
NO_VOTE = -1


@dataclass
class ProblemResults:
    """One dump's results per problem, in first-appearance order.

    `votes[i]` holds problem i's maj@k votes in sample order (see GOLD_VOTE / NO_VOTE; other
    values number the distinct wrong answers of that problem).
    """

    ids: list[Any]
    n: npt.NDArray[np.int64]
    c: npt.NDArray[np.int64]
    votes: list[npt.NDArray[np.int64]]
    #: The model the dump names (its first record's `model`), when it does.
    model: str | None = None
    #: `no_answer` samples of the whole graded dump by cause (truncated, looping, refused,
    #: other), when it was graded here; a subset keeps the dump's counts.
    no_answer: dict[str, int] | None = None
    #: The judge's counts (`mathb.judge`), when one was asked about this dump.
    judge: dict[str, Any] | None = None

    @property
    def solved(self) -> BoolArray:
        """True where at least one sample is correct (the problem is in the solved set)."""
        return np.asarray(self.c > 0)

    def subset(self, rows: Sequence[int]) -> ProblemResults:
        index = list(rows)
        return ProblemResults(
            [self.ids[i] for i in index],
            self.n[index],
            self.c[index],
            [self.votes[i] for i in index],
            self.model,
            self.no_answer,
            self.judge,
        )


def read_verdicts(path: str | os.PathLike[str]) -> ProblemResults:
    """Per-problem counts and votes from a verdicts file written by `mathb grade`
    (each line a JSON object with `problem_id`, `sample_idx`, `status`, `extracted`)."""
    name = os.fspath(path)
    try:
        f = open(name, encoding="utf-8")
    except OSError as e:
        raise InputFileError(f"{name}: cannot open ({e.strerror})") from None
    with f:
        records = []
        for line, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                records.append(json.loads(raw))
            except json.JSONDecodeError as e:
                raise _not_a_verdict(name, line, e) from None
    if not records:
        raise InputFileError(f"{name}: the verdicts file has no lines")
    return results_of(records, source=name)


def results_of(records: Sequence[dict[str, Any]], *, source: str = "<verdicts>") -> ProblemResults:
    """Per-problem counts and votes of verdict records (`problem_id`, `sample_idx`, `status`,
    `extracted`), problems in order of first appearance, samples in `sample_idx` order."""
    samples: dict[Any, list[tuple[int, str, str | None]]] = {}
    for line, record in enumerate(records, 1):
        if record.get("status") == "skipped":  # a record whose samples are graded elsewhere
            continue
        if record.get("duplicate"):  # a sample seen on an earlier line, counted there
            continue
        try:
            key = record["problem_id"]
            entry = (int(record.get("sample_idx", 0)), record["status"], record.get("extracted"))
        except (KeyError, TypeError, ValueError) as e:
            raise _not_a_verdict(source, line, e) from None
        if isinstance(key, list):  # JSON has no tuples; ids stay hashable
            key = tuple(key)
        samples.setdefault(key, []).append(entry)
    ids = list(samples)
    ordered = [sorted(samples[k], key=lambda s: s[0]) for k in ids]
    n = np.array([len(s) for s in ordered], dtype=np.int64)
    c = np.array([sum(st == "correct" for _, st, _ in s) for s in ordered], dtype=np.int64)
    return ProblemResults(ids, n, c, _votes(ordered))


def _not_a_verdict(source: str, line: int, e: Exception) -> InputFileError:
    return InputFileError(
        f"{source}:{line}: not a verdict line ({type(e).__name__}: {e})\n"
        "  help: pass the verdicts file that `mathb grade` wrote"
    )


def _votes(problems: list[list[tuple[int, str, str | None]]]) -> list[npt.NDArray[np.int64]]:
    """Every problem's ballots: GOLD_VOTE for a correct sample, NO_VOTE without an answer,
    else the answer's class, numbered per problem by the core's vote key."""
    answers = [
        extracted
        for samples in problems
        for _, status, extracted in samples
        if status != "correct" and status != "no_answer" and extracted is not None
    ]
    keys = iter(_core.vote_keys(answers).tolist())
    out = []
    for samples in problems:
        classes: dict[int, int] = {}
        votes = np.empty(len(samples), dtype=np.int64)
        for i, (_, status, extracted) in enumerate(samples):
            if status == "correct":
                votes[i] = GOLD_VOTE
            elif status == "no_answer" or extracted is None:
                votes[i] = NO_VOTE
            else:
                votes[i] = classes.setdefault(next(keys), len(classes) + 1)
        out.append(votes)
    return out


# --------------------------------------------------------------------------- curves


def curve_ks(n: npt.NDArray[np.int64], ks: Sequence[int] | None = None) -> list[int]:
    """k = 1 … min(n) by default: pass@k needs k ≤ n for every problem."""
    if n.size == 0:
        return []
    top = int(n.min())
    if ks is None:
        return list(range(1, top + 1))
    bad = [k for k in ks if not 1 <= k <= top]
    if bad:
        raise InvalidArgumentError(f"k must lie in [1, {top}] (the fewest samples), got {bad}")
    return sorted(set(ks))


def pass_at_k_matrix(results: ProblemResults, ks: Sequence[int]) -> FloatArray:
    """Unbiased pass@k of every problem (rows) at every k (columns), in one vectorized call."""
    k = np.asarray(ks, dtype=np.int64)[None, :]
    out = pass_at_k(results.n[:, None], results.c[:, None], k)
    return np.asarray(out, dtype=np.float64).reshape(len(results.ids), k.size)


def maj_at_k_matrix(
    results: ProblemResults, ks: Sequence[int], *, first_k: bool = False
) -> FloatArray:
    """maj@k of every problem at every k as the core defines it (`mathb_core::majority`,
    also behind `mathb grade`'s summary): the expected score of a majority vote over a
    uniformly random k-subset of the problem's samples, computed exactly, so maj@1 = pass@1.

    The gold class wins when it has strictly the most votes; a tie between the gold class and
    t−1 wrong answers scores 1/t (the expected score of a uniformly random tie-break); no
    votes at all score 0. `first_k=True` gives the vote over the FIRST k samples instead: one
    draw of that expectation, deterministic given the sample order but far noisier.
    """
    lengths = np.array([len(v) for v in results.votes], dtype=np.int64)
    votes = (
        np.concatenate(results.votes).astype(np.int64, copy=False)
        if results.votes
        else np.empty(0, dtype=np.int64)
    )
    matrix = _core.maj_at_k_matrix(lengths, votes, np.asarray(ks, dtype=np.int64), first_k=first_k)
    return np.asarray(matrix, dtype=np.float64)


# --------------------------------------------------------------------------- bootstrap


def bootstrap_means(
    values: FloatArray,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Mean over problems (axis 0) with a percentile bootstrap interval that resamples
    problems with replacement: returns (mean, low, high), one entry per column (a 1-D
    `values` is one column).

    Resamples are drawn as multinomial weights so that a whole curve costs one matrix
    product; the same seed gives the same interval.
    """
    if resamples < 1:
        raise InvalidArgumentError(f"resamples must be at least 1, got {resamples}")
    if not 0.0 < level < 1.0:
        raise InvalidArgumentError(f"level must lie in (0, 1), got {level}")
    matrix = np.asarray(values, dtype=np.float64)
    if matrix.ndim == 1:
        matrix = matrix[:, None]
    problems = matrix.shape[0]
    if problems == 0:
        nan = np.full(matrix.shape[1], np.nan)
        return nan, nan.copy(), nan.copy()
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(problems, np.full(problems, 1.0 / problems), size=resamples)
    means = weights @ matrix / problems
    alpha = (1.0 - level) / 2
    low, high = np.quantile(means, [alpha, 1.0 - alpha], axis=0)
    mean = matrix.mean(axis=0)
    return mean, low, high


# --------------------------------------------------------------------------- solved sets


def set_metrics(
    model_solved: BoolArray,
    base_solved: BoolArray,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
) -> dict[str, Any]:
    """The four cells of (base solves?) × (model solves?) on aligned problems.

    Rates use the denominators of MATH-Beyond's Table 2 and of Wu et al. (2025):
    expansion = newly solved / base-unsolved, out_of_reach = neither / base-unsolved,
    preservation = both / base-solved, shrinkage = lost / base-solved. Each rate has a
    percentile bootstrap interval over the problems of its denominator.
    """
    m = np.asarray(model_solved, dtype=bool)
    b = np.asarray(base_solved, dtype=bool)
    if m.shape != b.shape:
        raise InvalidArgumentError("model and base results cover different problems")
    cells = {
        "expansion": (~b & m, ~b),
        "out_of_reach": (~b & ~m, ~b),
        "preservation": (b & m, b),
        "shrinkage": (b & ~m, b),
    }
    out: dict[str, Any] = {
        "problems": int(m.size),
        "base_solved": int(b.sum()),
        "base_unsolved": int((~b).sum()),
        "model_solved": int(m.sum()),
    }
    for name, (hit, of) in cells.items():
        count, total = int(hit.sum()), int(of.sum())
        entry: dict[str, Any] = {"count": count, "of": total, "rate": None, "ci": None}
        if total:
            mean, low, high = bootstrap_means(
                hit[of].astype(np.float64), resamples=resamples, seed=seed, level=level
            )
            entry["rate"] = count / total
            entry["ci"] = [float(low[0]), float(high[0])]
        out[name] = entry
    return out


def curves(
    results: ProblemResults,
    ks: Sequence[int] | None = None,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
) -> dict[str, Any]:
    """Mean pass@k and maj@k over problems for every k, each with a bootstrap interval."""
    chosen = curve_ks(results.n, ks)
    out: dict[str, Any] = {"k": chosen}
    for name, matrix in (
        ("pass_at_k", pass_at_k_matrix(results, chosen)),
        ("maj_at_k", maj_at_k_matrix(results, chosen)),
    ):
        mean, low, high = bootstrap_means(matrix, resamples=resamples, seed=seed, level=level)
        out[name] = {"mean": mean.tolist(), "low": low.tolist(), "high": high.tolist()}
    return out


__all__ = [
    "GOLD_VOTE",
    "NO_VOTE",
    "ProblemResults",
    "bootstrap_means",
    "curve_ks",
    "curves",
    "maj_at_k_matrix",
    "pass_at_k_matrix",
    "read_verdicts",
    "results_of",
    "set_metrics",
]
