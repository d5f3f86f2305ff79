"""One sympy fallback worker: ``python -m mathb._fallback_worker IN_FD OUT_FD MEMORY_LIMIT``,
or the template that forks them: ``python -m mathb._fallback_worker template CTRL_FD
MEMORY_LIMIT`` (see `mathb.fallback_template`).

Started by `mathb.fallback.SympyFallback` as a fresh interpreter (never a multiprocessing
child), so it imports nothing of the caller's ``__main__``; the caller's ``sys.path``
(environment variable ``MATHB_FALLBACK_SYS_PATH``, JSON) is appended to its own.
It reads pickled jobs from file descriptor IN_FD and writes pickled results to OUT_FD
(`multiprocessing.connection` framing): first ``("ready",)``, then
``(key, status, reason, recycle)`` per ``(key, gold, answer)`` job, until a ``None`` job or
the end of its input.
"""

from __future__ import annotations

import os
import sys
from multiprocessing.connection import Connection


def main(argv: list[str]) -> int:
    template = argv[:1] == ["template"]
    in_fd, out_fd, memory_limit = (
        (int(argv[1]), -1, int(argv[2])) if template else (int(a) for a in argv)
    )
    from .fallback import SYS_PATH_VARIABLE, Channel, _worker_main

    if parent_path := os.environ.get(SYS_PATH_VARIABLE):
        import json

        sys.path.extend(p for p in json.loads(parent_path) if p not in sys.path)
    if template:
        from .fallback_template import serve

        return serve(in_fd, memory_limit or None, _worker_main)

    channel = Channel(Connection(in_fd, writable=False), Connection(out_fd, readable=False))
    try:
        _worker_main(channel, memory_limit or None)
    except (EOFError, BrokenPipeError, KeyboardInterrupt):  # the parent went away
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
