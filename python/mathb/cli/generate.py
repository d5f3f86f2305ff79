"""`mathb generate`: its arguments, and the sampling, engine and endpoint options that
`mathb eval --model` shares with it."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from .. import InvalidArgumentError
from ..argtypes import non_negative_int, positive_int
from ..prompts import DEFAULT_PROMPT_TEMPLATE, check_template
from .command import Command, ExitStatus

if TYPE_CHECKING:
    from ..generate import Sampler, Sampling


def configure(p: argparse.ArgumentParser) -> None:
    """The arguments of `mathb generate`."""
    p.add_argument("--model", required=True, metavar="PATH_OR_ID", help="model path or HF id")
    p.add_argument(
        "--problems",
        required=True,
        metavar="FILE",
        help="JSONL, CSV or Parquet with `problem` (or `question`) and `answer` (ids: "
        "problem_id/id/idx/unique_id, else the 0-based row)",
    )
    p.add_argument(
        "--problem-field",
        metavar="F",
        help="column of the problem statement (default: problem, else question)",
    )
    p.add_argument(
        "--answer-field", metavar="F", help="column of the gold answer (default: answer)"
    )
    p.add_argument(
        "--out", required=True, metavar="PATH", help="samples file (JSON Lines; required)"
    )
    p.add_argument("--n", type=positive_int, default=1, help="samples per problem (default: 1)")
    p.add_argument(
        "--first-sample",
        type=non_negative_int,
        default=0,
        metavar="I",
        help="generate samples I .. I+n-1 (a shard; default: 0)",
    )
    p.add_argument("--seed", type=non_negative_int, default=0, help="run seed (default: 0)")
    p.add_argument(
        "--limit",
        type=positive_int,
        metavar="N",
        help="only the first N problems (default: all)",
    )
    add_sampling_arguments(p)
    add_engine_arguments(p)
    add_endpoint_arguments(p)
    add_cluster_arguments(p, "sample")
    p.add_argument(
        "--actors",
        type=positive_int,
        metavar="N",
        help="with --ray: vLLM engines on the cluster (default: its GPUs over tensor x "
        "pipeline parallel size; without GPUs, one CPU engine per node)",
    )
    p.add_argument(
        "--grade",
        action="store_true",
        help="grade samples as they arrive (adds status, reason; default: not graded)",
    )
    p.add_argument(
        "-q", "--quiet", action="store_true", help="no progress on stderr (default: progress)"
    )


def add_sampling_arguments(p: argparse.ArgumentParser) -> None:
    """--temperature, --top-p, --max-tokens, --prompt-template, --no-chat-template."""
    sampling = p.add_argument_group("sampling")
    sampling.add_argument(
        "--temperature", type=float, default=0.6, metavar="T", help="(default: 0.6)"
    )
    sampling.add_argument(
        "--top-p", type=float, default=0.95, metavar="P", help="nucleus mass (default: 0.95)"
    )
    sampling.add_argument(
        "--max-tokens",
        type=positive_int,
        default=3072,
        metavar="N",
        help="longest completion, in tokens (default: 3072)",
    )
    sampling.add_argument(
        "--prompt-template",
        default=DEFAULT_PROMPT_TEMPLATE,
        metavar="TEXT",
        help="user message; {problem} is replaced by the problem (default: the problem and "
        "'Please reason step by step, and put your final answer within \\boxed{}.')",
    )
    sampling.add_argument(
        "--no-chat-template",
        dest="chat_template",
        action="store_false",
        help="send the prompt as raw text (base models without a chat template; "
        "default: the model's chat template)",
    )


def add_engine_arguments(p: argparse.ArgumentParser) -> None:
    """The options of vLLM's offline engine."""
    engine = p.add_argument_group("offline engine (vllm.LLM)")
    engine.add_argument(
        "--tensor-parallel-size", type=positive_int, default=1, metavar="N", help="(default: 1)"
    )
    engine.add_argument(
        "--data-parallel-size", type=positive_int, default=1, metavar="N", help="(default: 1)"
    )
    engine.add_argument("--dtype", default="auto", help="weights dtype (default: auto)")
    engine.add_argument("--max-model-len", type=positive_int, metavar="N", help="(default: vLLM's)")
    engine.add_argument(
        "--gpu-memory-utilization", type=float, metavar="F", help="(default: vLLM's)"
    )
    engine.add_argument(
        "--enforce-eager", action="store_true", help="no CUDA graphs (default: vLLM's)"
    )
    engine.add_argument(
        "--engine-arg",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="any other vllm.LLM argument; VALUE is read as JSON when it parses "
        "(--engine-arg max_num_seqs=128 --engine-arg enable_prefix_caching=true; "
        "default: none)",
    )
    engine.add_argument(
        "--batch-samples",
        type=positive_int,
        default=4096,
        metavar="N",
        help="samples per engine call; each call's output is written before the next "
        "(default: 4096)",
    )


