"""Gold self-check: every gold answer of a problem table graded against itself and against
`\\boxed{gold}`. A gold the grader cannot read is a silent 0 on its problem, so any that is not
`correct` is listed before an evaluation runs (`mathb eval`) or on its own (`mathb check-golds`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import InputFileError, _core

#: Columns a table's gold answer is taken from, in this order.
GOLD_COLUMNS = ("answer", "gold", "expected_answer", "ground_truth", "solution")
#: Columns a problem id is taken from, in this order (else the 0-based row).
ID_COLUMNS = ("problem_id", "id", "unique_id", "idx")


@dataclass(frozen=True)
class GoldProblem:
    """A gold that failed one of the checks: its id, text, and each check's verdict."""

    problem_id: Any
    gold: str
    itself: tuple[str, str]
    boxed: tuple[str, str] | None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "problem_id": self.problem_id,
            "gold": self.gold,
            "itself": {"status": self.itself[0], "reason": self.itself[1]},
        }
        if self.boxed is not None:
            out["boxed"] = {"status": self.boxed[0], "reason": self.boxed[1]}
        return out


def check_golds(golds: Sequence[Any], ids: Sequence[Any] | None = None) -> list[GoldProblem]:
    """The golds that are not `correct` against themselves (as an extracted answer; a worked
    solution holding a `\\boxed{}` as a completion) or against `\\boxed{gold}` (for bare golds)."""
    texts = [str(g) for g in golds]
    keys = list(ids) if ids is not None else list(range(len(texts)))
    bare = [i for i, g in enumerate(texts) if "\\boxed" not in g and "\\fbox" not in g]
    worked = [i for i, g in enumerate(texts) if i not in set(bare)]
    itself: dict[int, tuple[str, str]] = {}
    for i in bare:
        v = _core.verify_answer(texts[i], texts[i])
        itself[i] = (v.status, v.reason)
    boxed: dict[int, tuple[str, str]] = {}
    if bare:
        verdicts = _core.grade_batch(
            [texts[i] for i in bare], [f"The answer is $\\boxed{{{texts[i]}}}$." for i in bare]
        )
        boxed = {i: (v.status, v.reason) for i, v in zip(bare, verdicts)}
    if worked:
        verdicts = _core.grade_batch([texts[i] for i in worked], [texts[i] for i in worked])
        itself.update({i: (v.status, v.reason) for i, v in zip(worked, verdicts)})
    failed = []
    for i, text in enumerate(texts):
        mine, box = itself[i], boxed.get(i)
        if mine[0] != "correct" or (box is not None and box[0] != "correct"):
            failed.append(GoldProblem(keys[i], text, mine, box))
    return failed


def read_golds(
    source: str | os.PathLike[str], column: str | None = None
) -> tuple[list[Any], list[Any], str]:
    """(ids, golds, gold column) of a .csv, .parquet or .jsonl table, or of a Hugging Face
    dataset id."""
    from .datasets import _looks_like_hub_id, _read_hub, read_rows

    text = os.fspath(source)
    path = Path(text)
    if path.exists():
        rows = read_rows(path)
    elif _looks_like_hub_id(text):
        rows = _read_hub(text, "test")
    else:
        raise InputFileError(f"{text}: no such file")
    if not rows:
        raise InputFileError(f"{text}: the table has no rows")
    names = list(rows[0][1])
    chosen = column or next((c for c in GOLD_COLUMNS if c in names), None)
    if chosen is None or chosen not in names:
        raise InputFileError(
            f"{text}: no gold column ({column or ', '.join(GOLD_COLUMNS)}); "
            f"columns: {', '.join(names)}\n  help: name it with --answer-column"
        )
    id_column = next((c for c in ID_COLUMNS if c in names), None)
    ids, golds = [], []
    for row, (line, record) in enumerate(rows):
        if chosen not in record or record[chosen] is None:
            raise InputFileError(f"{text}:{line}: no {chosen!r} value")
        golds.append(record[chosen])
        ids.append(record.get(id_column, row) if id_column else row)
    return ids, golds, chosen


def format_gold_problems(failed: Sequence[GoldProblem], total: int, source: str) -> str:
    """The failed golds as lines a person reads, one per gold, with both checks' verdicts."""
    if not failed:
        return f"{source}: all {total:,} golds grade correct against themselves\n"
    lines = [
        f"{source}: {len(failed):,} of {total:,} golds do not grade correct against themselves "
        "(their problems would score 0 whatever the model answers):"
    ]
    for f in failed:
        checks = [f"itself: {f.itself[0]} ({f.itself[1]})"]
        if f.boxed is not None:
            checks.append(f"\\boxed: {f.boxed[0]} ({f.boxed[1]})")
        lines.append(f"  {f.problem_id}: {f.gold!r}  " + "; ".join(checks))
    return "\n".join(lines) + "\n"


__all__ = [
    "GOLD_COLUMNS",
    "GoldProblem",
    "check_golds",
    "format_gold_problems",
    "read_golds",
]
