"""`mathb serve`: an HTTP reward server with OpenRLHF's remote-reward shape.

``POST /get_reward`` takes ``{"query": [...], "prompts": [...], "labels": [...]}`` (each
query the prompt followed by the response; ``prompts`` optional) and answers ``{"rewards",
"scores", "extra_logs"}``; ``GET /health`` answers ``{"status": "ok", …}``. The rows of
concurrent requests are graded together in `grade_batch` calls, in a worker thread, so the
server keeps accepting while it grades. SIGTERM or SIGINT stops it gracefully: it stops
listening, finishes the requests in flight, then exits. Built on aiohttp (the `serve` extra).
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import InvalidArgumentError, MissingExtraError, __version__
from .batching import CoalescingGrader
from .integrations.openrlhf import response_of, rewards_of
from .integrations.rewards import Scores, as_gold

if TYPE_CHECKING:
    from aiohttp import web

#: Largest request body accepted: a batch of 2,048 long completions is tens of megabytes.
DEFAULT_MAX_REQUEST_MB = 256


def require_aiohttp() -> None:
    """Raises `MissingExtraError` unless aiohttp (the `serve` extra) imports."""
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        raise MissingExtraError("mathb serve needs aiohttp: pip install 'mathb[serve]'") from None


class RewardServer:
    """The application: grading options and scores, and counters for ``/health``."""

    def __init__(self, options: dict[str, Any], scores: Scores) -> None:
        self.options = options
        self.scores = scores
        self.grader = CoalescingGrader()
        self.requests = 0
        self.graded = 0

    def app(self, max_request_mb: int = DEFAULT_MAX_REQUEST_MB) -> web.Application:
        from aiohttp import web

        app = web.Application(client_max_size=max_request_mb << 20)
        app.router.add_post("/get_reward", self.get_reward)
        app.router.add_get("/health", self.health)
        return app

    async def health(self, request: web.Request) -> web.Response:
        from aiohttp import web

        return web.json_response(
            {
                "status": "ok",
                "version": __version__,
                "requests": self.requests,
                "graded": self.graded,
                "batches": self.grader.batches,
            }
        )

    async def get_reward(self, request: web.Request) -> web.Response:
        from aiohttp import web

        try:
            body = await request.json()
            queries, prompts, labels = _rows(body)
        except ValueError as e:  # bad JSON, or not the remote-reward shape
            return web.json_response({"error": str(e)}, status=400)
        responses = [response_of(q, p) for q, p in zip(queries, prompts)]
        try:
            verdicts = await asyncio.gather(
                *(
                    self.grader.grade(as_gold(label), response, **self.options)
                    for label, response in zip(labels, responses)
                )
            )
        except (InvalidArgumentError, TypeError) as e:  # a label or query mathb cannot take
            return web.json_response({"error": str(e)}, status=400)
        self.requests += 1
        self.graded += len(verdicts)
        return web.json_response(rewards_of(verdicts, self.scores))


def _rows(body: Any) -> tuple[list[Any], list[Any], list[Any]]:
    if not isinstance(body, dict):
        raise ValueError('the body must be a JSON object {"query": [...], "labels": [...]}')
    queries, labels = body.get("query"), body.get("labels")
    prompts = body.get("prompts")
    for name, value in (("query", queries), ("labels", labels)):
        if not isinstance(value, list):
            raise ValueError(f"{name!r} must be a list, not {type(value).__name__}")
    assert isinstance(queries, list) and isinstance(labels, list)
    if prompts is None:
        prompts = [""] * len(queries)
    if not isinstance(prompts, list):
        raise ValueError(f"'prompts' must be a list, not {type(prompts).__name__}")
    if not (len(queries) == len(prompts) == len(labels)):
        raise ValueError(
            f"query, prompts and labels differ in length: {len(queries)}, {len(prompts)}, "
            f"{len(labels)}"
        )
    bad = next((i for i, q in enumerate(queries) if not isinstance(q, str)), None)
    if bad is None:
        bad = next((i for i, p in enumerate(prompts) if not isinstance(p, str)), None)
    if bad is not None:
        raise ValueError(f"row {bad}: queries and prompts must be strings")
    return queries, prompts, labels


async def serve(
    server: RewardServer,
    host: str,
    port: int,
    *,
    max_request_mb: int = DEFAULT_MAX_REQUEST_MB,
    shutdown_timeout: float = 60.0,
    on_ready: Callable[[str, int], None] | None = None,
) -> None:
    """Serves until SIGTERM or SIGINT, then shuts down gracefully (requests in flight are
    answered, for at most `shutdown_timeout` seconds). `on_ready(host, port)` is called
    once listening (the port chosen by the system when `port` is 0)."""
    from aiohttp import web

    runner = web.AppRunner(server.app(max_request_mb), shutdown_timeout=shutdown_timeout)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            pass
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
        if on_ready is not None:
            on_ready(str(bound_host), int(bound_port))
        await stop.wait()
    finally:
        await runner.cleanup()


def run_server(
    options: dict[str, Any],
    scores: Scores,
    host: str,
    port: int,
    max_request_mb: int = DEFAULT_MAX_REQUEST_MB,
) -> None:
    """`mathb serve`: serves in this thread until stopped, announcing the address on stderr."""
    require_aiohttp()  # the missing extra is reported before anything starts

    def ready(bound_host: str, bound_port: int) -> None:
        print(
            f"mathb serve: listening on http://{bound_host}:{bound_port} "
            "(POST /get_reward, GET /health)",
            file=sys.stderr,
            flush=True,
        )

    server = RewardServer(options, scores)
    asyncio.run(serve(server, host, port, max_request_mb=max_request_mb, on_ready=ready))
    print(
        f"mathb serve: stopped after {server.requests} requests, {server.graded} rewards",
        file=sys.stderr,
    )


__all__ = ["DEFAULT_MAX_REQUEST_MB", "RewardServer", "run_server", "serve"]
