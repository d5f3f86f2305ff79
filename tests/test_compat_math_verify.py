"""`mathb.compat.math_verify`: Math-Verify's call shapes on mathb's core, and the Math-Verify
conformance corpus run through them (parse both sides, then verify), as a Math-Verify user
would after changing the import."""

from __future__ import annotations

import threading
from dataclasses import make_dataclass
from fractions import Fraction
from typing import Any

import mathb
import pytest
from mathb.compat.math_verify import (
    ExprExtractionConfig,
    LatexExtractionConfig,
    ParsedAnswer,
    StringExtractionConfig,
    extract_mode,
    is_bare_answer,
    parse,
    verify,
)
from test_conformance import DELIBERATE_DISAGREEMENTS, corpus_cases, fallback_engine

# Passed cases of the corpus through parse/verify; the same floors as the direct route of
# test_conformance.py (core alone, and with the sympy fallback settling what it leaves).
FLOOR_CORE = 268
FLOOR_WITH_FALLBACK = 270


def test_common_call_site() -> None:
    gold = parse("$\\frac{1}{2}$")
    assert isinstance(gold, ParsedAnswer) and len(gold) == 1
    assert verify(gold, parse("so the answer is $\\boxed{0.5}$"))
    assert not verify(gold, parse("so the answer is $\\boxed{0.25}$"))
    assert parse("The answer is $\\frac{3}{4}$.") == ["\\frac{3}{4}"]


def test_no_answer_is_an_empty_list_and_never_verifies() -> None:
    assert parse("I do not know.") == []
    assert parse("") == [] and parse("   ") == []
    assert not verify(parse("$3$"), parse("I do not know."))
    assert not verify([], [])


def test_gold_side_is_read_whole() -> None:
    # A worked solution as gold (TRL's `solution` column, GSM8K's `####` line).
    assert verify(parse("Natalia sold 48/2 = 24 clips in May.\n#### 72"), parse("\\boxed{72}"))
    solution = "The roots are $x=2$ and $x=3$, so the answer is $\\boxed{2, 3}$."
    assert verify(parse(solution), parse("$3, 2$"))
    assert not verify(parse(solution), parse("$3$"))


def test_configs_choose_the_extraction() -> None:
    assert extract_mode([LatexExtractionConfig(), ExprExtractionConfig()]) == "lenient"
    assert extract_mode([LatexExtractionConfig()]) == "standard"
    assert extract_mode([LatexExtractionConfig(try_extract_without_anchor=False)]) == "strict"
    completion = "We compute step by step and reach 12 at the end of the line"
    assert parse(completion, [ExprExtractionConfig()]) == ["12"]
    assert parse(completion, [LatexExtractionConfig()]) == []
    with pytest.raises(mathb.InvalidArgumentError, match="extraction_config is empty"):
        parse("$1$", [])
    with pytest.raises(mathb.ArgumentTypeError, match="not dict"):
        parse("$1$", [{"latex": True}])


def test_configs_of_math_verify_itself_are_read() -> None:
    # The configs of the real package when it is installed; else classes of the same names
    # and fields, which is all `parse` reads from them.
    try:
        from math_verify import LatexExtractionConfig as MVLatex
        from math_verify import StringExtractionConfig as MVString
    except ImportError:
        MVLatex = make_dataclass(
            "LatexExtractionConfig", [("try_extract_without_anchor", bool, True)]
        )
        MVString = make_dataclass(
            "StringExtractionConfig",
            [
                ("strings", tuple, ("A", "B", "C", "D")),
                ("try_extract_without_anchor", bool, True),
                ("lowercase", bool, True),
            ],
        )
    assert extract_mode([MVLatex(try_extract_without_anchor=False)]) == "strict"
    assert parse("The final answer is (C).", [MVString()]) == ["c"]


def test_choice_letters() -> None:
    letters = [StringExtractionConfig()]
    assert parse("Answer: **B**", letters) == ["b"]
    assert parse("The answer is 42", letters) == []  # not one of the strings
    assert verify(parse("B", letters), parse("the answer is (b)", letters))
    assert not verify(parse("B", letters), parse("the answer is (C)", letters))
    upper = [StringExtractionConfig(strings=("A", "B"), lowercase=False)]
    assert parse("Answer: B", upper) == ["B"]
    assert parse("Answer: b", upper) == []
    # Letters and math together: a letter when one is named, else the math answer.
    both = [StringExtractionConfig(), LatexExtractionConfig()]
    assert parse("Answer: $\\frac{1}{2}$", both) == ["\\frac{1}{2}"]


def test_bare_answers_are_read_whole() -> None:
    for text in ("7,425,000", "$\\frac13 $", "28 percent", "$\\frac{1}{3} \\text{meters}$"):
        assert is_bare_answer(text), text
    for text in ("so the answer is $\\boxed{3}$", "Therefore $x \\geq 5$ is the solution."):
        assert not is_bare_answer(text), text
    assert verify(parse("$1/3$"), parse("$\\frac{1}{3} \\text{meters}$"))
    assert not verify(parse("2"), parse("AZYUK2A"))


