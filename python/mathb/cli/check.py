"""`mathb check GOLD ANSWER`: grades one pair from the shell and, with `--explain`, says how:
where the answer was found, how both sides were read, the rule that decided, and which
option would change the verdict. Exit status 0 when the verdict is correct, 1 when it is not
(as `grep` and `diff` use 1), 2 for a usage error."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .command import Command, ExitStatus
from .grading_options import add_grading_options, grading_options


def configure(p: argparse.ArgumentParser) -> None:
    p.epilog = "exit status: 0 when the verdict is correct, 1 when it is not, 2 for a usage error"
    p.add_argument("gold", metavar="GOLD", help="the gold answer ('-' reads it from stdin)")
    p.add_argument(
        "answer",
        metavar="ANSWER",
        help="the completion, whose final answer is extracted ('-' reads it from stdin)",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="also show the extraction method and span, how both sides were parsed, and the "
        "options that would change the verdict",
    )
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.add_argument(
        "--verify",
        action="store_true",
        help="ANSWER is already the final answer (as mathb.verify): no search in prose",
    )
    p.add_argument(
        "--choices",
        nargs="+",
        metavar="OPTION",
        help="the options of a multiple-choice question (A, B, … by position); GOLD then "
        "names the right one by letter or text (default: no options)",
    )
    grading = p.add_argument_group("grading (as in mathb grade)")
    add_grading_options(grading)


def _read(value: str, stdin_used: list[bool]) -> str:
    """The argument, or stdin's text for '-' (once: both sides cannot come from stdin)."""
    if value != "-":
        return value
    if stdin_used:
        from .command import UsageError

        raise UsageError("only one of GOLD and ANSWER can be '-' (stdin)")
    stdin_used.append(True)
    return sys.stdin.read().rstrip("\n")


def run(args: argparse.Namespace) -> ExitStatus:
    from ..explain import explain_pair

    stdin_used: list[bool] = []
    gold, answer = _read(args.gold, stdin_used), _read(args.answer, stdin_used)
    result = explain_pair(
        gold,
        answer,
        extracted=args.verify,
        choices=args.choices,
        **grading_options(args),
    )
    if args.json:
        shown = result if args.explain else {k: result[k] for k in _VERDICT_KEYS}
        sys.stdout.write(json.dumps(shown, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_check(result, answer, explain=args.explain))
    return ExitStatus.SUCCESS if result["status"] == "correct" else ExitStatus.FAILURE


_VERDICT_KEYS = ("status", "reason", "extracted", "decided_by")


def format_check(result: dict[str, Any], answer: str, *, explain: bool) -> str:
    """The verdict (and with `explain` how it was reached) as aligned lines."""
    rows: list[tuple[str, str]] = [
        ("status", result["status"]),
        ("reason", result["reason"]),
        ("extracted", _shown(result["extracted"])),
    ]
    if result["decided_by"] != "core":
        rows.append(("decided by", result["decided_by"]))
    if explain:
        method = result["method"] or "none"
        span = result["span"]
        where = f"characters {span[0]}–{span[1]} of {len(answer)}" if span else "not as written"
        rows.append(("method", f"{method}  ({where})" if result["method"] else method))
        rows.append(("gold read", _reading(result["gold_parsed"], result["gold_error"])))
        if result["method"] is not None:
            rows.append(("answer read", _reading(result["answer_parsed"], result["answer_error"])))
        changes = result["changes"]
        if not changes:
            rows.append(("changes", "no single option changes the status"))
        for i, change in enumerate(changes):
            rows.append(
                (
                    "changes" if i == 0 else "",
                    f"{change['option']} -> {change['status']} ({change['reason']})",
                )
            )
    width = max(len(name) for name, _ in rows)
    return "".join(f"{name:<{width}}  {value}\n" for name, value in rows)


def _shown(text: str | None) -> str:
    return "(none)" if text is None else text


def _reading(parsed: str | None, error: str | None) -> str:
    return parsed if parsed is not None else f"(not read: {error})"


COMMAND = Command("check", "grade one gold/answer pair and explain the verdict", configure, run)
