"""Where `mathb grade` reads from and writes to: the inputs it refuses up front (compressions
it does not read), the `--threads` ceiling, and which stream carries the
verdicts, the summary JSON and the table."""

from __future__ import annotations

import os
import stat
import sys
from typing import NamedTuple

from .command import UsageError

#: Compressions mathb does not read, by suffix, and the command that decompresses them to
#: stdout (the core also tells the common ones apart by their first bytes, whatever the
#: file's name, stdin included).
_COMPRESSIONS = {
    ".bz2": ("bzip2", "bzcat"),
    ".xz": ("xz", "xzcat"),
    ".lzma": ("lzma", "xzcat"),
    ".lz4": ("lz4", "lz4cat"),
    ".zip": ("zip", "unzip -p"),
    ".7z": ("7z", "7z x -so"),
}


def check_input(spec: str) -> None:
    """Raises UsageError for a file compressed in a way mathb does not read, naming the
    compression (the core would otherwise report its bytes as invalid UTF-8)."""
    if spec == "-" or not os.path.isfile(spec):
        return  # stdin, a directory, a glob, or a missing file the core reports
    lower = spec.lower()
    for suffix, (name, command) in _COMPRESSIONS.items():
        if lower.endswith(suffix):
            raise UsageError(
                f"{spec}: {name} compression is not supported; mathb grade reads plain, gzip "
                f"(.gz) and zstd (.zst) files. Decompress it first, or pipe it: "
                f"{command} {spec} | mathb grade -"
            )


def clamp_threads(threads: int | None) -> int | None:
    """At most 4 threads per core: more only adds memory and switching (a run asked for
    100000 threads started ~31,000 of them). Warns when it lowers the number."""
    if threads is None:
        return None
    ceiling = 4 * (os.cpu_count() or 1)
    if threads > ceiling:
        sys.stderr.write(
            f"warning: --threads {threads} lowered to {ceiling} (4 per core on this machine)\n"
        )
        return ceiling
    return threads


def stdout_is_a_file() -> bool:
    """Whether stdout was redirected to a regular file (`> verdicts.jsonl`)."""
    try:
        return stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        return False


def check_stdout_is_no_input(files: list[str]) -> None:
    """Raises UsageError when stdout is one of the input files (`mathb grade d.jsonl >> d.jsonl`):
    the verdicts would be appended to the dump being read."""
    try:
        out = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        return
    if not stat.S_ISREG(out.st_mode):
        return
    for spec in files:
        try:
            st = os.stat(spec)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == (out.st_dev, out.st_ino):
            raise UsageError(f"refusing to write the verdicts into the input file {spec}")


class Routing(NamedTuple):
    """Where one run writes: `verdicts_to_stdout` (else to a file), `summary_to_stdout`
    (the summary JSON), and `table_to_stderr`."""

    verdicts_to_stdout: bool
    summary_to_stdout: bool
    table_to_stderr: bool


def route(output: str | None, summary: str | None, json_summary: bool, resume: bool) -> Routing:
    """The output rule of `mathb grade`. stdout carries one thing at most:
    - the verdicts with `-o -`, or when no `-o` is given and stdout was redirected to a
      file (`mathb grade FILE > verdicts.jsonl`) and nothing else asks for it;
    - else the summary JSON with `--json` or `--summary -`;
    - else the table (on a terminal or a pipe, with the verdicts in the default file).
    The table goes to stderr whenever stdout carries data (and not at all with `--json`)."""
    summary_out = json_summary or summary == "-"
    if output == "-" and summary_out:
        raise UsageError(
            "-o - and --json / --summary - both write to stdout: give one of them a file"
        )
    if output == "-" and resume:
        raise UsageError("--resume continues a verdicts file: give its path with -o, not '-'")
    to_stdout = output == "-" or (
        output is None and not summary_out and not resume and stdout_is_a_file()
    )
    return Routing(to_stdout, summary_out, to_stdout or summary_out)
