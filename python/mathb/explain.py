"""Why one (gold, answer) pair got its verdict, and which grading option would change it: what
`mathb check --explain` prints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import _core, grade
from ._arguments import gold_text, text

#: The grading options and their defaults (`mathb.grade`'s keywords).
DEFAULT_OPTIONS: dict[str, Any] = {
    "decimal": "rounded",
    "min_significant_digits": 3,
    "decimal_places": None,
    "relation_as_set": True,
    "strict_variables": True,
    "extract": "standard",
}


def _alternatives(options: dict[str, Any], fallback: bool) -> list[tuple[str, dict[str, Any]]]:
    """(command-line spelling, changed keywords) of each single option change worth trying."""
    out: list[tuple[str, dict[str, Any]]] = []
    if options["decimal"] == "rounded":
        out.append(("--decimal exact", {"decimal": "exact"}))
        if options["min_significant_digits"] > 1:
            out.append(("--min-significant-digits 1", {"min_significant_digits": 1}))
        if options["decimal_places"] is not None:
            out.append(("no --decimal-places", {"decimal_places": None}))
    else:
        out.append(("--decimal rounded", {"decimal": "rounded"}))
    for mode in ("strict", "standard", "lenient"):
        if mode != options["extract"]:
            out.append((f"--extract {mode}", {"extract": mode}))
    if options["relation_as_set"]:
        out.append(("--no-relation-as-set", {"relation_as_set": False}))
    else:
        out.append(("relation_as_set=True", {"relation_as_set": True}))
    if options["strict_variables"]:
        out.append(("--loose-variables", {"strict_variables": False}))
    else:
        out.append(("strict variables (no --loose-variables)", {"strict_variables": True}))
    out.append(("--no-fallback" if fallback else "the sympy fallback", {"fallback": not fallback}))
    return out


def explain_pair(
    gold: Any,
    answer: str,
    *,
    extracted: bool = False,
    choices: Sequence[str | int | float] | None = None,
    fallback: bool = True,
    **options: Any,
) -> dict[str, Any]:
    """The verdict on (gold, answer) with how it was reached: ``status``, ``reason``,
    ``extracted``, ``decided_by``; ``method`` and ``span`` (character offsets in `answer`)
    of the extraction; ``gold_parsed`` and ``answer_parsed`` (how the parser read each side,
    or None with ``gold_error`` / ``answer_error``); and ``changes``, one entry per single
    option change that gives another status (``option``, ``keywords``, ``status``,
    ``reason``). `extracted` treats `answer` as the final answer already (`mathb.verify`)."""
    settings = {**DEFAULT_OPTIONS, **options}
    encoded = gold_text(gold, choices, "gold")
    answer = text(answer, "answer")
    core = _core.explain(encoded, answer, extracted=extracted, **settings)
    verdict = _verdict(gold, answer, extracted, choices, fallback, settings)
    result: dict[str, Any] = {**core, **verdict.to_dict()}
    changes = []
    for option, keywords in _alternatives(settings, fallback):
        changed = {**settings, **keywords}
        other = _verdict(
            gold, answer, extracted, choices, changed.pop("fallback", fallback), changed
        )
        if other.status != verdict.status:
            changes.append(
                {
                    "option": option,
                    "keywords": keywords,
                    "status": other.status,
                    "reason": other.reason,
                }
            )
    result["changes"] = changes
    return result


def _verdict(
    gold: Any,
    answer: str,
    extracted: bool,
    choices: Sequence[str | int | float] | None,
    fallback: bool,
    options: dict[str, Any],
) -> _core.Verdict:
    if not extracted:
        return grade(gold, answer, choices=choices, fallback=fallback, **options)
    # verify gives a bool; the verdict behind it is the core's, settled as grade settles it.
    encoded = gold_text(gold, choices, "gold")
    core = _core.verify_answer(encoded, answer, **options)
    if fallback and core.status == "undecided":
        from .fallback import settle_undecided

        return settle_undecided([encoded], [core], True)[0]
    return core


__all__ = ["DEFAULT_OPTIONS", "explain_pair"]
