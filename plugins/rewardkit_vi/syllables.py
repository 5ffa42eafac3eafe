"""Syllable well-formedness of the marked words: garbled marks such as ``ngừoi``, ``đựoc``, ``baì``, ``càt``."""

from __future__ import annotations

from dataclasses import dataclass, field

from rewardkit.text import check_syllable
from rewardkit_vi.words import V, Words

MAX_SHOWN = 5


@dataclass(frozen=True, slots=True)
class SyllableResult:
    """``share`` of well-formed marked words (``None`` without any) and examples of the others with why."""

    share: float | None
    checked: int = 0
    invalid: dict[str, str] = field(default_factory=dict)


def syllables(words: Words) -> SyllableResult:
    """Check every distinct marked word with :func:`rewardkit.text.vi.check_syllable`.

    Unmarked words are skipped: they are names, units, variables or loanwords, judged elsewhere.

    Example:
        >>> from rewardkit_vi.words import tokenize
        >>> r = syllables(tokenize("Ngừoi ta đựoc 5 quả táo"))
        >>> r.share, r.invalid
        (0.5, {'ngừoi': 'rhyme', 'đựoc': 'rhyme'})
    """
    checked = bad = 0
    invalid: dict[str, str] = {}
    for word in dict.fromkeys(w.lower() for w, cls in words.types().items() if cls == V):
        checked += 1
        reason = check_syllable(word)
        if reason is not None:
            bad += 1
            if len(invalid) < MAX_SHOWN:
                invalid[word] = reason
    if checked == 0:
        return SyllableResult(None)
    return SyllableResult((checked - bad) / checked, checked, invalid)
