"""rewardkit_math: the math judge as a built-in plugin.

Registers ``math.equivalence`` and ``math.answer_format`` and the built-in answer extractors
(``boxed``, ``tags``, ``phrase``, ``gsm8k``, ``choice``, ``conclusion``, ``last_number``).
Written only against rewardkit's public plugin API. How the judge decides: docs/math-judge.md.
"""

from __future__ import annotations

from typing import Any

from rewardkit import hookimpl
from rewardkit_math.extract import BUILTIN_EXTRACTORS
from rewardkit_math.rewards import AnswerFormatParams, EquivalenceParams, MathAnswerFormat, MathEquivalence

__all__ = ["AnswerFormatParams", "EquivalenceParams", "MathAnswerFormat", "MathEquivalence"]


@hookimpl
def register_rewards(register: Any) -> None:
    register("math.equivalence", MathEquivalence)
    register("math.answer_format", MathAnswerFormat)


@hookimpl
def register_extractors(register: Any) -> None:
    for name, extractor in BUILTIN_EXTRACTORS.items():
        register(name, extractor)
