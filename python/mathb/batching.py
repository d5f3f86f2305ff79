"""Grading from asyncio without blocking the event loop: `grade_batch_async` runs a batch in
a worker thread (the core releases the GIL), and `CoalescingGrader` gathers the single-pair
requests that concurrent tasks make in one turn of the loop into one `grade_batch` call."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import grade_batch

if TYPE_CHECKING:
    from . import Gold, Verdict


async def grade_batch_async(
    golds: Sequence[Gold], completions: Sequence[str], **options: Any
) -> list[Verdict]:
    """`mathb.grade_batch` awaited: the batch is graded in the loop's default executor, so
    the event loop keeps running; the same verdicts, options and errors as `grade_batch`."""
    loop = asyncio.get_running_loop()
    call = functools.partial(grade_batch, golds, completions, **options)
    return await loop.run_in_executor(None, call)


def _options_key(options: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    # Options are strings, numbers, booleans, None or a SympyFallback (hashed by identity).
    return tuple(sorted(options.items()))


class CoalescingGrader:
    """Grades single pairs for concurrent tasks of one event loop, in batches: the requests
    made before the loop next runs its callbacks go to `grade_batch` together (one call per
    distinct set of options), in a worker thread. Use one instance per event loop."""

    def __init__(self, max_batch: int = 65536) -> None:
        self.max_batch = max_batch
        self._pending: dict[
            tuple[tuple[str, Any], ...], list[tuple[Any, str, asyncio.Future[Verdict]]]
        ] = {}
        self._scheduled = False
        #: Batches sent to the core, and the pairs in them (for tests and logs).
        self.batches = 0
        self.pairs = 0

    async def grade(self, gold: Gold, completion: str, **options: Any) -> Verdict:
        """The verdict on one pair, graded in a batch with the other pending requests."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Verdict] = loop.create_future()
        self._pending.setdefault(_options_key(options), []).append((gold, completion, future))
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._flush, loop)
        return await future

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        self._scheduled = False
        pending, self._pending = self._pending, {}
        for key, items in pending.items():
            for start in range(0, len(items), self.max_batch):
                chunk = items[start : start + self.max_batch]
                loop.create_task(self._run(dict(key), chunk))

    async def _run(
        self, options: dict[str, Any], items: list[tuple[Any, str, asyncio.Future[Verdict]]]
    ) -> None:
        self.batches += 1
        self.pairs += len(items)
        golds = [gold for gold, _, _ in items]
        completions = [completion for _, completion, _ in items]
        try:
            verdicts = await grade_batch_async(golds, completions, **options)
        except Exception:
            # One bad pair must not fail its neighbours: grade each alone for its own error.
            for gold, completion, future in items:
                if future.done():
                    continue
                try:
                    verdict = (await grade_batch_async([gold], [completion], **options))[0]
                except Exception as e:  # noqa: BLE001 - handed to the caller that sent the pair
                    future.set_exception(e)
                else:
                    future.set_result(verdict)
            return
        for (_, _, future), verdict in zip(items, verdicts):
            if not future.done():  # a cancelled caller
                future.set_result(verdict)


__all__ = ["CoalescingGrader", "grade_batch_async"]
