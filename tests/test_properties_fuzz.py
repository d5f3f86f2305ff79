"""Hostile and arbitrary text through the public API: any string in, exactly one verdict out.

The Rust fuzz targets (fuzz/, docs/fuzzing.md) search the core far longer; these properties
check the same promises at the Python boundary, where strings are converted: mathb raises
nothing but MathbError subclasses, grade_batch gives one verdict per pair whatever the
thread count, verdicts are deterministic, and an answer that parses equals itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import mathb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STATUSES = {"correct", "incorrect", "no_answer", "undecided"}
T = TypeVar("T")

# Characters models write and graders trip over: superscripts and degree signs (multi-byte
# UTF-8 next to a box), CJK punctuation, zero-width and bidirectional controls, homoglyph
# digits, combining marks, astral-plane symbols, NUL and other controls.
AWKWARD = list(
    "²³°√π−×÷∞≤≥½，：（）。答案是答えはéÅß٣३０𝟙𝟚😀"
    "\u0301\u200b\u200c\u200d\u200e\u200f\u202e\u2066\ufeff\ufffd\x00\x01\x0b\x0c\x7f"
)
non_ascii = st.one_of(st.sampled_from(AWKWARD), st.characters(min_codepoint=0x80, codec="utf-8"))
# Arbitrary text: hypothesis' default alphabet (all of Unicode but lone surrogates), with the
# awkward characters mixed in more often than chance would.
any_text = st.text(st.one_of(st.characters(codec="utf-8"), non_ascii), max_size=80)

TOKENS = [
    "\\boxed{", "\\fbox{", "\\boxed ", "{", "}", "$", "$$", "\\(", "\\)", "\\[", "\\]",
    "\\frac", "\\dfrac", "\\sqrt", "\\left(", "\\right)", "\\left[", "\\right]", "\\{", "\\}",
    "(", ")", "[", "]", "^", "_", "^\\circ", "\\%", "\\$", "\\pi", "\\infty", "\\cup", "\\pm",
    "\\text{", "\\mathrm{", "\\begin{pmatrix}", "\\end{pmatrix}", "&", "\\\\", "\\sin", "\\log_",
    "\\binom", "\\overline{", "=", "<", "\\le", ",", ".", "!", "|", ":", "+", "-", "*", "/",
    "0", "1", "2", "12", "3.5", "1,000", "x", "y", "i", "e", "A", "(B)", " ", "\n",
    "The answer is ", "Answer: ", "Final Answer: The final answer is ", "#### ", "答案：",
    "Ответ: ", "</think>", "<|im_end|>", "Q: ", "**", "```output\n", "```",
]  # fmt: skip
token_soup = st.lists(st.one_of(st.sampled_from(TOKENS), non_ascii), max_size=30).map("".join)

ANCHORS = [
    "\\boxed{",
    "\\fbox{",
    "The answer is ",
    "Answer: ",
    "#### ",
    "答案是",
    "la réponse est ",
]


@st.composite
def anchored(draw: st.DrawFn) -> str:
    """A completion whose box or answer statement sits next to non-ASCII text, inside and
    around it, so that every byte offset the extractor computes lands near a multi-byte
    character."""
    around = st.text(non_ascii, max_size=4)
    anchor = draw(st.sampled_from(ANCHORS))
    close = "}" if anchor.endswith("{") else draw(st.sampled_from(["", ".", "。", "$"]))
    inner = draw(around) + draw(st.sampled_from(["42", "\\frac12", "x", "", "(B)"])) + draw(around)
    return draw(any_text) + draw(around) + anchor + inner + close + draw(around) + draw(any_text)


completions = st.one_of(any_text, token_soup, anchored())
golds = st.one_of(
    any_text, token_soup, st.sampled_from(["42", "\\frac{1}{2}", "x+1", "(B)", "\\{1,2\\}"])
)


def guarded(f: Callable[[], T]) -> T | None:
    """f's result, or None when it raised a MathbError; any other exception fails the test."""
    try:
        return f()
    except mathb.MathbError:
        return None


@PROPERTY
@given(golds, completions)
def test_grade_gives_one_deterministic_verdict(gold: str, completion: str) -> None:
    first = guarded(lambda: mathb.grade(gold, completion))
    if first is None:
        return
    assert first.status in STATUSES
    assert isinstance(first.reason, str) and first.reason
    assert first == mathb.grade(gold, completion)


@PROPERTY
@given(golds, completions)
def test_verify_raises_only_mathb_errors(gold: str, answer: str) -> None:
    result = guarded(lambda: mathb.verify(gold, answer))
    assert result is None or isinstance(result, bool)
    if result is not None:
        assert result == mathb.verify(gold, answer)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(golds, completions), min_size=1, max_size=12))
def test_grade_batch_gives_one_verdict_per_pair(pairs: list[tuple[str, str]]) -> None:
    gs, cs = [g for g, _ in pairs], [c for _, c in pairs]
    one = guarded(lambda: mathb.grade_batch(gs, cs, threads=1))
    if one is None:
        return
    assert len(one) == len(pairs)
    assert mathb.grade_batch(gs, cs, threads=2) == one
    assert [mathb.grade(g, c) for g, c in pairs] == one


@PROPERTY
@given(token_soup)
def test_a_string_is_never_incorrect_against_itself(a: str) -> None:
    # mathb.verify returns the verdict's `correct`; the verdict behind it tells "incorrect"
    # from "undecided".
    verdict = mathb._core.verify_answer(a, a)
    assert verdict.status != "incorrect", (a, verdict.reason)


# Answers that parse: numbers, fractions, expressions, sets and intervals, with text around
# non-ASCII characters where an answer may hold it.
number = st.integers(-(10**12), 10**12).map(str)
fraction = st.tuples(st.integers(-99, 99), st.integers(1, 99)).map(
    lambda t: f"\\frac{{{t[0]}}}{{{t[1]}}}"
)
expression = st.tuples(st.sampled_from(["x", "y", "n"]), st.integers(1, 9), st.integers(-9, 9)).map(
    lambda t: f"{t[1]}{t[0]}^2 + {t[2]}{t[0]}"
)
text_answer = st.text(non_ascii.filter(str.isalpha), min_size=1, max_size=6).map(
    lambda s: f"\\text{{{s}}}"
)
parseable = st.one_of(
    number,
    fraction,
    expression,
    text_answer,
    st.lists(number, min_size=1, max_size=4).map(lambda xs: "\\{" + ", ".join(xs) + "\\}"),
    st.tuples(number, number).map(lambda t: f"({t[0]}, {t[1]}]"),
)


@PROPERTY
@given(parseable)
def test_an_answer_that_parses_equals_itself(a: str) -> None:
    assert mathb.verify(a, a), mathb._core.verify_answer(a, a).reason
    assert mathb.grade(a, f"so the answer is $\\boxed{{{a}}}$.").status == "correct"


@settings(max_examples=20, deadline=None)
@given(st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3), completions)
def test_lone_surrogates_raise_only_mathb_errors(surrogates: str, completion: str) -> None:
    guarded(lambda: mathb.grade("42", f"$\\boxed{{42{surrogates}}}$ {completion}"))
    guarded(lambda: mathb.grade_batch([surrogates], [completion]))
