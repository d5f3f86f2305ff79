"""mathb: fast, explainable grading of math-model answers, with pass@k.

>>> import mathb
>>> mathb.grade("1/2", "so the answer is $\\boxed{0.5}$").status
'correct'
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version
from typing import Literal

from . import _core
from ._core import (
    InputFileError,
    InvalidArgumentError,
    MathbError,
    Verdict,
    extract_final_answer,
    grade,
    grade_batch,
    parallelism_enabled,
    set_parallelism,
)
from .metrics import pass_at_k

__version__: str = _core.__version__
DecimalPolicy = Literal["rounded", "exact"]
ExtractMode = Literal["strict", "standard", "lenient"]

try:
    _installed = _dist_version("mathb")
except PackageNotFoundError:  # running from a source tree without metadata
    _installed = __version__
if _installed != __version__:
    raise ImportError(
        f"mathb's compiled core is version {__version__} but the package is {_installed}; "
        "rebuild it with `pip install -e .`"
    )


def verify(
    gold: str,
    answer: str,
    *,
    decimal: DecimalPolicy = "rounded",
    min_significant_digits: int = 3,
    decimal_places: int | None = None,
    relation_as_set: bool = True,
    strict_variables: bool = True,
    extract: ExtractMode = "standard",
) -> bool:
    """True when `answer` (an already-extracted final answer) equals `gold`."""
    return _core.verify_answer(
        gold,
        answer,
        decimal=decimal,
        min_significant_digits=min_significant_digits,
        decimal_places=decimal_places,
        relation_as_set=relation_as_set,
        strict_variables=strict_variables,
        extract=extract,
    ).correct


__all__ = [
    "InputFileError",
    "InvalidArgumentError",
    "MathbError",
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