def test_verify_takes_strings_numbers_and_sympy() -> None:
    assert verify("1/2", "0.5")
    assert verify(["3", "1/2"], ["0.5"])  # any gold against any target
    assert verify(2, "2.0") and verify(Fraction(1, 3), "\\frac{1}{3}")
    assert not verify(float("nan"), "1")
    sympy = pytest.importorskip("sympy")
    assert verify(sympy.sqrt(2) / 2, parse("$\\boxed{\\frac{1}{\\sqrt{2}}}$"))
    assert verify(parse("$[0, 1]$"), sympy.Interval(0, 1))
    assert not verify(sympy.Rational(1, 3), "0.5")
    with pytest.raises(mathb.ArgumentTypeError, match="gold is None"):
        verify(None, "1")
    with pytest.raises(mathb.ArgumentTypeError, match="pred"):
        parse(None)  # type: ignore[arg-type]


def test_options() -> None:
    # float_rounding: decimals compared at that many places.
    assert not verify("1/3", "0.33")
    assert verify("1/3", "0.33", float_rounding=2)
    # strict=False lets variable names differ.
    assert not verify("$x^2+1$", "$y^2+1$")
    assert verify("$x^2+1$", "$y^2+1$", strict=False)
    # Accepted, no effect: mathb needs no timer and computes exactly.
    assert verify(
        parse(
            "$2$", parsing_timeout=None, fallback_mode="no_fallback", extraction_mode="first_match"
        ),
        parse("$2$", raise_on_error=True),
        numeric_precision=5,
        allow_set_relation_comp=True,
        timeout_seconds=None,
        raise_on_error=True,
    )
    with pytest.raises(mathb.InvalidArgumentError, match="float_rounding"):
        verify("1", "1", float_rounding=0)


def test_timeout_seconds_is_the_fallback_deadline_from_any_thread() -> None:
    """With the fallback on, `timeout_seconds` is the deadline of its killable workers: it
    holds in a worker thread, where a signal-based timeout cannot."""
    pytest.importorskip("sympy")
    from mathb.compat import math_verify

    out: list[bool] = []
    tower = "$\\boxed{2003^{2002^{2001}}}$"

    def work() -> None:
        out.append(verify(parse("2003"), parse(tower), timeout_seconds=1, fallback=True))

    t = threading.Thread(target=work)
    t.start()
    t.join(timeout=120)
    assert not t.is_alive() and out == [False]
    engine = math_verify._engines[1.0]
    assert engine.timeout == 1 and engine.stats.timeouts >= 1
    # The shared fallback's deadline, and none asked for, use the shared engine.
    assert math_verify._fallback_with_timeout(5) is True
    assert math_verify._fallback_with_timeout(None) is True
    with pytest.raises(mathb.ArgumentTypeError, match="timeout_seconds"):
        verify("1", "1", timeout_seconds="soon", fallback=True)


def test_from_threads_without_signals() -> None:
    """Math-Verify's `signal only works in main thread` case: same answers from 8 threads."""
    pairs = [
        (f"$\\frac{{{i}}}{{7}}$", f"so $\\boxed{{{i}/7}}$" if i % 3 else "\\boxed{0}")
        for i in range(1, 200)
    ]
    expected = [verify(parse(g), parse(p)) for g, p in pairs]
    assert 0 < sum(expected) < len(pairs)
    results: list[list[bool]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append([verify(parse(g), parse(p)) for g, p in pairs])
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and results == [expected] * 8


# --------------------------------------------------------------------------- corpus


def _configs(names: list[str]) -> list[Any]:
    return [LatexExtractionConfig() if n == "latex" else ExprExtractionConfig() for n in names]


def _run_case(case: dict[str, Any], fallback: Any) -> bool:
    options = case["options"]
    kwargs: dict[str, Any] = {"fallback": fallback if fallback is not None else False}
    if "precision" in options:
        kwargs["float_rounding"] = options["precision"]
    if "strict" in options:
        kwargs["strict"] = options["strict"]
    if "allow_set_relation_comp" in options:
        kwargs["allow_set_relation_comp"] = options["allow_set_relation_comp"]
    if options.get("sympy_objects"):
        # The case compares SymPy objects; the corpus holds their str(): strings to verify.
        return verify(case["gold"], case["pred"], **kwargs)
    default = ["latex", "expr"]
    gold = parse(case["gold"], _configs(options.get("gold_extraction", default)))
    pred = parse(case["pred"], _configs(options.get("pred_extraction", default)))
    return verify(gold, pred, **kwargs)


def test_conformance_through_the_compat_api(capsys: pytest.CaptureFixture[str]) -> None:
    cases = corpus_cases()
    engine = fallback_engine()
    outcomes = {c["id"]: (_run_case(c, engine), c["expected"]) for c in cases}
    passed = sum(got == expected for got, expected in outcomes.values())
    floor = FLOOR_CORE if engine is None else FLOOR_WITH_FALLBACK
    with capsys.disabled():
        print(f"\nconformance through mathb.compat.math_verify: {passed}/{len(cases)} passed")
    false_positives = sorted(i for i, (got, expected) in outcomes.items() if got and not expected)
    unexplained = [i for i in false_positives if i not in DELIBERATE_DISAGREEMENTS]
    assert not unexplained, f"false positives through parse/verify: {unexplained}"
    failing = sorted(i for i, (got, expected) in outcomes.items() if got != expected)
    assert passed >= floor, f"{passed} passed, floor {floor}; failing: {failing}"
