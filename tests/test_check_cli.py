"""`mathb check GOLD ANSWER [--explain] [--json]`, run as a user runs it: a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import mathb
import pytest

COMPLETION = r"We add the halves. Thus the answer is $\boxed{0.5}$."
# Its answer is a plain number, which only lenient extraction takes.
LAST_NUMBER = "First we add 2 and 3 to get the total count of apples, so there are 5"


def check(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mathb", "check", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )


def check_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = check(*args, "--json")
    assert result.stderr == "", result.stderr
    return result.returncode, json.loads(result.stdout)


def test_a_correct_pair_prints_its_verdict_and_exits_0() -> None:
    result = check(r"\frac12", COMPLETION)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["status", "correct"]
    assert lines[1].startswith("reason") and "equal" in lines[1]
    assert lines[2].split() == ["extracted", "0.5"]


@pytest.mark.parametrize(
    ("answer", "status"),
    [(r"\boxed{0.6}", "incorrect"), ("I could not solve it", "no_answer")],
)
def test_a_pair_that_is_not_correct_exits_1(answer: str, status: str) -> None:
    code, out = check_json("1/2", answer)
    assert (code, out["status"]) == (1, status)
    assert set(out) == {"status", "reason", "extracted", "decided_by"}


def test_the_verdict_is_the_apis() -> None:
    code, out = check_json(r"\frac12", COMPLETION)
    assert code == 0
    assert out == mathb.grade(r"\frac12", COMPLETION, fallback=True).to_dict()


def test_explain_locates_the_answer_and_shows_both_readings() -> None:
    code, out = check_json(r"\frac12", COMPLETION, "--explain")
    assert code == 0
    assert out["method"] == "boxed"
    start, end = out["span"]
    assert COMPLETION[start:end] == "0.5"
    assert (out["gold_parsed"], out["answer_parsed"]) == ("1/2", "0.5")
    # 0.5 is 1/2 under either decimal policy: no single option changes this verdict.
    assert out["changes"] == []


def test_explain_names_the_options_that_would_change_the_verdict() -> None:
    code, out = check_json("1/3", r"\boxed{0.333}", "--explain")
    assert code == 0
    changed = {c["option"]: c["status"] for c in out["changes"]}
    assert changed.get("--decimal exact") == "incorrect"
    code, out = check_json("5", LAST_NUMBER, "--explain")
    assert code == 1 and out["status"] == "no_answer"
    changed = {c["option"]: c["status"] for c in out["changes"]}
    assert changed == {"--extract lenient": "correct"}
    assert out["changes"][0]["keywords"] == {"extract": "lenient"}


def test_explain_as_text() -> None:
    result = check("1/3", r"so \boxed{0.333}", "--explain")
    assert result.returncode == 0, result.stderr
    rows = {line.split("  ")[0]: line for line in result.stdout.splitlines()}
    assert "boxed" in rows["method"] and "characters 10–15 of 16" in rows["method"]
    assert rows["gold read"].split()[-1] == "1/3"
    assert rows["answer read"].split()[-1] == "0.333"
    assert "--decimal exact -> incorrect" in rows["changes"]


def test_an_unreadable_side_says_why() -> None:
    code, out = check_json(r"\frac{", r"\boxed{1}", "--explain", "--no-fallback")
    assert out["gold_parsed"] is None and out["gold_error"].startswith("gold not parsed")
    assert out["answer_parsed"] == "1"


def test_no_fallback_leaves_undecided_and_the_fallback_is_named_as_the_change() -> None:
    answer = r"\boxed{\sin^2 x+\cos^2 x}"
    code, out = check_json("1", answer, "--explain", "--no-fallback")
    assert (code, out["status"], out["decided_by"]) == (1, "undecided", "core")
    first = out["changes"][0]
    assert (first["option"], first["status"]) == ("the sympy fallback", "correct")
    code, out = check_json("1", answer)
    assert (code, out["status"], out["decided_by"]) == (0, "correct", "fallback")


def test_verify_takes_the_answer_as_it_is() -> None:
    code, out = check_json("1000", "1{,}000", "--verify", "--explain")
    assert (code, out["status"], out["method"]) == (0, "correct", "whole")
    assert (out["span"], out["answer_parsed"]) == ([0, 7], "1000")


def test_choices() -> None:
    code, out = check_json("B", r"\boxed{0.5}", "--choices", "27", r"\frac12", "30")
    assert (code, out["status"]) == (0, "correct")
    code, out = check_json("B", r"\boxed{A}", "--choices", "27", r"\frac12", "--explain")
    assert (code, out["status"]) == (1, "incorrect")
    assert out["gold_parsed"] == r"choice (B) \frac12"


def test_grading_options_are_those_of_mathb_grade() -> None:
    assert check_json("1/3", r"\boxed{0.333}", "--decimal", "exact")[1]["status"] == "incorrect"
    assert check_json("1/3", r"\boxed{0.3}", "--min-significant-digits", "1")[0] == 0
    assert check_json("5", LAST_NUMBER, "--extract", "lenient")[0] == 0
    assert check_json("f(x)=x", r"\boxed{f(y)=y}", "--loose-variables")[0] == 0


def test_answer_from_stdin() -> None:
    result = check("12", "-", "--json", stdin="Long reasoning...\n\nThe answer is 12.\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["extracted"] == "12"
    result = check("-", "-", stdin="12")
    assert result.returncode == 2 and "only one of GOLD and ANSWER" in result.stderr


@pytest.mark.parametrize(
    "args", [[], ["1"], ["1", "1", "--decimal", "fuzzy"], ["1", "1", "--decimal-places", "-1"]]
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = check(*args)
    assert result.returncode == 2
    assert "usage: mathb check" in result.stderr


def test_help_states_the_exit_statuses() -> None:
    result = check("--help")
    assert result.returncode == 0
    assert "exit status: 0 when the verdict is correct, 1 when it is not" in result.stdout


def test_every_option_with_a_default_shows_it_in_its_help() -> None:
    import argparse

    from mathb import cli

    for command in cli.COMMANDS:
        parser = argparse.ArgumentParser()
        command.configure(parser)
        for action in parser._actions:
            flags = (argparse._StoreTrueAction, argparse._StoreFalseAction, argparse._HelpAction)
            if isinstance(action, flags) or action.help in (None, argparse.SUPPRESS):
                continue
            if action.default in (None, []):  # an input that is simply not given
                continue
            assert "default" in action.help, (command.name, action.option_strings)
