"""Rewards the benchmarks run, as a recipe-local plugin (workers import this file by path).

``bench.heavy`` burns a fixed amount of pure-Python CPU per completion (what a symbolic judge costs);
``bench.wait`` sleeps instead (a latency-bound reward: its scaling does not depend on free cores);
``bench.format`` and ``bench.answer`` are the two rewards of the GRPO-step benchmark, written so that
the plain TRL functions below compute exactly the same values.
"""

from __future__ import annotations

import re
import time

from pydantic import Field

from rewardkit import Outcome, Reward, RewardParams, Sample, hookimpl

FORMAT = re.compile(r"^\s*<think>.+?</think>\s*<answer>.+?</answer>\s*$", re.DOTALL)
ANSWER = re.compile(r"<answer>(.*?)</answer>", re.DOTALL)


def burn(completion: str, rounds: int) -> float:
    """A deterministic pure-Python loop: about 10 ms for 200 000 rounds on a 2020s core."""
    acc = len(completion)
    for i in range(rounds):
        acc = (acc * 31 + i) % 1_000_003
    return acc / 1_000_003


class HeavyParams(RewardParams):
    rounds: int = Field(200_000, ge=1, description="loop iterations per completion")


class HeavyReward(Reward[HeavyParams]):
    """A CPU-bound reward (isolated by default).

    Args:
        params: ``rounds``, the loop iterations per completion.

    Returns:
        A number in [0, 1) derived from the completion's length.

    Example:
        >>> HeavyReward(HeavyParams(rounds=10)).score(Sample("abc")) < 1
        True
    """

    params_model = HeavyParams
    cheap = False

    def score(self, sample: Sample) -> float:
        return burn(sample.completion, self.params.rounds)


class WaitParams(RewardParams):
    ms: float = Field(20.0, ge=0, description="milliseconds to wait per completion")


class WaitReward(Reward[WaitParams]):
    """Waits, then scores 1.0: a stand-in for a reward bound by latency, not CPU (a remote judge, a sandbox).

    Args:
        params: ``ms``, the wait per completion.

    Returns:
        1.0.

    Example:
        >>> WaitReward(WaitParams(ms=0)).score(Sample("x"))
        1.0
    """

    params_model = WaitParams
    cheap = False

    def score(self, sample: Sample) -> float:
        time.sleep(self.params.ms / 1000)
        return 1.0


def format_value(completion: str) -> float:
    return 1.0 if FORMAT.match(completion) else 0.0


def answer_value(completion: str, solution: str) -> float:
    found = ANSWER.findall(completion)
    return 1.0 if found and found[-1].strip() == solution.strip() else 0.0


class FormatReward(Reward):
    """1.0 for ``<think>…</think><answer>…</answer>``, else 0.0.

    Args:
        params: none.

    Returns:
        1.0 or 0.0.

    Example:
        >>> FormatReward().score(Sample("<think>1+1=2</think><answer>2</answer>"))
        1.0
    """

    def score(self, sample: Sample) -> float:
        return format_value(sample.completion)


class AnswerReward(Reward):
    """1.0 when the last ``<answer>`` equals the ``solution`` column, else 0.0.

    Args:
        params: none.

    Returns:
        1.0 or 0.0; a skip when the row has no solution.

    Example:
        >>> AnswerReward().score(Sample("<answer>2</answer>", columns={"solution": "2"}))
        1.0
    """

    def score(self, sample: Sample) -> Outcome | float:
        solution = sample.columns.get("solution")
        if solution is None:
            return Outcome.skip("no solution column")
        return answer_value(sample.completion, str(solution))


# The same two rewards hand-written for TRL: plain functions over lists.
def trl_format(completions, **kwargs):
    return [format_value(_text(c)) for c in completions]


def trl_answer(completions, solution, **kwargs):
    return [answer_value(_text(c), str(s)) for c, s in zip(completions, solution, strict=True)]


def _text(completion) -> str:
    return completion if isinstance(completion, str) else completion[-1]["content"]


@hookimpl
def register_rewards(register):
    register("bench.heavy", HeavyReward, HeavyParams)
    register("bench.wait", WaitReward, WaitParams)
    register("bench.format", FormatReward)
    register("bench.answer", AnswerReward)
