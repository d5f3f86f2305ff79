"""Assemble a corpus of real, published model completions for the agreement benchmark.

Usage: ``python benches/real_corpus/build_corpus.py SNAPSHOTS_DIR OUT.jsonl``

SNAPSHOTS_DIR holds one bare git directory per source repository, at
``SNAPSHOTS_DIR/<owner>+<name>/repo`` (or ``SNAPSHOTS_DIR/<owner>+<name>`` itself). Every file is
read with ``git --git-dir=DIR show COMMIT:PATH`` at the commit pinned in ``SOURCES`` below, so
the corpus is reproducible and nothing is read from the network. Each output line is::

    {"source", "model", "problem_id", "sample_idx", "gold", "completion", "label", "choices"?}

``label`` is the source's own verdict on the completion where it stores one, or the source's
stored prediction compared with its gold answer by the source's documented rule where it only
stores the prediction (see README.md for which is which); ``null`` when neither exists.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Record = dict[str, Any]


@dataclass(frozen=True)
class Source:
    """One repository, pinned at a commit, and the reader that turns its files into records."""

    repo: str
    commit: str
    reader: Callable[[Git], Iterator[Record]]


class Git:
    """Reads files of one bare snapshot at one commit."""

    def __init__(self, git_dir: Path, commit: str) -> None:
        self.git_dir = git_dir
        self.commit = commit

    def show(self, path: str) -> str:
        out = subprocess.run(
            ["git", f"--git-dir={self.git_dir}", "show", f"{self.commit}:{path}"],
            check=True,
            capture_output=True,
        )
        return out.stdout.decode("utf-8", errors="replace")

    def ls(self, prefix: str) -> list[str]:
        out = subprocess.run(
            ["git", f"--git-dir={self.git_dir}", "ls-tree", "-r", "--name-only", self.commit],
            check=True,
            capture_output=True,
            text=True,
        )
        return [p for p in out.stdout.splitlines() if p.startswith(prefix)]

    def exists(self, path: str) -> bool:
        # Snapshots lack files of 4 MiB and more; those are listed but cannot be shown.
        res = subprocess.run(
            ["git", f"--git-dir={self.git_dir}", "cat-file", "-e", f"{self.commit}:{path}"],
            capture_output=True,
        )
        return res.returncode == 0


def _jsonl(text: str) -> Iterator[Any]:
    for line in text.splitlines():
        if line.strip():
            yield json.loads(line)


def _to_float(text: str) -> float | None:
    text = text.strip().replace(",", "").rstrip(".")
    try:
        return float(text)
    except ValueError:
        return None


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("True", "False"):
        return value == "True"
    return None


# --- openai/grade-school-math: GSM8K test solutions of four GPT-3 variants, "A: 26" endings ---


def read_gsm8k_openai(git: Git) -> Iterator[Record]:
    text = git.show("grade_school_math/data/example_model_solutions.jsonl")
    for idx, item in enumerate(_jsonl(text)):
        # The reference solution ends "A: 18"; the gold is what follows the last "A:".
        gold = item["ground_truth"].rsplit("A:", 1)[-1].strip()
        for model in ("6b_finetuning", "6b_verification", "175b_finetuning", "175b_verification"):
            sol = item[model]
            yield {
                "source": "gsm8k-gpt3-openai",
                "model": f"gpt3-{model}",
                "problem_id": str(idx),
                "sample_idx": 0,
                "gold": gold,
                "completion": sol["solution"],
                "label": _bool(sol["is_correct"]),
            }


# --- microsoft/ToRA: tool-integrated GSM8K outputs (```python / ```output blocks) ---


def read_tora(git: Git) -> Iterator[Record]:
    for model in ("tora-70b-v1.0", "tora-code-34b-v1.0"):
        path = f"src/outputs/llm-agents/{model}/gsm8k/test_tora_-1_seed0_t0.0_s0_e1319.jsonl"
        for item in _jsonl(git.show(path)):
            for k, (completion, pred) in enumerate(zip(item["code"], item["pred"], strict=False)):
                # The file stores ToRA's extracted prediction, not a verdict; GSM8K golds are
                # integers, so the source's check reduces to numeric equality.
                gold_v, pred_v = _to_float(str(item["gt"])), _to_float(str(pred))
                label = None if gold_v is None else (pred_v is not None and pred_v == gold_v)
                yield {
                    "source": "gsm8k-tora",
                    "model": model,
                    "problem_id": str(item["idx"]),
                    "sample_idx": k,
                    "gold": str(item["gt"]),
                    "completion": completion,
                    "label": label,
                }


# --- TIGER-AI-Lab/TheoremQA: 5-shot "The answer is …" outputs of four open models ---

_TQA_OPTIONS = ("(a)", "(b)", "(c)", "(d)", "(e)", "(f)")


def _tqa_number(text: str) -> float | None:
    value = _to_float(text)
    if value is None:
        m = re.fullmatch(r"\s*(-?[\d.]+)\s*/\s*([\d.]+)\s*", text)
        if m and _to_float(m.group(2)):
            return float(m.group(1)) / float(m.group(2))
    return value


def _tqa_close(pred: float | None, gold: float) -> bool:
    # TheoremQA accepts a prediction within 4 % of the gold number.
    return pred is not None and abs(pred - gold) <= abs(gold) * 0.04


def _tqa_label(pred: str, gold_str: str, gold_val: Any) -> bool:
    """The source's rule (compute_accuracy.py) applied to its stored prediction."""
    if gold_str.lower() in _TQA_OPTIONS:
        return gold_str.lower() in pred.lower()
    if pred.lower() == gold_str.lower():
        return True
    if isinstance(gold_val, bool):
        return False
    if isinstance(gold_val, int | float):
        return _tqa_close(_tqa_number(pred), float(gold_val))
    if isinstance(gold_val, list) and pred.startswith("(") and pred.endswith(")"):
        parts = [_tqa_number(p) for p in pred[1:-1].split(",")]
        return len(parts) == len(gold_val) and all(
            _tqa_close(p, float(g)) for p, g in zip(parts, gold_val, strict=True)
        )
    return False


