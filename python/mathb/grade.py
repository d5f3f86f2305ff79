"""Grades a JSON Lines dump: streams it in batches through the core, writes one verdict line
per sample, and keeps the per-problem counts behind the summary (accuracy, pass@k)."""

from __future__ import annotations

import gzip
import json
import os
import secrets
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np

from . import InputFileError, __version__, grade_batch, pass_at_k

try:  # optional speed-up; results are identical without it
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the environment
    _orjson = None

#: Candidate fields tried in order on the first record. The first entries of each tuple are
#: the generic names; the rest are the names written by NeMo-Skills, verl, Qwen2.5-Math/ToRA
#: and evalchemy (see shared/formats/FORMATS.md).
GOLD_FIELDS: tuple[str, ...] = (
    "answer", "gold", "ground_truth", "gt", "solution", "expected_answer", "gts",
)
COMPLETION_FIELDS: tuple[str, ...] = (
    "completion", "response", "output", "generated_text", "model_output",
    "generation", "model_outputs", "responses", "code",
)
ID_FIELDS: tuple[str, ...] = ("problem_id", "id", "idx", "unique_id")
#: Without an id field, records sharing gold and problem text form one problem.
PROBLEM_TEXT_FIELDS: tuple[str, ...] = ("problem", "question", "input")

STATUSES: tuple[str, ...] = ("correct", "incorrect", "no_answer", "undecided")
DEFAULT_BATCH_SIZE = 4096

Grouping = Literal["id", "problem_text", "line"]
ProgressCallback = Callable[[int], None]

_MISSING = object()


# --------------------------------------------------------------------------- diagnostics


class ErrorCode:
    """Codes of the input-file diagnostics (`error[CODE]`)."""

    CANNOT_OPEN = "E001"
    INVALID_JSON = "E002"
    NOT_AN_OBJECT = "E003"
    FIELD_NOT_FOUND = "E004"
    MISSING_FIELD = "E005"
    WRONG_TYPE = "E006"
    EMPTY_SAMPLES = "E007"
    NO_RECORDS = "E008"
    UNREADABLE = "E009"


def _diagnostic(path: str, line: int | None, code: str, message: str, help: str) -> InputFileError:
    where = f"{path}:{line}" if line is not None else path
    return InputFileError(f"{where}: error[{code}] {message}\n  help: {help}")


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# --------------------------------------------------------------------------- fields


def resolve_field(record: dict[str, Any], path: str) -> Any:
    """The value at a dotted `path` (`doc.answer`, `resps.0`) in `record`, or `_MISSING`.

    A key that itself contains dots is matched whole first; digits index into lists.
    """
    if path in record:
        return record[path]
    value: Any = record
    for part in path.split("."):
        if isinstance(value, dict):
            if part not in value:
                return _MISSING
            value = value[part]
        elif isinstance(value, list) and part.lstrip("-").isdigit():
            index = int(part)
            if not -len(value) <= index < len(value):
                return _MISSING
            value = value[index]
        else:
            return _MISSING
    return value


@dataclass(frozen=True)
class Fields:
    """The record fields a run reads, detected on the first record or given by the user."""

    gold: str
    completion: str
    problem_id: str | None = None
    problem_text: str | None = None

    @property
    def grouping(self) -> Grouping:
        """How samples are grouped into problems: by id, by gold + problem text, or by line."""
        if self.problem_id is not None:
            return "id"
        if self.problem_text is not None:
            return "problem_text"
        return "line"

    def to_dict(self) -> dict[str, str | None]:
        return {
            "gold": self.gold,
            "completion": self.completion,
            "problem_id": self.problem_id,
            "problem_text": self.problem_text,
            "grouping": self.grouping,
        }


def _present(record: dict[str, Any], name: str) -> bool:
    return resolve_field(record, name) not in (_MISSING, None)


def _pick(record: dict[str, Any], candidates: tuple[str, ...], accept: Callable[[Any], bool]) -> str | None:
    for name in candidates:
        value = resolve_field(record, name)
        if value is not _MISSING and value is not None and accept(value):
            return name
    return None


