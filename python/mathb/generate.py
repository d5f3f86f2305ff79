"""`mathb generate`: samples completions of a problem set with vLLM (offline engine or an
OpenAI-compatible endpoint) into a dump that `mathb grade` reads. Every (problem, sample) has
its own seed, so a run can be split into shards, extended or resumed and give the same samples.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from . import InputFileError, InvalidArgumentError, grade_batch
from .datasets import ID_COLUMNS, read_rows
from .prompts import DEFAULT_PROMPT_TEMPLATE, check_template, render_prompt

#: Seeds of one problem occupy a block of this many consecutive integers: sample i of the
#: problem at row r has seed `run_seed + r * SEED_STRIDE + i`. The stride does not depend on
#: n, so n = 8 now and n = 1024 later share their first 8 samples.
SEED_STRIDE = 1 << 20
#: vLLM keeps seeds in a signed 64-bit integer.
_MAX_SEED = (1 << 63) - 1


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One row of the problem set: its 0-based row, id, statement and gold answer."""

    row: int
    problem_id: Any
    text: str
    answer: str


#: Columns read as the problem statement and the gold answer when none is named.
PROBLEM_COLUMNS = ("problem", "question")
ANSWER_COLUMNS = ("answer",)


def load_problems(
    path: str | os.PathLike[str],
    *,
    limit: int | None = None,
    problem_field: str | None = None,
    answer_field: str | None = None,
) -> list[Problem]:
    """Reads the problem statement (`problem_field`, else `problem` or `question`), the gold
    answer (`answer_field`, else `answer`) and an id column (else the 0-based row number) from
    a JSONL, CSV or Parquet file; a bad row is an error naming the file and line."""
    source = os.fspath(path)
    rows = read_rows(Path(source))
    if not rows:
        raise InputFileError(f"{source}: the problem set has no rows")
    first = rows[0][1]

    def column(named: str | None, candidates: tuple[str, ...], option: str) -> str:
        if named is not None:
            return named
        found = next((c for c in candidates if c in first), None)
        if found is None:
            present = ", ".join(sorted(first)) or "none"
            raise InputFileError(
                f"{source}:{rows[0][0]}: no {' or '.join(map(repr, candidates))} field "
                f"(fields present: {present})\n  help: name it with {option} FIELD"
            )
        return found

    problem_column = column(problem_field, PROBLEM_COLUMNS, "--problem-field")
    answer_column = column(answer_field, ANSWER_COLUMNS, "--answer-field")
    id_column = next((c for c in ID_COLUMNS if c in first), None)
    problems = []
    for row, (line, record) in enumerate(rows[:limit] if limit is not None else rows):
        for name in (problem_column, answer_column):
            if record.get(name) is None:
                raise InputFileError(f"{source}:{line}: no {name!r} field")
        text = record[problem_column]
        if not isinstance(text, str):
            raise InputFileError(
                f"{source}:{line}: {problem_column!r} must be a string, got {type(text).__name__}"
            )
        problem_id = record.get(id_column, row) if id_column else row
        if problem_id is None:
            raise InputFileError(f"{source}:{line}: empty {id_column!r}")
        problems.append(Problem(row, problem_id, text, str(record[answer_column])))
    return problems


# --------------------------------------------------------------------------- seeds and plan


def sample_seed(run_seed: int, row: int, sample_idx: int) -> int:
    """The seed of sample `sample_idx` of the problem at 0-based row `row`."""
    if not 0 <= sample_idx < SEED_STRIDE:
        raise InvalidArgumentError(f"sample index {sample_idx} outside [0, {SEED_STRIDE})")
    seed = run_seed + row * SEED_STRIDE + sample_idx
    if not 0 <= seed <= _MAX_SEED:
        raise InvalidArgumentError(f"seed {seed} of row {row} does not fit in 63 bits")
    return seed


@dataclass(frozen=True)
class SampleRequest:
    """Samples `first .. first + count - 1` of one problem; sample `first + i` is the i-th
    output of a request with n = count and seed = `seed` (= that sample's seed minus i)."""

    problem: Problem
    prompt: str
    first: int
    count: int
    seed: int


def plan_requests(
    problems: Sequence[Problem],
    *,
    template: str,
    run_seed: int,
    first_sample: int,
    n: int,
    done: set[tuple[str, int]],
    max_request_n: int,
) -> list[SampleRequest]:
    """One request per run of consecutive missing samples (split at `max_request_n`)."""
    if first_sample + n > SEED_STRIDE:
        raise InvalidArgumentError(f"samples end at {first_sample + n}, above {SEED_STRIDE}")
    requests = []
    for p in problems:
        key = id_key(p.problem_id)
        prompt = render_prompt(template, p.text)
        missing = [i for i in range(first_sample, first_sample + n) if (key, i) not in done]
        start = 0
        while start < len(missing):
            end = start + 1
            while (
                end < len(missing)
                and missing[end] == missing[end - 1] + 1
                and end - start < max_request_n
            ):
                end += 1
            first = missing[start]
            seed = sample_seed(run_seed, p.row, first)
            requests.append(SampleRequest(p, prompt, first, end - start, seed))
            start = end
    return requests


