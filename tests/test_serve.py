"""`mathb serve`: a real server process hit over HTTP by concurrent clients, with
OpenRLHF's remote-reward request shape; its health endpoint and graceful shutdown."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import mathb
import pytest

pytest.importorskip("aiohttp", reason="mathb serve needs the serve extra (aiohttp)")

GOLDS = ["\\frac{1}{2}", "42", "x^2+1", "7", "3"]
RESPONSES = [
    " so the answer is $\\boxed{0.5}$",
    " the answer is $\\boxed{41}$",
    " expanding gives $\\boxed{1+x^2}$",
    " I cannot finish this",
    " the prompt said 3 but the answer is \\boxed{4}",
]


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mathb", "serve", "--port", "0", "--no-fallback"],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    seen = []
    found = None
    while found is None and len(seen) < 50:  # warnings may come first
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
        found = re.search(r"listening on (http://\S+)", line)
    if found is None:
        proc.kill()
        pytest.fail("mathb serve did not start:\n" + "".join(seen))
    yield proc, found.group(1)
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def post(url: str, body: Any) -> tuple[int, dict[str, Any]]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(
        url + "/get_reward", data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_get_reward_and_health(server: tuple[subprocess.Popen[str], str]) -> None:
    _, url = server
    prompts = [f"Problem {i}: what is it (maybe 3)?" for i in range(len(GOLDS))]
    status, out = post(
        url,
        {"query": [p + r for p, r in zip(prompts, RESPONSES)], "prompts": prompts, "labels": GOLDS},
    )
    assert status == 200
    expected = [1.0 if v.correct else 0.0 for v in mathb.grade_batch(GOLDS, RESPONSES)]
    assert out["rewards"] == expected == [1.0, 0.0, 1.0, 0.0, 0.0]
    assert out["scores"] == expected
    assert out["extra_logs"]["mathb_no_answer"] == [0.0, 0.0, 0.0, 1.0, 0.0]
    with urllib.request.urlopen(url + "/health", timeout=10) as r:
        health = json.loads(r.read())
    assert health["status"] == "ok" and health["version"] == mathb.__version__
    assert health["graded"] >= len(GOLDS)


def test_bad_requests_are_400_with_the_reason(server: tuple[subprocess.Popen[str], str]) -> None:
    _, url = server
    status, out = post(url, {"query": ["a"], "labels": ["1", "2"]})
    assert status == 400 and "differ in length" in out["error"]
    status, out = post(url, {"labels": ["1"]})
    assert status == 400 and "'query' must be a list" in out["error"]
    status, out = post(url, {"query": ["\\boxed{1}"], "labels": [None]})
    assert status == 400 and "None" in out["error"]
    status, out = post(url, [1, 2])
    assert status == 400


def test_concurrent_clients_get_their_own_rewards(
    server: tuple[subprocess.Popen[str], str],
) -> None:
    _, url = server

    def client(k: int) -> list[float]:
        golds = [str(i) for i in range(k, k + 64)]
        queries = [f"so \\boxed{{{i if i % 3 else i + 1}}}" for i in range(k, k + 64)]
        status, out = post(url, {"query": queries, "labels": golds})
        assert status == 200
        rewards: list[float] = out["rewards"]
        return rewards

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(client, range(0, 3200, 100)))
    for k, rewards in zip(range(0, 3200, 100), results):
        assert rewards == [0.0 if i % 3 == 0 else 1.0 for i in range(k, k + 64)]


def test_sigterm_stops_gracefully(server: tuple[subprocess.Popen[str], str]) -> None:
    proc, url = server
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert proc.stderr is not None
    assert "mathb serve: stopped after" in proc.stderr.read()


def test_missing_extra_is_a_clear_error(tmp_path: Any) -> None:
    # A `aiohttp` that fails to import stands for the extra not being installed.
    (tmp_path / "aiohttp").mkdir()
    (tmp_path / "aiohttp" / "__init__.py").write_text("raise ImportError('absent')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "mathb", "serve", "--port", "0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "pip install 'mathb[serve]'" in result.stderr
    assert time.monotonic() - started < 60
