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
    summary_json,
    write_summary,
)
from .command import Command, ExitStatus, UsageError, check_output, percent
from .grade_io import check_input, check_stdout_is_no_input, clamp_threads, route
from .grade_review import add_review_options, comparison_rows, disagreements_path
from .grading_options import add_grading_options, grading_options
from .judge_options import add_judge_options, judge_rows, judge_settings, run_judge


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "file",
        metavar="FILE",
        nargs="+",
        help="JSON Lines dump (plain, .gz or .zst), Parquet, CSV / TSV, a directory of shards, "
        "a glob ('shards/*.jsonl.zst'), or '-' for stdin; several are graded as one dump",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="verdicts file; '-' writes them to stdout and the table to stderr (default: "
        "stdout when it is redirected to a file, else <FILE name>.verdicts.jsonl in the "
        "current directory)",
    )
    p.add_argument(
        "--summary",
        metavar="PATH",
        help="also write the summary as JSON to PATH ('-': stdout, the table then on stderr; "
        "default: no JSON summary)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print the summary as JSON on stdout instead of the table",
    )
    p.add_argument(
        "-k",
        dest="ks",
        type=positive_int,
        action="append",
        default=[],
        metavar="K",
        help="also report pass@K and maj@K, for any K up to the fewest samples of a "
        "problem; repeatable (default: K = 1, 2, 4, …, always reported)",
    )
    p.add_argument(
        "--limit",
        type=positive_int,
        metavar="N",
        help="grade only the first N records (non-blank lines) of the input (default: all)",
    )
    p.add_argument(
        "--duplicates",
        choices=("first", "keep", "error"),
        default="first",
        help="the same (problem, sample_idx) on two lines: count the 'first' only (the "
        "later line's verdict says \"duplicate\": true), 'keep' both, or stop with an "
        "'error'; each is reported on stderr (default: first)",
    )
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
    add_review_options(p)
    fields = p.add_argument_group(
        "fields", "detected on the first record unless given; dotted paths reach nested fields"
    )
    fields.add_argument(
        "--gold-field", metavar="F", help="gold answer field, e.g. doc.answer (default: detected)"
    )
    fields.add_argument(
        "--completion-field",
        metavar="F",
        help="completion field: a string, or a list of strings (one verdict per element; "
        "default: detected)",
    )
    fields.add_argument("--id-field", metavar="F", help="problem id field (default: detected)")
    fields.add_argument(
        "--id-pattern",
        metavar="TEMPLATE",
        help="ids that also number the sample, as batch requests sent one per sample are "
        "named: '{problem}#{sample}' reads q17#0, q17#1 as samples 0, 1 of problem q17, "
        "whose gold --answers then gives (default: ids name problems)",
    )
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
        "id and answer), for dumps without them such as vLLM / OpenAI batch results "
        "(default: the golds of the dump)",
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
    cluster = p.add_argument_group("cluster", "grade on a Ray cluster (pip install 'mathb[ray]')")
    cluster.add_argument(
        "--ray",
        nargs="?",
        const="auto",
        metavar="ADDRESS",
        help="grade the input's shards on the Ray cluster at ADDRESS ('auto': the one this "
        "machine belongs to, else a new local one); verdicts and summary are those of a local "
        "run (default: grade here)",
    )
    cluster.add_argument(
        "--actors",
        type=positive_int,
        metavar="N",
        help="graders on the cluster, each with --threads CPUs (default: the cluster's CPUs "
        "over --threads)",
    )
    add_judge_options(p)
    p.add_argument(
        "-q", "--quiet", action="store_true", help="no table and no progress line on stderr"
    )


