"""Per-problem counts and maj@k recomputed from verdict lines: what the Ray driver reduces
over its shards and what the judge's pass recounts after it changes verdicts. The numbers
are those the core's stream gives for the same lines (same votes, same summation order)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np

from . import InputFileError, _core

#: maj@k ballots, as `mathb.setmetrics` numbers them: the gold class, and no vote.
GOLD, ABSTAIN, ANSWER = 0, -1, 1
#: The core scores maj@k at the powers of two up to 2^31.
_MAJ_LEVELS = 32


class Ballots(NamedTuple):
    """Per counted sample of some verdict lines: problem key, sample_idx, line, ballot kind
    (gold / abstain / answer) and the extracted answer the core keys the vote by."""

    keys: list[str]
    idx: list[int]
    lines: list[int]
    kinds: list[int]
    answers: list[Any]


def ballots_of(verdicts: Iterable[dict[str, Any]], name: str, grouping_by_line: bool) -> Ballots:
    """The ballots of parsed verdict lines. Skipped and error lines and repeats of a sample
    (`"duplicate": true`) count for nothing; with one problem per line the problem key
    also names its file (the line's `file`, else `name`)."""
    out = Ballots([], [], [], [], [])
    for v in verdicts:
        status = v.get("status")
        if status in ("skipped", "error") or v.get("duplicate"):
            continue
        key = json.dumps(v["problem_id"], ensure_ascii=False)
        if grouping_by_line:
            key = f"{v.get('file', name)}:{key}"
        out.keys.append(key)
        out.idx.append(int(v["sample_idx"]))
        out.lines.append(int(v["line"]))
        extracted = v.get("extracted")
        if status == "correct":
            out.kinds.append(GOLD)
        elif status == "no_answer" or extracted is None:
            out.kinds.append(ABSTAIN)
        else:
            out.kinds.append(ANSWER)
        out.answers.append(extracted)
    return out


def ballots_of_text(text: bytes, name: str, grouping_by_line: bool) -> Ballots:
    """`ballots_of` the verdict lines of `text` (JSON Lines bytes)."""
    return ballots_of((json.loads(raw) for raw in text.splitlines()), name, grouping_by_line)


def per_problem(
    names: list[str], groups: list[Ballots], ks: list[int]
) -> tuple[list[int], list[int], dict[int, float]]:
    """Per-problem (n, c) and mean maj@k over the ballots of every group (a shard each, named
    by `names`), problems in order of first appearance, each problem's samples in sample_idx
    order (input order among equal ones), as the core's stream counts them. The same
    (problem, sample_idx) in two groups is refused."""
    problems: dict[str, list[tuple[int, int, int, Any]]] = {}
    owner: dict[tuple[str, int], tuple[int, int]] = {}
    for s, (keys, idx, lines, kinds, answers) in enumerate(groups):
        for key, i, line, kind, answer in zip(keys, idx, lines, kinds, answers):
            seen = owner.setdefault((key, i), (s, line))
            if seen[0] != s:
                raise InputFileError(
                    f"{names[s]}:{line}: problem {key} sample_idx {i} is also in "
                    f"{names[seen[0]]}:{seen[1]}\n"
                    "  help: --ray grades each shard on its own, so a problem that spans "
                    "shards needs a distinct sample_idx on every sample; remove the repeat, "
                    "or grade without --ray"
                )
            problems.setdefault(key, []).append((i, kind, len(problems[key]), answer))
    ordered = [sorted(samples, key=lambda s: (s[0], s[2])) for samples in problems.values()]
    n = [len(s) for s in ordered]
    c = [sum(kind == GOLD for _, kind, _, _ in s) for s in ordered]
    return n, c, mean_maj_at_k(ordered, n, ks)


def mean_maj_at_k(
    ordered: list[list[tuple[int, int, int, Any]]], n: list[int], extra_ks: list[int]
) -> dict[int, float]:
    """Mean maj@k over problems at k = 1, 2, 4, … and `extra_ks` up to the fewest samples:
    each problem's score from the core (`maj_at_k_matrix`, the expected vote over k-subsets),
    the mean summed as the core's stream sums it (scores in increasing order)."""
    if not n:
        return {}
    fewest = min(n)
    ks = sorted({1 << i for i in range(_MAJ_LEVELS)} | set(extra_ks))
    ks = [k for k in ks if 1 <= k <= fewest]
    answers = [a for samples in ordered for _, kind, _, a in samples if kind == ANSWER]
    keys = iter(_core.vote_keys(answers).tolist())
    votes: list[int] = []
    for samples in ordered:
        classes: dict[int, int] = {}
        for _, kind, _, _ in samples:
            if kind == ANSWER:
                votes.append(classes.setdefault(next(keys), len(classes) + 1))
            else:
                votes.append(kind)
    matrix = _core.maj_at_k_matrix(
        np.asarray(n, dtype=np.int64),
        np.asarray(votes, dtype=np.int64),
        np.asarray(ks, dtype=np.int64),
    )
    means: dict[int, float] = {}
    for j, k in enumerate(ks):
        # As the core's tally: the scores sorted, then numpy's (pairwise) mean, never -0.0.
        means[k] = float(np.mean(np.sort(matrix[:, j]))) + 0.0
    return means


__all__ = ["ABSTAIN", "ANSWER", "GOLD", "Ballots", "ballots_of", "ballots_of_text", "per_problem"]
