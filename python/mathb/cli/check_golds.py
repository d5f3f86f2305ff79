"""`mathb check-golds TABLE`: grades every gold answer of a problem table against itself and
against `\\boxed{gold}` and lists the golds that are not `correct`. Exit status 0 when every
gold passes, 1 when some do not (as `mathb check`), 2 for a usage error."""

from __future__ import annotations

import argparse
import json
import sys

from .command import Command, ExitStatus


def configure(p: argparse.ArgumentParser) -> None:
    p.epilog = "exit status: 0 when every gold passes, 1 when some do not, 2 for a usage error"
    p.add_argument(
        "table",
        metavar="TABLE",
        help="a .csv, .parquet or .jsonl table of problems, or a Hugging Face dataset id",
    )
    p.add_argument(
        "--answer-column",
        metavar="NAME",
        help="the column of gold answers (default: answer, gold, expected_answer, "
        "ground_truth or solution, the first there is)",
    )
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")


def run(args: argparse.Namespace) -> ExitStatus:
    from ..goldcheck import check_golds, format_gold_problems, read_golds

    ids, golds, column = read_golds(args.table, args.answer_column)
    failed = check_golds(golds, ids)
    if args.json:
        result = {
            "table": args.table,
            "column": column,
            "golds": len(golds),
            "failed": [f.to_json() for f in failed],
        }
        sys.stdout.write(json.dumps(result, ensure_ascii=False, default=str) + "\n")
    else:
        sys.stdout.write(format_gold_problems(failed, len(golds), args.table))
    return ExitStatus.FAILURE if failed else ExitStatus.SUCCESS


COMMAND = Command(
    "check-golds",
    "grade every gold answer of a table against itself and list those the grader cannot read",
    configure,
    run,
)
