"""Gold answers kept apart from the samples (vLLM / OpenAI batch results hold none): a table
of problem id and answer, joined to the dump by id."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import InputFileError
from .datasets import read_rows

#: Id columns tried in order; `custom_id` first, as batch requests name their problems by it.
ANSWER_ID_COLUMNS = ("custom_id", "problem_id", "id", "idx", "unique_id")
ANSWER_COLUMNS = ("answer", "gold", "expected_answer", "gt", "ground_truth")


def id_text(value: Any) -> str:
    """A problem id as the core keys it: a string as it is, an integer in decimal."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"a problem id is a string or an integer, not {type(value).__name__}")
    return value if isinstance(value, str) else str(value)


def load_answers(
    source: str | os.PathLike[str] | Mapping[Any, Any], *, id_column: str | None = None
) -> dict[str, str]:
    """Problem id → gold answer, from a mapping or a JSONL / CSV / Parquet table with an id
    column (`custom_id`, `problem_id`, `id`, `idx`, `unique_id`, or `id_column`) and an answer
    column (`answer`, `gold`, `expected_answer`, `gt`, `ground_truth`)."""
    if isinstance(source, Mapping):
        return {id_text(k): str(v) for k, v in source.items()}
    name = os.fspath(source)
    rows = read_rows(Path(name))
    if not rows:
        raise InputFileError(f"{name}: the answers table has no rows")
    first = rows[0][1]
    ids = (id_column,) if id_column else ANSWER_ID_COLUMNS
    id_col = next((c for c in ids if c in first), None)
    answer_col = next((c for c in ANSWER_COLUMNS if c in first), None)
    if id_col is None or answer_col is None:
        missing = "an id column" if id_col is None else "an answer column"
        raise InputFileError(
            f"{name}:{rows[0][0]}: the answers table has no {missing}\n"
            f"  help: ids are read from {', '.join(ids)}; answers from "
            f"{', '.join(ANSWER_COLUMNS)}; columns present: {', '.join(map(str, first))}"
        )
    answers: dict[str, str] = {}
    for line, record in rows:
        key, answer = record.get(id_col), record.get(answer_col)
        if key is None or answer is None:
            raise InputFileError(f"{name}:{line}: empty {id_col if key is None else answer_col!r}")
        try:
            answers[id_text(key)] = str(answer)
        except TypeError as e:
            raise InputFileError(f"{name}:{line}: {e}") from None
    return answers


__all__ = ["ANSWER_COLUMNS", "ANSWER_ID_COLUMNS", "load_answers"]
