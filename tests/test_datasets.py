"""Loading MATH-Beyond-shaped tables (CSV, JSONL, Parquet, the hub path) and selecting subsets,
on the synthetic 40-row fixture tests/data/math_beyond_small.csv."""

from __future__ import annotations

import csv
import json
import sys
import types
from pathlib import Path
from typing import Any

import mathb
import pytest
from mathb.datasets import HF_ID, load_problem_set

MODELS = ("qwen3-4b-base", "qwen3-4b", "r1-1.5b", "deepscaler_1.5b_preview")


@pytest.fixture
def table(data_dir: Path) -> Path:
    return data_dir / "math_beyond_small.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_csv_models_and_roles(table: Path) -> None:
    ps = load_problem_set(table)
    assert len(ps) == 40
    assert list(ps.models) == list(MODELS)
    assert ps.base_models() == ["qwen3-4b-base", "r1-1.5b"]
    assert ps.models["qwen3-4b"].role == "post-trained"
    assert ps.models["deepscaler_1.5b_preview"].base == "r1-1.5b"
    assert ps.notes == []
    assert ps.ids == list(range(40))
    assert all(isinstance(v, bool) for v in ps.columns["r1-1.5b_unsolved"])
    assert all(isinstance(v, float) for v in ps.columns["qwen3-4b_pass@1024"])


def test_subsets(table: Path) -> None:
    ps = load_problem_set(table)
    rows = _rows(table)
    qwen = [i for i, r in enumerate(rows) if r["qwen3-4b-base_unsolved"] == "True"]
    both = [i for i in qwen if rows[i]["r1-1.5b_unsolved"] == "True"]
    assert ps.select(unsolved_by=["qwen3-4b-base"]).ids == qwen
    assert ps.select(unsolved_by=["Qwen3_4B_Base"]).ids == qwen  # spelling-insensitive
    math_b_i = ps.select(subset="math-b-i")
    assert math_b_i.ids == both and 0 < len(both) < len(qwen)
    assert all(math_b_i.columns["r1-1.5b_unsolved"])
    assert len(ps.select(subset="math-b-u")) == 40
    assert ps.select(subset="math-b-i", unsolved_by=["qwen3-4b"]).ids == [
        i for i in both if rows[i]["qwen3-4b_unsolved"] == "True"
    ]
    with pytest.raises(mathb.InvalidArgumentError, match="subset must be"):
        ps.select(subset="math-b-x")  # type: ignore[arg-type]
    with pytest.raises(mathb.InvalidArgumentError, match="no model 'gpt'"):
        ps.select(unsolved_by=["gpt"])


def test_jsonl_and_parquet_agree_with_csv(table: Path, tmp_path: Path) -> None:
    ps = load_problem_set(table)
    records: list[dict[str, Any]] = [
        {name: values[i] for name, values in ps.columns.items()} for i in range(len(ps))
    ]
    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert load_problem_set(jsonl).columns == ps.columns
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    parquet = tmp_path / "t.parquet"
    pq.write_table(pa.Table.from_pylist(records), parquet)
    assert load_problem_set(parquet).columns == ps.columns


def test_column_variants_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text(
        "problem,answer,Qwen3_4B_Base_unsolved,Qwen3_4B_Base_pass@1024,"
        "mystery_unsolved,r1-7b_pass_at_1024,r1-7b_pass@64\n"
        "p,1,true,0.0,1,0.5,0.25\n",
        encoding="utf-8",
    )
    ps = load_problem_set(path)
    assert set(ps.models) == {"qwen3-4b-base", "mystery", "r1-7b"}
    assert ps.models["mystery"].role == "unknown"
    notes = "\n".join(ps.notes)
    assert "'Qwen3_4B_Base' read as model 'qwen3-4b-base'" in notes
    assert "'mystery' is not in the MATH-Beyond schema" in notes
    assert "model 'r1-7b' has no unsolved column" in notes
    assert "'r1-7b_pass_at_1024' and 'r1-7b_pass@64' name one model" in notes
    with pytest.raises(mathb.InvalidArgumentError, match="mathb does not derive one"):
        ps.unsolved("r1-7b")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("problem,answer,m-7b_unsolved\np,1,true\nq,2,maybe\n", r"x\.csv:3: .*'maybe'"),
        ('problem,answer,x_pass@1024\n"a\nb",1,0.5\nq,2,7\n', r"x\.csv:4: .*rate in \[0, 1\]"),
        ("problem,answer\np,1,extra\n", r"x\.csv:2: more fields"),
        ("problem,topic\np,t\n", "missing column.*answer"),
        ("problem,answer\n", "no rows"),
    ],
)
def test_bad_tables_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(mathb.InputFileError, match=message):
        load_problem_set(path)


def test_unknown_source(tmp_path: Path) -> None:
    with pytest.raises(mathb.InputFileError, match="no such file"):
        load_problem_set(tmp_path / "absent.csv")
    (tmp_path / "t.xlsx").write_text("x")
    with pytest.raises(mathb.InputFileError, match="unknown problem-set format"):
        load_problem_set(tmp_path / "t.xlsx")


def test_hub_id_goes_through_datasets(
    monkeypatch: pytest.MonkeyPatch, table: Path, tmp_path: Path
) -> None:
    calls = []
    rows = _rows(table)

    def load_dataset(name: str, split: str) -> list[dict[str, str]]:
        calls.append((name, split))
        return rows

    fake = types.ModuleType("datasets")
    fake.load_dataset = load_dataset  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "datasets", fake)
    monkeypatch.chdir(tmp_path)  # so the id is not mistaken for a local path
    ps = load_problem_set(HF_ID)
    assert calls == [(HF_ID, "test")]
    assert len(ps) == 40 and ps.source == HF_ID


def test_hub_without_datasets_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "datasets", None)  # import fails
    monkeypatch.chdir(tmp_path)
    with pytest.raises(mathb.MissingExtraError, match=r"mathb\[datasets\]"):
        load_problem_set(HF_ID)


def test_hub_failures_are_input_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def load_dataset(name: str, split: str) -> None:
        raise ConnectionError("offline")

    fake = types.ModuleType("datasets")
    fake.load_dataset = load_dataset  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "datasets", fake)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(mathb.InputFileError, match="cannot load split 'test'.*offline"):
        load_problem_set(HF_ID)
    # A missing local file with a table suffix is reported as missing, not fetched.
    with pytest.raises(mathb.InputFileError, match="no such file"):
        load_problem_set("data/test.parquet")
