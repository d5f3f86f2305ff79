"""MATH-Beyond problem sets: loads the table by Hugging Face id or from a local CSV / Parquet /
JSONL file, lists its models (base or post-trained) and selects MATH-B-I, MATH-B-U and the
problems a given model never solved."""

from __future__ import annotations

import csv
import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import InputFileError, InvalidArgumentError, MissingExtraError

HF_ID = "brendel-group/MATH-Beyond"

#: Model prefixes as published, from shared/math-beyond-schema.md.
BASE_MODELS: tuple[str, ...] = (
    "qwen2.5-1.5b",
    "qwen2.5-7b",
    "qwen2.5-math-1.5b",
    "qwen2.5-math-7b",
    "qwen3-4b-base",
    "qwen3_8b_base",
    "r1-1.5b",
    "r1-7b",
    "olmo_7b",
    "olmo_2_1124_7b",
    "llama3.1_8b",
)
#: Post-trained prefix → the base it was trained from (Table 2's pairs and the instruct models).
POST_TRAINED_MODELS: dict[str, str] = {
    "qwen2.5-1.5b-instruct": "qwen2.5-1.5b",
    "qwen2.5-7b-instruct": "qwen2.5-7b",
    "qwen2.5-math-1.5b-instruct": "qwen2.5-math-1.5b",
    "qwen2.5-math-7b-instruct": "qwen2.5-math-7b",
    "qwen3-4b": "qwen3-4b-base",
    "qwen3_8b": "qwen3_8b_base",
    "deepscaler_1.5b_preview": "r1-1.5b",
    "nemotron_research_reasoning_qwen_1.5b_v1": "r1-1.5b",
    "nemotron_1.5b": "r1-1.5b",
    "skywork_or1_7b": "r1-7b",
}
ID_COLUMNS: tuple[str, ...] = ("problem_id", "id", "idx", "unique_id")
REQUIRED_COLUMNS: tuple[str, ...] = ("problem", "answer")

Role = Literal["base", "post-trained", "unknown"]
Subset = Literal["math-b-i", "math-b-u"]

# `<prefix>_unsolved` and `<prefix>_pass@1024`; the separators and spellings seen in the wild
# vary, so the suffix match is loose and every non-canonical spelling is reported.
_UNSOLVED = re.compile(r"^(?P<prefix>.+?)[_\-. ]unsolved$", re.IGNORECASE)
_PASS = re.compile(r"^(?P<prefix>.+?)[_\-. ]pass(?:@|_at_|_)(?P<k>\d+)$", re.IGNORECASE)
_TRUE = frozenset({"true", "1", "yes", "t", "1.0"})
_FALSE = frozenset({"false", "0", "no", "f", "0.0"})


def _canonical(prefix: str) -> str:
    """A spelling-insensitive key: case and the `-`/`_` choice do not matter."""
    return prefix.strip().lower().replace("-", "_")


_KNOWN: dict[str, str] = {_canonical(p): p for p in (*BASE_MODELS, *POST_TRAINED_MODELS)}


@dataclass(frozen=True)
class ModelColumns:
    """The columns of one model: its name, role, and `_unsolved` / `_pass@k` column names."""

    name: str
    role: Role
    unsolved: str | None
    pass_column: str | None
    base: str | None = None  # the base model of a post-trained one, when known


