"""Fallback workers forked from a warm template process instead of started afresh (Linux:
fork and Unix SEQPACKET sockets; elsewhere the pool starts fresh interpreters).

A fresh interpreter spends ~0.5 s of CPU importing sympy before its first pair, and so
does every replacement of a worker killed at a timeout. The template (``python -m
mathb._fallback_worker template CTRL_FD MEMORY_LIMIT``, a fresh interpreter itself, so it
never imports the caller's ``__main__``) imports and warms sympy once, then forks a worker
per request in milliseconds. Requests go over a Unix socket, with the worker's two pipe
ends passed as file descriptors; the template's children are reaped by the kernel (it
ignores SIGCHLD), so a worker's exit code is not known to the pool.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

#: Seconds the template may take to import sympy and warm up before the pool gives up on it.
READY_TIMEOUT = 60.0


def _template_command(ctrl_fd: int, memory_limit: int | None) -> list[str]:
    args = ["template", str(ctrl_fd), str(memory_limit or 0)]
    return [sys.executable, "-m", "mathb._fallback_worker", *args]


class ForkedProcess:
    """A worker forked by the template, with the part of `subprocess.Popen` the pool uses."""

    def __init__(self, pid: int, args: list[str]) -> None:
        self.pid = pid
        self.args = args
        self.stdout = None  # the template's, which is DEVNULL
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:  # exited and reaped; its code is the template's to know
                self.returncode = -1
            except PermissionError:  # the pid was reused by a process of another user
                self.returncode = -1
        return self.returncode

    def kill(self) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def wait(self, timeout: float | None = None) -> int:
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while (code := self.poll()) is None:
            if time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(self.args, timeout or 0.0)
            time.sleep(0.005)
        return code


class Template:
    """The template process of one pool."""

    def __init__(self, memory_limit: int | None, env: dict[str, str]) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.args = _template_command(theirs.fileno(), memory_limit)
        try:
            self.process = subprocess.Popen(
                self.args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,  # what workers print never mixes with the caller's
                pass_fds=(theirs.fileno(),),
                env=env,
            )
        finally:
            theirs.close()
        self.ctrl = ours
        self.ctrl.settimeout(READY_TIMEOUT)
        try:
            ready = self.ctrl.recv(16)
        except OSError:
            ready = b""
        if ready != b"ready":
            self.stop()
            raise OSError("the fallback's template process did not start")
        self.ctrl.settimeout(10.0)

    def fork(self, to_child: int, from_child: int) -> ForkedProcess:
        """A new worker reading jobs from `to_child` and answering on `from_child`."""
        socket.send_fds(self.ctrl, [b"fork"], [to_child, from_child])
        reply = self.ctrl.recv(32)
        if not reply.isdigit():
            raise OSError("the fallback's template process stopped")
        return ForkedProcess(int(reply), self.args)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self.ctrl.close()  # the template sees the end of its requests and exits
        kill_and_wait(self.process)


def kill_and_wait(process: subprocess.Popen[bytes] | ForkedProcess) -> None:
    """Kills `process` if it still runs and waits up to 5 s for it to be gone."""
    if process.poll() is None:
        process.kill()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        pass


def serve(ctrl_fd: int, memory_limit: int | None, work: Any) -> int:
    """The template's loop: warm up, then fork a worker running `work(channel)` per request.

    Runs in the template process; `work` is `fallback._worker_main` bound to the limit."""
    from multiprocessing.connection import Connection

    from .fallback import Channel
    from .sympy_judge import judge

    ctrl = socket.socket(fileno=ctrl_fd)
    judge("x+1", "1+x")  # imports and warm-up, once for every worker forked from here
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers
    ctrl.send(b"ready")
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(ctrl, 16, 2)
        except (OSError, KeyboardInterrupt):
            return 0
        if message != b"fork" or len(fds) != 2:
            return 0  # the pool closed its end (or spoke nonsense): stop
        pid = os.fork()
        if pid == 0:  # the worker
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            ctrl.close()
            channel = Channel(
                Connection(fds[0], writable=False), Connection(fds[1], readable=False)
            )
            try:
                work(channel, memory_limit, warm=False)
            except (EOFError, BrokenPipeError, KeyboardInterrupt):
                pass
            os._exit(0)
        for fd in fds:
            os.close(fd)
        try:
            ctrl.send(str(pid).encode())
        except OSError:
            return 0