def _keys_hint(record: dict[str, Any]) -> str:
    keys = ", ".join(list(record)[:20])
    return f"fields present: {keys}" if keys else "the record is empty"


def detect_fields(
    record: dict[str, Any],
    *,
    gold_field: str | None = None,
    completion_field: str | None = None,
    id_field: str | None = None,
    path: str = "<input>",
    line: int = 1,
) -> Fields:
    """Chooses the gold, completion, id and problem-text fields from the first record.

    Explicit fields win; a field given explicitly must exist in `record`. Raises
    InputFileError (naming `path:line`) when a required field cannot be found.
    """
    for role, given, flag in (
        ("gold", gold_field, "--gold-field"),
        ("completion", completion_field, "--completion-field"),
        ("problem id", id_field, "--id-field"),
    ):
        if given is not None and not _present(record, given):
            raise _diagnostic(
                path, line, ErrorCode.MISSING_FIELD,
                f"{role} field '{given}' (from {flag}) is not in the record",
                f"{_keys_hint(record)}; dotted paths such as doc.answer reach nested fields",
            )

    gold = gold_field or _pick(record, GOLD_FIELDS, lambda v: not isinstance(v, (dict, bool)))
    if gold is None:
        raise _diagnostic(
            path, line, ErrorCode.FIELD_NOT_FOUND,
            f"cannot find the gold answer field (tried {', '.join(GOLD_FIELDS)})",
            f"pass --gold-field NAME; {_keys_hint(record)}",
        )
    completion = completion_field or _pick(
        record, COMPLETION_FIELDS, lambda v: isinstance(v, (str, list))
    )
    if completion is None:
        raise _diagnostic(
            path, line, ErrorCode.FIELD_NOT_FOUND,
            f"cannot find the completion field (tried {', '.join(COMPLETION_FIELDS)})",
            f"pass --completion-field NAME; {_keys_hint(record)}",
        )
    problem_id = id_field or _pick(
        record, ID_FIELDS, lambda v: isinstance(v, (str, int)) and not isinstance(v, bool)
    )
    problem_text = None
    if problem_id is None:
        problem_text = _pick(record, PROBLEM_TEXT_FIELDS, lambda v: isinstance(v, str))
    return Fields(gold, completion, problem_id, problem_text)


# --------------------------------------------------------------------------- records


def _loads(raw: bytes) -> Any:
    if _orjson is not None:
        try:
            return _orjson.loads(raw)
        except _orjson.JSONDecodeError:
            pass  # integers beyond 64 bits, NaN, …: the stdlib decides, so results never differ
    return json.loads(raw)


def _dumps(obj: dict[str, Any]) -> bytes:
    if _orjson is not None:
        try:
            return _orjson.dumps(obj) + b"\n"
        except TypeError:  # ids beyond 64 bits
            pass
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


@contextmanager
def _open_input(path: str) -> Iterator[IO[bytes]]:
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as e:
        raise _diagnostic(
            path, None, ErrorCode.CANNOT_OPEN, f"cannot open the file: {e.strerror or e}",
            "check the path; mathb grade reads JSON Lines, optionally gzip-compressed",
        ) from None
    try:
        magic = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
        if magic[:2] == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=raw) as f:
                yield f
        elif magic == b"\x28\xb5\x2f\xfd":
            raise _diagnostic(
                path, None, ErrorCode.UNREADABLE, "the file is zstd-compressed",
                "decompress it first (zstd -d FILE) or recompress it with gzip",
            )
        else:
            yield raw
    finally:
        raw.close()


