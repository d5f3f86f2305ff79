"""What the trainer adapters share: picking mathb's grading options out of a host's keyword
arguments, the score of a verdict, and whether a gold could be read at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import InvalidArgumentError, Verdict

#: Keyword arguments of `mathb.grade_batch` an adapter passes on (from verl's
#: ``reward_kwargs``, TRL's factory, OpenRLHF's server flags).
GRADING_OPTIONS = frozenset(
    {
        "decimal",
        "min_significant_digits",
        "decimal_places",
        "relation_as_set",
        "strict_variables",
        "extract",
        "fallback",
        "threads",
    }
)

#: Reasons of an undecided verdict that mean the gold itself could not be read.
_UNREADABLE_GOLD = ("gold not parsed", "gold answer is empty")


@dataclass(frozen=True)
class Scores:
    """The reward of each status. A verdict the core leaves undecided is scored as
    incorrect: a false reward is worse than a missed one."""

    correct: float = 1.0
    incorrect: float = 0.0
    no_answer: float | None = None  # None: as incorrect

    def of(self, verdict: Verdict) -> float:
        if verdict.status == "correct":
            return self.correct
        if verdict.status == "no_answer" and self.no_answer is not None:
            return self.no_answer
        return self.incorrect


def split_options(kwargs: dict[str, Any]) -> tuple[dict[str, Any], Scores]:
    """(grading options, scores) from a host's keyword arguments; the host's own keys
    (verl's ``sandbox_fusion_url``, TRL's ``trainer_state``, …) are left out."""
    options = {k: v for k, v in kwargs.items() if k in GRADING_OPTIONS}
    scores = Scores(
        correct=_number(kwargs.get("correct_score", 1.0), "correct_score"),
        incorrect=_number(kwargs.get("incorrect_score", 0.0), "incorrect_score"),
        no_answer=(
            None
            if kwargs.get("no_answer_score") is None
            else _number(kwargs["no_answer_score"], "no_answer_score")
        ),
    )
    return options, scores


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgumentError(f"{name} must be a number, not {value!r}")
    return float(value)


def gold_unreadable(verdict: Verdict) -> bool:
    """True when the verdict says the gold itself could not be read."""
    return verdict.status == "undecided" and verdict.reason.startswith(_UNREADABLE_GOLD)


def as_gold(value: Any) -> Any:
    """A gold as `mathb.grade_batch` takes it: numpy arrays and scalars (Parquet columns
    read by pandas) become lists and Python numbers; anything else is passed unchanged."""
    tolist = getattr(value, "tolist", None)
    if callable(tolist) and not isinstance(value, (str, bytes)):
        return tolist()
    return value


__all__ = ["GRADING_OPTIONS", "Scores", "as_gold", "gold_unreadable", "split_options"]
