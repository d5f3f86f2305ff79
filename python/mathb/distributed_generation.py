"""Generation across a Ray cluster: Ray Data's vLLM processor (`ray.data.llm.build_processor`
with `vLLMEngineProcessorConfig`) samples the requests of `mathb.generate.plan_requests` on
engine replicas of the cluster, and the driver gets each sample back as the local engine gives
it. `mathb.generate.generate` writes them, so prompts, seeds, records, resume and order are
those of a local run."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Sequence
from typing import Any

from . import InvalidArgumentError, MissingExtraError
from .generate import Sample, SampleRequest, Sampling
from .samplers import cpu_engine_options, prompt_token_ids

#: Rows per engine call (Ray Data's default); 8 calls in flight per engine fill vLLM's 256
#: sequences.
DEFAULT_BATCH_SIZE = 32


class RaySampler:
    """Samples on the vLLM engines of a Ray cluster. Every sample is its own `n = 1` request
    with its own seed: vLLM gives sample i of an `n, seed = s` request the seed s + i, so the
    samples are those of the local engine (Ray Data's vLLM stage keeps only the first output of
    a request, so one request cannot carry n samples).

    The prompt is rendered and tokenized here, once per problem, with the code the local engine
    uses, and the engines get the token ids; the completion text is the engine's own
    detokenization. Ray Data's chat-template, tokenize and detokenize stages are off."""

    def __init__(
        self,
        model: str,
        *,
        sampling: Sampling,
        chat_template: bool = True,
        engine_options: dict[str, Any] | None = None,
        address: str | None = None,
        actors: int | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        self.model = model
        self.sampling = sampling
        self.chat_template = chat_template
        self.engine_options = dict(engine_options or {})
        self.address = address
        self.actors = actors
        self.batch_size = batch_size
        self._started_ray = False

    def close(self) -> None:
        """Disconnects from the cluster when this sampler connected to it."""
        if self._started_ray:
            import ray

            ray.shutdown()
            self._started_ray = False

    def run(self, requests: Sequence[SampleRequest]) -> Iterator[list[Sample]]:
        ray, build_processor, config_class = _require_ray_llm()
        tokenizer = self._tokenizer()
        stop_ids = _stop_token_ids(tokenizer, self.engine_options, self.model)
        if not ray.is_initialized():
            ray.init(address=self.address, log_to_driver=False, logging_level="ERROR")
            self._started_ray = True
        from .distributed import quiet_ray_data

        quiet_ray_data(ray)
        processor = build_processor(
            config_class(**self.processor_config(ray)),
            preprocess=functools.partial(_engine_row, self.sampling.as_record()),
            postprocess=_sample_row,
        )
        ids: dict[str, list[int]] = {}
        rows = []
        for j, r in enumerate(requests):
            prompt = ids.get(r.prompt)
            if prompt is None:
                prompt = ids[r.prompt] = prompt_token_ids(
                    tokenizer, r.prompt, chat_template=self.chat_template
                )
            rows.append({"request": j, "prompt": prompt, "count": r.count})
        # One row per request here, one per sample on the cluster: the driver holds a
        # problem's prompt once, not once per sample.
        dataset = ray.data.from_items(rows).flat_map(
            functools.partial(_expand, [r.seed for r in requests])
        )
        seen: set[tuple[int, int]] = set()
        for batch in processor(dataset).iter_batches(batch_size=None, batch_format="numpy"):
            samples = []
            for j, i, text, last, prompt_tokens, tokens in zip(
                batch["request"],
                batch["index"],
                batch["text"],
                batch["last_token"],
                batch["prompt_tokens"],
                batch["completion_tokens"],
            ):
                key = (int(j), int(i))
                if key in seen:  # a retried block's row that already came back
                    continue
                seen.add(key)
                # vLLM ends a request at a stop token (kept in its token ids) or at the length
                # cap; no stop strings are asked for, so the last token tells which.
                finish = "stop" if int(last) in stop_ids else "length"
                samples.append(
                    Sample(
                        requests[key[0]],
                        key[1],
                        str(text),
                        finish,
                        int(prompt_tokens),
                        int(tokens),
                    )
                )
            if samples:
                yield samples
        expected = sum(r.count for r in requests)
        if len(seen) != expected:
            raise RuntimeError(f"the cluster returned {len(seen)} of {expected} samples")

    def processor_config(self, ray: Any) -> dict[str, Any]:
        """The keyword arguments of `vLLMEngineProcessorConfig` for this cluster: engines on
        its GPUs (tensor x pipeline parallel GPUs each), or, on a cluster without GPUs,
        vLLM's CPU build on one engine per node, each holding one CPU slot."""
        options = dict(self.engine_options)
        per_engine = int(options.get("tensor_parallel_size", 1)) * int(
            options.get("pipeline_parallel_size", 1)
        )
        gpus = int(ray.cluster_resources().get("GPU", 0))
        config: dict[str, Any] = {}
        if gpus == 0:
            cpu_engine_options(options)
            # Without a placement group Ray Data asks one GPU per engine, which a CPU-only
            # cluster never grants; a CPU bundle schedules the engine on a CPU slot instead.
            config["placement_group_config"] = {"bundles": [{"CPU": 1}] * per_engine}
            default = sum(1 for node in ray.nodes() if node.get("Alive"))
        else:
            default = gpus // per_engine
            if default == 0:
                raise InvalidArgumentError(
                    f"an engine needs {per_engine} GPUs (tensor x pipeline parallel size); "
                    f"the cluster has {gpus}"
                )
        engines = self.actors or max(1, default)
        env = {k: v for k, v in os.environ.items() if k.startswith("VLLM_")}
        config.update(
            model_source=self.model,
            engine_kwargs=options,
            batch_size=self.batch_size,
            concurrency=(engines, engines),  # a fixed pool: every engine loads once
            chat_template_stage=False,
            tokenize_stage=False,
            detokenize_stage=False,
            # Ray's Prometheus export of vLLM metrics needs Ray Serve, not an extra of mathb.
            log_engine_metrics=False,
            # vLLM reads its settings (VLLM_CPU_KVCACHE_SPACE, …) from the engine's process.
            runtime_env={"env_vars": env} if env else None,
        )
        return config

    def _tokenizer(self) -> Any:
        try:
            from transformers import (  # type: ignore[import-not-found, unused-ignore]
                AutoTokenizer,
            )
        except ImportError:
            raise MissingExtraError(
                "mathb generate --ray needs transformers beside Ray Data: "
                "pip install 'mathb[ray,vllm]'"
            ) from None
        tokenizer = AutoTokenizer.from_pretrained(
            self.engine_options.get("tokenizer") or self.model,
            trust_remote_code=bool(self.engine_options.get("trust_remote_code", False)),
            revision=self.engine_options.get("tokenizer_revision"),
        )
        if self.chat_template and not getattr(tokenizer, "chat_template", None):
            raise InvalidArgumentError(
                f"{self.model} has no chat template; pass --no-chat-template to send raw prompts"
            )
        return tokenizer


def _require_ray_llm() -> tuple[Any, Any, Any]:
    from .distributed import require_ray

    ray = require_ray()
    try:
        from ray.data.llm import build_processor, vLLMEngineProcessorConfig
    except ImportError as e:
        raise MissingExtraError(
            f"mathb generate --ray needs Ray Data LLM and vLLM ({e}): "
            "pip install 'mathb[ray,vllm]' on every node"
        ) from None
    return ray, build_processor, vLLMEngineProcessorConfig


def _stop_token_ids(tokenizer: Any, options: dict[str, Any], model: str) -> set[int]:
    """The tokens vLLM stops at: the tokenizer's EOS and the model's generation config's
    `eos_token_id`s (which vLLM reads unless `generation_config` says otherwise)."""
    ids = {tokenizer.eos_token_id} if tokenizer.eos_token_id is not None else set()
    if options.get("generation_config", "auto") == "auto":
        from transformers import (  # type: ignore[import-not-found, unused-ignore]
            GenerationConfig,
        )

        try:
            config = GenerationConfig.from_pretrained(model)
        except OSError:  # no generation_config.json: vLLM uses its defaults
            return ids
        eos = config.eos_token_id
        ids |= {eos} if isinstance(eos, int) else set(eos or ())
    return ids


def _expand(seeds: list[int], row: dict[str, Any]) -> list[dict[str, Any]]:
    """A request's samples, each its own row with its own seed."""
    j = int(row["request"])
    return [
        {
            "request": j,
            "index": i,
            "tokenized_prompt": list(row["prompt"]),
            "seed": seeds[j] + i,
        }
        for i in range(int(row["count"]))
    ]


def _engine_row(sampling: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    return {"sampling_params": {"n": 1, "seed": int(row["seed"]), **sampling}}


def _sample_row(row: dict[str, Any]) -> dict[str, Any]:
    tokens = row["generated_tokens"]
    return {
        "request": row["request"],
        "index": row["index"],
        "text": row["generated_text"],
        "last_token": int(tokens[-1]) if len(tokens) else -1,
        "prompt_tokens": int(row["num_input_tokens"]),
        "completion_tokens": int(row["num_generated_tokens"]),
    }


__all__ = ["RaySampler"]
