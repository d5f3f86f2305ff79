"""Grading across a Ray cluster: Ray Data reads the shards, one grader per actor grades each
shard with the core, and the driver writes the verdicts in input order and reduces the
per-problem counts and votes into the summary a local `mathb grade` of the same inputs gives."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from . import InputFileError, InvalidArgumentError, _core
from .grading import STATUSES, atomic_output, grade_file, summarize
from .verdict_tally import ballots_of_text, per_problem

#: Diagnostics of malformed records the summary keeps (the core keeps as many).
_KEPT_ERRORS = 20


def require_ray() -> Any:
    """The `ray` module, or an InvalidArgumentError that says how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401  (the Data library is an extra of ray)
    except ImportError as e:
        raise InvalidArgumentError(
            f"--ray needs Ray Data ({e}): pip install 'mathb[ray]'"
        ) from None
    return ray


def expand_shards(specs: Sequence[str]) -> list[str]:
    """The files `specs` name, in the order a local run reads them (a directory's shards and
    a glob's matches sorted by name); a URI (`s3://…`) is passed to Ray Data as given."""
    import glob

    shards: list[str] = []
    for spec in specs:
        if spec == "-":
            raise InvalidArgumentError("--ray reads files, not stdin ('-')")
        if "://" in spec:
            shards.append(spec)
        elif os.path.isdir(spec):
            names = sorted(
                os.path.join(spec, n)
                for n in os.listdir(spec)
                if os.path.isfile(os.path.join(spec, n)) and n.endswith(tuple(_core.SHARD_SUFFIXES))
            )
            if not names:
                raise InputFileError(f"{spec}: the directory holds no dump files")
            shards += names
        elif not os.path.exists(spec) and any(ch in spec for ch in "*?["):
            found = sorted(p for p in glob.glob(spec) if os.path.isfile(p))
            if not found:
                raise InputFileError(f"{spec}: no file matches the pattern")
            shards += found
        else:
            if not os.path.isfile(spec):
                raise InputFileError(f"{spec}: cannot open the file: no such file")
            shards.append(spec)
    return shards


class ShardGrader:
    """One per Ray actor: grades whole shards with the core (threads = the actor's CPUs, the
    fallback in this actor's own worker processes) and returns each shard's verdict lines,
    counts and maj@k ballots."""

    def __init__(
        self, names: list[str], index_of: dict[str, int], multi: bool, settings: dict[str, Any]
    ) -> None:
        self.names = names
        self.index_of = index_of
        self.multi = multi
        self.settings = settings
        self.attempts = _attempts_actor()

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {"index": [], "report": []}
        for path, data in zip(batch["path"], batch["bytes"]):
            i = self.shard_index(str(path))
            attempt = _started(self.attempts, i)
            _fault_point(i, attempt)
            out["index"].append(i)
            out["report"].append(self.grade(i, bytes(data)))
        return out

    def shard_index(self, path: str) -> int:
        """The position among the inputs of the shard Ray Data read from `path` (which may
        drop a URI's scheme)."""
        if path in self.index_of:
            return self.index_of[path]
        for known, i in self.index_of.items():
            if known.endswith(path):
                return i
        raise RuntimeError(f"Ray Data read {path}, which is none of the inputs")

    def grade(self, index: int, data: bytes) -> bytes:
        import pickle

        name = self.names[index]
        folder = tempfile.mkdtemp(prefix="mathb-shard-")
        try:
            tmp = os.path.join(folder, os.path.basename(name.rstrip("/")) or "shard.jsonl")
            with open(tmp, "wb") as f:
                f.write(data)
            buffer = io.BytesIO()
            summary = grade_file(tmp, buffer, **self.settings)
        except InputFileError as e:
            # Returned, not raised: the driver raises it as a local run would.
            return pickle.dumps(InputFileError(str(e).replace(tmp, name)))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        text = buffer.getvalue()
        if self.multi:
            # A run of several files names each line's file, as a local run of them does.
            field = b',"file":' + json.dumps(name, ensure_ascii=False).encode()
            text = _LINE_HEAD.sub(lambda m: m.group(0) + field, text)
        summary["errors"] = [d.replace(tmp, name) for d in summary["errors"]]
        summary["duplicates"]["first"] = [
            d.replace(tmp, name) for d in summary["duplicates"]["first"]
        ]
        return pickle.dumps(
            (text, summary, ballots_of_text(text, name, summary["fields"]["grouping"] == "line"))
        )


#: The start of every verdict line: its line number.
_LINE_HEAD = re.compile(rb'^\{"line":[0-9]+', re.MULTILINE)


# --------------------------------------------------------------------------- retries


