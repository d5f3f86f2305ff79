"""`mathb eval`: a model's samples alone or against a base (a second dump or a dataset's
unsolved column): pass@k and maj@k curves and the solved-set comparison."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..argtypes import non_negative_int, positive_int
from .command import Command, ExitStatus, UsageError, check_output, percent
from .generate import (
    add_cluster_arguments,
    add_endpoint_arguments,
    add_engine_arguments,
    add_sampling_arguments,
    sampler_of,
    sampling_of,
)
from .judge_options import add_judge_options, judge_settings

if TYPE_CHECKING:
    from pathlib import Path

    from ..datasets import ProblemSet
    from ..generate import Problem, Sampler, SampleRequest, Sampling
    from ..generate import Sample as GeneratedSample


def _level(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"must lie strictly between 0 and 1, got {value}")
    return value


def configure(p: argparse.ArgumentParser) -> None:
    source = p.add_argument_group("model", "one of: a dump of the model's samples, or a model")
    source.add_argument(
        "--samples", metavar="FILE", help="the model's dump (default: none; give it or --model)"
    )
    source.add_argument(
        "--model",
        metavar="PATH_OR_ID",
        help="sample the dataset's problems with this model (vLLM, or --endpoint) into "
        "<output>.model.samples.jsonl, resuming what that file holds (default: none)",
    )
    source.add_argument(
        "--name",
        metavar="NAME",
        help="model name (default: the dump's model field or file name, or the model's name)",
    )
    base = p.add_argument_group(
        "base",
        "at most one of: a base dump, a dataset's unsolved column, or a base model "
        "(none: the model's curves and solved rate alone)",
    )
    base.add_argument(
        "--base-samples",
        metavar="FILE",
        help="the base model's dump (default: none)",
    )
    base.add_argument(
        "--base-column",
        metavar="B",
        help="base model B of the dataset: its `B_unsolved` column is the base's failures "
        "(default: none)",
    )
    base.add_argument(
        "--base-model",
        metavar="PATH_OR_ID",
        help="sample the base the same way, into <output>.base.samples.jsonl (default: none)",
    )
    base.add_argument(
        "--base-endpoint", metavar="URL", help="server of the base model (default: --endpoint)"
    )
    base.add_argument(
        "--base-name",
        metavar="NAME",
        help="base name shown in tables (default: the dump's model, else its file name)",
    )
    data = p.add_argument_group("dataset")
    data.add_argument(
        "--dataset",
        metavar="PATH_OR_ID",
        help="MATH-Beyond table: .csv/.parquet/.jsonl, or a Hugging Face id such as "
        "brendel-group/MATH-Beyond; dump problem ids are its id column or 0-based row numbers "
        "(default: none, the dumps alone)",
    )
    data.add_argument(
        "--subset",
        choices=("math-b-i", "math-b-u"),
        help="restrict to a subset (default: all problems)",
    )
    data.add_argument(
        "--unsolved-by",
        action="append",
        default=[],
        metavar="M",
        help="keep problems model M never solved (repeat: all of them; default: all problems)",
    )
    data.add_argument(
        "--limit",
        type=positive_int,
        metavar="N",
        help="sample only the first N selected problems (with --model / --base-model; "
        "default: all)",
    )
    data.add_argument(
        "--id-field", metavar="F", help="problem id field of the dumps (default: detected)"
    )
    generation = p.add_argument_group("generation (with --model / --base-model)")
    generation.add_argument(
        "-n",
        "--n",
        "--samples-per-problem",
        dest="samples_per_problem",
        type=positive_int,
        default=8,
        metavar="N",
        help="samples per problem (default: 8; MATH-Beyond's pass@1024 needs 1024)",
    )
    generation.add_argument(
        "--sample-seed",
        type=non_negative_int,
        default=0,
        metavar="S",
        help="run seed of the samples, as `mathb generate --seed` (default: 0)",
    )
    add_sampling_arguments(p)
    add_engine_arguments(p)
    add_endpoint_arguments(p)
    stats = p.add_argument_group("statistics")
    stats.add_argument(
        "-k",
        type=positive_int,
        nargs="+",
        metavar="K",
        help="k values of the curves (default: every k from 1 to the fewest samples)",
    )
    stats.add_argument(
        "--resamples",
        type=positive_int,
        default=1000,
        metavar="N",
        help="bootstrap resamples (default: 1000)",
    )
    # `--seed` reads as the generation seed beside --sample-seed; kept as an alias.
    stats.add_argument(
        "--bootstrap-seed",
        "--seed",
        dest="seed",
        type=non_negative_int,
        default=0,
        metavar="SEED",
        help="seed of the bootstrap resamples (default: 0; --seed is an alias)",
    )
    stats.add_argument("--level", type=_level, default=0.95, help="interval level (default: 0.95)")
    p.add_argument(
        "--threads",
        type=positive_int,
        metavar="N",
        help="grading threads (default: all cores; with --ray: per grader, default 1)",
    )
    add_cluster_arguments(p, "sample (with --model / --base-model) and grade")
    p.add_argument(
        "-o",
        "--output",
        default="summary.json",
        metavar="PATH",
        help="summary file (default: summary.json); the verdicts go beside it as "
        "<name>.model.verdicts.jsonl and <name>.base.verdicts.jsonl, generated samples as "
        "<name>.model.samples.jsonl and <name>.base.samples.jsonl",
    )
    add_judge_options(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no table and no progress")
    p.set_defaults(generation_options=_generation_options(p))


#: The argument groups that only apply when mathb samples a model.
_GENERATION_GROUPS = ("generation", "sampling", "offline engine", "endpoint")


def _generation_options(p: argparse.ArgumentParser) -> dict[str, tuple[str, Any]]:
    """dest -> (option, default) of every option that only matters when sampling."""
    found: dict[str, tuple[str, Any]] = {}
    for group in p._action_groups:
        if (group.title or "").startswith(_GENERATION_GROUPS):
            for action in group._group_actions:
                found[action.dest] = (action.option_strings[-1], action.default)
    return found


def check_sources(args: argparse.Namespace) -> None:
    """Raises UsageError unless the arguments name one model source and at most one base."""
    if args.samples is not None and args.model is not None:
        raise UsageError("give one of --samples FILE and --model M, not both")
    if args.samples is None and args.model is None:
        raise UsageError("give --samples FILE (the model's dump) or --model M (to sample it)")
    bases = (args.base_samples, args.base_column, args.base_model)
    if sum(b is not None for b in bases) > 1:
        raise UsageError(
            "give at most one of --base-samples FILE, --base-column B and --base-model M"
        )
    if args.base_name is not None and all(b is None for b in bases):
        raise UsageError(
            "--base-name names a base: it needs --base-samples, --base-column or --base-model"
        )
    if args.base_column is not None and args.dataset is None:
        raise UsageError("--base-column needs --dataset (the table that holds the column)")
    generating = args.model is not None or args.base_model is not None
    if generating and args.dataset is None:
        raise UsageError("--model and --base-model need --dataset (the problems to sample)")
    if not generating and args.limit is not None:
        raise UsageError("--limit selects problems to sample: it needs --model or --base-model")
    if not generating:
        given = [
            option
            for dest, (option, default) in args.generation_options.items()
            if getattr(args, dest, default) != default
        ]
        if given:
            raise UsageError(
                f"{', '.join(given)}: only for sampling a model (--model / --base-model); "
                "the dumps already hold their samples"
            )
    if args.base_endpoint is not None and args.base_model is None:
        raise UsageError("--base-endpoint needs --base-model")


def run(args: argparse.Namespace) -> ExitStatus:
    # numpy and the metrics load only when eval runs, not with every `mathb` command.
    from pathlib import Path

    from ..datasets import load_problem_set
    from ..evaluation import EvalConfig, evaluate, samples_path, select_problems, verdicts_path
    from ..grading import write_summary

    check_sources(args)
    judge = judge_settings(args)
    output = Path(args.output)
    prefix = str(output.with_suffix("")) if output.suffix == ".json" else str(output)
    targets = [output, verdicts_path(prefix, "model"), verdicts_path(prefix, "base")]
    for source in (args.samples, args.base_samples):
        for target in targets if source is not None else ():
            check_output(Path(source), target)
    generated = {"model": args.model, "base": args.base_model}
    for role, model in generated.items():
        if model is not None:
            check_output(Path(os.devnull), samples_path(prefix, role))
    problem_set = load_problem_set(args.dataset) if args.dataset is not None else None
    notes: list[str] = []
    failed_golds: list[dict[str, Any]] = []
    if problem_set is not None:
        failed_golds = _check_golds(args, problem_set, notes)
    samples, base_samples = args.samples, args.base_samples
    if args.model is not None or args.base_model is not None:
        assert problem_set is not None
        sampling = sampling_of(args)
        problems = select_problems(
            problem_set, subset=args.subset, unsolved_by=args.unsolved_by, limit=args.limit
        )
        if args.limit is not None:
            selected = sum(problem_set.mask(unsolved_by=args.unsolved_by, subset=args.subset))
            notes.append(f"sampled the first {len(problems)} of {selected} selected problems")
        endpoints = {"model": args.endpoint, "base": args.base_endpoint or args.endpoint}
        for role, model in generated.items():
            if model is None:
                continue
            path = samples_path(prefix, role)
            _sample(args, model, endpoints[role], problems, sampling, path, role)
            if role == "model":
                samples = str(path)
            else:
                base_samples = str(path)
    config = EvalConfig(
        samples=samples,
        base_samples=base_samples,
        base_column=args.base_column,
        dataset=args.dataset,
        name=args.name or (model_label(args.model) if args.model else None),
        base_name=args.base_name or (model_label(args.base_model) if args.base_model else None),
        subset=args.subset,
        unsolved_by=args.unsolved_by,
        id_field=args.id_field,
        ks=args.k,
        resamples=args.resamples,
        seed=args.seed,
        level=args.level,
        threads=args.threads,
        ray=args.ray,
        verdicts_prefix=prefix,
        notes=notes,
        problem_set=problem_set,
        judge=judge,
    )
    summary = evaluate(config)
    summary["gold_check"] = failed_golds
    if args.model is not None or args.base_model is not None:
        summary["generation"] = {
            "model": args.model,
            "base_model": args.base_model,
            "samples_per_problem": args.samples_per_problem,
            "seed": args.sample_seed,
            "sampling": sampling_of(args).as_record(),
            "prompt_template": args.prompt_template,
            "chat_template": args.chat_template,
            "limit": args.limit,
        }
    write_summary(summary, output)
    if not args.quiet:
        sys.stdout.write(format_eval(summary, str(output)))
    return ExitStatus.SUCCESS


def _check_golds(
    args: argparse.Namespace, problem_set: ProblemSet, notes: list[str]
) -> list[dict[str, Any]]:
    """Grades the selected problems' golds against themselves before anything runs and lists
    on stderr those the grader cannot read (their problems would be a silent 0)."""
    from ..goldcheck import check_golds, format_gold_problems

    keep = problem_set.mask(unsolved_by=args.unsolved_by, subset=args.subset)
    rows = [r for r, k in enumerate(keep) if k]
    answers, ids = problem_set.columns["answer"], problem_set.ids
    failed = check_golds([answers[r] for r in rows], [ids[r] for r in rows])
    if failed:
        sys.stderr.write("warning: " + format_gold_problems(failed, len(rows), problem_set.source))
        shown = ", ".join(str(f.problem_id) for f in failed[:20])
        notes.append(
            f"{len(failed)} gold(s) do not grade correct against themselves: {shown}"
            + (" …" if len(failed) > 20 else "")
        )
    return [f.to_json() for f in failed]


def model_label(model: str) -> str:
    """A model's name for tables: the last part of its path or Hugging Face id."""
    return os.path.basename(model.rstrip("/")) or model