def id_key(problem_id: Any) -> str:
    """A hashable, type-preserving key for a problem id (1 and "1" differ)."""
    return json.dumps(problem_id, sort_keys=True, ensure_ascii=False)


# --------------------------------------------------------------------------- samplers


@dataclass(frozen=True)
class Sample:
    """One finished sample, as a sampler returns it."""

    request: SampleRequest
    index: int  # within the request: the sample is `request.first + index`
    text: str
    finish_reason: str | None
    prompt_tokens: int | None
    completion_tokens: int | None


@dataclass(frozen=True)
class Sampling:
    temperature: float
    top_p: float
    max_tokens: int

    def as_record(self) -> dict[str, Any]:
        return {"temperature": self.temperature, "top_p": self.top_p, "max_tokens": self.max_tokens}


class Sampler(Protocol):
    """Runs requests and yields finished samples in batches, as they become available."""

    def run(self, requests: Sequence[SampleRequest]) -> Iterator[list[Sample]]: ...


# --------------------------------------------------------------------------- the output file


def open_for_resume(path: Path) -> tuple[set[tuple[str, int]], dict[tuple[str, int], int]]:
    """Truncates a trailing partial line (a crash mid-write) and returns the complete
    (problem id key, sample_idx) pairs already in `path`, with each one's seed."""
    done: set[tuple[str, int]] = set()
    seeds: dict[tuple[str, int], int] = {}
    if not path.exists():
        return done, seeds
    truncate_partial_line(path)
    with path.open("rb") as f:
        for line, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
                key = (id_key(record["problem_id"]), int(record["sample_idx"]))
            except (ValueError, KeyError, TypeError) as e:
                raise InputFileError(
                    f"{path}:{line}: not a sample record of mathb generate ({e})\n"
                    "  help: pass a new --out, or remove the file to start over"
                ) from None
            done.add(key)
            if isinstance(record.get("seed"), int):
                seeds[key] = record["seed"]
    return done, seeds


def truncate_partial_line(path: Path) -> int:
    """Cuts `path` back to its last newline; returns the number of bytes removed."""
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("r+b") as f:
        block = 1 << 16
        end = size
        while end > 0:
            start = max(0, end - block)
            f.seek(start)
            chunk = f.read(end - start)
            newline = chunk.rfind(b"\n")
            if newline >= 0:
                keep = start + newline + 1
                break
            end = start
        else:
            keep = 0
        if keep < size:
            f.truncate(keep)
        return size - keep


def check_seeds(
    path: Path,
    seeds: dict[tuple[str, int], int],
    problems: Sequence[Problem],
    run_seed: int,
) -> None:
    """Refuses to mix in samples written with another seed (another --seed or problem order)."""
    rows = {id_key(p.problem_id): p for p in problems}
    for (key, i), seed in seeds.items():
        p = rows.get(key)
        if p is not None and seed != sample_seed(run_seed, p.row, i):
            raise InvalidArgumentError(
                f"{path} holds sample {i} of problem {p.problem_id!r} with seed {seed}, "
                f"but this run gives it seed {sample_seed(run_seed, p.row, i)}\n"
                "  help: use the --seed and problem file of that run, or another --out"
            )


def check_settings(path: Path, model: str, sampling: Sampling) -> None:
    """Refuses to add samples of another model or other sampling settings to `path`."""
    if not path.exists():
        return
    with path.open("rb") as f:
        first = f.readline()
    if not first.endswith(b"\n"):
        return
    record = json.loads(first)
    theirs = (record.get("model"), record.get("sampling"))
    if theirs != (model, sampling.as_record()):
        raise InvalidArgumentError(
            f"{path} holds samples of {theirs[0]!r} with sampling {theirs[1]}, but this run "
            f"asks for {model!r} with {sampling.as_record()}\n"
            "  help: use that run's model and sampling options, or another output file"
        )


def build_record(sample: Sample, *, model: str, sampling: Sampling) -> dict[str, Any]:
    request = sample.request
    return {
        "problem_id": request.problem.problem_id,
        "sample_idx": request.first + sample.index,
        "answer": request.problem.answer,
        "completion": sample.text,
        "finish_reason": sample.finish_reason,
        "prompt_tokens": sample.prompt_tokens,
        "completion_tokens": sample.completion_tokens,
        "model": model,
        "sampling": sampling.as_record(),
        "seed": request.seed + sample.index,
    }


