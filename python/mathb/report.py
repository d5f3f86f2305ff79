"""`mathb report`: `mathb eval` summaries as one figure (see `mathb.report_figure`) and as a
Table-2-style Markdown table and an HTML page that embeds the figure."""

from __future__ import annotations

import base64
import html
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import InputFileError
from .report_figure import draw_figure, solved_split

TABLE_COLUMNS: tuple[str, ...] = (
    "model",
    "base",
    "base unsolved",
    "newly solved",
    "expansion",
    "CI",
    "pass@1",
    "pass@k",
    "base pass@k",
    "solved: model − base (CI)",
    "both / model only / base only / neither",
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
    """One row per summary, cells as text, in the order of TABLE_COLUMNS; a summary without
    a base (or from an older mathb) says n/a where it has nothing to show."""
    rows = []
    for s in summaries:
        sets = s["set_metrics"]
        expansion = sets.get("expansion") or {}
        ci = expansion.get("ci")
        curve = s["curves"]["pass_at_k"]["mean"]
        top_k = s["curves"]["k"][-1] if s["curves"]["k"] else None
        rows.append(
            [
                str(s["model"]),
                "none" if s["base"] is None else str(s["base"]),
                str(expansion.get("of", "n/a")),
                str(expansion.get("count", "n/a")),
                _percent(expansion.get("rate")),
                "n/a" if ci is None else f"{100 * ci[0]:.1f}–{100 * ci[1]:.1f} %",
                _percent(curve[0]) if curve else "n/a",
                f"{_percent(curve[-1])} (k={top_k})" if curve else "n/a",
                _base_pass_cell(s),
                _difference_cell(sets.get("solved_difference")),
                _split_cell(s),
                _no_answer_cell(s),
            ]
        )
    return rows


def _base_pass_cell(summary: dict[str, Any]) -> str:
    """The base's pass@k at the model's largest k (a base dump only: a column has no curve)."""
    base, model = summary.get("base_curves"), summary["curves"]
    if not base or not model["k"] or model["k"][-1] not in base["k"]:
        return "n/a"
    k = model["k"][-1]
    return f"{_percent(base['pass_at_k']['mean'][base['k'].index(k)])} (k={k})"


def _difference_cell(change: dict[str, Any] | None) -> str:
    if not change or change.get("value") is None:
        return "n/a"
    low, high = change["ci"]
    return f"{100 * change['value']:+.2f} pp ({100 * low:+.1f} to {100 * high:+.1f})"


def _split_cell(summary: dict[str, Any]) -> str:
    split = _solved_split(summary)
    if split is None:
        return "n/a"
    if "both" in split:
        return " / ".join(str(split[k]) for k in ("both", "newly_solved", "lost", "neither"))
    return f"{split['solved']} solved / {split['unsolved']} unsolved"


def _solved_split(summary: dict[str, Any]) -> dict[str, int] | None:
    try:
        return solved_split(summary)
    except KeyError:  # a summary without the counts (hand-made, or very old)
        return None


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


def html_table(summaries: Sequence[dict[str, Any]], figure_png: bytes | None = None) -> str:
    """The report as a standalone HTML page: the figure (embedded as a PNG data URI, so the
    page is one file), the table, and the problem ids of every solved-set class."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in TABLE_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>\n"
        for row in table_rows(summaries)
    )
    figure = ""
    if figure_png is not None:
        data = base64.b64encode(figure_png).decode("ascii")
        figure = (
            f'<figure><img alt="pass@k and maj@k curves, solved sets and expansion by topic" '
            f'src="data:image/png;base64,{data}" style="max-width:100%" /></figure>\n'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8" />'
        "<title>mathb report</title>"
        "<style>body{font-family:sans-serif}table{border-collapse:collapse}"
        "td,th{border:1px solid #bbb;padding:4px 8px;text-align:right}"
        "td:first-child,td:nth-child(2){text-align:left}"
        "details{margin:4px 0}code{font-size:90%}</style></head><body>\n"
        f"{figure}"
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"
        f"{_solved_set_ids(summaries)}"
        "</body></html>\n"
    )


def _solved_set_ids(summaries: Sequence[dict[str, Any]]) -> str:
    """Per summary, each solved-set class as a folded list of its problem ids."""
    parts = []
    for s in summaries:
        classes = s.get("solved_sets")
        if not classes:
            continue
        title = html.escape(str(s["model"]) + ("" if s["base"] is None else f" vs {s['base']}"))
        items = "".join(
            f"<details><summary>{html.escape(name.replace('_', ' '))} ({len(ids)})</summary>"
            f"<code>{html.escape(', '.join(str(i) for i in ids)) or '—'}</code></details>"
            for name, ids in classes.items()
        )
        parts.append(f"<section><h3>problem ids: {title}</h3>{items}</section>\n")
    return "".join(parts)


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
    page = html_table(summaries, paths["png"].read_bytes())
    paths["html"].write_text(page, encoding="utf-8")
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
