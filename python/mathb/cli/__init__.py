"""The `mathb` command line. Each subcommand registers a parser and a runner in `COMMANDS`:
`grade`, `check`, `check-golds`, `generate`, `eval`, `report`, `bench` and `serve`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .. import InputFileError, InvalidArgumentError, MissingExtraError, __version__
from .bench import COMMAND as BENCH
from .check import COMMAND as CHECK
from .check_golds import COMMAND as CHECK_GOLDS
from .command import Command, ExitStatus, UsageError
from .eval import COMMAND as EVAL
from .eval import format_eval
from .generate import COMMAND as GENERATE
from .grade import COMMAND as GRADE
from .grade import format_summary
from .report import COMMAND as REPORT
from .serve import COMMAND as SERVE

COMMANDS: tuple[Command, ...] = (
    GRADE,
    CHECK,
    CHECK_GOLDS,
    GENERATE,
    EVAL,
    REPORT,
    BENCH,
    SERVE,
)


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, given the terminal width the way `shutil.get_terminal_size`
    finds it, so that every run does not import shutil (and its compression modules)."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def _terminal_columns() -> int:
    """$COLUMNS when set and positive, else the width of the terminal, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0 and sys.__stdout__ is not None:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The top-level parser with one subparser per entry of `COMMANDS`. With `only`, the
    arguments of that subcommand alone are set up (the others keep their name and help):
    a run does not pay for ~100 arguments it will not parse."""
    parser = argparse.ArgumentParser(
        prog="mathb",
        description="Fast, explainable grading of math-model answers.",
        formatter_class=_HelpFormatter,
        # No prefixes standing for options: `--gold` must not mean `--gold-field`.
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"mathb {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        p = sub.add_parser(
            command.name,
            help=command.help,
            description=command.help,
            formatter_class=_HelpFormatter,
            allow_abbrev=False,
        )
        if only is None or command.name == only:
            command.configure(p)
        p.set_defaults(run=command.run)
        _SUBPARSERS[command.name] = p
    return parser


#: The parser of each subcommand, from the last `build_parser`: an unknown option is
#: reported under the usage of the subcommand it was given to.
_SUBPARSERS: dict[str, argparse.ArgumentParser] = {}


def _unrecognized(parser: argparse.ArgumentParser, extras: list[str]) -> str:
    """argparse's message for `extras`, with the closest option of `parser` for each
    unknown one (`--fallback`: did you mean `--no-fallback`?)."""
    import difflib  # only a mistyped command line needs it

    known = [o for o in parser._option_string_actions if o.startswith("--")]
    lines = [f"unrecognized arguments: {' '.join(extras)}"]
    for word in extras:
        if not word.startswith("--"):
            continue
        name = word.split("=", 1)[0]
        # An option the word begins (`--gold` of `--gold-field`) before a similar one.
        close = [o for o in known if o.startswith(name)][:1]
        close = close or difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        if not close:
            close = [o for o in known if name[2:] and name[2:] in o]
        if close:
            lines.append(f"{name}: did you mean {close[0]}?")
    return "\n".join(lines)


def _report_error(error: BaseException) -> None:
    """`mathb failed` and one `Cause:` per link of the exception chain, on stderr."""
    lines = ["mathb failed"]
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        internal = not isinstance(
            link, (InputFileError, InvalidArgumentError, MissingExtraError, UsageError)
        )
        text = str(link) or type(link).__name__
        if internal and str(link):
            text = f"{type(link).__name__}: {text}"
        first, *rest = text.splitlines() or [""]
        lines.append(f"  Cause: {first}")
        lines += [f"    {r.strip()}" for r in rest]
        link = link.__cause__ or (None if link.__suppress_context__ else link.__context__)
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()


def _silence_stdout() -> None:
    # After EPIPE, the interpreter's final flush of stdout would fail again; point it at devnull.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the `mathb` command line and returns its exit status."""
    words = sys.argv[1:] if argv is None else list(argv)
    # The subcommand is the first word that is not an option (the top-level options take
    # no value); an unknown one gets the full parser and its "invalid choice" message.
    named = next((w for w in words if not w.startswith("-")), None)
    parser = build_parser(named if named in {c.name for c in COMMANDS} else None)
    args, extras = parser.parse_known_args(words)
    if extras:
        sub = _SUBPARSERS.get(args.command or "", parser)
        sub.error(_unrecognized(sub, extras))
    if args.command is None:
        parser.print_help(sys.stderr)
        return ExitStatus.USAGE
    try:
        return int(args.run(args))
    except BrokenPipeError:
        _silence_stdout()
        return ExitStatus.SUCCESS
    except KeyboardInterrupt:
        return 130
    except (InputFileError, InvalidArgumentError, UsageError) as e:
        _report_error(e)
        return ExitStatus.USAGE
    except (MissingExtraError, OSError) as e:
        # The environment, not mathb: a missing extra, a full disk, a file it may not
        # read or write. Exit 2 like a usage error; 1 stays for mathb's own failures.
        _report_error(e)
        return ExitStatus.USAGE
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001 - also a core panic (PanicException)
        _report_error(e)
        if os.environ.get("MATHB_BACKTRACE"):
            import traceback

            traceback.print_exception(e, file=sys.stderr)
        return ExitStatus.FAILURE


__all__ = [
    "COMMANDS",
    "Command",
    "ExitStatus",
    "UsageError",
    "build_parser",
    "format_eval",
    "format_summary",
    "main",
]
