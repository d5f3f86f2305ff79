"""Sympy equivalence for the pairs the Rust core leaves undecided, in killable worker processes.

Needs the extra: ``pip install 'mathb[fallback]'`` (sympy and latex2sympy2_extended).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from multiprocessing.connection import Connection, wait
from typing import Any, Literal

from ._core import MathbError

FallbackStatus = Literal["correct", "incorrect", "undecided"]
Pair = tuple[str, str]

_MAX_INPUT_CHARS = 2000  # longer answers are not worth a sympy attempt
_MAX_SET_SIZE = 64  # set comparison is quadratic in simplify calls
_EVAL_DIGITS = 50
_EXACT_REL_TOL = 1e-30  # strict evalf guarantees ~50 digits; anything above 1e-30 is real


class FallbackUnavailableError(MathbError, ImportError):
    """sympy or latex2sympy2_extended is missing."""


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
    """Counters since the fallback was created; `computed` counts items sent to a worker."""

    cache_hits: int = 0
    computed: int = 0
    timeouts: int = 0
    workers_started: int = 0


def _require_sympy() -> None:
    try:
        import latex2sympy2_extended  # noqa: F401
        import sympy  # noqa: F401
    except ImportError as e:
        raise FallbackUnavailableError(
            f"the sympy fallback needs sympy and latex2sympy2_extended ({e}); "
            "install them with `pip install 'mathb[fallback]'`"
        ) from None


# ---------------------------------------------------------------- text preparation

_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")
_SCI = re.compile(r"(?<![\w.\\])(\d+(?:\.\d+)?|\.\d+)[eE]([+-]?\d+)(?![\w.])")
_DECIMAL = re.compile(r"\d*\.\d+")
_DELIMITERS = (("$$", "$$"), ("$", "$"), (r"\(", r"\)"), (r"\[", r"\]"))


def gold_answer_text(gold: str) -> str:
    """The content of the last \\boxed{} in `gold`, else all of it, without math delimiters."""
    starts = list(_BOXED.finditer(gold))
    for m in reversed(starts):
        depth, i = 1, m.end()
        while i < len(gold) and depth:
            depth += {"{": 1, "}": -1}.get(gold[i], 0)
            i += 1
        if depth == 0:
            return strip_delimiters(gold[m.end() : i - 1])
    return strip_delimiters(gold)


def strip_delimiters(text: str) -> str:
    text = text.strip()
    for left, right in _DELIMITERS:
        if len(text) >= len(left) + len(right) and text.startswith(left) and text.endswith(right):
            return text[len(left) : len(text) - len(right)].strip()
    return text.strip("$").strip()


def _decimal_rel_tol(*texts: str) -> float:
    """Relative rounding slack implied by the coarsest decimal literal (0.333 → 0.001/0.333)."""
    tol = 0.0
    for text in texts:
        for lit in _DECIMAL.findall(text):
            try:
                d = Decimal(lit)
            except InvalidOperation:
                continue
            unit = Decimal(1).scaleb(d.as_tuple().exponent)  # type: ignore[arg-type]
            tol = max(tol, float(unit / abs(d)) if d else float("inf"))
    return tol


# ---------------------------------------------------------------- judging (runs in a worker)


def _parse(text: str) -> Any:
    from latex2sympy2_extended import NormalizationConfig, latex2sympy
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig

    # Case matters (A vs a), and no unit stripping: both could turn a wrong answer right.
    expr = latex2sympy(
        text,
        is_real=None,
        normalization_config=NormalizationConfig(
            basic_latex=True, units=False, malformed_operators=True, nits=False, boxed="none"
        ),
        conversion_config=ConversionConfig(lowercase_symbols=False),
    )
    return _exact(expr)


def _exact(e: Any) -> Any:
    """Decimal literals as exact rationals and unevaluated nodes (%, sums) evaluated, per kind."""
    import sympy

    if isinstance(e, sympy.MatrixBase):
        return e.applyfunc(_exact)
    if isinstance(e, sympy.Expr):
        # str(Float) keeps the literal's digits, so 0.1 becomes exactly 1/10, not a binary fraction.
        e = e.xreplace({f: sympy.Rational(str(f)) for f in e.atoms(sympy.Float)})
        return e.doit()
    if isinstance(e, sympy.Rel):
        # Rebuilt unevaluated: doit() on Eq(1, 2) would collapse it to False.
        return e.func(_exact(e.lhs), _exact(e.rhs), evaluate=False)
    if isinstance(e, sympy.Interval):
        return sympy.Interval(_exact(e.start), _exact(e.end), e.left_open, e.right_open)
    if isinstance(e, (sympy.FiniteSet, sympy.Tuple)):
        return e.func(*(_exact(a) for a in e.args))
    return e


def _short(e: Any) -> str:
    try:
        text = str(e.evalf(8)) if getattr(e, "is_number", False) else str(e)
    except Exception:  # huge integers refuse str(); the reason text is only a hint
        text = type(e).__name__
    return text if len(text) <= 40 else text[:37] + "..."


def _numbers_differ(a: Any, b: Any, rel_tol: float) -> str | None:
    """A reason when a and b are certainly different numbers, else None."""
    import sympy

    try:
        # strict=True raises instead of returning digits it could not guarantee.
        va = a.evalf(_EVAL_DIGITS, strict=True)
        vb = b.evalf(_EVAL_DIGITS, strict=True)
    except (sympy.core.evalf.PrecisionExhausted, ValueError, TypeError, ArithmeticError):
        return None
    if not all(v.is_number and v.is_finite and not v.free_symbols for v in (va, vb)):
        return None
    diff = abs(va - vb).evalf(_EVAL_DIGITS)
    scale = max(abs(va), abs(vb)).evalf(_EVAL_DIGITS)
    # Decimal answers carry rounding slack; twice the last place also admits truncation.
    threshold = scale * sympy.Float(max(2 * rel_tol, _EXACT_REL_TOL), _EVAL_DIGITS)
    if diff.is_comparable and bool(diff > threshold):
        return f"sympy: values differ ({_short(va)} vs {_short(vb)})"
    return None


def _compare(a: Any, b: Any, rel_tol: float) -> tuple[FallbackStatus, str]:
    import sympy

    if isinstance(a, sympy.logic.boolalg.BooleanAtom) or isinstance(b, sympy.logic.boolalg.BooleanAtom):
        return "undecided", "sympy: an answer evaluates to a truth value"
    if a == b:
        return "correct", "sympy: structurally equal"
    if isinstance(a, sympy.MatrixBase) and isinstance(b, sympy.MatrixBase):
        if a.shape != b.shape:
            return "undecided", "sympy: matrix shapes differ"
        return _elementwise(list(a), list(b), rel_tol, "matrix")
    if isinstance(a, sympy.Tuple) and isinstance(b, sympy.Tuple):
        if len(a) != len(b):
            return "undecided", "sympy: tuple lengths differ"
        return _elementwise(a.args, b.args, rel_tol, "tuple")
    if isinstance(a, sympy.FiniteSet) and isinstance(b, sympy.FiniteSet):
        return _compare_sets(list(a.args), list(b.args), rel_tol)
    if isinstance(a, sympy.Interval) and isinstance(b, sympy.Interval):
        ends = _elementwise([a.start, a.end], [b.start, b.end], rel_tol, "interval")
        if ends[0] != "incorrect" and (a.left_open, a.right_open) != (b.left_open, b.right_open):
            # "(1,2)" may be a point and "[1,2]" a vector; only different endpoints are certain.
            return "undecided", "sympy: interval ends differ in open/closed"
        return ends
    if isinstance(a, sympy.Rel) and isinstance(b, sympy.Rel):
        return _compare_relations(a, b, rel_tol)
    if isinstance(a, sympy.Expr) and isinstance(b, sympy.Expr):
        return _compare_exprs(a, b, rel_tol)
    return "undecided", f"sympy: cannot compare {type(a).__name__} with {type(b).__name__}"


def _compare_exprs(a: Any, b: Any, rel_tol: float) -> tuple[FallbackStatus, str]:
    import sympy

    diff = a - b
    if diff == 0:
        return "correct", "sympy: a-b=0"
    if not a.free_symbols and not b.free_symbols:
        differ = _numbers_differ(a, b, rel_tol)
        if differ:
            return "incorrect", differ
    if sympy.simplify(diff) == 0:
        return "correct", "sympy: simplify(a-b)=0"
    return "undecided", "sympy: not proven equal"


def _elementwise(
    xs: Sequence[Any], ys: Sequence[Any], rel_tol: float, kind: str
) -> tuple[FallbackStatus, str]:
    verdicts = [_compare(x, y, rel_tol) for x, y in zip(xs, ys)]
    for i, (status, reason) in enumerate(verdicts):
        if status == "incorrect":
            return "incorrect", f"{reason} at {kind} entry {i + 1}"
    if all(status == "correct" for status, _ in verdicts):
        return "correct", f"sympy: {kind} entries equal"
    return "undecided", f"sympy: {kind} entries not all decided"


def _compare_sets(xs: list[Any], ys: list[Any], rel_tol: float) -> tuple[FallbackStatus, str]:
    if max(len(xs), len(ys)) > _MAX_SET_SIZE:
        return "undecided", "sympy: set too large"
    table = [[_compare(x, y, rel_tol)[0] for y in ys] for x in xs]
    unused = set(range(len(ys)))
    for row in table:  # greedy matching suffices: "correct" is an equivalence
        j = next((j for j in sorted(unused) if row[j] == "correct"), None)
        if j is None:
            break
        unused.discard(j)
    else:
        if not unused:
            return "correct", "sympy: set elements equal"
    lonely_x = any(all(s == "incorrect" for s in row) for row in table)
    lonely_y = any(all(row[j] == "incorrect" for row in table) for j in range(len(ys)))
    if lonely_x or lonely_y:
        return "incorrect", "sympy: a set element has no equal in the other set"
    return "undecided", "sympy: set elements not all decided"


def _relation_sides(r: Any) -> tuple[str, Any, Any] | None:
    import sympy

    # ">" and ">=" mirrored to "<" and "<=", so x <= 2 and 2 >= x get the same form.
    if isinstance(r, (sympy.StrictGreaterThan, sympy.GreaterThan)):
        return r.rel_op.replace(">", "<"), r.rhs, r.lhs
    if isinstance(r, (sympy.Eq, sympy.Ne, sympy.StrictLessThan, sympy.LessThan)):
        return r.rel_op, r.lhs, r.rhs
    return None


def _compare_relations(a: Any, b: Any, rel_tol: float) -> tuple[FallbackStatus, str]:
    ka, kb = _relation_sides(a), _relation_sides(b)
    if ka is None or kb is None or ka[0] != kb[0]:
        return "undecided", "sympy: relations of different kinds"
    # Side by side, not lhs-rhs: "1=2" and "3=4" are different answers, and so are "a=5", "a-2=3".
    orders = [(ka[1:], kb[1:])] + ([(ka[1:], kb[:0:-1])] if ka[0] in ("==", "!=") else [])
    for xs, ys in orders:
        if _elementwise(xs, ys, rel_tol, "relation")[0] == "correct":
            return "correct", "sympy: both sides of the relations equal"
    return "undecided", "sympy: relations not proven equal"


def judge(gold: str, answer: str) -> tuple[FallbackStatus, str]:
    """Judges one pair in this process, without a timeout; the pool adds the bounds."""
    gold, answer = gold_answer_text(gold), strip_delimiters(answer)
    if not gold or not answer:
        return "undecided", "sympy: empty answer"
    if max(len(gold), len(answer)) > _MAX_INPUT_CHARS:
        return "undecided", "sympy: input too long"
    if not (_SCI.search(gold) or _SCI.search(answer)):
        return _judge_text(gold, answer)
    # "2e-1" is 2·e−1 in LaTeX but 0.2 in plain text: decide only when both readings agree.
    sci = r"\1\\times 10^{\2}"
    first = _judge_text(gold, answer)
    second = _judge_text(_SCI.sub(sci, gold), _SCI.sub(sci, answer))
    if first[0] == second[0]:
        return first[0], f"{first[1]} (both readings of 'e')"
    return "undecided", "sympy: 'e' reads as Euler's number or as ×10^, and the readings disagree"


def _judge_text(gold: str, answer: str) -> tuple[FallbackStatus, str]:
    try:
        a, b = _parse(gold), _parse(answer)
    except MemoryError:
        raise
    except Exception as e:
        first_line = (str(e).strip().splitlines() or [type(e).__name__])[0]
        return "undecided", f"sympy: parse error: {first_line[:80]}"
    return _compare(a, b, _decimal_rel_tol(gold, answer))


def _worker_main(conn: Connection, memory_limit: int | None) -> None:
    # Imports and a warm-up run happen before "ready" so that they never eat an item's time.
    judge("x+1", "1+x")
    if memory_limit:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        except (ImportError, ValueError, OSError):  # no RLIMIT_AS here (e.g. macOS): rely on the timeout
            pass
    conn.send(("ready",))
    while (job := conn.recv()) is not None:
        key, gold, answer = job
        recycle = False
        try:
            status, reason = judge(gold, answer)
        except MemoryError:
            # The heap may be fragmented or half-freed; a fresh process is cheaper than doubt.
            status, reason, recycle = "undecided", "sympy: memory limit exceeded", True
        except RecursionError:
            status, reason = "undecided", "sympy: recursion too deep"
        except Exception as e:
            status, reason = "undecided", f"sympy: error: {type(e).__name__}"
        conn.send((key, status, reason, recycle))
        if recycle:
            return


# ---------------------------------------------------------------- the pool (runs in the parent)


class _Worker:
    def __init__(self, ctx: Any, memory_limit: int | None) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, memory_limit), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.job: int | None = None
        self.deadline = float("inf")

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


def _stop_all(workers: list[_Worker]) -> None:
    for w in workers:
        w.stop()
    workers.clear()


class SympyFallback:
    """A pool of sympy worker processes with a hard per-item timeout and a result cache.

    Usable from any thread; calls on one instance run one at a time. With the "spawn" start
    method a script that uses it needs the usual ``if __name__ == "__main__":`` guard.
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
        _require_sympy()
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.timeout = timeout
        self.memory_limit = memory_limit
        self.cache_size = cache_size
        self.stats = FallbackStats()
        self._ctx = multiprocessing.get_context(start_method)
        self._cache: OrderedDict[Pair, FallbackResult] = OrderedDict()
        self._pool: list[_Worker] = []
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, _stop_all, self._pool)

    def __enter__(self) -> SympyFallback:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Kills the worker processes; a later `resolve` starts new ones."""
        with self._lock:
            _stop_all(self._pool)

    def resolve(self, pairs: Iterable[Pair]) -> list[FallbackResult]:
        """One result per (gold, answer) pair, in input order; duplicates are computed once."""
        pairs = [(str(g), str(a)) for g, a in pairs]
        with self._lock:
            todo: dict[Pair, None] = {}
            for pair in pairs:
                if pair in self._cache:
                    self._cache.move_to_end(pair)
                    self.stats.cache_hits += 1
                elif pair in todo:
                    self.stats.cache_hits += 1
                else:
                    todo[pair] = None
            keys = list(todo)
            fresh = dict(zip(keys, self._run(keys)))
            for pair, result in fresh.items():
                self._cache[pair] = result
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
            return [fresh.get(p) or self._cache[p] for p in pairs]

    def _spawn(self) -> _Worker:
        self.stats.workers_started += 1
        return _Worker(self._ctx, self.memory_limit)

    def _run(self, keys: list[Pair]) -> list[FallbackResult]:
        results: list[FallbackResult | None] = [None] * len(keys)
        queue = deque(range(len(keys)))
        while len(self._pool) < min(self.workers, len(keys)):
            self._pool.append(self._spawn())
        while queue or any(w.job is not None for w in self._pool):
            for w in self._pool:
                if w.ready and w.job is None and queue:
                    w.job = queue.popleft()
                    w.conn.send((w.job, *keys[w.job]))
                    w.deadline = time.monotonic() + self.timeout
                    self.stats.computed += 1
            busy = [w.deadline for w in self._pool if w.job is not None]
            wait_for = max(0.0, min(busy) - time.monotonic()) if busy else None
            handles = [h for w in self._pool for h in (w.conn, w.process.sentinel)]
            wait(handles, timeout=wait_for)
            for i, w in enumerate(self._pool):
                replace = self._poll(w, results)
                if w.job is not None and time.monotonic() >= w.deadline:
                    # The hard cut: the worker is killed, whatever sympy was doing.
                    results[w.job] = FallbackResult(
                        "undecided", f"sympy: timeout after {float(self.timeout)} s"
                    )
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
        except (EOFError, OSError):
            pass
        if w.process.is_alive():
            return False
        if not w.ready:
            raise FallbackWorkerError(
                f"a sympy fallback worker exited with code {w.process.exitcode} before it was ready"
            )
        if w.job is not None:
            results[w.job] = FallbackResult(
                "undecided", f"sympy: worker died (exit code {w.process.exitcode})"
            )
            w.job = None
        return True


def resolve_with_sympy(
    pairs: Iterable[Pair],
    *,
    workers: int | None = None,
    timeout: float = 5.0,
    memory_limit: int | None = 2 << 30,
) -> list[FallbackResult]:
    """Judges (gold, extracted answer) pairs with a throwaway `SympyFallback`."""
    with SympyFallback(workers, timeout=timeout, memory_limit=memory_limit) as fallback:
        return fallback.resolve(pairs)