class _LazySampler:
    """Builds its sampler on the first request, so a complete samples file (a rerun) loads
    no engine."""

    def __init__(self, build: Callable[[], Sampler]) -> None:
        self.build = build
        self.inner: Sampler | None = None

    def run(self, requests: Sequence[SampleRequest]) -> Iterator[list[GeneratedSample]]:
        if self.inner is None:
            self.inner = self.build()
        return self.inner.run(requests)

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()
        self.inner = None


def _sample(
    args: argparse.Namespace,
    model: str,
    endpoint: str | None,
    problems: Sequence[Problem],
    sampling: Sampling,
    path: Path,
    role: str,
) -> None:
    """Samples what `path` lacks of `problems` × n with `model` (see `mathb generate`)."""
    from ..generate import generate

    sampler = _LazySampler(lambda: sampler_of(args, model, sampling, endpoint))
    try:
        result = generate(
            problems,
            sampler,
            path,
            model=model,
            sampling=sampling,
            n=args.samples_per_problem,
            run_seed=args.sample_seed,
            template=args.prompt_template,
            progress_stream=None if args.quiet else sys.stderr,
        )
    finally:
        sampler.close()
    if not args.quiet:
        sys.stderr.write(
            f"mathb eval: {role} {model}: {result.written:,} samples written to {path} "
            f"({result.skipped:,} already there), {result.seconds:.1f} s, "
            f"{result.tokens_per_second:,.0f} tokens/s\n"
        )


