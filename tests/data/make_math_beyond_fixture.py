"""Writes math_beyond_small.csv: 40 synthetic problems in the MATH-Beyond column layout, with
unsolved / pass@1024 columns for two base models and two post-trained ones (fixed seed)."""

from __future__ import annotations

import csv
import random
from math import comb, gcd
from pathlib import Path

OUT = Path(__file__).with_name("math_beyond_small.csv")
MODELS = ("qwen3-4b-base", "qwen3-4b", "r1-1.5b", "deepscaler_1.5b_preview")


def _problems(rng: random.Random) -> list[tuple[str, int, str]]:
    """(problem, integer answer, topic) triples made from a few parametrised templates."""
    out: list[tuple[str, int, str]] = []
    for _ in range(8):
        a, m = rng.randint(3, 9), rng.choice([7, 11, 13, 17])
        e = rng.randint(20, 90)
        out.append(
            (
                f"Find the remainder when ${a}^{{{e}}}$ is divided by ${m}$.",
                pow(a, e, m),
                "Number Theory",
            )
        )
    for _ in range(8):
        n, k = rng.randint(8, 14), rng.randint(2, 5)
        out.append(
            (
                f"In how many ways can a committee of ${k}$ be chosen from ${n}$ people "
                f"if two particular people refuse to serve together?",
                comb(n, k) - comb(n - 2, k - 2),
                "Combinatorics",
            )
        )
    for _ in range(8):
        r, s = rng.randint(2, 9), rng.randint(-9, -2)
        out.append(
            (
                f"The roots of $x^2 + bx + c = 0$ are ${r}$ and ${s}$. Compute $b^2 + c^2$.",
                (r + s) ** 2 + (r * s) ** 2,
                "Algebra",
            )
        )
    for _ in range(8):
        a, b = rng.randint(5, 15), rng.randint(5, 15)
        out.append(
            (
                f"A lattice rectangle has corners $(0,0)$ and $({a},{b})$. How many lattice "
                f"points lie strictly inside it, off its diagonal from $(0,0)$ to $({a},{b})$?",
                (a - 1) * (b - 1) - (gcd(a, b) - 1),
                "Geometry",
            )
        )
    for _ in range(8):
        n = rng.randint(5, 40)
        out.append(
            (
                f"Let $f(1) = 1$ and $f(n) = f(n-1) + 2n - 1$ for $n > 1$. Find $f({n}) + {n}$.",
                n * n + n,
                "Precalculus",
            )
        )
    return out


def main() -> None:
    rng = random.Random(20251013)
    rows = []
    for problem, answer, topic in _problems(rng):
        difficulty = rng.choice([4.0, 5.0, 5.5, 6.0, 7.0, 8.0])
        hard = difficulty >= 6.0
        row: dict[str, object] = {
            "problem": problem,
            "answer": answer,
            "data_source": rng.choice(["synthetic-a", "synthetic-b"]),
            "topic": topic,
            "difficulty": difficulty,
        }
        for model in MODELS:
            # Bases fail the hard problems more often; post-trained models recover some.
            p_fail = (0.7 if hard else 0.35) if model in ("qwen3-4b-base", "r1-1.5b") else 0.3
            unsolved = rng.random() < p_fail
            row[f"{model}_unsolved"] = unsolved
            row[f"{model}_pass@1024"] = 0.0 if unsolved else round(rng.uniform(0.01, 1.0), 4)
        rows.append(row)
    rng.shuffle(rows)
    with OUT.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
