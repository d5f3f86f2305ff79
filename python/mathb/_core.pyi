"""Typed stubs of the compiled core (`mathb._core`)."""

from typing import IO, Any, Literal, Protocol, TypeAlias, final

import numpy as np
import numpy.typing as npt

__version__: str

_Status: TypeAlias = Literal["correct", "incorrect", "no_answer", "undecided"]
_DecimalPolicy: TypeAlias = Literal["rounded", "exact"]
_ExtractMode: TypeAlias = Literal["strict", "standard", "lenient"]

class MathbError(Exception):
    """Base class of every error raised by mathb."""

class InvalidArgumentError(MathbError, ValueError):
    """An argument is out of range or inconsistent."""

class InputFileError(MathbError):
    """An input file is malformed; the message names the file and line."""

    #: The diagnostic's code (`E002`, …), when the dump reader raised it.
    code: str | None
    #: The file, as it was named (`<stdin>` for standard input), when the dump reader raised it.
    path: str | None
    #: The 1-based line (or table row), when the error is about one.
    line: int | None

@final
class Verdict:
    """The verdict on one answer."""

    def __new__(
        cls,
        status: _Status,
        reason: str,
        extracted: str | None = None,
        decided_by: Literal["core", "fallback"] = "core",
    ) -> Verdict: ...
    def __reduce__(self) -> tuple[type[Verdict], tuple[str, str, str | None, str]]: ...
    def __hash__(self) -> int: ...
    @property
    def status(self) -> _Status: ...
    @property
    def reason(self) -> str: ...
    @property
    def extracted(self) -> str | None: ...
    @property
    def correct(self) -> bool: ...
    @property
    def decided_by(self) -> Literal["core", "fallback"]:
        """ "core", or "fallback" when the sympy fallback settled an undecided verdict."""
    def settled_by_fallback(self, status: _Status, reason: str) -> Verdict:
        """This verdict as settled by the fallback: same extracted answer, new status."""
    def to_dict(self) -> dict[str, str | None]:
        """{status, reason, extracted, decided_by}."""
    def __bool__(self) -> bool: ...
    def __eq__(self, value: object, /) -> bool: ...

def grade(
    gold: str,
    completion: str,
    *,
    decimal: _DecimalPolicy = "rounded",
    min_significant_digits: int = 3,
    decimal_places: int | None = None,
    relation_as_set: bool = True,
    strict_variables: bool = True,
    extract: _ExtractMode = "standard",
) -> Verdict:
    """Grades a model completion against a gold answer."""

def verify_answer(
    gold: str,
    answer: str,
    *,
    decimal: _DecimalPolicy = "rounded",
    min_significant_digits: int = 3,
    decimal_places: int | None = None,
    relation_as_set: bool = True,
    strict_variables: bool = True,
    extract: _ExtractMode = "standard",
) -> Verdict:
    """Judges an already-extracted answer string against a gold answer."""

def grade_batch(
    golds: list[str],
    completions: list[str],
    *,
    threads: int | None = None,
    decimal: _DecimalPolicy = "rounded",
    min_significant_digits: int = 3,
    decimal_places: int | None = None,
    relation_as_set: bool = True,
    strict_variables: bool = True,
    extract: _ExtractMode = "standard",
) -> list[Verdict]:
    """Grades many pairs in parallel with the GIL released; same result for any thread count."""

def encode_gold(gold: Any, choices: Any = None) -> str:
    """The string the core grades for `gold` (a string, a number, or a list of accepted
    answers), with the options of its multiple-choice question when `choices` is given."""

def fallback_plan(gold: str) -> list[tuple[str, bool]]:
    """The (gold, accepted) pairs the fallback judges for an undecided verdict on `gold`."""

def combine_fallback(
    gold: str, results: list[tuple[str, str] | None]
) -> tuple[_Status, str] | None:
    """The fallback's verdict on `gold` from its verdicts on the pairs of `fallback_plan`."""

GOLD_PREFIX: str
MAX_ANSWER_CHARS: int
CHOICE_FIELDS: list[str]
SHARD_SUFFIXES: list[str]
GOLD_FIELDS: list[str]
COMPLETION_FIELDS: list[str]
ID_FIELDS: list[str]
PROBLEM_TEXT_FIELDS: list[str]

class _ProgressCallback(Protocol):
    def __call__(
        self, samples: int, bytes_read: int, bytes_total: int | None, counts: list[int], /
    ) -> object: ...

class _FallbackQueue(Protocol):
    """Settles undecided pairs off the run's critical path (see `mathb.fallback_queue`)."""

    def submit(self, pairs: list[tuple[str, str]], /) -> int: ...
    def ready(self, ticket: int, /) -> bool: ...
    def collect(self, ticket: int, /) -> list[tuple[str, str] | None]: ...

def grade_stream(
    spec: str | list[str],
    output: str | IO[bytes] | None = None,
    *,
    gold_field: str | None = None,
    completion_field: str | None = None,
    id_field: str | None = None,
    choices_field: str | None = None,
    answers: dict[str, str] | None = None,
    threads: int | None = None,
    chunk_lines: int = 16384,
    progress: _ProgressCallback | None = None,
    fallback: _FallbackQueue | None = None,
    progress_interval: float = 0.5,
    on_error: Literal["stop", "skip", "record"] = "stop",
    resume: bool = False,
    duplicates: Literal["keep", "first", "error"] = "first",
    limit: int | None = None,
    ks: list[int] = ...,
    with_gold: bool = False,
    with_completion: bool = False,
    only: str | None = None,
    compare_field: str | None = None,
    disagreements: str | None = None,
    id_pattern: str | None = None,
    decimal: _DecimalPolicy = "rounded",
    min_significant_digits: int = 3,
    decimal_places: int | None = None,
    relation_as_set: bool = True,
    strict_variables: bool = True,
    extract: _ExtractMode = "standard",
) -> dict[str, Any]:
    """Grades every sample of the dump(s) `spec` names; see `mathb.grading.grade_file`."""

