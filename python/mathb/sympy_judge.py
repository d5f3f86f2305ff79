"""Sympy equivalence of two answer strings: the judgement the fallback workers run.

Needs sympy and latex2sympy2_extended, which are installed with mathb.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

from .errors import FallbackUnavailableError

FallbackStatus = Literal["correct", "incorrect", "undecided"]
Pair = tuple[str, str]
Judgement = tuple[FallbackStatus, str]

_MAX_INPUT_CHARS = 2000  # longer answers are not worth a sympy attempt
_MAX_SET_SIZE = 64  # set comparison costs one comparison per pair of elements
_EVAL_DIGITS = 50


def require_sympy() -> None:
    """Raises `FallbackUnavailableError` unless sympy and latex2sympy2_extended are installed.

    Only their presence is checked: importing sympy takes most of a second and happens in
    the fallback's worker processes, which report a broken installation when they start."""
    missing = [
        name
        for name in ("sympy", "latex2sympy2_extended")
        if importlib.util.find_spec(name) is None
    ]
    if missing:
        raise FallbackUnavailableError(
            f"the sympy fallback needs sympy and latex2sympy2_extended ({', '.join(missing)} "
            "not installed); they are dependencies of mathb: `pip install 'mathb[fallback]'` "
            "reinstalls them"
        )


# ---------------------------------------------------------------- text

_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")
_DECIMAL = re.compile(r"\d*\.\d+")
_DELIMITERS = (("$$", "$$"), ("$", "$"), (r"\(", r"\)"), (r"\[", r"\]"))
# "1\,000" and "1 000" group digits; the parser would read a product, 1·000 = 0.
_DIGIT_GROUP = re.compile(r"(?<=\d)(?:\s|\\[,;: ]|~)+(?=\d{3}(?!\d))")
# Notations with two readings; a pair is decided only when every reading agrees.
_READINGS = (
    (
        "'e'",  # 2e-1 is 2·e − 1 in LaTeX, 0.2 in plain text
        re.compile(r"(?<![\w.\\])(\d+(?:\.\d+)?|\.\d+)[eE]([+-]?\d+)(?![\w.])"),
        r"\1\\times 10^{\2}",
    ),
    ("'%'", re.compile(r"\\?%"), ""),  # 50% is 1/2, or 50 when the question asks in percent
    # The parser drops a degree sign: 30° is 30 and sin 30° is sin(30 rad), unless read as π/180.
    ("'°'", re.compile(r"\^\s*\{?\s*\\circ\s*\}?|\\degree"), r"\\cdot\\frac{\\pi}{180}"),
)
# What latex2sympy drops or misreads: primes vanish, f^{-1}(x) turns into 1/f(x).
_UNSUPPORTED = re.compile(
    r"['\"]|\\prime|(?<![\\a-zA-Z])[a-zA-Z]\s*\^\s*\{?\s*-\s*1\s*\}?\s*\("
    r"|\d(?:\s|\\[,;: ]|~)+\d"  # "2 3" left after digit grouping: a sum to the parser
)


def gold_answer_text(gold: str) -> str:
    """The content of the last \\boxed{} in `gold`, else all of it, without math delimiters."""
    for m in reversed(list(_BOXED.finditer(gold))):
        depth, i = 1, m.end()
        while i < len(gold) and depth:
            depth += {"{": 1, "}": -1}.get(gold[i], 0)
            i += 1
        if depth == 0:
            return strip_delimiters(gold[m.end() : i - 1])
    return strip_delimiters(gold)


def strip_delimiters(text: str) -> str:
    text = text.strip()
    for left, right in _DELIMITERS:
        if len(text) >= len(left) + len(right) and text.startswith(left) and text.endswith(right):
            return text[len(left) : len(text) - len(right)].strip()
    return text.strip("$").strip()


def _decimal_rel_tol(*texts: str) -> float:
    """Relative rounding slack of the coarsest decimal literal: 0.001/0.333 for "0.333"."""
    tol = 0.0
    for lit in (lit for text in texts for lit in _DECIMAL.findall(text)):
        d = Decimal(lit)
        unit = Decimal(1).scaleb(int(d.as_tuple().exponent))
        tol = max(tol, float(unit / d) if d else 1.0)  # "0.0" pins no scale: 100 % slack
    return tol


# ---------------------------------------------------------------- judging (in a worker)


def _parse(text: str) -> Any:
    import latex2sympy2_extended as l2s  # type: ignore[import-untyped]
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig  # type: ignore[import-untyped]

    # Letters keep their case (A is not a) and units stay: both could turn a wrong answer right.
    return _exact(
        l2s.latex2sympy(
            text,
            is_real=None,  # the same for both sides, and no assumption that could equate more
            normalization_config=l2s.NormalizationConfig(
                basic_latex=True, units=False, malformed_operators=True, nits=False, boxed="none"
            ),
            conversion_config=ConversionConfig(lowercase_symbols=False),
        )
    )