@dataclass
class ProblemSet:
    """A MATH-Beyond table in memory: one list per column, all of the same length.

    `notes` lists what the loader noticed and did not guess about (column spelling variants,
    a model with only one of its two columns, unknown prefixes).
    """

    source: str
    columns: dict[str, list[Any]]
    models: dict[str, ModelColumns]
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.columns["problem"])

    @property
    def ids(self) -> list[Any]:
        """Problem ids: an id column when there is one, otherwise the 0-based row index."""
        for name in ID_COLUMNS:
            if name in self.columns:
                return list(self.columns[name])
        return list(range(len(self)))

    def column(self, name: str) -> list[Any]:
        if name not in self.columns:
            raise InvalidArgumentError(
                f"{self.source} has no column {name!r}; columns: {', '.join(self.columns)}"
            )
        return self.columns[name]

    def model(self, name: str) -> ModelColumns:
        """The model named `name` (spelling-insensitive, see `_canonical`)."""
        found = self.models.get(name) or next(
            (m for m in self.models.values() if _canonical(m.name) == _canonical(name)), None
        )
        if found is None:
            raise InvalidArgumentError(
                f"{self.source} has no model {name!r}; models: {', '.join(self.models) or 'none'}"
            )
        return found

    def unsolved(self, model: str) -> list[bool]:
        """Per row: True where `model` never solved the problem (its `_unsolved` column)."""
        m = self.model(model)
        if m.unsolved is None:
            raise InvalidArgumentError(
                f"{self.source} has no unsolved column for model {m.name!r} "
                f"(only {m.pass_column!r}); mathb does not derive one"
            )
        return list(self.columns[m.unsolved])

    def base_models(self) -> list[str]:
        return [m.name for m in self.models.values() if m.role == "base"]

    def mask(self, *, unsolved_by: Sequence[str] = (), subset: Subset | None = None) -> list[bool]:
        """Per row: unsolved by every model in `unsolved_by` and, for subset="math-b-i", by
        every base model; "math-b-u" (or None) adds no condition."""
        if subset not in (None, "math-b-i", "math-b-u"):
            raise InvalidArgumentError(f"subset must be 'math-b-i' or 'math-b-u', got {subset!r}")
        models = list(unsolved_by)
        if subset == "math-b-i":
            bases = self.base_models()
            if not bases:
                raise InvalidArgumentError(f"{self.source} lists no base model for MATH-B-I")
            models += bases
        keep = [True] * len(self)
        for name in models:
            keep = [k and u for k, u in zip(keep, self.unsolved(name))]
        return keep

    def select(
        self, *, unsolved_by: Sequence[str] = (), subset: Subset | None = None
    ) -> ProblemSet:
        """The rows that `mask` keeps, as a new ProblemSet whose ids stay those of this one."""
        keep = self.mask(unsolved_by=unsolved_by, subset=subset)
        rows = [i for i, k in enumerate(keep) if k]
        columns = {name: [values[i] for i in rows] for name, values in self.columns.items()}
        if not any(name in columns for name in ID_COLUMNS):
            columns = {"problem_id": rows, **columns}  # keep the original row numbers as ids
        return ProblemSet(self.source, columns, self.models, list(self.notes))


# --------------------------------------------------------------------------- loading


def load_problem_set(source: str | os.PathLike[str], *, split: str = "test") -> ProblemSet:
    """Loads a MATH-Beyond-shaped table from a .csv, .parquet, .jsonl/.json file, or, when
    `source` is not an existing path, from the Hugging Face hub by dataset id (needs
    ``pip install 'mathb[datasets]'`` and network access)."""
    text = os.fspath(source)
    path = Path(text)
    if path.exists():
        rows = read_rows(path)
    elif _looks_like_hub_id(text):
        rows = _read_hub(text, split)
    else:
        raise InputFileError(f"{text}: no such file (and not a Hugging Face id like {HF_ID})")
    return _build(text, rows)


