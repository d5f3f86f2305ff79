"""`mathb grade`: grades a dump, writes its verdicts and prints the summary table."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import IO, Any

from ..argtypes import positive_int
from ..grading import (
    DEFAULT_BATCH_SIZE,
    STATUSES,
    GradeProgress,
    default_output_path,
    grade_file,
    write_summary,
)
from .command import Command, ExitStatus, UsageError, check_output, percent
from .grading_options import add_grading_options


def configure(p: argparse.ArgumentParser) -> None:
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
    p.add_argument(
        "--on-error",
        choices=("stop", "skip", "record"),
        default="stop",
        help="a malformed record (invalid JSON, a missing or mistyped field, a file that "
        "cannot be read past some line): 'stop' the run with its diagnostic (exit 2), 'skip' "
        "it, or 'record' it as a verdict line with status \"error\"; skipped and recorded "
        "records are counted in the summary (default: stop)",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue the verdicts file an interrupted run left (<output>.partial, or the "
        "finished output): records it holds are counted, not graded again; same input and "
        "options as the first run",
    )
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
    fields.add_argument(
        "--choices-field",
        metavar="F",
        help="options of a multiple-choice question (a list); the gold then names the right "
        "one by index, letter or text (default: choices / options when present)",
    )
    fields.add_argument(
        "--answers",
        metavar="FILE",
        help="gold answers by problem id (JSONL, CSV or Parquet with custom_id / problem_id / "
        "id and answer), for dumps without them such as vLLM / OpenAI batch results",
    )
    grading = p.add_argument_group("grading")
    grading.add_argument(
        "--threads",
        type=positive_int,
        metavar="N",
        help="worker threads (default: all cores; MATHB_PARALLELISM=0 forces one)",
    )
    add_grading_options(grading)
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
        from ..sympy_judge import require_sympy

        require_sympy()
    except ImportError:
        return False
    return True


def run(args: argparse.Namespace) -> ExitStatus:
    to_stdout = args.output == "-"
    if to_stdout and args.resume:
        raise UsageError("--resume continues a verdicts file: give its path with -o, not '-'")
    output = None if to_stdout else os.fspath(args.output or default_output_path(args.file))
    if output is not None and args.file != "-":
        check_output(args.file, output)
    elif output is not None:
        check_output(os.devnull, output)
    if args.summary is not None:
        check_output(args.file, args.summary)
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
            choices_field=args.choices_field,
            answers=args.answers,
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
            on_error=args.on_error,
            resume=args.resume,
        )
        if to_stdout:
            sys.stdout.flush()
    except KeyboardInterrupt:
        if output is not None and os.path.exists(f"{output}.partial"):
            sys.stderr.write(
                f"\ninterrupted: {output}.partial holds the verdicts so far; "
                "the same command with --resume continues it\n"
            )
        raise
    finally:
        if progress is not None:
            progress.close()
    elapsed = time.perf_counter() - started
    if args.summary is not None:
        write_summary(summary, args.summary)
    if not args.quiet:
        _report_malformed(summary, args.on_error)
        report.write(format_summary(summary, "<stdout>" if to_stdout else str(output), elapsed))
        report.flush()
    return ExitStatus.SUCCESS


def _report_malformed(summary: dict[str, Any], on_error: str) -> None:
    """The diagnostics of the malformed records a run went on past, on stderr."""
    count = summary.get("error_records", 0)
    if not count:
        return
    shown: list[str] = summary.get("errors", [])
    lines = [f"warning: {d}" for d in shown]
    if count > len(shown):
        lines.append(f"warning: … and {count - len(shown):,} more")
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()


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


def _records(summary: dict[str, Any]) -> str:
    text = f"{summary['records']:,}"
    skipped = summary.get("skipped_records", 0)
    if skipped:
        flt = summary["fields"].get("lm_eval_filter")
        text += f"  ({skipped:,} skipped: lm-eval lines of filters other than {flt!r})"
    malformed = summary.get("error_records", 0)
    if malformed:
        what = {"record": "written as error lines", "skip": "skipped"}.get(
            summary.get("on_error", ""), "not graded"
        )
        text += f"  ({malformed:,} malformed: {what})"
    return text


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
        ("records", _records(summary)),
        ("problems", f"{summary['problems']:,}  ({grouping})"),
        ("samples", f"{summary['samples']:,}"),
        (
            "accuracy",
            f"{percent(summary['accuracy'])}  ({counts['correct']:,}/{summary['samples']:,})",
        ),
    ]
    rows += [(f"pass@{k}", percent(v)) for k, v in summary["pass_at_k"].items()]
    rows += [(f"maj@{k}", percent(v)) for k, v in summary.get("maj_at_k", {}).items()]
    rows += [(status, f"{count:,}") for status, count in counts.items()]
    if summary.get("resumed_lines"):
        rows.append(("resumed", f"{summary['resumed_lines']:,} verdict lines kept from before"))
    if summary.get("internal_errors"):
        rows.append(
            ("internal errors", f"{summary['internal_errors']:,}  (undecided; please report)")
        )
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


COMMAND = Command("grade", "grade a dump of completions", configure, run)