def _hundredths(x: float) -> float:
    """100·x rounded to two decimals, without the "-0.00" of a difference that is zero up
    to rounding."""
    return round(100 * x, 2) + 0.0


def _interval(ci: list[float] | None) -> str:
    return "" if ci is None else f"  [{_hundredths(ci[0]):.2f}, {_hundredths(ci[1]):.2f}]"


def _points(x: float | None) -> str:
    """A difference of rates in percentage points, signed."""
    return "n/a" if x is None else f"{_hundredths(x):+.2f} pp"


def _curve_cell(curve: dict[str, Any], maj: dict[str, Any], j: int, k: int, fmt: Any) -> str:
    band = _interval([curve["low"][j], curve["high"][j]])
    return f"{fmt(curve['mean'][j])}{band}   maj@{k} {fmt(maj['mean'][j])}"


def _rate_cell(cell: dict[str, Any]) -> str:
    return f"{percent(cell['rate'])}  ({cell['count']}/{cell['of']}){_interval(cell['ci'])}"


def format_eval(summary: dict[str, Any], output: str) -> str:
    """The eval summary as the aligned table `mathb eval` prints."""
    sets = summary["set_metrics"]
    curves = summary["curves"]
    base_name = summary.get("base")
    compared = "expansion" in sets  # a base's solved set is known (a dump or a column)
    base = summary.get("base_curves")
    difference = summary.get("difference_curves")
    level = round(100 * summary["bootstrap"]["level"])
    rows: list[tuple[str, str]] = [
        ("model", f"{summary['model']}  vs base {base_name}" if compared else summary["model"]),
        ("problems", f"{summary['problems']:,}"),
    ]
    ks = curves["k"]
    shown = sorted({ks[0], ks[-1], *(k for k in ks if k & (k - 1) == 0)}) if ks else []
    for k in shown:
        j = ks.index(k)
        rows.append(
            (f"pass@{k}", _curve_cell(curves["pass_at_k"], curves["maj_at_k"], j, k, percent))
        )
        if base and k in base["k"]:
            i = base["k"].index(k)
            cell = _curve_cell(base["pass_at_k"], base["maj_at_k"], i, k, percent)
            rows.append((f"  base pass@{k}", cell))
        if difference and k in difference["k"]:
            i = difference["k"].index(k)
            cell = _curve_cell(difference["pass_at_k"], difference["maj_at_k"], i, k, _points)
            rows.append(("  model − base", cell))
    if difference:
        crossing = difference.get("crossover_k")
        where = "none" if crossing is None else f"k = {crossing}"
        rows.append(("crossover", f"{where}  (first k where model − base pass@k changes sign)"))
    solved = sets.get("solved", {})
    if "model" in solved:
        rows.append(("solved", _rate_cell(solved["model"])))
    if "base" in solved:
        rows.append(("  base solved", _rate_cell(solved["base"])))
    change = sets.get("solved_difference")
    if change:
        rows.append(
            (
                "  model − base",
                f"{_points(change['value'])}{_interval(change['ci'])}  "
                f"({change['newly_solved']} newly solved − {change['lost']} lost, "
                f"of {change['of']}; Newcombe paired)",
            )
        )
    for name in ("expansion", "shrinkage", "preservation", "out_of_reach") if compared else ():
        rows.append((name.replace("_", " "), _rate_cell(sets[name])))
    classes = summary.get("solved_sets")
    if classes:
        counts = " · ".join(f"{name.replace('_', ' ')} {len(ids)}" for name, ids in classes.items())
        rows.append(("solved sets", f'{counts}  (their problem ids: "solved_sets" in {output})'))
    width = max(len(name) for name, _ in rows)
    lines = [
        f"mathb {summary['mathb_version']} eval -> {output}  ({level}% intervals: "
        "bootstrap over problems for curves, Wilson for rates)"
    ]
    lines += [f"  {name:<{width}}  {value}" for name, value in rows]
    lines += [f"  note: {note}" for note in summary["notes"]]
    return "\n".join(lines) + "\n"


COMMAND = Command(
    "eval",
    "pass@k, maj@k and the solved sets of a model, alone or over its base",
    configure,
    run,
)