def extract_final_answer(
    completion: str, *, extract: _ExtractMode = "standard"
) -> tuple[str, str] | None:
    """(answer text, method) of the completion's final answer, or None."""

def explain(
    gold: str,
    completion: str,
    *,
    extracted: bool = False,
    decimal: _DecimalPolicy = "rounded",
    min_significant_digits: int = 3,
    decimal_places: int | None = None,
    relation_as_set: bool = True,
    strict_variables: bool = True,
    extract: _ExtractMode = "standard",
) -> dict[str, Any]:
    """How one pair was graded: status, reason, extracted, method, span, gold_parsed,
    answer_parsed (None with the reason in gold_error / answer_error when a side was not
    read). `extracted`: `completion` is already the final answer (as `verify_answer`)."""

def pass_at_k_array(
    n: npt.NDArray[np.int64], c: npt.NDArray[np.int64], k: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """Element-wise unbiased pass@k over flat int64 arrays of equal length."""

def maj_at_k_matrix(
    lengths: npt.NDArray[np.int64],
    votes: npt.NDArray[np.int64],
    ks: npt.NDArray[np.int64],
    *,
    first_k: bool = False,
) -> npt.NDArray[np.float64]:
    """maj@k of every problem (rows) at every k (columns); problem i owns `lengths[i]`
    consecutive `votes` in sample order: -1 abstains, 0 is correct, > 0 an answer class.
    The expected vote over random k-subsets, or with `first_k` the vote of the first k."""

def vote_keys(answers: list[str]) -> npt.NDArray[np.uint64]:
    """The majority-vote class key of each answer: its exact value where the core has a
    canonical form, its normalized text otherwise."""

def mean_pass_at_k(n: list[int], c: list[int], k: int) -> float:
    """Mean unbiased pass@k over problems, summed the way numpy's `mean` sums."""

def mean_g_pass_at_k(n: list[int], c: list[int], k: int, tau: float) -> float:
    """Mean G-Pass@k_tau over problems: at least ceil(tau k) of k draws correct."""

def mean_mg_pass_at_k(n: list[int], c: list[int], k: int) -> float:
    """Mean mG-Pass@k over problems: G-Pass@k_tau averaged over tau in (0.5, 1]."""

def pass_at_k_intervals(
    n: list[int],
    c: list[int],
    ks: list[int],
    *,
    resamples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> list[tuple[float, float] | None]:
    """Seeded percentile-bootstrap intervals of mean pass@k over problems, one per k."""

def set_parallelism(enabled: bool) -> None:
    """Turns rayon parallelism on or off for this process (overrides MATHB_PARALLELISM)."""

def parallelism_enabled() -> bool: ...

#: The status of each code of `GradedBatch.status_codes`: ``STATUS_CODES[code]``.
STATUS_CODES: tuple[str, ...]

@final
class ArrowColumns:
    """Verdict columns as one Arrow struct array, through the Arrow PyCapsule interface."""

    def __arrow_c_array__(
        self, requested_schema: object | None = None
    ) -> tuple[object, object]: ...
    def __arrow_c_schema__(self) -> object: ...
    def __len__(self) -> int: ...

@final
class GradedBatch:
    """The verdicts of a batch: one row per (gold, completion) pair."""

    def __len__(self) -> int: ...
    def verdicts(self) -> list[Verdict]:
        """One Verdict per row."""
    def undecided(self) -> tuple[list[int], list[str], list[Verdict]]:
        """(rows, golds, verdicts) of the rows the core left undecided."""
    def settle(self, rows: list[int], verdicts: list[Verdict]) -> None:
        """Replaces the verdicts of `rows` (the fallback's)."""
    def status_codes(self) -> npt.NDArray[np.uint8]:
        """Per row, its status's code (an index into `STATUS_CODES`)."""
    def columns(self) -> ArrowColumns:
        """status, correct, decided_by, extracted, reason (and line, for JSON Lines)."""

def grade_columns(
    golds: Any,
    completions: Any,
    *,
    threads: int | None = None,
    decimal: _DecimalPolicy = "rounded",
    min_significant_digits: int = 3,
    decimal_places: int | None = None,
    relation_as_set: bool = True,
    strict_variables: bool = True,
    extract: _ExtractMode = "standard",
) -> GradedBatch:
    """Grades Arrow string columns (or lists of encoded golds and completions)."""

def grade_jsonl(
    data: bytes,
    *,
    gold_field: str | None = None,
    completion_field: str | None = None,
    threads: int | None = None,
    decimal: _DecimalPolicy = "rounded",
    min_significant_digits: int = 3,
    decimal_places: int | None = None,
    relation_as_set: bool = True,
    strict_variables: bool = True,
    extract: _ExtractMode = "standard",
) -> GradedBatch:
    """Grades every record of bytes of JSON Lines, one row per completion."""
