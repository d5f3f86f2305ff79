"""The floor every throughput bench compares mathb with: reading a JSON Lines file and
parsing each record, doing nothing else. One definition, so that every bench's ratio is
against the same loop."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any


def parse_loop(path: Path, loads: Callable[[bytes], Any] = json.loads) -> int:
    """Reads `path` and parses each non-blank line with `loads`; the records parsed."""
    n = 0
    with path.open("rb") as f:
        for line in f:
            if line.strip():
                loads(line)
                n += 1
    return n


def orjson_loop(path: Path) -> int:
    """`parse_loop` with orjson, the fastest parser on PyPI: the floor the ratios use."""
    import orjson  # a bench without orjson never calls this

    return parse_loop(path, orjson.loads)
