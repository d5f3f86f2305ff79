"""Math-Verify's ``parse`` and ``verify``, with its call shapes and configs, graded by mathb's
core: no signal, no timeout thread, safe in any thread, asyncio task or forked worker.

    from mathb.compat.math_verify import parse, verify
    verify(parse("$\\frac12$"), parse("so the answer is $\\boxed{0.5}$"))  # True

`parse` returns a list holding the extracted answer *as a string* (Math-Verify gives a SymPy
object and its string); it is empty when no answer was found, as in Math-Verify. `verify`
accepts those lists, plain strings, numbers and SymPy objects (compared through their LaTeX).
The README's "Use from other tools" section lists which options change what.
"""

from __future__ import annotations

import atexit
import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from .. import _arguments, _core
from ..errors import ArgumentTypeError, InvalidArgumentError

if TYPE_CHECKING:
    from .. import ExtractMode, Fallback
    from ..fallback import SympyFallback

#: Math-Verify's default ``float_rounding``: at it, mathb keeps its own decimal policy.
DEFAULT_FLOAT_ROUNDING = 6
_MIN_SIGNIFICANT_DIGITS = 3  # mathb's default, lowered for a coarser float_rounding
_SHARED_TIMEOUT = 5.0  # the per-pair deadline of the shared fallback (fallback=True)


@dataclass(frozen=True)
class LatexExtractionConfig:
    """Answers written in LaTeX: boxes, math spans after an answer anchor, the last math
    span. ``boxed_match_priority`` and ``normalization_config`` are accepted and have no
    effect: mathb always prefers a box and normalizes every answer the same way."""

    try_extract_without_anchor: bool = True
    boxed_match_priority: int = 50
    normalization_config: Any = None


@dataclass(frozen=True)
class ExprExtractionConfig:
    """Plain-text numbers and expressions as well (mathb's ``extract="lenient"``: the last
    number of the final line, decimal commas)."""

    try_extract_without_anchor: bool = True


@dataclass(frozen=True)
class StringExtractionConfig:
    """Literal strings such as choice letters: the extracted answer must be one of
    ``strings`` (case-insensitive when ``lowercase``, and then returned lowercased)."""

    strings: tuple[str, ...] = field(default_factory=lambda: ("A", "B", "C", "D"))
    try_extract_without_anchor: bool = True
    lowercase: bool = True


ExtractionTarget: TypeAlias = LatexExtractionConfig | ExprExtractionConfig | StringExtractionConfig

_DEFAULT_EXTRACTION: tuple[ExtractionTarget, ...] = (
    LatexExtractionConfig(),
    ExprExtractionConfig(),
)


class ParsedAnswer(list[str]):
    """What `parse` returns: ``[answer]`` (the extracted answer as a string), or ``[]`` when
    none was found. ``method`` says how it was found (``boxed``, ``anchor``, ``whole``, …).

    As the first argument of `verify` (the gold side) a parsed text is read whole, the way
    mathb reads gold answers (a box, GSM8K's ``#### 18``, answers joined by "and"/"or" or
    stated in a worked solution); as the second, its extracted answer is graded."""

    def __init__(
        self,
        answer: str | None,
        gold: str | None,
        method: str | None,
        shown: str,
        mode: ExtractMode,
    ):
        super().__init__([] if answer is None else [shown])
        self.answer = answer
        self.gold = gold
        self.method = method
        #: mathb's extraction mode for the configs it was parsed with (see `extract_mode`)
        self.mode = mode

    def __repr__(self) -> str:
        return f"ParsedAnswer({list(self)!r}, method={self.method!r})"


_MATH_SPAN = re.compile(r"\$\$.*?\$\$|(?<!\\)\$.*?(?<!\\)\$|\\\(.*?\\\)|\\\[.*?\\\]", re.DOTALL)
_BOX_OR_ANCHOR = re.compile(r"\\(?:boxed|fbox)(?![A-Za-z])|\banswer\b", re.IGNORECASE)
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_WORD = re.compile(r"[A-Za-z]{2,}")
#: Words outside math that make a string prose (a completion) rather than an answer.
_PROSE_WORDS = 3


def is_bare_answer(text: str) -> bool:
    """True when `text` is an answer on its own (``7,425,000``, ``$\\frac13$``, ``28
    percent``, ``$\\frac{1}{3} \\text{meters}$``) rather than a completion that states one:
    no box, no word "answer", no word outside its math spans, and without math spans fewer
    than three words. Math-Verify reads such a string whole; so does `parse`."""
    if len(text) > _core.MAX_ANSWER_CHARS or _BOX_OR_ANCHOR.search(text):
        return False
    has_math = _MATH_SPAN.search(text) is not None
    words = len(_WORD.findall(_LATEX_COMMAND.sub(" ", _MATH_SPAN.sub(" ", text))))
    return not ((has_math and words >= 1) or words >= _PROSE_WORDS)