def _exact(e: Any) -> Any:
    """Decimal literals as exact rationals, unevaluated nodes (%, sums) evaluated, kind kept."""
    import sympy  # type: ignore[import-untyped]

    if isinstance(e, sympy.MatrixBase):
        return e.applyfunc(_exact)
    if isinstance(e, sympy.Expr):
        # str(Float) keeps the literal's digits: 0.1 becomes exactly 1/10, not a binary fraction.
        return e.xreplace({f: sympy.Rational(str(f)) for f in e.atoms(sympy.Float)}).doit()
    if isinstance(e, sympy.Rel):  # rebuilt unevaluated: doit() would turn Eq(1, 2) into False
        return e.func(_exact(e.lhs), _exact(e.rhs), evaluate=False)
    if isinstance(e, sympy.Interval):
        return sympy.Interval(_exact(e.start), _exact(e.end), e.left_open, e.right_open)
    if isinstance(e, (sympy.FiniteSet, sympy.Tuple)):
        return e.func(*(_exact(a) for a in e.args))
    return e


def _numbers_differ(a: Any, b: Any, rel_tol: float) -> str | None:
    """A reason when a and b are certainly different numbers, else None."""
    import sympy

    strict = sympy.core.evalf.PrecisionExhausted, ValueError, TypeError, ArithmeticError
    try:  # strict=True raises rather than return digits it cannot guarantee
        if not rel_tol:
            # The difference itself to 50 digits: exact sides differ whenever it is not 0.
            d = (a - b).evalf(_EVAL_DIGITS, strict=True)
            certain = d.is_number and not d.free_symbols and d != 0
        else:
            va, vb = a.evalf(_EVAL_DIGITS, strict=True), b.evalf(_EVAL_DIGITS, strict=True)
            if not all(v.is_number and v.is_finite and not v.free_symbols for v in (va, vb)):
                return None
            d = (va - vb).evalf(_EVAL_DIGITS)
            # A decimal's slack is one unit in its last place: it covers rounding and truncation.
            certain = abs(d).is_comparable and bool(abs(d) > max(abs(va), abs(vb)) * rel_tol)
    except strict:
        return None
    return f"sympy: values differ (a-b = {sympy.N(d, 3)})" if certain else None


def _compare(a: Any, b: Any, rel_tol: float) -> Judgement:
    import sympy

    if any(isinstance(x, sympy.logic.boolalg.BooleanAtom) for x in (a, b)):
        return "undecided", "sympy: an answer evaluates to a truth value"
    if any(isinstance(x, sympy.Basic) and x.has(sympy.nan, sympy.zoo) for x in (a, b)):
        return "undecided", "sympy: an answer is undefined"  # 1/0 and 2/0 are both zoo
    if a == b:
        return "correct", "sympy: structurally equal"
    if isinstance(a, sympy.MatrixBase) and isinstance(b, sympy.MatrixBase):
        if a.shape != b.shape:
            return "undecided", "sympy: matrix shapes differ"
        return _elementwise(list(a), list(b), rel_tol, "matrix")
    if isinstance(a, sympy.Tuple) and isinstance(b, sympy.Tuple):
        if len(a) != len(b):
            return "undecided", "sympy: tuple lengths differ"
        return _elementwise(a.args, b.args, rel_tol, "tuple")
    if isinstance(a, sympy.FiniteSet) and isinstance(b, sympy.FiniteSet):
        return _compare_sets(a.args, b.args, rel_tol)
    if isinstance(a, sympy.Interval) and isinstance(b, sympy.Interval):
        ends = _elementwise([a.start, a.end], [b.start, b.end], rel_tol, "interval")
        if ends[0] != "incorrect" and (a.left_open, a.right_open) != (b.left_open, b.right_open):
            # "(1,2)" may be a point and "[1,2]" a vector: only different endpoints are certain.
            return "undecided", "sympy: interval ends differ in open/closed"
        return ends
    if {type(a), type(b)} == {sympy.Interval, sympy.Tuple}:
        # The parser reads "(2, 3)" as an interval, "(2, -3)" as a point: only a gap is certain.
        xs, ys = (
            sympy.Tuple(x.start, x.end) if isinstance(x, sympy.Interval) else x for x in (a, b)
        )
        if len(xs) == len(ys) and _compare(xs, ys, rel_tol)[0] == "incorrect":
            return "incorrect", "sympy: the two pairs differ in a coordinate"
        return "undecided", "sympy: an interval against a tuple"
    if isinstance(a, sympy.Rel) and isinstance(b, sympy.Rel):
        return _compare_relations(a, b, rel_tol)
    if isinstance(a, sympy.Expr) and isinstance(b, sympy.Expr):
        if a - b == 0:
            return "correct", "sympy: a-b=0"
        if not a.free_symbols and not b.free_symbols and (why := _numbers_differ(a, b, rel_tol)):
            return "incorrect", why
        if sympy.simplify(a - b) == 0:
            return "correct", "sympy: simplify(a-b)=0"
        return "undecided", "sympy: not proven equal"
    return "undecided", f"sympy: cannot compare {type(a).__name__} with {type(b).__name__}"


