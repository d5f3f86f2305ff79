"""Sympy equivalence for the pairs the Rust core leaves undecided, in killable worker processes.

Needs sympy and latex2sympy2_extended, which are installed with mathb.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Literal

from . import _core
from ._core import MathbError, Verdict
from .errors import FallbackUnavailableError
from .fallback_template import ForkedProcess, Template, kill_and_wait
from .sympy_judge import (
    FallbackStatus,
    Pair,
    gold_answer_text,
    judge,
    require_sympy,
)

__all__ = [
    "FallbackResult",
    "FallbackStats",
    "FallbackUnavailableError",
    "FallbackWorkerError",
    "SympyFallback",
    "fallback_engine",
    "gold_answer_text",
    "judge",
    "resolve_with_sympy",
    "settle_undecided",
    "shared_fallback",
]


class FallbackWorkerError(MathbError, RuntimeError):
    """A fallback worker process could not start."""


@dataclass(frozen=True)
class FallbackResult:
    """The fallback's judgement on one (gold, answer) pair."""

    status: FallbackStatus
    reason: str

    @property
    def correct(self) -> bool:
        return self.status == "correct"


@dataclass
class FallbackStats:
    """Counters over the fallback's life; `computed` counts items sent to a worker."""

    cache_hits: int = 0
    computed: int = 0
    timeouts: int = 0
    workers_started: int = 0


def _worker_main(conn: Any, memory_limit: int | None, *, warm: bool = True) -> None:
    """The loop of one worker process (see `mathb._fallback_worker`): `conn` sends and
    receives pickled messages. A worker forked from the warm template skips the warm-up."""
    if warm:
        judge("x+1", "1+x")  # imports and warm-up before "ready", so they never eat an item's time
    if memory_limit:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        except (ImportError, ValueError, OSError):  # no RLIMIT_AS (e.g. macOS): the timeout remains
            pass
    conn.send(("ready",))
    while (job := conn.recv()) is not None:
        key, gold, answer = job
        recycle = False
        try:
            status, reason = judge(gold, answer)
        except MemoryError:  # a half-freed heap is not worth trusting: exit, get replaced
            status, reason, recycle = "undecided", "sympy: memory limit exceeded", True
        except RecursionError:
            status, reason = "undecided", "sympy: recursion too deep"
        except Exception as e:  # sympy can raise anything: a verdict, not a crash
            status, reason = "undecided", f"sympy: error: {type(e).__name__}"
        conn.send((key, status, reason, recycle))
        if recycle:
            return


class Channel:
    """Two one-way pipes used as one connection: pickled messages out on `out`, in on `inp`
    (`multiprocessing.connection.Connection` framing)."""

    def __init__(self, inp: Connection, out: Connection) -> None:
        self.inp, self.out = inp, out

    def send(self, message: Any) -> None:
        self.out.send(message)

    def recv(self) -> Any:
        return self.inp.recv()

    def poll(self) -> bool:
        return self.inp.poll()

    def close(self) -> None:
        self.inp.close()
        self.out.close()


# ---------------------------------------------------------------- the pool (in the parent)


def _worker_command(to_child: int, from_child: int, memory_limit: int | None) -> list[str]:
    jobs = [str(to_child), str(from_child), str(memory_limit or 0)]
    return [sys.executable, "-m", "mathb._fallback_worker", *jobs]


def _worker_env() -> dict[str, str]:
    """The environment of a worker: this one, with the directory this `mathb` was imported
    from on PYTHONPATH unless it is a site directory (on the worker's path anyway; put on
    PYTHONPATH it would come before the standard library), so that the worker runs this
    mathb; and this process's sys.path, which the worker appends to its own (as a
    multiprocessing "spawn" child would use it) to find what this process finds."""
    import json
    import site

    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sites = [*site.getsitepackages(), site.getusersitepackages()]
    if not any(os.path.realpath(root) == os.path.realpath(d) for d in sites):
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env[SYS_PATH_VARIABLE] = json.dumps([os.path.abspath(p) for p in sys.path])
    return env


#: The environment variable that hands a worker its parent's sys.path (JSON).
SYS_PATH_VARIABLE = "MATHB_FALLBACK_SYS_PATH"

#: Set to 0 to start every worker as a fresh interpreter instead of forking a warm template.
TEMPLATE_VARIABLE = "MATHB_FALLBACK_TEMPLATE"


def _use_template() -> bool:
    return os.environ.get(TEMPLATE_VARIABLE, "1") != "0"


