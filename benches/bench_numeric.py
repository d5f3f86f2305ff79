"""Pairs with functions, roots, e and i: the core's verdict (exact, modular, then numeric ball
arithmetic) against the sympy judge the fallback runs, in the same process and run.

    python benches/bench_numeric.py [--repeat N]

Prints a Markdown table: each pair's verdict from both and the time per pair of each.
"""

from __future__ import annotations

import argparse
import platform
import time

from mathb import _core
from mathb.sympy_judge import judge

PAIRS = [
    ("220", "4 - 20i"),
    ("\\sqrt{5}", "\\sqrt{2}+\\sqrt{3}"),
    ("\\sin^2 x", "\\cos^2 x"),
    ("\\ln 2", "\\ln 3"),
    ("e^{2}", "7.389"),
    ("1 - \\frac{1}{e}", "1 + \\frac{1}{e}"),
    ("\\tan^2(y)+1", "\\sec^2(y)"),
    ("\\sin^2 x+\\cos^2 x", "1"),
]


def per_pair(fn: object, gold: str, answer: str, repeat: int) -> tuple[str, float]:
    best = float("inf")
    outcome = ""
    for _ in range(repeat):
        start = time.perf_counter()
        outcome = fn(gold, answer)  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return outcome, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"- date: {time.strftime('%a %b %d %H:%M:%S %Z %Y')}")
    machine = platform.processor() or platform.machine()
    print(f"- machine: {machine}, Python {platform.python_version()}")
    command = f"python benches/bench_numeric.py --repeat {args.repeat}"
    print(f"- command: `{command}` (best of the repeats)\n")
    print("| gold | answer | mathb core | µs | sympy judge | µs | ratio |")
    print("| --- | --- | --- | ---: | --- | ---: | ---: |")
    for gold, answer in PAIRS:
        core, t_core = per_pair(
            lambda g, a: _core.verify_answer(g, a).status, gold, answer, args.repeat
        )
        sym, t_sym = per_pair(lambda g, a: judge(g, a)[0], gold, answer, args.repeat)
        print(
            f"| `{gold}` | `{answer}` | {core} | {t_core * 1e6:,.1f} | {sym} | "
            f"{t_sym * 1e6:,.0f} | {t_sym / t_core:,.0f}× |"
        )


if __name__ == "__main__":
    main()
