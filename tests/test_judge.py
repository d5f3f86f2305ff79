"""The optional judge (`mathb grade --judge-endpoint`): its prompt and reply parsing on
recorded replies, and the whole pass against a scripted OpenAI-compatible server on localhost
(which pairs are asked, both orders, the cache, resuming, failures). The run against a real
`vllm serve` is in test_judge_vllm.py."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import read_jsonl
from mathb import cli
from mathb.judge_prompt import WORDS_KEPT, build_messages, parse_reply, words_of
from openai_stub import openai_stub

DATA = Path(__file__).parent / "data"
DUMP = DATA / "judge_dump.jsonl"
EXAMPLES = Path(__file__).parent.parent / "examples" / "samples.jsonl"
REPLIES = read_jsonl(DATA / "judge_replies.jsonl")

_SHOWN = re.compile(r"Answer A:\n(.*?)\n\nAnswer B:\n(.*?)\n\nAre answer", re.DOTALL)
EQUIVALENT = "They denote the same expression.\nVERDICT: EQUIVALENT"
NOT_EQUIVALENT = "They differ.\nVERDICT: NOT_EQUIVALENT"


def shown(body: dict[str, Any]) -> tuple[str, str]:
    """The (answer A, answer B) a request shows the judge."""
    found = _SHOWN.search(body["messages"][-1]["content"])
    assert found is not None, body
    return found.group(1), found.group(2)


# --------------------------------------------------------------------------- prompt, replies


def test_prompt_shows_the_question_and_both_answers_in_order() -> None:
    messages = build_messages("1", r"\sin^2 x + \cos^2 x", "Simplify it.")
    assert [m["role"] for m in messages] == ["system", "user"]
    user = messages[1]["content"]
    assert user.index("Problem:\nSimplify it.") < user.index("Answer A:\n1\n")
    assert user.index("Answer A:\n1\n") < user.index("Answer B:\n\\sin^2 x + \\cos^2 x\n")
    assert user.rstrip().endswith("VERDICT: NOT_EQUIVALENT")
    swapped = build_messages(r"\sin^2 x + \cos^2 x", "1", "Simplify it.")[1]["content"]
    assert shown({"messages": [{"content": swapped}]}) == (r"\sin^2 x + \cos^2 x", "1")
    assert "Problem:" not in build_messages("1", "2")[1]["content"]


@pytest.mark.parametrize("recorded", REPLIES, ids=[r["note"] for r in REPLIES])
def test_recorded_replies_parse_strictly(recorded: dict[str, Any]) -> None:
    assert parse_reply(recorded["reply"]) is recorded["verdict"]


def test_words_keep_the_end_of_a_reply() -> None:
    long = "x " * 500 + "so they differ.\nVERDICT: NOT_EQUIVALENT"
    kept = words_of(long)
    assert kept.endswith("so they differ. VERDICT: NOT_EQUIVALENT")
    assert kept.startswith("…") and len(kept) == WORDS_KEPT + 1
    assert words_of("short\nreply") == "short reply"


# --------------------------------------------------------------------------- the pass


def grade(
    out: Path, *extra: str | Path, dump: Path = DUMP, fallback: bool = False, quiet: bool = True
) -> int:
    """`mathb grade DUMP -o OUT --summary OUT.summary.json`, in this process."""
    args = ["grade", str(dump), "-o", str(out), "--summary", f"{out}.summary.json"]
    args += ["-q"] if quiet else []
    return cli.main([*args, *([] if fallback else ["--no-fallback"]), *map(str, extra)])


def summary_of(out: Path) -> dict[str, Any]:
    return dict(json.loads(Path(f"{out}.summary.json").read_text()))


def without_judge(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if k != "judge"}


def judge_args(url: str, *extra: str) -> list[str]:
    return ["--judge-endpoint", url, "--judge-model", "verifier", "--judge-retries", "1", *extra]


# The rules leave four distinct pairs of DUMP undecided (without the fallback): the judge
# below calls the first equivalent, the second not, changes its mind on the third when the
# answers swap places, and gives no verdict on the fourth (sin 2x against 2 sin x cos x).
TABLE = {
    ("1", r"\sin^2 x + \cos^2 x"): EQUIVALENT,
    (r"\sin^2 x + \cos^2 x", "1"): EQUIVALENT,
    ("x", "|x|"): NOT_EQUIVALENT,
    ("|x|", "x"): NOT_EQUIVALENT,
    ("x", r"\sqrt{x^2}"): EQUIVALENT,
    (r"\sqrt{x^2}", "x"): NOT_EQUIVALENT,
    ("108", "96"): EQUIVALENT,  # a wrong judge: only asked with --judge-on incorrect
    ("96", "108"): EQUIVALENT,
}


@pytest.fixture
def judge_server() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    def script(body: dict[str, Any]) -> str:
        return TABLE.get(shown(body), "I cannot tell.")

    with openai_stub(script) as served:
        yield served


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """The rules' verdicts of DUMP, without a judge."""
    out = tmp_path / "rules.jsonl"
    assert grade(out) == 0
    return out


