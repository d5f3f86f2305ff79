"""Per-problem results of a graded dump and the metrics built on them: pass@k and maj@k curves
with bootstrap bands, the model − base curves (paired bootstrap), and the solved sets —
expansion / shrinkage / preservation / out-of-reach against a base, with Wilson intervals."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from . import InputFileError, InvalidArgumentError, _core
from .intervals import paired_difference_interval, wilson_interval
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
    model_solved: BoolArray, base_solved: BoolArray | None = None, *, level: float = DEFAULT_LEVEL
) -> dict[str, Any]:
    """The solved sets: the model's solved rate and, given the base's, the four cells of
    (base solves?) × (model solves?) on aligned problems and the paired difference.

    Rates use the denominators of MATH-Beyond's Table 2 and of Wu et al. (2025):
    expansion = newly solved / base-unsolved, out_of_reach = neither / base-unsolved,
    preservation = both / base-solved, shrinkage = lost / base-solved. Every rate carries a
    Wilson score interval (`mathb.intervals`); `solved_difference` is model − base solved
    rate, (newly solved − lost) / problems, with Newcombe's paired interval.
    """
    m = np.asarray(model_solved, dtype=bool)
    model_count = int(m.sum())
    if base_solved is None:
        return {
            "problems": int(m.size),
            "model_solved": model_count,
            "solved": {"model": _rate(model_count, int(m.size), level)},
        }
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
        "model_solved": model_count,
    }
    for name, (hit, of) in cells.items():
        out[name] = _rate(int(hit.sum()), int(of.sum()), level)
    out["solved"] = {
        "model": _rate(model_count, int(m.size), level),
        "base": _rate(int(b.sum()), int(b.size), level),
    }
    both, newly, lost = (int(x.sum()) for x in (m & b, m & ~b, ~m & b))
    neither = int(m.size) - both - newly - lost
    out["solved_difference"] = {
        "newly_solved": newly,
        "lost": lost,
        "of": int(m.size),
        "value": (newly - lost) / m.size if m.size else None,
        "ci": list(paired_difference_interval(both, newly, lost, neither, level))
        if m.size
        else None,
    }
    return out


def _rate(count: int, total: int, level: float) -> dict[str, Any]:
    """count / total with its Wilson interval; rate and interval are None over no problem."""
    if not total:
        return {"count": count, "of": total, "rate": None, "ci": None}
    return {
        "count": count,
        "of": total,
        "rate": count / total,
        "ci": list(wilson_interval(count, total, level)),
    }


#: The solved-set classes of a comparison with a base, in the order tables show them.
SOLVED_SET_CLASSES: tuple[str, ...] = ("both", "newly_solved", "lost", "neither")


def solved_sets(
    ids: Sequence[Any], model_solved: BoolArray, base_solved: BoolArray | None = None
) -> dict[str, list[Any]]:
    """The problem ids of every solved-set class: both, newly_solved (the model only), lost
    (the base only) and neither (out of reach of both); without a base, solved and unsolved.
    Ids keep the order of `ids`."""
    m = np.asarray(model_solved, dtype=bool)
    if base_solved is None:
        masks = {"solved": m, "unsolved": ~m}
    else:
        b = np.asarray(base_solved, dtype=bool)
        masks = dict(zip(SOLVED_SET_CLASSES, (m & b, m & ~b, ~m & b, ~m & ~b)))
    return {name: [key for key, hit in zip(ids, mask) if hit] for name, mask in masks.items()}


@dataclass
class CurveMatrices:
    """pass@k and maj@k of every problem (rows) at every k of `k` (columns): computed once and
    shared by a dump's curves and its difference with another dump (maj@k over every k up to
    n = 1024 costs the core tens of seconds)."""

    k: list[int]
    pass_at_k: FloatArray
    maj_at_k: FloatArray

    def columns(self, ks: Sequence[int]) -> CurveMatrices:
        where = {k: j for j, k in enumerate(self.k)}
        index = [where[k] for k in ks]
        return CurveMatrices(list(ks), self.pass_at_k[:, index], self.maj_at_k[:, index])


def curve_matrices(results: ProblemResults, ks: Sequence[int] | None = None) -> CurveMatrices:
    """The per-problem pass@k and maj@k matrices at `ks` (default: 1 … the fewest samples)."""
    chosen = curve_ks(results.n, ks)
    return CurveMatrices(
        chosen, pass_at_k_matrix(results, chosen), maj_at_k_matrix(results, chosen)
    )


def curves(
    results: ProblemResults | CurveMatrices,
    ks: Sequence[int] | None = None,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
) -> dict[str, Any]:
    """Mean pass@k and maj@k over problems for every k, each with a percentile bootstrap
    interval over problems — or, at a k where every problem's value is 0 or 1 (pass@n: the
    solved rate), the Wilson interval of that proportion of problems. Given matrices, their k
    are used and `ks` is not."""
    matrices = results if isinstance(results, CurveMatrices) else curve_matrices(results, ks)
    out: dict[str, Any] = {"k": list(matrices.k)}
    for name, matrix in (("pass_at_k", matrices.pass_at_k), ("maj_at_k", matrices.maj_at_k)):
        mean, low, high = bootstrap_means(matrix, resamples=resamples, seed=seed, level=level)
        # A column of 0s and 1s (pass@n, say) is a proportion of problems: Wilson, as the
        # solved rate, not a bootstrap that shrinks to a point when all agree.
        for j in np.flatnonzero(_binary_columns(matrix)):
            low[j], high[j] = wilson_interval(int(matrix[:, j].sum()), matrix.shape[0], level)
        out[name] = {"mean": mean.tolist(), "low": low.tolist(), "high": high.tolist()}
    return out


def _binary_columns(matrix: FloatArray) -> BoolArray:
    """True for the columns whose every value is 0 or 1 (and that have a value at all)."""
    if matrix.shape[0] == 0:
        return np.zeros(matrix.shape[1], dtype=bool)
    return np.asarray(np.all((matrix == 0.0) | (matrix == 1.0), axis=0))


def difference_curves(
    model: ProblemResults | CurveMatrices,
    base: ProblemResults | CurveMatrices,
    ks: Sequence[int] | None = None,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
) -> dict[str, Any]:
    """Model − base pass@k and maj@k for every k both dumps reach, on aligned problems, each
    with a paired percentile bootstrap interval: a resample draws problems, and a drawn
    problem brings its model and its base values together, so the interval is that of the
    mean per-problem difference (narrower than two separate bands when the two models find
    the same problems hard). `crossover_k` is where the pass@k difference first changes sign.
    Given matrices (`curve_matrices`), the k both have are used and `ks` is not.

    A bootstrap, not a formula: per-problem pass@k and maj@k are fractions in [0, 1], not
    successes, so the paired-proportion intervals do not apply to them — except at a k where
    both columns hold only 0s and 1s (pass@n): there the difference is one of two paired
    proportions of problems and gets Newcombe's interval, as `solved_difference` does.
    """
    rows = [
        m.pass_at_k.shape[0] if isinstance(m, CurveMatrices) else len(m.ids) for m in (model, base)
    ]
    if rows[0] != rows[1]:
        raise InvalidArgumentError("model and base results cover different problems")
    if isinstance(model, CurveMatrices) and isinstance(base, CurveMatrices):
        shared = [k for k in model.k if k in set(base.k)]
        left, right = model.columns(shared), base.columns(shared)
    elif isinstance(model, ProblemResults) and isinstance(base, ProblemResults):
        chosen = curve_ks(np.minimum(model.n, base.n), ks)
        left, right = curve_matrices(model, chosen), curve_matrices(base, chosen)
    else:
        raise InvalidArgumentError("give two ProblemResults or two CurveMatrices")
    out: dict[str, Any] = {"k": list(left.k)}
    for name in ("pass_at_k", "maj_at_k"):
        first, second = getattr(left, name), getattr(right, name)
        mean, low, high = bootstrap_means(
            first - second, resamples=resamples, seed=seed, level=level
        )
        # Two columns of 0s and 1s are a paired 2 × 2 table: Newcombe, as the solved rates.
        for j in np.flatnonzero(_binary_columns(first) & _binary_columns(second)):
            a, b = first[:, j].astype(bool), second[:, j].astype(bool)
            both, only_first, only_second = (int(x.sum()) for x in (a & b, a & ~b, ~a & b))
            neither = len(a) - both - only_first - only_second
            low[j], high[j] = paired_difference_interval(
                both, only_first, only_second, neither, level
            )
        out[name] = {"mean": mean.tolist(), "low": low.tolist(), "high": high.tolist()}
    out["crossover_k"] = crossover_k(left.k, out["pass_at_k"]["mean"])
    return out


def crossover_k(ks: Sequence[int], difference: Sequence[float]) -> int | None:
    """The first k at which `difference` (model − base, one value per k) has the opposite
    sign of its first non-zero value: where the base overtakes the model (or the model the
    base); None when the curves never cross."""
    first = 0
    for k, d in zip(ks, difference):
        sign = (d > _CROSSOVER_TOLERANCE) - (d < -_CROSSOVER_TOLERANCE)
        if sign and not first:
            first = sign
        elif sign and sign != first:
            return int(k)
    return None


# Differences of curves below this are rounding, not a lead.
_CROSSOVER_TOLERANCE = 1e-12


__all__ = [
    "GOLD_VOTE",
    "NO_VOTE",
    "SOLVED_SET_CLASSES",
    "CurveMatrices",
    "ProblemResults",
    "bootstrap_means",
    "curve_ks",
    "curve_matrices",
    "crossover_k",
    "curves",
    "difference_curves",
    "maj_at_k_matrix",
    "pass_at_k_matrix",
    "read_verdicts",
    "results_of",
    "set_metrics",
    "solved_sets",
]
