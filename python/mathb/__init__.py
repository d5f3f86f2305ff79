"""mathb: fast, explainable grading of math-model answers, with pass@k.

>>> import mathb
>>> mathb.grade("1/2", "so the answer is $\\boxed{0.5}$").status
'correct'
"""

from __future__ import annotations

import os as _os
import sys as _sys
import typing as _typing

from . import _arguments, _core
from . import columnar as _columnar
from ._core import (
    InputFileError,
    InvalidArgumentError,
    MathbError,
    Verdict,
    extract_final_answer,
    parallelism_enabled,
    set_parallelism,
)
from .columnar import STATUS_CODES
from .errors import (
    ArgumentTypeError,
    FallbackUnavailableError,
    MissingExtraError,
    UndecidedError,
)
from .metrics import pass_at_k

if _typing.TYPE_CHECKING:
    from collections.abc import Sequence
    from decimal import Decimal
    from fractions import Fraction
    from typing import Any

    import numpy as np
    import numpy.typing as npt

    from .batching import grade_batch_async
    from .fallback import SympyFallback

__version__: str = _core.__version__
#: How a decimal is compared with an exact value (see the README's Equivalence section).
DecimalPolicy = _typing.Literal["rounded", "exact"]
#: Where an answer is looked for without a box or an anchor.
ExtractMode = _typing.Literal["strict", "standard", "lenient"]


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


#: A gold answer: a string, a number, or a list of accepted answers (any match is correct).
#: With ``choices``, a number is the index of the right option.
Gold = _typing.Union[str, int, float, "Fraction", "Decimal", "Sequence[str | int | float]"]
#: The ``fallback=`` argument: False, True (a shared pool of sympy workers) or a
#: `SympyFallback` of your own.
Fallback = _typing.Union[bool, "SympyFallback"]
#: The ``undecided=`` argument of `verify`.
UndecidedPolicy = _typing.Literal[False, None, "raise"]

_OPTIONS_DOC = """
    Grading options (keyword-only; the README's Options table):

    - ``decimal``: "rounded" (default) accepts a decimal that is the exact value rounded to
      its places (0.333 for 1/3); "exact" wants the identical number.
    - ``min_significant_digits`` (3): significant digits such a rounded decimal needs.
    - ``decimal_places`` (None): compare decimals at no more than this many places.
    - ``relation_as_set`` (True): read one-variable inequalities as their solution sets.
    - ``strict_variables`` (True): variable names must match; False accepts a renaming.
    - ``extract``: "strict", "standard" (default) or "lenient" extraction of the final answer.
    - ``fallback`` (False): True (or a ``SympyFallback``) sends a pair the core leaves
      undecided to sympy, in killable worker processes.
"""


def _options(
    decimal: DecimalPolicy,
    min_significant_digits: int,
    decimal_places: int | None,
    relation_as_set: bool,
    strict_variables: bool,
    extract: ExtractMode,
) -> dict[str, _typing.Any]:
    return {
        "decimal": decimal,
        "min_significant_digits": min_significant_digits,
        "decimal_places": decimal_places,
        "relation_as_set": relation_as_set,
        "strict_variables": strict_variables,
        "extract": extract,
    }


def _settled(encoded: str, verdict: Verdict, fallback: Fallback) -> Verdict:
    """The verdict, or the fallback's when the core left it undecided and a fallback is set."""
    if fallback is False or verdict.status != "undecided":
        return verdict
    from .fallback import settle_undecided

    return settle_undecided([encoded], [verdict], fallback)[0]


def grade(
    gold: Gold,
    completion: str,
    *,
    choices: Sequence[str | int | float] | None = None,
    decimal: DecimalPolicy = "rounded",
    min_significant_digits: int = 3,
    decimal_places: int | None = None,
    relation_as_set: bool = True,
    strict_variables: bool = True,
    extract: ExtractMode = "standard",
    fallback: Fallback = False,
) -> Verdict:
    """Grades a model completion against a gold answer: extracts its final answer and
    returns a `Verdict` (status "correct", "incorrect", "no_answer" or "undecided", with a
    reason and the extracted answer).

    `gold` may be a number (42, 0.5, Fraction(1, 2)) or a list of accepted answers: the
    completion is correct if it matches any, incorrect only if it is decided different
    from all, else undecided; the reason names the gold that matched. ``choices`` (the
    options of a multiple-choice question) makes `gold` name the right option by index,
    letter or text: an answer naming the right letter or stating the right option's value is
    correct, one naming another option (by letter or value) is incorrect.
    """
    _arguments.check_fallback(fallback)
    encoded = _arguments.gold_text(gold, choices, "gold")
    options = _options(
        decimal, min_significant_digits, decimal_places, relation_as_set, strict_variables, extract
    )
    verdict = _core.grade(encoded, _arguments.text(completion, "completion"), **options)
    return _settled(encoded, verdict, fallback)


