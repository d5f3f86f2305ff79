"""Agreement of mathb and of Math-Verify with the labels of a real-completions corpus.

Usage::

    python benches/real_corpus/agreement.py CORPUS.jsonl [--out-dir DIR] [--mv-timeout 5]
                                            [--workers 2] [--limit N] [--write]

CORPUS.jsonl is what ``build_corpus.py`` writes. mathb runs with its default settings
(``mathb.grade_batch(golds, completions, choices=..., fallback=True)``, the options of
multiple-choice items passed as a dump reader passes them, and once more with
``fallback=False`` for the core-only numbers); Math-Verify runs with its defaults
(``verify(parse(gold), parse(completion))``) in a small pool of worker processes, each item
under a hard timeout, since Math-Verify can hang on some inputs. Both run in the same
invocation, over the same samples. The per-source table is printed as Markdown; ``--write``
also puts it into ``RESULTS.md`` beside this script. Every disagreement (mathb against the
label, and mathb against Math-Verify) goes to ``DIR/disagreements.jsonl``.

A sample counts as *accepted* by a grader when it says correct; agreement with a label is
``accepted == label`` over the labelled samples, so an undecided or no-answer verdict counts
as a rejection there and is also reported on its own.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import mathb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from machine import cpu_name  # noqa: E402  (benches/ is not a package)

TAIL_CHARS = 400

# --- Math-Verify in killable worker processes ------------------------------------------------


def _mv_worker(conn: Connection) -> None:
    """Serves (gold, completion) pairs until the pipe closes; one answer per request."""
    import logging

    from math_verify import parse, verify

    # Math-Verify logs every parse failure and timeout; the verdict is all that matters here.
    logging.disable(logging.CRITICAL)
    while True:
        try:
            gold, completion = conn.recv()
        except EOFError:
            return
        try:
            pred = parse(completion)
            ok = bool(verify(parse(gold), pred))
            conn.send(("ok", ok, [str(p) for p in pred][:2]))
        except Exception as exc:  # a crash on one item must not stop the run
            conn.send(("error", False, [f"{type(exc).__name__}: {exc}"[:200]]))


@dataclass
class _Slot:
    proc: mp.process.BaseProcess
    conn: Connection
    item: int = -1
    started: float = 0.0


def run_math_verify(
    pairs: list[tuple[str, str]], workers: int, timeout: float
) -> list[tuple[str, bool, list[str]]]:
    """Math-Verify verdicts for ``pairs``; a worker past ``timeout`` is killed and replaced."""
    ctx = mp.get_context("spawn")  # forking a process that holds mathb's threads is unsafe

    def spawn() -> _Slot:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_mv_worker, args=(child,), daemon=True)
        proc.start()
        child.close()
        return _Slot(proc, parent)

    results: list[tuple[str, bool, list[str]]] = [("timeout", False, [])] * len(pairs)
    slots = [spawn() for _ in range(max(1, workers))]
    nxt = 0
    busy = 0
    done = 0
    last_report = time.monotonic()
    try:
        while done < len(pairs):
            for slot in slots:
                if slot.item < 0 and nxt < len(pairs):
                    slot.item, slot.started = nxt, time.monotonic()
                    slot.conn.send(pairs[nxt])
                    nxt += 1
                    busy += 1
            ready = mp.connection.wait([s.conn for s in slots if s.item >= 0], timeout=0.5)
            for i, slot in enumerate(slots):
                if slot.item < 0:
                    continue
                if slot.conn in ready:
                    try:
                        results[slot.item] = slot.conn.recv()
                    except EOFError:  # the worker died (e.g. out of memory)
                        results[slot.item] = ("error", False, ["worker died"])
                        slot.proc.kill()
                        slots[i] = spawn()
                    slot.item = -1
                    busy -= 1
                    done += 1
                elif time.monotonic() - slot.started > timeout:
                    results[slot.item] = ("timeout", False, [])
                    slot.proc.kill()
                    slot.proc.join()
                    slots[i] = spawn()
                    busy -= 1
                    done += 1
            if time.monotonic() - last_report > 30:
                print(f"  math-verify: {done}/{len(pairs)}", file=sys.stderr, flush=True)
                last_report = time.monotonic()
    finally:
        for slot in slots:
            slot.conn.close()
            slot.proc.join(timeout=2)
            if slot.proc.is_alive():
                slot.proc.kill()
    return results


# --- tallies -----------------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts for one grader on one source."""

    agree: int = 0
    labelled: int = 0
    false_accept: int = 0  # accepted, labelled wrong
    false_reject: int = 0  # said incorrect / no answer, labelled right
    undecided: int = 0
    no_answer: int = 0
    timeouts: int = 0
    errors: int = 0

    def pct(self) -> str:
        return f"{100.0 * self.agree / self.labelled:.2f}" if self.labelled else "–"


