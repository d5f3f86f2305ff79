"""Properties of the grader on generated structured answers: polynomial expressions, sets,
tuples and intervals — symmetry, invariance under rewriting and formatting, and soundness."""

from __future__ import annotations

from fractions import Fraction

import mathb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

small_ints = st.integers(min_value=-30, max_value=30)
fractions = st.builds(Fraction, small_ints, st.integers(min_value=1, max_value=12))


def number(q: Fraction) -> str:
    if q.denominator == 1:
        return str(q.numerator)
    sign = "-" if q < 0 else ""
    return f"{sign}\\frac{{{abs(q.numerator)}}}{{{q.denominator}}}"


def spaced(s: str) -> str:
    return " ".join(s.replace(",", " , ").split())


# --------------------------------------------------------------------------- expressions

# Polynomials in x as coefficient lists (constant term first).
polys = st.lists(small_ints, min_size=1, max_size=4)


def poly_expanded(coeffs: list[int]) -> str:
    terms = [f"{c}x^{{{i}}}" for i, c in enumerate(coeffs) if c]
    return " + ".join(terms) if terms else "0"


def poly_reversed(coeffs: list[int]) -> str:
    terms = [f"x^{{{i}}} \\cdot {c}" for i, c in reversed(list(enumerate(coeffs))) if c]
    return " + ".join(terms) if terms else "0"


def poly_value(coeffs: list[int], x: int) -> int:
    return sum(c * x**i for i, c in enumerate(coeffs))


@PROPERTY
@given(polys)
def test_expression_rewritten_is_equal(p: list[int]) -> None:
    assert mathb.verify(poly_expanded(p), poly_reversed(p))
    assert mathb.verify(poly_reversed(p), poly_expanded(p))


@PROPERTY
@given(polys, polys)
def test_expression_verdict_matches_polynomial_identity(p: list[int], q: list[int]) -> None:
    same = all(poly_value(p, x) == poly_value(q, x) for x in range(6))
    a, b = poly_expanded(p), poly_expanded(q)
    v = mathb._core.verify_answer(a, b)
    assert v.status == ("correct" if same else "incorrect"), (a, b, v)
    assert mathb._core.verify_answer(b, a).status == v.status


@PROPERTY
@given(polys, st.integers(min_value=-5, max_value=5).filter(bool))
def test_factored_form_is_equal(p: list[int], r: int) -> None:
    # (x - r)·p(x) written as a product against its expansion.
    expanded = [0] * (len(p) + 1)
    for i, c in enumerate(p):
        expanded[i + 1] += c
        expanded[i] -= r * c
    product = f"(x - ({r}))\\left({poly_expanded(p)}\\right)"
    assert mathb.verify(poly_expanded(expanded), product)


# --------------------------------------------------------------------------- sets and tuples

elements = st.lists(fractions, min_size=1, max_size=5, unique=True)


@PROPERTY
@given(elements, st.randoms(use_true_random=False))
def test_set_order_and_formatting_do_not_matter(xs: list[Fraction], rnd: object) -> None:
    shuffled = list(xs)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    gold = "\\{" + ", ".join(number(x) for x in xs) + "\\}"
    answer = "\\left\\{" + spaced(", ".join(number(x) for x in shuffled)) + "\\right\\}"
    assert mathb.verify(gold, answer)
    assert mathb.verify(answer, gold)
    assert mathb.verify(gold, f"${answer}$")


@PROPERTY
@given(elements, fractions)
def test_set_with_a_changed_element_is_not_correct(xs: list[Fraction], y: Fraction) -> None:
    if y in xs:
        return
    gold = "\\{" + ", ".join(number(x) for x in xs) + "\\}"
    changed = "\\{" + ", ".join(number(x) for x in [*xs[:-1], y]) + "\\}"
    assert mathb._core.verify_answer(gold, changed).status == "incorrect"


@PROPERTY
@given(st.lists(fractions, min_size=2, max_size=4))
def test_tuple_order_matters(xs: list[Fraction]) -> None:
    gold = "(" + ", ".join(number(x) for x in xs) + ")"
    swapped = [xs[1], xs[0], *xs[2:]]
    answer = "\\left(" + ", ".join(number(x) for x in swapped) + "\\right)"
    expected = "correct" if xs[0] == xs[1] else "incorrect"
    assert mathb._core.verify_answer(gold, answer).status == expected
    assert mathb._core.verify_answer(answer, gold).status == expected


# --------------------------------------------------------------------------- intervals


@st.composite
def intervals(draw: st.DrawFn) -> tuple[Fraction, Fraction, bool, bool]:
    lo = draw(fractions)
    hi = lo + draw(st.builds(Fraction, st.integers(1, 20), st.integers(1, 6)))
    return lo, hi, draw(st.booleans()), draw(st.booleans())


def interval_text(lo: Fraction, hi: Fraction, lc: bool, hc: bool) -> str:
    return f"{'[' if lc else '('}{number(lo)}, {number(hi)}{']' if hc else ')'}"


def inequality_text(lo: Fraction, hi: Fraction, lc: bool, hc: bool) -> str:
    le, lt = "\\le", "<"
    return f"{number(lo)} {le if lc else lt} x {le if hc else lt} {number(hi)}"


@PROPERTY
@given(intervals())
def test_interval_equals_its_inequality(iv: tuple[Fraction, Fraction, bool, bool]) -> None:
    text, rel = interval_text(*iv), inequality_text(*iv)
    assert mathb.verify(text, rel)
    assert mathb.verify(rel, text)
    assert mathb.verify(text, f"\\left{text[0]}{text[1:-1]}\\right{text[-1]}")


@PROPERTY
@given(intervals(), st.sampled_from(["lo", "hi"]))
def test_interval_openness_matters(iv: tuple[Fraction, Fraction, bool, bool], end: str) -> None:
    lo, hi, lc, hc = iv
    flipped = (lo, hi, not lc, hc) if end == "lo" else (lo, hi, lc, not hc)
    v = mathb._core.verify_answer(interval_text(*iv), interval_text(*flipped))
    assert v.status == "incorrect", v
