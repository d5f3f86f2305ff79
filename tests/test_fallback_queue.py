"""The fallback of a streaming run works off its critical path: pairs are queued without
waiting, verdicts come back per ticket in order, and a run's output does not depend on how
its chunks and the pool's answers interleave."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("sympy")
pytest.importorskip("latex2sympy2_extended")

from mathb.fallback import FallbackWorkerError, SympyFallback
from mathb.fallback_queue import FallbackQueue
from mathb.grading import grade_file

# Undecided by the core; sympy settles the first two and not the third.
SETTLED = ("1", r"\sin^2 x + \cos^2 x")
TWICE = ("2", r"2\sin^2 x + 2\cos^2 x")
OPEN = ("-0.5", "1/2 + f(x_0, y_0)")


@pytest.fixture
def engine() -> Iterator[SympyFallback]:
    with SympyFallback(2, timeout=5) as fb:
        yield fb


def test_submit_does_not_wait_and_tickets_come_back_in_order(engine: SympyFallback) -> None:
    queue = FallbackQueue(engine)
    first = queue.submit([SETTLED, OPEN])
    # The pool has not even started: the verdicts cannot be in yet.
    assert not queue.ready(first)
    second = queue.submit([TWICE])
    third = queue.submit([OPEN, SETTLED])
    assert len({first, second, third}) == 3
    got = [queue.collect(t) for t in (first, second, third)]
    queue.close()
    settled = engine.resolve([SETTLED])[0]
    assert settled.status == "correct"
    assert got[0] == [(settled.status, settled.reason), None]
    assert got[1][0] is not None and got[1][0][0] == "correct"
    assert got[2] == [None, (settled.status, settled.reason)]


def test_a_pool_that_cannot_start_fails_at_collect(monkeypatch: pytest.MonkeyPatch) -> None:
    from mathb import fallback as fb

    monkeypatch.setenv(fb.TEMPLATE_VARIABLE, "0")  # fresh interpreters, from the patched command
    monkeypatch.setattr(fb, "_worker_command", lambda *_: [sys.executable, "-c", "exit(3)"])
    with SympyFallback(1, timeout=5) as broken:
        queue = FallbackQueue(broken)
        ticket = queue.submit([SETTLED])
        with pytest.raises(FallbackWorkerError, match="code 3"):
            queue.collect(ticket)
        queue.close()


def _dump(path: Path, rows: int) -> Path:
    with path.open("w") as f:
        for i in range(rows):
            gold, answer = (SETTLED, TWICE, OPEN, ("4", "4"))[i % 4]
            record = {"id": f"q{i // 3}", "answer": gold, "completion": rf"\boxed{{{answer}}}"}
            f.write(json.dumps(record) + "\n")
    return path


def test_chunks_waiting_for_the_pool_give_the_output_of_one_chunk(
    tmp_path: Path, engine: SympyFallback
) -> None:
    src = _dump(tmp_path / "dump.jsonl", 60)
    outputs, summaries = [], []
    for batch in (1, 2, 7, 1000):
        out = tmp_path / f"v{batch}.jsonl"
        summary = grade_file(src, out, fallback=engine, batch_size=batch)
        outputs.append(out.read_bytes())
        summaries.append({k: summary[k] for k in ("counts", "fallback", "pass_at_k")})
    assert all(o == outputs[0] for o in outputs)
    assert all(s == summaries[0] for s in summaries)
    lines = [json.loads(line) for line in outputs[0].splitlines()]
    assert [line.get("decided_by") for line in lines[:3]] == ["fallback", "fallback", None]
    assert summaries[0]["fallback"] == {"used": True, "sent": 45, "settled": 30}


def test_a_failing_pool_fails_the_run_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mathb import fallback as fb

    monkeypatch.setenv(fb.TEMPLATE_VARIABLE, "0")  # fresh interpreters, from the patched command
    monkeypatch.setattr(fb, "_worker_command", lambda *_: [sys.executable, "-c", "exit(3)"])
    src = _dump(tmp_path / "dump.jsonl", 30)
    out = tmp_path / "verdicts.jsonl"
    with SympyFallback(1, timeout=5) as broken:
        with pytest.raises(FallbackWorkerError):
            grade_file(src, out, fallback=broken, batch_size=4)
    assert not out.exists()
    assert not any(p.name.startswith("verdicts.jsonl") for p in tmp_path.iterdir())
