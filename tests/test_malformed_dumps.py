"""Malformed dumps, for each `--on-error` policy: the default stops with the record's
`path:LINE: error[CODE]` (exit 2); `skip` goes on and counts it; `record` writes one
`"status": "error"` line for it, so the verdicts keep one line per input line."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import read_jsonl

GOOD = {"answer": "1", "completion": "so \\boxed{1}"}


def good(i: int) -> str:
    return json.dumps({"answer": str(i), "completion": f"so \\boxed{{{i}}}"})


class Case:
    """A dump, the (file, line, code) of each malformed record in it, and the number of
    non-blank lines (records) it has."""

    def __init__(
        self, path: Path, bad: list[tuple[Path, int | None, str]], records: int, words: str = ""
    ) -> None:
        self.path, self.bad, self.records, self.words = path, bad, records, words


def _lines(tmp: Path, name: str, lines: list[str], end: str = "\n") -> Path:
    path = tmp / name
    path.write_text("\n".join(lines) + end, encoding="utf-8")
    return path


def invalid_json(tmp: Path) -> Case:
    p = _lines(tmp, "invalid.jsonl", [good(1), good(2), '{"answer": "3", "completion": x}'])
    return Case(p, [(p, 3, "E002")], 3)


def wrong_types(tmp: Path) -> Case:
    rows = [
        good(1),
        json.dumps({"answer": "2", "completion": 5}),
        json.dumps({"answer": True, "completion": "x"}),
        json.dumps({"answer": "4", "completion": ["a", 3]}),
        good(5),
    ]
    p = _lines(tmp, "types.jsonl", rows)
    return Case(p, [(p, 2, "E006"), (p, 3, "E006"), (p, 4, "E006")], 5)


def blank_lines(tmp: Path) -> Case:
    # Blank lines are skipped silently and not counted; only the line numbers see them.
    p = _lines(tmp, "blank.jsonl", ["", good(1), "   ", "\t", good(2), "", "[1]", "", ""])
    return Case(p, [(p, 7, "E003")], 3)


def cut_mid_record(tmp: Path) -> Case:
    # The last line cut short by an interrupted write: no newline, half a record.
    p = _lines(tmp, "cut.jsonl", [good(1), good(2), '{"answer": "3", "compl'], end="")
    return Case(p, [(p, 3, "E002")], 3, words="the record is cut short")


def last_line_without_newline(tmp: Path) -> Case:
    p = _lines(tmp, "nonewline.jsonl", [good(1), good(2)], end="")
    return Case(p, [], 2)


def huge_line(tmp: Path) -> Case:
    # A 100 MB line whose string never closes, between two good lines.
    p = tmp / "huge.jsonl"
    with p.open("w", encoding="utf-8") as f:
        f.write(good(1) + "\n")
        f.write('{"answer": "2", "completion": "' + "x" * (100 << 20) + "\n")
        f.write(good(3) + "\n")
    return Case(p, [(p, 2, "E002")], 3)


def huge_valid_line(tmp: Path) -> Case:
    # A well-formed 100 MB record is no error: it is read and graded like any other.
    p = tmp / "huge_valid.jsonl"
    with p.open("w", encoding="utf-8") as f:
        f.write(good(1) + "\n")
        f.write(json.dumps({"answer": "2", "completion": "word " * (20 << 20) + "\\boxed{2}"}))
        f.write("\n" + good(3) + "\n")
    return Case(p, [], 3)


def _compressed_cut(tmp: Path, name: str, compress: Callable[[bytes], bytes]) -> Case:
    text = "".join(good(i) + "\n" for i in range(40_000)).encode()
    data = compress(text)
    p = tmp / name
    p.write_bytes(data[: len(data) * 3 // 4])
    # The line the reader fails on is found by reading (-1 until then): every line before
    # it is kept.
    return Case(p, [(p, -1, "E009")], 0)


def gzip_cut(tmp: Path) -> Case:
    return _compressed_cut(tmp, "cut.jsonl.gz", gzip.compress)


def _zstd(data: bytes) -> bytes:
    if shutil.which("zstd") is None:
        pytest.skip("the zstd command is not installed")
    return subprocess.run(["zstd", "-q", "-c"], input=data, capture_output=True, check=True).stdout


def zstd_cut(tmp: Path) -> Case:
    return _compressed_cut(tmp, "cut.jsonl.zst", _zstd)


def parquet_missing_column(tmp: Path) -> Case:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    d = tmp / "pq"
    d.mkdir()
    pq.write_table(
        pa.table({"answer": ["1", "2"], "completion": ["\\boxed{1}", "2"]}), d / "a.parquet"
    )
    pq.write_table(pa.table({"answer": ["3", "4", "5"]}), d / "b.parquet")
    bad = [(d / "b.parquet", n, "E005") for n in (1, 2, 3)]
    return Case(d, bad, 5)


def parquet_cut_short(tmp: Path) -> Case:
    # A Parquet file without its footer cannot be opened: the whole file is the error
    # ("line": null), and the next shard is read.
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    d = tmp / "pq"
    d.mkdir()
    table = pa.table({"answer": ["1", "2"], "completion": ["\\boxed{1}", "2"]})
    pq.write_table(table, d / "a.parquet")
    pq.write_table(table, d / "b.parquet")
    data = (d / "b.parquet").read_bytes()
    (d / "b.parquet").write_bytes(data[: len(data) // 2])
    pq.write_table(table, d / "c.parquet")
    return Case(d, [(d / "b.parquet", None, "E009")], 5)


def bad_shard(tmp: Path) -> Case:
    d = tmp / "shards"
    d.mkdir()
    _lines(d, "a.jsonl", [good(1), good(2)])
    b = _lines(d, "b.jsonl", [good(3), "{not json", good(5), '{"answer": "6"}'])
    _lines(d, "c.jsonl", [good(7)])
    return Case(d, [(b, 2, "E002"), (b, 4, "E005")], 7)


CASES = [
    invalid_json,
    wrong_types,
    blank_lines,
    cut_mid_record,
    last_line_without_newline,
    huge_line,
    huge_valid_line,
    gzip_cut,
    zstd_cut,
    parquet_missing_column,
    parquet_cut_short,
    bad_shard,
]


def _where(path: Path, line: int | None) -> str:
    return f"{path}:{line}:" if line is not None else f"{path}:"


def _cut_line(case: Case, run_mathb) -> int:
    """The line a compressed file cut short fails on, from the default run's diagnostic."""
    result = run_mathb("grade", case.path, "-o", "-", "--no-fallback")
    cause = next(x for x in result.stderr.splitlines() if "Cause:" in x)
    return int(cause.split(f"{case.path}:")[1].split(":")[0])


