"""Vietnamese-language rewards: script purity, diacritics, English code-switching, syllables,
the ``vi.language`` composite, answer markers and number conventions. Documented in docs/vietnamese.md.

Pure standard library (the syllable rules live in :mod:`rewardkit.text.vi`), cheap enough to run inline.
"""

from __future__ import annotations

from rewardkit import hookimpl
from rewardkit.hookspecs import RegisterReward
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
    register("vi.script_purity", ScriptPurityReward, ScriptPurityParams)
    register("vi.diacritics", DiacriticsReward, DiacriticsParams)
    register("vi.no_english", NoEnglishReward, NoEnglishParams)
    register("vi.syllables", SyllablesReward, SyllablesParams)
    register("vi.language", LanguageReward, LanguageParams)
    register("vi.answer_marker", AnswerMarkerReward, AnswerMarkerParams)
    register("vi.number_convention", NumberConventionReward, NumberConventionParams)
