"""The `mathb` command line. Each subcommand registers a parser and a runner in `COMMANDS`:
`grade`, `generate`, `eval`, `report` and `bench`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import IO, Any

from . import InputFileError, InvalidArgumentError, MissingExtraError, __version__
from . import generate as _generate
from .argtypes import non_negative_int, positive_int
from .grading import (
    DEFAULT_BATCH_SIZE,
    STATUSES,
    GradeProgress,
    default_output_path,
    grade_file,
    write_summary,
)


class ExitStatus(IntEnum):
    """0: the run completed (wrong answers are results); 1: mathb itself failed; 2: bad input."""

    SUCCESS = 0
    FAILURE = 1
    USAGE = 2


class UsageError(Exception):
    """The command line asks for something impossible (exit status 2)."""


@dataclass(frozen=True)
class Command:
    """A subcommand: adds its arguments to a parser, and runs on the parsed namespace."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], ExitStatus]


# --------------------------------------------------------------------------- argument types


def _level(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"must lie strictly between 0 and 1, got {value}")
    return value


# --------------------------------------------------------------------------- grade


def _configure_grade(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "file",
        metavar="FILE",
        help="JSON Lines dump (plain, .gz or .zst), Parquet, a directory of shards, a quoted "
        "glob ('shards/*.jsonl.zst'), or '-' for stdin",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="verdicts file (default: <FILE name>.verdicts.jsonl in the current directory; "
        "'-' writes them to stdout and the table to stderr)",
    )
    p.add_argument("--summary", metavar="PATH", help="also write the summary as JSON to PATH")
    fields = p.add_argument_group(
        "fields", "detected on the first record unless given; dotted paths reach nested fields"
    )
    fields.add_argument("--gold-field", metavar="F", help="gold answer field, e.g. doc.answer")
    fields.add_argument(
        "--completion-field",
        metavar="F",
        help="completion field: a string, or a list of strings (one verdict per element)",
    )
    fields.add_argument("--id-field", metavar="F", help="problem id field")
    grading = p.add_argument_group("grading")
    grading.add_argument(
        "--threads",
        type=positive_int,
        metavar="N",
        help="worker threads (default: all cores; MATHB_PARALLELISM=0 forces one)",
    )
    grading.add_argument(
        "--decimal",
        choices=("rounded", "exact"),
        default="rounded",
        help="'rounded' accepts a decimal that is the exact value rounded to its places "
        "(0.333 for 1/3); 'exact' wants equal values (default: rounded)",
    )
    grading.add_argument(
        "--min-significant-digits",
        type=non_negative_int,
        default=3,
        metavar="N",
        help="significant digits such a rounded decimal needs (default: 3)",
    )
    grading.add_argument(
        "--decimal-places",
        type=non_negative_int,
        metavar="M",
        help="compare decimals at no more than M places (Math-Verify's precision)",
    )
    grading.add_argument(
        "--extract",
        choices=("strict", "standard", "lenient"),
        default="standard",
        help="where answers are looked for without a box or anchor: 'strict' nowhere, "
        "'standard' the last math of the final paragraph, 'lenient' also a plain number "
        "(default: standard)",
    )
    grading.add_argument(
        "--no-relation-as-set",
        dest="relation_as_set",
        action="store_false",
        help="do not read one-variable inequalities as their solution sets",
    )
    grading.add_argument(
        "--no-fallback",
        dest="fallback",
        action="store_false",
        help="leave undecided verdicts undecided (default: settle them with the sympy "
        "fallback when mathb[fallback] is installed)",
    )
    grading.add_argument(
        "--loose-variables",
        dest="strict_variables",
        action="store_false",
        help="accept answers equal up to a renaming of their variables",
    )
    grading.add_argument(
        "--batch-size",
        type=positive_int,
        default=DEFAULT_BATCH_SIZE,
        metavar="N",
        help=argparse.SUPPRESS,
    )
    p.add_argument(
        "-q", "--quiet", action="store_true", help="no table and no progress line on stderr"
    )


def _fallback_installed() -> bool:
    try:
        from .sympy_judge import require_sympy

        require_sympy()
    except ImportError:
        return False
    return True


