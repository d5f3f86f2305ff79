"""`mathb grade --resume` after `kill -9`: the run is killed at several moments (before any
output, mid-run, near the end, and while resuming), resumed, and its verdicts file and
summary compared byte for byte with those of an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

#: Lines of the generated dump: enough for a run with one thread to take a few seconds.
LINES = 120_000


def _dump(path: Path) -> None:
    """Problems of 8 samples (pass@k and maj@k up to 8) with answers of many shapes, a
    list row now and then, and a few malformed lines (recorded)."""
    shapes = [
        "the answer is $\\boxed{{\\frac{{{a}}}{{{b}}}}}$",
        "so $x = {a}/{b}$. Final Answer: The final answer is ${a}/{b}$.",
        "Hence \\boxed{{{a}.{b}}}",
        "We get \\boxed{{\\sqrt{{{a}}} + {b}}}",
        "#### {a}",
        "I think it is {a}{b}",
    ]
    with path.open("w", encoding="utf-8") as f:
        for i in range(LINES):
            if i % 40_000 == 39_999:
                f.write('{"problem_id": "broken", "answer": \n')
                continue
            p = i // 8
            a, b = p % 97 + 1, i % 13 + 1
            completion: str | list[str] = shapes[i % len(shapes)].format(a=a, b=b)
            if i % 1000 == 0:
                completion = [completion, f"\\boxed{{{a}}}"]
            row = {"problem_id": f"p{p}", "answer": f"\\frac{{{a}}}{{{b % 4 + 1}}}"}
            row["completion"] = completion
            f.write(json.dumps(row) + "\n")


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("resume") / "dump.jsonl"
    _dump(path)
    return path


def _argv(dump: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "mathb", "grade", str(dump), "-o", str(out),
        "--summary", str(out.with_suffix(".summary.json")), "--threads", "1",
        "--no-fallback", "--on-error", "record", "-q", *extra,
    ]  # fmt: skip


def _run(argv: list[str], cwd: Path) -> None:
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def reference(dump: Path) -> tuple[bytes, str]:
    out = dump.parent / "reference.jsonl"
    _run(_argv(dump, out), dump.parent)
    return out.read_bytes(), out.with_suffix(".summary.json").read_text()


def _kill_when(argv: list[str], cwd: Path, partial: Path, size: int) -> int:
    """Starts the run and kills it (SIGKILL) once `partial` holds `size` bytes (at once for
    0); returns the bytes the partial file held when it died."""
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        while size > 0 and proc.poll() is None and time.monotonic() < deadline:
            if partial.exists() and partial.stat().st_size >= size:
                break
            time.sleep(0.002)
        assert proc.poll() is None, "the run ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    return partial.stat().st_size if partial.exists() else 0


@pytest.mark.parametrize(
    "fractions",
    [
        pytest.param([0.0], id="before-any-output"),
        pytest.param([0.3], id="mid-run"),
        # Verdicts are written a chunk (16,384 lines) at a time: 0.9 is reached when the
        # next-to-last chunk is written (95 % of the lines), while the last one is graded.
        # A fraction inside the last chunk would be reached only as the run ends.
        pytest.param([0.9], id="near-the-end"),
        pytest.param([0.2, 0.6], id="killed-again-while-resuming"),
    ],
)
def test_kill_9_then_resume_gives_the_uninterrupted_output(
    dump: Path, reference: tuple[bytes, str], tmp_path: Path, fractions: list[float]
) -> None:
    expected, expected_summary = reference
    out = tmp_path / "v.jsonl"
    partial = tmp_path / "v.jsonl.partial"
    for k, fraction in enumerate(fractions):
        argv = _argv(dump, out, *(["--resume"] if k else []))
        held = _kill_when(argv, tmp_path, partial, int(len(expected) * fraction))
        assert not out.exists()
        # Whatever the kill left is a prefix of the uninterrupted output.
        assert expected.startswith(partial.read_bytes() if partial.exists() else b"")
        assert held <= len(expected)
    _run(_argv(dump, out, "--resume"), tmp_path)
    assert not partial.exists()
    got = out.read_bytes()
    lost_or_doubled = abs(got.count(b"\n") - expected.count(b"\n"))
    assert lost_or_doubled == 0
    assert got == expected
    assert out.with_suffix(".summary.json").read_text() == expected_summary


def test_a_line_cut_mid_write_is_rewritten(dump: Path, reference: tuple[bytes, str], tmp_path):
    """A kill in the middle of a write leaves part of a line (and perhaps part of a record's
    lines): resuming drops and rewrites them."""
    expected, expected_summary = reference
    out = tmp_path / "v.jsonl"
    partial = tmp_path / "v.jsonl.partial"
    lines = expected.split(b"\n")
    # Inside the second line of a two-sample record, then inside an ordinary line.
    two = next(i for i, line in enumerate(lines) if b'"sample_idx":1,' in line and i > 1000)
    for cut in (sum(len(x) + 1 for x in lines[:two]) + 17, len(expected) // 2 + 5):
        partial.write_bytes(expected[:cut])
        _run(_argv(dump, out, "--resume"), tmp_path)
        assert out.read_bytes() == expected
        assert out.with_suffix(".summary.json").read_text() == expected_summary
        out.unlink()


def test_resume_of_a_finished_file_changes_nothing(
    dump: Path, reference: tuple[bytes, str], tmp_path: Path
) -> None:
    expected, expected_summary = reference
    out = tmp_path / "v.jsonl"
    out.write_bytes(expected)
    before = out.stat().st_mtime_ns
    _run(_argv(dump, out, "--resume"), tmp_path)
    assert out.read_bytes() == expected and out.stat().st_mtime_ns == before
    assert out.with_suffix(".summary.json").read_text() == expected_summary


def test_resume_refuses_a_file_of_another_input(dump: Path, tmp_path: Path, write_jsonl) -> None:
    other = write_jsonl("other.jsonl", [{"answer": "1", "completion": "\\boxed{1}"}] * 3)
    out = tmp_path / "v.jsonl"
    _run(_argv(other, out), tmp_path)
    argv = _argv(dump, out, "--resume")
    result = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert f"{dump}:1: error[E010] the verdicts file" in result.stderr
    # The finished file it was given is left where it was, unchanged.
    assert out.exists() and not (tmp_path / "v.jsonl.partial").exists()
    assert len(out.read_text().splitlines()) == 3


def test_resume_needs_an_output_file(run_mathb, dump: Path) -> None:
    result = run_mathb("grade", dump, "-o", "-", "--resume")
    assert result.returncode == 2 and "--resume" in result.stderr


def test_a_plain_rerun_starts_over(dump: Path, tmp_path: Path, write_jsonl) -> None:
    src = write_jsonl("s.jsonl", [{"answer": "1", "completion": "\\boxed{1}"}] * 3)
    out = tmp_path / "v.jsonl"
    (tmp_path / "v.jsonl.partial").write_text("left by a killed run of another dump\n")
    _run(_argv(src, out), tmp_path)
    assert len(out.read_text().splitlines()) == 3
    assert not (tmp_path / "v.jsonl.partial").exists()
    assert os.listdir(tmp_path).count("v.jsonl") == 1


def test_ctrl_c_keeps_the_partial_file_for_resume(
    dump: Path, reference: tuple[bytes, str], tmp_path: Path
) -> None:
    expected, expected_summary = reference
    out, partial = tmp_path / "v.jsonl", tmp_path / "v.jsonl.partial"
    proc = subprocess.Popen(
        _argv(dump, out), cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    while proc.poll() is None and not (partial.exists() and partial.stat().st_size > 0):
        time.sleep(0.002)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert b"with --resume continues it" in err
    assert partial.exists() and not out.exists()
    _run(_argv(dump, out, "--resume"), tmp_path)
    assert out.read_bytes() == expected
    assert out.with_suffix(".summary.json").read_text() == expected_summary


def test_resume_refuses_other_settings(dump: Path, tmp_path: Path) -> None:
    out, partial = tmp_path / "v.jsonl", tmp_path / "v.jsonl.partial"
    _kill_when(_argv(dump, out), tmp_path, partial, 1)
    assert (tmp_path / "v.jsonl.partial.json").exists()
    before = partial.read_bytes()
    argv = _argv(dump, out, "--resume", "--decimal", "exact")
    result = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "written with other settings (options differ)" in result.stderr
    assert partial.read_bytes() == before
    _run(_argv(dump, out, "--resume"), tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["v.jsonl", "v.summary.json"]
