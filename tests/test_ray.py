"""`mathb grade --ray` on a real local Ray cluster: the same verdict bytes and summary as a local
run of the same shards, also when a worker dies mid-run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

try:
    import ray  # noqa: F401
    import ray.data  # noqa: F401
except ImportError as e:
    pytest.skip(
        f"ray[data] is not importable ({e}): pip install 'mathb[ray]'", allow_module_level=True
    )

SAMPLES = Path(__file__).parent.parent / "examples" / "samples.jsonl"
#: Shard boundaries that cut problems (8 samples each) across shards.
CUTS = [0, 37, 150, 201, 300, 416]


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/samples.jsonl cut into 5 shards (problems span shards)."""
    folder = tmp_path_factory.mktemp("shards")
    lines = SAMPLES.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, (a, b) in enumerate(zip(CUTS, CUTS[1:])):
        (folder / f"part-{i}.jsonl").write_text("".join(lines[a:b]), encoding="utf-8")
    return folder


def _grade(folder: Path, out: Path, *extra: str, env: dict[str, str] | None = None) -> Any:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mathb",
            "grade",
            str(folder),
            "-o",
            str(out),
            "--summary",
            str(out.with_suffix(".summary.json")),
            "-q",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(out.with_suffix(".summary.json").read_text(encoding="utf-8"))


def test_ray_matches_a_local_run(cluster: str, shards: Path, tmp_path: Path) -> None:
    local = _grade(shards, tmp_path / "local.jsonl")
    on_ray = _grade(shards, tmp_path / "ray.jsonl", "--ray", cluster, "--actors", "2")
    assert (tmp_path / "ray.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    ray_run = on_ray.pop("ray")
    assert on_ray == local
    assert ray_run == {"shards": len(CUTS) - 1, "actors": 2, "retried": {}}


def test_a_killed_worker_loses_no_shard(cluster: str, shards: Path, tmp_path: Path) -> None:
    local = _grade(shards, tmp_path / "local.jsonl")
    on_ray = _grade(
        shards,
        tmp_path / "ray.jsonl",
        "--ray",
        cluster,
        "--actors",
        "2",
        env={"MATHB_RAY_KILL_SHARD": "2"},
    )
    assert (tmp_path / "ray.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert on_ray.pop("ray")["retried"] == {str(shards / "part-2.jsonl"): 1}
    assert on_ray == local


def test_a_sample_in_two_shards_is_refused(cluster: str, tmp_path: Path) -> None:
    folder = tmp_path / "repeated"
    folder.mkdir()
    line = SAMPLES.read_text(encoding="utf-8").splitlines(keepends=True)[0]
    for name in ("a.jsonl", "b.jsonl"):
        (folder / name).write_text(line, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "mathb", "grade", str(folder), "--ray", cluster, "-o", "-"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    assert f"{folder / 'b.jsonl'}:1: problem" in proc.stderr
    assert f"{folder / 'a.jsonl'}:1" in proc.stderr


def test_a_malformed_shard_is_named_with_its_line(cluster: str, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    lines = SAMPLES.read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "a.jsonl").write_text("".join(lines[:8]), encoding="utf-8")
    (folder / "b.jsonl").write_text("".join(lines[8:10]) + "{not json\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "mathb", "grade", str(folder), "--ray", cluster, "-o", "-"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    assert f"{folder / 'b.jsonl'}:3:" in proc.stderr
    assert "mathb-shard-" not in proc.stderr


def test_local_only_options_are_refused(shards: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mathb", "grade", str(shards), "--ray", "--resume", "-o", "v.jsonl"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert "--resume" in proc.stderr and "local runs" in proc.stderr


def test_the_judge_after_a_ray_run_matches_a_local_one(
    cluster: str, shards: Path, tmp_path: Path
) -> None:
    """The judge's pass on the driver: the same lines rewritten and the same recount."""
    from openai_stub import openai_stub
    from test_judge import shown

    def script(body: dict[str, Any]) -> str:
        # a symmetric rule, so some pairs are decided either way in both orders
        a, b = shown(body)
        word = "EQUIVALENT" if (len(a) + len(b)) % 2 == 0 else "NOT_EQUIVALENT"
        return f"VERDICT: {word}"

    with openai_stub(script) as (url, asked):
        judge = ["--judge-endpoint", url, "--judge-model", "m", "--judge-on", "incorrect"]
        local = _grade(shards, tmp_path / "local.jsonl", *judge)
        on_ray = _grade(shards, tmp_path / "ray.jsonl", "--ray", cluster, *judge)
    assert (tmp_path / "ray.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    on_ray.pop("ray")
    assert on_ray == local
    assert local["judge"]["samples"]["correct"] > 0 and local["judge"]["failed"] == 0
    assert len(asked) == 4 * local["judge"]["pairs"]  # each run has its own cache