@dataclass
class SourceStats:
    samples: int = 0
    labelled: int = 0
    core: Tally = field(default_factory=Tally)
    final: Tally = field(default_factory=Tally)
    mv: Tally = field(default_factory=Tally)
    mathb_vs_mv: int = 0  # samples where mathb (with fallback) and Math-Verify differ


def _count_mathb(t: Tally, status: str, label: bool | None) -> None:
    accepted = status == "correct"
    if status == "undecided":
        t.undecided += 1
    elif status == "no_answer":
        t.no_answer += 1
    if label is None:
        return
    t.labelled += 1
    t.agree += accepted == label
    if accepted and not label:
        t.false_accept += 1
    elif label and status in ("incorrect", "no_answer"):
        t.false_reject += 1


def _count_mv(t: Tally, kind: str, ok: bool, label: bool | None) -> None:
    if kind == "timeout":
        t.timeouts += 1
    elif kind == "error":
        t.errors += 1
    if label is None:
        return
    t.labelled += 1
    t.agree += ok == label
    if ok and not label:
        t.false_accept += 1
    elif label and not ok and kind == "ok":
        t.false_reject += 1


# --- report ------------------------------------------------------------------------------------


def markdown(stats: dict[str, SourceStats], mv_ran: bool) -> str:
    total = SourceStats()
    for s in stats.values():
        total.samples += s.samples
        total.labelled += s.labelled
        total.mathb_vs_mv += s.mathb_vs_mv
        for grader in ("core", "final", "mv"):
            a, b = getattr(total, grader), getattr(s, grader)
            for attr in Tally.__dataclass_fields__:
                setattr(a, attr, getattr(a, attr) + getattr(b, attr))
    rows = [*sorted(stats.items()), ("**all**", total)]
    out = [
        "| source | samples | labelled | core agree % | core acc.-wrong | core rej.-right "
        "| core undecided | mathb agree % | acc.-wrong | rej.-right | undecided | no_answer "
        "| MV agree % | MV acc.-wrong | MV rej.-right | MV timeouts | MV errors | mathb ≠ MV |",
        "|" + "---|" * 18,
    ]
    for name, s in rows:
        c, f, m = s.core, s.final, s.mv
        mv_cells = (
            [m.pct(), m.false_accept, m.false_reject, m.timeouts, m.errors, s.mathb_vs_mv]
            if mv_ran
            else ["–"] * 6
        )
        cells: Iterable[Any] = [
            name,
            s.samples,
            s.labelled,
            c.pct(),
            c.false_accept,
            c.false_reject,
            c.undecided,
            f.pct(),
            f.false_accept,
            f.false_reject,
            f.undecided,
            f.no_answer,
            *mv_cells,
        ]
        out.append("| " + " | ".join(str(x) for x in cells) + " |")
    return "\n".join(out)