def _elementwise(xs: Sequence[Any], ys: Sequence[Any], rel_tol: float, kind: str) -> Judgement:
    verdicts = [_compare(x, y, rel_tol) for x, y in zip(xs, ys)]
    for i, (status, reason) in enumerate(verdicts):
        if status == "incorrect":
            return "incorrect", f"{reason} at {kind} entry {i + 1}"
    if all(status == "correct" for status, _ in verdicts):
        return "correct", f"sympy: {kind} entries equal"
    return "undecided", f"sympy: {kind} entries not all decided"


def _compare_sets(xs: Sequence[Any], ys: Sequence[Any], rel_tol: float) -> Judgement:
    if max(len(xs), len(ys)) > _MAX_SET_SIZE:
        return "undecided", "sympy: set too large"
    table = [[_compare(x, y, rel_tol)[0] for y in ys] for x in xs]
    unused = list(range(len(ys)))
    for row in table:  # greedy matching suffices: "correct" is an equivalence
        match = next((j for j in unused if row[j] == "correct"), None)
        if match is None:
            break
        unused.remove(match)
    else:
        if not unused:
            return "correct", "sympy: set elements equal"
    columns = [[row[j] for row in table] for j in range(len(ys))]
    if any(all(s == "incorrect" for s in line) for line in table + columns):
        return "incorrect", "sympy: a set element has no equal in the other set"
    return "undecided", "sympy: set elements not all decided"


def _compare_relations(a: Any, b: Any, rel_tol: float) -> Judgement:
    import sympy

    def sides(r: Any) -> tuple[str, Any, Any]:  # ">" mirrored to "<": x <= 2 is 2 >= x
        if isinstance(r, (sympy.StrictGreaterThan, sympy.GreaterThan)):
            return r.rel_op.replace(">", "<"), r.rhs, r.lhs
        return r.rel_op, r.lhs, r.rhs

    ka, kb = sides(a), sides(b)
    if ka[0] != kb[0]:
        return "undecided", "sympy: relations of different kinds"
    # Side by side, not lhs-rhs: "1=2" and "3=4" differ as answers, and so do "a=5" and "a-2=3".
    orders = [kb[1:]] + ([kb[:0:-1]] if ka[0] in ("==", "!=") else [])
    if any(_elementwise(ka[1:], ys, rel_tol, "relation")[0] == "correct" for ys in orders):
        return "correct", "sympy: both sides of the relations equal"
    return "undecided", "sympy: relations not proven equal"


def judge(gold: str, answer: str) -> Judgement:
    """Judges one pair in this process, unbounded; the pool adds the time and memory bounds."""
    gold, answer = (
        _DIGIT_GROUP.sub("", t) for t in (gold_answer_text(gold), strip_delimiters(answer))
    )
    if not gold or not answer:
        return "undecided", "sympy: empty answer"
    if max(len(gold), len(answer)) > _MAX_INPUT_CHARS:
        return "undecided", "sympy: input too long"
    if m := _UNSUPPORTED.search(gold) or _UNSUPPORTED.search(answer):
        return "undecided", f"sympy: notation the parser would misread: {m.group(0)!r}"
    first = _judge_text(gold, answer)
    for name, pattern, other in _READINGS:
        if pattern.search(gold) or pattern.search(answer):
            second = _judge_text(pattern.sub(other, gold), pattern.sub(other, answer))
            if second[0] != first[0]:
                return "undecided", f"sympy: the two readings of {name} disagree"
            first = first[0], f"{first[1]} (both readings of {name})"
    return first


def _judge_text(gold: str, answer: str) -> Judgement:
    try:
        a, b = _parse(gold), _parse(answer)
    except MemoryError:
        raise
    except SystemError as e:  # C code that failed without an error: out of memory at the limit
        raise MemoryError(str(e)) from e
    except Exception as e:  # the parser raises a bare Exception on bad LaTeX
        first_line = (str(e).strip().splitlines() or [type(e).__name__])[0]
        return "undecided", f"sympy: parse error: {first_line[:80]}"
    return _compare(a, b, _decimal_rel_tol(gold, answer))
