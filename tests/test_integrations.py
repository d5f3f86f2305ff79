"""The trainer adapters called with the argument shapes their hosts pass (verl's reward
manager, TRL's GRPO trainer, OpenRLHF's reward-function file), per ../shared/integrations.md.
The hosts themselves are not installed here (each needs torch and a GPU stack): the calls
below are the ones their sources make."""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import sys
from types import ModuleType
from typing import Any

import mathb
import pytest
from mathb.integrations import openrlhf, trl, verl

GOLDS = ["\\frac{1}{2}", "42", "x^2+1", "[0, 1)", "7"]
SOLUTIONS = [
    "We simplify and get $\\boxed{0.5}$.",
    "Counting gives 41, so the answer is $\\boxed{41}$.",
    "Expanding, the answer is $\\boxed{1 + x^2}$.",
    "The solution set is $\\boxed{[0,1)}$",
    "I am not sure how to finish this",
]
EXPECTED = [v.status for v in mathb.grade_batch(GOLDS, SOLUTIONS)]


def test_expected_statuses_cover_each_kind() -> None:
    assert EXPECTED == ["correct", "incorrect", "correct", "correct", "no_answer"]


# --------------------------------------------------------------------------- verl


def load_by_path(path: str | None, name: str) -> ModuleType:
    """A reward file loaded as verl (verl/trainer/ppo/reward.py) and OpenRLHF load one: by
    its path, as a module outside any package."""
    assert path is not None
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


def test_reward_files_load_by_path() -> None:
    custom = load_by_path(verl.__file__, "custom_module")
    assert custom.compute_score("math", SOLUTIONS[0], GOLDS[0])["acc"] is True
    assert asyncio.run(custom.compute_score_async("math", SOLUTIONS[2], GOLDS[2]))["acc"]
    rewards = load_by_path(openrlhf.__file__, "reward_func")
    out = rewards.reward_func(SOLUTIONS, [""] * 5, GOLDS)
    scores = out["scores"].tolist() if hasattr(out["scores"], "tolist") else out["scores"]
    assert scores == [1.0, 0.0, 1.0, 1.0, 0.0]


def test_verl_single_call_as_the_naive_manager_makes_it() -> None:
    # verl: compute_score(data_source=, solution_str=, ground_truth=, extra_info=, **reward_kwargs)
    out = verl.compute_score(
        data_source="lighteval/MATH",
        solution_str=SOLUTIONS[0],
        ground_truth=GOLDS[0],
        extra_info={"split": "train", "index": 0},
        sandbox_fusion_url=None,
        concurrent_semaphore=None,
        memory_limit_mb=None,
    )
    assert out == {
        "score": 1.0,
        "acc": True,
        "pred": "0.5",
        "status": "correct",
        "reason": out["reason"],
    }
    assert out["reason"]
    wrong = verl.compute_score("gsm8k", SOLUTIONS[1], GOLDS[1])
    assert wrong["score"] == 0.0 and wrong["acc"] is False and wrong["pred"] == "41"


def test_verl_batch_form_matches_single_calls() -> None:
    batch = verl.compute_score(
        data_sources=["math"] * len(GOLDS),
        solution_strs=SOLUTIONS,
        ground_truths=GOLDS,
        extra_infos=[{}] * len(GOLDS),
    )
    singles = [verl.compute_score("math", s, g) for s, g in zip(SOLUTIONS, GOLDS)]
    assert batch == singles
    assert [r["status"] for r in batch] == EXPECTED
    assert [r["score"] for r in batch] == [1.0, 0.0, 1.0, 1.0, 0.0]


def test_verl_reward_kwargs_set_options_and_scores() -> None:
    rows = verl.compute_score_batch(
        solution_strs=SOLUTIONS,
        ground_truths=GOLDS,
        correct_score=1.0,
        incorrect_score=-1.0,
        no_answer_score=-2.0,
        threads=2,
    )
    assert [r["score"] for r in rows] == [1.0, -1.0, 1.0, 1.0, -2.0]
    rounded = {"decimal_places": 2, "min_significant_digits": 2}
    assert verl.compute_score("m", "$\\boxed{0.33}$", "1/3", **rounded)["acc"]
    assert not verl.compute_score("m", "$\\boxed{0.33}$", "1/3")["acc"]
    with pytest.raises(mathb.InvalidArgumentError, match="correct_score"):
        verl.compute_score("m", "1", "1", correct_score="high")


def test_verl_golds_may_be_lists_numbers_and_numpy() -> None:
    np = pytest.importorskip("numpy")
    rows = verl.compute_score_batch(
        solution_strs=["\\boxed{3}", "\\boxed{0.5}", "\\boxed{7}"],
        ground_truths=[np.array(["3", "three"]), 0.5, np.int64(7)],
    )
    assert [r["acc"] for r in rows] == [True, True, True]
    with pytest.raises(mathb.InvalidArgumentError, match=r"golds\[1\] is None"):
        verl.compute_score_batch(solution_strs=["1", "2"], ground_truths=["1", None])


