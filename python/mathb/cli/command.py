"""What every subcommand shares: the `Command` record, exit statuses, usage errors and the
checks of output paths."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import NamedTuple


class ExitStatus(IntEnum):
    """0: the run completed (wrong answers are results); 1: mathb itself failed; 2: bad input."""

    SUCCESS = 0
    FAILURE = 1
    USAGE = 2


class UsageError(Exception):
    """The command line asks for something impossible (exit status 2)."""


class Command(NamedTuple):
    """A subcommand: adds its arguments to a parser, and runs on the parsed namespace."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], ExitStatus]


def check_output(source: Path, target: Path) -> None:
    """Raises UsageError unless `target` can be written and is not the input `source`."""
    if target.is_dir():
        raise UsageError(f"cannot write {target}: it is a directory")
    if not target.parent.is_dir():
        raise UsageError(f"cannot write {target}: directory {target.parent} does not exist")
    if not os.access(target.parent, os.W_OK):
        raise UsageError(f"cannot write {target}: directory {target.parent} is not writable")
    if target.exists() and source.exists() and os.path.samefile(source, target):
        raise UsageError(f"refusing to overwrite the input file {source} with outputs")


def percent(x: float | None) -> str:
    """A rate as the tables print it: two decimals and a percent sign, or n/a."""
    return "n/a" if x is None else f"{100 * x:.2f}%"
