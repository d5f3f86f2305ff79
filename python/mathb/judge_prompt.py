"""What the judge is asked and how its reply is read: two answers (and the question when the
dump has one) in one user message, and a verdict taken only from a reply whose last line is
exactly `VERDICT: EQUIVALENT` or `VERDICT: NOT_EQUIVALENT`."""

from __future__ import annotations

import re
from typing import Any

#: Bumped whenever the wording changes: cached replies to another wording are not reused.
PROMPT_VERSION = 1
#: The reply's last line, read strictly: anything else is no decision.
_VERDICT_LINE = re.compile(r"VERDICT: (EQUIVALENT|NOT_EQUIVALENT)")
#: How much of a reply a verdict line keeps (the full reply is in the cache file).
WORDS_KEPT = 200

SYSTEM = (
    "You check whether two final answers to a math problem are mathematically equivalent. "
    "They are equivalent when they denote the same value, set, expression or choice, even if "
    "written differently (fractions vs decimals, factored vs expanded, units or wording "
    "around the same quantity). They are not equivalent when they differ in value, when "
    "one is only part of the other, or when one of them does not answer the question."
)


def build_messages(first: str, second: str, question: str | None = None) -> list[dict[str, Any]]:
    """The chat messages asking whether answer A (`first`) and answer B (`second`) are
    equivalent; the judge sees both in each order, so neither position is the reference."""
    parts = []
    if question:
        parts.append(f"Problem:\n{question.strip()}\n")
    parts.append(f"Answer A:\n{first.strip()}\n")
    parts.append(f"Answer B:\n{second.strip()}\n")
    parts.append(
        "Are answer A and answer B mathematically equivalent as answers to this problem? "
        "Reason briefly if you need to, then end your reply with one line that is exactly\n"
        "VERDICT: EQUIVALENT\nor exactly\nVERDICT: NOT_EQUIVALENT"
    )
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": "\n".join(parts)},
    ]


def parse_reply(text: str) -> bool | None:
    """True for a reply ending in `VERDICT: EQUIVALENT`, False for one ending in
    `VERDICT: NOT_EQUIVALENT`, None for any other reply (no decision). Only the last
    non-blank line counts, stripped of surrounding spaces; nothing else is accepted (no
    other case, no trailing period, no verdict earlier in the reply)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    found = _VERDICT_LINE.fullmatch(lines[-1])
    if found is None:
        return None
    return found.group(1) == "EQUIVALENT"


def words_of(text: str) -> str:
    """The reply as a verdict line keeps it: its last `WORDS_KEPT` characters, spaces
    collapsed (the verdict line and the reasoning just before it)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= WORDS_KEPT else "…" + flat[-WORDS_KEPT:]


__all__ = ["PROMPT_VERSION", "SYSTEM", "WORDS_KEPT", "build_messages", "parse_reply", "words_of"]
