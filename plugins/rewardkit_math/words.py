"""A strict parser for English number words ("twenty-five", "one hundred and five", "three quarters")."""

from __future__ import annotations

from fractions import Fraction

_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
_DENOMINATORS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fourth": 4,
    "fourths": 4,
    "fifth": 5,
    "fifths": 5,
    "sixth": 6,
    "sixths": 6,
    "seventh": 7,
    "sevenths": 7,
    "eighth": 8,
    "eighths": 8,
    "ninth": 9,
    "ninths": 9,
    "tenth": 10,
    "tenths": 10,
}


def parse_english_number(text: str) -> Fraction | None:
    """The value of an English number phrase, or ``None`` if ``text`` is not exactly one.

    >>> parse_english_number("twenty-five"), parse_english_number("one hundred and five")
    (Fraction(25, 1), Fraction(105, 1))
    >>> parse_english_number("three quarters"), parse_english_number("the fifth") is None
    (Fraction(3, 4), True)
    """
    if len(text) > 120:
        return None
    words = text.lower().replace("-", " ").strip().rstrip(".").split()
    if not words:
        return None
    sign = 1
    if words[0] in ("minus", "negative"):
        sign, words = -1, words[1:]
    if len(words) >= 2 and words[-1] in _DENOMINATORS:
        numerator = Fraction(1) if words[0] == "a" and len(words) == 2 else _integer(words[:-1])
        if numerator is None:
            return None
        return sign * numerator / _DENOMINATORS[words[-1]]
    value = _integer(words)
    return sign * value if value is not None else None


def _integer(words: list[str]) -> Fraction | None:
    total, current, last_scale = 0, 0, None
    seen_any = False
    for i, word in enumerate(words):
        if word in _UNITS:
            if current % 10 or (current % 100 and current % 100 < 20) or (seen_any and current == 0 and words[i - 1] in _UNITS):
                return None
            current += _UNITS[word]
        elif word in _TENS:
            if current % 100:
                return None
            current += _TENS[word]
        elif word == "hundred":
            if not current or current >= 10:
                return None
            current *= 100
        elif word == "and":
            if i == 0 or i == len(words) - 1 or words[i - 1] not in ("hundred", "thousand", "million", "billion"):
                return None
            continue
        elif word in _SCALES:
            scale = _SCALES[word]
            if not current or (last_scale is not None and scale >= last_scale):
                return None
            total += current * scale
            current, last_scale = 0, scale
        else:
            return None
        seen_any = True
    if not seen_any:
        return None
    return Fraction(total + current)