#: Each dump is written once for the three policies (two of them are 100 MB).
_MADE: dict[str, Case] = {}


@pytest.fixture(scope="module", autouse=True)
def _remove_made_dumps() -> Iterator[None]:
    yield
    for made in _MADE.values():
        if made.path.is_file():
            made.path.unlink()
    _MADE.clear()


@pytest.fixture(params=CASES, ids=lambda f: f.__name__)
def case(request, tmp_path_factory: pytest.TempPathFactory, run_mathb) -> Case:
    name = request.param.__name__
    if name not in _MADE:
        made: Case = request.param(tmp_path_factory.mktemp(name))
        if made.bad and made.bad[0][1] == -1:  # the cut of a compressed file
            line = _cut_line(made, run_mathb)
            made.bad = [(made.path, line, made.bad[0][2])]
            made.records = line  # the lines before the cut, and the cut
        _MADE[name] = made
    return _MADE[name]


def test_default_stops_at_the_first_malformed_record(case: Case, run_mathb, tmp_path) -> None:
    result = run_mathb("grade", case.path, "-o", tmp_path / "v.jsonl", "--no-fallback")
    if not case.bad:
        assert result.returncode == 0, result.stderr
        verdicts = read_jsonl(tmp_path / "v.jsonl")
        assert [v["status"] for v in verdicts] == ["correct"] * case.records
        return
    path, line, code = case.bad[0]
    assert result.returncode == 2, result.stderr
    assert f"  Cause: {_where(path, line)} error[{code}] " in result.stderr, result.stderr
    assert "help: " in result.stderr and case.words in result.stderr
    assert len(result.stderr) < 2000  # a 100 MB line is not echoed
    assert not (tmp_path / "v.jsonl").exists()
    assert not (tmp_path / "v.jsonl.partial").exists()


