"""`mathb report`: the figure renders as PNG and well-formed SVG for one and for five runs,
and the Markdown / HTML tables carry Table 2's columns."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import mathb
import pytest
from evalfixtures import TABLE_2, write_pair_dumps, write_pair_table
from mathb.evaluation import EvalConfig, evaluate
from mathb.grading import write_summary
from mathb.report import markdown_table, write_report

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def summaries(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Five eval summaries: the four Table 2 pairs against the dataset, one against a dump."""
    directory = tmp_path_factory.mktemp("summaries")
    paths = []
    for pair in TABLE_2:
        model, base = write_pair_dumps(pair, directory, samples=8)
        table = write_pair_table(pair, directory / f"{pair.base}.csv")
        config = EvalConfig(str(model), base_column=pair.base, dataset=str(table), resamples=100)
        paths.append(directory / f"{pair.model}.json")
        write_summary(evaluate(config), paths[-1])
    config = EvalConfig(str(model), base_samples=str(base), name="dump-vs-dump", resamples=100)
    paths.append(directory / "dump.json")
    write_summary(evaluate(config), paths[-1])
    return paths


@pytest.mark.parametrize("count", [1, 5])
def test_report_renders(summaries: list[Path], tmp_path: Path, count: int) -> None:
    paths = write_report(summaries[:count], tmp_path / "out")
    png = paths["png"].read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    root = ET.parse(paths["svg"]).getroot()
    assert root.tag.endswith("svg")
    page = ET.fromstring(paths["html"].read_text().removeprefix("<!DOCTYPE html>\n"))
    assert len(page.findall(".//tbody/tr")) == count
    assert len(paths["md"].read_text().splitlines()) == count + 2


def test_markdown_table_rows(summaries: list[Path]) -> None:
    loaded = [json.loads(p.read_text()) for p in summaries]
    lines = markdown_table(loaded).splitlines()
    assert lines[0].startswith("| model | base | base unsolved | newly solved | expansion |")
    assert lines[2].startswith("| qwen3-4b | qwen3-4b-base | 112 | 66 | 58.93 % |")
    assert lines[6].startswith("| dump-vs-dump | r1-1.5b | 115 | 6 | 5.22 % |")


def test_report_rejects_grade_summaries(run_mathb, data_dir: Path, tmp_path: Path) -> None:
    assert run_mathb("grade", data_dir / "samples.jsonl", "--summary", "g.json").returncode == 0
    result = run_mathb("report", "g.json")
    assert result.returncode == 2
    assert "not a `mathb eval` summary" in result.stderr
    (tmp_path / "bad.json").write_text("{\n  oops\n}")
    result = run_mathb("report", "bad.json")
    assert result.returncode == 2 and "bad.json:2: invalid JSON" in result.stderr


def test_report_cli_writes_four_files(run_mathb, summaries: list[Path], tmp_path: Path) -> None:
    result = run_mathb("report", *summaries[:2], "-o", "r")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == [
        "report.html",
        "report.md",
        "report.png",
        "report.svg",
    ]
    assert "| skywork" not in result.stdout and "| qwen3_8b | qwen3_8b_base | 116 | 77" in (
        result.stdout
    )


def test_missing_extra_is_a_mathb_error() -> None:
    assert issubclass(mathb.MissingExtraError, mathb.MathbError)
    assert issubclass(mathb.MissingExtraError, ImportError)
