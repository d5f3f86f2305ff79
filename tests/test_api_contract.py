"""The Python API keeps the README's word: the names it documents exist, `verify` can tell
undecided from incorrect, numbers are golds, errors name the argument and the row, options
are explicit keywords, and `grade_file` gives `mathb grade`'s summary."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import json
import re
import types
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import mathb
import numpy as np
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
# The core cannot decide this pair (functions are uninterpreted); sympy can.
UNDECIDED = (r"1", r"\sin^2 x+\cos^2 x")

OPTION_DEFAULTS = {
    "decimal": "rounded",
    "min_significant_digits": 3,
    "decimal_places": None,
    "relation_as_set": True,
    "strict_variables": True,
    "extract": "standard",
    "fallback": False,
}


# --------------------------------------------------------------------------- names


def test_every_name_the_readme_uses_exists() -> None:
    used = set(re.findall(r"\bmathb\.([A-Za-z_]\w*)", README.read_text(encoding="utf-8")))
    used -= {"_core", "_fallback_worker"}  # the README names these modules, not API
    # A subpackage (mathb.compat, mathb.integrations) exists once imported.
    missing = sorted(
        n for n in used if not hasattr(mathb, n) and importlib.util.find_spec(f"mathb.{n}") is None
    )
    assert not missing, missing
    for name in ("FallbackUnavailableError", "InvalidArgumentError", "InputFileError"):
        assert name in mathb.__all__


def test_the_documented_except_clause_catches_a_missing_sympy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.util

    from mathb import sympy_judge

    real_find_spec = importlib.util.find_spec

    def no_sympy(name: str, package: str | None = None) -> object:
        return None if name == "sympy" else real_find_spec(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", no_sympy)
    with pytest.raises(mathb.FallbackUnavailableError) as caught:
        sympy_judge.require_sympy()
    assert isinstance(caught.value, mathb.MathbError) and isinstance(caught.value, ImportError)


def test_all_is_clean_and_dir_shows_no_helpers() -> None:
    assert len(set(mathb.__all__)) == len(mathb.__all__)
    for name in mathb.__all__:
        assert getattr(mathb, name) is not None, name
    public = {n for n in dir(mathb) if not n.startswith("_")}
    modules = {n for n in public if isinstance(getattr(mathb, n), types.ModuleType)}
    stray = public - set(mathb.__all__) - modules
    assert not stray, stray
    for helper in ("Any", "Literal", "annotations", "TYPE_CHECKING", "Sequence"):
        assert helper not in public


def test_sympy_fallback_is_reachable_from_the_package() -> None:
    from mathb.fallback import SympyFallback

    assert mathb.SympyFallback is SympyFallback
    assert "SympyFallback" in dir(mathb)


# --------------------------------------------------------------------------- verify


def test_verify_tells_undecided_from_incorrect() -> None:
    gold, answer = UNDECIDED
    assert mathb.grade(gold, f"\\boxed{{{answer}}}").status == "undecided"
    assert mathb.verify(gold, answer) is False  # Math-Verify's convention, the default
    assert mathb.verify(gold, answer, undecided=None) is None
    assert mathb.verify(gold, "2", undecided=None) is False
    assert mathb.verify(gold, "1", undecided=None) is True
    with pytest.raises(mathb.UndecidedError) as caught:
        mathb.verify(gold, answer, undecided="raise")
    assert caught.value.verdict.status == "undecided"
    assert isinstance(caught.value, mathb.MathbError)
    assert mathb.verify(gold, "2", undecided="raise") is False


@pytest.mark.parametrize("policy", [True, 0, "none", "undecided"])
def test_verify_refuses_other_undecided_policies(policy: object) -> None:
    with pytest.raises(mathb.InvalidArgumentError, match="undecided must be"):
        mathb.verify("1", "1", undecided=policy)  # type: ignore[arg-type]


def test_verify_takes_fallback() -> None:
    assert "fallback" in inspect.signature(mathb.verify).parameters


# --------------------------------------------------------------------------- numbers as golds


@pytest.mark.parametrize(
    "gold",
    [42, 42.0, np.int64(42), Decimal("42"), Fraction(84, 2), [41, 42], np.float64(42.0)],
    ids=["int", "float", "np.int64", "Decimal", "Fraction", "list", "np.float64"],
)
def test_numbers_are_golds(gold: object) -> None:
    assert mathb.grade(gold, r"so \boxed{42}").status == "correct"  # type: ignore[arg-type]
    assert mathb.grade(gold, r"so \boxed{43}").status == "incorrect"  # type: ignore[arg-type]
    assert mathb.verify(gold, "42") is True  # type: ignore[arg-type]


def test_non_integer_numbers_are_golds() -> None:
    assert mathb.verify(0.5, r"\frac12")
    assert mathb.verify(Fraction(1, 3), "1/3") and not mathb.verify(Fraction(1, 3), "0.3")
    assert mathb.verify(Decimal("0.50"), "1/2")
    assert mathb.verify(Decimal("1E+2"), "100")
    golds = [1, 0.25, Fraction(2, 3), "x+1"]
    completions = [r"\boxed{1}", r"\boxed{1/4}", r"\boxed{\frac{2}{3}}", r"\boxed{1+x}"]
    assert [v.status for v in mathb.grade_batch(golds, completions)] == ["correct"] * 4


def test_with_choices_a_number_is_the_index() -> None:
    assert mathb.grade(1, r"\boxed{B}", choices=["27", "30"]).status == "correct"
    assert mathb.grade(np.int64(0), r"\boxed{B}", choices=["27", "30"]).status == "incorrect"


@pytest.mark.parametrize("gold", [float("nan"), float("inf"), Decimal("NaN")])
def test_numbers_without_a_value_are_refused(gold: object) -> None:
    with pytest.raises(mathb.InvalidArgumentError, match="gold is the number"):
        mathb.grade(gold, "1")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- errors


def test_a_none_gold_in_a_batch_names_its_row() -> None:
    golds: list[object] = ["1"] * 10
    golds[7] = None
    with pytest.raises(mathb.InvalidArgumentError, match=r"^golds\[7\] is None; ") as caught:
        mathb.grade_batch(golds, ["1"] * 10)  # type: ignore[arg-type]
    # Also a TypeError, as Python's own checks of argument types are.
    assert isinstance(caught.value, TypeError) and isinstance(caught.value, mathb.ArgumentTypeError)


def test_a_bad_completion_in_a_batch_names_its_row() -> None:
    completions: list[object] = ["1"] * 5
    completions[3] = None
    with pytest.raises(mathb.InvalidArgumentError, match=r"^completions\[3\] is None"):
        mathb.grade_batch(["1"] * 5, completions)  # type: ignore[arg-type]
    completions[3] = b"1"
    with pytest.raises(TypeError, match=r"^completions\[3\] must be a string, not bytes"):
        mathb.grade_batch(["1"] * 5, completions)  # type: ignore[arg-type]


def test_bad_list_elements_and_choices_name_their_place() -> None:
    with pytest.raises(TypeError, match=r"golds\[1\]\[0\] is None"):
        mathb.grade_batch(["1", [None, "2"]], ["1", "2"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"choices\[1\] must be a list"):
        mathb.grade_batch(["1", "B"], ["1", "B"], choices=[None, "AB"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"^gold must be a string, a number or a list"):
        mathb.grade({"a": 1}, "1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^gold is a boolean"):
        mathb.grade(True, "1")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mathb.grade(None, "1"), r"^gold is None"),
        (lambda: mathb.grade("1", None), r"^completion is None"),
        (lambda: mathb.verify("1", 1), r"^answer must be a string, not int"),
        (lambda: mathb.grade_batch("12", ["1", "2"]), r"^golds must be a list, not str"),
    ],
    ids=["gold", "completion", "answer", "golds"],
)
def test_wrong_types_name_the_parameter(call: object, message: str) -> None:
    with pytest.raises(mathb.ArgumentTypeError, match=message):
        call()  # type: ignore[operator]


def test_mismatched_lengths_name_both_lengths() -> None:
    with pytest.raises(mathb.InvalidArgumentError, match="2 golds, 3 completions"):
        mathb.grade_batch(["1", "2"], ["1", "2", "3"])
    with pytest.raises(mathb.InvalidArgumentError, match="2 golds, 1 choices"):
        mathb.grade_batch(["1", "2"], ["1", "2"], choices=[["a", "b"]])


def test_batches_may_be_tuples_and_numpy_arrays() -> None:
    completions = (r"\boxed{1}", r"\boxed{3}")
    for golds in [("1", "2"), np.array(["1", "2"]), np.array([1, 2]), [np.str_("1"), "2"]]:
        verdicts = mathb.grade_batch(golds, completions)  # type: ignore[arg-type]
        assert [v.status for v in verdicts] == ["correct", "incorrect"], golds
    verdicts = mathb.grade_batch(["1", "2"], np.array(completions))  # type: ignore[arg-type]
    assert [v.status for v in verdicts] == ["correct", "incorrect"]


# --------------------------------------------------------------------------- signatures


@pytest.mark.parametrize("function", [mathb.grade, mathb.grade_batch, mathb.verify])
def test_options_are_keyword_only_with_defaults_and_documented(function: object) -> None:
    signature = inspect.signature(function)  # type: ignore[arg-type]
    kinds = {p.kind for p in signature.parameters.values()}
    assert inspect.Parameter.VAR_KEYWORD not in kinds
    doc = inspect.getdoc(function) or ""
    for name, default in OPTION_DEFAULTS.items():
        parameter = signature.parameters[name]
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, name
        assert parameter.default == default, name
        assert f"``{name}``" in doc, name


def test_an_unknown_option_is_a_type_error_naming_it() -> None:
    with pytest.raises(TypeError, match="precision"):
        mathb.grade("1", "1", precision=3)  # type: ignore[call-arg]


def test_explicit_options_reach_the_core() -> None:
    assert mathb.verify("1/3", "0.333")
    assert not mathb.verify("1/3", "0.333", decimal="exact")
    assert mathb.verify("1/3", "0.3", min_significant_digits=1)
    assert not mathb.verify("1/3", "0.3334")
    assert mathb.verify("1/3", "0.3334", decimal_places=2)
    assert mathb.grade("5", "so there are 5", extract="lenient").status == "correct"
    assert mathb.grade("5", "so there are 5", extract="strict").status == "no_answer"
    assert mathb.verify("f(x) = x", "f(y) = y", strict_variables=False)
    assert not mathb.verify("f(x) = x", "f(y) = y")
    (v,) = mathb.grade_batch(["1/3"], [r"\boxed{0.333}"], decimal="exact", threads=1)
    assert v.status == "incorrect"


# --------------------------------------------------------------------------- grade_file


def test_grade_file_returns_the_summary_mathb_grade_writes(
    run_mathb, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = data_dir / "samples.jsonl"
    monkeypatch.chdir(tmp_path)
    summary = mathb.grade_file(src)
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no verdict file unless asked
    result = run_mathb("grade", src, "-o", "v.jsonl", "--summary", "s.json", "--no-fallback")
    assert result.returncode == 0, result.stderr
    written = json.loads((tmp_path / "s.json").read_text())
    for key in ("samples", "problems", "accuracy", "pass_at_k", "maj_at_k", "counts"):
        assert summary[key] == written[key], key
    assert summary["samples"] == 12


def test_grade_file_writes_verdicts_when_asked(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "verdicts.jsonl"
    summary = mathb.grade_file(data_dir / "samples.jsonl", out, decimal="exact")
    lines = out.read_text().splitlines()
    assert len(lines) == summary["samples"] == 12
    assert summary["options"]["decimal"] == "exact"


# --------------------------------------------------------------------------- README


def _readme_python_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_readme_examples_give_the_results_their_comments_state() -> None:
    """Each README line `expression  # result` gives that result: a Python literal, a
    literal followed by ':' and a remark, or a string ending in '…' (a prefix)."""
    namespace: dict[str, object] = {"golds": ["1", "2"], "completions": ["1", r"\boxed{3}"]}
    checked = 0
    for block in _readme_python_blocks():
        for line in block.splitlines():
            code, _, comment = line.partition("  # ")
            if not code.strip() or not comment or "=" in code.split("(")[0] or "import" in code:
                exec(line, namespace)
                continue
            value = eval(code, namespace)
            stated = re.match(r"(\(.*\)|'.*'|True|False|None)(?::|$)", comment.strip())
            if stated is None:
                continue
            literal = stated.group(1)
            if literal.endswith("…'"):
                assert str(value).startswith(ast.literal_eval(literal[:-2] + "'")), line
            else:
                assert value == ast.literal_eval(literal), line
            checked += 1
    assert checked >= 6


# --------------------------------------------------------------------------- Verdict


def test_verdicts_pickle_copy_and_hash() -> None:
    import copy
    import pickle

    verdicts = [
        mathb.grade("1", r"\boxed{1}"),
        mathb.grade("1", "no answer"),
        mathb.grade("1", r"\boxed{2}").settled_by_fallback("correct", "sympy says so"),
    ]
    for v in verdicts:
        for clone in (pickle.loads(pickle.dumps(v)), copy.copy(v), copy.deepcopy(v)):
            assert clone == v and clone.to_dict() == v.to_dict()
            assert hash(clone) == hash(v)
    assert len(set(verdicts)) == 3
    assert mathb.Verdict(**verdicts[2].to_dict()) == verdicts[2]
    with pytest.raises(mathb.InvalidArgumentError, match="unknown status"):
        mathb.Verdict("right", "because")  # type: ignore[arg-type]


@pytest.mark.parametrize("function", [mathb.grade, mathb.verify])
def test_fallback_is_true_false_or_an_engine(function: object) -> None:
    with pytest.raises(mathb.ArgumentTypeError, match="fallback must be True, False or a"):
        function("1", "1", fallback="no")  # type: ignore[operator]
    with pytest.raises(mathb.ArgumentTypeError, match="fallback must be"):
        mathb.grade_batch(["1"], ["1"], fallback=1)  # type: ignore[arg-type]