def test_judge_decides_only_where_both_orders_agree(
    judge_server: tuple[str, list[dict[str, Any]]], rules: Path, tmp_path: Path
) -> None:
    url, asked = judge_server
    out = tmp_path / "judged.jsonl"
    assert grade(out, *judge_args(url)) == 0
    before, after = read_jsonl(rules), read_jsonl(out)
    undecided = {(v["gold"], v["extracted"]) for v in before if v["status"] == "undecided"}
    assert len(undecided) == 4
    # each distinct undecided pair asked once in each order; nothing else asked
    assert sorted(shown(b) for b in asked) == sorted(
        [(g, a) for g, a in undecided] + [(a, g) for g, a in undecided]
    )
    assert all(b["model"] == "verifier" and b["temperature"] == 0.0 for b in asked)
    trig = next(b for b in asked if shown(b)[0] == "1")
    assert "Problem:\nSimplify $\\sin^2 x + \\cos^2 x$." in trig["messages"][-1]["content"]
    changed = {v["line"]: v for v, w in zip(before, after) if v != w}
    assert sorted(changed) == [1, 3, 5]
    for v, w in zip(before, after):
        if v["line"] in (1, 3):
            assert (w["status"], w["decided_by"]) == ("correct", "judge")
        elif v["line"] == 5:
            assert (w["status"], w["decided_by"]) == ("incorrect", "judge")
        else:
            assert w == v  # the disagreed pair (8), no verdict (9), every rule verdict stay
            continue
        assert w["judge"]["rules"] == {"status": "undecided", "reason": v["reason"]}
        assert all(word.endswith(("VERDICT: EQUIVALENT", "VERDICT: NOT_EQUIVALENT"))
                   for word in w["judge"]["words"])  # fmt: skip
        assert {k: w[k] for k in v if k not in ("status", "reason")} == {
            k: v[k] for k in v if k not in ("status", "reason")
        }
    judged, plain = summary_of(out), summary_of(rules)
    assert judged["judge"] == {
        "endpoint": url, "model": "verifier", "on": "undecided", "prompt_version": 1,
        "pairs": 4, "correct": 1, "incorrect": 1, "disagreed": 1, "no_verdict": 1,
        "failed": 0, "samples": {"correct": 2, "incorrect": 1},
    }  # fmt: skip
    counts = dict(plain["counts"])
    counts.update(
        correct=counts["correct"] + 2,
        incorrect=counts["incorrect"] + 1,
        undecided=counts["undecided"] - 3,
    )
    assert judged["counts"] == counts
    assert judged["accuracy"] == counts["correct"] / 16
    # the trig problem now has 3 of 4 correct, the others as before
    assert judged["pass_at_k"]["1"] == pytest.approx(plain["pass_at_k"]["1"] + 0.5 / 4)
    assert judged["pass_at_k"]["4"] == plain["pass_at_k"]["4"]
    assert "judge_requests" not in judged  # run-only: a rerun's summary file is the same


