"""A TRL reward function (GRPO, RLOO) graded by mathb.

    from mathb.integrations.trl import accuracy_reward
    trainer = GRPOTrainer(model=..., reward_funcs=[accuracy_reward], train_dataset=...)

TRL calls it with ``prompts=``, ``completions=`` (strings, or conversations: lists of
``{"role", "content"}`` messages), ``completion_ids=``, every dataset column (the gold is read
from ``solution``, ``answer``, ``ground_truth``, ``gold`` or ``target``, the first present),
``trainer_state``, ``log_extra`` and ``log_metric``. It returns one reward per completion,
``None`` where the gold is missing or cannot be read (TRL then leaves that sample out of this
reward). `make_accuracy_reward` sets the gold column, mathb's grading options and the scores.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mathb import InvalidArgumentError, grade_batch
from mathb.integrations.rewards import GRADING_OPTIONS, as_gold, gold_unreadable, split_options

#: Dataset columns read as the gold answer, in this order, when no column is named.
GOLD_COLUMNS = ("solution", "answer", "ground_truth", "gold", "target")


def completion_text(completion: Any) -> str:
    """The text of one TRL completion: the string itself, or for a conversation the content
    of its last assistant message (of its last message when none says its role)."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        return _content(completion)
    if isinstance(completion, Sequence) and completion:
        messages = [m for m in completion if isinstance(m, dict)]
        spoken = [m for m in messages if m.get("role") == "assistant"] or messages
        if spoken:
            return _content(spoken[-1])
    raise InvalidArgumentError(
        "a completion is a string or a list of {'role', 'content'} messages, "
        f"not {type(completion).__name__}"
    )


def _content(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # multimodal parts: [{"type": "text", "text": …}, …]
        return "".join(
            part.get("text", "")
            for part in content
            if isinstance(part, dict) and part.get("type") == "text"
        )
    return ""


def _gold_column(kwargs: dict[str, Any], column: str | None) -> list[Any]:
    if column is not None:
        if column not in kwargs:
            raise InvalidArgumentError(
                f"the dataset has no column {column!r} (columns: {sorted(kwargs)})"
            )
        return list(kwargs[column])
    for name in GOLD_COLUMNS:
        if name in kwargs:
            return list(kwargs[name])
    raise InvalidArgumentError(
        f"no gold column: the dataset needs one of {', '.join(GOLD_COLUMNS)} "
        "(or name it with make_accuracy_reward(gold_column=...))"
    )


def _readable(gold: Any) -> bool:
    if gold is None:
        return False
    if isinstance(gold, str):
        return bool(gold.strip())
    if isinstance(gold, (list, tuple)):
        return bool(gold) and all(_readable(g) for g in gold)
    return not isinstance(gold, bool) and isinstance(gold, (int, float))


def make_accuracy_reward(
    gold_column: str | None = None,
    *,
    log_reason: bool = False,
    name: str = "accuracy_reward",
    **options: Any,
) -> Callable[..., list[float | None]]:
    """A TRL reward function reading the gold from `gold_column` (default: the first of
    `GOLD_COLUMNS` present). `options` are mathb's grading options (``extract``,
    ``decimal_places``, ``fallback``, …) and ``correct_score`` / ``incorrect_score`` /
    ``no_answer_score``. With `log_reason`, each verdict's status and reason go to TRL's
    completions table through ``log_extra``, and the share of each status through
    ``log_metric``."""
    unknown = sorted(
        set(options) - GRADING_OPTIONS - {"correct_score", "incorrect_score", "no_answer_score"}
    )
    if unknown:
        raise InvalidArgumentError(f"unknown options: {', '.join(unknown)}")
    grading, scores = split_options(options)

    def reward(
        prompts: Sequence[Any] | None = None,
        completions: Sequence[Any] | None = None,
        completion_ids: Sequence[Any] | None = None,
        **kwargs: Any,
    ) -> list[float | None]:
        del prompts, completion_ids
        if completions is None:
            raise InvalidArgumentError("the reward function needs completions=")
        texts = [completion_text(c) for c in completions]
        golds = [as_gold(g) for g in _gold_column(kwargs, gold_column)]
        if len(golds) != len(texts):
            raise InvalidArgumentError(
                f"{len(texts)} completions but {len(golds)} golds in the gold column"
            )
        rows = [i for i, g in enumerate(golds) if _readable(g)]
        verdicts = grade_batch([golds[i] for i in rows], [texts[i] for i in rows], **grading)
        rewards: list[float | None] = [None] * len(texts)
        statuses = ["no_gold"] * len(texts)
        reasons = ["the gold is missing"] * len(texts)
        for i, verdict in zip(rows, verdicts):
            statuses[i], reasons[i] = verdict.status, verdict.reason
            if gold_unreadable(verdict):
                statuses[i] = "no_gold"
            else:
                rewards[i] = scores.of(verdict)
        if log_reason:
            _log(kwargs, statuses, reasons)
        return rewards

    reward.__name__ = reward.__qualname__ = name  # TRL names the reward's metrics after it
    return reward


def _log(kwargs: dict[str, Any], statuses: list[str], reasons: list[str]) -> None:
    log_extra, log_metric = kwargs.get("log_extra"), kwargs.get("log_metric")
    if callable(log_extra):
        log_extra("mathb_status", statuses)
        log_extra("mathb_reason", reasons)
    if callable(log_metric) and statuses:
        for status in ("correct", "incorrect", "no_answer", "undecided", "no_gold"):
            log_metric(f"mathb/{status}", statuses.count(status) / len(statuses))


#: The reward function with the defaults: gold from the first of `GOLD_COLUMNS`, 1.0 for a
#: correct answer, 0.0 otherwise, None without a readable gold.
accuracy_reward = make_accuracy_reward()

__all__ = ["GOLD_COLUMNS", "accuracy_reward", "completion_text", "make_accuracy_reward"]