def read_theoremqa(git: Git) -> Iterator[Record]:
    tests = json.loads(git.show("theoremqa_test.json"))
    for path in sorted(git.ls("outputs/")):
        if not path.endswith(".jsonl"):
            continue
        model = Path(path).stem
        for idx, item in enumerate(_jsonl(git.show(path))):
            test = tests[idx]
            if test["Question"] != item["question"]:
                raise ValueError(f"{path}:{idx}: outputs are not in test order")
            gold_str, gold_val = item["correct"]
            choices = None
            if test["Answer_type"] == "option":
                choices = ["(a)", "(b)", "(c)", "(d)"]
            rec: Record = {
                "source": "theoremqa",
                "model": model,
                "problem_id": test["id"],
                "sample_idx": 0,
                "gold": str(gold_str),
                "completion": item["solution"],
                "label": _tqa_label(str(item["pred"]), str(gold_str), gold_val),
            }
            if choices:
                rec["choices"] = choices
            yield rec


# --- lupantech/MathVista: testmini responses of multimodal and text-only models ---


def read_mathvista(git: Git) -> Iterator[Record]:
    for path in sorted(git.ls("results/")):
        name = Path(path).name
        if not (name.startswith("output_") and name.endswith(".json")):
            continue
        # Random guesses and the submission template are not model completions.
        if "/random/" in path or "test_random" in path or "leaderboad" in path:
            continue
        if not git.exists(path):
            continue
        model = name[len("output_") : -len(".json")]
        for pid, item in json.loads(git.show(path)).items():
            response = item.get("response")
            if not isinstance(response, str):
                continue
            rec: Record = {
                "source": "mathvista",
                "model": model,
                "problem_id": str(pid),
                "sample_idx": 0,
                "gold": str(item["answer"]),
                "completion": response,
                "label": _bool(item.get("true_false")),
            }
            if item.get("question_type") == "multi_choice" and isinstance(item["choices"], list):
                rec["choices"] = [str(c) for c in item["choices"]]
            yield rec


# --- mathllm/MATH-V: MATH-Vision responses (direct and chain-of-thought, some \boxed{}) ---