def _run_grade(args: argparse.Namespace) -> ExitStatus:
    to_stdout = args.output == "-"
    output: Path | None = None if to_stdout else Path(args.output or default_output_path(args.file))
    if output is not None and args.file != "-":
        _check_output(Path(args.file), output)
    elif output is not None:
        _check_output(Path(os.devnull), output)
    if args.summary is not None:
        _check_output(Path(args.file), Path(args.summary))
    report = sys.stderr if to_stdout else sys.stdout
    progress = _Progress(sys.stderr) if not args.quiet and sys.stderr.isatty() else None
    started = time.perf_counter()
    try:
        summary = grade_file(
            args.file,
            sys.stdout.buffer if to_stdout else output,
            gold_field=args.gold_field,
            completion_field=args.completion_field,
            id_field=args.id_field,
            threads=args.threads,
            decimal=args.decimal,
            min_significant_digits=args.min_significant_digits,
            decimal_places=args.decimal_places,
            extract=args.extract,
            relation_as_set=args.relation_as_set,
            strict_variables=args.strict_variables,
            fallback=args.fallback and _fallback_installed(),
            batch_size=args.batch_size,
            progress_detail=progress,
            progress_interval=0.5,
        )
        if to_stdout:
            sys.stdout.flush()
    finally:
        if progress is not None:
            progress.close()
    elapsed = time.perf_counter() - started
    if args.summary is not None:
        write_summary(summary, args.summary)
    if not args.quiet:
        report.write(format_summary(summary, "<stdout>" if to_stdout else str(output), elapsed))
        report.flush()
    return ExitStatus.SUCCESS


def _check_output(source: Path, target: Path) -> None:
    if target.is_dir():
        raise UsageError(f"cannot write {target}: it is a directory")
    if not target.parent.is_dir():
        raise UsageError(f"cannot write {target}: directory {target.parent} does not exist")
    if not os.access(target.parent, os.W_OK):
        raise UsageError(f"cannot write {target}: directory {target.parent} is not writable")
    if target.exists() and source.exists() and os.path.samefile(source, target):
        raise UsageError(f"refusing to overwrite the input file {source} with outputs")