def _iter_lines(path: str, f: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    line = 0
    try:
        for line, raw in enumerate(f, 1):
            yield line, raw
    except (OSError, EOFError) as e:
        raise _diagnostic(
            path, line + 1, ErrorCode.UNREADABLE, f"the file cannot be read past here: {e}",
            "the file is truncated or corrupt; regenerate or re-download it",
        ) from None


def _parse_record(path: str, line: int, raw: bytes) -> dict[str, Any]:
    if line == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        record = _loads(raw)
    except ValueError as e:
        stripped = raw.strip()
        if isinstance(e, json.JSONDecodeError):
            detail = f"{e.msg} at column {e.colno}"
        elif isinstance(e, UnicodeDecodeError):
            detail = "the line is not valid UTF-8"
        else:
            detail = str(e)
        if line == 1 and stripped in (b"[", b"{"):
            hint = ("the file looks like one JSON document; mathb grade reads JSON Lines "
                    "(one object per line)")
        else:
            hint = "every non-blank line must be one complete JSON object"
        raise _diagnostic(path, line, ErrorCode.INVALID_JSON, f"invalid JSON: {detail}", hint) from None
    if not isinstance(record, dict):
        raise _diagnostic(
            path, line, ErrorCode.NOT_AN_OBJECT,
            f"the line is {_type_name(record)}, not a JSON object",
            "every non-blank line must be one JSON object holding a gold answer and a completion",
        )
    return record


def _required(path: str, line: int, record: dict[str, Any], field: str, role: str, flag: str) -> Any:
    value = resolve_field(record, field)
    if value is _MISSING or value is None:
        state = "is null" if value is None else "is missing"
        raise _diagnostic(
            path, line, ErrorCode.MISSING_FIELD, f"{role} field '{field}' {state}",
            f"every record needs it (chosen from the first record); fix the line or pass {flag}",
        )
    return value


def _gold_text(path: str, line: int, record: dict[str, Any], field: str) -> str:
    value = _required(path, line, record, field, "gold", "--gold-field")
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise _diagnostic(
        path, line, ErrorCode.WRONG_TYPE,
        f"gold field '{field}' holds {_type_name(value)}, expected a string or a number",
        f"point --gold-field at a string, e.g. --gold-field {field}.0 for a list's first element",
    )


def _completion_texts(path: str, line: int, record: dict[str, Any], field: str) -> list[str]:
    value = _required(path, line, record, field, "completion", "--completion-field")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        if not value:
            raise _diagnostic(
                path, line, ErrorCode.EMPTY_SAMPLES,
                f"completion field '{field}' is an empty list",
                "every record needs at least one completion; drop the line or fill it in",
            )
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise _diagnostic(
                    path, line, ErrorCode.WRONG_TYPE,
                    f"element {i} of completion field '{field}' is {_type_name(item)}, "
                    "expected a string",
                    "a completion field holds one string or a list of strings (one per sample)",
                )
        return value
    raise _diagnostic(
        path, line, ErrorCode.WRONG_TYPE,
        f"completion field '{field}' holds {_type_name(value)}, expected a string or a list of strings",
        "point --completion-field at the model's text",
    )


def _problem_key(
    path: str, line: int, record: dict[str, Any], fields: Fields, gold: str
) -> tuple[Any, Any]:
    """(grouping key, problem_id written to the verdicts) of one record."""
    if fields.problem_id is not None:
        value = _required(path, line, record, fields.problem_id, "problem id", "--id-field")
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise _diagnostic(
                path, line, ErrorCode.WRONG_TYPE,
                f"problem id field '{fields.problem_id}' holds {_type_name(value)}, "
                "expected a string or an integer",
                "point --id-field at a string or integer id",
            )
        return (type(value).__name__, value), value
    if fields.problem_text is not None:
        text = resolve_field(record, fields.problem_text)
        if not isinstance(text, str):
            raise _diagnostic(
                path, line, ErrorCode.MISSING_FIELD,
                f"problem text field '{fields.problem_text}' is missing or not a string",
                "records without an id are grouped by gold + problem text; "
                "pass --id-field to group by an id instead",
            )
        return ("text", gold, text), None
    return ("line", line), line


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
    fields: Fields | None,
    n: np.ndarray,
    c: np.ndarray,
    statuses: Counter[str],
    options: dict[str, Any],
) -> dict[str, Any]:
    """The run summary: sizes, accuracy, pass@k, counts per status, fields and options."""
    samples = int(n.sum())
    return {
        "input": input_path,
        "problems": int(n.size),
        "samples": samples,
        "accuracy": (statuses["correct"] / samples) if samples else None,
        "pass_at_k": pass_at_k_table(n, c),
        "counts": {s: statuses[s] for s in STATUSES},
        "fields": fields.to_dict() if fields else None,
        "options": options,
        "mathb_version": __version__,
    }


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
    A completion field holding a list yields one verdict per element. Raises InputFileError
    (`path:LINE: error[CODE] message` + `help:`) on the first malformed line.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    src = os.fspath(path)
    if output is None or hasattr(output, "write"):
        return _grade_stream(src, output, gold_field, completion_field, id_field,  # type: ignore[arg-type]
                             threads, decimal, min_significant_digits, batch_size, progress)
    with atomic_output(output) as f:  # type: ignore[arg-type]
        return _grade_stream(src, f, gold_field, completion_field, id_field,
                             threads, decimal, min_significant_digits, batch_size, progress)


