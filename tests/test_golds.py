"""Golds with several accepted answers, and multiple choice with the options: the Python API,
the fallback on them, and dumps whose records carry a list of golds or their options."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import mathb
import pytest
from conftest import read_jsonl
from mathb.fallback import SympyFallback
from mathb.grading import grade_file

SIN_COS = r"\sin^2 x + \cos^2 x"


@pytest.fixture(scope="module")
def fallback() -> Iterator[SympyFallback]:
    with SympyFallback(1, timeout=10) as fb:
        yield fb


# --------------------------------------------------------------------------- several golds


def test_any_gold_of_a_list_matches() -> None:
    golds = [r"\frac12", "0.5", "x=3"]
    v = mathb.grade(golds, r"so $\boxed{\dfrac{1}{2}}$")
    assert v.status == "correct"
    assert v.reason.startswith(r"gold 1 of 3 (\frac12) matches")
    v = mathb.grade(golds, r"\boxed{3}")
    assert v.status == "correct" and v.reason.startswith("gold 3 of 3 (x=3) matches")
    v = mathb.grade(golds, r"\boxed{4}")
    assert v.status == "incorrect" and v.reason.startswith("none of the 3 golds matches")
    assert mathb.grade(golds, "no idea").status == "no_answer"
    assert mathb.grade(("7", 8), r"\boxed{8}").correct  # tuples and numbers too
    assert mathb.grade(["5"], r"\boxed{5}") == mathb.grade("5", r"\boxed{5}")
    assert mathb.verify(["1", "2"], "2") and not mathb.verify(["1", "2"], "3")


def test_undecided_unless_every_gold_is_decided_different() -> None:
    v = mathb.grade(["2", SIN_COS], r"\boxed{1}")
    assert v.status == "undecided" and v.reason.startswith("gold 2 of 2")


def test_grade_batch_takes_list_golds() -> None:
    golds: list[mathb.Gold] = ["1", ["2", "two"], [r"\frac12", "0.5"]]
    completions = [r"\boxed{1}", r"\boxed{2}", r"\boxed{0.4}"]
    statuses = [v.status for v in mathb.grade_batch(golds, completions)]
    assert statuses == ["correct", "correct", "incorrect"]
    for threads in (1, 2):
        assert mathb.grade_batch(golds, completions, threads=threads) == mathb.grade_batch(
            golds, completions
        )


def test_bad_golds_are_argument_errors() -> None:
    for gold in ([], [["1"]]):
        with pytest.raises(mathb.InvalidArgumentError):
            mathb.grade(gold, "1")  # type: ignore[arg-type]
    for gold in ([True], None, {"a": 1}):  # a number is a gold, a boolean is not
        with pytest.raises(TypeError):
            mathb.grade(gold, "1")  # type: ignore[arg-type]


def test_a_plain_gold_that_looks_like_an_encoding_stays_plain() -> None:
    gold = mathb._core.GOLD_PREFIX + '["1", "2"]'
    assert mathb.grade(gold, r"\boxed{1}").status != "correct"


def test_fallback_settles_a_list_gold(fallback: SympyFallback) -> None:
    v = mathb.grade(["2", SIN_COS], r"\boxed{1}", fallback=fallback)
    assert v.status == "correct" and v.decided_by == "fallback"
    assert v.reason.startswith(rf"gold 2 of 2 ({SIN_COS}) matches: sympy")
    # Each gold went to sympy as a plain pair (the cache keys on strings).
    assert fallback.resolve([(SIN_COS, "1")])[0].correct
    verdicts = mathb.grade_batch(
        [["2", SIN_COS], "3"], [r"\boxed{1}", r"\boxed{3}"], fallback=fallback
    )
    assert [(v.status, v.decided_by) for v in verdicts] == [
        ("correct", "fallback"),
        ("correct", "core"),
    ]
    assert mathb.verify(["2", SIN_COS], "1", fallback=fallback)


# --------------------------------------------------------------------------- multiple choice

OPTIONS = ["(A) 27", r"(B) \frac{1}{2}", "(C) 30", "(D) 12"]


@pytest.mark.parametrize("gold", ["B", "(B)", 1, r"\frac{1}{2}"])
def test_choice_by_letter_or_value(gold: str | int) -> None:
    def status(completion: str) -> str:
        return mathb.grade(gold, completion, choices=OPTIONS).status

    assert status("The answer is (B).") == "correct"
    assert status(r"so $\boxed{0.5}$") == "correct"  # the right option's value
    assert status(r"\boxed{C}") == "incorrect"  # another letter
    assert status(r"\boxed{30}") == "incorrect"  # another option's value
    assert status(r"\boxed{7}") == "incorrect"  # no option's value
    assert status("hmm") == "no_answer"


def test_choice_reasons_and_verify() -> None:
    v = mathb.grade("B", r"\boxed{30}", choices=OPTIONS)
    assert v.reason == "states the value of option C, B expected"
    assert mathb.grade("B", r"\boxed{B}", choices=OPTIONS).reason == "choice B, the right option"
    assert mathb.verify(1, "0.5", choices=OPTIONS)
    assert not mathb.verify(1, "A", choices=OPTIONS)
    assert mathb.grade("Paris", "The answer is: paris", choices=["Paris", "Lyon"]).correct
    with pytest.raises(mathb.InvalidArgumentError, match="names none of the 4 choices"):
        mathb.grade("E", "A", choices=OPTIONS)
    with pytest.raises(mathb.InvalidArgumentError, match="at least two"):
        mathb.grade(0, "A", choices=["only"])


def test_an_unreadable_answer_names_no_option() -> None:
    # Neither a letter, nor an option's text, nor a value that can be read: the question is
    # missed, not undecided.
    words = ["(A) a circle", "(B) a square", "(C) a cube", "(D) a cone"]
    for completion in [r"\boxed{\overline{AB}}", r"The answer is $\frac{17}{2} |AD| + 2$."]:
        v = mathb.grade("B", completion, choices=words, fallback=False)
        assert v.status == "incorrect", v
        assert v.reason.startswith("names no option's letter, text or value; B expected")
    # Plain words that repeat no option's text.
    v = mathb.grade(
        "A", "The answer is: they are inverses of each other.", choices=["f = g^{-1}", "f = g"]
    )
    assert v.status == "incorrect", v
    # A readable value that may equal the option stays for the comparison to decide.
    assert mathb.grade("B", r"\boxed{\frac{2}{4}}", choices=OPTIONS).status == "correct"


def test_a_letter_contradicted_in_words_or_a_value_every_option_shares() -> None:
    clock = ["half past", "quarter", "o'clock", "quarter to", "quarter past"]
    v = mathb.grade("quarter", "B. The time shown is quarter past.", choices=clock)
    assert (v.status, v.reason) == ("incorrect", "names option B but states option E")
    assert mathb.grade("quarter", "B. The time shown is quarter.", choices=clock).correct
    yes_no = ["yes", "no"]
    assert mathb.grade("yes", "The answer is (A) no.", choices=yes_no).status == "incorrect"
    # A sentence that states the named option and ends on another's word is no contradiction.
    trend = ["decrease", "stay the same", "increase"]
    completion = "The answer is (A), the fish population will decrease if pelicans increase."
    assert mathb.grade("decrease", completion, choices=trend).correct
    months = ["Jul '21", "Jun '21", "Apr '21", "May '21"]
    v = mathb.grade("May '21", "The maximum is in 21.", choices=months)
    assert v.status == "incorrect" and v.reason.startswith("the value matches options"), v
    # Math without words that cannot be read is not its last number.
    math = r"$\left(\frac{1}{2}\right)(3)(1)\left(=\dfrac{3}{2}\right)$"
    assert mathb.grade("E", math, choices=["1", "3/2", "3", "4", "2"]).status == "incorrect"


@pytest.mark.parametrize(
    "completion, status",
    [
        ("The answer is therefore (B).", "correct"),
        ("The answer is B, no.", "correct"),
        ("The answer is B - No.", "correct"),
        ("The answer is definitely **(A) Yes**.", "incorrect"),
        ("The answer is B, yes.", "incorrect"),  # the letter and its words disagree
    ],
)
def test_a_letter_with_words_around_it(completion: str, status: str) -> None:
    assert mathb.grade("No", completion, choices=["Yes", "No"]).status == status
    # A list of names that opens with a capital is not choice A.
    assert not mathb.grade("Yes", "The answer is A, b, c.", choices=["Yes", "No"]).correct


def test_grade_batch_with_choices() -> None:
    verdicts = mathb.grade_batch(
        ["B", "2"], [r"\boxed{0.5}", r"\boxed{2}"], choices=[OPTIONS, None]
    )
    assert [v.status for v in verdicts] == ["correct", "correct"]
    with pytest.raises(mathb.InvalidArgumentError, match="differ in length"):
        mathb.grade_batch(["B"], ["B"], choices=[])


def test_fallback_on_a_choice(fallback: SympyFallback) -> None:
    options = ["1", SIN_COS + "+1", "3"]  # B's value: 2, which the core cannot prove
    v = mathb.grade(1, r"\boxed{2}", choices=options)
    assert v.status == "undecided"
    v = mathb.grade(1, r"\boxed{2}", choices=options, fallback=fallback)
    assert v.status == "correct" and v.decided_by == "fallback"


# --------------------------------------------------------------------------- dumps


def test_dump_with_a_list_gold(write_jsonl: Callable[..., Path], tmp_path: Path) -> None:
    src = write_jsonl(
        "golds.jsonl",
        [
            {"id": "a", "answer": [r"\frac12", 0.5], "completion": [r"\boxed{0.5}", r"\boxed{2}"]},
            {"id": "b", "answer": ["2", SIN_COS], "completion": r"\boxed{1}"},
        ],
    )
    out = tmp_path / "v.jsonl"
    summary = grade_file(src, out)
    verdicts = read_jsonl(out)
    assert [v["status"] for v in verdicts] == ["correct", "incorrect", "undecided"]
    assert verdicts[2]["gold"] == ["2", SIN_COS]
    assert summary["counts"]["correct"] == 1
    grade_file(src, out, fallback=True)
    verdicts = read_jsonl(out)
    assert verdicts[2]["status"] == "correct" and verdicts[2]["decided_by"] == "fallback"
    assert verdicts[2]["reason"].startswith("gold 2 of 2")


def test_cli_grades_lm_eval_multiple_choice(
    run_mathb: Callable[..., object], write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    doc = {"question": "Q", "choices": ["27", r"\frac{1}{2}", "30", "12"], "answer": 1}
    record = {
        "doc_id": 0,
        "doc": doc,
        "target": "B",
        "resps": [["The answer is (B).", r"so \boxed{0.5}", r"\boxed{C}", r"\boxed{30}"]],
        "filtered_resps": ["B"],
        "filter": "none",
    }
    src = write_jsonl("samples_mmlu.jsonl", [record])
    result = run_mathb("grade", src, "-o", "v.jsonl", "--summary", "s.json")
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    statuses = [v["status"] for v in read_jsonl(tmp_path / "v.jsonl")]
    assert statuses == ["correct", "correct", "incorrect", "incorrect"]
    fields = json.loads((tmp_path / "s.json").read_text())["fields"]
    assert fields["choices"] == "doc.choices" and fields["gold"] == "doc.answer"


def test_lighteval_multiple_choice_details(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = [
        {
            "doc": {"id": "q1", "query": "Q", "choices": ["27", "28", "29"], "gold_index": 1},
            "model_response": {"text": [r"\boxed{28}", r"\boxed{B}", r"\boxed{27}"]},
        }
    ]
    src = tmp_path / "details_mc.parquet"
    pq.write_table(pa.Table.from_pylist(rows), src)
    out = tmp_path / "v.jsonl"
    summary = grade_file(src, out)
    assert [v["status"] for v in read_jsonl(out)] == ["correct", "correct", "incorrect"]
    assert summary["fields"]["choices"] == "choices"


def test_cli_choices_field(
    run_mathb: Callable[..., object], write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    src = write_jsonl(
        "mc.jsonl",
        [{"answer": "B", "opts": ["3", "4"], "completion": [r"\boxed{4}", r"\boxed{3}"]}],
    )
    result = run_mathb("grade", src, "-o", "v.jsonl", "--choices-field", "opts")
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    assert [v["status"] for v in read_jsonl(tmp_path / "v.jsonl")] == ["correct", "incorrect"]
    # Without it, "opts" is not a known name: the gold B is a bare letter.
    result = run_mathb("grade", src, "-o", "v.jsonl")
    assert [v["status"] for v in read_jsonl(tmp_path / "v.jsonl")] != ["correct", "incorrect"]


@pytest.mark.parametrize("completion", [r"\boxed{0.5}", "The answer is 3.", "no answer", ""])
def test_a_one_element_list_is_the_plain_gold(completion: str) -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    @given(st.text(max_size=12))
    def check(gold: str) -> None:
        assert mathb.grade([gold], completion) == mathb.grade(gold, completion)
        assert mathb.grade([gold, gold], completion).status == mathb.grade(gold, completion).status

    check()
