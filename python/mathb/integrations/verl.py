"""verl's custom reward function, graded by mathb.

    reward:
      custom_reward_function:
        path: <site-packages>/mathb/integrations/verl.py   # or a file importing from it
        name: compute_score            # compute_score_async for the async reward loop
      reward_manager:
        name: batch                    # one `compute_score` call per batch (or naive)

`compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs)` returns
``{"score", "acc", "pred", "status", "reason"}``; called with verl's batch keywords
(``data_sources=``, ``solution_strs=``, ``ground_truths=``, ``extra_infos=``) it grades the
whole batch in one GIL-free call and returns one such dict per sample. Keyword arguments
(verl's ``reward_kwargs``) may set mathb's grading options and ``correct_score`` /
``incorrect_score`` / ``no_answer_score``; verl's own keys are ignored. Imports are absolute:
verl loads this file by its path, outside the package.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

from mathb import InvalidArgumentError, Verdict, grade_batch
from mathb.integrations.rewards import Scores, as_gold, split_options

_BATCH_KEYS = ("data_sources", "solution_strs", "ground_truths", "extra_infos")


def _record(verdict: Verdict, scores: Scores) -> dict[str, Any]:
    # Every key in every record: verl gathers each key into one array per batch.
    return {
        "score": scores.of(verdict),
        "acc": verdict.status == "correct",
        "pred": verdict.extracted or "",
        "status": verdict.status,
        "reason": verdict.reason,
    }


def compute_score_batch(
    data_sources: Sequence[Any] | None = None,
    solution_strs: Sequence[str] | None = None,
    ground_truths: Sequence[Any] | None = None,
    extra_infos: Sequence[Any] | None = None,
    **kwargs: Any,
) -> list[dict[str, Any]]:
    """verl's batch form: one record per sample, all graded in one `grade_batch` call.
    ``data_sources`` and ``extra_infos`` are accepted and not read: mathb grades every
    source alike."""
    del data_sources, extra_infos
    if solution_strs is None or ground_truths is None:
        raise InvalidArgumentError("compute_score_batch needs solution_strs and ground_truths")
    options, scores = split_options(kwargs)
    golds = [as_gold(g) for g in ground_truths]
    verdicts = grade_batch(golds, list(solution_strs), **options)
    return [_record(v, scores) for v in verdicts]


def compute_score(
    data_source: Any = None,
    solution_str: str | None = None,
    ground_truth: Any = None,
    extra_info: Any = None,
    **kwargs: Any,
) -> Any:
    """verl's reward function: the record of one sample, or with the batch keywords
    (``solution_strs=``, ``ground_truths=``, …) the list of records of the batch."""
    if any(key in kwargs for key in _BATCH_KEYS):
        batch = {key: kwargs.pop(key, None) for key in _BATCH_KEYS}
        return compute_score_batch(**batch, **kwargs)
    del data_source, extra_info
    if solution_str is None:
        raise InvalidArgumentError("compute_score needs solution_str (or the batch keywords)")
    options, scores = split_options(kwargs)
    options["threads"] = 1  # one pair: no thread pool
    verdict = grade_batch([as_gold(ground_truth)], [solution_str], **options)[0]
    return _record(verdict, scores)


#: One coalescing grader per event loop, dropped with its loop.
_coalescers: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


async def compute_score_async(
    data_source: Any = None,
    solution_str: str | None = None,
    ground_truth: Any = None,
    extra_info: Any = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """verl's async reward function: the record of one sample. The calls that concurrent
    tasks of one event loop make together are graded in one batch, in a worker thread; the
    loop is never blocked."""
    import asyncio

    from mathb.batching import CoalescingGrader

    del data_source, extra_info
    if solution_str is None:
        raise InvalidArgumentError("compute_score_async needs solution_str")
    options, scores = split_options(kwargs)
    loop = asyncio.get_running_loop()
    grader = _coalescers.get(loop)
    if grader is None:
        grader = _coalescers[loop] = CoalescingGrader()
    verdict = await grader.grade(as_gold(ground_truth), solution_str, **options)
    return _record(verdict, scores)


__all__ = ["compute_score", "compute_score_async", "compute_score_batch"]
