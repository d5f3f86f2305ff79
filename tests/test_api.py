"""The Python API: grade, verify, grade_batch, pass_at_k, verdicts, errors and fork safety."""

from __future__ import annotations

import math
import os
import signal
import sys
import time
from fractions import Fraction

import mathb
import numpy as np
import pytest


def exact_pass_at_k(n: int, c: int, k: int) -> Fraction:
    return 1 - Fraction(math.comb(n - c, k), math.comb(n, k))


# --------------------------------------------------------------------------- grade / verify


@pytest.mark.parametrize(
    ("gold", "completion", "status"),
    [
        ("1/2", "so the answer is $\\boxed{0.5}$", "correct"),
        ("\\frac{1}{2}", "The answer is $\\boxed{\\dfrac{1}{2}}$.", "correct"),
        ("12", "Thus \\boxed{13}.", "incorrect"),
        ("12", "I have no idea.", "no_answer"),
        ("2\\sqrt{3}", "$\\boxed{\\sqrt{12}}$", "correct"),
    ],
)
def test_grade_statuses(gold: str, completion: str, status: str) -> None:
    v = mathb.grade(gold, completion)
    assert v.status == status
    assert v.correct is (status == "correct")
    assert bool(v) is v.correct
    assert isinstance(v.reason, str) and v.reason


def test_grade_reports_extracted_answer() -> None:
    v = mathb.grade("5", "First 2, then 3, so the answer is $\\boxed{5}$.")
    assert v.extracted == "5"
    assert mathb.grade("5", "nothing to see").extracted is None


def test_verify_takes_extracted_answers() -> None:
    assert mathb.verify("1/2", "0.5")
    assert mathb.verify("\\frac{1}{2}", "1/2")
    assert not mathb.verify("1/2", "1/3")


def test_decimal_policy() -> None:
    assert mathb.verify("1/3", "0.333")
    assert not mathb.verify("1/3", "0.333", decimal="exact")
    assert not mathb.verify("1/3", "0.3")  # too few significant digits
    assert mathb.verify("1/3", "0.3", min_significant_digits=1)


def test_arguments_are_type_checked() -> None:
    with pytest.raises(TypeError):
        mathb.grade(b"1", "\\boxed{1}")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        mathb.grade("1", 1)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- Verdict


def test_verdict_equality_repr_and_dict() -> None:
    a = mathb.grade("1", "\\boxed{1}")
    b = mathb.grade("1", "\\boxed{1}")
    c = mathb.grade("1", "\\boxed{2}")
    assert a == b
    assert a != c
    assert a != "correct"
    assert repr(a) == (f"Verdict(status='correct', reason={a.reason!r}, extracted='1')")
    assert a.to_dict() == {
        "status": "correct",
        "reason": a.reason,
        "extracted": "1",
        "decided_by": "core",
    }
    none = mathb.grade("1", "no answer here")
    assert none.to_dict()["extracted"] is None
    assert "extracted=None" in repr(none)


def test_verdict_is_immutable() -> None:
    v = mathb.grade("1", "\\boxed{1}")
    with pytest.raises(AttributeError):
        v.status = "incorrect"  # type: ignore[misc]


# --------------------------------------------------------------------------- grade_batch


def test_grade_batch_matches_grade() -> None:
    golds = ["1", "1/2", "3", "\\pi", "10"]
    completions = ["\\boxed{1}", "\\boxed{0.5}", "\\boxed{4}", "\\boxed{\\pi}", "none"]
    batch = mathb.grade_batch(golds, completions)
    assert batch == [mathb.grade(g, c) for g, c in zip(golds, completions)]
    assert [v.status for v in batch] == ["correct", "correct", "incorrect", "correct", "no_answer"]


def test_grade_batch_options_are_forwarded() -> None:
    (v,) = mathb.grade_batch(["1/3"], ["\\boxed{0.333}"], decimal="exact")
    assert v.status == "incorrect"
    (v,) = mathb.grade_batch(["1/3"], ["\\boxed{0.3}"], min_significant_digits=1)
    assert v.status == "correct"


def test_grade_batch_empty() -> None:
    assert mathb.grade_batch([], []) == []


@pytest.mark.parametrize("threads", [None, 1, 2, 7])
def test_grade_batch_thread_counts(threads: int | None) -> None:
    golds = [str(i) for i in range(200)]
    completions = [f"\\boxed{{{i + (i % 3 == 0)}}}" for i in range(200)]
    reference = [mathb.grade(g, c) for g, c in zip(golds, completions)]
    assert mathb.grade_batch(golds, completions, threads=threads) == reference


def test_grade_batch_errors() -> None:
    with pytest.raises(mathb.InvalidArgumentError, match="length"):
        mathb.grade_batch(["1"], ["1", "2"])
    with pytest.raises(mathb.InvalidArgumentError, match="threads"):
        mathb.grade_batch(["1"], ["1"], threads=0)
    with pytest.raises(mathb.InvalidArgumentError, match="decimal"):
        mathb.grade_batch(["1"], ["1"], decimal="approximately")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "options", [{"threads": -1}, {"min_significant_digits": -1}], ids=["threads", "digits"]
)
def test_negative_options_are_invalid_arguments(options: dict[str, int]) -> None:
    with pytest.raises(mathb.InvalidArgumentError):
        mathb.grade_batch(["1"], ["1"], **options)