def _unwrapped(text: str) -> str:
    """`text` without one pair of math delimiters around the whole of it."""
    for left, right in (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$")):
        inner = text[len(left) : len(text) - len(right)]
        if (
            len(text) > len(left) + len(right)
            and text.startswith(left)
            and text.endswith(right)
            and "$" not in inner
        ):
            return inner.strip()
    return text


def _kind(config: Any) -> str:
    """ "latex", "expr" or "string" for a config of this module or of Math-Verify itself (a
    caller may keep its `math_verify` config objects and swap only the functions)."""
    name = type(config).__name__
    kinds = {
        "LatexExtractionConfig": "latex",
        "ExprExtractionConfig": "expr",
        "StringExtractionConfig": "string",
    }
    if name not in kinds:
        raise ArgumentTypeError(
            "extraction_config takes LatexExtractionConfig, ExprExtractionConfig and "
            f"StringExtractionConfig objects, not {name}"
        )
    return kinds[name]


def extract_mode(configs: Sequence[Any]) -> ExtractMode:
    """mathb's extraction mode for a Math-Verify ``extraction_config``: "lenient" with an
    `ExprExtractionConfig`, "standard" with LaTeX only, "strict" when every math config has
    ``try_extract_without_anchor=False`` (anchors and boxes only)."""
    math_configs = [c for c in configs if _kind(c) != "string"]
    kinds = {_kind(c) for c in math_configs}
    anchorless = not math_configs or any(
        getattr(c, "try_extract_without_anchor", True) for c in math_configs
    )
    if not anchorless:
        return "strict"
    return "lenient" if "expr" in kinds else "standard"


def _choice(text: str, config: Any) -> str | None:
    """The string of a `StringExtractionConfig` that `text` names (``B``, ``(B)``, ``**B**``)."""
    bare = text.strip().strip("*").strip()
    if len(bare) >= 2 and bare[0] in "([" and bare[-1] in ")]":
        bare = bare[1:-1].strip()
    lowercase = bool(getattr(config, "lowercase", True))
    for s in getattr(config, "strings", ()):
        if bare == s or (lowercase and bare.lower() == str(s).lower()):
            return str(s)
    return None


def parse(
    pred: str,
    extraction_config: Sequence[Any] = _DEFAULT_EXTRACTION,
    fallback_mode: Literal["no_fallback", "first_match"] = "first_match",
    extraction_mode: Literal["first_match", "any_match"] = "any_match",
    parsing_timeout: float | None = 5,
    raise_on_error: bool = False,
) -> ParsedAnswer:
    """The final answer of `pred` as ``[answer]``, or ``[]`` when it holds none.

    `extraction_config` chooses what is looked for (see `extract_mode`); a
    `StringExtractionConfig` keeps an answer only when it names one of its strings.
    ``fallback_mode``, ``extraction_mode``, ``parsing_timeout`` and ``raise_on_error`` are
    accepted for compatibility: mathb takes the one final answer, needs no timeout (every
    step of the core is bounded) and reports no parse error (an unreadable answer is
    graded incorrect or undecided by `verify`). A `pred` that is not a string raises
    `ArgumentTypeError`: a silent ``[]`` would score a broken pipeline as wrong answers.
    """
    del fallback_mode, extraction_mode, parsing_timeout, raise_on_error
    text = _arguments.text(pred, "pred")
    configs = list(extraction_config)
    if not configs:
        raise InvalidArgumentError("extraction_config is empty: nothing would be extracted")
    string_configs = [c for c in configs if _kind(c) == "string"]
    mode = extract_mode(configs)
    found: tuple[str, str] | None
    if not text.strip():
        found = None
    elif is_bare_answer(text):
        found = (_unwrapped(text.strip()), "whole")
    else:
        found = _core.extract_final_answer(text, extract=mode)
    if found is None:
        return ParsedAnswer(None, None, None, "", mode)
    answer, method = found
    for config in string_configs:
        letter = _choice(answer, config)
        if letter is not None:
            shown = letter.lower() if getattr(config, "lowercase", True) else letter
            return ParsedAnswer(letter, letter, method, shown, mode)
    if len(string_configs) == len(configs):
        return ParsedAnswer(None, None, None, "", mode)  # only strings were asked for
    return ParsedAnswer(answer, text, method, answer, mode)


def _answers(value: Any, name: str, gold: bool) -> list[str]:
    """The answer strings `verify` compares for one side (the gold side reads a parsed text
    whole)."""
    if isinstance(value, ParsedAnswer):
        kept = value.gold if gold else value.answer
        return [] if kept is None else [kept]
    if isinstance(value, (list, tuple)):
        out: list[str] = []
        for i, item in enumerate(value):
            out.extend(_answers(item, f"{name}[{i}]", gold))
        return out
    if isinstance(value, str):
        return [value]
    if value is None:
        raise ArgumentTypeError(f"{name} is None; pass parse()'s result, a string or a number")
    if isinstance(value, bool):
        raise ArgumentTypeError(f"{name} is a boolean; pass parse()'s result, a string or a number")
    if isinstance(value, int):
        return [str(value)]
    if isinstance(value, float):
        if not math.isfinite(value):
            return []  # no answer equals nan or an infinity written as a float
        return [repr(value)]
    if type(value).__module__.split(".")[0] == "sympy":
        import sympy  # type: ignore[import-untyped]  # only for a caller holding SymPy objects

        return [sympy.latex(value)]
    return [_arguments.gold_text(value, None, name)]


def _mode(gold: Any, target: Any) -> ExtractMode:
    """The extraction mode the gold (else the target) was parsed with; "standard" for
    strings and numbers. It decides how a gold's text is read (with "lenient", plain-text
    numbers too)."""
    for side in (gold, target):
        found = side if isinstance(side, ParsedAnswer) else None
        if found is None and isinstance(side, (list, tuple)):
            found = next((x for x in side if isinstance(x, ParsedAnswer)), None)
        if found is not None:
            return found.mode
    return "standard"


def _options(float_rounding: int, strict: bool, mode: ExtractMode) -> dict[str, Any]:
    if isinstance(float_rounding, bool) or not isinstance(float_rounding, int):
        raise ArgumentTypeError(
            f"float_rounding must be an int, not {type(float_rounding).__name__}"
        )
    if float_rounding < 1:
        raise InvalidArgumentError(f"float_rounding must be at least 1, not {float_rounding}")
    options: dict[str, Any] = {"strict_variables": bool(strict), "extract": mode}
    if float_rounding != DEFAULT_FLOAT_ROUNDING:
        options["decimal_places"] = float_rounding
        options["min_significant_digits"] = min(_MIN_SIGNIFICANT_DIGITS, float_rounding)
    return options


def verify(
    gold: Any,
    target: Any,
    float_rounding: int = DEFAULT_FLOAT_ROUNDING,
    numeric_precision: int = 15,
    strict: bool = True,
    allow_set_relation_comp: bool = False,
    timeout_seconds: float | None = 5,
    raise_on_error: bool = False,
    *,
    fallback: Fallback = False,
) -> bool:
    """True when any answer of `gold` equals any answer of `target`, as Math-Verify decides.

    Each side is `parse`'s result, a list of them, a string (read as an answer, not
    extracted), a number or a SymPy object. ``float_rounding`` other than 6 compares
    decimals at that many places (mathb's ``decimal_places``); ``strict=False`` lets
    variable names differ. ``allow_set_relation_comp``, ``numeric_precision`` and
    ``raise_on_error`` are accepted and change nothing: mathb always compares a one-variable
    relation with its solution set (both ways), computes exactly, and turns what it cannot
    read into a verdict. The core needs no timeout (every step is bounded). A pair it leaves
    undecided is False unless ``fallback`` (True or a `mathb.SympyFallback`) settles it in
    killable sympy worker processes; with ``fallback=True``, ``timeout_seconds`` is their
    deadline per pair (a worker past it is killed, from any thread; None or 0: the shared
    fallback's 5 s).
    """
    del numeric_precision, allow_set_relation_comp, raise_on_error
    _arguments.check_fallback(fallback)
    if fallback is True:
        fallback = _fallback_with_timeout(timeout_seconds)
    options = _options(float_rounding, strict, _mode(gold, target))
    golds = _answers(gold, "gold", gold=True)
    targets = _answers(target, "target", gold=False)
    return any(_equal(g, t, options, fallback) for g in golds for t in targets)


_engines: dict[float, SympyFallback] = {}
_engines_lock = threading.Lock()


def _fallback_with_timeout(timeout_seconds: Any) -> Fallback:
    """The shared fallback, or for another per-pair deadline a fallback of its own (one per
    deadline, started on first use, stopped at exit)."""
    if isinstance(timeout_seconds, bool) or not isinstance(timeout_seconds, (int, float)):
        if timeout_seconds is None:
            return True
        raise ArgumentTypeError(
            f"timeout_seconds must be a number or None, not {type(timeout_seconds).__name__}"
        )
    if timeout_seconds <= 0 or timeout_seconds == _SHARED_TIMEOUT:
        return True
    from ..fallback import SympyFallback

    with _engines_lock:
        engine = _engines.get(float(timeout_seconds))
        if engine is None:
            engine = _engines[float(timeout_seconds)] = SympyFallback(timeout=timeout_seconds)
            atexit.register(engine.close)
        return engine


def _equal(gold: str, answer: str, options: dict[str, Any], fallback: Fallback) -> bool:
    verdict = _core.verify_answer(gold, answer, **options)
    if verdict.status == "undecided" and fallback is not False:
        from ..fallback import settle_undecided

        verdict = settle_undecided([gold], [verdict], fallback)[0]
    return verdict.correct


__all__ = [
    "DEFAULT_FLOAT_ROUNDING",
    "ExprExtractionConfig",
    "ExtractionTarget",
    "LatexExtractionConfig",
    "ParsedAnswer",
    "StringExtractionConfig",
    "extract_mode",
    "parse",
    "verify",
]
