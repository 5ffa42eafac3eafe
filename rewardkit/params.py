"""The base class every reward's parameter model derives from."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RewardParams(BaseModel):
    """Validated, immutable parameters of one reward.

    ``extra="forbid"`` turns a typo in a recipe's ``params`` into an error with a line number
    instead of a silently ignored key; ``frozen`` keeps a built reward's settings from drifting.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(RewardParams):
    """For rewards that take no parameters."""
