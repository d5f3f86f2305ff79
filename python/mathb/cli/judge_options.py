"""The judge's options of `mathb grade` (and `mathb eval`): where it is, what it is asked
about, how it is asked; and the pass that runs it on a finished verdicts file."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from ..argtypes import non_negative_int, positive_int
from .command import UsageError

if TYPE_CHECKING:
    from ..judge import JudgeSettings


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {value}")
    return value


def add_judge_options(p: argparse.ArgumentParser) -> None:
    """Adds --judge-endpoint, --judge-model, --judge-on and the judge's client settings."""
    judge = p.add_argument_group(
        "judge",
        "an OpenAI-compatible model asked about the distinct (gold, answer) pairs the rules "
        "leave open, in both orders; it decides only when both replies agree",
    )
    judge.add_argument(
        "--judge-endpoint",
        metavar="URL",
        help="server base URL, e.g. http://localhost:8000/v1 (vllm serve of a verifier or an "
        "instruct model; default: no judge)",
    )
    judge.add_argument(
        "--judge-model",
        metavar="M",
        help="model name the server serves (default: none; needed with --judge-endpoint)",
    )
    judge.add_argument(
        "--judge-on",
        choices=("undecided", "incorrect"),
        default="undecided",
        help="ask about the rules' 'undecided' verdicts, or the 'incorrect' ones too; never "
        "about a rule 'correct' (default: undecided)",
    )
    judge.add_argument(
        "--judge-question-field",
        metavar="F",
        help="the dump's problem text shown to the judge (JSON Lines inputs; default: "
        "problem, question or input when present)",
    )
    judge.add_argument(
        "--judge-concurrency",
        type=positive_int,
        default=8,
        metavar="N",
        help="requests in flight (default: 8)",
    )
    judge.add_argument(
        "--judge-timeout",
        type=_seconds,
        default=120.0,
        metavar="SECONDS",
        help="per request attempt (default: 120)",
    )
    judge.add_argument(
        "--judge-retries",
        type=non_negative_int,
        default=3,
        metavar="N",
        help="retries of a request on connection errors, timeouts and 5xx (default: 3)",
    )
    judge.add_argument(
        "--judge-max-tokens",
        type=positive_int,
        default=1024,
        metavar="N",
        help="tokens per reply (default: 1024)",
    )
    judge.add_argument(
        "--judge-api-key", metavar="KEY", help="bearer token (default: $OPENAI_API_KEY if set)"
    )


def judge_settings(args: argparse.Namespace) -> JudgeSettings | None:
    """The judge the arguments ask for, or None."""
    if args.judge_endpoint is None:
        if args.judge_model is not None:
            raise UsageError("--judge-model needs --judge-endpoint")
        return None
    if not args.judge_model:
        raise UsageError("--judge-endpoint needs --judge-model (the model the server serves)")
    from ..judge import JudgeSettings

    return JudgeSettings(
        endpoint=args.judge_endpoint,
        model=args.judge_model,
        on=args.judge_on,
        concurrency=args.judge_concurrency,
        timeout=args.judge_timeout,
        retries=args.judge_retries,
        max_tokens=args.judge_max_tokens,
        api_key=args.judge_api_key or os.environ.get("OPENAI_API_KEY"),
        question_field=args.judge_question_field,
    )


def run_judge(
    settings: JudgeSettings,
    output: str,
    summary: dict[str, Any],
    files: list[str],
    *,
    ks: list[int],
    with_gold: bool,
    quiet: bool,
) -> dict[str, Any]:
    """The judge's pass over the finished verdicts file `output`: the summary recounted."""
    from ..judge import judge_verdicts, report_judge
    from ..judge_questions import QuestionReader

    if not quiet:
        sys.stderr.write(f"judge: asking {settings.model} at {settings.endpoint} …\n")
        sys.stderr.flush()
    drawn = not quiet and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        sys.stderr.write(f"\r\033[K  judge: {done:,}/{total:,} requests")
        sys.stderr.flush()

    judged = judge_verdicts(
        output,
        summary,
        settings,
        ks=ks,
        keep_gold=with_gold,
        questions=QuestionReader(files, settings.question_field),
        progress=progress if drawn else None,
    )
    if drawn:
        sys.stderr.write("\r\033[K")
    if not quiet:
        report_judge(judged)
    return judged


def judge_rows(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """The summary table's judge rows."""
    judged = summary.get("judge")
    if not judged:
        return []
    sent = summary.get("judge_requests", {})
    decided = judged["samples"]
    return [
        (
            "judge",
            f"{judged['pairs']:,} pairs asked ({judged['on']}): {judged['correct']:,} correct, "
            f"{judged['incorrect']:,} incorrect, {judged['disagreed']:,} disagreed between "
            f"orders, {judged['no_verdict']:,} no verdict, {judged['failed']:,} failed",
        ),
        (
            "judge samples",
            f"{decided['correct']:,} correct, {decided['incorrect']:,} incorrect"
            + (
                f"  ({sent['sent']:,} requests sent, {sent['cached']:,} from the cache"
                + (f", {sent['not_sent']:,} not sent" if sent.get("not_sent") else "")
                + ")"
                if sent
                else ""
            ),
        ),
    ]
