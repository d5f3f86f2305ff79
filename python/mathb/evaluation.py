"""`mathb eval`: grades a model's dump, compares its solved set with a base (a base dump or a
dataset's `<base>_unsolved` column, or none) and builds the summary that `mathb report` draws."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import InvalidArgumentError, __version__
from .datasets import ProblemSet, Subset, load_problem_set
from .generate import Problem
from .grading import grade_file
from .setmetrics import (
    DEFAULT_LEVEL,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    ProblemResults,
    curve_matrices,
    curves,
    difference_curves,
    pass_at_k_matrix,
    read_verdicts,
    set_metrics,
    solved_sets,
)

if TYPE_CHECKING:
    from .judge import JudgeSettings

MAJ_AT_K_DEFINITION = (
    "expected majority vote over a uniformly random k-subset of the samples (exact); correct "
    "answers form one class, other answers group by their exact value where the core has a "
    "canonical form, else by their text (spacing and \\dfrac/\\left spellings ignored), "
    "no-answer samples abstain, a tie including the gold class scores 1/t"
)
BREAKDOWN_COLUMNS: tuple[str, ...] = ("topic", "difficulty")
INTERVALS = {
    "curves": "percentile bootstrap over problems (pass@k and maj@k means)",
    "difference_curves": "paired percentile bootstrap over problems of model − base",
    "rates": "Wilson score (solved rates, expansion, shrinkage, preservation, out of reach)",
    "solved_difference": "Newcombe (1998) paired score interval, method 10",
}


@dataclass
class EvalConfig:
    """What to compare and how: a model dump against a base dump, a dataset column, or no
    base (the model's curves and solved rate alone)."""

    samples: str
    base_samples: str | None = None
    base_column: str | None = None
    dataset: str | None = None
    name: str | None = None
    base_name: str | None = None
    subset: Subset | None = None
    unsolved_by: Sequence[str] = ()
    id_field: str | None = None
    ks: Sequence[int] | None = None
    resamples: int = DEFAULT_RESAMPLES
    seed: int = DEFAULT_SEED
    level: float = DEFAULT_LEVEL
    threads: int | None = None
    # Grade on the Ray cluster at this address ("auto": `ray.init()`'s choice); None: here.
    ray: str | None = None
    # Verdicts go to <prefix>.model.verdicts.jsonl and <prefix>.base.verdicts.jsonl;
    # None keeps none.
    verdicts_prefix: str | None = None
    notes: list[str] = field(default_factory=list)
    # The dataset already loaded (from `dataset`), so it is not read twice.
    problem_set: ProblemSet | None = None
    # The judge asked about the pairs the rules leave open in both dumps (None: none).
    judge: JudgeSettings | None = None


def grade_dump(
    path: str,
    verdicts: str | os.PathLike[str],
    *,
    id_field: str | None,
    threads: int | None,
    judge: JudgeSettings | None = None,
    ray: str | None = None,
) -> ProblemResults:
    """Grades the dump at `path` through `mathb.grading.grade_file` (or, given a Ray address,
    `mathb.distributed.grade_on_ray`, which writes the same verdicts), writing its verdicts
    file (then asking `judge` about what the rules leave open, when given), and reads the
    per-problem counts back from that file."""
    if ray is not None:
        from .distributed import grade_on_ray

        summary = grade_on_ray(
            [path],
            verdicts,
            address=None if ray == "auto" else ray,
            cpus_per_actor=threads or 1,
            id_field=id_field,
        )
    else:
        summary = grade_file(path, verdicts, id_field=id_field, threads=threads)
    if judge is not None:
        from .judge import judge_verdicts, report_judge
        from .judge_questions import QuestionReader

        questions = QuestionReader([path], judge.question_field)
        summary = judge_verdicts(verdicts, summary, judge, questions=questions)
        report_judge(summary)
    fields = summary["fields"] or {}
    if fields.get("grouping") != "id":
        raise InvalidArgumentError(
            f"{path}: the records have no problem id field, so its problems cannot be matched "
            "with another dump or a dataset\n  help: pass --id-field NAME"
        )
    results = read_verdicts(verdicts)
    results.model = summary.get("model")
    results.no_answer = summary.get("no_answer_reasons")
    results.judge = summary.get("judge")
    return results


def _dump_name(path: str) -> str:
    name = Path(path).name
    for suffix in (".gz", ".zst", ".jsonl", ".json"):
        name = name.removesuffix(suffix)
    return name


def evaluate(config: EvalConfig) -> dict[str, Any]:
    """Runs one comparison and returns its summary (a JSON-ready dict)."""
    if config.base_samples is not None and config.base_column is not None:
        raise InvalidArgumentError("give at most one base: base samples or a base column")
    if config.base_column is not None and config.dataset is None:
        raise InvalidArgumentError("a base column needs the dataset that holds it")
    if (config.subset or config.unsolved_by) and config.dataset is None:
        raise InvalidArgumentError("selecting a subset needs a dataset")
    notes = list(config.notes)
    problem_set = config.problem_set
    if problem_set is None and config.dataset is not None:
        problem_set = load_problem_set(config.dataset)
    if problem_set is not None:
        notes += [f"dataset: {n}" for n in problem_set.notes]
    model = _grade(config, config.samples, "model")
    model_label = config.name or model.model or _dump_name(config.samples)
    base: ProblemResults | None = None
    # No base, no base name: a --base-name alone names nothing.
    base_label = config.base_name if config.base_samples or config.base_column else None
    if config.base_samples is not None:
        base = _grade(config, config.base_samples, "base")
        base_label = base_label or base.model or _dump_name(config.base_samples)
        model, base = _align_dumps(model, base, notes)

    rows: list[int] | None = None
    if problem_set is not None:
        rows = _dataset_rows(model, problem_set)
        keep = problem_set.mask(unsolved_by=config.unsolved_by, subset=config.subset)
        if not all(keep[r] for r in rows):
            kept = [i for i, r in enumerate(rows) if keep[r]]
            notes.append(
                f"{len(rows) - len(kept)} problem(s) of the dump are outside the selected subset "
                "and were left out"
            )
            model = model.subset(kept)
            base = base.subset(kept) if base is not None else None
            rows = [rows[i] for i in kept]
        if not model.ids:
            raise InvalidArgumentError("no problem of the dump is in the selected subset")
        missing = sum(keep) - len(rows)
        if missing:
            notes.append(f"{missing} problem(s) of the selected subset are not in the dump")

    base_solved: Any = None
    if base is not None:
        base_solved = base.solved
    elif config.base_column is not None:
        assert problem_set is not None and rows is not None
        unsolved = problem_set.unsolved(config.base_column)
        base_solved = np.array([not unsolved[r] for r in rows], dtype=bool)
        base_label = config.base_name or problem_set.model(config.base_column).name
    # Each dump's per-problem matrices once: its curves and the difference share them.
    model_matrices = curve_matrices(model, config.ks)
    base_matrices = curve_matrices(base, config.ks) if base is not None else None
    boot: dict[str, Any] = {
        "resamples": config.resamples,
        "seed": config.seed,
        "level": config.level,
    }
    summary: dict[str, Any] = {
        "mathb_version": __version__,
        "model": model_label,
        "base": base_label,
        "samples": config.samples,
        "base_samples": config.base_samples,
        "base_column": config.base_column,
        "dataset": problem_set.source if problem_set is not None else None,
        "subset": {"subset": config.subset, "unsolved_by": list(config.unsolved_by)},
        "problems": len(model.ids),
        "samples_per_problem": {"min": int(model.n.min()), "max": int(model.n.max())},
        "set_metrics": set_metrics(model.solved, base_solved, level=config.level),
        # The problem ids of each class, so the problems behind the counts can be read.
        "solved_sets": solved_sets(model.ids, model.solved, base_solved),
        "curves": curves(model_matrices, **boot),
        "base_curves": curves(base_matrices, **boot) if base_matrices is not None else None,
        "difference_curves": (
            difference_curves(model_matrices, base_matrices, **boot)
            if base_matrices is not None
            else None
        ),
        "maj_at_k_definition": MAJ_AT_K_DEFINITION,
        # no_answer samples by cause: truncated, looping, refused, other.
        "no_answer": {
            "model": model.no_answer,
            "base": base.no_answer if base is not None else None,
        },
        "bootstrap": boot,
        "intervals": INTERVALS,
        "breakdown": {},
        "notes": notes,
    }
    if config.judge is not None:
        summary["judge"] = {"model": model.judge, "base": base.judge if base is not None else None}
    if problem_set is not None and rows is not None:
        summary["breakdown"] = _breakdown(problem_set, rows, model, base_solved)
    return summary


def verdicts_path(prefix: str, role: str) -> Path:
    """Where `evaluate` writes the verdicts of the model (role "model") or base dump."""
    return Path(f"{prefix}.{role}.verdicts.jsonl")


def samples_path(prefix: str, role: str) -> Path:
    """Where `mathb eval --model` (role "model") or `--base-model` writes generated samples."""
    return Path(f"{prefix}.{role}.samples.jsonl")


def select_problems(
    problem_set: ProblemSet,
    *,
    subset: Subset | None = None,
    unsolved_by: Sequence[str] = (),
    limit: int | None = None,
) -> list[Problem]:
    """The problems to sample for an evaluation: the selected rows of the dataset (the first
    `limit` of them), each keeping its dataset row, so its seeds do not depend on the selection."""
    keep = problem_set.mask(unsolved_by=unsolved_by, subset=subset)
    rows = [r for r, k in enumerate(keep) if k][:limit]
    if not rows:
        raise InvalidArgumentError(f"no problem of {problem_set.source} is in the selection")
    ids, texts = problem_set.ids, problem_set.columns["problem"]
    answers = problem_set.columns["answer"]
    problems = []
    for r in rows:
        if not isinstance(texts[r], str):
            raise InvalidArgumentError(
                f"{problem_set.source}: row {r} has a {type(texts[r]).__name__} problem, not text"
            )
        problems.append(Problem(r, ids[r], texts[r], str(answers[r])))
    return problems


def _grade(config: EvalConfig, path: str, role: str) -> ProblemResults:
    def into(target: Path) -> ProblemResults:
        return grade_dump(
            path,
            target,
            id_field=config.id_field,
            threads=config.threads,
            judge=config.judge,
            ray=config.ray,
        )

    if config.verdicts_prefix is None:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="mathb-eval-") as tmp:
            return into(Path(tmp) / "verdicts.jsonl")
    return into(verdicts_path(config.verdicts_prefix, role))


