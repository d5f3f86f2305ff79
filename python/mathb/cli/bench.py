"""`mathb bench`: runs benches/bench_grade.py of a source checkout."""

from __future__ import annotations

import argparse
import sys

from .command import Command, ExitStatus, UsageError


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "args",
        nargs=argparse.REMAINDER,
        help="arguments of benches/bench_grade.py (try `mathb bench -- --help`)",
    )


def run(args: argparse.Namespace) -> ExitStatus:
    from pathlib import Path  # imported here: other commands start without it

    # python/mathb/cli/bench.py → the checkout root is three folders up
    script = Path(__file__).resolve().parents[3] / "benches" / "bench_grade.py"
    if not script.is_file():
        raise UsageError(
            f"mathb bench needs a source checkout: {script} is missing "
            "(clone the repository and `pip install -e '.[bench]'`)"
        )
    import runpy

    forwarded = [a for a in args.args if a != "--"]
    sys.argv = [str(script), *forwarded]
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as e:
        return ExitStatus.SUCCESS if e.code in (None, 0) else ExitStatus.FAILURE
    return ExitStatus.SUCCESS


COMMAND = Command(
    "bench", "time mathb against Math-Verify and a JSON-reading floor", configure, run
)
