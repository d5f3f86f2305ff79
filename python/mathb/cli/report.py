"""`mathb report`: plots and tables from `mathb eval` summaries."""

from __future__ import annotations

import argparse
import sys

from .command import Command, ExitStatus, UsageError


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("summaries", nargs="+", metavar="SUMMARY", help="summary.json of mathb eval")
    p.add_argument(
        "-o",
        "--output-dir",
        default="report",
        metavar="DIR",
        help="where report.{png,svg,md,html} go (default: ./report)",
    )


def run(args: argparse.Namespace) -> ExitStatus:
    from pathlib import Path  # imported here: other commands start without it

    from ..report import write_report

    out = Path(args.output_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"cannot write into {out}: it is not a directory")
    paths = write_report(args.summaries, out)
    sys.stdout.write((out / "report.md").read_text(encoding="utf-8"))
    sys.stdout.write("wrote " + ", ".join(str(p) for p in paths.values()) + "\n")
    return ExitStatus.SUCCESS


COMMAND = Command("report", "plots and tables from `mathb eval` summaries", configure, run)
