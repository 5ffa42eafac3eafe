"""Stand-in rewards for the training tests, so they do not depend on the math and Vietnamese plugins.

``stub.answer`` scores 1 when the final integer of the completion equals the gold's (thousands
separators dropped; the tiny arithmetic has no decimals); it reads the gold column its ``GoldColumn``
parameter names, so preflight and evaluation use it as they use ``math.equivalence``; ``stub.nonempty``
scores 1 for any non-empty completion.
"""

from __future__ import annotations

import re

from rewardkit import GoldColumn, Outcome, Reward, RewardParams, Sample, hookimpl

_NUMBER = re.compile(r"-?\d+")


def _last_integer(text: str) -> str | None:
    found = _NUMBER.findall(text.replace(",", "").replace(".", ""))
    return found[-1] if found else None


class AnswerParams(RewardParams):
    gold: GoldColumn = "solution"


class StubAnswer(Reward[AnswerParams]):
    """1.0 when the last number of the completion equals the gold column's number."""

    params_model = AnswerParams

    def score(self, sample: Sample) -> Outcome:
        gold = str(sample.columns.get(self.params.gold, ""))
        if not any(ch.isdigit() for ch in gold):
            return Outcome.error("unparseable_gold", f"no number in the gold {gold!r}")
        answer = _last_integer(sample.completion)
        return Outcome.ok(1.0 if answer is not None and answer == _last_integer(gold) else 0.0)


class StubNonEmpty(Reward):
    """1.0 for a non-empty completion."""

    def score(self, sample: Sample) -> float:
        return 1.0 if sample.completion.strip() else 0.0


@hookimpl
def register_rewards(register):
    register("stub.answer", StubAnswer, AnswerParams)
    register("stub.nonempty", StubNonEmpty)
