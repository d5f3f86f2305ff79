"""`mathb report`: the figure renders as PNG and well-formed SVG for one and for several runs,
draws model and base curves, maj@k, the crossover, the solved-set split and the topic bars
with their counts in one colour per model (checked on the matplotlib objects), and the
Markdown / HTML tables carry Table 2's columns; the HTML page embeds the figure."""

from __future__ import annotations

import base64
import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import mathb
import pytest
from evalfixtures import BASE_SOLVED, SHRUNK, TABLE_2, write_pair_dumps, write_pair_table
from mathb.evaluation import EvalConfig, evaluate
from mathb.grading import write_summary
from mathb.report import markdown_table, write_report
from mathb.report_figure import build_figure

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def summaries(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Five eval summaries: the four Table 2 pairs against the dataset, one against a dump."""
    directory = tmp_path_factory.mktemp("summaries")
    paths = []
    for pair in TABLE_2:
        model, base = write_pair_dumps(pair, directory, samples=8)
        table = write_pair_table(pair, directory / f"{pair.base}.csv")
        config = EvalConfig(str(model), base_column=pair.base, dataset=str(table), resamples=100)
        paths.append(directory / f"{pair.model}.json")
        write_summary(evaluate(config), paths[-1])
    config = EvalConfig(str(model), base_samples=str(base), name="dump-vs-dump", resamples=100)
    paths.append(directory / "dump.json")
    write_summary(evaluate(config), paths[-1])
    return paths


@pytest.mark.parametrize("count", [1, 5])
def test_report_renders(summaries: list[Path], tmp_path: Path, count: int) -> None:
    paths = write_report(summaries[:count], tmp_path / "out")
    png = paths["png"].read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    root = ET.parse(paths["svg"]).getroot()
    assert root.tag.endswith("svg")
    page = ET.fromstring(paths["html"].read_text().removeprefix("<!DOCTYPE html>\n"))
    assert len(page.findall(".//tbody/tr")) == count
    assert len(paths["md"].read_text().splitlines()) == count + 2
    # The page embeds the very PNG that was written.
    (image,) = page.findall(".//img")
    prefix = "data:image/png;base64,"
    assert image.get("src", "").startswith(prefix)
    assert base64.b64decode(image.get("src", "")[len(prefix) :]) == png


def test_markdown_table_rows(summaries: list[Path]) -> None:
    loaded = [json.loads(p.read_text()) for p in summaries]
    lines = markdown_table(loaded).splitlines()
    assert lines[0].startswith("| model | base | base unsolved | newly solved | expansion |")
    assert lines[2].startswith("| qwen3-4b | qwen3-4b-base | 112 | 66 | 58.93 % |")
    assert lines[6].startswith("| dump-vs-dump | r1-1.5b | 115 | 6 | 5.22 % |")


def test_report_rejects_grade_summaries(run_mathb, data_dir: Path, tmp_path: Path) -> None:
    assert run_mathb("grade", data_dir / "samples.jsonl", "--summary", "g.json").returncode == 0
    result = run_mathb("report", "g.json")
    assert result.returncode == 2
    assert "not a `mathb eval` summary" in result.stderr
    (tmp_path / "bad.json").write_text("{\n  oops\n}")
    result = run_mathb("report", "bad.json")
    assert result.returncode == 2 and "bad.json:2: invalid JSON" in result.stderr


def test_report_cli_writes_four_files(run_mathb, summaries: list[Path], tmp_path: Path) -> None:
    result = run_mathb("report", *summaries[:2], "-o", "r")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == [
        "report.html",
        "report.md",
        "report.png",
        "report.svg",
    ]
    assert "| skywork" not in result.stdout and "| qwen3_8b | qwen3_8b_base | 116 | 77" in (
        result.stdout
    )


def test_missing_extra_is_a_mathb_error() -> None:
    assert issubclass(mathb.MissingExtraError, mathb.MathbError)
    assert issubclass(mathb.MissingExtraError, ImportError)


# --------------------------------------------------------------------------- the figure


def _load(paths: list[Path]) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in paths]


def _legend_texts(ax: Any) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None, ax.get_title()
    return [t.get_text() for t in legend.get_texts()]


def _texts(ax: Any) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_model_beside_its_base(summaries: list[Path]) -> None:
    import matplotlib.pyplot as plt

    (summary,) = _load(summaries[4:5])  # dump against dump: both have curves
    fig = build_figure([summary])
    try:
        curves_ax, split_ax = fig.axes[:2]
        assert curves_ax.get_xscale() == "log"
        solid = {line.get_label(): line for line in curves_ax.lines if line.get_linestyle() == "-"}
        model, base = solid["dump-vs-dump"], solid["r1-1.5b (base)"]
        assert list(model.get_xdata()) == summary["curves"]["k"]
        assert list(base.get_ydata()) == pytest.approx(
            [100 * v for v in summary["base_curves"]["pass_at_k"]["mean"]]
        )
        dashed = [line for line in curves_ax.lines if line.get_linestyle() == "--"]
        assert sorted(line.get_color() for line in dashed) == sorted(
            [model.get_color(), base.get_color()]
        )
        assert model.get_color() != base.get_color()
        assert len(curves_ax.collections) == 2  # one band each
        assert {"dump-vs-dump", "r1-1.5b (base)", "pass@k", "maj@k"} <= set(
            _legend_texts(curves_ax)
        )
        # The crossover: where the model's pass@k minus the base's first changes sign.
        gaps = [
            m - b
            for m, b in zip(
                summary["curves"]["pass_at_k"]["mean"], summary["base_curves"]["pass_at_k"]["mean"]
            )
        ]
        first = next(g > 0 for g in gaps if g)
        crossing = next((k for k, g in zip(summary["curves"]["k"], gaps) if g and (g > 0) != first))
        assert summary["difference_curves"]["crossover_k"] == crossing
        marks = [line for line in curves_ax.lines if line.get_linestyle() == ":"]
        assert [line.get_xdata()[0] for line in marks] == [crossing]
        assert f"crossover k={crossing}" in _texts(curves_ax)

        # One bar, its four counts written out, the model's colour on the bar and its label.
        pair = TABLE_2[3]
        counts = (
            f"model only (newly solved) {pair.newly_solved} · both {BASE_SOLVED - SHRUNK} · "
            f"base only (lost) {SHRUNK} · neither (out of reach) "
            f"{pair.base_unsolved - pair.newly_solved}  (of {pair.base_unsolved + BASE_SOLVED})"
        )
        assert counts in _texts(split_ax)
        newly = split_ax.patches[0]
        assert newly.get_facecolor() == pytest.approx(_rgba(model.get_color()))
        assert split_ax.get_yticklabels()[0].get_color() == model.get_color()
        assert split_ax.patches[2].get_hatch()  # the base-only segment
        assert "both" in _legend_texts(split_ax)
    finally:
        plt.close(fig)


def _rgba(colour: Any) -> tuple[float, ...]:
    from matplotlib.colors import to_rgba

    return tuple(to_rgba(colour))


def test_several_runs_keep_one_colour_per_model(summaries: list[Path], tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    loaded = _load(summaries)
    alone = evaluate(EvalConfig(str(summaries[0].parent / "qwen3-4b.jsonl"), resamples=20))
    loaded.append(alone)
    fig = build_figure(loaded)
    try:
        curves_ax, split_ax, topics_ax = fig.axes[:3]
        for ax in (curves_ax, split_ax, topics_ax):
            _legend_texts(ax)  # a legend on every panel
        lines = {line.get_label(): line.get_color() for line in curves_ax.lines}
        ticks = split_ax.get_yticklabels()
        assert len(ticks) == len(loaded)
        bars = {c.get_label(): c for c in topics_ax.containers}
        assert len(bars) == 4  # the four runs with a base and topics; not the lone model
        for i, s in enumerate(loaded):
            colour = lines[s["model"]]
            assert ticks[i].get_color() == colour
            if s["base"] is not None and s["breakdown"]:
                container = bars[f"{s['model']} vs {s['base']}"]
                assert container.patches[0].get_facecolor() == pytest.approx(_rgba(colour))
        # The lone model's bar: solved / unsolved, counted.
        solved = alone["set_metrics"]["model_solved"]
        assert (
            f"solved {solved} · unsolved {alone['problems'] - solved}  (of {alone['problems']})"
            in (_texts(split_ax))
        )
        # Every topic bar is labelled with its counts, newly solved / base-unsolved.
        shown = _texts(topics_ax)
        for s in loaded[:4]:
            for row in s["breakdown"]["topic"].values():
                assert f"{row['newly_solved']}/{row['base_unsolved']}" in shown
    finally:
        plt.close(fig)


def test_a_topic_the_base_solves_entirely_says_na(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    pair = TABLE_2[2]
    model, _ = write_pair_dumps(pair, tmp_path)
    table = write_pair_table(pair, tmp_path / "t.csv")
    with table.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows[pair.base_unsolved :]:  # the base-solved rows get a topic of their own
        row["topic"] = "Warm-up"
    with table.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    config = EvalConfig(str(model), base_column=pair.base, dataset=str(table), resamples=20)
    summary = evaluate(config)
    assert summary["breakdown"]["topic"]["Warm-up"]["expansion"] is None
    fig = build_figure([summary])
    try:
        topics_ax = fig.axes[2]
        labels = [t.get_text() for t in topics_ax.get_xticklabels()]
        where = labels.index("Warm-up")
        texts = _texts(topics_ax)
        assert texts.count("n/a") == 1 and texts[where] == "n/a"
        assert topics_ax.patches[where].get_height() == 0
        assert all(re.fullmatch(r"\d+/\d+", t) for i, t in enumerate(texts) if i != where)
    finally:
        plt.close(fig)


def test_summaries_of_an_older_mathb_still_render(summaries: list[Path], tmp_path: Path) -> None:
    (summary,) = _load(summaries[4:5])
    crossing = summary["difference_curves"]["crossover_k"]
    for key in ("solved_sets", "difference_curves", "intervals"):
        del summary[key]
    for key in ("solved", "solved_difference"):
        del summary["set_metrics"][key]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(summary))
    paths = write_report([old], tmp_path / "out")
    assert paths["png"].read_bytes().startswith(b"\x89PNG")
    row = paths["md"].read_text().splitlines()[2]
    assert "| n/a | 27 / 6 / 3 / 109 |" in row
    import matplotlib.pyplot as plt

    fig = build_figure([summary])
    try:  # the crossover found from the two curves
        assert f"crossover k={crossing}" in _texts(fig.axes[0])
    finally:
        plt.close(fig)


def test_table_and_page_show_the_comparison(summaries: list[Path], tmp_path: Path) -> None:
    loaded = _load(summaries)
    model = summaries[0].parent / "qwen3-4b.jsonl"
    loaded.append(evaluate(EvalConfig(str(model), name="alone", resamples=20)))
    lines = markdown_table(loaded).splitlines()
    dump_row, alone_row = lines[6], lines[7]
    change = loaded[4]["set_metrics"]["solved_difference"]
    low, high = change["ci"]
    assert f"| {100 * change['value']:+.2f} pp ({100 * low:+.1f} to {100 * high:+.1f}) |" in (
        dump_row
    )
    assert "| 27 / 6 / 3 / 109 |" in dump_row
    base_k = loaded[4]["base_curves"]["pass_at_k"]["mean"][-1]
    assert f"| {100 * base_k:.2f} % (k=8) |" in dump_row
    assert lines[2].count("| n/a |") == 1  # a dataset column has no base curve
    solved = loaded[5]["set_metrics"]["model_solved"]
    assert alone_row.startswith("| alone | none | n/a | n/a | n/a | n/a |")
    assert f"| {solved} solved / {142 - solved} unsolved |" in alone_row
    paths = write_report(summaries[4:5], tmp_path / "out")
    page = paths["html"].read_text()
    ids = ", ".join(str(i) for i in loaded[4]["solved_sets"]["lost"])
    assert f"<summary>lost (3)</summary><code>{ids}</code>" in page
