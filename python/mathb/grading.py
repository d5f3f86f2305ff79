"""Grades a sample dump: the Rust core streams it (read, grade, count, write verdict lines)
with the GIL released; this module wraps that pass and turns its counts into the summary
(accuracy, pass@k, maj@k)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any, Literal, NamedTuple

from . import InvalidArgumentError, __version__, _core
from .fallback_queue import FallbackQueue

if TYPE_CHECKING:
    from pathlib import Path

    from .fallback import SympyFallback

STATUSES: tuple[str, ...] = ("correct", "incorrect", "no_answer", "undecided")
#: Lines graded together; a chunk of 1000-sample list rows still fits in memory.
DEFAULT_BATCH_SIZE = 16384

ProgressCallback = Callable[[int], None]


# --------------------------------------------------------------------------- outputs


@contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A binary file that appears at `path` only if the block completes; removed otherwise.
    A device or pipe at `path` (`/dev/null`, `/dev/stdout`, a FIFO) is written in place:
    renaming a file onto it would replace the device with a regular file."""
    # os.path rather than pathlib: `mathb grade` starts faster without pathlib.
    target = os.fspath(path)
    if os.path.exists(target) and not os.path.isfile(target) and not os.path.isdir(target):
        with open(target, "wb") as out:
            yield out
        return
    # os.urandom, not secrets.token_hex (the same bytes): secrets loads OpenSSL at import.
    folder, name = os.path.split(target)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # umask applies
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as f:
            yield f
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


#: Keys of a `grade_file` summary that tell how this run went, not what the dump holds: a
#: resumed run writes the same summary file as an uninterrupted one.
RUN_ONLY_KEYS = ("resumed_lines", "judge_requests")


def summary_json(summary: dict[str, Any]) -> str:
    """The summary as the indented JSON text `--summary` writes, newline included."""
    import json  # only runs that write a summary need it

    kept = {k: v for k, v in summary.items() if k not in RUN_ONLY_KEYS}
    return json.dumps(kept, indent=2, ensure_ascii=False) + "\n"


