"""Shared pytest fixtures: the test-data folder and a runner for the `mathb` command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# CI runs the same examples every time, so a red build always reproduces.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    """tests/data, the small checked-in dumps."""
    return DATA_DIR


@pytest.fixture
def run_mathb(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Runs `python -m mathb ARGS…` in `tmp_path` and returns the completed process."""

    def run(
        *args: str | os.PathLike[str], cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mathb", *map(str, args)],
            check=False,
            cwd=cwd or tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    return run


@pytest.fixture
def write_jsonl(tmp_path: Path) -> Callable[..., Path]:
    """Writes records (dicts, or raw strings taken verbatim) as a JSON Lines file in tmp_path."""

    def write(name: str, records: Iterable[dict[str, Any] | str]) -> Path:
        path = tmp_path / name
        lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return path

    return write


def read_jsonl(path: Path | str) -> list[dict[str, Any]]:
    """The records of a JSON Lines file (or text), blank lines skipped."""
    text = Path(path).read_text(encoding="utf-8") if isinstance(path, Path) else path
    return [json.loads(line) for line in text.splitlines() if line.strip()]
