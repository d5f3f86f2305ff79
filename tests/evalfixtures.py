"""Builders of synthetic sample dumps and MATH-Beyond tables for the eval and report tests."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

TOPICS = ("Algebra", "Combinatorics", "Geometry", "Number Theory")


def correct(answer: int) -> str:
    return f"Adding the cases gives ${answer}$, so the answer is $\\boxed{{{answer}}}$."


def wrong(answer: int, offset: int = 1) -> str:
    return f"Collecting terms, the total is $\\boxed{{{answer + offset}}}$."


NO_ANSWER = "I could not finish this computation."


@dataclass(frozen=True)
class Pair:
    """A post-trained model over its base, with Table 2's counts."""

    model: str
    base: str
    base_unsolved: int
    newly_solved: int
    percent: str  # expansion as printed with two decimals


TABLE_2 = (
    Pair("qwen3-4b", "qwen3-4b-base", 112, 66, "58.93"),
    Pair("qwen3_8b", "qwen3_8b_base", 116, 77, "66.38"),
    Pair("skywork_or1_7b", "r1-7b", 99, 21, "21.21"),
    Pair("deepscaler_1.5b_preview", "r1-1.5b", 115, 6, "5.22"),
)
BASE_SOLVED = 30  # problems the base solves, on top of its unsolved ones
SHRUNK = 3  # of those, the model no longer solves this many


def answer_of(row: int) -> int:
    return 17 * row + 3


def write_pair_dumps(pair: Pair, directory: Path, samples: int = 4) -> tuple[Path, Path]:
    """Model and base dumps over base_unsolved + BASE_SOLVED problems (ids = row numbers).

    Rows [0, base_unsolved) are the base's failures; the model solves the first
    `newly_solved` of them with a single correct sample among wrong and empty ones. Of the
    base-solved rows the model loses the first SHRUNK.
    """
    model_lines, base_lines = [], []
    for row in range(pair.base_unsolved + BASE_SOLVED):
        gold = answer_of(row)
        base_fails = row < pair.base_unsolved
        if base_fails:
            model_solves = row < pair.newly_solved
        else:
            model_solves = row - pair.base_unsolved >= SHRUNK
        for i in range(samples):
            if model_solves and i == samples - 1:
                model_text = correct(gold)
            else:
                model_text = NO_ANSWER if i == 0 else wrong(gold, i)
            base_text = correct(gold) if not base_fails and i % 2 == 0 else wrong(gold, 2 + i)
            for lines, text in ((model_lines, model_text), (base_lines, base_text)):
                lines.append({"problem_id": row, "answer": str(gold), "completion": text})
    model_path = directory / f"{pair.model}.jsonl"
    base_path = directory / f"{pair.base}.jsonl"
    for path, lines in ((model_path, model_lines), (base_path, base_lines)):
        path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    return model_path, base_path


def write_pair_table(pair: Pair, path: Path) -> Path:
    """A MATH-Beyond-shaped CSV whose `<base>_unsolved` column matches `write_pair_dumps`."""
    fields = ["problem", "answer", "data_source", "topic", "difficulty"]
    fields += [f"{pair.base}_unsolved", f"{pair.base}_pass@1024"]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for row in range(pair.base_unsolved + BASE_SOLVED):
            fails = row < pair.base_unsolved
            writer.writerow(
                {
                    "problem": f"Synthetic problem {row}: compute 17 * {row} + 3.",
                    "answer": answer_of(row),
                    "data_source": "synthetic",
                    "topic": TOPICS[row % len(TOPICS)],
                    "difficulty": 5 + row % 3,
                    f"{pair.base}_unsolved": fails,
                    f"{pair.base}_pass@1024": 0.0 if fails else 0.5,
                }
            )
    return path
