"""Shaping rewards (length band, DAPO soft overlong, cosine-scaled correctness, repetition, reasoning steps)
and the built-in reward-hacking probes of ``rewardkit probe``.
"""

from __future__ import annotations

from rewardkit import RegisterNamed, RegisterReward, hookimpl
from rewardkit_shaping.cosine import CosineParams, CosineReward
from rewardkit_shaping.length import LengthParams, LengthReward, SoftOverlongParams, SoftOverlongReward
from rewardkit_shaping.repetition import RepetitionParams, RepetitionReward
from rewardkit_shaping.steps import ReasoningStepsParams, ReasoningStepsReward

__all__ = [
    "CosineParams",
    "CosineReward",
    "LengthParams",
    "LengthReward",
    "ReasoningStepsParams",
    "ReasoningStepsReward",
    "RepetitionParams",
    "RepetitionReward",
    "SoftOverlongParams",
    "SoftOverlongReward",
]


@hookimpl
def register_rewards(register: RegisterReward) -> None:
    register("shaping.length", LengthReward)
    register("shaping.soft_overlong", SoftOverlongReward)
    register("shaping.cosine", CosineReward)
    register("shaping.repetition", RepetitionReward)
    register("shaping.reasoning_steps", ReasoningStepsReward)


@hookimpl
def register_probes(register: RegisterNamed) -> None:
    from rewardkit_shaping.probes import BUILTIN_PROBES

    for name, probe in BUILTIN_PROBES.items():
        register(name, probe)
