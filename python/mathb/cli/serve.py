"""`mathb serve`: the HTTP reward server (see `mathb.serve`)."""

from __future__ import annotations

import argparse

from ..argtypes import positive_int
from .command import Command, ExitStatus
from .grading_options import add_grading_options, grading_options


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument(
        "--port",
        type=int,
        default=5000,
        help="port to listen on; 0 picks a free one (default: 5000)",
    )
    p.add_argument(
        "--threads",
        type=positive_int,
        metavar="N",
        help="grading threads per batch (default: all cores, or MATHB_THREADS)",
    )
    p.add_argument(
        "--max-request-mb",
        type=positive_int,
        default=256,
        metavar="MB",
        help="largest request body accepted (default: 256)",
    )
    scores = p.add_argument_group("rewards")
    scores.add_argument(
        "--correct-score",
        type=float,
        default=1.0,
        metavar="X",
        help="reward of a correct answer (default: 1.0)",
    )
    scores.add_argument(
        "--incorrect-score",
        type=float,
        default=0.0,
        metavar="X",
        help="reward of a wrong or undecided answer (default: 0.0)",
    )
    scores.add_argument(
        "--no-answer-score",
        type=float,
        metavar="X",
        help="reward when no answer was found (default: the incorrect score)",
    )
    add_grading_options(p.add_argument_group("grading"))


def run(args: argparse.Namespace) -> ExitStatus:
    from ..integrations.rewards import Scores
    from ..serve import run_server

    options = grading_options(args)
    if args.threads is not None:
        options["threads"] = args.threads
    scores = Scores(args.correct_score, args.incorrect_score, args.no_answer_score)
    run_server(options, scores, args.host, args.port, args.max_request_mb)
    return ExitStatus.SUCCESS


COMMAND = Command(
    "serve", "an HTTP reward server for RL trainers (OpenRLHF's /get_reward)", configure, run
)
