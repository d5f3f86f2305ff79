"""The sympy fallback: its equivalence decisions; the worker pool's timeout, cache, threads."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

pytest.importorskip("sympy")
pytest.importorskip("latex2sympy2_extended")

import mathb
from mathb.fallback import (
    FallbackResult,
    FallbackUnavailableError,
    SympyFallback,
    gold_answer_text,
    judge,
    resolve_with_sympy,
)

# Parses in a blink, then sympy tries to build 2^(2^65536) and never returns.
POWER_TOWER = ("2^{2^{2^{2^{2^{2}}}}}", "1")


@pytest.fixture(scope="module")
def fallback() -> Iterator[SympyFallback]:
    with SympyFallback(2, timeout=1.5) as fb:
        yield fb


@pytest.mark.parametrize(
    ("gold", "answer"),
    [
        (r"\sin^2 x + \cos^2 x", "1"),
        # Equal as rational functions, though the left side is undefined at x = 1. Answers are
        # compared as expressions, where the removable singularity does not count: correct.
        (r"\frac{x^2-1}{x-1}", "x+1"),
        (r"\frac{\sqrt{2}}{2}", r"\frac{1}{\sqrt{2}}"),
        ("0.5", r"\frac{1}{2}"),
        ("3+4i", "4i+3"),
        (r"\{1, 2\}", r"\{2, 1\}"),
        (
            r"\begin{pmatrix}1 & 2\\ 3 & 4\end{pmatrix}",
            r"\begin{pmatrix}1 & 2\\ 3 & 2^2\end{pmatrix}",
        ),
        ("x = 3", "3 = x"),
        (r"x \le 2", r"2 \ge x"),
        (r"The answer is $\boxed{\frac{1}{2}}$.", "0.5"),
        ("1000", r"1\,000"),  # digit grouping, not 1·000
        ("1000000", "1 000 000"),
        (r"50\%", r"50\%"),
    ],
)
def test_equal_forms_are_correct(gold: str, answer: str) -> None:
    assert judge(gold, answer)[0] == "correct"


@pytest.mark.parametrize(
    ("gold", "answer"),
    [
        ("1-1/e", "1+1/e"),
        ("1/2004!", "1/2006!"),
        ("1e-7", "2e-7"),  # different under both readings of "e"
        (r"\{1, 2\}", r"\{1, 3\}"),
        ("(1, 2, 3)", "(1, 2, 4)"),
        ("2^{100}", "1267650600228229401496703205377"),  # 2^100 + 1: exact, beyond 50 digits
        (r"\frac{10^{100}+1}{10^{100}}", "1"),
        ("3.9", "4.1"),  # decimals: farther apart than one unit in the last place
        (r"30^\circ", r"45^\circ"),  # different under both readings of the degree sign
        ("(2, -3)", "(2, 3)"),  # a point against what the parser takes for an interval
        (r"(-2, 4)", r"(-\infty, 4)"),
    ],
)
def test_known_traps_are_incorrect(gold: str, answer: str) -> None:
    status, reason = judge(gold, answer)
    assert status == "incorrect", reason


@pytest.mark.parametrize(
    ("gold", "answer"),
    [
        (r"\text{A}", "a"),  # letters keep their case
        ("x^2", "X^2"),
        (r"\sqrt{x^2}", "x"),  # only |x| without assumptions
        ("1 = 2", "3 = 4"),  # same lhs-rhs, different statements
        ("a = 5", "a - 2 = 3"),
        ("1/3", "0.333"),  # rounding is the core's policy, not a proof
        (r"\pi", "3.14"),
        ("2e-1", "0.2"),  # 2e−1 or 0.2: the readings disagree
        ("(1,2)", "[1,2]"),  # a point, or a closed interval
        ("x+", "x"),
        ("f'(x)", "f(x)"),  # the parser drops primes
        ("f^{-1}(x)", "1/f(x)"),  # and reads an inverse function as a reciprocal
        ("2 3", "5"),  # and "2 3" as a sum
        (r"\frac{1}{0}", r"\frac{2}{0}"),  # both undefined (zoo), not equal
        (r"50\%", "50"),  # 1/2, or 50 when the question asks for a percentage
        (r"\sin 30^\circ", r"\frac{1}{2}"),  # sin(30 rad) to the parser, unless read as degrees
    ],
)
def test_unproven_pairs_stay_undecided(gold: str, answer: str) -> None:
    assert judge(gold, answer)[0] == "undecided"


def test_reasons_name_the_test() -> None:
    assert judge("(x+1)^2", "x^2+2x+1") == ("correct", "sympy: simplify(a-b)=0")
    assert judge(r"\sin^2 x + \cos^2 x", "1") == ("correct", "sympy: simplify(a-b)=0")
    assert judge("x+", "x")[1].startswith("sympy: parse error: ")


def test_gold_answer_text() -> None:
    assert gold_answer_text(r"so $\boxed{1}$ then \boxed{\frac{a}{b}}.") == r"\frac{a}{b}"
    assert gold_answer_text("$42$") == "42"
    assert gold_answer_text(r"\(x+1\)") == "x+1"


def test_pool_keeps_order_and_agrees_with_judge(fallback: SympyFallback) -> None:
    pairs = [("1-1/e", "1+1/e"), ("x+x", "2x"), ("A", "a"), ("0.5", r"\frac12")]
    results = fallback.resolve(pairs)
    assert [(r.status, r.reason) for r in results] == [judge(g, a) for g, a in pairs]
    assert all(isinstance(r, FallbackResult) for r in results)


def test_timeout_kills_the_worker_and_a_fresh_one_takes_over(fallback: SympyFallback) -> None:
    started, timeouts = fallback.stats.workers_started, fallback.stats.timeouts
    t0 = time.monotonic()
    slow, fine = fallback.resolve([POWER_TOWER, ("x+1", "1+x")])
    assert time.monotonic() - t0 < 10
    assert slow == FallbackResult("undecided", "sympy: timeout after 1.5 s")
    assert fine.correct
    assert fallback.stats.timeouts == timeouts + 1
    assert fallback.stats.workers_started == started + 1
    assert [r.status for r in fallback.resolve([("2x", "x+x"), ("1", "2")])] == [
        "correct",
        "incorrect",
    ]


def test_a_worker_that_dies_yields_undecided(fallback: SympyFallback) -> None:
    done: list[FallbackResult] = []
    thread = threading.Thread(
        target=lambda: done.extend(fallback.resolve([("x^{3}+1", POWER_TOWER[0])]))
    )
    thread.start()
    deadline = time.monotonic() + 5
    while not any(w.job is not None for w in fallback._pool) and time.monotonic() < deadline:
        time.sleep(0.01)
    busy = next(w for w in fallback._pool if w.job is not None)
    os.kill(busy.process.pid, 9)
    thread.join(10)
    assert done and done[0].status == "undecided"
    assert done[0].reason.startswith("sympy: worker died")


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux only")
def test_memory_limit_gives_undecided() -> None:
    with SympyFallback(1, timeout=15, memory_limit=600 << 20) as fb:
        (result,) = fb.resolve([("(x+1)^{1000000}", "x^{1000000}+1")])
        assert result == FallbackResult("undecided", "sympy: memory limit exceeded")
        assert fb.resolve([("x", "x")])[0].correct


def test_works_from_a_non_main_thread(fallback: SympyFallback) -> None:
    out: list[list[FallbackResult]] = []
    thread = threading.Thread(target=lambda: out.append(fallback.resolve([("2+2", "4")])))
    thread.start()
    thread.join(30)
    assert out == [[FallbackResult("correct", "sympy: structurally equal")]]


def test_cache_computes_each_pair_once(fallback: SympyFallback) -> None:
    pair = ("\\frac{7}{9}+x", "x+\\frac{14}{18}")
    computed, hits = fallback.stats.computed, fallback.stats.cache_hits
    first = fallback.resolve([pair, pair, pair])
    assert fallback.stats.computed == computed + 1
    second = fallback.resolve([pair])
    assert fallback.stats.computed == computed + 1
    assert fallback.stats.cache_hits == hits + 3
    assert first == second * 3


def test_cache_is_bounded() -> None:
    with SympyFallback(1, timeout=5, cache_size=2) as fb:
        fb.resolve([("1", "1"), ("2", "2"), ("3", "3")])
        assert len(fb._cache) == 2
        fb.resolve([("1", "1")])
        assert fb.stats.computed == 4


def test_same_results_for_one_and_two_workers() -> None:
    pairs = [
        ("1-1/e", "1+1/e"),
        (r"\frac{x^2-1}{x-1}", "x+1"),
        ("1/2004!", "1/2006!"),
        (r"\{1,2\}", r"\{2,1\}"),
        ("A", "a"),
        ("x+", "x"),
        ("0.5", "1/2"),
        ("1e-7", "2e-7"),
        (r"\sqrt{8}", r"2\sqrt{2}"),
        ("x=3", "3=x"),
    ]
    assert resolve_with_sympy(pairs, workers=1) == resolve_with_sympy(pairs, workers=2)


def test_import_mathb_does_not_need_sympy() -> None:
    code = "import sys, mathb, mathb.fallback; assert 'sympy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_dependency_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "latex2sympy2_extended", None)
    with pytest.raises(FallbackUnavailableError, match=r"mathb\[fallback\]") as err:
        SympyFallback(1)
    assert isinstance(err.value, mathb.MathbError)


def test_grade_settles_undecided_verdicts_with_fallback(fallback: SympyFallback) -> None:
    gold, completion = "1", "so the answer is $\\boxed{\\sin^2 x + \\cos^2 x}$"
    core = mathb.grade(gold, completion)
    assert core.status == "undecided" and core.decided_by == "core"
    settled = mathb.grade(gold, completion, fallback=fallback)
    assert settled.status == "correct" and settled.decided_by == "fallback"
    assert settled.extracted == core.extracted
    assert settled.to_dict()["decided_by"] == "fallback"


def test_grade_batch_only_sends_undecided_to_fallback(fallback: SympyFallback) -> None:
    golds = ["1", "2", "1"]
    completions = ["\\boxed{\\sin^2 x + \\cos^2 x}", "\\boxed{2}", "nothing"]
    computed = fallback.stats.computed
    verdicts = mathb.grade_batch(golds, completions, fallback=fallback)
    assert [v.status for v in verdicts] == ["correct", "correct", "no_answer"]
    assert [v.decided_by for v in verdicts] == ["fallback", "core", "core"]
    assert fallback.stats.computed - computed <= 1  # only the undecided pair went to sympy


# The fallback from wherever grade() is called: the workers never import the caller's __main__.
_SETTLED = 'mathb.grade("1", "so $\\\\boxed{\\\\sin^2 x+\\\\cos^2 x}$", fallback=True)'


def _run_python(*args: str, cwd: str | os.PathLike[str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=120, cwd=cwd
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_fallback_in_a_script_without_a_main_guard(tmp_path: os.PathLike[str]) -> None:
    script = os.path.join(tmp_path, "two_lines.py")
    with open(script, "w") as f:
        f.write(f"import mathb\nprint({_SETTLED}.status)\n")
    assert _run_python(script, cwd=tmp_path).split() == ["correct"]
    # Every run of the script as __main__ leaves a mark: the workers make none.
    marks = os.path.join(tmp_path, "marks")
    with open(script, "w") as f:
        f.write(f"import os\nopen({marks!r}, 'a').write(f'{{os.getpid()}}\\n')\n")
        f.write(f"import mathb\nprint({_SETTLED}.status)\n")
    assert _run_python(script, cwd=tmp_path).split() == ["correct"]
    with open(marks) as f:
        assert len(f.read().split()) == 1


def test_workers_print_nothing_to_stdout(fallback: SympyFallback) -> None:
    assert fallback.resolve([("x", "x")])[0].correct
    for w in fallback._pool:
        assert w.process.stdout is None  # DEVNULL: the caller's stdout stays its own
        assert w.process.args[1:3] == ["-m", "mathb._fallback_worker"]


def test_fallback_in_python_c() -> None:
    assert _run_python("-c", f"import mathb; print({_SETTLED}.decided_by)").split() == ["fallback"]


def test_fallback_in_exec_and_threads(tmp_path: os.PathLike[str]) -> None:
    # A notebook runs cells with exec() in a __main__ that has no file; threads share the pool.
    cell = f"import mathb\nverdict = {_SETTLED}\n"
    code = (
        "import threading\nimport mathb\n"
        f"namespace = {{}}\nexec({cell!r}, namespace)\n"
        "print(namespace['verdict'].status)\n"
        "out = []\n"
        f"ts = [threading.Thread(target=lambda: out.append({_SETTLED}.status)) for _ in range(3)]\n"
        "[t.start() for t in ts]\n[t.join() for t in ts]\n"
        "print(*out)\n"
    )
    script = os.path.join(tmp_path, "cells.py")
    with open(script, "w") as f:
        f.write(code)
    assert _run_python(script, cwd=tmp_path).split() == ["correct"] * 4


def test_a_two_line_script_settles_with_sympy(tmp_path: os.PathLike[str]) -> None:
    script = os.path.join(tmp_path, "s.py")
    with open(script, "w") as f:
        f.write("import mathb\n")
        f.write('print(mathb.grade("\\\\sin^2 x+\\\\cos^2 x", "1", fallback=True))\n')
    out = _run_python(script, cwd=tmp_path)
    assert "status='correct'" in out and "sympy" in out


def test_verify_takes_fallback(fallback: SympyFallback) -> None:
    answer = r"\sin^2 x+\cos^2 x"
    assert mathb.verify("1", answer) is False  # undecided by the core
    assert mathb.verify("1", answer, fallback=fallback) is True
    assert mathb.verify("2", answer, fallback=fallback) is False
    assert mathb.verify("1", "1", fallback=fallback) is True
    with pytest.raises(TypeError, match="nonsense"):  # options are explicit keywords
        mathb.verify("1", "1", fallback=fallback, nonsense=True)  # type: ignore[call-arg]


def test_the_fallback_is_a_default_dependency() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "pyproject.toml"), "rb") as f:
        project = tomllib.load(f)["project"]
    names = {d.split(">")[0].split("=")[0].strip() for d in project["dependencies"]}
    assert {"sympy", "latex2sympy2_extended"} <= names
    assert "fallback" in project["optional-dependencies"]


def test_workers_get_this_process_path(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from mathb import fallback as fb

    monkeypatch.setattr(sys, "path", [*sys.path, "/somewhere/else"])
    env = fb._worker_env()
    assert "/somewhere/else" in json.loads(env[fb.SYS_PATH_VARIABLE])
    root = os.path.dirname(os.path.dirname(os.path.abspath(mathb.__file__)))
    # A source tree or editable install goes on PYTHONPATH; a site directory need not.
    assert (root in env.get("PYTHONPATH", "").split(os.pathsep)) != ("-packages" in root)


def test_a_worker_that_cannot_start_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from mathb import fallback as fb

    monkeypatch.setenv(fb.TEMPLATE_VARIABLE, "0")  # fresh interpreters, from the patched command
    monkeypatch.setattr(fb, "_worker_command", lambda *_: [sys.executable, "-c", "exit(3)"])
    with SympyFallback(1, timeout=5) as broken:
        with pytest.raises(fb.FallbackWorkerError, match="code 3 before it was ready"):
            broken.resolve([("1", "2")])
    monkeypatch.setattr(fb, "_worker_command", lambda *_: ["/nonexistent/python"])
    with SympyFallback(1, timeout=5) as broken:
        with pytest.raises(fb.FallbackWorkerError, match="cannot start"):
            broken.resolve([("1", "2")])


def test_workers_are_forked_from_a_warm_template() -> None:
    with SympyFallback(2, timeout=1.5) as fb:
        assert [r.status for r in fb.resolve([("x+x", "2x"), ("1", "2")])] == [
            "correct",
            "incorrect",
        ]
        template = fb._template[0]
        assert template is not None and template.alive()
        assert all(w.process.args == template.args for w in fb._pool)
        # A worker killed at a timeout is replaced by a fork, in milliseconds, not by a new
        # interpreter importing sympy.
        slow, fine = fb.resolve([POWER_TOWER, ("x+1", "1+x")])
        assert slow.reason == "sympy: timeout after 1.5 s" and fine.correct
        t0 = time.monotonic()
        fb._pool.append(fb._spawn())
        assert time.monotonic() - t0 < 0.5
        assert fb.resolve([("y^2", "y*y")])[0].correct
    assert not template.alive()  # closed with the pool


def test_a_template_that_cannot_start_leaves_fresh_interpreters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mathb import fallback_template

    monkeypatch.setattr(
        fallback_template, "_template_command", lambda *_: [sys.executable, "-c", "exit(4)"]
    )
    with SympyFallback(1, timeout=5) as fb:
        assert fb.resolve([("x+x", "2x")])[0].correct
        assert fb._template == [None]
        assert fb._pool[0].process.args[1:3] == ["-m", "mathb._fallback_worker"]