def read_math_v(git: Git) -> Iterator[Record]:
    tests = {str(t["id"]): t for t in _jsonl(git.show("data/test.jsonl"))}
    for path in sorted(git.ls("outputs/")):
        if not path.endswith(".jsonl") or path.endswith("Random-Chance.jsonl"):
            continue
        if not git.exists(path):
            continue
        model = Path(path).stem
        for item in _jsonl(git.show(path)):
            test = tests[str(item["id"])]
            rec: Record = {
                "source": "math-v",
                "model": model,
                "problem_id": str(item["id"]),
                "sample_idx": 0,
                "gold": str(test["answer"]),
                "completion": str(item["response"]),
                "label": _bool(item.get("correct")),
            }
            if test["options"]:
                # Options are printed A, B, C, … in the prompt; the gold is the letter.
                rec["choices"] = [str(o) for o in test["options"]]
            yield rec


# --- kojima-takeshi188/zero_shot_cot: InstructGPT zero-shot(-CoT) logs on arithmetic sets ---

_ZS_LOGS = {
    "gsm8k_zero_shot_cot.log": "gsm8k",
    "gsm8k_zero_shot.log": "gsm8k",
    "multiarith_zero_shot_cot.log": "multiarith",
    "svamp_zero_shot_cot.log": "svamp",
    "addsub_zero_shot_cot.log": "addsub",
    "singleeq_zero_shot_cot.log": "singleeq",
}
_ZS_BLOCK = re.compile(
    r"(\d+)st data\n1_th_sampling\nQ: .*?\nA: (.*?)\npred_before : .*?\n"
    r"pred_after : (.*?)\n.*?GT : (.*?)\n",
    re.S,
)


def read_zero_shot_cot(git: Git) -> Iterator[Record]:
    for log, bench in _ZS_LOGS.items():
        method = "zero-shot-cot" if log.endswith("_cot.log") else "zero-shot"
        for m in _ZS_BLOCK.finditer(git.show(f"log/{log}")):
            idx, completion, pred, gt = m.groups()
            # The log stores the cleaned prediction and the gold; its accuracy is their
            # numeric equality, which is the label here.
            gold_v, pred_v = _to_float(gt), _to_float(pred)
            yield {
                "source": f"{bench}-zero-shot-cot",
                "model": f"text-davinci-002-{method}",
                "problem_id": idx,
                "sample_idx": 0,
                "gold": gt.strip(),
                "completion": completion,
                "label": None if gold_v is None else pred_v == gold_v,
            }


SOURCES: list[Source] = [
    Source(
        "openai/grade-school-math", "3101c7d5072418e28b9008a6636bde82a006892c", read_gsm8k_openai
    ),
    Source("microsoft/ToRA", "213c1c995038c73fab10343814df7a42f990f026", read_tora),
    Source("TIGER-AI-Lab/TheoremQA", "acfc9686aa9b49f3c8f189364a9a9ee9c53da039", read_theoremqa),
    Source("lupantech/MathVista", "53d525874bdde205128e6b160b7357a88277d479", read_mathvista),
    Source("mathllm/MATH-V", "a1f5cc3add200c0cd080fad463e500f44ef1fb41", read_math_v),
    Source(
        "kojima-takeshi188/zero_shot_cot",
        "5ef330fcdeec0cd26aee27943504f91f8ec1c33c",
        read_zero_shot_cot,
    ),
]


def git_dir_for(root: Path, repo: str) -> Path:
    base = root / repo.replace("/", "+")
    return base / "repo" if (base / "repo").is_dir() else base


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("snapshots", type=Path, help="directory of <owner>+<name> git snapshots")
    ap.add_argument("out", type=Path, help="output JSON Lines file")
    args = ap.parse_args(argv)

    counts: Counter[str] = Counter()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for src in SOURCES:
            git = Git(git_dir_for(args.snapshots, src.repo), src.commit)
            for rec in src.reader(git):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                counts[rec["source"]] += 1
    for name, n in sorted(counts.items()):
        print(f"{name:28s} {n:7d}", file=sys.stderr)
    print(f"{'total':28s} {sum(counts.values()):7d}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
