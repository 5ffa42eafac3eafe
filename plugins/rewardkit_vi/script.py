"""Script purity: letters of non-Latin scripts (Han, Kana, Hangul, Cyrillic, Thai ...) and full-width CJK punctuation.

Whole-text language detectors miss a single ``人`` or ``，所以`` inside Vietnamese; a per-character
scan does not. Greek letters and letter-like math symbols (``α``, ``π``, ``ℝ``) are allowed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rewardkit_vi.words import CJK_PUNCTUATION, FOREIGN_LETTERS, Words

_FOREIGN_RUN = re.compile(rf"(?:{FOREIGN_LETTERS}|{CJK_PUNCTUATION})+")
_FOREIGN_LETTER_RUN = re.compile(rf"{FOREIGN_LETTERS}+")
_CJK_PUNCTUATION = re.compile(CJK_PUNCTUATION)
# Cheap pre-check (plain ranges, no Unicode categories): Latin, Vietnamese, general punctuation only.
_ONLY_LATIN = re.compile(r"[\x00-\u024f\u1e00-\u1eff\u2000-\u206f\u20a0-\u20cf]*")
MAX_SHOWN = 5


@dataclass(frozen=True, slots=True)
class ScriptResult:
    """``score`` in 0..1; ``foreign``: foreign letters and punctuation; ``letters``: letters judged against."""

    score: float
    foreign: int = 0
    letters: int = 0
    offending: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)


def _script_of(ch: str) -> str:
    name = unicodedata.name(ch, "UNKNOWN")
    first = name.split(" ", 1)[0]
    return {"CJK": "han", "IDEOGRAPHIC": "cjk_punctuation", "FULLWIDTH": "cjk_punctuation"}.get(first, first.lower())


def script_purity(words: Words, penalty: float = 20.0, punctuation: bool = True, hard: bool = False) -> ScriptResult:
    """``1 - min(1, penalty * foreign / letters)``: one Han character among 400 letters costs 0.05.

    ``letters`` counts the letters of the distinct words (and the foreign marks themselves), so
    repeating filler words cannot dilute a leak. ``hard`` scores 0 for any foreign letter.

    Example:
        >>> from rewardkit_vi.words import tokenize
        >>> script_purity(tokenize("Vậy có 27 人 trong lớp")).offending
        ['人']
    """
    text = words.text
    if text.isascii() or _ONLY_LATIN.fullmatch(text):
        return ScriptResult(1.0)
    runs = (_FOREIGN_RUN if punctuation else _FOREIGN_LETTER_RUN).findall(text)
    if not runs:
        return ScriptResult(1.0)
    foreign = sum(map(len, runs))
    letters = sum(map(len, set(words.tokens))) + (len(_CJK_PUNCTUATION.findall(text)) if punctuation else 0)
    letters = max(letters, foreign)
    score = 0.0 if hard else max(0.0, 1.0 - penalty * foreign / letters)
    shown = list(dict.fromkeys(run[:20] for run in runs))[:MAX_SHOWN]
    scripts = sorted({_script_of(ch) for run in shown for ch in run})
    return ScriptResult(score, foreign, letters, shown, scripts)
