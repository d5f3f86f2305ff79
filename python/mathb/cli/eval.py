"""`mathb eval`: a model's samples against a base (a second dump or a dataset's unsolved
column): pass@k and maj@k curves and the solved-set comparison."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..argtypes import non_negative_int, positive_int
from .command import Command, ExitStatus, UsageError, check_output, percent


def _level(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"must lie strictly between 0 and 1, got {value}")
    return value


def configure(p: argparse.ArgumentParser) -> None:
    source = p.add_argument_group("model", "a dump of the model's samples (or, later, a model)")
    source.add_argument("--samples", metavar="FILE", help="the model's JSON Lines dump")
    source.add_argument("--name", metavar="NAME", help="model name (default: the dump's name)")
    source.add_argument("--model", metavar="M", help="generate samples with M (needs generate)")
    base = p.add_argument_group("base", "one of: a base dump, or a dataset's unsolved column")
    base.add_argument("--base-samples", metavar="FILE", help="the base model's JSON Lines dump")
    base.add_argument(
        "--base-column",
        metavar="B",
        help="base model B of the dataset: its `B_unsolved` column is the base's failures",
    )
    base.add_argument("--base-name", metavar="NAME", help="base name shown in tables")
    base.add_argument("--base-model", metavar="B", help="generate base samples (needs generate)")
    data = p.add_argument_group("dataset")
    data.add_argument(
        "--dataset",
        metavar="PATH_OR_ID",
        help="MATH-Beyond table: .csv/.parquet/.jsonl, or a Hugging Face id such as "
        "brendel-group/MATH-Beyond; dump problem ids are its id column or 0-based row numbers",
    )
    data.add_argument("--subset", choices=("math-b-i", "math-b-u"), help="restrict to a subset")
    data.add_argument(
        "--unsolved-by",
        action="append",
        default=[],
        metavar="M",
        help="keep problems model M never solved (repeat: all of them)",
    )
    data.add_argument("--id-field", metavar="F", help="problem id field of the dumps")
    stats = p.add_argument_group("statistics")
    stats.add_argument(
        "-k",
        type=positive_int,
        nargs="+",
        metavar="K",
        help="k values of the curves (default: every k from 1 to the fewest samples)",
    )
    stats.add_argument(
        "--resamples", type=positive_int, default=1000, metavar="N", help="bootstrap resamples"
    )
    stats.add_argument("--seed", type=non_negative_int, default=0, help="bootstrap seed")
    stats.add_argument("--level", type=_level, default=0.95, help="interval level (0.95)")
    p.add_argument("--threads", type=positive_int, metavar="N", help="grading threads")
    p.add_argument(
        "-o",
        "--output",
        default="summary.json",
        metavar="PATH",
        help="summary file (default: summary.json); the verdicts go beside it as "
        "<name>.model.verdicts.jsonl and <name>.base.verdicts.jsonl",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no table")


def run(args: argparse.Namespace) -> ExitStatus:
    from ..evaluation import EvalConfig, evaluate, verdicts_path
    from ..grading import write_summary

    if args.model is not None or args.base_model is not None:
        raise UsageError(
            "--model/--base-model are not available yet: they need `mathb generate`; "
            "generate the dumps elsewhere and pass --samples/--base-samples"
        )
    if args.samples is None:
        raise UsageError("give --samples FILE (the model's dump)")
    if (args.base_samples is None) == (args.base_column is None):
        raise UsageError("give exactly one of --base-samples FILE and --base-column B")
    if args.base_column is not None and args.dataset is None:
        raise UsageError("--base-column needs --dataset (the table that holds the column)")
    output = Path(args.output)
    prefix = str(output.with_suffix("")) if output.suffix == ".json" else str(output)
    targets = [output, verdicts_path(prefix, "model"), verdicts_path(prefix, "base")]
    for source in (args.samples, args.base_samples):
        for target in targets if source is not None else ():
            check_output(Path(source), target)
    config = EvalConfig(
        samples=args.samples,
        base_samples=args.base_samples,
        base_column=args.base_column,
        dataset=args.dataset,
        name=args.name,
        base_name=args.base_name,
        subset=args.subset,
        unsolved_by=args.unsolved_by,
        id_field=args.id_field,
        ks=args.k,
        resamples=args.resamples,
        seed=args.seed,
        level=args.level,
        threads=args.threads,
        verdicts_prefix=prefix,
    )
    summary = evaluate(config)
    write_summary(summary, output)
    if not args.quiet:
        sys.stdout.write(format_eval(summary, str(output)))
    return ExitStatus.SUCCESS


def _interval(ci: list[float] | None) -> str:
    return "" if ci is None else f"  [{100 * ci[0]:.2f}, {100 * ci[1]:.2f}]"


def format_eval(summary: dict[str, Any], output: str) -> str:
    """The eval summary as the aligned table `mathb eval` prints."""
    sets = summary["set_metrics"]
    curves = summary["curves"]
    level = round(100 * summary["bootstrap"]["level"])
    rows: list[tuple[str, str]] = [
        ("model", f"{summary['model']}  vs base {summary['base']}"),
        ("problems", f"{summary['problems']:,}"),
    ]
    ks = curves["k"]
    shown = sorted({ks[0], ks[-1], *(k for k in ks if k & (k - 1) == 0)}) if ks else []
    for k in shown:
        j = ks.index(k)
        p, m = curves["pass_at_k"], curves["maj_at_k"]
        rows.append(
            (
                f"pass@{k}",
                f"{percent(p['mean'][j])}{_interval([p['low'][j], p['high'][j]])}"
                f"   maj@{k} {percent(m['mean'][j])}",
            )
        )
    for name in ("expansion", "shrinkage", "preservation", "out_of_reach"):
        cell = sets[name]
        rows.append(
            (
                name.replace("_", " "),
                f"{percent(cell['rate'])}  ({cell['count']}/{cell['of']}){_interval(cell['ci'])}",
            )
        )
    width = max(len(name) for name, _ in rows)
    lines = [f"mathb {summary['mathb_version']} eval -> {output}  (intervals: {level}% bootstrap)"]
    lines += [f"  {name:<{width}}  {value}" for name, value in rows]
    lines += [f"  note: {note}" for note in summary["notes"]]
    return "\n".join(lines) + "\n"


COMMAND = Command(
    "eval", "pass@k, maj@k and the solved-set expansion of a model over its base", configure, run
)
