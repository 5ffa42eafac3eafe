"""rewardkit: reward functions for GRPO as plugins, composed in weighted YAML recipes.

The public plugin API is what this module exports. It never imports torch or trl.
"""

from rewardkit.hookspecs import hookimpl
from rewardkit.outcome import ErrorKind, Outcome
from rewardkit.params import NoParams, RewardParams
from rewardkit.reward import Reward, Sample

__version__ = "0.1.0"

__all__ = ["ErrorKind", "NoParams", "Outcome", "Reward", "RewardParams", "Sample", "__version__", "hookimpl"]