def _grade_stream(
    path: str,
    out: IO[bytes] | None,
    gold_field: str | None,
    completion_field: str | None,
    id_field: str | None,
    threads: int | None,
    decimal: Literal["rounded", "exact"],
    min_significant_digits: int,
    batch_size: int,
    progress: ProgressCallback | None,
) -> dict[str, Any]:
    fields: Fields | None = None
    # problem key -> [n, c]; dicts keep first-appearance order
    problems: dict[Any, list[int]] = {}
    statuses: Counter[str] = Counter()
    golds: list[str] = []
    completions: list[str] = []
    meta: list[tuple[int, Any, int, list[int]]] = []  # line, problem_id, sample_idx, counts
    done = 0

    def flush() -> None:
        nonlocal done
        if not golds:
            return
        verdicts = grade_batch(
            golds, completions, threads=threads, decimal=decimal,
            min_significant_digits=min_significant_digits,
        )
        lines = []
        for (line, pid, sample_idx, counts), v in zip(meta, verdicts):
            status = v.status
            statuses[status] += 1
            if status == "correct":
                counts[1] += 1
            if out is not None:
                lines.append(_dumps({
                    "line": line, "problem_id": pid, "sample_idx": sample_idx,
                    "status": status, "reason": v.reason, "extracted": v.extracted,
                }))
        if out is not None:
            out.write(b"".join(lines))
        done += len(golds)
        golds.clear()
        completions.clear()
        meta.clear()
        if progress is not None:
            progress(done)

    with _open_input(path) as f:
        for line, raw in _iter_lines(path, f):
            if not raw.strip():
                continue
            record = _parse_record(path, line, raw)
            if fields is None:
                fields = detect_fields(
                    record, gold_field=gold_field, completion_field=completion_field,
                    id_field=id_field, path=path, line=line,
                )
            gold = _gold_text(path, line, record, fields.gold)
            texts = _completion_texts(path, line, record, fields.completion)
            key, pid = _problem_key(path, line, record, fields, gold)
            counts = problems.get(key)
            if counts is None:
                counts = problems[key] = [0, 0]
            if pid is None:  # grouped by problem text: name the problem by its first line
                pid = counts[2] if len(counts) > 2 else line
                if len(counts) == 2:
                    counts.append(line)
            for text in texts:
                golds.append(gold)
                completions.append(text)
                meta.append((line, pid, counts[0], counts))
                counts[0] += 1
            if len(golds) >= batch_size:
                flush()
        flush()

    if fields is None:
        raise _diagnostic(
            path, None, ErrorCode.NO_RECORDS, "the file has no records",
            "mathb grade reads JSON Lines: one JSON object per line",
        )
    n = np.fromiter((v[0] for v in problems.values()), dtype=np.int64, count=len(problems))
    c = np.fromiter((v[1] for v in problems.values()), dtype=np.int64, count=len(problems))
    options = {"decimal": decimal, "min_significant_digits": min_significant_digits}
    return summarize(path, fields, n, c, statuses, options)


__all__ = [
    "COMPLETION_FIELDS",
    "GOLD_FIELDS",
    "ID_FIELDS",
    "PROBLEM_TEXT_FIELDS",
    "ErrorCode",
    "Fields",
    "atomic_output",
    "default_output_path",
    "detect_fields",
    "grade_file",
    "pass_at_k_table",
    "resolve_field",
    "summarize",
    "write_summary",
]