def _run(run_mathb, case: Case, tmp_path: Path, policy: str) -> tuple[Any, list[dict], dict]:
    out, summary = tmp_path / f"{policy}.jsonl", tmp_path / f"{policy}.json"
    result = run_mathb(
        "grade", case.path, "-o", out, "--summary", summary, "--on-error", policy, "--no-fallback"
    )
    assert result.returncode == 0, result.stderr
    return result, read_jsonl(out), json.loads(summary.read_text())


def test_skip_goes_on_and_counts(case: Case, run_mathb, tmp_path: Path) -> None:
    result, verdicts, summary = _run(run_mathb, case, tmp_path, "skip")
    good_records = case.records - len(case.bad)
    assert len(verdicts) == good_records
    assert all(v["status"] != "error" for v in verdicts)
    assert summary["records"] == case.records
    assert summary["error_records"] == len(case.bad)
    assert summary["samples"] == good_records
    for (path, line, code), diagnostic in zip(case.bad, summary["errors"]):
        assert diagnostic.startswith(f"{_where(path, line)} error[{code}] "), diagnostic
        assert f"warning: {diagnostic}" in result.stderr
    if case.bad:
        assert f"{len(case.bad)} malformed: skipped" in result.stdout


def test_record_writes_one_line_per_input_line(case: Case, run_mathb, tmp_path: Path) -> None:
    result, verdicts, summary = _run(run_mathb, case, tmp_path, "record")
    assert len(verdicts) == case.records  # one verdict line per non-blank input line
    errors = [v for v in verdicts if v["status"] == "error"]
    assert [(Path(v["file"]), v["line"]) for v in errors] == [(p, n) for p, n, _ in case.bad]
    for v, (_, _, code) in zip(errors, case.bad):
        assert v["reason"].startswith(f"error[{code}] ")
        assert len(v["reason"]) < 300  # a 100 MB line is not copied into its verdict
        assert set(v) == {"line", "file", "status", "reason"}
    # Good records keep their line numbers, in input order.
    if case.path.is_file():
        numbers = [v["line"] for v in verdicts]
        assert numbers == sorted(numbers)
    assert summary["error_records"] == len(case.bad)
    assert summary["records"] == case.records
    assert summary["samples"] == case.records - len(case.bad)
    assert sum(summary["counts"].values()) == summary["samples"]
    if case.bad:
        assert f"{len(case.bad)} malformed: written as error lines" in result.stdout


def test_the_summary_after_errors_matches_a_clean_dump(run_mathb, tmp_path: Path) -> None:
    """Skipped and recorded records leave pass@k and maj@k as if they were not there."""
    rows = [
        {"problem_id": i // 4, "answer": str(i // 4), "completion": f"\\boxed{{{i % 3}}}"}
        for i in range(40)
    ]
    clean = tmp_path / "clean.jsonl"
    clean.write_text("".join(json.dumps(r) + "\n" for r in rows))
    dirty = tmp_path / "dirty.jsonl"
    lines = [json.dumps(r) for r in rows]
    for at in (35, 20, 7, 1):
        lines.insert(at, '{"problem_id": 1, "answer": ')
    dirty.write_text("\n".join(lines) + "\n")
    keys = ("problems", "samples", "accuracy", "pass_at_k", "maj_at_k", "counts")
    run_mathb("grade", clean, "-o", "c.jsonl", "--summary", "c.json", "--no-fallback")
    reference = json.loads((tmp_path / "c.json").read_text())
    for policy in ("skip", "record"):
        run_mathb(
            "grade",
            dirty,
            "-o",
            f"{policy}.jsonl",
            "--summary",
            f"{policy}.json",
            "--on-error",
            policy,
            "--no-fallback",
        )
        summary = json.loads((tmp_path / f"{policy}.json").read_text())
        assert {k: summary[k] for k in keys} == {k: reference[k] for k in keys}
        assert summary["error_records"] == 4 and summary["records"] == 44
        assert summary["on_error"] == policy
