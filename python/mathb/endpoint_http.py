"""POSTs to an OpenAI-compatible server with retries: what `mathb generate --endpoint` and
the judge share. The stdlib's urllib: mathb keeps no HTTP dependency."""

from __future__ import annotations

import json
import random
import time
import urllib.error
import urllib.request
from http.client import HTTPException
from typing import Any

from . import MathbError


class EndpointError(MathbError):
    """The server refused a request, or kept failing after every retry."""


def chat_url(base: str, api: str = "chat") -> str:
    """The `/v1/chat/completions` (or `/v1/completions`) URL of a server's base URL, given
    with or without its `/v1`."""
    url = base.rstrip("/")
    if not url.endswith("/v1"):
        url += "/v1"
    return url + ("/chat/completions" if api == "chat" else "/completions")


def post_json(
    url: str,
    payload: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    retries: int,
    backoff: float = 0.5,
) -> dict[str, Any]:
    """The JSON object the server replies to `payload`. Connection errors, timeouts, replies
    cut short, invalid JSON, HTTP 408 / 409 / 429 and 5xx are retried up to `retries` times,
    after `backoff` × 2^attempt seconds (at most 30, with jitter); any other HTTP error, or
    the last failure, raises EndpointError."""
    attempt = 0
    while True:
        http = urllib.request.Request(url, data=payload, headers=headers)
        try:
            with urllib.request.urlopen(http, timeout=timeout) as response:
                reply = json.loads(response.read())
            if not isinstance(reply, dict):
                raise EndpointError(f"{url}: reply is not a JSON object")
            return reply
        except urllib.error.HTTPError as e:
            detail = e.read()[:500].decode("utf-8", "replace")
            if e.code not in (408, 409, 429) and e.code < 500:
                raise EndpointError(f"{url}: HTTP {e.code}: {detail}") from None
            problem = f"HTTP {e.code}: {detail}"
        except (urllib.error.URLError, TimeoutError, ConnectionError, HTTPException) as e:
            # HTTPException: a reply cut short (IncompleteRead), a malformed status line.
            problem = f"{type(e).__name__}: {e}"
        except json.JSONDecodeError as e:
            problem = f"invalid JSON in the reply ({e.msg})"
        if attempt >= retries:
            raise EndpointError(f"{url}: gave up after {attempt + 1} attempts; last: {problem}")
        # Exponential backoff with jitter, so many threads do not retry in lockstep.
        time.sleep(min(30.0, backoff * 2**attempt) * (0.5 + random.random()))
        attempt += 1


__all__ = ["EndpointError", "chat_url", "post_json"]
