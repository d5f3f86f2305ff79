"""`mathb grade` on the dumps common evaluation tools write.

The project's own small files (built here in tmp_path) pin each shape; the reference files in
``../shared/formats/`` (skipped when absent) are real or schema-exact examples of each tool.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mathb.grading import grade_file

SHARED_FORMATS = Path(__file__).resolve().parents[2] / "shared" / "formats"


def grade(path: Path, tmp_path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    out = tmp_path / "verdicts.jsonl"
    summary = grade_file(path, out)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    return summary, lines


def lm_eval_line(doc_id: int, flt: str, resps: list[str]) -> dict[str, Any]:
    solution = f"So the answer is $\\boxed{{{doc_id + 1}}}$."
    return {
        "doc_id": doc_id,
        "doc": {"problem": "Q", "solution": solution, "answer": "mangled"},
        "target": "mangled",
        "arguments": {"gen_args_0": {"arg_0": "Q", "arg_1": {}}},
        "resps": [resps],
        "filtered_resps": [resps[0]],
        "filter": flt,
        "exact_match": 0,
    }


def test_lm_eval_samples_grade_each_doc_once(tmp_path: Path) -> None:
    rows = [
        lm_eval_line(0, "strict-match", ["\\boxed{1}", "\\boxed{2}", "\\boxed{1}"]),
        lm_eval_line(0, "flexible-extract", ["\\boxed{1}", "\\boxed{2}", "\\boxed{1}"]),
        lm_eval_line(1, "strict-match", ["\\boxed{2}", "\\boxed{3}", "\\boxed{5}"]),
        lm_eval_line(1, "flexible-extract", ["\\boxed{2}", "\\boxed{3}", "\\boxed{5}"]),
    ]
    path = tmp_path / "samples_math_2025-01-01T00-00-00.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    summary, lines = grade(path, tmp_path)
    # The gold is the boxed answer of doc.solution, not the mangled target.
    assert summary["fields"]["gold"] == "doc.solution"
    assert summary["fields"]["lm_eval_filter"] == "strict-match"
    assert (summary["records"], summary["skipped_records"]) == (4, 2)
    assert (summary["problems"], summary["samples"]) == (2, 6)
    assert summary["counts"]["correct"] == 2 + 1
    # Every input line has its verdict lines, the repeated filter's line a skipped one.
    assert sorted({v["line"] for v in lines}) == [1, 2, 3, 4]
    skipped = [v for v in lines if v["status"] == "skipped"]
    assert [v["line"] for v in skipped] == [2, 4]
    assert "flexible-extract" in skipped[0]["reason"]


def test_json_array_document(tmp_path: Path) -> None:
    rows = [
        {"answer": "3", "completion": "\\boxed{3}"},
        {"answer": "4", "completion": "\\boxed{5}"},
    ]
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps(rows, indent=2))
    summary, lines = grade(path, tmp_path)
    assert summary["records"] == 2
    assert [v["status"] for v in lines] == ["correct", "incorrect"]


def test_opencompass_predictions_repeated_dataset(tmp_path: Path) -> None:
    # A dataset repeated twice: keys 0-1 and 2-3 are the same two problems.
    answers = ["0", "9", "0", "2"]
    doc = {
        str(k): {
            "origin_prompt": [{"role": "HUMAN", "prompt": f"problem {k % 2}"}],
            "prediction": f"\\boxed{{{answers[k]}}}",
            "gold": str(k % 2 * 2),
        }
        for k in range(4)
    }
    path = tmp_path / "math.json"
    path.write_text(json.dumps(doc, indent=4))
    summary, lines = grade(path, tmp_path)
    assert (summary["problems"], summary["samples"]) == (2, 4)
    assert [v["status"] for v in lines] == ["correct", "incorrect", "correct", "correct"]


def test_simple_evals_gold_from_the_html_report(tmp_path: Path) -> None:
    doc = {
        "score": 0.5,
        "metrics": {},
        "htmls": [
            f"<p>Correct Answer: {g}</p><p>Extracted Answer: x</p>" for g in ("x &lt; 2", "7")
        ],
        "convos": [
            [{"role": "user", "content": "Q1"}, {"role": "assistant", "content": "Answer: x<2"}],
            [{"role": "user", "content": "Q2"}, {"role": "assistant", "content": "Answer: 8"}],
        ],
    }
    path = tmp_path / "math_model_allresults.json"
    path.write_text(json.dumps(doc, indent=2))
    _, lines = grade(path, tmp_path)
    assert [v["status"] for v in lines] == ["correct", "incorrect"]


def test_unknown_json_document_names_the_file(tmp_path: Path) -> None:
    from mathb import InputFileError

    path = tmp_path / "config.json"
    path.write_text(json.dumps({"model": "m", "temperature": 0.6}, indent=2))
    with pytest.raises(InputFileError, match="config.json"):
        grade_file(path, tmp_path / "out.jsonl")


# Reference files: (name, samples, graded records, problems).
REFERENCE = [
    ("lm_eval.samples_gsm8k.synthetic.jsonl", 2, 2, 2),
    ("lm_eval.samples_minerva_math500.repeats4.synthetic.jsonl", 12, 3, 3),
    ("lm_eval.v0.4.0-array.pretrained__model_gsm8k.synthetic.jsonl", 2, 2, 2),
    ("qwen25_math.math_cot_rm_maj.jsonl", 80, 10, 10),
    ("tora.gsm8k.tora-70b.jsonl", 50, 50, 50),
    ("verl.val_generations.synthetic.jsonl", 6, 6, 3),
    ("verl.main_generation.synthetic.parquet", 12, 3, 3),
    ("lighteval.details_legacy.synthetic.parquet", 6, 3, 3),
    ("lighteval.details.synthetic.parquet", 3, 3, 3),
    ("opencompass.predictions.math.synthetic.json", 3, 3, 3),
    ("nemo_skills.output-rs0.jsonl", 5, 5, 5),
    ("simple_evals.math_allresults.synthetic.json", 3, 3, 3),
    ("evalchemy.results.synthetic.json", 6, 4, 4),
]


@pytest.mark.parametrize(("name", "samples", "graded", "problems"), REFERENCE)
def test_reference_dumps_of_common_tools(
    tmp_path: Path, name: str, samples: int, graded: int, problems: int
) -> None:
    path = SHARED_FORMATS / name
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared formats folder sits beside the repository)")
    summary, lines = grade(path, tmp_path)
    assert summary["samples"] == samples
    assert summary["records"] - summary["skipped_records"] == graded
    assert summary["problems"] == problems
    assert len([v for v in lines if v["status"] != "skipped"]) == samples
    assert summary["counts"]["correct"] > 0
    # With no flag, every sample of these dumps states an answer that the core decides.
    assert summary["counts"]["undecided"] == 0
    assert summary["counts"]["no_answer"] == 0


def batch_line(custom_id: str, texts: list[str], *, old_shape: bool = False) -> dict[str, Any]:
    choices = [
        {"index": i, "message": {"role": "assistant", "content": t}} for i, t in enumerate(texts)
    ]
    body = {"id": "chatcmpl-1", "object": "chat.completion", "choices": choices}
    response = body if old_shape else {"status_code": 200, "request_id": "r", "body": body}
    return {"id": "vllm-1", "custom_id": custom_id, "response": response, "error": None}


def test_batch_results_joined_to_answers_by_custom_id(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    rows = [
        batch_line("q1", ["\\boxed{4}", "\\boxed{5}"]),
        batch_line("q2", ["The answer is $7$."]),
    ]
    results.write_text("".join(json.dumps(r) + "\n" for r in rows))
    answers = tmp_path / "answers.csv"
    answers.write_text("custom_id,answer\nq1,4\nq2,7\n")
    summary = grade_file(results, tmp_path / "v.jsonl", answers=answers)
    assert summary["fields"]["gold"] == "answers"
    assert (summary["problems"], summary["samples"]) == (2, 3)
    assert summary["counts"]["correct"] == 2
    # vLLM <= 0.4 put the completion object directly in `response`.
    old = tmp_path / "old.jsonl"
    old.write_text(json.dumps(batch_line("q2", ["\\boxed{7}"], old_shape=True)) + "\n")
    assert grade_file(old, None, answers={"q2": "7"})["counts"]["correct"] == 1
    # Without answers the batch file is refused with a pointer to --answers.
    from mathb import InputFileError

    with pytest.raises(InputFileError, match="--answers"):
        grade_file(results, tmp_path / "v.jsonl")
    # A problem missing from the answers names its line.
    with pytest.raises(InputFileError, match=r"results.jsonl:2: .*'q2' is not in the answers"):
        grade_file(results, tmp_path / "v.jsonl", answers={"q1": "4"})
