"""mathb inside other programs: many Python threads, asyncio event loops, a forked worker,
a script without a `__main__` guard, the MATHB_THREADS cap, and the hang cases of the common
graders (a power tower) answered in time from a non-main thread."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import mathb
import pytest
from mathb.compat.math_verify import parse, verify
from mathb.integrations import verl

N = 600
GOLDS = [f"\\frac{{{i}}}{{{i % 7 + 1}}}" for i in range(N)]
COMPLETIONS = [
    f"so the answer is $\\boxed{{{i}/{i % 7 + 1}}}$"
    if i % 4
    else f"we get {i + 1} at the end"
    if i % 8
    else "I give up"
    for i in range(N)
]


def serial_statuses() -> list[str]:
    return [v.status for v in mathb.grade_batch(GOLDS, COMPLETIONS, threads=1)]


def test_statuses_are_mixed() -> None:
    statuses = set(serial_statuses())
    assert {"correct", "incorrect", "no_answer"} <= statuses


def test_threads_times_asyncio_tasks_match_one_thread() -> None:
    """8 threads, each running an event loop of tasks that grade through every entry point
    (grade, grade_batch_async, verl's async form, the Math-Verify API); every verdict equals
    the single-threaded run's."""
    expected = serial_statuses()
    expected_verify = [s == "correct" for s in expected]
    outcomes: list[tuple[list[str], list[str], list[str], list[bool]]] = []
    errors: list[BaseException] = []

    async def loop_work() -> tuple[list[str], list[str], list[str], list[bool]]:
        chunks = [range(k, min(k + 50, N)) for k in range(0, N, 50)]
        batches = await asyncio.gather(
            *(
                mathb.grade_batch_async([GOLDS[i] for i in c], [COMPLETIONS[i] for i in c])
                for c in chunks
            )
        )
        via_batch = [v.status for batch in batches for v in batch]
        records = await asyncio.gather(
            *(verl.compute_score_async("math", COMPLETIONS[i], GOLDS[i]) for i in range(N))
        )
        via_verl = [r["status"] for r in records]
        via_grade = [mathb.grade(g, c).status for g, c in zip(GOLDS, COMPLETIONS)]
        via_compat = [verify(parse(g), parse(c)) for g, c in zip(GOLDS, COMPLETIONS)]
        return via_batch, via_verl, via_grade, via_compat

    def thread_work() -> None:
        try:
            outcomes.append(asyncio.run(loop_work()))
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=thread_work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert len(outcomes) == 8
    for via_batch, via_verl, via_grade, via_compat in outcomes:
        assert via_batch == expected and via_verl == expected and via_grade == expected
        # The compat API reads the whole gold and extracts the completion: the same answers.
        assert via_compat == expected_verify


def test_grade_batch_async_does_not_block_the_event_loop() -> None:
    golds = GOLDS * 40
    completions = COMPLETIONS * 40

    async def main() -> tuple[int, float]:
        ticks = 0
        stop = asyncio.Event()

        async def heartbeat() -> None:
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                await asyncio.sleep(0.001)

        beat = asyncio.create_task(heartbeat())
        started = time.perf_counter()
        verdicts = await mathb.grade_batch_async(golds, completions, threads=1)
        elapsed = time.perf_counter() - started
        stop.set()
        await beat
        assert len(verdicts) == len(golds)
        return ticks, elapsed

    ticks, elapsed = asyncio.run(main())
    # A blocked loop would tick once; a free one about once per millisecond.
    assert elapsed > 0.02, "the batch is too small to tell"
    assert ticks >= min(10, elapsed * 1000 / 4)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
def test_forked_child_grades_after_the_parent_used_its_pool() -> None:
    expected = [v.status for v in mathb.grade_batch(GOLDS, COMPLETIONS)]  # uses the pool
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a dataloader worker grading its share
        try:
            statuses = [v.status for v in mathb.grade_batch(GOLDS, COMPLETIONS)]
            os.write(write, json.dumps(statuses).encode())
        finally:
            os._exit(0)
    os.close(write)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        pytest.fail("the forked child hung grading a batch")
    with os.fdopen(read, "rb") as f:
        assert json.loads(f.read()) == expected
    assert os.waitstatus_to_exitcode(status) == 0


def run_script(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(code))
    return subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **env},
        cwd=tmp_path,
    )


def test_script_without_main_guard_uses_the_fallback(tmp_path: Path) -> None:
    """The fallback's worker processes never import the caller's __main__: a script with no
    `if __name__ == "__main__":` guard runs once, not once per worker."""
    pytest.importorskip("sympy")
    result = run_script(
        tmp_path,
        """
        import mathb
        print("script body ran")
        v = mathb.grade("\\\\tan^2(y)+1", "\\\\boxed{\\\\sec^2(y)}", fallback=True)
        print(v.status, v.decided_by)
        """,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("script body ran") == 1
    assert "correct fallback" in result.stdout


def test_power_tower_answers_in_time_from_a_thread() -> None:
    """Math-Verify#65 and torchtitan#4442: `2003^{2002^{2001}}` hangs graders whose timeout
    works only in the main thread. Here, from a worker thread, with the fallback on."""
    pytest.importorskip("sympy")
    out: list[mathb.Verdict] = []

    def work() -> None:
        out.append(mathb.grade("2003", "\\boxed{2003^{2002^{2001}}}", fallback=True))

    started = time.monotonic()
    t = threading.Thread(target=work)
    t.start()
    t.join(timeout=60)
    assert not t.is_alive(), "grading a power tower hung"
    assert out[0].status != "correct" and time.monotonic() - started < 30


def test_mathb_threads_caps_the_grading_threads(tmp_path: Path) -> None:
    code = """
        import os, mathb
        before = len(os.listdir("/proc/self/task"))
        golds = [str(i) for i in range(20000)]
        mathb.grade_batch(golds, ["\\\\boxed{%d}" % i for i in range(20000)])
        print(len(os.listdir("/proc/self/task")) - before)
        """
    if not Path("/proc/self/task").is_dir():
        pytest.skip("counts threads through /proc")
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: the uncapped pool has one thread too")
    free = run_script(tmp_path, code)
    capped = run_script(tmp_path, code, MATHB_THREADS="1")
    assert free.returncode == 0 and capped.returncode == 0, free.stderr + capped.stderr
    assert int(free.stdout) >= 2  # rayon's pool: one thread per core
    assert int(capped.stdout) == 0  # graded on the calling thread
    bad = run_script(tmp_path, "import mathb\n", MATHB_THREADS="many")
    assert bad.returncode != 0
    assert "MATHB_THREADS must be a positive integer" in bad.stderr
