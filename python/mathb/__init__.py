"""mathb: fast, explainable grading of math-model answers, with pass@k.

>>> import mathb
>>> mathb.grade("1/2", "so the answer is $\\boxed{0.5}$").status
'correct'
"""

from __future__ import annotations

import os as _os
import sys as _sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from . import _core
from ._core import (
    InputFileError,
    InvalidArgumentError,
    MathbError,
    Verdict,
    extract_final_answer,
    parallelism_enabled,
    set_parallelism,
)
from .metrics import pass_at_k


class MissingExtraError(MathbError, ImportError):
    """A feature needs an optional extra that is not installed (the message names it)."""


__version__: str = _core.__version__
DecimalPolicy = Literal["rounded", "exact"]
ExtractMode = Literal["strict", "standard", "lenient"]


def _metadata_version() -> str | None:
    """The version in the first `mathb-*.dist-info` on sys.path (where importlib.metadata
    finds it), read directly: importing importlib.metadata takes longer than the rest of
    `import mathb`. None when there is none (a source tree without metadata)."""
    for entry in _sys.path:
        try:
            names = _os.listdir(entry or ".")
        except OSError:
            continue
        for name in sorted(names):
            if not (name.startswith("mathb-") and name.endswith(".dist-info")):
                continue
            try:
                with open(_os.path.join(entry or ".", name, "METADATA"), encoding="utf-8") as f:
                    for line in f:
                        if line.startswith("Version:"):
                            return line.split(":", 1)[1].strip()
                        if not line.strip():  # the headers end at the first blank line
                            break
            except OSError:
                continue
    return None


_installed = _metadata_version() or __version__
if _installed != __version__:
    raise ImportError(
        f"mathb's compiled core is version {__version__} but the package is {_installed}; "
        "rebuild it with `pip install -e .`"
    )


if TYPE_CHECKING:
    from .fallback import SympyFallback

#: A gold answer: a string, or a list of accepted answers (any match is correct). With
#: ``choices``, also the index of the right option.
Gold = str | int | Sequence[str | int | float]


def _gold(gold: Gold, choices: Sequence[str | int | float] | None = None) -> str:
    """The string the core grades for `gold` (see `mathb_core::gold`)."""
    if choices is None and type(gold) is str and not gold.startswith(_core.GOLD_PREFIX):
        return gold
    return _core.encode_gold(gold, choices)


def grade(
    gold: Gold,
    completion: str,
    *,
    choices: Sequence[str | int | float] | None = None,
    fallback: bool | SympyFallback = False,
    **options: Any,
) -> Verdict:
    """Grades a model completion against a gold answer.

    `gold` may be a list of accepted answers: the completion is correct if it matches any,
    incorrect only if it is decided different from all, else undecided; the reason names
    the gold that matched. ``choices`` (the options of a multiple-choice question) makes
    `gold` name the right option by index, letter or text: an answer naming the right
    letter or stating the right option's value is correct, one naming another option (by
    letter or value) is incorrect.

    Options (keywords): ``decimal`` ("rounded" | "exact"), ``min_significant_digits``,
    ``decimal_places``, ``relation_as_set``, ``strict_variables``, ``extract`` ("strict" |
    "standard" | "lenient"). ``fallback=True`` (or a ``SympyFallback``) sends an undecided
    verdict to sympy (installed with mathb).
    """
    encoded = _gold(gold, choices)
    verdict = _core.grade(encoded, completion, **options)
    if fallback is False or verdict.status != "undecided":
        return verdict
    from .fallback import settle_undecided

    return settle_undecided([encoded], [verdict], fallback)[0]


def grade_batch(
    golds: Sequence[Gold],
    completions: list[str],
    *,
    choices: Sequence[Sequence[str | int | float] | None] | None = None,
    threads: int | None = None,
    fallback: bool | SympyFallback = False,
    **options: Any,
) -> list[Verdict]:
    """Grades many pairs in parallel with the GIL released; same results for any thread
    count. A gold may be a list of accepted answers; ``choices`` (one list of options or
    None per pair) as for `grade`. Options and ``fallback`` as for `grade`."""
    if choices is not None and len(choices) != len(golds):
        raise InvalidArgumentError(
            f"golds and choices differ in length ({len(golds)} vs {len(choices)})"
        )
    encoded = [_gold(g, None if choices is None else choices[i]) for i, g in enumerate(golds)]
    verdicts = _core.grade_batch(encoded, completions, threads=threads, **options)
    if fallback is False:
        return verdicts
    from .fallback import settle_undecided

    return settle_undecided(encoded, verdicts, fallback)


def verify(
    gold: Gold,
    answer: str,
    *,
    choices: Sequence[str | int | float] | None = None,
    fallback: bool | SympyFallback = False,
    **options: Any,
) -> bool:
    """True when `answer` (an already-extracted final answer) equals `gold`.

    `gold`, ``choices`` and the options as for `grade`. ``fallback=True`` (or a
    ``SympyFallback``) sends a pair the core leaves undecided to sympy, as `grade` does;
    without it an undecided pair is False.
    """
    encoded = _gold(gold, choices)
    verdict = _core.verify_answer(encoded, answer, **options)
    if fallback is False or verdict.status != "undecided":
        return verdict.correct
    from .fallback import settle_undecided

    return settle_undecided([encoded], [verdict], fallback)[0].correct


__all__ = [
    "Gold",
    "InputFileError",
    "InvalidArgumentError",
    "MathbError",
    "MissingExtraError",
    "Verdict",
    "__version__",
    "extract_final_answer",
    "grade",
    "grade_batch",
    "parallelism_enabled",
    "pass_at_k",
    "set_parallelism",
    "verify",
]