def _align_dumps(
    model: ProblemResults, base: ProblemResults, notes: list[str]
) -> tuple[ProblemResults, ProblemResults]:
    """Both dumps restricted to the problems they share, in the model dump's order."""
    where = {key: i for i, key in enumerate(base.ids)}
    shared = [i for i, key in enumerate(model.ids) if key in where]
    if not shared:
        raise InvalidArgumentError(
            "the model and base dumps share no problem id; "
            f"e.g. {model.ids[0]!r} vs {base.ids[0]!r}"
        )
    only_model, only_base = len(model.ids) - len(shared), len(base.ids) - len(shared)
    if only_model or only_base:
        notes.append(
            f"compared the {len(shared)} shared problems; {only_model} only in the model dump, "
            f"{only_base} only in the base dump"
        )
    return model.subset(shared), base.subset([where[model.ids[i]] for i in shared])


def _dataset_rows(results: ProblemResults, problem_set: ProblemSet) -> list[int]:
    """The dataset row of every problem of the dump, matched on the id (compared as text,
    so 17 and "17" meet); raises on an id the dataset lacks."""
    where = {str(key): i for i, key in enumerate(problem_set.ids)}
    rows, unknown = [], []
    for key in results.ids:
        row = where.get(str(key))
        if row is None:
            unknown.append(key)
        else:
            rows.append(row)
    if unknown:
        shown = ", ".join(repr(k) for k in unknown[:5])
        raise InvalidArgumentError(
            f"{len(unknown)} problem id(s) of the dump are not in {problem_set.source}: {shown}\n"
            "  help: dump ids must be the dataset's id column or its 0-based row number"
        )
    return rows


