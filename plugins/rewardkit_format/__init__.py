"""Format rewards: reasoning/answer tags (strict and soft), per-tag partial credit, and a guard against
duplicated, nested or empty blocks. Documented in docs/format-rewards.md."""

from __future__ import annotations

from rewardkit import RegisterReward, hookimpl
from rewardkit_format.params import DEFAULT_EOS_MARKERS, GuardParams, TagCountParams, TagParams, TagsParams
from rewardkit_format.rewards import GuardReward, TagCountReward, TagsReward

__all__ = [
    "DEFAULT_EOS_MARKERS",
    "GuardParams",
    "GuardReward",
    "TagCountParams",
    "TagCountReward",
    "TagParams",
    "TagsParams",
    "TagsReward",
    "register_rewards",
]


@hookimpl
def register_rewards(register: RegisterReward) -> None:
    register("format.tags", TagsReward)
    register("format.tag_count", TagCountReward)
    register("format.guard", GuardReward)