def run(args: argparse.Namespace) -> ExitStatus:
    files: list[str] = args.file
    if "-" in files and len(files) > 1:
        raise UsageError("'-' (stdin) cannot be graded together with other files")
    for spec in files:
        check_input(spec)
    _check_distinct(files)
    routing = route(args.output, args.summary, args.json, args.resume)
    to_stdout = routing.verdicts_to_stdout
    if to_stdout:
        check_stdout_is_no_input(files)
    output = None if to_stdout else os.fspath(args.output or default_output_path(files[0]))
    if args.only is not None and args.resume:
        raise UsageError(
            "--only writes some verdict lines and --resume continues a file of all of them: "
            "give one"
        )
    judge = judge_settings(args)
    if judge is not None:
        _check_judge_run(args, to_stdout)
    # The judge reads the gold of the lines it is asked about; the core writes it on the
    # undecided ones only unless told to write it everywhere.
    with_gold = args.with_gold or (judge is not None and judge.on == "incorrect")
    apart = disagreements_path(args, output, files[0])
    for spec in files:
        if apart is not None:
            check_output(spec if spec != "-" else "", apart)
        if output is not None:
            check_output(spec if spec != "-" else "", output)
        if args.summary not in (None, "-"):
            check_output(spec if spec != "-" else "", args.summary)
    threads = clamp_threads(args.threads)
    report = sys.stderr if routing.table_to_stderr else sys.stdout
    progress = _Progress(sys.stderr) if not args.quiet and sys.stderr.isatty() else None
    started = time.perf_counter()
    if args.ray is not None:
        summary = _grade_on_ray(
            args, files, sys.stdout.buffer if to_stdout else output, apart, with_gold
        )
    else:
        summary = _grade_here(args, files, to_stdout, output, threads, progress, apart, with_gold)
    if judge is not None and output is not None:
        summary = run_judge(
            judge,
            output,
            summary,
            files,
            ks=args.ks,
            with_gold=args.with_gold,
            quiet=args.quiet,
        )
    elapsed = time.perf_counter() - started
    if args.summary not in (None, "-"):
        write_summary(summary, args.summary)
    if not args.quiet:
        _report_malformed(summary, args.on_error)
        _report_duplicates(summary)
        _report_retried(summary)
    if routing.summary_to_stdout:
        sys.stdout.write(summary_json(summary))
        sys.stdout.flush()
    if not args.quiet and not args.json:
        report.write(format_summary(summary, "<stdout>" if to_stdout else str(output), elapsed))
        report.flush()
    return ExitStatus.SUCCESS


def _check_judge_run(args: argparse.Namespace, to_stdout: bool) -> None:
    """The judge rewrites a finished verdicts file and recounts the summary from all its
    lines: refused with what writes no such file or counts what it cannot recount."""
    if to_stdout:
        raise UsageError(
            "--judge-endpoint rewrites the verdicts file after grading: give it a path with "
            "-o (not '-', and not stdout redirected without -o)"
        )
    if args.only is not None:
        raise UsageError(
            "--judge-endpoint recounts the summary from every verdict line: --only writes "
            "some of them; give one"
        )
    if args.compare_field is not None:
        raise UsageError(
            "--compare-field counts the rules' verdicts against the previous grader's, "
            "which the judge would change afterwards: give one"
        )


def _grade_on_ray(
    args: argparse.Namespace,
    files: list[str],
    output: str | IO[bytes] | None,
    apart: str | None,
    with_gold: bool,
) -> dict[str, Any]:
    """The run on a Ray cluster: same verdicts and summary as `_grade_here`."""
    from ..distributed import grade_on_ray

    if args.resume or args.limit is not None or args.only is not None or apart is not None:
        raise UsageError(
            "--ray grades whole inputs: --resume, --limit, --only and --disagreements "
            "are for local runs"
        )
    return grade_on_ray(
        files,
        output,
        address=None if args.ray == "auto" else args.ray,
        actors=args.actors,
        cpus_per_actor=args.threads or 1,
        answers=args.answers,
        ks=args.ks,
        gold_field=args.gold_field,
        completion_field=args.completion_field,
        id_field=args.id_field,
        id_pattern=args.id_pattern,
        choices_field=args.choices_field,
        **grading_options(args),
        batch_size=args.batch_size,
        on_error=args.on_error,
        duplicates=args.duplicates,
        with_gold=with_gold,
        with_completion=args.with_completion,
        compare_field=args.compare_field,
    )


def _report_retried(summary: dict[str, Any]) -> None:
    """The shards a Ray run graded again after a worker died, on stderr."""
    retried = summary.get("ray", {}).get("retried", {})
    for name, times in retried.items():
        sys.stderr.write(f"note: {name}: its worker died; graded again ({times} retry)\n")


