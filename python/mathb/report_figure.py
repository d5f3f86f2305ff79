"""The figure of `mathb report`: pass@k (solid, with bands) and maj@k (dashed) of every model
and its base on one log₂ k axis with the crossover marked, the solved-set split as one bar per
comparison, and per-topic expansion bars; one colour per model across all panels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import MissingExtraError
from .setmetrics import crossover_k

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Segments of a solved-set bar, left to right, with their legend labels: what the model
#: solves sits on the left, what the base solves in the middle, so each is one run.
SPLIT_SEGMENTS: tuple[tuple[str, str], ...] = (
    ("newly_solved", "model only (newly solved)"),
    ("both", "both"),
    ("lost", "base only (lost)"),
    ("neither", "neither (out of reach)"),
)
SINGLE_SEGMENTS: tuple[tuple[str, str], ...] = (("solved", "solved"), ("unsolved", "unsolved"))
_UNSOLVED_GREY = "#d9d9d9"
_BOTH_ALPHA = 0.5
_LOST_HATCH = "///"
# A segment narrower than this share of the bar gets no count inside (the line above has it).
_INSIDE_LABEL_MIN = 0.07


def model_colours(summaries: Sequence[dict[str, Any]]) -> dict[str, str]:
    """One colour per model name over all summaries: the evaluated models first (C0, C1, …,
    as before), then the bases not evaluated themselves; a name keeps its colour everywhere."""
    names = [str(s["model"]) for s in summaries]
    names += [str(s["base"]) for s in summaries if s.get("base") is not None]
    colours: dict[str, str] = {}
    for name in names:
        colours.setdefault(name, f"C{len(colours) % 10}")
    return colours


def solved_split(summary: dict[str, Any]) -> dict[str, int]:
    """Problem counts of the solved-set classes, from the set metrics alone (no dataset, no
    ids): both / newly_solved / lost / neither against a base, else solved / unsolved."""
    sets = summary["set_metrics"]
    if all(name in sets for name in ("expansion", "shrinkage", "preservation", "out_of_reach")):
        return {
            "newly_solved": sets["expansion"]["count"],
            "both": sets["preservation"]["count"],
            "lost": sets["shrinkage"]["count"],
            "neither": sets["out_of_reach"]["count"],
        }
    solved = int(sets["model_solved"])
    return {"solved": solved, "unsolved": int(sets["problems"]) - solved}


def build_figure(summaries: Sequence[dict[str, Any]]) -> Figure:
    """The report's figure as a matplotlib Figure (not yet saved); panels: curves, solved-set
    split, and expansion by topic when a summary with a base has a topic breakdown."""
    try:
        import matplotlib
    except ImportError:
        raise MissingExtraError(
            "drawing the report needs matplotlib: pip install 'mathb[report]'"
        ) from None
    matplotlib.use("Agg")  # files only; never open a window
    import matplotlib.pyplot as plt

    colours = model_colours(summaries)
    topical = [s for s in summaries if _topic_table(s)]
    topics = sorted({t for s in topical for t in _topic_table(s)})
    panels = 3 if topics else 2
    height = max(4.8, 1.2 + 0.9 * len(summaries))
    fig, axes = plt.subplots(1, panels, figsize=(6.4 * panels, height), squeeze=False)
    _draw_curves(axes[0][0], summaries, colours)
    _draw_split(axes[0][1], summaries, colours)
    if topics:
        _draw_topics(axes[0][2], topical, topics, colours)
    fig.tight_layout()
    return fig


def draw_figure(summaries: Sequence[dict[str, Any]], png: Any, svg: Any) -> None:
    """Saves `build_figure(summaries)` as PNG and SVG."""
    import matplotlib.pyplot as plt

    fig = build_figure(summaries)
    try:
        fig.savefig(png, dpi=130)
        fig.savefig(svg)
    finally:
        plt.close(fig)


def _level_percent(summaries: Sequence[dict[str, Any]]) -> str:
    levels = {round(100 * s.get("bootstrap", {}).get("level", 0.95)) for s in summaries}
    return "/".join(str(v) for v in sorted(levels))


def _draw_curves(ax: Axes, summaries: Sequence[dict[str, Any]], colours: dict[str, str]) -> None:
    import matplotlib.ticker
    from matplotlib.lines import Line2D

    drawn: dict[tuple[str, tuple[float, ...]], bool] = {}

    def curve(name: str, label: str, curves: dict[str, Any]) -> None:
        key = (name, tuple(curves["pass_at_k"]["mean"]))
        if key in drawn:  # two runs over the same base dump draw it once
            return
        drawn[key] = True
        k, colour = curves["k"], colours[name]
        passes = curves["pass_at_k"]
        ax.plot(k, [100 * v for v in passes["mean"]], color=colour, label=label)
        if "low" in passes and "high" in passes:
            low, high = passes["low"], passes["high"]
            ax.fill_between(
                k,
                [100 * v for v in low],
                [100 * v for v in high],
                color=colour,
                alpha=0.18,
                linewidth=0,
            )
        majority = curves.get("maj_at_k")
        if majority:
            ax.plot(k, [100 * v for v in majority["mean"]], color=colour, linestyle="--")

    for s in summaries:
        curve(str(s["model"]), str(s["model"]), s["curves"])
    for s in summaries:
        base = s.get("base_curves")
        if base:
            curve(str(s["base"]), f"{s['base']} (base)", base)
    for s in summaries:
        crossing = _crossover(s)
        if crossing is not None:
            colour = colours[str(s["model"])]
            ax.axvline(crossing, color=colour, linestyle=":", linewidth=1.2)
            ax.annotate(
                f"crossover k={crossing}",
                (crossing, 0.02),
                xycoords=("data", "axes fraction"),
                rotation=90,
                fontsize="x-small",
                color=colour,
                ha="right",
                va="bottom",
            )
    ax.set_xscale("log", base=2)
    # Plain numbers (1, 2, 4, …) read faster than 2^0, 2^1, … on a sample-count axis.
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:g}"))
    ax.set_xlabel("k (samples)")
    ax.set_ylabel("% of problems")
    ax.set_ylim(bottom=0)
    ax.set_title(f"pass@k (solid, band: {_level_percent(summaries)} % CI) and maj@k (dashed)")
    ax.grid(True, which="major", alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    styles = [
        Line2D([], [], color="0.3", label="pass@k"),
        Line2D([], [], color="0.3", linestyle="--", label="maj@k"),
    ]
    if any(_crossover(s) is not None for s in summaries):
        styles.append(Line2D([], [], color="0.3", linestyle=":", label="crossover with base"))
    entries: list[Any] = [*handles, *styles]
    # Below the axis, as the other panels' keys: inside, it would cover curves.
    ax.legend(
        entries,
        labels + [str(h.get_label()) for h in styles],
        fontsize="small",
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=2,
    )


def _crossover(summary: dict[str, Any]) -> int | None:
    """Where model − base pass@k changes sign: the summary's, or from the two curves of a
    summary written before it was stored."""
    difference = summary.get("difference_curves")
    if difference:
        value = difference.get("crossover_k")
        return None if value is None else int(value)
    base = summary.get("base_curves")
    if not base:
        return None
    model = summary["curves"]
    shared = [k for k in model["k"] if k in set(base["k"])]
    gaps = [
        model["pass_at_k"]["mean"][model["k"].index(k)]
        - base["pass_at_k"]["mean"][base["k"].index(k)]
        for k in shared
    ]
    return crossover_k(shared, gaps)


def _draw_split(ax: Axes, summaries: Sequence[dict[str, Any]], colours: dict[str, str]) -> None:
    from matplotlib.patches import Patch

    rows = list(range(len(summaries)))
    compared = False
    for row, s in zip(rows, summaries):
        split = solved_split(s)
        total = sum(split.values())
        model_colour = colours[str(s["model"])]
        base_colour = colours.get(str(s.get("base")), "0.5")
        segments = SPLIT_SEGMENTS if "both" in split else SINGLE_SEGMENTS
        compared = compared or "both" in split
        left = 0.0
        for name, _ in segments:
            width = 100 * split[name] / total if total else 0.0
            style = {"edgecolor": "white", **_segment_style(name, model_colour, base_colour)}
            ax.barh(row, width, left=left, height=0.5, **style)
            if total and split[name] and width >= 100 * _INSIDE_LABEL_MIN:
                ax.text(
                    left + width / 2,
                    row,
                    str(split[name]),
                    ha="center",
                    va="center",
                    fontsize="small",
                    color="black" if name in ("neither", "unsolved", "lost") else "white",
                )
            left += width
        counts = " · ".join(f"{label} {split[name]}" for name, label in segments)
        ax.text(0, row - 0.3, f"{counts}  (of {total})", fontsize="x-small", va="bottom")
    ax.set_yticks(rows)
    ax.set_yticklabels([_bar_label(s) for s in summaries], fontsize="small")
    for tick, s in zip(ax.get_yticklabels(), summaries):
        tick.set_color(colours[str(s["model"])])
    ax.set_ylim(len(summaries) - 0.4, -0.9)  # first summary on top, room for its count line
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of problems")
    ax.set_title("solved sets (solved: some sample correct)")
    ax.grid(True, axis="x", alpha=0.3)
    key = [
        Patch(label=label, **_segment_style(name, "0.25", "0.25"))
        for name, label in (SPLIT_SEGMENTS if compared else SINGLE_SEGMENTS)
    ]
    # Below the axis: inside, it would cover the bars.
    ax.legend(
        handles=key,
        fontsize="x-small",
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=2,
        title="colour: the model; hatched: its base" if compared else "colour: the model",
        title_fontsize="x-small",
    )


def _segment_style(name: str, model_colour: str, base_colour: str) -> dict[str, Any]:
    if name in ("newly_solved", "solved"):
        return {"facecolor": model_colour}
    if name == "both":
        return {"facecolor": model_colour, "alpha": _BOTH_ALPHA}
    if name == "lost":
        return {"facecolor": "white", "hatch": _LOST_HATCH, "edgecolor": base_colour}
    return {"facecolor": _UNSOLVED_GREY}


def _bar_label(summary: dict[str, Any]) -> str:
    base = summary.get("base")
    return str(summary["model"]) if base is None else f"{summary['model']}\nvs {base}"


def _topic_table(summary: dict[str, Any]) -> dict[str, Any]:
    """The topic breakdown of a summary with a base (its rows carry `base_unsolved`)."""
    table = summary.get("breakdown", {}).get("topic") or {}
    if summary.get("base") is None or not all("base_unsolved" in r for r in table.values()):
        return {}
    return dict(table)


def _draw_topics(
    ax: Axes, summaries: Sequence[dict[str, Any]], topics: list[str], colours: dict[str, str]
) -> None:
    width = 0.8 / len(summaries)
    top = 0.0
    for slot, s in enumerate(summaries):
        table = _topic_table(s)
        colour = colours[str(s["model"])]
        positions = [j + (slot - (len(summaries) - 1) / 2) * width for j in range(len(topics))]
        values = []
        for topic in topics:
            entry = table.get(topic) or {}
            rate = entry.get("expansion")
            values.append(None if rate is None else 100 * rate)
        ax.bar(
            positions,
            [0.0 if v is None else v for v in values],
            width=width,
            color=colour,
            label=f"{s['model']} vs {s['base']}",
        )
        for x, topic, value in zip(positions, topics, values):
            entry = table.get(topic) or {}
            # A topic the base solves entirely has no expansion rate: say so, not 0 %.
            text = "n/a" if value is None else f"{entry['newly_solved']}/{entry['base_unsolved']}"
            ax.text(
                x,
                value or 0.0,
                text,
                ha="center",
                va="bottom",
                fontsize="x-small",
                rotation=90 if len(summaries) > 2 else 0,
            )
            top = max(top, value or 0.0)
    ax.set_xticks(range(len(topics)))
    ax.set_xticklabels(topics, rotation=30, ha="right", fontsize="small")
    ax.set_ylim(0, max(10.0, top * 1.3))  # headroom for the count labels
    ax.set_ylabel("expansion (%)")
    ax.set_title("expansion by topic (bar labels: newly solved / base-unsolved)")
    ax.grid(True, axis="y", alpha=0.3)
    # Below the axis, as the solved-set key: inside, it would cover bars and their counts.
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2)


__all__ = ["SPLIT_SEGMENTS", "build_figure", "draw_figure", "model_colours", "solved_split"]
