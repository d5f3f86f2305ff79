"""The `mathb grade` command line and the dump reader behind it, run on small JSON Lines files."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import mathb
import pytest
from conftest import read_jsonl
from mathb import cli
from mathb.cli import grade as grade_command
from mathb.grading import grade_file

SHARED_FORMATS = Path(__file__).resolve().parents[2] / "shared" / "formats"


def exact_mean_pass_at_k(verdicts: list[dict[str, Any]], k: int) -> float:
    n: dict[Any, int] = defaultdict(int)
    c: dict[Any, int] = defaultdict(int)
    for v in verdicts:
        n[v["problem_id"]] += 1
        c[v["problem_id"]] += v["status"] == "correct"
    values = [float(mathb.pass_at_k(n[p], c[p], k)) for p in n]
    return sum(values) / len(values)


# --------------------------------------------------------------------------- happy path


def test_one_verdict_per_record_in_order(run_mathb, data_dir: Path, tmp_path: Path) -> None:
    src = data_dir / "samples.jsonl"
    result = run_mathb("grade", src)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "samples.verdicts.jsonl"  # default name, in the working directory
    verdicts = read_jsonl(out)
    records = [
        (i, json.loads(line))
        for i, line in enumerate(src.read_text().splitlines(), 1)
        if line.strip()
    ]
    assert len(verdicts) == len(records) == 12
    assert [v["line"] for v in verdicts] == [i for i, _ in records]  # the blank line 7 is skipped
    assert [v["problem_id"] for v in verdicts] == [r["problem_id"] for _, r in records]
    assert [v["sample_idx"] for v in verdicts] == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    for v in verdicts:
        assert set(v) == {
            "line",
            "problem_id",
            "sample_idx",
            "status",
            "reason",
            "extracted",
            "method",
        }
    assert [v["status"] for v in verdicts[:6]] == ["correct"] * 5 + ["incorrect"]
    assert verdicts[9]["status"] == "no_answer" and verdicts[9]["extracted"] is None
    assert "pass@4" in result.stdout and "accuracy" in result.stdout
    assert result.stderr == ""


def test_summary_json(run_mathb, data_dir: Path, tmp_path: Path) -> None:
    src = data_dir / "samples.jsonl"
    result = run_mathb("grade", src, "-o", "v.jsonl", "--summary", "s.json")
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "s.json").read_text())
    verdicts = read_jsonl(tmp_path / "v.jsonl")
    correct = sum(v["status"] == "correct" for v in verdicts)
    assert summary["input"] == str(src)
    assert summary["records"] == 12
    assert summary["problems"] == 3
    assert summary["samples"] == 12
    assert summary["accuracy"] == pytest.approx(correct / 12)
    assert list(summary["pass_at_k"]) == ["1", "2", "4"]
    for k, value in summary["pass_at_k"].items():
        assert value == pytest.approx(exact_mean_pass_at_k(verdicts, int(k)), rel=1e-12)
    assert summary["pass_at_k"]["1"] == pytest.approx(summary["accuracy"])
    assert summary["counts"] == {"correct": 8, "incorrect": 3, "no_answer": 1, "undecided": 0}
    assert sum(summary["counts"].values()) == summary["samples"]
    assert summary["fields"] == {
        "gold": "answer",
        "completion": "completion",
        "problem_id": "problem_id",
        "problem_text": None,
        "grouping": "id",
        "lm_eval_filter": None,
        "choices": None,
    }
    assert summary["options"] == {
        "decimal": "rounded",
        "min_significant_digits": 3,
        "decimal_places": None,
        "extract": "standard",
        "relation_as_set": True,
        "strict_variables": True,
    }
    assert summary["mathb_version"] == mathb.__version__


def test_pass_at_k_stops_at_smallest_problem(run_mathb, write_jsonl) -> None:
    rows = [{"id": "a", "answer": "1", "completion": "\\boxed{1}"}] * 5
    rows += [{"id": "b", "answer": "2", "completion": "\\boxed{3}"}] * 3
    src = write_jsonl("uneven.jsonl", rows)
    assert run_mathb("grade", src, "--summary", "s.json").returncode == 0
    summary = json.loads((src.parent / "s.json").read_text())
    assert list(summary["pass_at_k"]) == ["1", "2"]
    assert summary["pass_at_k"]["2"] == pytest.approx(0.5)


def test_stdout_output(run_mathb, data_dir: Path, tmp_path: Path) -> None:
    result = run_mathb("grade", data_dir / "samples.jsonl", "-o", "-")
    assert result.returncode == 0, result.stderr
    verdicts = read_jsonl(result.stdout)
    assert len(verdicts) == 12
    assert "accuracy" in result.stderr  # the table moves to stderr
    assert "accuracy" not in result.stdout
    assert not list(tmp_path.glob("*.jsonl"))


def test_quiet(run_mathb, data_dir: Path, tmp_path: Path) -> None:
    result = run_mathb("grade", data_dir / "samples.jsonl", "-q")
    assert result.returncode == 0
    assert result.stdout == "" and result.stderr == ""
    assert (tmp_path / "samples.verdicts.jsonl").exists()


def test_list_completions_expand_to_samples(run_mathb, data_dir: Path) -> None:
    result = run_mathb("grade", data_dir / "qwen_style.jsonl", "-o", "-", "-q")
    assert result.returncode == 0, result.stderr
    verdicts = read_jsonl(result.stdout)
    assert [(v["line"], v["problem_id"], v["sample_idx"]) for v in verdicts] == [
        (1, 0, 0),
        (1, 0, 1),
        (2, 1, 0),
        (2, 1, 1),
        (3, 2, 0),
        (3, 2, 1),
    ]
    assert [v["status"] for v in verdicts] == ["correct", "incorrect"] + ["correct"] * 4


def test_gzip_input(run_mathb, data_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "samples.jsonl.gz"
    src.write_bytes(gzip.compress((data_dir / "samples.jsonl").read_bytes()))
    result = run_mathb("grade", src, "-q")
    assert result.returncode == 0, result.stderr
    assert len(read_jsonl(tmp_path / "samples.verdicts.jsonl")) == 12


def test_same_output_for_any_thread_count(run_mathb, write_jsonl) -> None:
    rows = [
        {"id": i // 4, "answer": f"\\frac{{{i}}}{{7}}", "completion": f"\\boxed{{{i + i % 3}/7}}"}
        for i in range(300)
    ]
    src = write_jsonl("many.jsonl", rows)
    outputs = []
    for threads in ("1", "2", "3"):
        result = run_mathb("grade", src, "-o", "-", "-q", "--threads", threads)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] == outputs[2]


def test_decimal_options_are_forwarded(run_mathb, write_jsonl) -> None:
    src = write_jsonl("dec.jsonl", [{"answer": "1/3", "completion": "\\boxed{0.33}"}])
    statuses = {}
    for args in ([], ["--decimal", "exact"], ["--min-significant-digits", "2"]):
        result = run_mathb("grade", src, "-o", "-", "-q", *args)
        assert result.returncode == 0, result.stderr
        statuses[tuple(args)] = read_jsonl(result.stdout)[0]["status"]
    assert statuses == {
        (): "incorrect",  # 2 significant digits < 3
        ("--decimal", "exact"): "incorrect",
        ("--min-significant-digits", "2"): "correct",
    }


# --------------------------------------------------------------------------- fields


@pytest.mark.parametrize(
    ("gold", "completion", "problem_id"),
    [
        ("answer", "completion", "problem_id"),
        ("gold", "response", "id"),
        ("ground_truth", "output", "idx"),
        ("gt", "generated_text", "unique_id"),
        ("solution", "model_output", "id"),
        ("expected_answer", "generation", "id"),
        ("gts", "output", None),
    ],
)
def test_field_detection(run_mathb, write_jsonl, gold, completion, problem_id) -> None:
    rows = []
    for i in range(4):
        row = {
            gold: "\\frac{3}{4}",
            completion: f"so it is $\\boxed{{{['0.75', '3/4', '1'][i % 3]}}}$",
            "unrelated": 5,
        }
        if problem_id is not None:
            row[problem_id] = f"q{i % 2}"
        rows.append(row)
    src = write_jsonl("fields.jsonl", rows)
    result = run_mathb("grade", src, "-o", "-", "--summary", "s.json")
    assert result.returncode == 0, result.stderr
    summary = json.loads((src.parent / "s.json").read_text())
    assert summary["fields"]["gold"] == gold
    assert summary["fields"]["completion"] == completion
    assert summary["fields"]["problem_id"] == problem_id
    verdicts = read_jsonl(result.stdout)
    assert [v["status"] for v in verdicts] == ["correct", "correct", "incorrect", "correct"]
    if problem_id is not None:
        assert [v["problem_id"] for v in verdicts] == ["q0", "q1", "q0", "q1"]
        assert [v["sample_idx"] for v in verdicts] == [0, 0, 1, 1]
        assert summary["problems"] == 2


def test_field_priority(run_mathb, write_jsonl) -> None:
    row = {
        "solution": "Long work, so $\\boxed{7}$.",
        "answer": "7",
        "gt": "8",
        "output": "\\boxed{9}",
        "completion": "\\boxed{7}",
        "idx": 3,
        "id": "x",
    }
    src = write_jsonl("prio.jsonl", [row])
    assert run_mathb("grade", src, "-q", "--summary", "s.json").returncode == 0
    fields = json.loads((src.parent / "s.json").read_text())["fields"]
    assert (fields["gold"], fields["completion"], fields["problem_id"]) == (
        "answer",
        "completion",
        "id",
    )


def test_boxed_gold_solution_is_extracted(run_mathb, write_jsonl) -> None:
    row = {"solution": "We compute $2+2$, which gives $\\boxed{4}$.", "response": "\\boxed{4}"}
    result = run_mathb("grade", write_jsonl("sol.jsonl", [row]), "-o", "-", "-q")
    assert read_jsonl(result.stdout)[0]["status"] == "correct"


def test_numeric_gold_is_stringified(run_mathb, write_jsonl) -> None:
    rows = [
        {"id": 1, "expected_answer": 18, "generation": "\\boxed{18}"},
        {"id": 2, "expected_answer": 2.5, "generation": "\\boxed{\\frac52}"},
    ]
    result = run_mathb("grade", write_jsonl("num.jsonl", rows), "-o", "-", "-q")
    assert result.returncode == 0, result.stderr
    assert [v["status"] for v in read_jsonl(result.stdout)] == ["correct", "correct"]


def test_overrides_with_nested_paths(run_mathb, write_jsonl) -> None:
    rows = [
        {
            "doc_id": d,
            "doc": {"answer": str(d + 1)},
            "resps": [[f"\\boxed{{{d + 1}}}", "\\boxed{0}"]],
            "answer": "wrong field",
        }
        for d in range(3)
    ]
    src = write_jsonl("nested.jsonl", rows)
    result = run_mathb(
        "grade",
        src,
        "-o",
        "-",
        "--summary",
        "s.json",
        "--gold-field",
        "doc.answer",
        "--completion-field",
        "resps.0",
        "--id-field",
        "doc_id",
    )
    assert result.returncode == 0, result.stderr
    verdicts = read_jsonl(result.stdout)
    assert [v["status"] for v in verdicts] == ["correct", "incorrect"] * 3
    assert [v["problem_id"] for v in verdicts] == [0, 0, 1, 1, 2, 2]
    summary = json.loads((src.parent / "s.json").read_text())
    assert summary["problems"] == 3 and summary["pass_at_k"] == {"1": 0.5, "2": 1.0}


def test_grouping_by_problem_text_then_by_line(run_mathb, write_jsonl) -> None:
    rows = [
        {"input": "Q1", "gts": "1", "output": "\\boxed{1}"},
        {"input": "Q1", "gts": "1", "output": "\\boxed{2}"},
        {"input": "Q2", "gts": "5", "output": "\\boxed{5}"},
        {"input": "Q1", "gts": "1", "output": "\\boxed{1}"},
    ]
    result = run_mathb("grade", write_jsonl("verl.jsonl", rows), "-o", "-", "-q")
    assert result.returncode == 0, result.stderr
    verdicts = read_jsonl(result.stdout)
    assert [(v["problem_id"], v["sample_idx"]) for v in verdicts] == [
        (1, 0),
        (1, 1),
        (3, 0),
        (1, 2),
    ]

    rows = [{"answer": "1", "completion": "\\boxed{1}"}] * 3
    result = run_mathb("grade", write_jsonl("plain.jsonl", rows), "-o", "-", "-q")
    assert [(v["problem_id"], v["sample_idx"]) for v in read_jsonl(result.stdout)] == [
        (1, 0),
        (2, 0),
        (3, 0),
    ]


# --------------------------------------------------------------------------- errors


def assert_diagnostic(
    result: subprocess.CompletedProcess[str], path: Path, line: int | None, code: str
) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert lines[0] == "mathb failed"
    where = f"{path}:{line}:" if line is not None else f"{path}:"
    assert lines[1].startswith(f"  Cause: {where} error[{code}] "), result.stderr
    assert any(x.strip().startswith("help: ") for x in lines[2:]), result.stderr


def test_malformed_line(run_mathb, data_dir: Path, tmp_path: Path) -> None:
    src = data_dir / "malformed.jsonl"
    result = run_mathb("grade", src)
    assert_diagnostic(result, src, 3, "E002")
    assert "invalid JSON" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no verdicts file, no temporary file left behind


def test_failed_run_keeps_previous_output(run_mathb, data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "v.jsonl").write_text("previous\n")
    result = run_mathb("grade", data_dir / "malformed.jsonl", "-o", "v.jsonl")
    assert result.returncode == 2
    assert (tmp_path / "v.jsonl").read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.jsonl"]


@pytest.mark.parametrize(
    ("rows", "line", "code", "words"),
    [
        (
            [{"answer": "1", "completion": "x"}, {"completion": "y"}],
            2,
            "E005",
            "'answer' is missing",
        ),
        (
            [{"answer": "1", "completion": "x"}, {"answer": None, "completion": "y"}],
            2,
            "E005",
            "is null",
        ),
        (
            [{"answer": "1", "completion": "x"}, "", {"answer": "1", "completion": 5}],
            3,
            "E006",
            "completion field",
        ),
        ([{"answer": "1", "completion": ["a", 3]}], 1, "E006", "element 1"),
        ([{"answer": "1", "completion": []}], 1, "E007", "empty list"),
        (
            [{"answer": {"v": 1}, "completion": "x"}, {"answer": True}],
            1,
            "E004",
            "gold answer field",
        ),
        (
            [{"answer": "1", "completion": "x"}, {"answer": True, "completion": "x"}],
            2,
            "E006",
            "boolean",
        ),
        ([{"gold": "1"}], 1, "E004", "completion field"),
        ([{"answer": "1", "completion": "x"}, "[1, 2]"], 2, "E003", "not a JSON object"),
        ([{"id": [1], "answer": "1", "completion": "x"}], None, None, None),
        (
            [
                {"id": 1, "answer": "1", "completion": "x"},
                {"id": 1.5, "answer": "1", "completion": "x"},
            ],
            2,
            "E006",
            "problem id",
        ),
        (['{"answer": "1", "completion": "\\u00e9"}', '"just a string"'], 2, "E003", "a string"),
    ],
)
def test_bad_records(run_mathb, write_jsonl, rows, line, code, words) -> None:
    src = write_jsonl("bad.jsonl", rows)
    result = run_mathb("grade", src, "-o", "-")
    if code is None:  # an id of the wrong type is not picked as the id field: no error
        assert result.returncode == 0, result.stderr
        return
    assert_diagnostic(result, src, line, code)
    assert words in result.stderr


def test_invalid_utf8(run_mathb, tmp_path: Path) -> None:
    src = tmp_path / "latin1.jsonl"
    src.write_bytes(
        b'{"answer": "1", "completion": "x"}\n{"answer": "caf\xe9", "completion": "x"}\n'
    )
    result = run_mathb("grade", src, "-o", "-")
    assert_diagnostic(result, src, 2, "E002")
    assert "UTF-8" in result.stderr


def test_json_array_file_is_read_whole(run_mathb, write_jsonl) -> None:
    src = write_jsonl("array.jsonl", ["[", '  {"answer": "1", "completion": "\\\\boxed{1}"}', "]"])
    result = run_mathb("grade", src, "-o", "-")
    assert result.returncode == 0, result.stderr
    assert '"status":"correct"' in result.stdout


def test_broken_json_document_names_the_file(run_mathb, write_jsonl) -> None:
    src = write_jsonl("array.jsonl", ["[", '  {"answer": "1", "completion": "x"},', "]"])
    result = run_mathb("grade", src)
    assert result.returncode == 2
    assert f"{src}: error[E002] invalid JSON document" in result.stderr
    assert "JSON Lines" in result.stderr


def test_override_field_missing(run_mathb, data_dir: Path) -> None:
    src = data_dir / "samples.jsonl"
    result = run_mathb("grade", src, "--gold-field", "doc.answer")
    assert_diagnostic(result, src, 1, "E005")
    assert "--gold-field" in result.stderr and "problem_id, answer, completion" in result.stderr


def test_empty_and_missing_files(run_mathb, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n  \n")
    assert_diagnostic(run_mathb("grade", empty), empty, None, "E008")
    missing = tmp_path / "missing.jsonl"
    assert_diagnostic(run_mathb("grade", missing), missing, None, "E001")


def test_usage_errors(run_mathb, data_dir: Path, tmp_path: Path) -> None:
    assert run_mathb().returncode == 2
    assert run_mathb("grade").returncode == 2
    result = run_mathb("grade", data_dir / "samples.jsonl", "--threads", "0")
    assert result.returncode == 2 and "--threads" in result.stderr
    result = run_mathb("grade", data_dir / "samples.jsonl", "--decimal", "fuzzy")
    assert result.returncode == 2
    result = run_mathb("grade", data_dir / "samples.jsonl", "-o", tmp_path / "nope" / "v.jsonl")
    assert result.returncode == 2 and result.stderr.startswith("mathb failed\n  Cause: ")
    copy = tmp_path / "in.jsonl"
    copy.write_bytes((data_dir / "samples.jsonl").read_bytes())
    result = run_mathb("grade", copy, "-o", copy)
    assert result.returncode == 2 and "overwrite the input" in result.stderr
    assert copy.read_bytes() == (data_dir / "samples.jsonl").read_bytes()


def test_version(run_mathb) -> None:
    result = run_mathb("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"mathb {mathb.__version__}"


def test_internal_failure_exit_code(monkeypatch, capsys, data_dir: Path) -> None:
    def boom(*args: Any, **kwargs: Any) -> None:
        try:
            raise KeyError("inner")
        except KeyError as e:
            raise RuntimeError("outer") from e

    monkeypatch.setattr(grade_command, "grade_file", boom)
    assert cli.main(["grade", str(data_dir / "samples.jsonl"), "-o", "-"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "mathb failed",
        "  Cause: RuntimeError: outer",
        "  Cause: KeyError: 'inner'",
    ]


def test_core_panic_is_an_internal_failure(monkeypatch, capsys, data_dir: Path) -> None:
    class PanicLike(BaseException):  # pyo3's PanicException derives from BaseException
        pass

    def panic(*args: Any, **kwargs: Any) -> None:
        raise PanicLike("index out of bounds")

    monkeypatch.setattr(grade_command, "grade_file", panic)
    assert cli.main(["grade", str(data_dir / "samples.jsonl"), "-o", "-"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "mathb failed",
        "  Cause: PanicLike: index out of bounds",
    ]


def test_broken_pipe_exits_quietly(write_jsonl) -> None:
    rows = [{"id": i, "answer": str(i), "completion": f"\\boxed{{{i}}}"} for i in range(20000)]
    src = write_jsonl("long.jsonl", rows)
    proc = subprocess.Popen(
        [sys.executable, "-m", "mathb", "grade", str(src), "-o", "-", "--batch-size", "64"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert json.loads(first)["line"] == 1
    assert err == b""


# --------------------------------------------------------------------------- library entry


def test_grade_file_is_independent_of_batch_size(data_dir: Path, tmp_path: Path) -> None:
    src = data_dir / "samples.jsonl"
    reference = grade_file(src, tmp_path / "a.jsonl")
    for batch_size in (1, 2, 5):
        summary = grade_file(src, tmp_path / "b.jsonl", batch_size=batch_size)
        assert summary == reference
        assert (tmp_path / "b.jsonl").read_bytes() == (tmp_path / "a.jsonl").read_bytes()
    assert grade_file(src, None) == reference


def test_grade_file_progress(data_dir: Path) -> None:
    seen: list[int] = []
    grade_file(data_dir / "samples.jsonl", None, batch_size=5, progress=seen.append)
    assert seen == [5, 10, 12]


def test_big_integers_survive(tmp_path: Path, write_jsonl) -> None:
    big = 12345678901234567890123456789
    rows = [{"id": 1, "answer": "2", "completion": "\\boxed{2}"}]
    rows += [{"id": big, "answer": big, "completion": f"\\boxed{{{big}}}"}] * 2
    summary = grade_file(write_jsonl("big.jsonl", rows), tmp_path / "out.jsonl")
    verdicts = read_jsonl(tmp_path / "out.jsonl")
    assert [v["problem_id"] for v in verdicts] == [1, big, big]
    assert [v["status"] for v in verdicts] == ["correct"] * 3
    assert summary["problems"] == 2


def test_lone_surrogate_is_read_as_a_replacement_character(run_mathb, write_jsonl) -> None:
    # Valid JSON that Python's json.dumps writes for a string holding a lone surrogate.
    src = write_jsonl(
        "sur.jsonl",
        [{"answer": "1", "completion": "x"}, '{"answer": "1", "completion": "\\ud800 oops"}'],
    )
    result = run_mathb("grade", src, "-o", "-", "--no-fallback")
    assert result.returncode == 0, result.stderr
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(verdicts) == 2
    assert verdicts[1]["status"] != "correct"


@pytest.mark.skipif(not SHARED_FORMATS.is_dir(), reason="shared/formats is absent")
@pytest.mark.parametrize(
    ("name", "gold", "completion", "problem_id", "samples"),
    [
        ("nemo_skills.output-rs0.jsonl", "expected_answer", "generation", "id", 5),
        ("qwen25_math.math_cot_rm_maj.jsonl", "answer", "response", "idx", 80),
        ("tora.gsm8k.tora-70b.jsonl", "gt", "code", "idx", 50),
        ("verl.val_generations.synthetic.jsonl", "gts", "output", None, 6),
    ],
)
def test_real_dump_formats(name, gold, completion, problem_id, samples) -> None:
    summary = grade_file(SHARED_FORMATS / name, None)
    fields = summary["fields"]
    assert (fields["gold"], fields["completion"], fields["problem_id"]) == (
        gold,
        completion,
        problem_id,
    )
    assert summary["samples"] == samples
    assert summary["accuracy"] > 0.5


def test_grading_options_reach_the_core(run_mathb, tmp_path: Path) -> None:
    src = tmp_path / "opts.jsonl"
    rows = [
        {"problem_id": "a", "answer": "f(x)", "completion": "\\boxed{f(y)}"},
        {
            "problem_id": "b",
            "answer": "12",
            "completion": "We count the red ones and the blue ones.\nthe red ones make 12 of them",
        },
        {"problem_id": "c", "answer": "(2, \\infty)", "completion": "\\boxed{x > 2}"},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    default = run_mathb("grade", src, "-o", "d.jsonl", "--summary", "d.json")
    assert default.returncode == 0, default.stderr
    assert [v["status"] for v in read_jsonl(tmp_path / "d.jsonl")] == [
        "incorrect",
        "no_answer",
        "correct",
    ]
    loose = run_mathb(
        "grade", src, "-o", "l.jsonl", "--summary", "l.json",
        "--loose-variables", "--extract", "lenient", "--no-relation-as-set",
        "--decimal-places", "4",
    )  # fmt: skip
    assert loose.returncode == 0, loose.stderr
    statuses = [v["status"] for v in read_jsonl(tmp_path / "l.jsonl")]
    assert statuses[:2] == ["correct", "correct"]
    assert statuses[2] != "correct"
    options = json.loads((tmp_path / "l.json").read_text())["options"]
    assert options["strict_variables"] is False and options["extract"] == "lenient"
    assert options["relation_as_set"] is False and options["decimal_places"] == 4


def test_fallback_settles_undecided_verdicts(run_mathb, tmp_path: Path) -> None:
    pytest.importorskip("sympy")
    pytest.importorskip("latex2sympy2_extended")
    src = tmp_path / "identity.jsonl"
    rows = [
        {"problem_id": "a", "answer": "1", "completion": "so \\boxed{\\sin^2 x + \\cos^2 x}"},
        {"problem_id": "a", "answer": "1", "completion": "so \\boxed{2}"},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    core = run_mathb("grade", src, "-o", "core.jsonl", "--summary", "core.json", "--no-fallback")
    assert core.returncode == 0, core.stderr
    first = read_jsonl(tmp_path / "core.jsonl")[0]
    assert first["status"] == "undecided" and first["gold"] == "1"
    assert json.loads((tmp_path / "core.json").read_text())["pass_at_k"]["1"] == 0.0
    settled = run_mathb("grade", src, "-o", "fb.jsonl", "--summary", "fb.json")
    assert settled.returncode == 0, settled.stderr
    verdicts = read_jsonl(tmp_path / "fb.jsonl")
    assert [v["status"] for v in verdicts] == ["correct", "incorrect"]
    assert verdicts[0]["decided_by"] == "fallback" and "gold" not in verdicts[0]
    summary = json.loads((tmp_path / "fb.json").read_text())
    assert summary["counts"]["correct"] == 1 and summary["counts"]["undecided"] == 0
    assert summary["pass_at_k"]["1"] == 0.5
    assert summary["fallback"] == {"used": True, "sent": 1, "settled": 1}
    # Streamed verdicts are settled too, as the run goes.
    streamed = run_mathb("grade", src, "-o", "-", "--quiet")
    assert streamed.returncode == 0, streamed.stderr
    lines = [json.loads(line) for line in streamed.stdout.splitlines()]
    assert lines == verdicts


def test_answers_table_for_batch_results(run_mathb, tmp_path: Path) -> None:
    choice = {"index": 0, "message": {"role": "assistant", "content": "\\boxed{12}"}}
    line = {"custom_id": "req-1", "response": {"status_code": 200, "body": {"choices": [choice]}}}
    results = tmp_path / "results.jsonl"
    results.write_text(json.dumps(line) + "\n")
    answers = tmp_path / "answers.jsonl"
    answers.write_text(json.dumps({"custom_id": "req-1", "answer": "12"}) + "\n")
    result = run_mathb("grade", results, "--answers", answers, "-o", "-")
    assert result.returncode == 0, result.stderr
    assert '"problem_id":"req-1"' in result.stdout and '"status":"correct"' in result.stdout
    refused = run_mathb("grade", results)
    assert refused.returncode == 2 and "--answers FILE" in refused.stderr


def test_lm_eval_filters_are_reported_as_skipped(run_mathb, tmp_path: Path) -> None:
    def line(flt: str) -> str:
        doc = {"problem": "Q", "answer": "#### 3"}
        record = {"doc_id": 0, "doc": doc, "target": "3", "resps": [["\\boxed{3}"]], "filter": flt}
        return json.dumps(record) + "\n"

    src = tmp_path / "samples_gsm8k_2025.jsonl"
    src.write_text(line("strict-match") + line("flexible-extract"))
    result = run_mathb("grade", src, "-o", tmp_path / "v.jsonl")
    assert result.returncode == 0, result.stderr
    assert "1 skipped: lm-eval lines of filters other than 'strict-match'" in result.stdout


def test_command_line_starts_without_what_only_some_commands_need() -> None:
    # numpy costs ~70 ms of every `mathb grade`; the sampler and dataset modules (with
    # dataclasses and inspect) another ~20 ms. The commands that use them
    # import them when they run.
    code = (
        "import sys, mathb.cli\n"
        "late = {'numpy', 'mathb.generate', 'mathb.datasets', 'dataclasses'}\n"
        "assert not late & set(sys.modules), sorted(late & set(sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_grade_run_starts_without_pathlib_or_shutil(tmp_path: Path) -> None:
    # pathlib (with urllib.parse and ipaddress) and shutil (with bz2 and lzma, which
    # argparse's default help formatter imports) cost ~10 ms of every run's start.
    src = tmp_path / "s.jsonl"
    src.write_text('{"answer": "1", "completion": "so \\\\boxed{1}"}\n')
    argv = ["grade", str(src), "-o", str(tmp_path / "v.jsonl"), "--quiet", "--no-fallback"]
    code = (
        "import sys\n"
        "from mathb.cli import main\n"
        f"status = main({argv!r})\n"
        "late = {'pathlib', 'shutil'} & set(sys.modules)\n"
        "assert status == 0 and not late, (status, sorted(late))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert '"status":"correct"' in (tmp_path / "v.jsonl").read_text()


def _subparser(parser: Any, name: str) -> Any:
    sub = next(a for a in parser._actions if a.dest == "command")
    return sub.choices[name]


@pytest.mark.parametrize("name", [c.name for c in cli.COMMANDS])
def test_a_subcommand_parser_built_alone_has_all_its_arguments(name: str) -> None:
    # A run builds only its own subcommand's parser; it must be the same parser.
    def options(parser: Any) -> list[tuple[str, ...]]:
        return [tuple(a.option_strings) or (a.dest,) for a in _subparser(parser, name)._actions]

    alone = cli.build_parser(only=name)
    assert options(alone) == options(cli.build_parser())
    assert len(options(alone)) > 1
    for other in cli.COMMANDS:
        if other.name != name:
            assert [a.dest for a in _subparser(alone, other.name)._actions] == ["help"]


def test_eval_names_its_bootstrap_seed() -> None:
    parser = cli.build_parser(only="eval")
    for flag in ("--bootstrap-seed", "--seed"):
        args = parser.parse_args(["eval", "--samples", "s.jsonl", flag, "7"])
        assert args.seed == 7
    assert parser.parse_args(["eval", "--samples", "s.jsonl"]).seed == 0