class _Worker:
    """A worker process: a fresh interpreter running ``python -m mathb._fallback_worker``
    that talks over two pipes. It never imports the caller's ``__main__`` (unlike a
    multiprocessing "spawn" child), so scripts, ``python -c``, notebooks and threads can all
    use the fallback."""

    def __init__(self, memory_limit: int | None, template: Template | None = None) -> None:
        if not sys.executable:
            raise FallbackWorkerError("no Python executable to start a fallback worker with")
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        self.process: subprocess.Popen[bytes] | ForkedProcess
        try:
            if template is not None:
                self.process = template.fork(to_child_r, from_child_w)
            else:
                self.process = subprocess.Popen(
                    _worker_command(to_child_r, from_child_w, memory_limit),
                    stdin=subprocess.DEVNULL,
                    # Nothing a worker prints may mix with the caller's output (`mathb grade
                    # -o -`); its stderr (tracebacks, warnings) is the caller's.
                    stdout=subprocess.DEVNULL,
                    pass_fds=(to_child_r, from_child_w),
                    env=_worker_env(),
                )
        except (OSError, ValueError) as e:  # ValueError: no pass_fds (Windows)
            for fd in (to_child_r, to_child_w, from_child_r, from_child_w):
                os.close(fd)
            raise FallbackWorkerError(f"cannot start a sympy fallback worker: {e}") from None
        os.close(to_child_r)
        os.close(from_child_w)
        self.conn = Channel(
            Connection(from_child_r, writable=False), Connection(to_child_w, readable=False)
        )
        self.ready = False
        self.job: int | None = None
        self.deadline = float("inf")

    def alive(self) -> bool:
        return self.process.poll() is None

    @property
    def exitcode(self) -> int | None:
        return self.process.returncode

    @property
    def exit_text(self) -> str:
        """ "code N", or "an unknown code" for a forked worker (its template reaped it)."""
        if isinstance(self.process, ForkedProcess):
            return "an unknown code"
        return f"code {self.exitcode}"

    def stop(self) -> None:
        kill_and_wait(self.process)
        self.conn.close()


def _stop_all(workers: list[_Worker], template: list[Template | None] | None = None) -> None:
    for w in workers:
        w.stop()
    workers.clear()
    for t in template or ():
        if t is not None:
            t.stop()
    if template:
        template.clear()


class SympyFallback:
    """A pool of sympy worker processes with a hard per-item timeout and a result cache.

    Usable from any thread; calls on one instance run one at a time. The workers are fresh
    interpreters (``python -m mathb._fallback_worker``) that never import the caller's
    ``__main__``: a script needs no ``if __name__ == "__main__":`` guard, and ``python -c``,
    notebooks and threads work alike. `start_method` is accepted for compatibility and has
    no effect.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        timeout: float = 5.0,
        memory_limit: int | None = 2 << 30,
        cache_size: int = 100_000,
        start_method: Literal["spawn", "forkserver"] = "spawn",
    ) -> None:
        require_sympy()
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.timeout = timeout
        self.memory_limit = memory_limit
        self.cache_size = cache_size
        self.stats = FallbackStats()
        self._cache: OrderedDict[Pair, FallbackResult] = OrderedDict()
        self._pool: list[_Worker] = []
        # Workers are forked from a warm template where the platform allows it (see
        # `mathb.fallback_template`); `_template` is [] until it is first needed, then holds
        # it, or None where it cannot run.
        self._template: list[Template | None] = []
        self._lock = threading.Lock()
        weakref.finalize(self, _stop_all, self._pool, self._template)

    def __enter__(self) -> SympyFallback:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Kills the worker processes; a later `resolve` starts new ones."""
        with self._lock:
            _stop_all(self._pool, self._template)

    def resolve(self, pairs: Iterable[Pair]) -> list[FallbackResult]:
        """One result per (gold, answer) pair, in input order; duplicates are computed once.

        Timeouts are cached like any result: the same pair would only time out again.
        """
        pairs = [(str(g), str(a)) for g, a in pairs]
        with self._lock:
            todo: dict[Pair, None] = {}
            for pair in pairs:
                if pair in self._cache or pair in todo:
                    self.stats.cache_hits += 1
                    if pair in self._cache:
                        self._cache.move_to_end(pair)
                else:
                    todo[pair] = None
            try:
                fresh = dict(zip(todo, self._run(list(todo))))
            except BaseException:  # e.g. Ctrl-C: busy workers would answer the next call's slots
                _stop_all(self._pool)
                raise
            self._cache.update(fresh)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
            return [fresh.get(p) or self._cache[p] for p in pairs]

    def _spawn(self) -> _Worker:
        self.stats.workers_started += 1
        template = self._warm_template()
        if template is not None:
            try:
                return _Worker(self.memory_limit, template)
            except FallbackWorkerError:  # the template died: fresh interpreters from now on
                template.stop()
                self._template[:] = [None]
        return _Worker(self.memory_limit)

    def _warm_template(self) -> Template | None:
        """The template to fork workers from, started on first use; None where fork is not
        available or the template could not start (workers are then fresh interpreters)."""
        if not self._template:
            template = None
            if hasattr(os, "fork") and hasattr(socket, "send_fds") and _use_template():
                try:
                    template = Template(self.memory_limit, _worker_env())
                except (OSError, ValueError):
                    template = None
            self._template.append(template)
        template = self._template[0]
        if template is not None and not template.alive():
            template.stop()
            self._template[:] = [None]
            return None
        return template

    def _run(self, keys: list[Pair]) -> list[FallbackResult]:
        results: list[FallbackResult | None] = [None] * len(keys)
        queue = deque(range(len(keys)))
        while len(self._pool) < min(self.workers, len(keys)):
            self._pool.append(self._spawn())
        while queue or any(w.job is not None for w in self._pool):
            for w in self._pool:
                if w.ready and w.job is None and queue:
                    job = queue.popleft()
                    try:
                        w.conn.send((job, *keys[job]))
                    except OSError:  # died while idle: _poll below replaces it
                        queue.appendleft(job)
                        continue
                    w.job, w.deadline = job, time.monotonic() + self.timeout
                    self.stats.computed += 1
            deadlines = [w.deadline for w in self._pool if w.job is not None]
            # A worker that exits closes its pipe: its end of file wakes this wait too.
            wait(
                [w.conn.inp for w in self._pool],
                timeout=max(0.0, min(deadlines) - time.monotonic()) if deadlines else None,
            )
            for i, w in enumerate(self._pool):
                replace = self._poll(w, results)
                if w.job is not None and time.monotonic() >= w.deadline:
                    # The hard cut: the process is killed, whatever C code sympy is in.
                    timeout = f"sympy: timeout after {float(self.timeout)} s"
                    results[w.job] = FallbackResult("undecided", timeout)
                    self.stats.timeouts += 1
                    replace = True
                if replace:
                    w.stop()
                    self._pool[i] = self._spawn()
        assert all(r is not None for r in results)  # every exit path above fills its slot
        return results  # type: ignore[return-value]

    def _poll(self, w: _Worker, results: list[FallbackResult | None]) -> bool:
        """Reads what `w` has sent; True when it must be replaced."""
        try:
            while w.conn.poll():
                message = w.conn.recv()
                if message[0] == "ready":
                    w.ready = True
                    continue
                key, status, reason, recycle = message
                results[key], w.job = FallbackResult(status, reason), None
                if recycle:
                    return True
        except (EOFError, OSError):  # the worker is gone; its exit code tells the rest
            pass
        else:
            return False  # nothing more to read, and the pipe is open: the worker lives
        try:  # the pipe is closed: the worker has exited or is about to
            w.process.wait(5)
        except subprocess.TimeoutExpired:
            pass
        if not w.ready:
            raise FallbackWorkerError(
                f"a sympy fallback worker exited with {w.exit_text} before it was ready"
            )
        if w.job is not None:
            died = f"sympy: worker died ({w.exit_text})"
            results[w.job], w.job = FallbackResult("undecided", died), None
        return True


