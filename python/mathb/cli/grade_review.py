"""The review options of `mathb grade`: what verdict lines show beyond the verdict, which
lines are written, and the comparison with the dump's previous grader."""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..grading import LINE_KINDS, default_output_path
from .command import UsageError


def _line_kinds(text: str) -> str:
    kinds = [w.strip() for w in text.split(",") if w.strip()]
    unknown = [w for w in kinds if w not in LINE_KINDS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(
            f"{text!r}: name line kinds from {', '.join(LINE_KINDS)}, separated by commas"
        )
    return ",".join(kinds)


def add_review_options(p: argparse.ArgumentParser) -> None:
    """Adds --with-gold, --with-completion, --only, --compare-field and --disagreements."""
    review = p.add_argument_group(
        "review",
        "every verdict line names its extraction method; these add to the lines or pick them",
    )
    review.add_argument(
        "--with-gold", action="store_true", help="the gold on every line (default: undecided only)"
    )
    review.add_argument(
        "--with-completion",
        action="store_true",
        help="the completion on every line (default: not written)",
    )
    review.add_argument(
        "--only",
        type=_line_kinds,
        metavar="KINDS",
        help="write only these lines, e.g. 'incorrect,undecided' (from "
        f"{', '.join(LINE_KINDS)}); the summary still counts every sample; not with "
        "--resume (default: every line)",
    )
    review.add_argument(
        "--compare-field",
        metavar="F",
        help="the dump's field holding its previous grader's verdict (score, exact_match, "
        'symbolic_correct: true/false or 1/0): print the agreement, add "previous" to each '
        "line and write the disagreeing lines apart (default: no comparison)",
    )
    review.add_argument(
        "--disagreements",
        metavar="PATH",
        help="where --compare-field writes the disagreeing lines (default: "
        "<verdicts name>.disagreements.jsonl beside the verdicts, or in the current "
        "directory when they go to stdout)",
    )


def disagreements_path(args: argparse.Namespace, output: str | None, first: str) -> str | None:
    """The file the disagreeing lines go to, or None without --compare-field."""
    if args.compare_field is None:
        if args.disagreements is not None:
            raise UsageError("--disagreements needs --compare-field")
        return None
    if args.disagreements is not None:
        path = str(args.disagreements)
        if output is not None and os.path.abspath(path) == os.path.abspath(output):
            raise UsageError("--disagreements and -o name the same file: give two")
        return path
    verdicts = output if output is not None else os.fspath(default_output_path(first))
    stem = verdicts[: -len(".jsonl")] if verdicts.endswith(".jsonl") else verdicts
    stem = stem[: -len(".verdicts")] if stem.endswith(".verdicts") else stem
    return f"{stem}.disagreements.jsonl"


def comparison_rows(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """The rows of the summary table that compare with the previous grader."""
    found = summary.get("comparison")
    if not found:
        return []
    compared = found["compared"]
    if not compared:
        agreement = f"no sample of {found['field']!r} said correct or incorrect"
    else:
        agreeing = found["both_correct"] + found["both_incorrect"]
        agreement = f"{100 * agreeing / compared:.2f}%  ({agreeing:,}/{compared:,} samples)"
    rows = [
        (f"vs {found['field']}", agreement),
        ("  only previous", f"{found['only_previous']:,}  (correct before, not now)"),
        ("  only mathb", f"{found['only_mathb']:,}  (correct now, not before)"),
    ]
    if found["undecided"]:
        rows.append(("  undecided", f"{found['undecided']:,}  (not compared)"))
    if found["missing"]:
        rows.append(("  no value", f"{found['missing']:,}  (not scored by the field)"))
    return rows
