"""Why no answer: `mathb grade`'s summary splits its no_answer samples into truncated,
looping, refused and other, and `mathb eval` carries the split to `mathb report`."""

from __future__ import annotations

import json
from pathlib import Path

from mathb.grading import grade_file
from mathb.report import markdown_table

COMPLETIONS = {
    "truncated": "First the area is $6$, so $x = 5$, and then we multiply by",
    "looping": "We start. " + "Let me recompute the sum once more. " * 30,
    "refused": "The figure is not shown. Could you provide the lengths of its sides?",
    "other": "I give up.",
}


def test_summary_splits_no_answer_by_cause(tmp_path: Path, run_mathb) -> None:
    rows = [{"problem_id": "p", "answer": "5", "completion": "so \\boxed{5}"}]
    for kind, text in COMPLETIONS.items():
        rows += [{"problem_id": "p", "answer": "5", "completion": text}] * (
            2 if kind == "looping" else 1
        )
    dump = tmp_path / "d.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    summary = grade_file(dump, tmp_path / "v.jsonl", fallback=False)
    assert summary["counts"]["no_answer"] == 5
    assert summary["no_answer_reasons"] == {"truncated": 1, "looping": 2, "refused": 1, "other": 1}
    assert summary["no_answer_rate"] == 5 / 6
    table = run_mathb("grade", dump, "-o", "v2.jsonl", "--no-fallback").stdout
    assert "truncated 1, looping 2, refused 1, other 1" in table


def test_report_shows_the_split() -> None:
    summary = {
        "model": "m",
        "base": "b",
        "set_metrics": {"expansion": {"of": 4, "count": 1, "rate": 0.25, "ci": [0.0, 0.5]}},
        "curves": {"k": [1], "pass_at_k": {"mean": [0.5]}},
        "no_answer": {"model": {"truncated": 3, "looping": 1, "refused": 0, "other": 2}},
    }
    row = markdown_table([summary]).splitlines()[2]
    assert row.endswith("| 6 (3 / 1 / 0 / 2) |")
    del summary["no_answer"]
    assert markdown_table([summary]).splitlines()[2].endswith("| n/a |")
