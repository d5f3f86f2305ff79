"""Worked reasoning put before each synthetic completion, so that a dump's completions are as
long as reasoning models' traces (thousands of characters, dense in LaTeX) while the final
answers, and what each sample was meant to be, stay those of `make_samples`.

The paragraphs hold no box, no answer anchor and no "####": the final answer is still read
from the completion's own last lines.
"""

from __future__ import annotations

import random

from make_samples import Sample

PARAGRAPHS = (
    "First, note that $x^2 - {a}x + {b} = 0$ has roots whose sum is ${a}$ and product ${b}$. ",
    "We can write $\\frac{{{a}}}{{{b}}} = \\frac{{{a} \\cdot 2}}{{{b} \\cdot 2}}$, which does "
    "not simplify further. ",
    "Let me double-check: ${a} \\times {b} = {c}$, and adding ${a}$ gives ${d}$. ",
    "Hmm, wait. If we instead consider $\\sqrt{{{c}}}$, that is not an integer, so that "
    "approach fails. ",
    "So the count is $\\binom{{{a}}}{{2}} = {e}$ ways, before removing overcounts. ",
    "Alternatively, by $S_n = \\frac{{n(n+1)}}{{2}}$ with $n = {a}$ we get ${f}$. ",
)


def reasoning(rng: random.Random, chars: int) -> str:
    """About `chars` characters of worked steps, in paragraphs."""
    parts: list[str] = []
    size = 0
    while size < chars:
        a, b = rng.randint(2, 99), rng.randint(2, 99)
        text = rng.choice(PARAGRAPHS).format(
            a=a, b=b, c=a * b, d=a * b + a, e=a * (a - 1) // 2, f=a * (a + 1) // 2
        )
        if rng.random() < 0.3:
            text += "\n\n"
        parts.append(text)
        size += len(text)
    return "".join(parts)


def with_reasoning(samples: list[Sample], chars: int, seed: int) -> list[Sample]:
    """The samples with about `chars` characters of reasoning before each completion."""
    rng = random.Random(seed)
    out = []
    for s in samples:
        record = dict(s.record)
        record["completion"] = f"{reasoning(rng, chars)}\n\n{record['completion']}"
        out.append(Sample(record, s.intended, s.category))
    return out