@_typing.overload
def grade_batch(
    golds: Sequence[Gold] | Any,
    completions: Sequence[str] | Any = ...,
    *,
    choices: Sequence[Sequence[str | int | float] | None] | None = ...,
    threads: int | None = ...,
    decimal: DecimalPolicy = ...,
    min_significant_digits: int = ...,
    decimal_places: int | None = ...,
    relation_as_set: bool = ...,
    strict_variables: bool = ...,
    extract: ExtractMode = ...,
    fallback: Fallback = ...,
    output: _typing.Literal["verdicts"] = ...,
    gold_field: str | None = ...,
    completion_field: str | None = ...,
) -> list[Verdict]: ...
@_typing.overload
def grade_batch(
    golds: Sequence[Gold] | Any,
    completions: Sequence[str] | Any = ...,
    *,
    choices: Sequence[Sequence[str | int | float] | None] | None = ...,
    threads: int | None = ...,
    decimal: DecimalPolicy = ...,
    min_significant_digits: int = ...,
    decimal_places: int | None = ...,
    relation_as_set: bool = ...,
    strict_variables: bool = ...,
    extract: ExtractMode = ...,
    fallback: Fallback = ...,
    output: _typing.Literal["numpy"],
    gold_field: str | None = ...,
    completion_field: str | None = ...,
) -> tuple[npt.NDArray[np.uint8], tuple[str, ...]]: ...
@_typing.overload
def grade_batch(
    golds: Sequence[Gold] | Any,
    completions: Sequence[str] | Any = ...,
    *,
    choices: Sequence[Sequence[str | int | float] | None] | None = ...,
    threads: int | None = ...,
    decimal: DecimalPolicy = ...,
    min_significant_digits: int = ...,
    decimal_places: int | None = ...,
    relation_as_set: bool = ...,
    strict_variables: bool = ...,
    extract: ExtractMode = ...,
    fallback: Fallback = ...,
    output: _typing.Literal["arrow"],
    gold_field: str | None = ...,
    completion_field: str | None = ...,
) -> Any: ...
@_typing.overload
def grade_batch(
    golds: Sequence[Gold] | Any,
    completions: Sequence[str] | Any = ...,
    *,
    choices: Sequence[Sequence[str | int | float] | None] | None = ...,
    threads: int | None = ...,
    decimal: DecimalPolicy = ...,
    min_significant_digits: int = ...,
    decimal_places: int | None = ...,
    relation_as_set: bool = ...,
    strict_variables: bool = ...,
    extract: ExtractMode = ...,
    fallback: Fallback = ...,
    output: _columnar.Output,
    gold_field: str | None = ...,
    completion_field: str | None = ...,
) -> Any: ...
def grade_batch(
    golds: Sequence[Gold] | Any,
    completions: Sequence[str] | Any = None,
    *,
    choices: Sequence[Sequence[str | int | float] | None] | None = None,
    threads: int | None = None,
    decimal: DecimalPolicy = "rounded",
    min_significant_digits: int = 3,
    decimal_places: int | None = None,
    relation_as_set: bool = True,
    strict_variables: bool = True,
    extract: ExtractMode = "standard",
    fallback: Fallback = False,
    output: _columnar.Output = "verdicts",
    gold_field: str | None = None,
    completion_field: str | None = None,
) -> Any:
    """Grades many (gold, completion) pairs in parallel with the GIL released: the same
    verdicts as `grade` on each pair, for any thread count.

    A gold may be a number or a list of accepted answers; ``choices`` holds one list of
    options (or None) per pair, as for `grade`. ``threads`` (default: all cores) caps the
    worker threads. A bad row raises `InvalidArgumentError` naming it (``golds[53218] is
    None``; `ArgumentTypeError`, also a TypeError, for a wrong type).

    Besides lists, `golds` and `completions` may be Arrow string columns (pyarrow arrays and
    chunked arrays, polars Series: anything with ``__arrow_c_stream__`` or
    ``__arrow_c_array__``), read in place without a Python object per row; a null row is an
    error naming it. `golds` may instead be bytes of JSON Lines (no `completions`): the
    gold and completion fields are found as ``mathb grade`` finds them, or named by
    ``gold_field`` / ``completion_field``; a record with a list of completions gives one
    verdict per completion, and a malformed record raises `InputFileError` naming its line.

    ``output``: "verdicts" (default, a list of `Verdict`), "arrow" (a pyarrow RecordBatch
    of status, correct, decided_by, extracted and reason, plus the record's line for JSON
    Lines), or "numpy" (a uint8 array of status codes and the table of their names,
    `STATUS_CODES`).
    """
    _arguments.check_fallback(fallback)
    _columnar.check_output(output)
    options = _options(
        decimal, min_significant_digits, decimal_places, relation_as_set, strict_variables, extract
    )
    if _columnar.is_jsonl(golds):
        batch = _columnar.grade_jsonl(
            golds, completions, gold_field, completion_field, choices, threads, options
        )
    elif gold_field is not None or completion_field is not None:
        raise InvalidArgumentError(
            "gold_field and completion_field name fields of JSON Lines bytes"
        )
    elif _columnar.is_arrow(golds) or _columnar.is_arrow(completions):
        batch = _columnar.grade_arrow(golds, completions, choices, threads, options)
    else:
        return _grade_lists(golds, completions, choices, threads, options, fallback, output)
    _columnar.settle(batch, fallback)
    return _columnar.result(batch, output)


