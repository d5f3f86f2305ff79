"""Properties of the grader on generated answers: reflexivity, symmetry, soundness, invariance
under formatting variants, and independence from thread count and batch order."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import mathb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- values and forms


@dataclass(frozen=True)
class Value:
    """coeff · unit, where unit is 1, π or √r (r squarefree): equality is decidable exactly."""

    coeff: Fraction
    unit: str = "1"  # "1", "pi" or the squarefree radicand as a string

    def key(self) -> tuple[Fraction, str]:
        return (Fraction(0), "1") if self.coeff == 0 else (self.coeff, self.unit)


def squarefree_split(m: int) -> tuple[int, int]:
    """(s, r) with m = s²·r and r squarefree."""
    s, r, d = 1, m, 2
    while d * d <= r:
        while r % (d * d) == 0:
            r //= d * d
            s *= d
        d += 1
    return s, r


def with_separator(n: int, sep: str) -> str:
    return ("-" if n < 0 else "") + f"{abs(n):,}".replace(",", sep)


THOUSANDS_SEPARATORS = (",", "{,}", "\\,", "\\!")


def decimal_form(r: Fraction) -> str | None:
    """The exact decimal of r, if it terminates and is not an integer."""
    q = r.denominator
    if q == 1:
        return None
    places = 0
    while (10**places) % q:
        places += 1
        if places > 40:
            return None
    digits = str(abs(r.numerator) * 10**places // q).rjust(places + 1, "0")
    return f"{'-' if r < 0 else ''}{digits[:-places]}.{digits[-places:]}"


def rational_forms(r: Fraction) -> list[str]:
    p, q = r.numerator, r.denominator
    sign, a = ("-" if p < 0 else ""), abs(p)
    if q == 1:
        out = [str(p), f"\\frac{{{2 * p}}}{{2}}"]
        if a >= 1000:
            out += [with_separator(p, sep) for sep in THOUSANDS_SEPARATORS]
    else:
        out = [
            f"{sign}\\frac{{{a}}}{{{q}}}",
            f"\\frac{{{p}}}{{{q}}}",
            f"{p}/{q}",
            f"{sign}\\dfrac{{{a}}}{{{q}}}",
            f"{sign}\\tfrac{{{a}}}{{{q}}}",
            f"{sign}\\frac{{{3 * a}}}{{{3 * q}}}",
        ]
        if a > q:  # mixed number
            whole, rest = divmod(a, q)
            out.append(f"{sign}{whole}\\frac{{{rest}}}{{{q}}}")
    decimal = decimal_form(r)
    if decimal is not None:
        out.append(decimal)
    return out


def forms(v: Value) -> list[str]:
    """Ways people write v: integers, fractions, mixed numbers, decimals, k√m, aπ/b."""
    c = v.coeff
    if v.unit == "1" or c == 0:
        return rational_forms(c)
    sym = "\\pi" if v.unit == "pi" else f"\\sqrt{{{v.unit}}}"
    sign, a, b = ("-" if c < 0 else ""), abs(c.numerator), c.denominator
    out = [f"{sign}\\frac{{{2 * a}{sym}}}{{{2 * b}}}"]
    if b == 1:
        out.append(f"{sign}{'' if a == 1 else a}{sym}")
        if v.unit != "pi" and c > 0:
            out.append(f"\\sqrt{{{a * a * int(v.unit)}}}")
    else:
        out += [
            f"{sign}\\frac{{{'' if a == 1 else a}{sym}}}{{{b}}}",
            f"{sign}\\frac{{{a}}}{{{b}}}{sym}",
        ]
    return out


integers = st.one_of(st.integers(-10_000, 10_000), st.integers(-(10**30), 10**30))
fractions_ = st.builds(Fraction, st.integers(-500, 500), st.integers(2, 97))
decimals = st.builds(
    lambda n, p: Fraction(n, 10**p), st.integers(-(10**7), 10**7), st.integers(1, 6)
)
coefficients = st.builds(Fraction, st.integers(-12, 12).filter(bool), st.integers(1, 9))


def _radical(c: Fraction, m: int) -> Value:
    s, r = squarefree_split(m)
    return Value(c * s) if r == 1 else Value(c * s, str(r))


values = st.one_of(
    integers.map(lambda n: Value(Fraction(n))),
    fractions_.map(Value),
    decimals.map(Value),
    st.builds(_radical, coefficients, st.integers(2, 300)),
    coefficients.map(lambda c: Value(c, "pi")),
)
value_and_form = values.flatmap(lambda v: st.tuples(st.just(v), st.sampled_from(forms(v))))
answers = value_and_form.map(lambda vf: vf[1])


@st.composite
def value_and_two_forms(draw: st.DrawFn) -> tuple[Value, str, str]:
    v = draw(values)
    fs = forms(v)
    return v, draw(st.sampled_from(fs)), draw(st.sampled_from(fs))


# --------------------------------------------------------------------------- formatting variants


def spaced(s: str) -> str:
    """Spaces around braces, commands and slashes (never inside a number)."""
    s = s.replace("{,}", "\0")
    s = re.sub(r"([{}])", r" \1 ", s)
    s = re.sub(r"(\\[a-zA-Z]+)", r" \1 ", s)
    return "  " + s.replace("/", " / ").replace("\0", "{,}") + " "


def in_left_right(s: str) -> str:
    # A bare comma inside brackets separates elements ("(12,102)" is a pair), so a
    # comma-grouped number like 1,234 is written with thin spaces inside parentheses.
    grouped = re.sub(r"(?<=\d),(?=\d{3})", lambda _: "\\,", s)
    return f"\\left({grouped}\\right)"


VARIANTS: dict[str, Callable[[str], str]] = {
    "dollars": lambda s: f"${s}$",
    "parens": lambda s: f"\\({s}\\)",
    "left_right": in_left_right,
    "boxed": lambda s: f"\\boxed{{{s}}}",
    "spaces": spaced,
    "dfrac": lambda s: s.replace("\\frac", "\\dfrac"),
    "tfrac": lambda s: s.replace("\\frac", "\\tfrac"),
}
variant_chains = st.lists(st.sampled_from(sorted(VARIANTS)), min_size=1, max_size=3)


def apply(chain: list[str], s: str) -> str:
    for name in chain:
        s = VARIANTS[name](s)
    return s


COMPLETIONS = (
    "The answer is $\\boxed{{{}}}$.",
    "Putting it together, the final answer is \\[\\boxed{{{}}}\\]",
    "Final Answer: The final answer is $\\boxed{{{}}}$. I hope it is correct.",
    "<think>maybe 7</think>\nSo we get \\(\\boxed{{{}}}\\).",
)


# ------------------------------------------------------------------ reflexive, symmetric, sound


@PROPERTY
@given(value_and_form)
def test_reflexive(vf: tuple[Value, str]) -> None:
    _, form = vf
    assert mathb.verify(form, form)
    assert mathb.verify(form, form, decimal="exact")
    assert mathb.grade(form, COMPLETIONS[0].format(form)).correct


@PROPERTY
@given(value_and_two_forms())
def test_forms_of_one_value_are_equivalent(vab: tuple[Value, str, str]) -> None:
    _, a, b = vab
    assert mathb.verify(a, b, decimal="exact")
    assert mathb.verify(a, b)


@PROPERTY
@given(value_and_form, value_and_form)
def test_different_values_are_never_accepted(x: tuple[Value, str], y: tuple[Value, str]) -> None:
    (v, a), (w, b) = x, y
    if v.key() != w.key():
        assert not mathb.verify(a, b, decimal="exact"), f"false positive: {a!r} vs {b!r}"


@PROPERTY
@given(
    st.one_of(st.tuples(answers, answers), value_and_two_forms().map(lambda t: t[1:])),
    st.sampled_from([("rounded", 3), ("rounded", 1), ("rounded", 6), ("exact", 3)]),
)
def test_symmetric(pair: tuple[str, str], policy: tuple[str, int]) -> None:
    a, b = pair
    decimal, digits = policy
    forward = mathb.verify(a, b, decimal=decimal, min_significant_digits=digits)
    backward = mathb.verify(b, a, decimal=decimal, min_significant_digits=digits)
    assert forward == backward


@PROPERTY
@given(
    st.one_of(st.tuples(answers, answers), value_and_two_forms().map(lambda t: t[1:])),
    value_and_form,
    value_and_form,
)
def test_a_vote_class_is_one_value(
    pair: tuple[str, str], x: tuple[Value, str], y: tuple[Value, str]
) -> None:
    # maj@k groups answers by `vote_keys`: answers of one class must be equal under verify,
    # and two different values never share a class.
    a, b = pair
    keys = mathb._core.vote_keys([a, b])
    if keys[0] == keys[1]:
        assert mathb.verify(a, b, decimal="exact"), f"{a!r} and {b!r} share a class"
    (v, c), (w, d) = x, y
    if v.key() != w.key():
        assert len(set(mathb._core.vote_keys([c, d]).tolist())) == 2, f"{c!r} vs {d!r}"


@PROPERTY
@given(
    st.builds(Fraction, st.integers(-2000, 2000), st.integers(1, 97)),
    st.integers(0, 6),
    st.integers(1, 6),
)
def test_rounded_decimals_are_symmetric(r: Fraction, places: int, digits: int) -> None:
    rounded = round(r, places)
    text = decimal_form(rounded) or str(rounded.numerator)
    for gold in rational_forms(r):
        forward = mathb.verify(gold, text, min_significant_digits=digits)
        assert forward == mathb.verify(text, gold, min_significant_digits=digits)


# --------------------------------------------------------------------------- formatting invariance


@PROPERTY
@given(value_and_form, value_and_form, variant_chains, variant_chains)
@example(
    (Value(Fraction(-408)), "\\tfrac{-816}{2}"), (Value(Fraction(1)), "1"), ["boxed"], ["boxed"]
)
def test_formatting_variants_do_not_change_the_verdict(
    x: tuple[Value, str], y: tuple[Value, str], gold_chain: list[str], answer_chain: list[str]
) -> None:
    (_, gold), (_, answer) = x, y
    expected = mathb.verify(gold, answer)
    assert mathb.verify(gold, apply(answer_chain, answer)) == expected
    assert mathb.verify(apply(gold_chain, gold), answer) == expected
    assert mathb.verify(apply(gold_chain, gold), apply(answer_chain, answer)) == expected


@PROPERTY
@given(value_and_two_forms(), st.sampled_from(sorted(VARIANTS)))
def test_formatted_equal_forms_stay_correct(vab: tuple[Value, str, str], variant: str) -> None:
    _, a, b = vab
    assert mathb.verify(a, VARIANTS[variant](b))


@PROPERTY
@given(
    st.one_of(st.integers(1000, 10**30), st.integers(-(10**30), -1000)),
    st.sampled_from(THOUSANDS_SEPARATORS),
    st.sampled_from(THOUSANDS_SEPARATORS),
)
@example(1000, ",", "{,}")
@example(1234567, "\\,", "\\!")
def test_thousands_separators(n: int, sep: str, other: str) -> None:
    plain, grouped = str(n), with_separator(n, sep)
    assert mathb.verify(plain, grouped)
    assert mathb.verify(grouped, plain)
    assert mathb.verify(grouped, with_separator(n, other))
    assert not mathb.verify(plain, with_separator(n + 1, sep))
    assert mathb.grade(plain, COMPLETIONS[0].format(grouped)).correct


@PROPERTY
@given(st.integers(-999, 999), st.integers(1, 999))
def test_frac_commands(p: int, q: int) -> None:
    sign = "-" if p < 0 else ""
    spelled = [f"{sign}\\{cmd}{{{abs(p)}}}{{{q}}}" for cmd in ("frac", "dfrac", "tfrac")]
    if abs(p) < 10 and q < 10:
        spelled.append(f"{sign}\\frac{abs(p)}{q}")  # \frac12
    for a in spelled:
        for b in spelled:
            assert mathb.verify(a, b)
    assert mathb.verify(spelled[0], str(Fraction(p, q)))


@PROPERTY
@given(
    st.one_of(integers.map(Fraction), decimals).flatmap(
        lambda r: st.tuples(st.sampled_from(rational_forms(r)), st.sampled_from(rational_forms(r)))
    ),
    answers,
)
def test_currency_sign(same: tuple[str, str], other: str) -> None:
    a, b = same
    assert mathb.verify(f"\\${a}", b)
    assert mathb.verify(a, f"\\${b}")
    assert mathb.verify(f"\\${a}", f"\\${b}")
    assert mathb.verify(f"\\${a}", other) == mathb.verify(a, other)


def _percent_forms(r: Fraction) -> list[str]:
    # `p/q\%` is p/(q%) and `3\frac12\%` is ambiguous: only atomic forms take a percent sign
    return [f for f in rational_forms(r) if "/" not in f and not re.match(r"-?\d+\\frac", f)]


nonnegative_rationals = st.one_of(
    st.integers(0, 10**6).map(Fraction),
    st.builds(Fraction, st.integers(0, 500), st.integers(1, 97)),
    st.builds(lambda n, p: Fraction(n, 10**p), st.integers(0, 10**6), st.integers(1, 4)),
)


def _pick(options: list[str], i: int) -> str:
    return options[i % len(options)]


form_index = st.integers(0, 15)


@PROPERTY
@given(nonnegative_rationals, nonnegative_rationals, form_index, form_index)
@example(Fraction(50), Fraction(1, 2), 0, 0)  # the bug: 50\% vs 0.5\% is judged correct
def test_percent_sign_on_both_sides(r: Fraction, s: Fraction, i: int, j: int) -> None:
    a, b = _pick(_percent_forms(r), i), _pick(_percent_forms(s), j)
    assert mathb.verify(f"{a}\\%", f"{b}\\%") == mathb.verify(a, b)


@PROPERTY
@given(nonnegative_rationals, form_index, form_index)
def test_equal_percentages_match(r: Fraction, i: int, j: int) -> None:
    a, b = _pick(_percent_forms(r), i), _pick(_percent_forms(r), j)
    assert mathb.verify(f"{a}\\%", f"{b}\\%")
    assert mathb.verify(f"{a}\\%", f"{b} \\%")
    assert mathb.verify(f"{a}\\%", b)  # the percentage written as a bare number


@PROPERTY
@given(nonnegative_rationals.filter(bool), form_index, form_index)
@example(Fraction(5), 0, 1)  # -5\% vs \frac{-10}{2}\%
def test_percent_sign_on_negative_values(r: Fraction, i: int, j: int) -> None:
    a, b = _pick(_percent_forms(-r), i), _pick(_percent_forms(-r), j)
    assert mathb.verify(f"{a}\\%", f"{b}\\%")
    assert mathb.verify(f"{a}\\%", b)


@pytest.mark.parametrize(
    ("gold", "answer", "expected"),
    [
        ("\\frac{-10}{2}\\%", "-5", True),  # the sign inside the percentage: decided
        ("50\\%", "\\frac{1}{2}", True),
        ("-5\\%", "-5\\%", True),
        ("0.5\\%", "50", False),
        ("-5\\%", "\\frac{-10}{2}\\%", True),
        ("-5\\%", "-5", True),
        ("-50\\%", "-\\frac{1}{2}", True),
        ("50\\%", "0.5\\%", False),
        ("100\\%", "1\\%", False),
        ("\\frac{1}{10}\\%", "\\frac{1}{1000}\\%", False),
    ],
)
def test_percent_examples(gold: str, answer: str, expected: bool) -> None:
    assert mathb.verify(gold, answer) is expected
    assert mathb.verify(answer, gold) is expected


# --------------------------------------------------------------------------- completions


@PROPERTY
@given(value_and_form, value_and_form, st.sampled_from(COMPLETIONS), variant_chains)
def test_grade_agrees_with_verify_on_the_boxed_answer(
    x: tuple[Value, str], y: tuple[Value, str], template: str, chain: list[str]
) -> None:
    (_, gold), (_, answer) = x, y
    chain = [c for c in chain if c not in ("boxed", "dollars", "parens")]  # already delimited
    verdict = mathb.grade(gold, template.format(apply(chain, answer)))
    assert verdict.status != "no_answer"
    assert verdict.correct == mathb.verify(gold, answer)


# --------------------------------------------------------------------------- batches


@st.composite
def batches(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    size = draw(st.integers(0, 80))
    golds, completions = [], []
    for _ in range(size):
        v, gold = draw(value_and_form)
        if draw(st.booleans()):
            answer = draw(st.sampled_from(forms(v)))
        else:
            answer = draw(answers)
        template = draw(st.sampled_from((*COMPLETIONS, "I could not solve it.", "{}")))
        golds.append(gold)
        completions.append(template.format(answer))
    return golds, completions


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches(), st.randoms(use_true_random=False))
def test_same_verdicts_for_any_thread_count_and_order(
    batch: tuple[list[str], list[str]], rnd: object
) -> None:
    golds, completions = batch
    one = mathb.grade_batch(golds, completions, threads=1)
    assert mathb.grade_batch(golds, completions, threads=2) == one
    assert mathb.grade_batch(golds, completions, threads=None) == one
    assert one == [mathb.grade(g, c) for g, c in zip(golds, completions)]
    order = list(range(len(golds)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    shuffled = mathb.grade_batch([golds[i] for i in order], [completions[i] for i in order])
    assert shuffled == [one[i] for i in order]


def test_generators_cover_every_kind() -> None:
    # guards against a generator silently collapsing to one kind of answer
    assert forms(Value(Fraction(2), "3"))[1] == "2\\sqrt{3}"
    assert forms(Value(Fraction(3, 4), "pi"))[1] == "\\frac{3\\pi}{4}"
    assert "3\\frac{1}{2}" in rational_forms(Fraction(7, 2))
    assert "3.5" in rational_forms(Fraction(7, 2))
    assert "1{,}000" in rational_forms(Fraction(1000))
    assert squarefree_split(72) == (6, 2)
    assert decimal_form(Fraction(-1, 8)) == "-0.125" and decimal_form(Fraction(1, 3)) is None
