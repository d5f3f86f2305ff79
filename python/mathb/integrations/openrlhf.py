"""OpenRLHF's reward-function file form, graded by mathb.

    # reward_func.py, given as --reward.remote_url /path/reward_func.py --data.label_key answer
    from mathb.integrations.openrlhf import reward_func

OpenRLHF calls ``reward_func(queries, prompts, labels, **kwargs)``: each query is the prompt
followed by the response; the label is the gold answer. It returns ``{"rewards", "scores",
"extra_logs"}``: torch tensors when torch is importable (as it is wherever OpenRLHF runs),
else lists of floats. `reward_batch` is the same grading for `mathb serve`. Imports are
absolute: OpenRLHF may load this very file by its path, outside the package.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mathb import InvalidArgumentError, Verdict, grade_batch
from mathb.integrations.rewards import Scores, as_gold, split_options


def response_of(query: str, prompt: str) -> str:
    """The response part of a query (the prompt followed by the response)."""
    return query[len(prompt) :] if prompt and query.startswith(prompt) else query


def reward_batch(
    queries: Sequence[str], prompts: Sequence[str] | None, labels: Sequence[Any], **kwargs: Any
) -> dict[str, Any]:
    """``{"rewards", "scores", "extra_logs"}`` as lists: the reward of each query, its score
    in [0, 1] (1 for a correct answer, for ``--dynamic_filtering``), and per-query logs
    (``mathb_correct``, ``mathb_no_answer``, 0 or 1)."""
    queries, labels = list(queries), list(labels)
    prompts = [""] * len(queries) if prompts is None else list(prompts)
    if not (len(queries) == len(prompts) == len(labels)):
        raise InvalidArgumentError(
            f"queries, prompts and labels differ in length: {len(queries)}, {len(prompts)}, "
            f"{len(labels)}"
        )
    options, scores = split_options(kwargs)
    responses = [response_of(q, p) for q, p in zip(queries, prompts)]
    verdicts = grade_batch([as_gold(label) for label in labels], responses, **options)
    return rewards_of(verdicts, scores)


def rewards_of(verdicts: Sequence[Verdict], scores: Scores) -> dict[str, Any]:
    """The ``{"rewards", "scores", "extra_logs"}`` lists of these verdicts."""
    correct = [1.0 if v.status == "correct" else 0.0 for v in verdicts]
    return {
        "rewards": [scores.of(v) for v in verdicts],
        "scores": correct,
        "extra_logs": {
            "mathb_correct": correct,
            "mathb_no_answer": [1.0 if v.status == "no_answer" else 0.0 for v in verdicts],
        },
    }


def reward_func(
    queries: Sequence[str], prompts: Sequence[str], labels: Sequence[Any], **kwargs: Any
) -> dict[str, Any]:
    """OpenRLHF's reward function: `reward_batch` with tensors (when torch imports)."""
    result = reward_batch(queries, prompts, labels, **kwargs)
    try:
        import torch  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return result
    return {
        "rewards": torch.tensor(result["rewards"], dtype=torch.float32),
        "scores": torch.tensor(result["scores"], dtype=torch.float32),
        "extra_logs": {
            k: torch.tensor(v, dtype=torch.float32) for k, v in result["extra_logs"].items()
        },
    }


__all__ = ["response_of", "reward_batch", "reward_func", "rewards_of"]
