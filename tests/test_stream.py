"""`mathb grade` on compressed, Parquet, sharded, stdin and list-row inputs, and the
streaming pass's guarantees: same bytes for any thread count, counts without verdicts."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import mathb
import pytest
from conftest import read_jsonl
from mathb.grading import grade_file

SHARED_FORMATS = Path(__file__).resolve().parents[2] / "shared" / "formats"


def test_zstd_input(run_mathb, data_dir: Path, tmp_path: Path) -> None:
    if shutil.which("zstd") is None:
        pytest.skip("the zstd command is not installed")
    src = tmp_path / "samples.jsonl.zst"
    subprocess.run(["zstd", "-q", "-o", src, data_dir / "samples.jsonl"], check=True)
    plain = run_mathb("grade", data_dir / "samples.jsonl", "-o", "-", "-q")
    result = run_mathb("grade", src, "-q")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "samples.verdicts.jsonl").read_text() == plain.stdout


def test_gzip_list_rows_match_plain(run_mathb, data_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "qwen.jsonl.gz"
    src.write_bytes(gzip.compress((data_dir / "qwen_style.jsonl").read_bytes()))
    plain = run_mathb("grade", data_dir / "qwen_style.jsonl", "-o", "-", "-q")
    packed = run_mathb("grade", src, "-o", "-", "-q")
    assert packed.returncode == 0, packed.stderr
    assert packed.stdout == plain.stdout
    assert [v["sample_idx"] for v in read_jsonl(packed.stdout)] == [0, 1] * 3


def test_latex_commands_lost_to_control_escapes_are_repaired(run_mathb, tmp_path: Path) -> None:
    # Written by scripts without raw strings: JSON's `\f` (form feed) took the backslash of
    # \frac, `\t` that of \times, `\b` and `\u0008` that of \boxed; the one-pass reader
    # and the general reader (third line: a nested value) both see the repair.
    lines = [
        r'{"answer": "\\frac{1}{2}", "completion": "so \\boxed{\frac{1}{2}}"}',
        r'{"answer": "6", "completion": ["\boxed{2 \times 3}", "\u0008oxed{6}", "\\boxed{7}"]}',
        r'{"answer": "\frac{1}{2}", "completion": "\\boxed{\\frac{1}{2}}", "x": [1, {"k": 2}]}',
    ]
    src = tmp_path / "escapes.jsonl"
    src.write_text("\n".join(lines) + "\n")
    result = run_mathb("grade", src, "-o", "-", "-q", "--no-fallback")
    assert result.returncode == 0, result.stderr
    verdicts = [v["status"] for v in read_jsonl(result.stdout)]
    assert verdicts == ["correct", "correct", "correct", "incorrect", "correct"]


@pytest.mark.skipif(not SHARED_FORMATS.is_dir(), reason="shared/formats is absent")
def test_parquet_list_rows(tmp_path: Path) -> None:
    src = SHARED_FORMATS / "verl.main_generation.synthetic.parquet"
    out = tmp_path / "v.jsonl"
    summary = grade_file(
        src, out, gold_field="reward_model.ground_truth", id_field="extra_info.index"
    )
    assert summary["fields"]["completion"] == "responses"
    verdicts = read_jsonl(out)
    assert len(verdicts) == summary["samples"] > summary["problems"]
    for v in verdicts:
        assert v["sample_idx"] < summary["samples"]
    assert summary["accuracy"] is not None and summary["accuracy"] > 0.3


def test_directory_of_shards_and_stdin(run_mathb, data_dir: Path, tmp_path: Path) -> None:
    lines = (data_dir / "samples.jsonl").read_bytes().splitlines(keepends=True)
    shards = tmp_path / "shards"
    shards.mkdir()
    (shards / "part-00.jsonl.gz").write_bytes(gzip.compress(b"".join(lines[:6])))
    (shards / "part-01.jsonl").write_bytes(b"".join(lines[6:]))
    (shards / "README.txt").write_text("not a shard")
    whole = read_jsonl(run_mathb("grade", data_dir / "samples.jsonl", "-o", "-", "-q").stdout)
    for spec in (shards, f"{shards}/part-*.jsonl*"):
        result = run_mathb("grade", spec, "-o", "-", "-q")
        assert result.returncode == 0, result.stderr
        got = read_jsonl(result.stdout)
        assert [(v["problem_id"], v["sample_idx"], v["status"]) for v in got] == [
            (v["problem_id"], v["sample_idx"], v["status"]) for v in whole
        ]
    piped = subprocess.run(
        [sys.executable, "-m", "mathb", "grade", "-", "-o", "-", "-q"],
        input=(data_dir / "samples.jsonl").read_bytes(),
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert piped.returncode == 0, piped.stderr
    assert read_jsonl(piped.stdout.decode()) == whole


def test_output_file_is_byte_identical_for_any_thread_count(
    run_mathb, write_jsonl, tmp_path: Path
) -> None:
    rows = [
        {
            "id": i % 37,
            "answer": f"\\frac{{{i % 7}}}{{3}}",
            "responses": [f"so \\boxed{{{(i + j) % 9}/3}}" for j in range(5)],
        }
        for i in range(3000)
    ]
    src = write_jsonl("many.jsonl", rows)
    outputs = []
    for threads, batch in (("1", "16384"), ("2", "16384"), ("2", "7")):
        out = tmp_path / f"v{threads}-{batch}.jsonl"
        result = run_mathb(
            "grade", src, "-o", out, "--threads", threads, "--batch-size", batch, "-q"
        )
        assert result.returncode == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0].splitlines()) == 15000


def test_counts_without_verdicts_and_maj_at_k(write_jsonl) -> None:
    rows = [
        {"id": "p", "answer": "2", "completion": c}
        for c in ["\\boxed{3}", "\\boxed{2}", "\\boxed{ 2 }", "\\boxed{3}", "\\boxed{2}", "none"]
    ]
    summary = grade_file(write_jsonl("maj.jsonl", rows), None)
    assert summary["samples"] == 6 and summary["problems"] == 1
    # Gold x3, "3" x2, no answer x1; maj@k is the mean vote over all k-subsets.
    # maj@1 = 3/6. maj@2, 15 pairs: two golds (3) win, gold + "3" (6) tie at 1/2, gold + none
    # (3) win: 9/15. maj@4, by the two samples left out (15 ways): two golds (3) → 0, a gold
    # and a "3" (6) → 1, a gold and none (3) → tie 1/2, both "3" (1) → 1, a "3" and none
    # (2) → 1: 10.5/15.
    assert summary["maj_at_k"] == pytest.approx({"1": 0.5, "2": 9 / 15, "4": 10.5 / 15})
    more = rows[:5] + [{"id": "p", "answer": "2", "completion": "\\boxed{2}"}] * 3
    assert grade_file(write_jsonl("maj2.jsonl", more), None)["maj_at_k"]["8"] == 1.0


def test_progress_detail_reports_bytes_and_counts(data_dir: Path) -> None:
    seen: list[mathb.grading.GradeProgress] = []
    grade_file(data_dir / "samples.jsonl", None, batch_size=5, progress_detail=seen.append)
    last = seen[-1]
    assert last.samples == 12 and sum(last.counts) == 12
    assert last.bytes_total == (data_dir / "samples.jsonl").stat().st_size
    assert last.bytes_read == last.bytes_total


def test_malformed_line_in_a_shard_names_the_shard(run_mathb, tmp_path: Path) -> None:
    shards = tmp_path / "d"
    shards.mkdir()
    (shards / "a.jsonl").write_text('{"answer": "1", "completion": "x"}\n')
    (shards / "b.jsonl").write_text('{"answer": "1", "completion": "x"}\n\n{"answer": \n')
    result = run_mathb("grade", shards, "-o", "-")
    assert result.returncode == 2
    assert f"{shards / 'b.jsonl'}:3: error[E002]" in result.stderr


def test_summary_means_equal_numpy_means() -> None:
    """pass@k tables are summed without numpy, to numpy's last bit."""
    import random

    import numpy as np
    from mathb.grading import pass_at_k_table

    rng = random.Random(0)
    for size in [*range(1, 140), 255, 256, 1000, 4099, 10_000]:
        n = [rng.randint(1, 70) for _ in range(size)]
        c = [rng.randint(0, x) for x in n]
        ks = [2**i for i in range(8) if 2**i <= min(n)]
        passes = {str(k): float(np.mean(mathb.pass_at_k(np.array(n), np.array(c), k))) for k in ks}
        assert pass_at_k_table(n, c) == passes
        assert pass_at_k_table(np.array(n), np.array(c)) == passes


def _read_through_pipe(fifo: Path, write: Callable[[Path], object]) -> bytes:
    """Runs `write(fifo)` while a thread reads the pipe; returns what it read."""
    import threading

    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write(fifo)
    reader.join(timeout=30)
    return got[0] if got else b""


def test_outputs_to_a_pipe_or_device_are_written_in_place(tmp_path: Path) -> None:
    """`-o /dev/null` must not rename a file onto the device: a FIFO stands in for it."""
    import os
    import stat

    from mathb.grading import grade_file, write_summary

    src = tmp_path / "d.jsonl"
    src.write_text('{"answer": "1", "completion": "\\\\boxed{1}"}\n')
    writers: list[Callable[[Path], object]] = [
        lambda fifo: grade_file(src, fifo),
        lambda fifo: write_summary({"ok": True}, fifo),
    ]
    for write in writers:
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        assert b'"' in _read_through_pipe(fifo, write)
        assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the pipe was replaced by a file"
        fifo.unlink()
