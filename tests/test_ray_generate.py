"""`mathb generate --ray` and `mathb eval --ray` on a real local Ray cluster and the tiny
random-weight CPU model: Ray Data's vLLM processor gives the samples a local run gives, byte for
byte, and resumes a file a local run started."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

try:
    import ray.data.llm  # noqa: F401
except ImportError as e:
    pytest.skip(
        f"Ray Data LLM is not importable ({e}): pip install 'mathb[ray]' and vLLM",
        allow_module_level=True,
    )

from test_generate import (
    ENGINE_ARGS,
    ENGINE_ENV,
    OFFLINE_ENV,
    PROBLEMS,
    SAMPLING_ARGS,
    make_tiny_model,
    needs_vllm,
    read_jsonl,
    write_jsonl,
)

#: Samples per problem: 12 samples of the 3 problems, 3 of them ended by EOS before the
#: 16-token cap, so both finish reasons are compared.
N = "4"


def _mathb(*args: str, cwd: Path, ray: bool) -> subprocess.CompletedProcess[str]:
    # The local run keeps the engine in its own process (as tests/test_generate.py); the Ray
    # driver forwards the VLLM_* variables to the engines on the cluster.
    env = {**os.environ, **(ENGINE_ENV if ray else OFFLINE_ENV)}
    proc = subprocess.run(
        [sys.executable, "-m", "mathb", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc


def _generate(tiny: dict[str, Path], out: Path, *extra: str, ray: bool = False) -> Any:
    return _mathb(
        "generate", "--model", str(tiny["model"]), "--problems", str(tiny["problems"]),
        "--out", str(out), "--n", N, *SAMPLING_ARGS, *ENGINE_ARGS, *extra,
        cwd=out.parent, ray=ray,
    )  # fmt: skip


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tiny")
    return {
        "model": make_tiny_model(root / "model"),
        "problems": write_jsonl(root / "problems.jsonl", PROBLEMS),
    }


@pytest.fixture(scope="module")
def local_run(tiny: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local") / "local.jsonl"
    _generate(tiny, out)
    return out


@pytest.mark.vllm
@needs_vllm
def test_ray_generation_resumes_a_local_file_into_the_local_samples(
    tiny: dict[str, Path], local_run: Path, cluster: str, tmp_path: Path
) -> None:
    records = read_jsonl(local_run)
    assert len(records) == 12
    assert {r["finish_reason"] for r in records} == {"stop", "length"}
    # A local run killed after 5 samples, mid-line; the Ray run adds the 7 it lacks.
    out = tmp_path / "ray.jsonl"
    lines = local_run.read_text(encoding="utf-8").splitlines(keepends=True)
    out.write_text("".join(lines[:5]) + lines[5][:40], encoding="utf-8")
    proc = _generate(tiny, out, "--ray", cluster, "--actors", "1", ray=True)
    assert "7 samples written" in proc.stderr and "(5 already there)" in proc.stderr
    # Every field, the completion, finish reason and token counts included, and the order.
    assert out.read_bytes() == local_run.read_bytes()


@pytest.mark.vllm
@needs_vllm
def test_eval_on_ray_samples_and_grades_as_locally(
    tiny: dict[str, Path], local_run: Path, cluster: str, tmp_path: Path
) -> None:
    """`mathb eval --model M --ray` against the local dump as base: the Ray engines' samples and
    the Ray graders' verdicts are those of `mathb eval` on the local dump alone."""
    common = [
        "--base-samples", str(local_run), "--dataset", str(tiny["problems"]),
        "--name", "tiny", "--resamples", "20",
    ]  # fmt: skip
    here = tmp_path / "here"
    here.mkdir()
    _mathb("eval", "--samples", str(local_run), *common, "-o", "s.json", cwd=here, ray=False)
    there = tmp_path / "ray"
    there.mkdir()
    generation = ["--model", str(tiny["model"]), "-n", N, "--max-tokens", "16"]
    generation += ["--sample-seed", "3", *ENGINE_ARGS]
    proc = _mathb(
        "eval", *generation, *common, "--ray", cluster, "-o", "s.json", cwd=there, ray=True
    )
    assert "12 samples written" in proc.stderr
    assert (there / "s.model.samples.jsonl").read_bytes() == local_run.read_bytes()
    for role in ("model", "base"):
        name = f"s.{role}.verdicts.jsonl"
        assert (there / name).read_bytes() == (here / name).read_bytes()
    # Only what names the model's samples differs: the file eval sampled into, and how.
    on_ray = json.loads((there / "s.json").read_text())
    assert on_ray.pop("generation")["samples_per_problem"] == 4
    assert on_ray.pop("samples").endswith("s.model.samples.jsonl")
    local = json.loads((here / "s.json").read_text())
    assert local.pop("samples") == str(local_run)
    assert on_ray == local