def test_correct_is_never_asked_about_and_incorrect_only_when_told(
    judge_server: tuple[str, list[dict[str, Any]]], rules: Path, tmp_path: Path
) -> None:
    url, asked = judge_server
    out, reference = tmp_path / "judged.jsonl", tmp_path / "with-gold.jsonl"
    assert grade(out, *judge_args(url, "--judge-on", "incorrect")) == 0
    assert grade(reference, "--with-gold") == 0
    before, after = read_jsonl(rules), read_jsonl(out)
    pairs = {
        status: {frozenset((v["gold"], v["extracted"])) for v in read_jsonl(reference)
                 if v["status"] == status}
        for status in ("correct", "incorrect", "undecided")
    }  # fmt: skip
    asked_pairs = {frozenset(shown(b)) for b in asked}
    assert asked_pairs == pairs["incorrect"] | pairs["undecided"]
    assert not asked_pairs & pairs["correct"]
    assert len(asked) == 2 * len(asked_pairs)
    line13 = after[12]
    assert (line13["status"], line13["decided_by"]) == ("correct", "judge")
    assert line13["judge"]["rules"]["status"] == "incorrect"
    # the gold the judge needed stays on the lines it decided, and where the rules put it
    assert all(("gold" in w) == ("judge" in w or v["status"] == "undecided")
               for v, w in zip(before, after))  # fmt: skip
    assert summary_of(out)["judge"]["samples"] == {"correct": 3, "incorrect": 1}


