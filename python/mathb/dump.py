"""The dump schema on the Python side: field names, dotted-path lookup, and the
`path:LINE: error[CODE] message` diagnostics. The Rust core reads and grades dumps
(`_core.grade_stream`); a line it rejects is explained again here, so that messages about
JSON syntax and Unicode read exactly as Python's own parser words them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from . import InputFileError, _core

try:  # optional speed-up; results are identical without it
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the environment
    _orjson = None  # type: ignore[assignment]

#: Candidate fields tried in order on the first record, defined once in the core
#: (mathb-core's schema.rs): generic names first, then those of NeMo-Skills, verl,
#: Qwen2.5-Math/ToRA and evalchemy.
GOLD_FIELDS: tuple[str, ...] = tuple(_core.GOLD_FIELDS)
COMPLETION_FIELDS: tuple[str, ...] = tuple(_core.COMPLETION_FIELDS)
ID_FIELDS: tuple[str, ...] = tuple(_core.ID_FIELDS)
#: Without an id field, records sharing gold and problem text form one problem.
PROBLEM_TEXT_FIELDS: tuple[str, ...] = tuple(_core.PROBLEM_TEXT_FIELDS)

Grouping = Literal["id", "problem_text", "line"]

#: What `resolve_field` returns for a path that is not in the record.
MISSING: Any = object()


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
    RESUME_MISMATCH = "E010"


def diagnostic(path: str, line: int | None, code: str, message: str, help: str) -> InputFileError:
    """`path:LINE: error[CODE] message` with an indented `help:` line, as an InputFileError."""
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
    """The value at a dotted `path` (`doc.answer`, `resps.0`) in `record`, or MISSING.

    A key that itself contains dots is matched whole first; digits index into lists.
    """
    if path in record:
        return record[path]
    value: Any = record
    for part in path.split("."):
        if isinstance(value, dict):
            if part not in value:
                return MISSING
            value = value[part]
        elif isinstance(value, list) and part.lstrip("-").isdigit():
            index = int(part)
            if not -len(value) <= index < len(value):
                return MISSING
            value = value[index]
        else:
            return MISSING
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
    value = resolve_field(record, name)
    return value is not MISSING and value is not None


def _pick(
    record: dict[str, Any], candidates: tuple[str, ...], accept: Callable[[Any], bool]
) -> str | None:
    for name in candidates:
        value = resolve_field(record, name)
        if value is not MISSING and value is not None and accept(value):
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
            raise diagnostic(
                path,
                line,
                ErrorCode.MISSING_FIELD,
                f"{role} field '{given}' (from {flag}) is not in the record",
                f"{_keys_hint(record)}; dotted paths such as doc.answer reach nested fields",
            )

    gold = gold_field or _pick(record, GOLD_FIELDS, lambda v: not isinstance(v, (dict, bool)))
    if gold is None:
        raise diagnostic(
            path,
            line,
            ErrorCode.FIELD_NOT_FOUND,
            f"cannot find the gold answer field (tried {', '.join(GOLD_FIELDS)})",
            f"pass --gold-field NAME; {_keys_hint(record)}",
        )
    completion = completion_field or _pick(
        record, COMPLETION_FIELDS, lambda v: isinstance(v, (str, list))
    )
    if completion is None:
        raise diagnostic(
            path,
            line,
            ErrorCode.FIELD_NOT_FOUND,
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


def loads(raw: bytes, fields: Fields | None = None) -> Any:
    """The JSON value of one line, parsed as the stdlib parses it.

    orjson, when installed, parses lines after the first, but it reads integers beyond
    64 bits as floats; a record whose gold or id came out as a float is parsed again with
    the stdlib, so results never depend on orjson being installed.
    """
    if _orjson is not None and fields is not None:
        try:
            value = _orjson.loads(raw)
        except _orjson.JSONDecodeError:
            pass  # NaN, lone surrogates, …: the stdlib decides
        else:
            if not isinstance(value, dict) or not any(
                isinstance(resolve_field(value, f), float)
                for f in (fields.gold, fields.problem_id)
                if f is not None
            ):
                return value
    return json.loads(raw)


def dumps(obj: dict[str, Any]) -> bytes:
    """One verdict record as a compact JSON line."""
    if _orjson is not None:
        try:
            return _orjson.dumps(obj) + b"\n"
        except TypeError:  # ids beyond 64 bits
            pass
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def parse_record(path: str, line: int, raw: bytes, fields: Fields | None = None) -> dict[str, Any]:
    """The JSON object on `line`; `fields` (once known) lets orjson parse it exactly."""
    if line == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    raw = raw.rstrip(b"\r\n")
    try:
        record = loads(raw, fields)
    except ValueError as e:
        stripped = raw.strip()
        if isinstance(e, json.JSONDecodeError):
            # "Unterminated string starting at" names its column with ours.
            detail = f"{e.msg.removesuffix(' at')} at column {e.pos + 1}"
        elif isinstance(e, UnicodeDecodeError):
            detail = "the line is not valid UTF-8"
        else:
            detail = str(e)
        if line == 1 and stripped in (b"[", b"{"):
            hint = (
                "the file looks like one JSON document; mathb grade reads JSON Lines "
                "(one object per line)"
            )
        elif _cut_short(e):
            hint = (
                "the line ends before its JSON object does: the record is cut short (an "
                "interrupted write?); --on-error skip or record goes on past it"
            )
        else:
            hint = "every non-blank line must be one complete JSON object"
        raise diagnostic(
            path, line, ErrorCode.INVALID_JSON, f"invalid JSON: {detail}", hint
        ) from None
    if not isinstance(record, dict):
        raise diagnostic(
            path,
            line,
            ErrorCode.NOT_AN_OBJECT,
            f"the line is {_type_name(record)}, not a JSON object",
            "every non-blank line must be one JSON object holding a gold answer and a completion",
        )
    return record


def _cut_short(error: ValueError) -> bool:
    """Whether JSON text failed only because it ends too early (what an interrupted writer
    leaves as a file's last line)."""
    if not isinstance(error, json.JSONDecodeError):
        return False
    return error.pos >= len(error.doc.rstrip()) or error.msg.startswith("Unterminated string")


def _required(
    path: str, line: int, record: dict[str, Any], field: str, role: str, flag: str
) -> Any:
    value = resolve_field(record, field)
    if value is MISSING or value is None:
        state = "is null" if value is None else "is missing"
        raise diagnostic(
            path,
            line,
            ErrorCode.MISSING_FIELD,
            f"{role} field '{field}' {state}",
            f"every record needs it (chosen from the first record); fix the line or pass {flag}",
        )
    return value


def gold_text(path: str, line: int, record: dict[str, Any], field: str) -> str:
    """The gold answer of a record as a string (numbers are written with str()); a list of
    accepted answers as their texts joined by newlines (the core encodes it instead)."""
    value = _required(path, line, record, field, "gold", "--gold-field")
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    scalar = (str, int, float)
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, scalar) and not isinstance(v, bool) for v in value)
    ):
        return "\n".join(str(v) for v in value)
    raise diagnostic(
        path,
        line,
        ErrorCode.WRONG_TYPE,
        f"gold field '{field}' holds {_type_name(value)}, "
        "expected a string, a number or a list of them",
        "a list of golds means any of them is correct; point --gold-field at a string, "
        f"e.g. --gold-field {field}.0 for a list's first element",
    )