def machine() -> str:
    return f"{cpu_name()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def versions() -> str:
    try:
        from importlib.metadata import version

        mv = version("math-verify")
    except Exception:
        mv = "not installed"
    try:
        rev = subprocess.run(
            ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        rev = "unknown"
    return f"mathb {getattr(mathb, '__version__', '?')} (checkout {rev}), math-verify {mv}"


def write_results(table: str, command: str, timings: str) -> None:
    """Replaces the generated part of RESULTS.md, keeping any notes written above the marker."""
    path = HERE / "RESULTS.md"
    marker = "<!-- generated by agreement.py; everything below is rewritten by --write -->"
    head = "# Agreement with real labels\n\n"
    if path.exists():
        text = path.read_text(encoding="utf-8")
        head = text.split(marker, 1)[0] if marker in text else text.rstrip() + "\n\n"
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = (
        f"{marker}\n\n"
        f"- date: {now}\n- machine: {machine()}\n- versions: {versions()}\n"
        f"- command: `{command}`\n- {timings}\n\n{table}\n"
    )
    path.write_text(head + body, encoding="utf-8")


# --- main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--out-dir", type=Path, default=Path("/tmp/real_corpus_agreement"))
    ap.add_argument("--mv-timeout", type=float, default=5.0, help="seconds per Math-Verify item")
    ap.add_argument("--workers", type=int, default=2, help="Math-Verify worker processes")
    ap.add_argument("--limit", type=int, default=0, help="only the first N samples (0: all)")
    ap.add_argument("--no-mv", action="store_true", help="skip Math-Verify")
    ap.add_argument("--write", action="store_true", help="write the table into RESULTS.md")
    args = ap.parse_args(argv)

    records = []
    with args.corpus.open(encoding="utf-8") as fh:
        for line in fh:
            records.append(json.loads(line))
            if args.limit and len(records) >= args.limit:
                break
    golds = [r["gold"] for r in records]
    comps = [r["completion"] for r in records]
    print(f"{len(records)} samples", file=sys.stderr)

    # The options of multiple-choice items go with them, as dump readers pass them.
    choices = [r.get("choices") for r in records]
    t0 = time.perf_counter()
    core = mathb.grade_batch(golds, comps, choices=choices, fallback=False)
    t1 = time.perf_counter()
    final = mathb.grade_batch(golds, comps, choices=choices, fallback=True)
    t2 = time.perf_counter()
    print(f"mathb core {t1 - t0:.1f} s, with fallback {t2 - t1:.1f} s", file=sys.stderr)

    mv: list[tuple[str, bool, list[str]]] = []
    if not args.no_mv:
        mv = run_math_verify(list(zip(golds, comps, strict=True)), args.workers, args.mv_timeout)
    t3 = time.perf_counter()
    timings = (
        f"time: mathb core {t1 - t0:.1f} s, mathb with fallback {t2 - t1:.1f} s, "
        f"Math-Verify {t3 - t2:.1f} s ({args.workers} processes, {args.mv_timeout:g} s timeout)"
    )
    print(timings, file=sys.stderr)

    stats: dict[str, SourceStats] = defaultdict(SourceStats)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    n_dis = 0
    with (args.out_dir / "disagreements.jsonl").open("w", encoding="utf-8") as dis:
        for i, rec in enumerate(records):
            s = stats[rec["source"]]
            label = rec.get("label")
            s.samples += 1
            s.labelled += label is not None
            _count_mathb(s.core, core[i].status, label)
            _count_mathb(s.final, final[i].status, label)
            accepted = final[i].status == "correct"
            kinds = []
            if label is not None and accepted != label:
                kinds.append("label")
            mv_kind, mv_ok, mv_ext = mv[i] if mv else ("skipped", False, [])
            if mv:
                _count_mv(s.mv, mv_kind, mv_ok, label)
                if mv_ok != accepted:
                    s.mathb_vs_mv += 1
                    kinds.append("math-verify")
            if not kinds:
                continue
            n_dis += 1
            row = {
                "kinds": kinds,
                "source": rec["source"],
                "model": rec["model"],
                "problem_id": rec["problem_id"],
                "sample_idx": rec["sample_idx"],
                "gold": rec["gold"],
                "choices": rec.get("choices"),
                "label": label,
                "status": final[i].status,
                "decided_by": final[i].decided_by,
                "core_status": core[i].status,
                "extracted": final[i].extracted,
                "reason": final[i].reason,
                "mv": mv_kind if mv_kind != "ok" else mv_ok,
                "mv_extracted": mv_ext,
                "tail": rec["completion"][-TAIL_CHARS:],
            }
            dis.write(json.dumps(row, ensure_ascii=False) + "\n")

    table = markdown(stats, bool(mv))
    print(table)
    print(f"{n_dis} disagreements in {args.out_dir / 'disagreements.jsonl'}", file=sys.stderr)
    if args.write:
        command = "python benches/real_corpus/agreement.py " + " ".join(
            sys.argv[1:] if argv is None else argv
        )
        write_results(table, command, timings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
