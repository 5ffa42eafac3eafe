"""rewardkit: reward functions for GRPO as plugins, composed in weighted YAML recipes.

The public plugin API is what this module exports (``__all__``); text helpers for plugins live in
the one other documented module, :mod:`rewardkit.text`. Built-in plugins import nothing else from
rewardkit (a test reads their imports). Importing this module never imports torch or trl.
"""

from typing import Any

from rewardkit.extractors import ExtractContext, Extraction
from rewardkit.hookspecs import RegisterNamed, RegisterReward, hookimpl
from rewardkit.outcome import ErrorKind, Outcome
from rewardkit.params import (
    AnswerTag,
    BoxedAnswer,
    Column,
    ColumnName,
    ExtractorOrder,
    GoldColumn,
    LengthLimit,
    Locale,
    LocaleName,
    NoParams,
    ParamRole,
    ReasoningOpenedInPrompt,
    ReasoningTag,
    RewardParams,
    RoleValue,
    WrappedReward,
    marked_fields,
    roles,
)
from rewardkit.reward import Reward, Sample
from rewardkit.version import __version__

__all__ = [
    "AnswerTag",
    "BoxedAnswer",
    "Column",
    "ColumnName",
    "ErrorKind",
    "ExtractContext",
    "Extraction",
    "ExtractorOrder",
    "GoldColumn",
    "LengthLimit",
    "Locale",
    "LocaleName",
    "NoParams",
    "Outcome",
    "ParamRole",
    "Probe",
    "ProbeContext",
    "ReasoningOpenedInPrompt",
    "ReasoningTag",
    "RegisterNamed",
    "RegisterReward",
    "Reward",
    "RewardParams",
    "RoleValue",
    "Sample",
    "WrappedReward",
    "__version__",
    "get_registry",
    "hookimpl",
    "marked_fields",
    "roles",
]

_LAZY = {"Probe": "rewardkit.probe", "ProbeContext": "rewardkit.probe", "get_registry": "rewardkit.plugins"}


def __getattr__(name: str) -> Any:
    # The probe types and the registry pull in more of rewardkit: loaded on first use, which also keeps
    # plugin modules (imported by the registry) free of import cycles.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'rewardkit' has no attribute {name!r}")