def write_summary(summary: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """Writes the summary as indented JSON, atomically."""
    with atomic_output(path) as f:
        f.write(summary_json(summary).encode())


def default_output_path(input_path: str | os.PathLike[str]) -> Path:
    """`<input name without .jsonl/.gz/…>.verdicts.jsonl` in the current directory; a glob
    is named after its directory, stdin (`-`) is `stdin`."""
    from pathlib import Path  # imported here: a run given `-o` starts without it

    spec = os.fspath(input_path)
    path = Path(spec)
    if spec == "-":
        path = Path("stdin")
    elif not path.exists() and any(ch in spec for ch in "*?["):
        path = path.parent if path.parent.name else Path("shards")
    name = path.resolve().name if path.name in ("", ".", "..") else path.name
    for suffix in (".gz", ".zst", ".zstd", ".parquet", ".jsonl", ".json", ".csv", ".tsv"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return Path(f"{name}.verdicts.jsonl")


# --------------------------------------------------------------------------- grading


def pass_at_k_table(
    n: Iterable[int], c: Iterable[int], extra_ks: Iterable[int] = ()
) -> dict[str, float]:
    """Mean unbiased pass@k over problems for k = 1, 2, 4, … up to the smallest n, and for
    each of `extra_ks` up to that n too, in increasing k; `n` and `c` are per-problem counts
    (lists or numpy arrays). The means are summed as numpy's `mean` sums, without importing
    numpy."""
    ns, cs = [int(x) for x in n], [int(x) for x in c]
    if not ns:
        return {}
    fewest = min(ns)
    ks: set[int] = {k for k in extra_ks if 1 <= k <= fewest}
    k = 1
    while k <= fewest:
        ks.add(k)
        k *= 2
    return {str(k): _core.mean_pass_at_k(ns, cs, k) for k in sorted(ks)}


#: The bootstrap of `mathb grade`'s pass@k intervals: resamples of the problems, seed, level.
INTERVAL_RESAMPLES, INTERVAL_SEED, INTERVAL_LEVEL = 1000, 0, 0.95


def pass_at_k_intervals(
    n: Iterable[int], c: Iterable[int], extra_ks: Iterable[int] = ()
) -> dict[str, list[float] | None]:
    """95 % percentile-bootstrap intervals of mean pass@k over problems (1000 resamples of
    the problems, seed 0; computed in the core) at the ks of `pass_at_k_table`."""
    ns, cs = [int(x) for x in n], [int(x) for x in c]
    ks = list(pass_at_k_table(ns, cs, extra_ks))
    found = _core.pass_at_k_intervals(
        ns,
        cs,
        [int(k) for k in ks],
        resamples=INTERVAL_RESAMPLES,
        seed=INTERVAL_SEED,
        level=INTERVAL_LEVEL,
    )
    return {k: (list(ci) if ci is not None else None) for k, ci in zip(ks, found)}


#: The τ grid G-Pass@k_τ is reported at (Liu et al. 2024).
G_PASS_TAUS = (0.25, 0.5, 0.75, 1.0)


def g_pass_at_k_table(
    n: Iterable[int], c: Iterable[int], extra_ks: Iterable[int] = ()
) -> dict[str, dict[str, float]]:
    """Mean G-Pass@k_τ over problems, by k (as `pass_at_k_table` chooses them) then by τ of
    `G_PASS_TAUS`: the chance that at least ⌈τk⌉ of k samples drawn are correct."""
    ns, cs = [int(x) for x in n], [int(x) for x in c]
    return {
        k: {str(tau): _core.mean_g_pass_at_k(ns, cs, int(k), tau) for tau in G_PASS_TAUS}
        for k in pass_at_k_table(ns, cs, extra_ks)
    }


def mg_pass_at_k_table(
    n: Iterable[int], c: Iterable[int], extra_ks: Iterable[int] = ()
) -> dict[str, float]:
    """Mean mG-Pass@k over problems (G-Pass@k_τ averaged over τ in (0.5, 1]) for k ≥ 2."""
    ns, cs = [int(x) for x in n], [int(x) for x in c]
    return {
        k: _core.mean_mg_pass_at_k(ns, cs, int(k))
        for k in pass_at_k_table(ns, cs, extra_ks)
        if int(k) >= 2
    }


class GradeProgress(NamedTuple):
    """How far a run is: samples graded, bytes read of `bytes_total` (None when the input
    size is unknown, e.g. stdin) and samples per status, in `STATUSES` order."""

    samples: int
    bytes_read: int
    bytes_total: int | None
    counts: tuple[int, int, int, int]


def grade_file(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str] | IO[bytes] | None = None,
    *,
    gold_field: str | None = None,
    completion_field: str | None = None,
    id_field: str | None = None,
    choices_field: str | None = None,
    answers: str | os.PathLike[str] | Mapping[Any, Any] | None = None,
    threads: int | None = None,
    decimal: Literal["rounded", "exact"] = "rounded",
    min_significant_digits: int = 3,
    decimal_places: int | None = None,
    extract: Literal["strict", "standard", "lenient"] = "standard",
    relation_as_set: bool = True,
    strict_variables: bool = True,
    fallback: bool | SympyFallback = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback | None = None,
    progress_detail: Callable[[GradeProgress], None] | None = None,
    progress_interval: float = 0.0,
    on_error: Literal["stop", "skip", "record"] = "stop",
    resume: bool = False,
    duplicates: Literal["keep", "first", "error"] = "first",
    limit: int | None = None,
    ks: Iterable[int] = (),
    with_gold: bool = False,
    with_completion: bool = False,
    only: str | Iterable[str] | None = None,
    compare_field: str | None = None,
    disagreements: str | os.PathLike[str] | None = None,
    id_pattern: str | None = None,
) -> dict[str, Any]:
    """Grades every sample of the dump at `path` and returns the summary.

    `path` is a JSON Lines file (plain, gzip or zstd), a Parquet file, a directory of such
    shards or a glob (read in name order), or `-` for stdin. The whole pass (reading,
    grading, counting, writing verdict lines) runs in the Rust core with the GIL released.
    `output` is a path (written in input order to `<output>.partial` and renamed into place
    only when the whole input was read without error), a binary stream (written chunk by
    chunk), or None for no verdicts. Blank lines are skipped and not counted; every other
    line must be a JSON object. A completion field holding a list yields one verdict per
    element. A malformed line raises InputFileError (`path:LINE: error[CODE] message` +
    `help:`) with `on_error="stop"`; `"skip"` leaves it out and `"record"` writes a
    `"status": "error"` line for it, both counting it (`error_records`, and the first
    diagnostics in `errors`). `resume=True` continues the partial (or finished) verdicts
    file of an earlier run on the same input, grading only the records it lacks; the
    result is the same file and summary as one uninterrupted run's. `batch_size` is the
    number of lines graded together. `fallback` (True or a `SympyFallback`) settles
    the undecided verdicts with sympy as the run goes, chunk by chunk, so verdict lines
    (files and streams), counts, pass@k and maj@k all carry the settled verdicts. `answers` (a
    mapping, or a JSONL / CSV / Parquet table of id and answer) supplies the gold of dumps
    that hold none, such as vLLM / OpenAI batch results, by problem id (`custom_id`).
    `choices_field` names the options of multiple-choice questions (detected among
    `choices` / `options` otherwise; see `mathb.grade`'s ``choices``).
    `progress(samples_done)` and `progress_detail` are called at most every
    `progress_interval` seconds and once at the end.

    `path` may also be a list of such paths, read in turn as one dump; verdict lines then
    carry a `file` field (as for a directory or glob) and their `line` counts within it.
    A record's own `sample_idx` is echoed in its verdict line. The same (problem,
    sample_idx) on two lines is a duplicate: `duplicates="first"` counts the first line only
    (the later one's verdict line says `"duplicate": true`), `"keep"` counts both, `"error"`
    stops the run (E011); the summary's `duplicates` tells how many and where. `limit`
    grades only the first `limit` records; `ks` adds pass@k and maj@k at those k.

    Every verdict line names its extraction `method` (null when nothing was extracted).
    `with_gold` and `with_completion` add the gold and the completion to every line.
    `only` (statuses, `"error"`, `"skipped"`; a list or a comma-separated string) writes
    only those lines: a filter the caller asks for, which changes no count, and which a
    resumed run (`resume`) cannot continue. `compare_field` names the dump's field holding
    its previous grader's verdict (`score`, `exact_match`, `symbolic_correct`: true/false or
    1/0): each line then says `"previous"`, the summary's `comparison` counts agreement,
    and the disagreeing lines are also written to `disagreements` when given.

    `id_pattern` reads ids that also number the sample, as batch requests sent one per
    sample are named: `"{problem}#{sample}"` makes `q17#0` and `q17#1` samples 0 and 1 of
    problem `q17` (the gold from `answers` is then looked up by `q17`).
    """
    if batch_size < 1:
        raise InvalidArgumentError("batch_size must be at least 1")
    if on_error not in ("stop", "skip", "record"):
        raise InvalidArgumentError(f"on_error must be stop, skip or record, not {on_error!r}")
    if resume and not isinstance(output, (str, os.PathLike)):
        raise InvalidArgumentError("resume needs the path of the verdicts file as output")
    if duplicates not in ("keep", "first", "error"):
        raise InvalidArgumentError(f"duplicates must be keep, first or error, not {duplicates!r}")
    if limit is not None and limit < 1:
        raise InvalidArgumentError("limit must be at least 1")
    only_list = _line_kinds(only)
    if only_list is not None and resume:
        raise InvalidArgumentError(
            "resume continues a file of every verdict line: it cannot be combined with only"
        )
    if disagreements is not None and compare_field is None:
        raise InvalidArgumentError("disagreements are written only with compare_field")
    specs = (
        [os.fspath(path)] if isinstance(path, (str, os.PathLike)) else [os.fspath(p) for p in path]
    )
    if not specs:
        raise InvalidArgumentError("no input given")
    if disagreements is not None:
        _check_not_an_input(os.fspath(disagreements), specs)
    spec = specs[0] if len(specs) == 1 else " ".join(specs)

    def on_progress(samples: int, bytes_read: int, total: int | None, counts: list[int]) -> None:
        if progress is not None:
            progress(samples)
        if progress_detail is not None:
            c = (counts[0], counts[1], counts[2], counts[3])
            progress_detail(GradeProgress(samples, bytes_read, total, c))

    options: dict[str, Any] = {
        "decimal": decimal,
        "min_significant_digits": min_significant_digits,
        "decimal_places": decimal_places,
        "extract": extract,
        "relation_as_set": relation_as_set,
        "strict_variables": strict_variables,
    }
    target: str | IO[bytes] | None = (
        os.fspath(output) if isinstance(output, (str, os.PathLike)) else output
    )
    fallback_round = None if fallback is False else FallbackQueue(fallback)
    if isinstance(target, str):
        from . import partial

        table = os.fspath(answers) if isinstance(answers, (str, os.PathLike)) else None
        settings: dict[str, Any] = {
            "input": spec,
            "fields": [gold_field, completion_field, id_field, choices_field],
            **({"id_pattern": id_pattern} if id_pattern is not None else {}),
            "answers": table if table is not None else answers is not None,
            "options": options,
            "inputs": specs,
            "on_error": on_error,
            "fallback": fallback_round is not None,
            "duplicates": duplicates,
            "limit": limit,
        }
        if with_gold or with_completion or compare_field is not None:
            settings["review"] = [with_gold, with_completion, compare_field]
        if only_list is not None:
            # A partial file of some lines only is no file a resumed run can continue.
            settings["only"] = only_list
        partial.begin(target, settings, resume)
    if answers is not None:
        from .answers import load_answers  # reads tables: imported only when needed

        answers = load_answers(answers)
    try:
        result = _core.grade_stream(
            specs[0] if len(specs) == 1 else specs,
            target,
            gold_field=gold_field,
            completion_field=completion_field,
            id_field=id_field,
            choices_field=choices_field,
            answers=answers,
            threads=threads,
            **options,
            chunk_lines=batch_size,
            progress=on_progress if progress or progress_detail else None,
            fallback=fallback_round,
            progress_interval=progress_interval,
            on_error=on_error,
            resume=resume,
            duplicates=duplicates,
            limit=limit,
            ks=sorted(set(ks)),
            with_gold=with_gold,
            with_completion=with_completion,
            only=None if only_list is None else ",".join(only_list),
            compare_field=compare_field,
            disagreements=None if disagreements is None else os.fspath(disagreements),
            id_pattern=id_pattern,
        )
    finally:
        if fallback_round is not None:
            fallback_round.close()
        if isinstance(target, str):
            partial.end(target)
    summary = summarize(spec, result, options, ks)
    summary["on_error"] = on_error
    summary["duplicates"] = {
        "policy": duplicates,
        # Samples that repeat an earlier line's (problem, sample_idx); with "first" they are
        # in no count, with "keep" in every count.
        "count": result["duplicates"],
        "first": result["duplicate_notes"],
    }
    if limit is not None:
        summary["limit"] = limit
    if result.get("model") is not None:
        # The model the dump's first record names (`model`, a batch response's model).
        summary["model"] = result["model"]
    summary["resumed_lines"] = result["resumed_lines"]
    summary["fallback"] = {
        "used": fallback_round is not None,
        # Samples, not distinct pairs: each distinct pair is sent once.
        "sent": result["fallback_sent"],
        "settled": result["fallback_settled"],
    }
    if only_list is not None:
        summary["only"] = only_list
    if "comparison" in result:
        compared = dict(result["comparison"])
        agreeing = compared["both_correct"] + compared["both_incorrect"]
        compared["agreement"] = agreeing / compared["compared"] if compared["compared"] else None
        summary["comparison"] = compared
    return summary


def _check_not_an_input(path: str, specs: list[str]) -> None:
    """Refuses to write `path` when it is one of the input files."""
    for spec in specs:
        if os.path.isfile(spec) and os.path.exists(path) and os.path.samefile(spec, path):
            raise InvalidArgumentError(f"disagreements: {path} is the input file {spec}")


#: The kinds of verdict lines `only` picks from.
LINE_KINDS = (*STATUSES, "error", "skipped")


def _line_kinds(only: str | Iterable[str] | None) -> list[str] | None:
    """`only` as a list of line kinds, checked; None for every line."""
    if only is None:
        return None
    words = only.split(",") if isinstance(only, str) else list(only)
    kinds = [w.strip() for w in words if w.strip()]
    unknown = [w for w in kinds if w not in LINE_KINDS]
    if unknown or not kinds:
        raise InvalidArgumentError(
            f"only takes line kinds from {', '.join(LINE_KINDS)}, not {only!r}"
        )
    return kinds


def _in_fixed_order(n: Iterable[int], c: Iterable[int]) -> tuple[list[int], list[int]]:
    """Per-problem (n, c) sorted: a mean summed in this order has the same bits whatever
    order the problems came in."""
    pairs = sorted(zip((int(x) for x in n), (int(x) for x in c)))
    return [p[0] for p in pairs], [p[1] for p in pairs]


def summarize(
    input_path: str,
    result: dict[str, Any],
    options: dict[str, Any],
    ks: Iterable[int] = (),
) -> dict[str, Any]:
    """The run summary from the core's counts: sizes, accuracy, avg@n, pass@k, G-Pass@k_τ,
    mG-Pass@k, maj@k (the core's means over problems for k = 1, 2, 4, …; see
    `mathb.setmetrics.maj_at_k_matrix`), the no-answer rate, statuses."""
    n, c = result["n"], result["c"]
    samples = sum(int(x) for x in n)
    counts = result["counts"]
    fixed_n, fixed_c = _in_fixed_order(n, c)
    ks = list(ks)
    return {
        "input": input_path,
        "records": result["records"],
        # Records not graded because another line holds the same samples (lm-eval filters).
        "skipped_records": result["skipped_records"],
        # Malformed records a run told to go on skipped or wrote as error lines, and the
        # first of their diagnostics.
        "error_records": result["error_records"],
        "errors": result["errors"],
        "problems": len(n),
        "samples": samples,
        "accuracy": (counts["correct"] / samples) if samples else None,
        # The mean over problems of each problem's accuracy over its n samples (accuracy
        # weighs problems by their samples; the two differ when n does).
        "avg_at_n": _mean([ci / ni for ni, ci in zip(fixed_n, fixed_c) if ni]),
        "no_answer_rate": (counts["no_answer"] / samples) if samples else None,
        "pass_at_k": pass_at_k_table(fixed_n, fixed_c, ks),
        "pass_at_k_ci": pass_at_k_intervals(fixed_n, fixed_c, ks),
        "g_pass_at_k": g_pass_at_k_table(fixed_n, fixed_c, ks),
        "mg_pass_at_k": mg_pass_at_k_table(fixed_n, fixed_c, ks),
        "maj_at_k": {str(k): float(v) for k, v in sorted(result["maj_at_k"].items())},
        "counts": {s: counts[s] for s in STATUSES},
        # Why the no_answer samples hold none: truncated (cut off mid-sentence), looping (a
        # repeated tail), refused (declines or asks for missing information), other.
        "no_answer_reasons": dict(result.get("no_answer_reasons", {})),
        # Undecided verdicts of samples whose grading hit a bug in the core (a caught panic).
        "internal_errors": result.get("internal_errors", 0),
        "fields": result["fields"],
        "options": options,
        "mathb_version": __version__,
    }


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "G_PASS_TAUS",
    "GradeProgress",
    "STATUSES",
    "atomic_output",
    "default_output_path",
    "g_pass_at_k_table",
    "grade_file",
    "mg_pass_at_k_table",
    "pass_at_k_intervals",
    "pass_at_k_table",
    "summarize",
    "summary_json",
    "write_summary",
]