# --------------------------------------------------------------------------- errors


def test_error_hierarchy() -> None:
    assert issubclass(mathb.InvalidArgumentError, mathb.MathbError)
    assert issubclass(mathb.InvalidArgumentError, ValueError)
    assert issubclass(mathb.InputFileError, mathb.MathbError)
    assert issubclass(mathb.MathbError, Exception)
    with pytest.raises(ValueError):
        mathb.grade("1", "1", decimal="fuzzy")  # type: ignore[arg-type]
    with pytest.raises(mathb.MathbError):
        mathb.pass_at_k(3, 4, 1)


# --------------------------------------------------------------------------- pass@k


@pytest.mark.parametrize("n", range(1, 13))
def test_pass_at_k_matches_exact_fractions(n: int) -> None:
    for c in range(n + 1):
        for k in range(1, n + 1):
            got = mathb.pass_at_k(n, c, k)
            want = exact_pass_at_k(n, c, k)
            assert got == pytest.approx(float(want), rel=1e-12, abs=1e-15), (n, c, k)


def test_pass_at_k_edge_values() -> None:
    assert mathb.pass_at_k(10, 0, 5) == 0.0
    assert mathb.pass_at_k(10, 10, 1) == 1.0
    assert mathb.pass_at_k(10, 6, 5) == 1.0  # n - c < k: every draw of k has a correct one
    assert mathb.pass_at_k(7, 3, 1) == pytest.approx(3 / 7)


def test_pass_at_k_scalar_returns_float() -> None:
    for args in [(5, 2, 1), (np.int64(5), np.int32(2), 1), (5.0, 2.0, 1.0)]:
        out = mathb.pass_at_k(*args)
        assert type(out) is float


def test_pass_at_k_broadcasts() -> None:
    n = np.array([[4], [8]])
    c = np.array([1, 2, 3])
    out = mathb.pass_at_k(n, c, 2)
    assert isinstance(out, np.ndarray)
    assert out.shape == (2, 3)
    assert out.dtype == np.float64
    for i, ni in enumerate([4, 8]):
        for j, cj in enumerate([1, 2, 3]):
            assert out[i, j] == pytest.approx(float(exact_pass_at_k(ni, cj, 2)), rel=1e-12)
    ks = mathb.pass_at_k(16, 3, [1, 2, 4, 8, 16])
    assert ks.shape == (5,)
    assert mathb.pass_at_k([], [], []).shape == (0,)


def test_pass_at_k_large_n_monotone_and_finite() -> None:
    n = 1024
    ks = np.arange(1, n + 1)
    for c in [0, 1, 2, 17, 512, 1000, 1023, 1024]:
        out = mathb.pass_at_k(n, c, ks)
        assert np.all(np.isfinite(out))
        assert np.all((out >= 0) & (out <= 1))
        assert np.all(np.diff(out) >= 0), f"pass@k not monotone in k for c={c}"
    by_c = mathb.pass_at_k(n, np.arange(n + 1), 8)
    assert np.all(np.diff(by_c) >= 0)
    assert by_c[0] == 0.0 and by_c[-1] == 1.0
    assert mathb.pass_at_k(n, 1, 1) == pytest.approx(1 / 1024, rel=1e-12)
    assert mathb.pass_at_k(n, 1, 512) == pytest.approx(0.5, rel=1e-12)


@pytest.mark.parametrize(
    ("n", "c", "k", "match"),
    [
        (5, 6, 1, "exceeds"),
        (5, 2, 0, "between"),
        (5, 2, 6, "between"),
        (-1, 0, 1, "negative"),
        (5, 2, 1.5, "integers"),
    ],
)
def test_pass_at_k_invalid(n: int, c: int, k: float, match: str) -> None:
    with pytest.raises(mathb.InvalidArgumentError, match=match):
        mathb.pass_at_k(n, c, k)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- fork safety


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.parametrize("child_threads", [None, 2])
def test_grade_batch_after_fork_does_not_deadlock(child_threads: int | None) -> None:
    golds = [str(i) for i in range(2000)]
    completions = [f"\\boxed{{{i}}}" for i in range(2000)]
    assert all(mathb.grade_batch(golds, completions))  # warms up the parent's thread pool

    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child: must not wait on the parent's (absent) pool threads
        code = 1
        try:
            code = 0 if all(mathb.grade_batch(golds, completions, threads=child_threads)) else 3
        finally:
            os._exit(code)

    deadline = time.monotonic() + 20
    status = None
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("grade_batch in a forked child did not finish within 20 s")
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def test_submodules_do_not_shadow_the_api() -> None:
    import mathb.cli
    import mathb.grading

    assert callable(mathb.grade) and mathb.grade("1", "\\boxed{1}").correct
    assert callable(mathb.verify) and callable(mathb.pass_at_k)
