"""The sympy fallback of a streaming run, off its critical path.

The core queues each chunk's undecided (gold, answer) pairs with `submit` and grades the
next chunks meanwhile; a chunk's verdicts are fetched with `collect` only when its lines
are due (the core keeps a bounded backlog of such chunks). One background thread starts the
sympy pool at the first pair and sends it every batch waiting, together, so the pool's
workers share them.
"""

from __future__ import annotations

import itertools
import queue
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .fallback import SympyFallback

#: What the core gets back per pair: (status, reason), or None when still undecided.
Settled = tuple[str, str] | None


class FallbackQueue:
    """`submit(pairs) -> ticket`, `ready(ticket)`, `collect(ticket)`: the interface
    `_core.grade_stream` calls. `fallback` is True (the shared pool) or a SympyFallback."""

    def __init__(self, fallback: bool | SympyFallback) -> None:
        self.fallback = fallback
        self._engine: SympyFallback | None = None
        self._tickets = itertools.count(1)
        self._futures: dict[int, Future[list[Settled]]] = {}
        self._waiting: queue.SimpleQueue[tuple[list[tuple[str, str]], Future[list[Settled]]] | None]
        self._waiting = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def submit(self, pairs: list[tuple[str, str]]) -> int:
        """Queues `pairs` and returns at once with the ticket of their verdicts."""
        if self._thread is None:
            # A daemon: a run stopped by an error or Ctrl-C does not wait for sympy.
            self._thread = threading.Thread(target=self._serve, name="mathb-fallback", daemon=True)
            self._thread.start()
        ticket = next(self._tickets)
        future: Future[list[Settled]] = Future()
        self._futures[ticket] = future
        self._waiting.put((pairs, future))
        return ticket

    def ready(self, ticket: int) -> bool:
        return self._futures[ticket].done()

    def collect(self, ticket: int) -> list[Settled]:
        """The verdicts of `ticket`'s pairs, waiting for them; raises what the pool raised."""
        return self._futures.pop(ticket).result()

    def close(self) -> None:
        """Lets the background thread end once the batches it holds are done."""
        if self._thread is not None:
            self._waiting.put(None)
            self._thread = None

    def _serve(self) -> None:
        while True:
            first = self._waiting.get()
            if first is None:
                return
            batches = [first]
            # Every batch queued meanwhile goes with it: the pool's workers share them.
            while True:
                try:
                    more = self._waiting.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._waiting.put(None)  # stop after this round
                    break
                batches.append(more)
            try:
                settled = self._settle([p for pairs, _ in batches for p in pairs])
            except BaseException as e:  # the run fails with it, at the collect
                for _, future in batches:
                    future.set_exception(e)
                continue
            start = 0
            for pairs, future in batches:
                future.set_result(settled[start : start + len(pairs)])
                start += len(pairs)

    def _settle(self, pairs: list[tuple[str, str]]) -> list[Settled]:
        if self._engine is None:  # the pool starts here, in the background
            from .fallback import fallback_engine

            self._engine = fallback_engine(self.fallback)
        results = self._engine.resolve(pairs)
        return [(r.status, r.reason) if r.status != "undecided" else None for r in results]
