"""Settles the undecided lines of a verdict file with the sympy fallback, in place, and
updates the run's per-problem counts to match."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .grading import atomic_output

if TYPE_CHECKING:
    from .fallback import SympyFallback

UNDECIDED = b'"status":"undecided"'


def settle_verdict_file(
    path: str | os.PathLike[str], result: dict[str, Any], fallback: bool | SympyFallback
) -> dict[str, int]:
    """Sends every undecided verdict with an extracted answer in the file at `path` to the
    fallback and rewrites the lines it settles (`"decided_by": "fallback"`). `result` is the
    core's run result: its status counts and per-problem correct counts `c` are updated.
    Majority votes (maj@k) keep the core's verdicts. Returns {"sent": …, "settled": …}."""
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
    return {"sent": len(todo), "settled": settled}
