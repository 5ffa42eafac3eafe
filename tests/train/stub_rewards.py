"""Stand-in rewards for the training tests, so they do not depend on the math and Vietnamese plugins.

``stub.answer`` scores 1 when the final number of the completion equals the gold; ``stub.nonempty``
scores 1 for any non-empty completion.
"""

from __future__ import annotations

from rewardkit import Outcome, Reward, RewardParams, Sample, hookimpl
from rewardkit.train.evaluate import NumericJudge


class AnswerParams(RewardParams):
    gold: str = "solution"


class StubAnswer(Reward[AnswerParams]):
    """1.0 when the last number of the completion equals the gold column's number."""

    params_model = AnswerParams

    def score(self, sample: Sample) -> Outcome:
        gold = str(sample.columns.get(self.params.gold, ""))
        if not any(ch.isdigit() for ch in gold):
            return Outcome.error("unparseable_gold", f"no number in the gold {gold!r}")
        return Outcome.ok(1.0 if NumericJudge()([sample.completion], [gold])[0] else 0.0)


class StubNonEmpty(Reward):
    """1.0 for a non-empty completion."""

    def score(self, sample: Sample) -> float:
        return 1.0 if sample.completion.strip() else 0.0


@hookimpl
def register_rewards(register):
    register("stub.answer", StubAnswer, AnswerParams)
    register("stub.nonempty", StubNonEmpty)
