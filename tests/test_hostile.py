"""The hostile corpus (`hostile_corpus.py`) graded through the API and `mathb grade`: no wrong
answer is accepted, every verdict the corpus pins holds, and verdicts do not depend on the
thread count or the run. Time and memory per record are measured in
`benches/bench_hostile.py`, not here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import mathb
import pytest
from hostile_corpus import TEN_MB, Case, cases, ten_mb_case

CORPUS = cases()


def _failures(corpus: list[Case], statuses: list[str]) -> list[str]:
    return [
        f"{c.id}: {s} (expected {c.expect})" for c, s in zip(corpus, statuses) if not c.allows(s)
    ]


def test_the_corpus_is_large_and_named_uniquely() -> None:
    assert len(CORPUS) >= 300
    assert len({c.id for c in CORPUS}) == len(CORPUS)
    assert sum(c.expect is not None for c in CORPUS) >= 300


def test_no_wrong_answer_is_accepted_through_the_api() -> None:
    golds = [c.gold for c in CORPUS]
    completions = [c.completion for c in CORPUS]
    one = mathb.grade_batch(golds, completions, threads=1)
    two = mathb.grade_batch(golds, completions, threads=2)
    assert _failures(CORPUS, [v.status for v in one]) == []
    assert [v.to_dict() for v in one] == [v.to_dict() for v in two]
    # A verdict carries a bounded part of what was extracted.
    assert max(len(v.extracted or "") for v in one) <= mathb._core.MAX_ANSWER_CHARS + 1


@pytest.mark.parametrize("k", range(len(TEN_MB)))
def test_ten_megabyte_completions_are_graded(k: int) -> None:
    case = ten_mb_case(k)
    verdict = mathb.grade(case.gold, case.completion)
    assert case.allows(verdict.status), (case.id, verdict)
    assert len(verdict.extracted or "") <= mathb._core.MAX_ANSWER_CHARS + 1


def test_single_calls_agree_with_the_batch() -> None:
    sample = CORPUS[::7]
    batch = mathb.grade_batch([c.gold for c in sample], [c.completion for c in sample])
    for case, verdict in zip(sample, batch):
        assert mathb.grade(case.gold, case.completion).to_dict() == verdict.to_dict(), case.id


def _dump(path: Path, corpus: list[Case]) -> None:
    # json.dumps writes a lone surrogate as a "\ud800" escape, as real dumps hold it.
    with path.open("w", encoding="utf-8") as f:
        for c in corpus:
            f.write(json.dumps({"id": c.id, "gold": c.gold, "completion": c.completion}) + "\n")


def _grade(dump: Path, out: Path, threads: int) -> list[dict[str, object]]:
    run = subprocess.run(
        [sys.executable, "-m", "mathb", "grade", str(dump), "-o", str(out), "--no-fallback"]
        + ["--threads", str(threads), "-q"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_the_command_grades_every_record_alike_for_any_thread_count(tmp_path: Path) -> None:
    dump = tmp_path / "hostile.jsonl"
    _dump(dump, CORPUS)
    one = _grade(dump, tmp_path / "one.jsonl", 1)
    two = _grade(dump, tmp_path / "two.jsonl", 2)
    again = _grade(dump, tmp_path / "again.jsonl", 2)
    assert len(one) == len(CORPUS)
    assert one == two == again
    assert _failures(CORPUS, [str(v["status"]) for v in one]) == []
    # The command and the API agree.
    api = mathb.grade_batch([c.gold for c in CORPUS], [c.completion for c in CORPUS])
    assert [v["status"] for v in one] == [v.status for v in api]


@pytest.mark.parametrize(
    "completion",
    ["$\\boxed{42\ud800}$", "\ud800", "\udfff\\boxed{42}", "The answer is 42\udc00."],
)
def test_lone_surrogates_grade_in_the_api(completion: str) -> None:
    # A verdict, never an exception; and a lone surrogate never makes a wrong answer right.
    assert mathb.grade("41", completion).status != "correct"
    assert mathb.verify("41", completion) is False
    found = mathb.extract_final_answer(completion)
    assert found is None or "\ud800" not in found[0]


def test_a_lone_surrogate_becomes_a_replacement_character() -> None:
    verdict = mathb.grade("42", "$\\boxed{41\ud800}$")
    assert verdict.extracted == "41\ufffd"
    assert verdict.status != "correct"


def test_lone_surrogates_in_a_dump_are_graded(tmp_path: Path) -> None:
    dump = tmp_path / "surrogates.jsonl"
    records = [
        {"answer": "42", "completion": "$\\boxed{42\ud800}$"},
        {"answer": "42", "completion": "$\\boxed{42}$"},
        {"answer": "42\udfff", "completion": "\\boxed{41}"},
        {"answer": "42", "completion": "\udc00 The answer is 41."},
    ]
    dump.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    verdicts = _grade(dump, tmp_path / "out.jsonl", 1)
    assert [v["status"] for v in verdicts][1] == "correct"
    assert len(verdicts) == 4
    assert verdicts[0]["extracted"] == "42\ufffd"
    assert all(v["status"] != "correct" for i, v in enumerate(verdicts) if i != 1)


def test_invalid_utf8_in_a_dump_is_reported_with_its_line(tmp_path: Path) -> None:
    dump = tmp_path / "latin1.jsonl"
    dump.write_bytes(
        b'{"answer": "42", "completion": "42"}\n{"answer": "4\xe92", "completion": "x"}\n'
    )
    run = subprocess.run(
        [sys.executable, "-m", "mathb", "grade", str(dump), "-o", "-", "--no-fallback"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert f"{dump}:2:" in run.stderr and "UTF-8" in run.stderr