class Progress:
    """samples/s and tokens/s on stderr, one rewritten line on a terminal, else a line a
    few seconds apart."""

    def __init__(self, total: int, stream: IO[str], *, quiet: bool = False) -> None:
        self.total = total
        self.stream = stream
        self.quiet = quiet
        self.tty = stream.isatty()
        self.start = time.perf_counter()
        self.last = 0.0
        self.samples = 0
        self.tokens = 0
        self.correct = 0
        self.graded = 0
        self.drawn = -1  # samples shown by the last line drawn

    def add(self, samples: Sequence[Sample], statuses: Sequence[str] | None) -> None:
        self.samples += len(samples)
        self.tokens += sum(s.completion_tokens or 0 for s in samples)
        if statuses is not None:
            self.graded += len(statuses)
            self.correct += sum(s == "correct" for s in statuses)
        now = time.perf_counter()
        if now - self.last >= (0.5 if self.tty else 5.0):
            self.last = now
            self.draw(final=False)

    def line(self) -> str:
        elapsed = max(time.perf_counter() - self.start, 1e-9)
        rate = self.samples / elapsed
        text = (
            f"generated {self.samples:,}/{self.total:,} samples  ({rate:,.1f} samples/s, "
            f"{self.tokens / elapsed:,.0f} tokens/s"
        )
        if self.samples < self.total and rate > 0:
            text += f", ETA {(self.total - self.samples) / rate:,.0f} s"
        text += ")"
        if self.graded:
            text += f"  accuracy {100 * self.correct / self.graded:.2f}%"
        return text

    def draw(self, *, final: bool) -> None:
        if self.quiet or (final and self.drawn == self.samples and not self.tty):
            return
        self.drawn = self.samples
        if self.tty:
            self.stream.write("\r\033[K" + self.line() + ("\n" if final else ""))
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()


def order_samples(path: Path, problems: Sequence[Problem]) -> bool:
    """Rewrites `path` with its samples in problem order and, within a problem, by
    `sample_idx`, when they are not already: concurrent requests and resumed runs append
    out of order, while maj@k votes over a problem's first k samples as graded in file order.
    Only line offsets are held in memory. Returns whether the file was rewritten."""
    from .grading import atomic_output

    rank = {id_key(p.problem_id): p.row for p in problems}
    keys: list[tuple[tuple[int, int, int], int, int]] = []  # (sort key, offset, length)
    with path.open("rb") as f:
        offset = 0
        for position, line in enumerate(f):
            if line.strip():
                record = json.loads(line)
                row = rank.get(id_key(record["problem_id"]))
                # Problems outside this run keep their place after the run's own.
                first = (0, row) if row is not None else (1, position)
                keys.append(((*first, int(record["sample_idx"])), offset, len(line)))
            offset += len(line)
    ordered = sorted(keys, key=lambda k: k[0])
    if [k[1] for k in ordered] == [k[1] for k in keys]:
        return False
    with path.open("rb") as src, atomic_output(path) as dst:
        for _, at, length in ordered:
            src.seek(at)
            line = src.read(length)
            dst.write(line if line.endswith(b"\n") else line + b"\n")
    return True


@dataclass
class GenerateResult:
    planned: int
    skipped: int
    written: int
    completion_tokens: int
    seconds: float

    @property
    def tokens_per_second(self) -> float:
        return self.completion_tokens / self.seconds if self.seconds > 0 else 0.0


def generate(
    problems: Sequence[Problem],
    sampler: Sampler,
    out: Path,
    *,
    model: str,
    sampling: Sampling,
    n: int,
    run_seed: int = 0,
    first_sample: int = 0,
    template: str = DEFAULT_PROMPT_TEMPLATE,
    max_request_n: int = 1024,
    grade: bool = False,
    progress_stream: IO[str] | None = None,
) -> GenerateResult:
    """Samples what `out` does not already hold and appends it there, one flushed line per
    sample, so an interrupted run resumes where it stopped."""
    check_template(template)
    done, seeds = open_for_resume(out)
    check_seeds(out, seeds, problems, run_seed)
    check_settings(out, model, sampling)
    requests = plan_requests(
        problems,
        template=template,
        run_seed=run_seed,
        first_sample=first_sample,
        n=n,
        done=done,
        max_request_n=max_request_n,
    )
    planned = sum(r.count for r in requests)
    progress = Progress(planned, progress_stream or sys.stderr, quiet=progress_stream is None)
    written = 0
    with out.open("a", encoding="utf-8") as f:
        for batch in sampler.run(requests) if requests else ():
            records = [build_record(s, model=model, sampling=sampling) for s in batch]
            statuses = None
            if grade:
                verdicts = grade_batch(
                    [r["answer"] for r in records], [r["completion"] for r in records]
                )
                for record, verdict in zip(records, verdicts):
                    record["status"] = verdict.status
                    record["reason"] = verdict.reason
                    record["extracted"] = verdict.extracted
                statuses = [v.status for v in verdicts]
            for record in records:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
                f.flush()  # a crash loses at most the line being written
            written += len(records)
            progress.add(batch, statuses)
    if planned:  # nothing to sample: the caller's one-line report says so
        progress.draw(final=True)
    if written:
        order_samples(out, problems)
    return GenerateResult(
        planned=planned,
        skipped=len(problems) * n - planned,
        written=written,
        completion_tokens=progress.tokens,
        seconds=time.perf_counter() - progress.start,
    )


def read_samples(path: str | os.PathLike[str]) -> Iterable[dict[str, Any]]:
    """The records of a samples file (complete lines only)."""
    with open(path, encoding="utf-8") as f:
        for raw in f:
            if raw.endswith("\n") and raw.strip():
                yield json.loads(raw)