def _grade_lists(
    golds: Any,
    completions: Any,
    choices: Any,
    threads: int | None,
    options: dict[str, Any],
    fallback: Fallback,
    output: _columnar.Output,
) -> Any:
    golds = _arguments.as_list(golds, "golds")
    completions = _arguments.as_list(completions, "completions")
    if len(golds) != len(completions):
        raise InvalidArgumentError(
            f"golds and completions differ in length: {len(golds)} golds, "
            f"{len(completions)} completions"
        )
    if choices is not None:
        choices = _arguments.as_list(choices, "choices")
        if len(choices) != len(golds):
            raise InvalidArgumentError(
                f"golds and choices differ in length: {len(golds)} golds, {len(choices)} choices"
            )
    encoded = _arguments.batch_golds(golds, choices)
    if output != "verdicts":
        batch = _columnar.grade_lists(encoded, completions, threads, options)
        _columnar.settle(batch, fallback)
        return _columnar.result(batch, output)
    try:
        verdicts = _core.grade_batch(encoded, completions, threads=threads, **options)
    except TypeError:
        error = _arguments.first_non_string(completions, "completions")
        if error is None:
            raise
        raise error from None
    if fallback is False:
        return verdicts
    from .fallback import settle_undecided

    return settle_undecided(encoded, verdicts, fallback)


def verify(
    gold: Gold,
    answer: str,
    *,
    choices: Sequence[str | int | float] | None = None,
    decimal: DecimalPolicy = "rounded",
    min_significant_digits: int = 3,
    decimal_places: int | None = None,
    relation_as_set: bool = True,
    strict_variables: bool = True,
    extract: ExtractMode = "standard",
    fallback: Fallback = False,
    undecided: UndecidedPolicy = False,
) -> bool | None:
    """True when `answer`, an answer already extracted from its completion, equals `gold`
    (Math-Verify's ``verify``): no search for a final answer in prose.

    ``undecided`` says what a pair mathb cannot decide gives (after the fallback, when
    ``fallback`` is set): False (default, as Math-Verify), None (to tell it apart from a
    wrong answer, which is False), or "raise" (`UndecidedError`, whose ``verdict`` holds the
    reason). `gold`, ``choices`` and the options as for `grade`; `grade` returns the whole
    verdict.
    """
    if not (undecided is False or undecided is None or undecided == "raise"):
        raise InvalidArgumentError(f"undecided must be False, None or 'raise', not {undecided!r}")
    _arguments.check_fallback(fallback)
    encoded = _arguments.gold_text(gold, choices, "gold")
    options = _options(
        decimal, min_significant_digits, decimal_places, relation_as_set, strict_variables, extract
    )
    found = _core.verify_answer(encoded, _arguments.text(answer, "answer"), **options)
    verdict = _settled(encoded, found, fallback)
    if verdict.status != "undecided" or undecided is False:
        return verdict.correct
    if undecided is None:
        return None
    raise UndecidedError(verdict)


for _f in (grade, grade_batch, verify):
    _f.__doc__ = (_f.__doc__ or "") + _OPTIONS_DOC

from .grading import grade_file  # noqa: E402 - grading imports the names above


def __getattr__(name: str) -> _typing.Any:
    # The fallback module starts processes and threads: imported on first use only.
    if name == "SympyFallback":
        from .fallback import SympyFallback

        return SympyFallback
    if name == "grade_batch_async":  # asyncio is imported only by a caller that awaits
        from .batching import grade_batch_async

        return grade_batch_async
    raise AttributeError(f"module 'mathb' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"SympyFallback", "grade_batch_async"})


__all__ = [
    "ArgumentTypeError",
    "DecimalPolicy",
    "ExtractMode",
    "FallbackUnavailableError",
    "Fallback",
    "Gold",
    "InputFileError",
    "InvalidArgumentError",
    "MathbError",
    "MissingExtraError",
    "STATUS_CODES",
    "SympyFallback",
    "UndecidedError",
    "UndecidedPolicy",
    "Verdict",
    "__version__",
    "extract_final_answer",
    "grade",
    "grade_batch",
    "grade_batch_async",
    "grade_file",
    "parallelism_enabled",
    "pass_at_k",
    "set_parallelism",
    "verify",
]

# `from __future__ import annotations` binds `annotations` here; dir(mathb) shows the API.
del annotations, _f
