"""Shared pytest fixtures: the test-data folder, a runner for the `mathb` command line and a
local Ray cluster."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# CI runs the same examples every time, so a red build always reproduces.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    """tests/data, the small checked-in dumps."""
    return DATA_DIR


@pytest.fixture
def run_mathb(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Runs `python -m mathb ARGS…` in `tmp_path` and returns the completed process."""

    def run(
        *args: str | os.PathLike[str], cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mathb", *map(str, args)],
            check=False,
            cwd=cwd or tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    return run


@pytest.fixture
def write_jsonl(tmp_path: Path) -> Callable[..., Path]:
    """Writes records (dicts, or raw strings taken verbatim) as a JSON Lines file in tmp_path."""

    def write(name: str, records: Iterable[dict[str, Any] | str]) -> Path:
        path = tmp_path / name
        lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return path

    return write


def read_jsonl(path: Path | str) -> list[dict[str, Any]]:
    """The records of a JSON Lines file (or text), blank lines skipped."""
    text = Path(path).read_text(encoding="utf-8") if isinstance(path, Path) else path
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def ray_head(log: Path, cpus: int = 4) -> Iterator[str]:
    """A Ray head on 127.0.0.1 with `cpus` logical CPUs (its log in `log`); its address.

    `ray start --block` runs in a session of its own, and every process of that session (the
    head's services, the workers and what they started) is killed on exit: `ray stop` would
    stop every Ray cluster of the machine, not just this one."""
    ray_cli = shutil.which("ray", path=os.path.dirname(sys.executable)) or shutil.which("ray")
    assert ray_cli is not None, "the ray command is not installed beside ray"
    port = free_port()
    start = [
        ray_cli,
        "start",
        "--head",
        "--block",
        f"--port={port}",
        "--node-ip-address=127.0.0.1",
        f"--num-cpus={cpus}",
        "--include-dashboard=false",
        "--disable-usage-stats",
    ]
    # A throwaway cluster on loopback: no token to hand to the drivers.
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}
    with log.open("w") as out:
        head = subprocess.Popen(
            start, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 120
        while "Ray runtime started" not in log.read_text(errors="replace"):
            assert head.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "the Ray head did not start in 120 s"
            time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        kill_session(head.pid)
        head.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local Ray head with 4 CPUs (`ray_head`) for the module's tests, stopped after them,
    pass or fail."""
    with ray_head(tmp_path_factory.mktemp("ray") / "head.log") as address:
        yield address


def kill_session(sid: int) -> None:
    """SIGKILLs every process of session `sid` (Ray's workers lead process groups of their
    own, so killing the head's group would leave them)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # Fields after the parenthesised command: state, ppid, pgrp, session, …
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[3]) == sid:
            try:
                os.kill(int(entry.name), signal.SIGKILL)
            except ProcessLookupError:
                pass
