"""Grades a JSON Lines dump: streams it in batches through the core, writes one verdict line
per sample, and keeps the per-problem counts behind the summary (accuracy, pass@k)."""

from __future__ import annotations

import json
import os
import secrets
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np

from . import InvalidArgumentError, Verdict, __version__, grade_batch, pass_at_k
from .dump import (
    ErrorCode,
    Fields,
    completion_texts,
    detect_fields,
    diagnostic,
    dumps,
    gold_text,
    iter_lines,
    open_input,
    parse_record,
    problem_key,
)

STATUSES: tuple[str, ...] = ("correct", "incorrect", "no_answer", "undecided")
DEFAULT_BATCH_SIZE = 4096

ProgressCallback = Callable[[int], None]


# --------------------------------------------------------------------------- outputs


@contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A binary file that appears at `path` only if the block completes; removed otherwise."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # umask applies
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as f:
            yield f
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_summary(summary: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """Writes the summary as indented JSON, atomically."""
    with atomic_output(path) as f:
        f.write((json.dumps(summary, indent=2, ensure_ascii=False) + "\n").encode())


def default_output_path(input_path: str | os.PathLike[str]) -> Path:
    """`<input name without .jsonl/.gz>.verdicts.jsonl` in the current directory."""
    name = Path(input_path).name
    for suffix in (".gz", ".jsonl", ".json"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return Path(f"{name}.verdicts.jsonl")


# --------------------------------------------------------------------------- grading


def pass_at_k_table(n: np.ndarray, c: np.ndarray) -> dict[str, float]:
    """Mean unbiased pass@k over problems for k = 1, 2, 4, … up to the smallest n."""
    if n.size == 0:
        return {}
    ks: list[int] = []
    k = 1
    while k <= int(n.min()):
        ks.append(k)
        k *= 2
    return {str(k): float(np.mean(pass_at_k(n, c, k))) for k in ks}


def summarize(
    input_path: str,
    records: int,
    fields: Fields | None,
    n: np.ndarray,
    c: np.ndarray,
    statuses: Counter[str],
    options: dict[str, Any],
) -> dict[str, Any]:
    """The run summary: sizes, accuracy, pass@k, counts per status, fields and options.

    `n` and `c` hold each problem's sample and correct counts, in first-appearance order.
    """
    samples = int(n.sum())
    return {
        "input": input_path,
        "records": records,
        "problems": int(n.size),
        "samples": samples,
        "accuracy": (statuses["correct"] / samples) if samples else None,
        "pass_at_k": pass_at_k_table(n, c),
        "counts": {s: statuses[s] for s in STATUSES},
        "fields": fields.to_dict() if fields else None,
        "options": options,
        "mathb_version": __version__,
    }


@dataclass
class _Problem:
    """Running counts of one problem; `name` is what the verdict lines call it."""

    name: Any
    n: int = 0
    c: int = 0


def grade_file(
    path: str | os.PathLike[str],
    output: str | os.PathLike[str] | IO[bytes] | None = None,
    *,
    gold_field: str | None = None,
    completion_field: str | None = None,
    id_field: str | None = None,
    threads: int | None = None,
    decimal: Literal["rounded", "exact"] = "rounded",
    min_significant_digits: int = 3,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Grades every sample of the JSON Lines dump at `path` and returns the summary.

    `output` is a path (written to a temporary file and renamed into place only when the
    whole input was read without error), a binary stream (written batch by batch: on error
    it holds the verdicts of the batches before the bad line), or None for no verdicts.
    Blank lines are skipped and are not records; every other line must be a JSON object.
    A completion field holding a list yields one verdict per element. A malformed line
    raises InputFileError (`path:LINE: error[CODE] message` + `help:`).
    """
    if batch_size < 1:
        raise InvalidArgumentError("batch_size must be at least 1")
    run = _Run(
        os.fspath(path),
        {"gold_field": gold_field, "completion_field": completion_field, "id_field": id_field},
        batch_size,
        progress,
        {"threads": threads, "decimal": decimal, "min_significant_digits": min_significant_digits},
    )
    if output is None or not isinstance(output, (str, os.PathLike)):
        return run.grade(output)
    with atomic_output(output) as f:
        return run.grade(f)


class _Run:
    """One pass over a dump: the batch being filled, the batch being graded, and the counts.

    The core grades batch k on a worker thread (GIL released) while this thread parses
    batch k+1; verdicts are still written strictly in input order.
    """

    def __init__(
        self,
        path: str,
        overrides: dict[str, str | None],
        batch_size: int,
        progress: ProgressCallback | None,
        grade_options: dict[str, Any],
    ) -> None:
        self.path = path
        self.overrides = overrides
        self.batch_size = batch_size
        self.progress = progress
        self.grade_options = grade_options
        self.fields: Fields | None = None
        self.problems: dict[Any, _Problem] = {}  # insertion order = first appearance
        self.statuses: Counter[str] = Counter()
        self.golds: list[str] = []
        self.completions: list[str] = []
        self.meta: list[tuple[int, int, _Problem]] = []  # line, sample_idx, problem
        self.in_flight: _Batch | None = None
        self.records = 0
        self.done = 0

    def grade(self, out: IO[bytes] | None) -> dict[str, Any]:
        path = self.path
        with open_input(path) as f, ThreadPoolExecutor(1, "mathb-grade") as pool:
            for line, raw in iter_lines(path, f):
                if not raw.strip():
                    continue
                self.add(line, parse_record(path, line, raw, self.fields))
                if len(self.golds) >= self.batch_size:
                    self.submit(pool, out)
            self.submit(pool, out)
            if self.in_flight is not None:
                self.write(self.in_flight, out)
                self.in_flight = None
        if self.fields is None:
            raise diagnostic(
                path,
                None,
                ErrorCode.NO_RECORDS,
                "the file has no records",
                "mathb grade reads JSON Lines: one JSON object per line",
            )
        problems = self.problems.values()
        n = np.fromiter((p.n for p in problems), dtype=np.int64, count=len(problems))
        c = np.fromiter((p.c for p in problems), dtype=np.int64, count=len(problems))
        options = {k: v for k, v in self.grade_options.items() if k != "threads"}
        return summarize(path, self.records, self.fields, n, c, self.statuses, options)

    def add(self, line: int, record: dict[str, Any]) -> None:
        path = self.path
        self.records += 1
        if self.fields is None:
            self.fields = detect_fields(record, path=path, line=line, **self.overrides)
        fields = self.fields
        gold = gold_text(path, line, record, fields.gold)
        texts = completion_texts(path, line, record, fields.completion)
        key, name = problem_key(path, line, record, fields, gold)
        problem = self.problems.get(key)
        if problem is None:
            problem = self.problems[key] = _Problem(name)
        for text in texts:
            self.golds.append(gold)
            self.completions.append(text)
            self.meta.append((line, problem.n, problem))
            problem.n += 1

    def submit(self, pool: ThreadPoolExecutor, out: IO[bytes] | None) -> None:
        """Queues the filled batch behind the one in flight, then writes the one in flight."""
        if not self.golds:
            return
        batch = _Batch(self.golds, self.completions, self.meta)
        batch.future = pool.submit(
            grade_batch, batch.golds, batch.completions, **self.grade_options
        )
        previous, self.in_flight = self.in_flight, batch
        self.golds, self.completions, self.meta = [], [], []
        if previous is not None:
            self.write(previous, out)

    def write(self, batch: _Batch, out: IO[bytes] | None) -> None:
        assert batch.future is not None
        try:
            verdicts = batch.future.result()
        except UnicodeEncodeError:
            raise self.unencodable(batch) from None
        lines = []
        for (line, sample_idx, problem), v in zip(batch.meta, verdicts):
            status = v.status
            self.statuses[status] += 1
            if status == "correct":
                problem.c += 1
            if out is not None:
                record = {
                    "line": line,
                    "problem_id": problem.name,
                    "sample_idx": sample_idx,
                    "status": status,
                    "reason": v.reason,
                    "extracted": v.extracted,
                }
                lines.append(dumps(record))
        if out is not None:
            out.write(b"".join(lines))
        self.done += len(batch.meta)
        if self.progress is not None:
            self.progress(self.done)

    def unencodable(self, batch: _Batch) -> Exception:
        """The diagnostic for a string the core cannot take (a lone UTF-16 surrogate escape)."""
        for gold, completion, (line, _, _) in zip(batch.golds, batch.completions, batch.meta):
            for role, text in (("gold", gold), ("completion", completion)):
                try:
                    text.encode()
                except UnicodeEncodeError as e:
                    escape = f"\\u{ord(text[e.start]):04x}"
                    return diagnostic(
                        self.path,
                        line,
                        ErrorCode.WRONG_TYPE,
                        f"the {role} holds a lone surrogate escape ({escape})",
                        "JSON strings must be valid Unicode; fix the writer of this file",
                    )
        return RuntimeError("the core could not encode a batch")


@dataclass
class _Batch:
    """Samples handed to the core together, with where each came from."""

    golds: list[str]
    completions: list[str]
    meta: list[tuple[int, int, _Problem]]  # line, sample_idx, problem
    future: Future[list[Verdict]] | None = None


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "STATUSES",
    "atomic_output",
    "default_output_path",
    "grade_file",
    "pass_at_k_table",
    "summarize",
    "write_summary",
]
