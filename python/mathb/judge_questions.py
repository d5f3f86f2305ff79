"""The problem text the judge is shown: read back from the dump's JSON Lines records (plain
or gzip) at the lines the judge is asked about; other inputs give it no question."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from typing import IO, Any

#: Where a problem's text is looked for, as the core looks for it (schema::PROBLEM_TEXT_FIELDS).
QUESTION_FIELDS = ("problem", "question", "input")
_READ_SUFFIXES = (".jsonl", ".json", ".jsonl.gz", ".json.gz", ".ndjson")


def _open(path: str) -> IO[bytes] | gzip.GzipFile:
    with open(path, "rb") as f:
        gzipped = f.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gzipped else open(path, "rb")  # noqa: SIM115


def _numbered(path: str) -> Iterator[tuple[int, bytes]]:
    with _open(path) as f:
        yield from enumerate(f, start=1)


def _field_value(raw: bytes, name: str) -> Any:
    """The value of the top-level `name` of a JSON object line, without parsing the rest:
    inside JSON strings a quote is escaped, so `"name"` followed by a colon is a key."""
    key = json.dumps(name).encode()
    start = 0
    while True:
        at = raw.find(key, start)
        if at < 0:
            return None
        rest = raw[at + len(key) :].lstrip()
        if rest.startswith(b":"):
            text = rest[1:].decode("utf-8", "replace").lstrip()
            try:
                return json.JSONDecoder().raw_decode(text)[0]
            except ValueError:
                return None
        start = at + 1


class QuestionReader:
    """Problem texts by verdict line (`line`, and `file` for a run of several inputs), read
    from the inputs once, at the lines asked for."""

    def __init__(self, specs: list[str], field: str | None = None) -> None:
        self.specs = [s for s in specs if s != "-" and os.path.isfile(s)]
        # Read back: JSON Lines, plain or gzip. Others (zstd, Parquet, CSV) show no question.
        self.readable = {s for s in self.specs if s.lower().endswith(_READ_SUFFIXES)}
        self.field = field
        self.texts: dict[tuple[str, int], str] = {}
        self.wanted: set[tuple[str, int]] = set()
        self.read = False

    def _where(self, v: dict[str, Any]) -> tuple[str, int] | None:
        name = v.get("file") if len(self.specs) > 1 else (self.specs[0] if self.specs else None)
        if not isinstance(name, str) or name not in self.readable:
            return None
        return name, int(v["line"])

    def want(self, v: dict[str, Any]) -> None:
        """Marks the line of verdict `v` as one whose question will be asked for."""
        where = self._where(v)
        if where is not None:
            self.wanted.add(where)

    def __call__(self, v: dict[str, Any]) -> str | None:
        where = self._where(v)
        if where is None:
            return None
        if not self.read:
            self._read_wanted()
        return self.texts.get(where)

    def _read_wanted(self) -> None:
        self.read = True
        for spec in self.specs:
            lines = {line for name, line in self.wanted if name == spec}
            if not lines:
                continue
            try:
                for number, raw in _numbered(spec):
                    if number in lines:
                        text = self._question(raw)
                        if text is not None:
                            self.texts[(spec, number)] = text
            except (OSError, EOFError, UnicodeDecodeError):
                continue  # not a JSON Lines file mathb reads here: no question

    def _question(self, raw: bytes) -> str | None:
        names = (self.field,) if self.field else QUESTION_FIELDS
        for name in names:
            value = _field_value(raw, name)
            if isinstance(value, str) and value.strip():
                return value
        return None


__all__ = ["QUESTION_FIELDS", "QuestionReader"]
