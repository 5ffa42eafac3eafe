"""An example third-party plugin: rewards completions that end with a thank-you (English or Vietnamese)."""

from pydantic import Field

import rewardkit


class ThanksParams(rewardkit.RewardParams):
    phrases: list[str] = Field(["thank you", "thanks", "cảm ơn"], description="Phrases that count as thanks")
    last_chars: int = Field(200, gt=0, description="Only the completion's tail is searched")


class EndsWithThanks(rewardkit.Reward[ThanksParams]):
    """1.0 when the completion's last characters thank the user, else 0.0.

    Example:
        >>> EndsWithThanks()(completions=["42. Thanks for asking!", "42."])
        [1.0, 0.0]
    """

    def score(self, sample: rewardkit.Sample) -> float:
        tail = sample.completion[-self.params.last_chars :].lower()
        return float(any(phrase in tail for phrase in self.params.phrases))


@rewardkit.hookimpl
def register_rewards(register):
    register("example.thanks", EndsWithThanks)
