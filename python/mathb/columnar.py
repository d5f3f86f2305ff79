"""`grade_batch` on columns: Arrow string columns (pyarrow, polars, any producer of the
Arrow PyCapsule interface) and bytes of JSON Lines, read by the core with no Python object
per row, and verdicts returned as Arrow or numpy columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeGuard

from . import _arguments, _core
from .errors import ArgumentTypeError, InvalidArgumentError, MissingExtraError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from .fallback import SympyFallback

#: What `grade_batch` returns: Verdict objects, a pyarrow RecordBatch, or numpy codes.
Output = Literal["verdicts", "arrow", "numpy"]
#: The status of each code of ``output="numpy"``: ``STATUS_CODES[code]``.
STATUS_CODES: tuple[str, ...] = tuple(_core.STATUS_CODES)


def is_arrow(values: Any) -> bool:
    """Whether `values` exports Arrow data (an array, a chunked array, a Series)."""
    return hasattr(values, "__arrow_c_stream__") or hasattr(values, "__arrow_c_array__")


def is_jsonl(values: Any) -> TypeGuard[bytes | bytearray | memoryview]:
    """Whether `values` is bytes of JSON Lines (bytes, bytearray, memoryview)."""
    return isinstance(values, (bytes, bytearray, memoryview))


def check_output(output: Any) -> None:
    if output not in ("verdicts", "arrow", "numpy"):
        raise InvalidArgumentError(f"output must be 'verdicts', 'arrow' or 'numpy', not {output!r}")


def grade_jsonl(
    data: bytes | bytearray | memoryview,
    completions: Any,
    gold_field: str | None,
    completion_field: str | None,
    choices: Any,
    threads: int | None,
    options: dict[str, Any],
) -> _core.GradedBatch:
    """The verdicts of every record of `data`, one per completion."""
    if completions is not None:
        raise InvalidArgumentError(
            "with bytes of JSON Lines the completions come from the records: pass no completions"
        )
    if choices is not None:
        raise InvalidArgumentError(
            "with bytes of JSON Lines the options come from the records (choices / options "
            "fields): pass no choices"
        )
    for name, field in (("gold_field", gold_field), ("completion_field", completion_field)):
        if field is not None and not isinstance(field, str):
            raise ArgumentTypeError(f"{name} must be a string, not {type(field).__name__}")
    return _core.grade_jsonl(
        data if isinstance(data, bytes) else bytes(data),
        gold_field=gold_field,
        completion_field=completion_field,
        threads=threads,
        **options,
    )


def grade_arrow(
    golds: Any, completions: Any, choices: Any, threads: int | None, options: dict[str, Any]
) -> _core.GradedBatch:
    """The verdicts of Arrow columns of golds and completions."""
    if not (is_arrow(golds) and is_arrow(completions)):
        arrow, other = ("golds", "completions") if is_arrow(golds) else ("completions", "golds")
        raise ArgumentTypeError(
            f"{arrow} is an Arrow column but {other} is not: pass both as Arrow columns "
            f"(pyarrow.array({other})) or both as lists"
        )
    if choices is not None:
        raise InvalidArgumentError(
            "choices are taken with lists of golds, not Arrow columns: pass golds as a list"
        )
    try:
        return _core.grade_columns(golds, completions, threads=threads, **options)
    except TypeError as e:
        raise ArgumentTypeError(str(e)) from None


def grade_lists(
    encoded: list[str], completions: list[Any], threads: int | None, options: dict[str, Any]
) -> _core.GradedBatch:
    """The verdicts of lists (golds already encoded) as columns."""
    try:
        return _core.grade_columns(encoded, completions, threads=threads, **options)
    except TypeError:
        error = _arguments.first_non_string(completions, "completions")
        if error is None:
            raise
        raise error from None


def settle(batch: _core.GradedBatch, fallback: bool | SympyFallback) -> None:
    """Sends the rows the core left undecided to the fallback (when one is set)."""
    if fallback is False:
        return
    rows, golds, verdicts = batch.undecided()
    if not rows:
        return
    from .fallback import settle_undecided

    batch.settle(rows, settle_undecided(golds, verdicts, fallback))


def result(batch: _core.GradedBatch, output: Output) -> Any:
    """The batch's verdicts in the form `output` names."""
    if output == "verdicts":
        return batch.verdicts()
    if output == "numpy":
        codes: npt.NDArray[np.uint8] = batch.status_codes()
        return codes, STATUS_CODES
    try:
        import pyarrow  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise MissingExtraError(
            "output='arrow' returns a pyarrow RecordBatch: pip install 'mathb[parquet]' "
            "(or pyarrow)"
        ) from None
    return pyarrow.record_batch(batch.columns())


__all__ = [
    "STATUS_CODES",
    "Output",
    "check_output",
    "grade_arrow",
    "grade_jsonl",
    "grade_lists",
    "is_arrow",
    "is_jsonl",
    "result",
    "settle",
]