def _grade_here(
    args: argparse.Namespace,
    files: list[str],
    to_stdout: bool,
    output: str | None,
    threads: int | None,
    progress: _Progress | None,
    apart: str | None,
    with_gold: bool,
) -> dict[str, Any]:
    try:
        summary = grade_file(
            files[0] if len(files) == 1 else files,
            sys.stdout.buffer if to_stdout else output,
            gold_field=args.gold_field,
            completion_field=args.completion_field,
            id_field=args.id_field,
            id_pattern=args.id_pattern,
            choices_field=args.choices_field,
            answers=args.answers,
            threads=threads,
            **grading_options(args),
            batch_size=args.batch_size,
            progress_detail=progress,
            progress_interval=0.5,
            on_error=args.on_error,
            resume=args.resume,
            duplicates=args.duplicates,
            limit=args.limit,
            ks=args.ks,
            with_gold=with_gold,
            with_completion=args.with_completion,
            only=args.only,
            compare_field=args.compare_field,
            disagreements=apart,
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
    return summary


def _check_distinct(files: list[str]) -> None:
    """Refuses a file given twice (`mathb grade a.jsonl shards/*.jsonl` naming a.jsonl again):
    its samples would count twice when they carry no sample_idx to tell repeats by."""
    seen: dict[tuple[int, int], str] = {}
    for spec in files:
        try:
            st = os.stat(spec)
        except OSError:
            continue  # stdin, a glob, or a missing file the core reports
        if not os.path.isfile(spec):
            continue
        first = seen.setdefault((st.st_dev, st.st_ino), spec)
        if first is not spec:
            raise UsageError(f"{spec} is given twice ({first}): give each file once")


def _report_duplicates(summary: dict[str, Any]) -> None:
    """Each duplicate sample found (the first 20), on stderr."""
    found = summary["duplicates"]
    if not found["count"]:
        return
    what = {
        "first": "counted once (the first line)",
        "keep": "counted on every line (--duplicates keep)",
    }.get(found["policy"], "")
    lines = [f"warning: duplicate sample: {note}" for note in found["first"]]
    if found["count"] > len(found["first"]):
        lines.append(f"warning: … and {found['count'] - len(found['first']):,} more")
    lines.append(f"warning: {found['count']:,} duplicate samples, {what}")
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()


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
    if summary.get("avg_at_n") is not None:
        rows.append(("avg@n", percent(summary["avg_at_n"])))
    intervals = summary.get("pass_at_k_ci") or {}
    for k, v in summary["pass_at_k"].items():
        ci = intervals.get(k)
        shown = percent(v) if ci is None else f"{percent(v)}  [{percent(ci[0])}, {percent(ci[1])}]"
        rows.append((f"pass@{k}", shown))
    rows += [(f"maj@{k}", percent(v)) for k, v in summary.get("maj_at_k", {}).items()]
    for k, by_tau in summary.get("g_pass_at_k", {}).items():
        if k == "1":  # every τ gives pass@1 there
            continue
        taus = "  ".join(f"τ={tau} {percent(v)}" for tau, v in by_tau.items())
        rows.append((f"G-Pass@{k}", taus))
    rows += [(f"mG-Pass@{k}", percent(v)) for k, v in summary.get("mg_pass_at_k", {}).items()]
    if summary.get("no_answer_rate") is not None:
        rows.append(("no-answer rate", percent(summary["no_answer_rate"])))
    for status, count in counts.items():
        why = summary.get("no_answer_reasons") or {}
        if status == "no_answer" and count and why:
            split = ", ".join(f"{kind} {n:,}" for kind, n in why.items())
            rows.append((status, f"{count:,}  ({split})"))
        else:
            rows.append((status, f"{count:,}"))
    rows += comparison_rows(summary)
    found = summary.get("duplicates", {})
    if found.get("count"):
        kept = "not counted" if found["policy"] == "first" else "counted"
        rows.append(("duplicates", f"{found['count']:,} samples seen twice ({kept})"))
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
    rows += judge_rows(summary)
    on_ray = summary.get("ray")
    if on_ray:
        retried = sum(on_ray["retried"].values())
        rows.append(
            (
                "ray",
                f"{on_ray['shards']:,} shards on {on_ray['actors']:,} actors"
                + (f"  ({retried:,} graded again after a worker died)" if retried else ""),
            )
        )
    if elapsed is not None:
        rate = summary["samples"] / elapsed if elapsed > 0 else 0.0
        rows.append(("time", f"{elapsed:.2f} s  ({rate:,.0f} samples/s)"))
    width = max(len(name) for name, _ in rows)
    lines = [f"mathb {summary['mathb_version']}: {summary['input']} -> {output}"]
    lines += [f"  {name:<{width}}  {value}" for name, value in rows]
    return "\n".join(lines) + "\n"


COMMAND = Command("grade", "grade a dump of completions", configure, run)