def _attempts_actor() -> Any:
    """The run's attempt counter (a named actor the driver created), or None."""
    import ray

    name = os.environ.get("MATHB_RAY_RUN")
    if not name:
        return None
    try:
        return ray.get_actor(name)
    except ValueError:
        return None


def _started(attempts: Any, index: int) -> int:
    """Records that shard `index` starts grading; returns which attempt this is (1, 2, …)."""
    import ray

    if attempts is None:
        return 1
    return int(ray.get(attempts.start.remote(index)))


def _fault_point(index: int, attempt: int) -> None:
    """`MATHB_RAY_KILL_SHARD=N` kills this worker process (SIGKILL) when it starts shard N
    for the first time: the test that a dead worker's shard is retried, not lost."""
    target = os.environ.get("MATHB_RAY_KILL_SHARD")
    if target is not None and int(target) == index and attempt == 1:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


class AttemptCounter:
    """How many times each shard was started: more than once means Ray retried it."""

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}

    def start(self, index: int) -> int:
        self.counts[index] = self.counts.get(index, 0) + 1
        return self.counts[index]

    def retried(self) -> dict[int, int]:
        return {i: n - 1 for i, n in self.counts.items() if n > 1}


# --------------------------------------------------------------------------- driver


def cluster_cpus(ray: Any) -> int:
    """The CPUs the cluster offers (at least 1)."""
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def grade_on_ray(
    specs: Sequence[str],
    output: str | os.PathLike[str] | IO[bytes] | None,
    *,
    address: str | None = None,
    actors: int | None = None,
    cpus_per_actor: int = 1,
    answers: str | os.PathLike[str] | Mapping[Any, Any] | None = None,
    ks: Iterable[int] = (),
    **settings: Any,
) -> dict[str, Any]:
    """Grades the dump `specs` names on the Ray cluster at `address` (None: `ray.init()`'s
    default, a running cluster or a new local one) and returns the summary `grade_file`
    returns for the same inputs; `output` receives the same verdict lines, in input order.

    Each shard is graded whole by one of `actors` graders (default: the cluster's CPUs over
    `cpus_per_actor`), each with `cpus_per_actor` threads. A problem may span shards when its
    samples name their `sample_idx`; the same (problem, sample_idx) in two shards is refused.
    A worker that dies is replaced by Ray and its shard graded again; the summary's `ray`
    entry names the shards retried.
    """
    ray = require_ray()
    for unsupported in ("resume", "limit", "only", "disagreements"):
        if settings.get(unsupported):
            raise InvalidArgumentError(f"{unsupported} is not supported with --ray")
    names = expand_shards(list(specs))
    spec = specs[0] if len(specs) == 1 else " ".join(specs)
    extra_ks = sorted(set(ks))
    if answers is not None:
        from .answers import load_answers

        answers = load_answers(answers)
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, log_to_driver=False, logging_level="ERROR")
    run = f"mathb-attempts-{os.getpid()}-{os.urandom(4).hex()}"
    counter = ray.remote(AttemptCounter).options(name=run).remote()
    try:
        ray.get(counter.retried.remote())  # the actor is up before any grader looks for it
        workers = actors or max(1, cluster_cpus(ray) // cpus_per_actor)
        reports = _run(ray, names, run, workers, cpus_per_actor, answers, extra_ks, settings)
        retried = ray.get(counter.retried.remote())
    finally:
        ray.kill(counter)
        if started_here:
            ray.shutdown()
    return _reduce(spec, names, reports, output, extra_ks, settings, workers, retried)


def _run(
    ray: Any,
    names: list[str],
    run: str,
    workers: int,
    cpus: int,
    answers: Mapping[Any, Any] | None,
    ks: list[int],
    settings: dict[str, Any],
) -> list[tuple[bytes, dict[str, Any], Any]]:
    import pickle

    paths = [_ray_path(n) for n in names]
    index_of = {p: i for i, p in enumerate(paths)}
    # Reading is I/O: it takes no CPU slot the graders need.
    ds = ray.data.read_binary_files(
        paths, include_paths=True, override_num_blocks=len(paths), num_cpus=0
    )
    per_shard = {**settings, "answers": answers, "ks": ks, "threads": cpus}
    # A class gives one grader per actor. Ray Data restarts a dead actor and retries its task
    # by default (max_restarts / max_task_retries = -1 for actor pools).
    graded = ds.map_batches(
        ShardGrader,
        fn_constructor_args=(names, index_of, len(names) > 1, per_shard),
        batch_size=1,
        compute=ray.data.ActorPoolStrategy(size=min(workers, len(names))),
        num_cpus=cpus,
        runtime_env={"env_vars": {"MATHB_RAY_RUN": run, **_passed_env()}},
    )
    quiet_ray_data(ray)
    reports: dict[int, tuple[bytes, dict[str, Any], Any]] = {}
    for row in graded.iter_rows():
        report = pickle.loads(row["report"])
        if isinstance(report, InputFileError):
            raise report  # a bad input found on a worker is the user's error, as locally
        reports[int(row["index"])] = report
    missing = [names[i] for i in range(len(names)) if i not in reports]
    if missing:
        raise RuntimeError(f"shards came back ungraded: {', '.join(missing)}")
    return [reports[i] for i in range(len(names))]


def quiet_ray_data(ray: Any) -> None:
    """No progress bars or per-stage logs of Ray Data on the driver: mathb reports itself."""
    import logging

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    for name in ("ray.data", "ray.llm"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _passed_env() -> dict[str, str]:
    """The test hook (`MATHB_RAY_KILL_SHARD`) reaches the workers when set on the driver."""
    value = os.environ.get("MATHB_RAY_KILL_SHARD")
    return {"MATHB_RAY_KILL_SHARD": value} if value is not None else {}


def _ray_path(name: str) -> str:
    return name if "://" in name else os.path.abspath(name)


def _reduce(
    spec: str,
    names: list[str],
    reports: list[tuple[bytes, dict[str, Any], Any]],
    output: str | os.PathLike[str] | IO[bytes] | None,
    ks: list[int],
    settings: dict[str, Any],
    workers: int,
    retried: dict[int, int],
) -> dict[str, Any]:
    first = reports[0][1]
    for name, (_, shard, _) in zip(names[1:], reports[1:]):
        if shard["fields"] != first["fields"]:
            raise InputFileError(
                f"{name}: fields {shard['fields']} differ from {names[0]}'s {first['fields']}\n"
                "  help: name them with --gold-field, --completion-field and --id-field"
            )
    if output is not None:
        _write_in_order(output, [text for text, _, _ in reports])
    n, c, maj = per_problem(names, [r[2] for r in reports], ks)
    counts = {s: sum(r[1]["counts"][s] for r in reports) for s in STATUSES}
    errors = [d for r in reports for d in r[1]["errors"]][:_KEPT_ERRORS]
    result = {
        "records": sum(r[1]["records"] for r in reports),
        "skipped_records": sum(r[1]["skipped_records"] for r in reports),
        "error_records": sum(r[1]["error_records"] for r in reports),
        "errors": errors,
        "n": n,
        "c": c,
        "maj_at_k": maj,
        "counts": counts,
        "no_answer_reasons": {
            why: sum(r[1]["no_answer_reasons"].get(why, 0) for r in reports)
            for why in dict.fromkeys(w for r in reports for w in r[1]["no_answer_reasons"])
        },
        "internal_errors": sum(r[1]["internal_errors"] for r in reports),
        "fields": first["fields"],
    }
    summary = summarize(spec, result, first["options"], ks)
    # The keys `grade_file` adds after `summarize`, reduced over the shards.
    summary["on_error"] = first["on_error"]
    summary["duplicates"] = {
        "policy": first["duplicates"]["policy"],
        "count": sum(r[1]["duplicates"]["count"] for r in reports),
        "first": [d for r in reports for d in r[1]["duplicates"]["first"]][:_KEPT_ERRORS],
    }
    model = next((r[1]["model"] for r in reports if r[1].get("model") is not None), None)
    if model is not None:
        summary["model"] = model
    summary["resumed_lines"] = 0
    summary["fallback"] = {
        "used": first["fallback"]["used"],
        "sent": sum(r[1]["fallback"]["sent"] for r in reports),
        "settled": sum(r[1]["fallback"]["settled"] for r in reports),
    }
    if "comparison" in first:
        compared: dict[str, Any] = {"field": first["comparison"]["field"]}
        for key in first["comparison"]:
            if key not in ("field", "agreement"):
                compared[key] = sum(r[1]["comparison"][key] for r in reports)
        agreeing = compared["both_correct"] + compared["both_incorrect"]
        compared["agreement"] = agreeing / compared["compared"] if compared["compared"] else None
        summary["comparison"] = compared
    summary["ray"] = {
        "shards": len(names),
        "actors": min(workers, len(names)),
        "retried": {names[i]: times for i, times in sorted(retried.items())},
    }
    return summary


def _write_in_order(output: str | os.PathLike[str] | IO[bytes], texts: list[bytes]) -> None:
    if isinstance(output, (str, os.PathLike)):
        with atomic_output(output) as f:
            for text in texts:
                f.write(text)
    else:
        for text in texts:
            output.write(text)


__all__ = ["ShardGrader", "expand_shards", "grade_on_ray", "require_ray"]