def completion_texts(path: str, line: int, record: dict[str, Any], field: str) -> list[str]:
    """The completions of a record: one string, or every element of a list of strings."""
    value = _required(path, line, record, field, "completion", "--completion-field")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        if not value:
            raise diagnostic(
                path,
                line,
                ErrorCode.EMPTY_SAMPLES,
                f"completion field '{field}' is an empty list",
                "every record needs at least one completion; drop the line or fill it in",
            )
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise diagnostic(
                    path,
                    line,
                    ErrorCode.WRONG_TYPE,
                    f"element {i} of completion field '{field}' is {_type_name(item)}, "
                    "expected a string",
                    "a completion field holds one string or a list of strings (one per sample)",
                )
        return value
    raise diagnostic(
        path,
        line,
        ErrorCode.WRONG_TYPE,
        f"completion field '{field}' holds {_type_name(value)}, "
        "expected a string or a list of strings",
        "point --completion-field at the model's text",
    )


def problem_key(
    path: str, line: int, record: dict[str, Any], fields: Fields, gold: str
) -> tuple[Any, Any]:
    """(grouping key, problem_id written to the verdicts) of one record.

    Without an id field a problem is named by the line number of its first record.
    """
    if fields.problem_id is not None:
        value = _required(path, line, record, fields.problem_id, "problem id", "--id-field")
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise diagnostic(
                path,
                line,
                ErrorCode.WRONG_TYPE,
                f"problem id field '{fields.problem_id}' holds {_type_name(value)}, "
                "expected a string or an integer",
                "point --id-field at a string or integer id",
            )
        return (type(value).__name__, value), value
    if fields.problem_text is not None:
        text = resolve_field(record, fields.problem_text)
        if not isinstance(text, str):
            raise diagnostic(
                path,
                line,
                ErrorCode.MISSING_FIELD,
                f"problem text field '{fields.problem_text}' is missing or not a string",
                "records without an id are grouped by gold + problem text; "
                "pass --id-field to group by an id instead",
            )
        return ("text", gold, text), line
    return ("line", line), line


def explain_line(
    error: InputFileError, overrides: dict[str, str | None], id_field: str | None
) -> InputFileError:
    """The diagnostic to show for a line the core rejected.

    serde_json words syntax errors its own way and rejects lone UTF-16 surrogates outright;
    for those (E002) the line is checked again here and Python's wording wins. Other codes
    already carry the same message as this module would give.
    """
    raw = getattr(error, "raw", None)
    line = getattr(error, "line", None)
    path = getattr(error, "path", None)
    if getattr(error, "code", None) != ErrorCode.INVALID_JSON or raw is None or line is None:
        return error
    assert isinstance(path, str)
    try:
        record = parse_record(path, line, raw)
        fields = detect_fields(record, **overrides, id_field=id_field, path=path, line=line)
        gold = gold_text(path, line, record, fields.gold)
        texts = completion_texts(path, line, record, fields.completion)
    except InputFileError as e:
        return e
    for role, text in [("gold", gold)] + [("completion", t) for t in texts]:
        try:
            text.encode()
        except UnicodeEncodeError as e:
            escape = f"\\u{ord(text[e.start]):04x}"
            return diagnostic(
                path,
                line,
                ErrorCode.WRONG_TYPE,
                f"the {role} holds a lone surrogate escape ({escape})",
                "JSON strings must be valid Unicode; fix the writer of this file",
            )
    return error


__all__ = [
    "COMPLETION_FIELDS",
    "GOLD_FIELDS",
    "ID_FIELDS",
    "MISSING",
    "PROBLEM_TEXT_FIELDS",
    "ErrorCode",
    "Fields",
    "completion_texts",
    "detect_fields",
    "diagnostic",
    "dumps",
    "explain_line",
    "gold_text",
    "loads",
    "parse_record",
    "problem_key",
    "resolve_field",
]
