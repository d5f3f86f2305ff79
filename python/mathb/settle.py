"""Settles the undecided lines of a verdict file with the sympy fallback, in place, and
updates the run's counts, per-problem correct counts and maj@k to match."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .grading import atomic_output

if TYPE_CHECKING:
    from .fallback import SympyFallback

UNDECIDED = b'"status":"undecided"'
#: Lines of records graded elsewhere (lm-eval filters) name no problem.
SKIPPED = b'"status":"skipped"'


def settle_verdict_file(
    path: str | os.PathLike[str], result: dict[str, Any], fallback: bool | SympyFallback
) -> dict[str, int]:
    """Sends every undecided verdict with an extracted answer in the file at `path` to the
    fallback and rewrites the lines it settles (`"decided_by": "fallback"`). `result` is the
    core's run result: its status counts, per-problem correct counts `c` and `maj_at_k`
    are updated, maj@k recomputed from the settled verdicts by the same core function.
    Returns {"sent": …, "settled": …}."""
    from .fallback import SympyFallback, shared_fallback

    target = Path(path)
    lines = target.read_bytes().splitlines(keepends=True)
    todo = [
        (i, record)
        for i, line in enumerate(lines)
        if UNDECIDED in line
        and (record := json.loads(line)).get("extracted") is not None
        and "gold" in record
    ]
    if not todo:
        return {"sent": 0, "settled": 0}
    engine = fallback if isinstance(fallback, SympyFallback) else shared_fallback()
    results = engine.resolve((r["gold"], r["extracted"]) for _, r in todo)
    # Problems are numbered in order of first appearance, as the core counts them.
    index: dict[str, int] = {}
    for line in lines:
        if SKIPPED in line:
            continue
        key = json.dumps(json.loads(line)["problem_id"])
        index.setdefault(key, len(index))
    settled = 0
    counts, c = result["counts"], result["c"]
    for (i, record), outcome in zip(todo, results):
        if outcome.status == "undecided":
            continue
        settled += 1
        record.update(status=outcome.status, reason=outcome.reason, decided_by="fallback")
        del record["gold"]
        lines[i] = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        counts["undecided"] -= 1
        counts[outcome.status] += 1
        if outcome.status == "correct":
            c[index[json.dumps(record["problem_id"])]] += 1
    if settled:
        with atomic_output(target) as f:
            f.writelines(lines)
        result["maj_at_k"] = maj_at_k_of_lines(lines)
    return {"sent": len(todo), "settled": settled}


def maj_at_k_of_lines(lines: list[bytes]) -> dict[int, float]:
    """Mean maj@k over the problems of verdict lines for k = 1, 2, 4, … up to the fewest
    samples of a problem, as the core's stream computes it."""
    from .setmetrics import maj_at_k_matrix, results_of

    records = []
    for line in lines:
        if SKIPPED in line:
            continue
        record = json.loads(line)
        # Problems are told apart as the core tells them: by the id's JSON text.
        record["problem_id"] = json.dumps(record["problem_id"])
        records.append(record)
    results = results_of(records)
    ks = [1 << i for i in range(int(results.n.min()).bit_length())]
    means = maj_at_k_matrix(results, ks).mean(axis=0)
    return {k: float(m) for k, m in zip(ks, means)}
