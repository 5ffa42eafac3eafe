"""Vietnamese-language rewards: script purity, diacritics, English code-switching, syllables,
the ``vi.language`` composite, answer markers and number conventions. Documented in docs/vietnamese.md.

Pure standard library (the syllable rules live in :mod:`rewardkit.text.vi`), cheap enough to run inline.
"""

from __future__ import annotations

from rewardkit import RegisterReward, hookimpl
from rewardkit_vi.params import (
    AnswerMarkerParams,
    DiacriticsParams,
    LanguageParams,
    NoEnglishParams,
    NumberConventionParams,
    ScriptPurityParams,
    SyllablesParams,
)
from rewardkit_vi.rewards import (
    AnswerMarkerReward,
    DiacriticsReward,
    LanguageReward,
    NoEnglishReward,
    NumberConventionReward,
    ScriptPurityReward,
    SyllablesReward,
)

__all__ = [
    "AnswerMarkerParams",
    "AnswerMarkerReward",
    "DiacriticsParams",
    "DiacriticsReward",
    "LanguageParams",
    "LanguageReward",
    "NoEnglishParams",
    "NoEnglishReward",
    "NumberConventionParams",
    "NumberConventionReward",
    "ScriptPurityParams",
    "ScriptPurityReward",
    "SyllablesParams",
    "SyllablesReward",
    "register_rewards",
]


@hookimpl
def register_rewards(register: RegisterReward) -> None:
    register("vi.script_purity", ScriptPurityReward)
    register("vi.diacritics", DiacriticsReward)
    register("vi.no_english", NoEnglishReward)
    register("vi.syllables", SyllablesReward)
    register("vi.language", LanguageReward)
    register("vi.answer_marker", AnswerMarkerReward)
    register("vi.number_convention", NumberConventionReward)
