"""`mathb report`: draws `mathb eval` summaries as one figure (pass@k curves with bootstrap
bands, per-topic expansion bars) and as a Table-2-style Markdown and HTML table."""

from __future__ import annotations

import html
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import InputFileError, MissingExtraError

TABLE_COLUMNS: tuple[str, ...] = (
    "model",
    "base",
    "base unsolved",
    "newly solved",
    "expansion",
    "CI",
    "pass@1",
    "pass@k",
    "no answer (truncated / looping / refused / other)",
)


def load_summary(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A summary written by `mathb eval`, checked for the parts the report needs."""
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as f:
            summary = json.load(f)
    except OSError as e:
        raise InputFileError(f"{name}: cannot open ({e.strerror})") from None
    except json.JSONDecodeError as e:
        raise InputFileError(f"{name}:{e.lineno}: invalid JSON ({e.msg})") from None
    needed = ("model", "base", "set_metrics", "curves")
    if not isinstance(summary, dict) or any(k not in summary for k in needed):
        raise InputFileError(
            f"{name}: not a `mathb eval` summary (needs {', '.join(needed)})\n"
            "  help: `mathb grade --summary` writes a different file; run `mathb eval`"
        )
    return summary


def _percent(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None else f"{100 * x:.{digits}f} %"


def table_rows(summaries: Sequence[dict[str, Any]]) -> list[list[str]]:
    """One row per summary, cells as text, in the order of TABLE_COLUMNS."""
    rows = []
    for s in summaries:
        expansion = s["set_metrics"]["expansion"]
        ci = expansion["ci"]
        curve = s["curves"]["pass_at_k"]["mean"]
        top_k = s["curves"]["k"][-1] if s["curves"]["k"] else None
        rows.append(
            [
                str(s["model"]),
                str(s["base"]),
                str(expansion["of"]),
                str(expansion["count"]),
                _percent(expansion["rate"]),
                "n/a" if ci is None else f"{100 * ci[0]:.1f}–{100 * ci[1]:.1f} %",
                _percent(curve[0]) if curve else "n/a",
                f"{_percent(curve[-1])} (k={top_k})" if curve else "n/a",
                _no_answer_cell(s),
            ]
        )
    return rows


def _no_answer_cell(summary: dict[str, Any]) -> str:
    """The model's no-answer count split by cause (`n/a` for summaries from before the split)."""
    why = (summary.get("no_answer") or {}).get("model")
    if not why:
        return "n/a"
    parts = " / ".join(str(why.get(k, 0)) for k in ("truncated", "looping", "refused", "other"))
    return f"{sum(why.values())} ({parts})"


def markdown_table(summaries: Sequence[dict[str, Any]]) -> str:
    """The Table-2-style comparison as a Markdown table."""
    lines = ["| " + " | ".join(TABLE_COLUMNS) + " |", "|" + " --- |" * len(TABLE_COLUMNS)]
    for row in table_rows(summaries):
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    return "\n".join(lines) + "\n"


def html_table(summaries: Sequence[dict[str, Any]]) -> str:
    """The same table as a standalone HTML page."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in TABLE_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>\n"
        for row in table_rows(summaries)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8" />'
        "<title>mathb report</title>"
        "<style>table{border-collapse:collapse;font-family:sans-serif}"
        "td,th{border:1px solid #bbb;padding:4px 8px;text-align:right}"
        "td:first-child,td:nth-child(2){text-align:left}</style></head><body>\n"
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"
        "</body></html>\n"
    )


def _label(s: dict[str, Any]) -> str:
    return f"{s['model']} (vs {s['base']})"


def draw_figure(summaries: Sequence[dict[str, Any]], png: Path, svg: Path) -> None:
    """pass@k curves on a log₂ k axis with bootstrap bands, beside per-topic expansion bars."""
    try:
        import matplotlib
    except ImportError:
        raise MissingExtraError(
            "drawing the report needs matplotlib: pip install 'mathb[report]'"
        ) from None
    matplotlib.use("Agg")  # files only; never open a window
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    topics = sorted({t for s in summaries for t in s.get("breakdown", {}).get("topic", {})})
    panels = 2 if topics else 1
    fig, axes = plt.subplots(1, panels, figsize=(6.5 * panels, 4.6), squeeze=False)
    ax = axes[0][0]
    for i, s in enumerate(summaries):
        color = f"C{i % 10}"
        k = s["curves"]["k"]
        curve = s["curves"]["pass_at_k"]
        ax.plot(k, [100 * v for v in curve["mean"]], color=color, label=_label(s))
        ax.fill_between(
            k,
            [100 * v for v in curve["low"]],
            [100 * v for v in curve["high"]],
            color=color,
            alpha=0.2,
            linewidth=0,
        )
    ax.set_xscale("log", base=2)
    # Plain numbers (1, 2, 4, …) read faster than 2^0, 2^1, … on a sample-count axis.
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:g}"))
    ax.set_xlabel("k (samples)")
    ax.set_ylabel("pass@k (%)")
    ax.set_title("pass@k, mean over problems (band: bootstrap CI)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")
    if topics:
        _draw_topics(axes[0][1], summaries, topics)
    fig.tight_layout()
    fig.savefig(png, dpi=130)
    fig.savefig(svg)
    plt.close(fig)


def _draw_topics(ax: Any, summaries: Sequence[dict[str, Any]], topics: list[str]) -> None:
    # Only runs given a dataset have topics; each keeps the colour of its curve.
    drawn = [(i, s) for i, s in enumerate(summaries) if s.get("breakdown", {}).get("topic")]
    width = 0.8 / len(drawn)
    for slot, (i, s) in enumerate(drawn):
        table = s["breakdown"]["topic"]
        values = [100 * ((table.get(t) or {}).get("expansion") or 0.0) for t in topics]
        positions = [j + (slot - (len(drawn) - 1) / 2) * width for j in range(len(topics))]
        ax.bar(positions, values, width=width, color=f"C{i % 10}", label=_label(s))
    ax.set_xticks(range(len(topics)))
    ax.set_xticklabels(topics, rotation=30, ha="right", fontsize="small")
    ax.set_ylabel("expansion (%)")
    ax.set_title("expansion rate by topic (newly solved / base-unsolved)")
    ax.grid(True, axis="y", alpha=0.3)


def write_report(
    summary_paths: Sequence[str | os.PathLike[str]], output_dir: str | os.PathLike[str]
) -> dict[str, Path]:
    """Writes report.png, report.svg, report.md and report.html into `output_dir`."""
    summaries = [load_summary(p) for p in summary_paths]
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {ext: out / f"report.{ext}" for ext in ("png", "svg", "md", "html")}
    draw_figure(summaries, paths["png"], paths["svg"])
    paths["md"].write_text(markdown_table(summaries), encoding="utf-8")
    paths["html"].write_text(html_table(summaries), encoding="utf-8")
    return paths


__all__ = [
    "TABLE_COLUMNS",
    "draw_figure",
    "html_table",
    "load_summary",
    "markdown_table",
    "table_rows",
    "write_report",
]