def add_endpoint_arguments(p: argparse.ArgumentParser) -> None:
    """The options of an OpenAI-compatible server (`--endpoint` and its client settings)."""
    endpoint = p.add_argument_group("endpoint (an OpenAI-compatible server such as vllm serve)")
    endpoint.add_argument(
        "--endpoint",
        metavar="URL",
        help="server base URL, e.g. http://localhost:8000/v1 (default: vLLM in this process)",
    )
    endpoint.add_argument(
        "--api",
        choices=("chat", "completions"),
        default="chat",
        help="/chat/completions (the server applies the chat template) or /completions "
        "(raw prompt) (default: chat)",
    )
    endpoint.add_argument(
        "--concurrency",
        type=positive_int,
        default=32,
        metavar="N",
        help="requests in flight (default: 32)",
    )
    endpoint.add_argument(
        "--retries",
        type=non_negative_int,
        default=5,
        metavar="N",
        help="retries of a failed request (default: 5)",
    )
    endpoint.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="per request (default: 600)",
    )
    endpoint.add_argument(
        "--api-key", metavar="KEY", help="bearer token (default: $OPENAI_API_KEY if set)"
    )


def add_cluster_arguments(p: argparse.ArgumentParser, verb: str) -> None:
    """--ray [ADDRESS], in its own group."""
    cluster = p.add_argument_group(
        "cluster", f"{verb} on a Ray cluster (pip install 'mathb[ray]'; see the README)"
    )
    cluster.add_argument(
        "--ray",
        nargs="?",
        const="auto",
        metavar="ADDRESS",
        help=f"{verb} on the Ray cluster at ADDRESS ('auto': the one this machine belongs to, "
        "else a new local one) with the same results as here (default: here)",
    )


def sampling_of(args: argparse.Namespace) -> Sampling:
    """The sampling settings of parsed arguments, checked."""
    from ..generate import Sampling

    check_template(args.prompt_template)
    if not 0.0 < args.top_p <= 1.0:
        raise InvalidArgumentError(f"--top-p must lie in (0, 1], got {args.top_p}")
    if args.temperature < 0:
        raise InvalidArgumentError(f"--temperature must be >= 0, got {args.temperature}")
    return Sampling(args.temperature, args.top_p, args.max_tokens)


def sampler_of(
    args: argparse.Namespace, model: str, sampling: Sampling, endpoint: str | None
) -> Sampler:
    """The sampler the arguments ask for: an endpoint client when `endpoint` is given,
    else the offline engine loaded with `model` (which takes a while)."""
    from ..samplers import EndpointSampler, OfflineSampler

    ray = getattr(args, "ray", None)
    if ray is not None:
        if endpoint is not None:
            raise InvalidArgumentError(
                "--ray samples with vLLM engines on the cluster and --endpoint with a server: "
                "give one"
            )
        from ..distributed_generation import RaySampler

        return RaySampler(
            model,
            sampling=sampling,
            chat_template=args.chat_template,
            engine_options=engine_options(args),
            address=None if ray == "auto" else ray,
            actors=getattr(args, "actors", None),
        )
    if endpoint is not None:
        return EndpointSampler(
            endpoint,
            model=model,
            sampling=sampling,
            api=args.api if args.chat_template else "completions",
            concurrency=args.concurrency,
            retries=args.retries,
            timeout=args.timeout,
            api_key=args.api_key or os.environ.get("OPENAI_API_KEY"),
        )
    return OfflineSampler(
        model,
        sampling=sampling,
        chat_template=args.chat_template,
        batch_samples=args.batch_samples,
        engine_options=engine_options(args),
    )


def engine_options(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of `vllm.LLM` that the engine options ask for."""
    options: dict[str, Any] = {"dtype": args.dtype}
    if args.tensor_parallel_size > 1:
        options["tensor_parallel_size"] = args.tensor_parallel_size
    if args.data_parallel_size > 1:
        options["data_parallel_size"] = args.data_parallel_size
    if args.max_model_len is not None:
        options["max_model_len"] = args.max_model_len
    if args.gpu_memory_utilization is not None:
        options["gpu_memory_utilization"] = args.gpu_memory_utilization
    if args.enforce_eager:
        options["enforce_eager"] = True
    import json

    for item in args.engine_arg:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InvalidArgumentError(f"--engine-arg wants KEY=VALUE, got {item!r}")
        try:
            options[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            options[key.strip()] = value
    return options


def run(args: argparse.Namespace) -> ExitStatus:
    """Runs `mathb generate` on parsed arguments."""
    from pathlib import Path  # imported here: other commands start without it

    from ..generate import generate, load_problems

    sampling = sampling_of(args)
    out = Path(args.out)
    if out.is_dir() or not out.parent.is_dir():
        raise InvalidArgumentError(f"cannot write {out}: not a file in an existing directory")
    problems = load_problems(
        args.problems,
        limit=args.limit,
        problem_field=args.problem_field,
        answer_field=args.answer_field,
    )
    if args.actors is not None and args.ray is None:
        raise InvalidArgumentError("--actors sets the engines of a --ray run: add --ray")
    sampler = sampler_of(args, args.model, sampling, args.endpoint)
    try:
        result = generate(
            problems,
            sampler,
            out,
            model=args.model,
            sampling=sampling,
            n=args.n,
            run_seed=args.seed,
            first_sample=args.first_sample,
            template=args.prompt_template,
            grade=args.grade,
            progress_stream=None if args.quiet else sys.stderr,
        )
    finally:
        close = getattr(sampler, "close", None)
        if close is not None:
            close()
    if not args.quiet:
        sys.stderr.write(
            f"mathb generate: {result.written:,} samples written to {out} "
            f"({result.skipped:,} already there), {result.seconds:.1f} s, "
            f"{result.tokens_per_second:,.0f} tokens/s\n"
        )
    return ExitStatus.SUCCESS


COMMAND = Command(
    "generate",
    "sample completions with vLLM (offline or an OpenAI-compatible server), resumably",
    configure,
    run,
)