def read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The records of a .csv, .parquet or .jsonl/.json table, each with its line number
    (its 1-based row for Parquet), for diagnostics."""
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    suffix = "".join(path.suffixes[-2:]).lower()
    if suffix.endswith(".csv"):
        return _read_csv(path)
    if suffix.endswith(".parquet"):
        return _read_parquet(path)
    if suffix.endswith((".jsonl", ".json")):
        return _read_jsonl(path)
    raise InputFileError(
        f"{path}: unknown problem-set format {path.suffix!r}\n"
        "  help: use a .csv, .parquet or .jsonl file, or a Hugging Face dataset id"
    )


def _looks_like_hub_id(text: str) -> bool:
    """`owner/name` with no file suffix: a missing local file is not sent to the hub."""
    owner, _, name = text.partition("/")
    suffix = Path(name).suffix.lower()
    return (
        bool(owner and name)
        and "/" not in name
        and not text.startswith(".")
        and (suffix not in (".csv", ".parquet", ".jsonl", ".json", ".gz"))
    )


def _read_csv(path: Path) -> list[tuple[int, dict[str, Any]]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = []
        start = 2
        for record in reader:
            if None in record:
                raise InputFileError(f"{path}:{start}: more fields than the header has")
            rows.append((start, dict(record)))
            start = reader.line_num + 1  # multi-line quoted problems span several lines
    return rows


def _read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for line, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except json.JSONDecodeError as e:
                raise InputFileError(f"{path}:{line}: invalid JSON ({e.msg})") from None
            if not isinstance(record, dict):
                raise InputFileError(f"{path}:{line}: expected a JSON object per line")
            rows.append((line, record))
    return rows


def _read_parquet(path: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise MissingExtraError(
            f"{path}: reading Parquet needs pyarrow: pip install 'mathb[parquet]'"
        ) from None
    table = pq.read_table(path).to_pylist()
    # Parquet has no lines; the 1-based row number stands in for one in diagnostics.
    return [(i, dict(r)) for i, r in enumerate(table, 1)]


def _read_hub(dataset_id: str, split: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        import datasets  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise MissingExtraError(
            f"{dataset_id}: loading from the Hugging Face hub needs the datasets package: "
            "pip install 'mathb[datasets]' (or pass a local .csv/.parquet/.jsonl file)"
        ) from None
    try:
        table = datasets.load_dataset(dataset_id, split=split)
    except Exception as e:  # offline, unknown id, no such split: all mean "cannot load"
        raise InputFileError(
            f"{dataset_id}: cannot load split {split!r} from the Hugging Face hub "
            f"({type(e).__name__}: {e})\n  help: download the table and pass the local file"
        ) from e
    return [(i, dict(r)) for i, r in enumerate(table, 1)]


def _build(source: str, rows: list[tuple[int, dict[str, Any]]]) -> ProblemSet:
    if not rows:
        raise InputFileError(f"{source}: the problem set has no rows")
    names = list(rows[0][1])
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise InputFileError(
            f"{source}: missing column(s) {', '.join(missing)}; columns: {', '.join(names)}"
        )
    models, notes = _find_models(names)
    bool_columns = {m.unsolved for m in models.values() if m.unsolved}
    float_columns = {m.pass_column for m in models.values() if m.pass_column}
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for line, record in rows:
        if list(record) != names and set(record) != set(names):
            raise InputFileError(f"{source}:{line}: columns differ from the first row's")
        for name in names:
            value = record[name]
            if name in bool_columns:
                value = _as_bool(source, line, name, value)
            elif name in float_columns:
                value = _as_float(source, line, name, value)
            columns[name].append(value)
    return ProblemSet(source, columns, models, notes)


def _find_models(names: Iterable[str]) -> tuple[dict[str, ModelColumns], list[str]]:
    unsolved: dict[str, str] = {}
    passes: dict[str, str] = {}
    spelled: dict[str, str] = {}  # canonical key → the prefix as first spelled
    notes: list[str] = []
    for name in names:
        for pattern, into in ((_UNSOLVED, unsolved), (_PASS, passes)):
            m = pattern.match(name)
            if m is None:
                continue
            key = _canonical(m["prefix"])
            if key in into:
                notes.append(f"columns {into[key]!r} and {name!r} name one model; kept the first")
                continue
            into[key] = name
            spelled.setdefault(key, m["prefix"])
            if pattern is _PASS and m["k"] != "1024":
                notes.append(f"column {name!r} is pass@{m['k']}, not pass@1024")
    models: dict[str, ModelColumns] = {}
    for key, prefix in spelled.items():
        known = _KNOWN.get(key)
        name = known or prefix
        if known is not None and known != prefix:
            notes.append(f"model columns spelled {prefix!r} read as model {known!r}")
        role: Role = "unknown"
        if known in BASE_MODELS:
            role = "base"
        elif known in POST_TRAINED_MODELS:
            role = "post-trained"
        else:
            notes.append(f"model {prefix!r} is not in the MATH-Beyond schema; role unknown")
        if key not in unsolved:
            notes.append(f"model {name!r} has no unsolved column")
        if key not in passes:
            notes.append(f"model {name!r} has no pass@1024 column")
        base = POST_TRAINED_MODELS.get(known) if known else None
        models[name] = ModelColumns(name, role, unsolved.get(key), passes.get(key), base)
    return models, notes


def _as_bool(source: str, line: int, column: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise InputFileError(
        f"{source}:{line}: column {column!r} holds {value!r}, expected true or false"
    )


def _as_float(source: str, line: int, column: str, value: Any) -> float | None:
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if math.isnan(number) or not 0.0 <= number <= 1.0:
        raise InputFileError(
            f"{source}:{line}: column {column!r} holds {value!r}, expected a rate in [0, 1]"
        )
    return number


__all__ = [
    "BASE_MODELS",
    "HF_ID",
    "POST_TRAINED_MODELS",
    "ModelColumns",
    "ProblemSet",
    "load_problem_set",
]