def _breakdown(
    problem_set: ProblemSet, rows: list[int], model: ProblemResults, base_solved: Any
) -> dict[str, Any]:
    """Per topic and per difficulty: problems, mean pass@1, solved and, against a base,
    base-unsolved, newly solved and expansion (None where the base solved every problem)."""
    pass1 = pass_at_k_matrix(model, [1])[:, 0]
    out: dict[str, Any] = {}
    for column in BREAKDOWN_COLUMNS:
        if column not in problem_set.columns:
            continue
        values = problem_set.columns[column]
        groups: dict[str, list[int]] = {}
        for i, r in enumerate(rows):
            groups.setdefault(str(values[r]), []).append(i)
        table = {}
        for label, members in sorted(groups.items(), key=lambda kv: _sort_key(kv[0])):
            solved = model.solved[members]
            entry: dict[str, Any] = {
                "problems": len(members),
                "pass_at_1": float(pass1[members].mean()),
                "solved": int(solved.sum()),
            }
            if base_solved is not None:
                fails = ~base_solved[members]
                newly = int((fails & solved).sum())
                entry["base_unsolved"] = int(fails.sum())
                entry["newly_solved"] = newly
                entry["expansion"] = newly / int(fails.sum()) if fails.any() else None
            table[label] = entry
        out[column] = table
    return out


def _sort_key(label: str) -> tuple[int, float, str]:
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


__all__ = [
    "INTERVALS",
    "MAJ_AT_K_DEFINITION",
    "EvalConfig",
    "evaluate",
    "grade_dump",
    "samples_path",
    "select_problems",
    "verdicts_path",
]