def test_a_rerun_and_a_resumed_run_ask_nothing_twice(
    judge_server: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    url, asked = judge_server
    out = tmp_path / "judged.jsonl"
    assert grade(out, *judge_args(url), fallback=True) == 0
    first, summary = out.read_bytes(), summary_of(out)
    cache = Path(f"{out}.judge.jsonl")
    # with the fallback, two pairs stay undecided: (x, |x|) and (x, √(x²))
    assert len(asked) == 4 and len(read_jsonl(cache)) == 4
    assert summary["judge"]["samples"] == {"correct": 0, "incorrect": 1}
    with cache.open("a") as f:
        f.write('{"key": "torn by a ki')  # a kill mid-write: that line is ignored
    for extra in ([], ["--resume"]):
        assert grade(out, *judge_args(url), *extra, fallback=True) == 0
        assert len(asked) == 4, extra  # every reply came from the cache
        assert out.read_bytes() == first
        # the resumed core reads the judge's line; the fallback counts stay those of one run
        assert summary_of(out) == summary
    cache.unlink()
    assert grade(out, *judge_args(url), "--resume", fallback=True) == 0
    assert len(asked) == 8 and out.read_bytes() == first


def test_noise_leaves_every_verdict_and_the_summary_as_the_rules_left_them(
    tmp_path: Path,
) -> None:
    """A judge whose replies never parse changes nothing: the same bytes and the same
    summary (recounted from the lines) as a run without it, on a dump with every status."""
    with openai_stub(lambda body: "the the \\boxed{ 2x answer Let") as (url, asked):
        for on in ("undecided", "incorrect"):
            plain, judged = tmp_path / f"plain-{on}.jsonl", tmp_path / f"judged-{on}.jsonl"
            assert grade(plain, "-k", "3", dump=EXAMPLES, fallback=True) == 0
            extra = judge_args(url, "--judge-on", on)
            assert grade(judged, "-k", "3", *extra, dump=EXAMPLES, fallback=True) == 0
            assert judged.read_bytes() == plain.read_bytes()
            after = summary_of(judged)
            assert without_judge(after) == {**summary_of(plain), "input": after["input"]}
            assert after["judge"]["no_verdict"] == after["judge"]["pairs"]
        assert len(asked) == 2 * after["judge"]["pairs"] > 100


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("server", ["down", "5xx", "4xx"])
def test_a_failing_endpoint_leaves_the_rules_verdicts(
    server: str, rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[int] = []

    def script(body: dict[str, Any]) -> str | tuple[int, bytes]:
        calls.append(1)
        return (503, b"overloaded") if server == "5xx" else (400, b"context too long")

    out = tmp_path / "judged.jsonl"
    with openai_stub(script) as (url, _):
        if server == "down":
            url = f"http://127.0.0.1:{_closed_port()}"
        assert grade(out, *judge_args(url), quiet=False) == 0
    assert out.read_bytes() == rules.read_bytes()
    judged = summary_of(out)
    assert without_judge(judged) == {**summary_of(rules), "input": judged["input"]}
    assert (judged["judge"]["pairs"], judged["judge"]["failed"]) == (4, 4)
    assert not Path(f"{out}.judge.jsonl").exists()  # failures are not cached
    # retried on 5xx (once each: --judge-retries 1), given up at once on 4xx
    assert len(calls) == {"down": 0, "5xx": 16, "4xx": 8}[server]
    assert "4 of 4 pairs got no reply" in capsys.readouterr().err


def test_a_server_that_is_down_is_given_up_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After 2 × concurrency requests in a row failed, the rest are not sent."""
    out = tmp_path / "judged.jsonl"
    url = f"http://127.0.0.1:{_closed_port()}"
    extra = ["--judge-on", "incorrect", "--judge-concurrency", "1", "--judge-retries", "0"]
    assert grade(out, *judge_args(url, *extra), dump=EXAMPLES, quiet=False) == 0
    judged = summary_of(out)
    assert judged["judge"]["failed"] == judged["judge"]["pairs"] > 50
    # the table says what was sent: two requests, then the rest given up on
    shown_rows = capsys.readouterr().out
    left = 2 * judged["judge"]["pairs"] - 2
    assert f"(2 requests sent, 0 from the cache, {left:,} not sent)" in shown_rows


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-o", "-"], "give it a path with -o"),
        (["--only", "incorrect"], "--only writes some"),
        (["--compare-field", "score"], "--compare-field counts"),
    ],
)
def test_runs_the_judge_cannot_recount_are_refused(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["grade", str(DUMP), *judge_args("http://127.0.0.1:9"), *extra]
    if "-o" not in extra:
        args += ["-o", str(tmp_path / "v.jsonl")]
    assert cli.main(args) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--judge-endpoint", "http://127.0.0.1:9"], "needs --judge-model"),
        (["--judge-model", "m"], "--judge-model needs --judge-endpoint"),
    ],
)
def test_endpoint_and_model_go_together(
    flags: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["grade", str(DUMP), "-o", str(tmp_path / "v.jsonl"), *flags]) == 2
    assert message in capsys.readouterr().err


def test_library_pass_on_a_verdicts_file(
    judge_server: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    """`judge_verdicts` on a file `grade_file` wrote: what the CLI runs."""
    from mathb.grading import grade_file
    from mathb.judge import JudgeSettings, judge_verdicts

    url, asked = judge_server
    out = tmp_path / "v.jsonl"
    summary = grade_file(DUMP, out)  # no fallback: four pairs undecided
    settings = JudgeSettings(url, "verifier", retries=0)
    ended: list[tuple[int, int]] = []
    judged = judge_verdicts(
        out, summary, settings, cache=tmp_path / "cache.jsonl", progress=lambda *p: ended.append(p)
    )
    assert ended == [(i, 8) for i in range(1, 9)]
    assert judged["judge"]["pairs"] == 4 and judged["judge_requests"]["sent"] == len(asked) == 8
    assert len(read_jsonl(tmp_path / "cache.jsonl")) == 8
    assert [v.get("decided_by") for v in read_jsonl(out)].count("judge") == 3


def test_eval_passes_the_judge_to_both_dumps(
    judge_server: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    url, asked = judge_server
    plain, judged = tmp_path / "plain.json", tmp_path / "judged.json"
    common = ["eval", "--samples", str(DUMP), "--base-samples", str(DUMP), "-q"]
    assert cli.main([*common, "-o", str(plain)]) == 0
    assert cli.main([*common, "-o", str(judged), *judge_args(url)]) == 0
    before, after = json.loads(plain.read_text()), json.loads(judged.read_text())
    assert "judge" not in before
    # eval grades without the fallback: the four pairs of the grade test, once for both dumps
    for role in ("model", "base"):
        assert after["judge"][role]["samples"] == {"correct": 2, "incorrect": 1}
        lines = read_jsonl(tmp_path / f"judged.{role}.verdicts.jsonl")
        assert [v.get("decided_by") for v in lines].count("judge") == 3
    assert len(asked) == 16  # each verdicts file has its own cache beside it
    # two more of the trig problem's four samples correct: pass@1 up by 2/4 over 4 problems
    pass_1 = [s["curves"]["pass_at_k"]["mean"][0] for s in (before, after)]
    assert pass_1[1] == pytest.approx(pass_1[0] + 0.125)