def test_verl_async_is_detected_and_coalesces_concurrent_calls() -> None:
    # verl detects an async reward function with inspect.iscoroutinefunction.
    assert inspect.iscoroutinefunction(verl.compute_score_async)

    async def main() -> list[dict[str, Any]]:
        calls = [
            verl.compute_score_async("math", s, g, {"index": i})
            for i, (s, g) in enumerate(zip(SOLUTIONS * 40, GOLDS * 40))
        ]
        results = await asyncio.gather(*calls)
        grader = verl._coalescers[asyncio.get_running_loop()]
        assert grader.pairs == len(calls) and grader.batches < 5
        return results

    results = asyncio.run(main())
    assert [r["status"] for r in results] == EXPECTED * 40


# --------------------------------------------------------------------------- TRL


def _trl_kwargs(**columns: Any) -> dict[str, Any]:
    """What GRPOTrainer._calculate_rewards adds to the dataset columns."""
    logged: dict[str, Any] = {}
    return {
        **columns,
        "trainer_state": object(),
        "log_extra": lambda column, values: logged.__setitem__(column, values),
        "log_metric": lambda name, value: logged.__setitem__(name, value),
        "_logged": logged,
    }


def test_trl_standard_completions() -> None:
    kwargs = _trl_kwargs(solution=GOLDS)
    rewards = trl.accuracy_reward(
        prompts=["Q"] * len(GOLDS), completions=SOLUTIONS, completion_ids=[[1, 2]] * 5, **kwargs
    )
    assert rewards == [1.0, 0.0, 1.0, 1.0, 0.0]
    assert kwargs["_logged"] == {}  # log_reason is off by default


def test_trl_conversational_completions_and_answer_column() -> None:
    completions = [[{"role": "assistant", "content": s}] for s in SOLUTIONS]
    completions[0] = [
        {"role": "assistant", "content": "draft: \\boxed{7}"},
        {"role": "tool", "content": "ok"},
        {"role": "assistant", "content": [{"type": "text", "text": SOLUTIONS[0]}]},
    ]
    rewards = trl.accuracy_reward(
        prompts=[[{"role": "user", "content": "Q"}]] * 5,
        completions=completions,
        completion_ids=[[1]] * 5,
        **_trl_kwargs(answer=GOLDS),
    )
    assert rewards == [1.0, 0.0, 1.0, 1.0, 0.0]


def test_trl_missing_or_unreadable_gold_is_none() -> None:
    reward = trl.make_accuracy_reward("target_answer", log_reason=True)
    kwargs = _trl_kwargs(target_answer=["2", None, "", "\\frac{1}{", "3"])
    rewards = reward(
        prompts=["Q"] * 5,
        completions=["\\boxed{2}", "\\boxed{2}", "\\boxed{2}", "\\boxed{2}", "\\boxed{4}"],
        completion_ids=[[1]] * 5,
        **kwargs,
    )
    assert rewards == [1.0, None, None, None, 0.0]
    logged = kwargs["_logged"]
    assert logged["mathb_status"] == ["correct", "no_gold", "no_gold", "no_gold", "incorrect"]
    assert len(logged["mathb_reason"]) == 5 and logged["mathb/no_gold"] == pytest.approx(0.6)
    assert reward.__name__ == "accuracy_reward"


def test_trl_errors_name_the_problem() -> None:
    with pytest.raises(mathb.InvalidArgumentError, match="no gold column"):
        trl.accuracy_reward(prompts=["Q"], completions=["1"], problem=["p"])
    with pytest.raises(mathb.InvalidArgumentError, match="unknown options: decimals"):
        trl.make_accuracy_reward(decimals=2)
    with pytest.raises(mathb.InvalidArgumentError, match="2 completions but 1 golds"):
        trl.accuracy_reward(completions=["1", "2"], solution=["1"])


# --------------------------------------------------------------------------- OpenRLHF


def test_openrlhf_reward_func_file_form() -> None:
    prompts = [f"<|user|>Problem {i}<|assistant|>" for i in range(len(GOLDS))]
    queries = [p + s for p, s in zip(prompts, SOLUTIONS)]
    out = openrlhf.reward_func(queries, prompts, GOLDS)
    assert set(out) == {"rewards", "scores", "extra_logs"}
    rewards = out["rewards"].tolist() if hasattr(out["rewards"], "tolist") else out["rewards"]
    assert rewards == [1.0, 0.0, 1.0, 1.0, 0.0]
    batch = openrlhf.reward_batch(queries, prompts, GOLDS)
    assert batch["extra_logs"]["mathb_no_answer"] == [0.0, 0.0, 0.0, 0.0, 1.0]
    # The prompt is cut off: a number in it is not the answer.
    assert openrlhf.response_of("Q: is it 5? A: 6", "Q: is it 5? A: ") == "6"
    with pytest.raises(mathb.InvalidArgumentError, match="differ in length"):
        openrlhf.reward_func(queries, prompts[:2], GOLDS)
