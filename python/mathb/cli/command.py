"""What every subcommand shares: the `Command` record, exit statuses, usage errors and the
checks of output paths."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from enum import IntEnum
from typing import NamedTuple


class ExitStatus(IntEnum):
    """0: the run completed (wrong answers are results); 1: mathb itself failed; 2: bad
    input, usage or environment (a missing extra, a full disk, a file it may not write)."""

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


def check_output(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Raises UsageError unless `target` can be written and is not the input `source`.
    (os.path rather than pathlib: `mathb grade` starts faster without pathlib.)"""
    source, target = os.fspath(source), os.fspath(target)
    parent = os.path.dirname(target) or "."
    if os.path.isdir(target):
        raise UsageError(f"cannot write {target}: it is a directory")
    if not os.path.isdir(parent):
        raise UsageError(f"cannot write {target}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"cannot write {target}: directory {parent} is not writable")
    if os.path.exists(target) and os.path.exists(source) and os.path.samefile(source, target):
        raise UsageError(f"refusing to overwrite the input file {source} with outputs")


def percent(x: float | None) -> str:
    """A rate as the tables print it: two decimals and a percent sign, or n/a."""
    return "n/a" if x is None else f"{100 * x:.2f}%"
