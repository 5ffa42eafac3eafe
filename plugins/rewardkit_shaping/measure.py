"""Length and unit helpers shared by the shaping rewards: tokens when TRL gives ids, else words or characters.

Words are split the way open-r1 splits them (lower case, whitespace), which already yields syllables for
Vietnamese; scripts written without spaces (Han, Kana, Thai, Lao, Khmer, Myanmar) are split into single
characters so n-grams and lengths mean something there too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from rewardkit import Sample
from rewardkit.text import normalize_text

Unit = Literal["auto", "tokens", "words", "chars"]

# Hostile-input guard: word splitting and n-gram sets never look past this many characters.
MAX_TEXT_CHARS = 2_000_000

_NO_SPACE_SCRIPTS = (
    "\u0e00-\u0e7f"  # Thai
    "\u0e80-\u0eff"  # Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
)
_NO_SPACE_CHAR = re.compile(f"[{_NO_SPACE_SCRIPTS}]")
_SPLIT_NO_SPACE = re.compile(f"[{_NO_SPACE_SCRIPTS}]|[^{_NO_SPACE_SCRIPTS}]+")
_WORD = re.compile(r"\S+")


def words(text: str, *, lowercase: bool = True) -> list[str]:
    """Split ``text`` into words: whitespace-separated, with no-space scripts split per character.

    Args:
        text: Any text; it is NFC-normalised first (NFD Vietnamese counts the same as NFC).
        lowercase: Lower-case the words (open-r1 does), so "The" and "the" are one word.

    Returns:
        The list of words.

    Example:
        >>> words("Bước 1: tính 12 + 30")
        ['bước', '1:', 'tính', '12', '+', '30']
        >>> words("答案是42")
        ['答', '案', '是', '42']
    """
    text = normalize_text(text[:MAX_TEXT_CHARS])
    if lowercase:
        text = text.lower()
    out: list[str] = []
    for token in text.split():
        if _NO_SPACE_CHAR.search(token):
            out.extend(_SPLIT_NO_SPACE.findall(token))
        else:
            out.append(token)
    return out


def count_words(text: str) -> int:
    """Number of :func:`words` in ``text``, without building the list for plain space-separated text."""
    text = normalize_text(text[:MAX_TEXT_CHARS])
    if _NO_SPACE_CHAR.search(text):
        return len(words(text))
    return sum(1 for _ in _WORD.finditer(text))


def resolve_unit(unit: Unit, completion_ids: Sequence[int] | None) -> Literal["tokens", "words", "chars"] | None:
    """The unit a reward measures in: ``auto`` is tokens when ids are given, else words.

    Returns ``None`` when ``tokens`` is asked for but the sample carries no token ids.
    """
    if unit == "auto":
        return "tokens" if completion_ids is not None else "words"
    if unit == "tokens" and completion_ids is None:
        return None
    return unit


def measure(sample: Sample, unit: Unit) -> tuple[int, str] | None:
    """Length of ``sample``'s completion and the unit it was measured in, or ``None`` (tokens without ids).

    Example:
        >>> measure(Sample(completion="một hai ba"), "auto")
        (3, 'words')
        >>> measure(Sample(completion="một hai ba", completion_ids=[1, 2, 3, 4]), "auto")
        (4, 'tokens')
    """
    used = resolve_unit(unit, sample.completion_ids)
    if used is None:
        return None
    if used == "tokens":
        assert sample.completion_ids is not None
        return len(sample.completion_ids), used
    if used == "chars":
        return len(normalize_text(sample.completion)), used
    return count_words(sample.completion), used


NO_IDS_MESSAGE = "unit 'tokens' needs completion_ids (TRL passes them; offline rows may carry a 'completion_ids' list)"
