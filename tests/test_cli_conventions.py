"""`mathb grade` as a Unix tool: where its output goes when stdout is redirected, the summary
JSON on stdout, several FILE arguments, no abbreviated options, "did you mean", the
subcommand's usage line, formats it refuses by name, `--threads` ceiling, `--limit`, `-k`."""

from __future__ import annotations

import bz2
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

import pytest


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


ROWS = [
    {"problem_id": f"p{p}", "sample_idx": s, "answer": "2", "completion": f"\\boxed{{{s % 3}}}"}
    for p in range(3)
    for s in range(12)
]


def grade_into(out: IO[str], dump: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`mathb grade DUMP` with stdout redirected to the open file `out` (not a pipe)."""
    return subprocess.run(
        [sys.executable, "-m", "mathb", "grade", str(dump)],
        cwd=cwd,
        stdout=out,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def dump(write_jsonl) -> Path:
    return write_jsonl("d.jsonl", ROWS)


def test_redirected_stdout_gets_the_verdicts(dump: Path, tmp_path: Path) -> None:
    """`mathb grade FILE > verdicts.jsonl`: the verdicts in that file, the table on stderr,
    no default verdicts file."""
    target = tmp_path / "verdicts.jsonl"
    with target.open("w") as out:
        result = grade_into(out, dump, tmp_path)
    assert result.returncode == 0, result.stderr
    verdicts = read_jsonl(target)
    assert len(verdicts) == len(ROWS) and verdicts[0]["status"] == "incorrect"
    assert "accuracy" in result.stderr
    assert not (tmp_path / "d.verdicts.jsonl").exists()


def test_stdout_appended_to_the_input_is_refused(dump: Path, tmp_path: Path) -> None:
    before = dump.read_bytes()
    with dump.open("a") as out:
        result = grade_into(out, dump, tmp_path)
    assert result.returncode == 2
    assert "refusing to write the verdicts into the input file" in result.stderr
    assert dump.read_bytes() == before


def test_a_pipe_gets_the_table(run_mathb, dump: Path, tmp_path: Path) -> None:
    result = run_mathb("grade", dump)
    assert result.returncode == 0, result.stderr
    assert "accuracy" in result.stdout
    assert len(read_jsonl(tmp_path / "d.verdicts.jsonl")) == len(ROWS)


def test_summary_dash_writes_json_to_stdout(run_mathb, dump: Path, tmp_path: Path) -> None:
    result = run_mathb("grade", dump, "--summary", "-")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["samples"] == len(ROWS)
    assert "accuracy" in result.stderr  # the table moved to stderr
    assert not (tmp_path / "-").exists()
    assert (tmp_path / "d.verdicts.jsonl").exists()


def test_json_prints_the_summary_instead_of_the_table(run_mathb, dump: Path) -> None:
    result = run_mathb("grade", dump, "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["counts"]["correct"] == 12
    assert "accuracy" not in result.stderr


def test_json_and_verdicts_on_stdout_conflict(run_mathb, dump: Path) -> None:
    result = run_mathb("grade", dump, "-o", "-", "--json")
    assert result.returncode == 2
    assert "both write to stdout" in result.stderr


def test_two_file_arguments_are_one_dump(run_mathb, write_jsonl, tmp_path: Path) -> None:
    a = write_jsonl("a.jsonl", ROWS[:20])
    b = write_jsonl("b.jsonl", ROWS[20:])
    result = run_mathb("grade", a, b, "--json", "-o", "v.jsonl")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["samples"] == len(ROWS)
    assert len(read_jsonl(tmp_path / "v.jsonl")) == len(ROWS)


def test_a_file_given_twice_is_refused(run_mathb, dump: Path, tmp_path: Path) -> None:
    result = run_mathb("grade", dump, "./d.jsonl")
    assert result.returncode == 2
    assert "is given twice" in result.stderr


def test_stdin_alone_only(run_mathb, dump: Path) -> None:
    result = run_mathb("grade", dump, "-")
    assert result.returncode == 2 and "stdin" in result.stderr


def test_no_abbreviations_and_did_you_mean(run_mathb, dump: Path) -> None:
    result = run_mathb("grade", dump, "--gold", "answer")
    assert result.returncode == 2
    assert "unrecognized arguments: --gold" in result.stderr
    assert "did you mean --gold-field?" in result.stderr
    assert result.stderr.startswith("usage: mathb grade ")  # the subcommand's usage


def test_did_you_mean_no_fallback(run_mathb, dump: Path) -> None:
    result = run_mathb("grade", dump, "--fallback")
    assert result.returncode == 2
    assert "--fallback: did you mean --no-fallback?" in result.stderr
    assert result.stderr.startswith("usage: mathb grade ")


def test_bz2_is_refused_by_name(run_mathb, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl.bz2"
    path.write_bytes(bz2.compress(json.dumps(ROWS[0]).encode() + b"\n"))
    result = run_mathb("grade", path)
    assert result.returncode == 2
    assert "bzip2 compression is not supported" in result.stderr
    # Named by its bytes too, whatever its name.
    disguised = tmp_path / "x.jsonl"
    disguised.write_bytes(path.read_bytes())
    result = run_mathb("grade", disguised)
    assert result.returncode == 2 and "bzip2" in result.stderr
    piped = subprocess.run(
        [sys.executable, "-m", "mathb", "grade", "-", "-o", os.devnull],
        input=path.read_bytes(),
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert piped.returncode == 2 and b"bzip2 compression is not supported" in piped.stderr


def test_csv_and_tsv_are_read_like_tables(run_mathb, tmp_path: Path) -> None:
    rows = [
        "problem_id,sample_idx,answer,completion",
        'p1,4,2,"so, \\boxed{2}"',
        'p1,1,2,"two lines\nthen \\boxed{3}"',
        "p2,0,7,\\boxed{7}",
    ]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n")
    result = run_mathb("grade", tmp_path / "d.csv", "-o", "v.jsonl", "--json")
    assert result.returncode == 0, result.stderr
    verdicts = read_jsonl(tmp_path / "v.jsonl")
    got = [(v["problem_id"], v["sample_idx"], v["status"], v["line"]) for v in verdicts]
    assert got == [("p1", 4, "correct", 1), ("p1", 1, "incorrect", 2), ("p2", 0, "correct", 3)]
    assert json.loads(result.stdout)["problems"] == 2
    (tmp_path / "d.tsv").write_text("id\tanswer\tresponse\nq\t\\frac12\t\\boxed{0.5}\n")
    result = run_mathb("grade", tmp_path / "d.tsv", "-o", "v.jsonl", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["counts"]["correct"] == 1


def test_threads_are_clamped_with_a_warning(run_mathb, dump: Path) -> None:
    result = run_mathb("grade", dump, "--threads", "100000", "--json")
    assert result.returncode == 0, result.stderr
    ceiling = 4 * (os.cpu_count() or 1)
    assert f"--threads 100000 lowered to {ceiling}" in result.stderr


def test_limit_grades_the_first_records(run_mathb, dump: Path, tmp_path: Path) -> None:
    result = run_mathb("grade", dump, "--limit", "5", "--json", "-o", "v.jsonl")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["records"] == summary["samples"] == 5
    assert [v["line"] for v in read_jsonl(tmp_path / "v.jsonl")] == [1, 2, 3, 4, 5]


def test_k_gives_pass_at_any_k(run_mathb, dump: Path) -> None:
    result = run_mathb("grade", dump, "-k", "10", "-k", "3", "--json")
    assert result.returncode == 0, result.stderr
    pass_at_k = json.loads(result.stdout)["pass_at_k"]
    assert list(pass_at_k) == ["1", "2", "3", "4", "8", "10"]
    # 4 correct of 12 samples per problem: pass@10 = 1 - C(8,10)/C(12,10) = 1.
    assert pass_at_k["10"] == 1.0
    assert pass_at_k["3"] == pytest.approx(1 - (8 * 7 * 6) / (12 * 11 * 10))
    # maj@3: samples 0, 1, 2 answer 0, 1, 2 (the gold): a three-way tie, 1/3.
    maj_at_k = json.loads(result.stdout)["maj_at_k"]
    assert list(maj_at_k) == ["1", "2", "3", "4", "8", "10"]
    assert maj_at_k["3"] == pytest.approx(1 / 3)
    table = subprocess.run(
        [sys.executable, "-m", "mathb", "grade", "-", "-k", "10", "-o", os.devnull],
        input=dump.read_text(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert table.returncode == 0, table.stderr
    assert "pass@10" in table.stdout


def test_environment_errors_exit_2(run_mathb, dump: Path) -> None:
    """A full disk is the environment's failure, not mathb's: exit 2, the cause named."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    for args in (("-o", "/dev/full"), ("-o", os.devnull, "--summary", "/dev/full")):
        result = run_mathb("grade", dump, *args)
        assert result.returncode == 2, result.stderr
        assert "No space left on device" in result.stderr