def resolve_with_sympy(pairs: Iterable[Pair], **options: Any) -> list[FallbackResult]:
    """Judges (gold, extracted answer) pairs with a throwaway `SympyFallback(**options)`."""
    with SympyFallback(**options) as fallback:
        return fallback.resolve(pairs)


_shared: SympyFallback | None = None
_shared_lock = threading.Lock()


def shared_fallback() -> SympyFallback:
    """The process-wide fallback behind ``fallback=True``: started on first use, its workers
    stopped at exit."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SympyFallback()
            atexit.register(_shared.close)
        return _shared


def fallback_engine(fallback: bool | SympyFallback) -> SympyFallback:
    """The engine behind a ``fallback=`` argument: the one given, or the shared one for True."""
    return fallback if isinstance(fallback, SympyFallback) else shared_fallback()


def settle_undecided(
    golds: Sequence[str], verdicts: Sequence[Verdict], fallback: bool | SympyFallback
) -> list[Verdict]:
    """Sends the undecided verdicts that have an extracted answer to the fallback, and returns
    the verdicts with those it settled replaced (marked ``decided_by == "fallback"``).

    A gold of several answers (as `mathb.grade` encodes a list or a multiple-choice gold)
    is judged one plain pair per answer (and per other option), then combined by the core."""
    out = list(verdicts)
    if fallback is False:
        return out
    # An answer longer than the core reads is carried cut short: there is nothing to judge.
    todo = [
        i
        for i, v in enumerate(out)
        if v.status == "undecided"
        and v.extracted is not None
        and len(v.extracted) <= _core.MAX_ANSWER_CHARS
    ]
    if not todo:
        return out
    plans = {i: _core.fallback_plan(golds[i]) for i in todo}
    pairs = [(g, out[i].extracted or "") for i in todo for g, _ in plans[i]]
    results = iter(fallback_engine(fallback).resolve(pairs))
    for i in todo:
        mine = [next(results) for _ in plans[i]]
        outcome = _core.combine_fallback(
            golds[i], [(r.status, r.reason) if r.status != "undecided" else None for r in mine]
        )
        if outcome is not None:
            out[i] = out[i].settled_by_fallback(*outcome)
    return out
