"""Every error mathb raises derives from `MathbError`. The core defines the first three; the
rest are raised by the Python layer. All are importable from `mathb` itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._core import InputFileError, InvalidArgumentError, MathbError

if TYPE_CHECKING:
    from ._core import Verdict


class ArgumentTypeError(InvalidArgumentError, TypeError):
    """An argument has the wrong type, or is None (the message names it and its row); also
    a `TypeError`, as Python's own argument checks are."""


class MissingExtraError(MathbError, ImportError):
    """A feature needs an optional extra that is not installed (the message names it)."""


class FallbackUnavailableError(MathbError, ImportError):
    """sympy or latex2sympy2_extended is not installed."""


class UndecidedError(MathbError):
    """`verify(..., undecided="raise")` met a pair mathb cannot decide; `verdict` holds the
    undecided verdict and its reason."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(f"undecided: {verdict.reason}")
        self.verdict = verdict


# Shown as `mathb.X` in tracebacks, like the core's classes.
for _cls in (ArgumentTypeError, MissingExtraError, FallbackUnavailableError, UndecidedError):
    _cls.__module__ = "mathb"

__all__ = [
    "ArgumentTypeError",
    "FallbackUnavailableError",
    "InputFileError",
    "InvalidArgumentError",
    "MathbError",
    "MissingExtraError",
    "UndecidedError",
]
