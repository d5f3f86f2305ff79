"""Arguments of the public API checked and turned into what the core takes, with errors that
name the argument and, in a batch, the row (`golds[53218] is None`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import _core
from .errors import ArgumentTypeError, InvalidArgumentError

_WHAT_GOLD = "a gold is a string, a number, or a list of strings and numbers"


def gold_text(gold: Any, choices: Any, name: str, choices_name: str = "choices") -> str:
    """The string the core grades for `gold` (see `mathb_core::gold`). A number is a value
    (read as the CLI reads a JSON number), or with `choices` the index of the right option."""
    if choices is None and type(gold) is str and not gold.startswith(_core.GOLD_PREFIX):
        return gold
    if gold is None:
        raise ArgumentTypeError(f"{name} is None; {_WHAT_GOLD}")
    if isinstance(gold, (list, tuple)):
        value: Any = [_scalar(g, f"{name}[{i}]") for i, g in enumerate(gold)]
    else:
        value = _scalar(gold, name)
        if choices is None and not isinstance(value, str):
            value = [value]  # a one-element list is that gold: the core reads the number
    if choices is not None:
        choices = option_list(choices, choices_name)
    try:
        return _core.encode_gold(value, choices)
    except TypeError as e:
        raise ArgumentTypeError(f"{name}: {e}") from None
    except InvalidArgumentError as e:
        raise InvalidArgumentError(f"{name}: {e}") from None


def _scalar(x: Any, name: str) -> str | int | float:
    """One gold or option as the core takes it: a string, an int or a finite float."""
    if isinstance(x, str):
        return x
    if x is None:
        raise ArgumentTypeError(f"{name} is None; {_WHAT_GOLD}")
    if isinstance(x, bool):
        raise ArgumentTypeError(f"{name} is a boolean; {_WHAT_GOLD}")
    if isinstance(x, float):
        return _finite(x, name)
    if isinstance(x, int):
        return int(x)
    # Other numbers: numpy's, Fraction, Decimal (imported here: `import mathb` stays fast).
    import numbers
    from decimal import Decimal
    from fractions import Fraction

    if isinstance(x, numbers.Integral):
        return int(x)
    if isinstance(x, Fraction):
        return f"{x.numerator}/{x.denominator}"
    if isinstance(x, Decimal):
        if not x.is_finite():
            raise InvalidArgumentError(f"{name} is the number {x}, which has no exact value")
        return format(x, "f")  # as written, without an exponent: Decimal("1E+2") is 100
    if isinstance(x, numbers.Real):
        return _finite(float(x), name)
    what = type(x).__name__
    raise ArgumentTypeError(f"{name} must be a string, a number or a list of them, not {what}")


def _finite(value: float, name: str) -> float:
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidArgumentError(f"{name} is the number {value}, which has no exact value")
    return value


def option_list(choices: Any, name: str) -> list[str | int | float]:
    """The options of a multiple-choice question as a list the core takes."""
    if isinstance(choices, (str, bytes)) or not isinstance(choices, Sequence):
        raise ArgumentTypeError(
            f"{name} must be a list of options (strings or numbers), not {type(choices).__name__}"
        )
    return [_scalar(c, f"{name}[{i}]") for i, c in enumerate(choices)]


def text(value: Any, name: str) -> str:
    """A completion or answer: a string."""
    if type(value) is str or isinstance(value, str):
        return value
    if value is None:
        raise ArgumentTypeError(f"{name} is None; it must be a string")
    raise ArgumentTypeError(f"{name} must be a string, not {type(value).__name__}")


def as_list(values: Any, name: str) -> list[Any]:
    """A batch argument as a list; one string is not a batch."""
    if isinstance(values, list):
        return values
    if isinstance(values, (str, bytes)) or values is None:
        raise ArgumentTypeError(f"{name} must be a list, not {type(values).__name__}")
    try:
        return list(values)
    except TypeError:
        raise ArgumentTypeError(f"{name} must be a list, not {type(values).__name__}") from None


def first_non_string(values: list[Any], name: str) -> ArgumentTypeError | None:
    """The error for the first element of `values` that is not a string, if any: called only
    after the core refused the list, so a batch of strings pays nothing for it."""
    for i, value in enumerate(values):
        if not isinstance(value, str):
            try:
                text(value, f"{name}[{i}]")
            except ArgumentTypeError as e:
                return e
    return None


def check_fallback(fallback: Any) -> None:
    """``fallback=`` is True, False or a SympyFallback: a truthy string would start workers."""
    if fallback is True or fallback is False:
        return
    from .fallback import SympyFallback  # imported only for a fallback of one's own

    if not isinstance(fallback, SympyFallback):
        raise ArgumentTypeError(
            f"fallback must be True, False or a SympyFallback, not {type(fallback).__name__}"
        )


def batch_golds(golds: list[Any], choices: list[Any] | None) -> list[str]:
    """The core's string of every gold of a batch; errors name the row."""
    if choices is None:
        prefix = _core.GOLD_PREFIX
        # The common case, plain string golds, in one pass without a call per row.
        if all(type(g) is str and not g.startswith(prefix) for g in golds):
            return golds
        return [gold_text(g, None, f"golds[{i}]") for i, g in enumerate(golds)]
    return [gold_text(g, choices[i], f"golds[{i}]", f"choices[{i}]") for i, g in enumerate(golds)]


__all__ = [
    "as_list",
    "batch_golds",
    "check_fallback",
    "first_non_string",
    "gold_text",
    "option_list",
    "text",
]
