"""A scripted OpenAI-compatible chat endpoint on localhost, for the sampler and eval tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: Given a request body, the reply text, or (HTTP status, error body) to fail the request.
Script = Callable[[dict[str, Any]], "str | tuple[int, bytes]"]


@contextmanager
def openai_stub(script: Script) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Serves /v1/chat/completions-style POSTs answered by `script`; yields the base URL and
    the bodies of the requests it answered."""
    answered: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            outcome = script(body)
            if isinstance(outcome, tuple):
                code, error = outcome
                self.send_response(code)
                self.end_headers()
                self.wfile.write(error)
                return
            answered.append(body)
            reply = {
                "choices": [{"message": {"content": outcome}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 5, "completion_tokens": 3},
            }
            data = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", answered
    finally:
        server.shutdown()
