"""Small rewards the core tests load as a recipe-local plugin (``plugins: [./toy_rewards.py]``)."""

from pydantic import Field

import rewardkit
from rewardkit import ErrorKind, Outcome, Reward, RewardParams, Sample


class ContainsParams(RewardParams):
    word: str = Field(description="Word to look for")
    value: float = Field(1.0, gt=0)


class Contains(Reward[ContainsParams]):
    """``value`` when the completion contains ``word``, else 0."""

    params_model = ContainsParams

    def score(self, sample: Sample) -> Outcome:
        hit = self.params.word in sample.completion
        return Outcome.ok(self.params.value if hit else 0.0, reason="found" if hit else "missing")


class Length(Reward):
    """Length of the completion in characters, divided by 10."""

    def score(self, sample: Sample) -> float:
        return len(sample.completion) / 10


class Fragile(Reward):
    """Raises on 'boom', skips on 'skip', no answer on 'none', else 1."""

    def score(self, sample: Sample) -> Outcome | float | None:
        if "boom" in sample.completion:
            raise ValueError("kaboom")
        if "skip" in sample.completion:
            return None
        if "none" in sample.completion:
            return Outcome.error(ErrorKind.NO_ANSWER, "no answer found")
        return 1.0


class GoldMatch(Reward):
    """1 when the completion equals the ``solution`` column."""

    def score(self, sample: Sample) -> float:
        return float(sample.completion.strip() == str(sample.columns.get("solution", "")).strip())


def plain_trl_reward(completions, **kwargs):
    """A hand-written TRL reward function: 1 for completions ending in '!'."""
    return [1.0 if str(c).endswith("!") else 0.0 for c in completions]


@rewardkit.hookimpl
def register_rewards(register):
    register("toy.contains", Contains)
    register("toy.length", Length)
    register("toy.fragile", Fragile)
    register("toy.gold", GoldMatch)
    register("toy.plain", plain_trl_reward)
