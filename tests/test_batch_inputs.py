"""grade_batch on columnar inputs (Arrow string columns, bytes of JSON Lines) and with
columnar outputs (Arrow, numpy): the same verdicts as the list path, and errors that name
the row or line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import mathb
import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "examples" / "samples.jsonl"

# Every status, a gold of the core's encoded form as plain text, escapes and non-ASCII.
GOLDS = [
    "1/2",
    "12",
    "12",
    "x+1",
    "\\frac{\\sqrt{3}}{2}",
    "π",
    "\x00mathb-gold:not an encoding",
    "1",
]
COMPLETIONS = [
    "so the answer is $\\boxed{0.5}$",
    "Thus \\boxed{13}.",
    "I have no idea.",
    "\\boxed{1+x}",
    "The answer is $\\boxed{\\sqrt{3}/2}$",
    "donc \\boxed{\\pi} — fini",
    "\\boxed{\x00mathb-gold:not an encoding}",
    "so \\boxed{\\sin^2 x + \\cos^2 x}",  # undecided by the core
]


@pytest.fixture(scope="module")
def pa() -> Any:
    return pytest.importorskip("pyarrow")


def records() -> tuple[list[str], list[str]]:
    lines = SAMPLES.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    golds = [r["answer"] for r in rows] + GOLDS
    return golds, [r["completion"] for r in rows] + COMPLETIONS


def test_the_cases_cover_every_status() -> None:
    statuses = {v.status for v in mathb.grade_batch(GOLDS, COMPLETIONS)}
    assert statuses == {"correct", "incorrect", "no_answer", "undecided"}


@pytest.mark.parametrize("kind", ["string", "large_string", "string_view", "chunked", "dictionary"])
def test_arrow_columns_give_the_list_verdicts(pa: Any, kind: str) -> None:
    golds, completions = records()
    expected = mathb.grade_batch(golds, completions)

    def column(values: list[str]) -> Any:
        if kind == "chunked":  # uneven chunks, one of them empty
            cut = len(values) // 3
            return pa.chunked_array([values[:cut], [], values[cut:]], type=pa.string())
        if kind == "dictionary":  # golds repeat: a categorical column
            return pa.array(values).dictionary_encode()
        return pa.array(values, type=getattr(pa, kind)())

    assert mathb.grade_batch(column(golds), column(completions)) == expected
    # A slice of an array starts at an offset into its buffers.
    sliced = mathb.grade_batch(column(golds).slice(5), column(completions).slice(5))
    assert sliced == expected[5:]


def test_arrow_results_for_any_thread_count(pa: Any) -> None:
    golds, completions = records()
    expected = mathb.grade_batch(golds, completions)
    for threads in (1, 2, 3):
        got = mathb.grade_batch(pa.array(golds), pa.array(completions), threads=threads)
        assert got == expected


def test_arrow_options_are_forwarded(pa: Any) -> None:
    (v,) = mathb.grade_batch(pa.array(["1/3"]), pa.array(["\\boxed{0.333}"]), decimal="exact")
    assert v.status == "incorrect"


def test_polars_series_give_the_list_verdicts() -> None:
    pl = pytest.importorskip("polars", reason="polars is not installed: its Series are untested")
    golds, completions = records()
    got = mathb.grade_batch(pl.Series(golds), pl.Series(completions))
    assert got == mathb.grade_batch(golds, completions)


def test_jsonl_bytes_give_the_list_verdicts() -> None:
    golds, completions = records()
    lines = [json.dumps({"answer": g, "completion": c}) for g, c in zip(golds, completions)]
    data = ("\n".join(lines) + "\n").encode()
    expected = mathb.grade_batch(golds, completions)
    assert mathb.grade_batch(data) == expected
    assert mathb.grade_batch(bytearray(data), threads=1) == expected
    assert mathb.grade_batch(memoryview(data)) == expected


def test_jsonl_reads_fields_as_the_cli_does() -> None:
    data = b"\n".join(
        [
            # numbers and lists of golds, a list of completions (one verdict each), a blank line
            b'{"problem_id": 1, "answer": 0.5, "completion": ["\\\\boxed{1/2}", "\\\\boxed{2}"]}',
            b"",
            b'{"problem_id": 2, "answer": ["4", "-4"], "completion": "so \\\\boxed{-4}"}',
            # the options of a multiple-choice question
            b'{"problem_id": 3, "answer": "B", "choices": ["3", "4"], '
            b'"completion": "\\\\boxed{4}"}',
        ]
    )
    verdicts = mathb.grade_batch(data)
    assert [v.status for v in verdicts] == ["correct", "incorrect", "correct", "correct"]
    batch = mathb.grade_batch(data, output="arrow")
    assert batch.column("line").to_pylist() == [1, 1, 3, 4]


def test_jsonl_named_fields() -> None:
    data = b'{"g": "7", "out": "\\\\boxed{7}", "answer": "8", "completion": "\\\\boxed{8}"}\n'
    (v,) = mathb.grade_batch(data, gold_field="g", completion_field="out")
    assert (v.status, v.extracted) == ("correct", "7")
    with pytest.raises(mathb.InputFileError, match="gold field 'gold' .* is not in the record"):
        mathb.grade_batch(data, gold_field="gold")


def test_an_empty_batch_of_each_kind(pa: Any) -> None:
    assert mathb.grade_batch(b"") == []
    assert mathb.grade_batch(b"\n \n") == []
    assert mathb.grade_batch(pa.array([], pa.string()), pa.array([], pa.string())) == []
    codes, names = mathb.grade_batch([], [], output="numpy")
    assert codes.dtype == np.uint8 and len(codes) == 0 and names == mathb.STATUS_CODES


# ----------------------------------------------------------------------------------- errors


def test_arrow_nulls_are_refused_naming_the_row(pa: Any) -> None:
    golds = pa.chunked_array([["1", "2"], ["3", None]])
    with pytest.raises(mathb.InvalidArgumentError, match=r"^golds\[3\] is null"):
        mathb.grade_batch(golds, pa.array(["a", "b", "c", "d"]))
    with pytest.raises(mathb.InvalidArgumentError, match=r"^completions\[1\] is null"):
        mathb.grade_batch(pa.array(["1", "2"]), pa.array(["a", None]))
    # A dictionary's null may sit in its keys or in its values.
    keys, values = pa.array([0, 1, 0]), pa.array(["1", None])
    with pytest.raises(mathb.InvalidArgumentError, match=r"^golds\[1\] is null"):
        mathb.grade_batch(pa.DictionaryArray.from_arrays(keys, values), pa.array(["a"] * 3))
    keys = pa.array([0, None, 0])
    with pytest.raises(mathb.InvalidArgumentError, match=r"^golds\[1\] is null"):
        mathb.grade_batch(pa.DictionaryArray.from_arrays(keys, ["1"]), pa.array(["a"] * 3))


def test_arrow_wrong_types_are_refused(pa: Any) -> None:
    with pytest.raises(mathb.ArgumentTypeError, match="golds must be an Arrow column of strings"):
        mathb.grade_batch(pa.array([1, 2]), pa.array(["a", "b"]))
    with pytest.raises(TypeError, match="completions must be an Arrow column of strings"):
        mathb.grade_batch(pa.array(["1"]), pa.array([b"x"], pa.binary()))
    table = pa.table({"gold": ["1"], "completion": ["1"]})
    with pytest.raises(mathb.ArgumentTypeError, match="not Struct"):
        mathb.grade_batch(table, table)
    with pytest.raises(mathb.ArgumentTypeError, match="golds is an Arrow column but completions"):
        mathb.grade_batch(pa.array(["1"]), ["1"])
    with pytest.raises(
        mathb.InvalidArgumentError, match="differ in length: 2 golds, 1 completions"
    ):
        mathb.grade_batch(pa.array(["1", "2"]), pa.array(["1"]))
    with pytest.raises(mathb.InvalidArgumentError, match="choices are taken with lists"):
        mathb.grade_batch(pa.array(["A"]), pa.array(["A"]), choices=[["1", "2"]])


def test_jsonl_errors_name_the_line() -> None:
    good = b'{"answer": "1", "completion": "\\\\boxed{1}"}\n'
    with pytest.raises(mathb.InputFileError, match=r"^<bytes>:3: error\[E005\] gold field") as e:
        mathb.grade_batch(good + b"\n" + b'{"answer": null, "completion": "x"}\n')
    assert (e.value.line, e.value.code, e.value.path) == (3, "E005", "<bytes>")
    with pytest.raises(mathb.InputFileError, match=r"^<bytes>:2: error\[E002\] invalid JSON"):
        mathb.grade_batch(good + b'{"answer": "1", "completion": "x\n')
    with pytest.raises(mathb.InputFileError, match=r"^<bytes>:1: error\[E004\]"):
        mathb.grade_batch(b'{"nothing": 1}\n')
    with pytest.raises(mathb.InvalidArgumentError, match="pass no completions"):
        mathb.grade_batch(good, ["x"])
    with pytest.raises(mathb.InvalidArgumentError, match="name fields of JSON Lines bytes"):
        mathb.grade_batch(["1"], ["1"], gold_field="answer")
    with pytest.raises(mathb.ArgumentTypeError, match="gold_field must be a string"):
        mathb.grade_batch(good, gold_field=3)  # type: ignore[arg-type]


def test_unknown_output_is_refused() -> None:
    with pytest.raises(mathb.InvalidArgumentError, match="output must be"):
        mathb.grade_batch(["1"], ["1"], output="pandas")  # type: ignore[call-overload]


def test_list_rows_with_numpy_output_still_name_a_bad_row() -> None:
    with pytest.raises(mathb.ArgumentTypeError, match=r"completions\[1\] is None"):
        mathb.grade_batch(["1", "2"], ["1", None], output="numpy")  # type: ignore[list-item]


# ---------------------------------------------------------------------------------- outputs


def test_numpy_output_is_the_status_codes() -> None:
    golds, completions = records()
    verdicts = mathb.grade_batch(golds, completions)
    codes, names = mathb.grade_batch(golds, completions, output="numpy")
    assert codes.dtype == np.uint8 and codes.shape == (len(verdicts),)
    assert names == ("correct", "incorrect", "no_answer", "undecided")
    assert [names[c] for c in codes] == [v.status for v in verdicts]


def test_arrow_output_columns(pa: Any) -> None:
    golds, completions = records()
    verdicts = mathb.grade_batch(golds, completions)
    for batch in (
        mathb.grade_batch(golds, completions, output="arrow"),
        mathb.grade_batch(pa.array(golds), pa.array(completions), output="arrow"),
    ):
        assert isinstance(batch, pa.RecordBatch)
        assert batch.schema.names == ["status", "correct", "decided_by", "extracted", "reason"]
        assert batch.schema.field("status").type == pa.dictionary(pa.int8(), pa.string())
        assert batch.to_pylist() == [{**v.to_dict(), "correct": v.correct} for v in verdicts]
    # Codes stay those of STATUS_CODES whatever statuses occur.
    status = mathb.grade_batch(["1"], ["\\boxed{1}"], output="arrow").column("status")
    assert status.dictionary.to_pylist() == list(mathb.STATUS_CODES)


def test_fallback_settles_columnar_rows(pa: Any) -> None:
    pytest.importorskip("sympy")
    from mathb.fallback import SympyFallback

    golds, completions = ["1", "1"], ["so \\boxed{\\sin^2 x + \\cos^2 x}", "\\boxed{1}"]
    assert mathb.grade_batch(golds, completions)[0].status == "undecided"
    with SympyFallback(1, timeout=10) as fallback:
        expected = mathb.grade_batch(golds, completions, fallback=fallback)
        verdicts = mathb.grade_batch(pa.array(golds), pa.array(completions), fallback=fallback)
        batch = mathb.grade_batch(golds, completions, fallback=fallback, output="arrow")
    assert [v.to_dict() for v in expected][0]["decided_by"] == "fallback"
    assert verdicts == expected
    assert batch.to_pylist() == [{**v.to_dict(), "correct": v.correct} for v in expected]
