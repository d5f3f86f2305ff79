"""`mathb grade`: grades a dump, writes its verdicts and prints the summary table."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import IO, Any

from ..argtypes import non_negative_int, positive_int
from ..grading import (
    DEFAULT_BATCH_SIZE,
    STATUSES,
    GradeProgress,
    default_output_path,
    grade_file,
    write_summary,
)
from .command import Command, ExitStatus, check_output, percent


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
        "fallback, installed with mathb)",
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
        from ..sympy_judge import require_sympy

        require_sympy()
    except ImportError:
        return False
    return True


def run(args: argparse.Namespace) -> ExitStatus:
    to_stdout = args.output == "-"
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