class _Progress:
    """samples/s, ETA (when the input size is known) and counts per status on one
    self-rewriting stderr line; the core calls it about twice a second."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.start = time.perf_counter()
        self.drawn = False

    def __call__(self, p: GradeProgress) -> None:
        elapsed = max(time.perf_counter() - self.start, 1e-9)
        rate = p.samples / elapsed
        parts = [f"  graded {p.samples:,} samples  ({rate:,.0f} samples/s"]
        if p.bytes_total:
            done = min(p.bytes_read / p.bytes_total, 1.0)
            eta = elapsed * (1 - done) / done if done > 0 else float("inf")
            parts.append(f", {100 * done:.0f}% read, ETA {_duration(eta)}")
        parts.append(")  ")
        parts.append("  ".join(f"{s} {n:,}" for s, n in zip(STATUSES, p.counts) if n))
        self.stream.write("\r\033[K" + "".join(parts))
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _duration(seconds: float) -> str:
    if seconds == float("inf"):
        return "?"
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def _percent(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.2f}%"


def format_summary(summary: dict[str, Any], output: str, elapsed: float | None = None) -> str:
    """The summary as the aligned table `mathb grade` prints."""
    fields = summary["fields"]
    grouping = {
        "id": f"by {fields['problem_id']}",
        "problem_text": f"by {fields['gold']} + {fields['problem_text']}",
        "line": "one problem per line",
    }[fields["grouping"]]
    counts = summary["counts"]
    rows: list[tuple[str, str]] = [
        ("fields", f"gold={fields['gold']}  completion={fields['completion']}"),
        ("records", f"{summary['records']:,}"),
        ("problems", f"{summary['problems']:,}  ({grouping})"),
        ("samples", f"{summary['samples']:,}"),
        (
            "accuracy",
            f"{_percent(summary['accuracy'])}  ({counts['correct']:,}/{summary['samples']:,})",
        ),
    ]
    rows += [(f"pass@{k}", _percent(v)) for k, v in summary["pass_at_k"].items()]
    rows += [(f"maj@{k}", _percent(v)) for k, v in summary.get("maj_at_k", {}).items()]
    rows += [(status, f"{count:,}") for status, count in counts.items()]
    settled = summary.get("fallback", {})
    if settled.get("sent"):
        rows.append(
            ("fallback", f"{settled['settled']:,} of {settled['sent']:,} undecided settled")
        )
    if elapsed is not None:
        rate = summary["samples"] / elapsed if elapsed > 0 else 0.0
        rows.append(("time", f"{elapsed:.2f} s  ({rate:,.0f} samples/s)"))
    width = max(len(name) for name, _ in rows)
    lines = [f"mathb {summary['mathb_version']}: {summary['input']} -> {output}"]
    lines += [f"  {name:<{width}}  {value}" for name, value in rows]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- eval


def _configure_eval(p: argparse.ArgumentParser) -> None:
    source = p.add_argument_group("model", "a dump of the model's samples (or, later, a model)")
    source.add_argument("--samples", metavar="FILE", help="the model's JSON Lines dump")
    source.add_argument("--name", metavar="NAME", help="model name (default: the dump's name)")
    source.add_argument("--model", metavar="M", help="generate samples with M (needs generate)")
    base = p.add_argument_group("base", "one of: a base dump, or a dataset's unsolved column")
    base.add_argument("--base-samples", metavar="FILE", help="the base model's JSON Lines dump")
    base.add_argument(
        "--base-column",
        metavar="B",
        help="base model B of the dataset: its `B_unsolved` column is the base's failures",
    )
    base.add_argument("--base-name", metavar="NAME", help="base name shown in tables")
    base.add_argument("--base-model", metavar="B", help="generate base samples (needs generate)")
    data = p.add_argument_group("dataset")
    data.add_argument(
        "--dataset",
        metavar="PATH_OR_ID",
        help="MATH-Beyond table: .csv/.parquet/.jsonl, or a Hugging Face id such as "
        "brendel-group/MATH-Beyond; dump problem ids are its id column or 0-based row numbers",
    )
    data.add_argument("--subset", choices=("math-b-i", "math-b-u"), help="restrict to a subset")
    data.add_argument(
        "--unsolved-by",
        action="append",
        default=[],
        metavar="M",
        help="keep problems model M never solved (repeat: all of them)",
    )
    data.add_argument("--id-field", metavar="F", help="problem id field of the dumps")
    stats = p.add_argument_group("statistics")
    stats.add_argument(
        "-k",
        type=positive_int,
        nargs="+",
        metavar="K",
        help="k values of the curves (default: every k from 1 to the fewest samples)",
    )
    stats.add_argument(
        "--resamples", type=positive_int, default=1000, metavar="N", help="bootstrap resamples"
    )
    stats.add_argument("--seed", type=non_negative_int, default=0, help="bootstrap seed")
    stats.add_argument("--level", type=_level, default=0.95, help="interval level (0.95)")
    p.add_argument("--threads", type=positive_int, metavar="N", help="grading threads")
    p.add_argument(
        "-o",
        "--output",
        default="summary.json",
        metavar="PATH",
        help="summary file (default: summary.json); the verdicts go beside it as "
        "<name>.model.verdicts.jsonl and <name>.base.verdicts.jsonl",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no table")


def _run_eval(args: argparse.Namespace) -> ExitStatus:
    from .evaluation import EvalConfig, evaluate, verdicts_path
    from .grading import write_summary

    if args.model is not None or args.base_model is not None:
        raise UsageError(
            "--model/--base-model are not available yet: they need `mathb generate`; "
            "generate the dumps elsewhere and pass --samples/--base-samples"
        )
    if args.samples is None:
        raise UsageError("give --samples FILE (the model's dump)")
    if (args.base_samples is None) == (args.base_column is None):
        raise UsageError("give exactly one of --base-samples FILE and --base-column B")
    if args.base_column is not None and args.dataset is None:
        raise UsageError("--base-column needs --dataset (the table that holds the column)")
    output = Path(args.output)
    prefix = str(output.with_suffix("")) if output.suffix == ".json" else str(output)
    targets = [output, verdicts_path(prefix, "model"), verdicts_path(prefix, "base")]
    for source in (args.samples, args.base_samples):
        for target in targets if source is not None else ():
            _check_output(Path(source), target)
    config = EvalConfig(
        samples=args.samples,
        base_samples=args.base_samples,
        base_column=args.base_column,
        dataset=args.dataset,
        name=args.name,
        base_name=args.base_name,
        subset=args.subset,
        unsolved_by=args.unsolved_by,
        id_field=args.id_field,
        ks=args.k,
        resamples=args.resamples,
        seed=args.seed,
        level=args.level,
        threads=args.threads,
        verdicts_prefix=prefix,
    )
    summary = evaluate(config)
    write_summary(summary, output)
    if not args.quiet:
        sys.stdout.write(format_eval(summary, str(output)))
    return ExitStatus.SUCCESS


def _interval(ci: list[float] | None) -> str:
    return "" if ci is None else f"  [{100 * ci[0]:.2f}, {100 * ci[1]:.2f}]"


def format_eval(summary: dict[str, Any], output: str) -> str:
    """The eval summary as the aligned table `mathb eval` prints."""
    sets = summary["set_metrics"]
    curves = summary["curves"]
    level = round(100 * summary["bootstrap"]["level"])
    rows: list[tuple[str, str]] = [
        ("model", f"{summary['model']}  vs base {summary['base']}"),
        ("problems", f"{summary['problems']:,}"),
    ]
    ks = curves["k"]
    shown = sorted({ks[0], ks[-1], *(k for k in ks if k & (k - 1) == 0)}) if ks else []
    for k in shown:
        j = ks.index(k)
        p, m = curves["pass_at_k"], curves["maj_at_k"]
        rows.append(
            (
                f"pass@{k}",
                f"{_percent(p['mean'][j])}{_interval([p['low'][j], p['high'][j]])}"
                f"   maj@{k} {_percent(m['mean'][j])}",
            )
        )
    for name in ("expansion", "shrinkage", "preservation", "out_of_reach"):
        cell = sets[name]
        rows.append(
            (
                name.replace("_", " "),
                f"{_percent(cell['rate'])}  ({cell['count']}/{cell['of']}){_interval(cell['ci'])}",
            )
        )
    width = max(len(name) for name, _ in rows)
    lines = [f"mathb {summary['mathb_version']} eval -> {output}  (intervals: {level}% bootstrap)"]
    lines += [f"  {name:<{width}}  {value}" for name, value in rows]
    lines += [f"  note: {note}" for note in summary["notes"]]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- report


def _configure_report(p: argparse.ArgumentParser) -> None:
    p.add_argument("summaries", nargs="+", metavar="SUMMARY", help="summary.json of mathb eval")
    p.add_argument(
        "-o",
        "--output-dir",
        default="report",
        metavar="DIR",
        help="where report.{png,svg,md,html} go (default: ./report)",
    )


def _run_report(args: argparse.Namespace) -> ExitStatus:
    from .report import write_report

    out = Path(args.output_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"cannot write into {out}: it is not a directory")
    paths = write_report(args.summaries, out)
    sys.stdout.write((out / "report.md").read_text(encoding="utf-8"))
    sys.stdout.write("wrote " + ", ".join(str(p) for p in paths.values()) + "\n")
    return ExitStatus.SUCCESS


# --------------------------------------------------------------------------- bench


def _configure_bench(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "args",
        nargs=argparse.REMAINDER,
        help="arguments of benches/bench_grade.py (try `mathb bench -- --help`)",
    )


def _run_bench(args: argparse.Namespace) -> ExitStatus:
    script = Path(__file__).resolve().parents[2] / "benches" / "bench_grade.py"
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


# --------------------------------------------------------------------------- entry point


COMMANDS: tuple[Command, ...] = (
    Command("grade", "grade a dump of completions", _configure_grade, _run_grade),
    Command(
        "generate",
        "sample completions with vLLM (offline or an OpenAI-compatible server), resumably",
        _generate.configure_parser,
        lambda args: ExitStatus(_generate.run_command(args)),
    ),
    Command(
        "eval",
        "pass@k, maj@k and the solved-set expansion of a model over its base",
        _configure_eval,
        _run_eval,
    ),
    Command(
        "report", "plots and tables from `mathb eval` summaries", _configure_report, _run_report
    ),
    Command(
        "bench",
        "time mathb against Math-Verify and a JSON-reading floor",
        _configure_bench,
        _run_bench,
    ),
)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one subparser per entry of `COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="mathb", description="Fast, explainable grading of math-model answers."
    )
    parser.add_argument("--version", action="version", version=f"mathb {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        command.configure(p)
        p.set_defaults(run=command.run)
    return parser


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
    parser = build_parser()
    args = parser.parse_args(argv)
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
    "build_parser",
    "format_eval",
    "format_summary",
    "main",
]
