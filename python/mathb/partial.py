"""The settings beside a partial verdicts file. A run that writes `<output>.partial` also
writes `<output>.partial.json` with what decides its verdicts (input, fields, grading
options, `on_error`, fallback); `resume` refuses to continue a partial file under other
settings, which would mix two runs' verdicts in one file. Both go when the run succeeds."""

from __future__ import annotations

import os
from typing import Any

from . import InvalidArgumentError


def _settings_path(output: str) -> str:
    return f"{output}.partial.json"


def _writes_partial(output: str) -> bool:
    # A device or a pipe (`/dev/null`) is written in place, with no partial file.
    return not os.path.exists(output) or os.path.isfile(output)


def begin(output: str, settings: dict[str, Any], resume: bool) -> None:
    """Checks the settings of the partial file a resumed run continues, and records those
    of this run."""
    if not _writes_partial(output):
        return
    import json  # only runs that write a verdicts file need it

    path = _settings_path(output)
    if resume and os.path.exists(f"{output}.partial") and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            before = json.load(f)
        changed = sorted(k for k in set(before) | set(settings) if before.get(k) != settings.get(k))
        if changed:
            raise InvalidArgumentError(
                f"cannot resume {output}.partial: it was written with other settings "
                f"({', '.join(changed)} differ); give the same ones, or drop --resume to "
                "start over"
            )
        return
    with open(path, "w", encoding="utf-8") as f:
        json.dump(settings, f, indent=2, sort_keys=True)


def end(output: str) -> None:
    """Removes the settings once their partial file is gone (renamed into place, or removed
    by a failed run); a partial file left to resume keeps them."""
    if _writes_partial(output) and not os.path.exists(f"{output}.partial"):
        try:
            os.unlink(_settings_path(output))
        except FileNotFoundError:
            pass
