"""The judge's HTTP path against a real `vllm serve` of the tiny random-weight model (marked
`vllm`; skipped without vLLM). Its replies are noise: every pair is asked and answered, and a
verdict changes only where both orders' replies parse and agree, which noise does not do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import read_jsonl
from mathb import cli
from mathb.judge import request_key
from mathb.judge_prompt import parse_reply
from test_generate import make_tiny_model, needs_vllm, vllm_server

DUMP = Path(__file__).parent / "data" / "judge_dump.jsonl"
#: The judge's prompt is longer than the 256 tokens the other tests' model takes.
POSITIONS = "1024"
SERVER_ARGS = ["--dtype", "float32", "--enforce-eager", "--max-model-len", POSITIONS]


@pytest.mark.vllm
@needs_vllm
def test_noise_from_a_vllm_server_leaves_the_rules_verdicts(tmp_path: Path) -> None:
    pytest.importorskip("vllm")
    model = make_tiny_model(tmp_path / "model", max_positions=int(POSITIONS))
    plain, judged = tmp_path / "plain.jsonl", tmp_path / "judged.jsonl"
    common = ["grade", str(DUMP), "--no-fallback", "-q"]
    assert cli.main([*common, "-o", str(plain), "--summary", f"{plain}.json"]) == 0
    with vllm_server(model, tmp_path, *SERVER_ARGS) as url:
        judge = ["--judge-endpoint", url, "--judge-model", str(model), "--judge-on", "incorrect"]
        judge += ["--judge-max-tokens", "24", "--judge-retries", "1"]
        assert cli.main([*common, "-o", str(judged), "--summary", f"{judged}.json", *judge]) == 0
    summary = json.loads(Path(f"{judged}.json").read_text())["judge"]
    # every distinct undecided or incorrect pair was asked in both orders and answered
    assert summary["failed"] == 0 and summary["pairs"] == 8
    replies = {r["key"]: r["reply"] for r in read_jsonl(Path(f"{judged}.judge.jsonl"))}
    assert len(replies) == 2 * summary["pairs"]
    with_gold = tmp_path / "with-gold.jsonl"
    assert cli.main([*common, "-o", str(with_gold), "--with-gold"]) == 0
    for rules, gold_line, after in zip(
        read_jsonl(plain), read_jsonl(with_gold), read_jsonl(judged)
    ):
        if rules["status"] not in ("undecided", "incorrect") or rules["extracted"] is None:
            assert after == rules
            continue
        gold, answer = gold_line["gold"], rules["extracted"]
        found = [
            parse_reply(replies[key])
            for key in (
                request_key(str(model), gold, answer, _question(rules)),
                request_key(str(model), answer, gold, _question(rules)),
            )
        ]
        if found[0] is not None and found[0] == found[1]:
            assert after["decided_by"] == "judge"
            assert after["status"] == ("correct" if found[0] else "incorrect")
        else:
            assert after == rules


def _question(rules: dict[str, object]) -> str:
    """The problem text the judge was shown for a line of DUMP."""
    record = read_jsonl(DUMP)[int(str(rules["line"])) - 1]
    return str(record["problem"])
