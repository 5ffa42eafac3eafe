"""A strict parser for Vietnamese number words: ``hai mươi lăm`` = 25, ``ba phần tư`` = 3/4.

Strict means it returns ``None`` rather than a guess: the whole text must be one number phrase,
and the trap words only count where Vietnamese uses them as numbers (reference/vietnamese.md §3.2):
``tư`` = 4 only after ``mươi``/``mười``/``linh``/``lẻ`` or as a denominator (``phần tư``), ``mốt`` = 1 only
after ``mươi``, ``lăm``/``nhăm`` = 5 only after ``mươi``/``mười``, ``linh``/``lẻ`` only after ``trăm`` or a
scale word. Ordinals (``thứ tư``), years (``năm 2024``) and anything with digits are not parsed.

Supported: units to ``tỷ`` (and ``nghìn tỷ``), ``chục``, ``linh``/``lẻ``, the colloquial ``một trăm hai``
(120) and ``một triệu hai`` (1 200 000), ``rưỡi`` (+ half a unit), ``âm`` (negative), ``phẩy``
(decimal comma: ``hai phẩy năm`` = 2.5), fractions ``X phần Y``, ``phần trăm`` (percent),
``phần nghìn`` (per mille), ``một nửa`` (1/2).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from fractions import Fraction

MAX_CHARS = 200
MAX_TOKENS = 40

_DIGITS = {
    "không": 0,
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
}
_SCALES = {"nghìn": 10**3, "ngàn": 10**3, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9}
_LINH = {"linh", "lẻ"}
_FIVE = {"lăm", "nhăm"}


@dataclass(frozen=True, slots=True)
class VietnameseNumber:
    """A parsed number phrase: ``value`` per ``per`` (``per`` is 100 for ``phần trăm``, 1000 for ``phần nghìn``)."""

    value: Fraction
    per: int = 1

    @property
    def fraction(self) -> Fraction:
        return self.value / self.per


def parse_vi_number_words(text: str) -> Fraction | None:
    """The value of a Vietnamese number phrase, or ``None`` if ``text`` is not exactly one.

    Args:
        text: the whole phrase (case and Unicode form do not matter; a final ``.`` is ignored).

    Returns:
        The exact value as a ``Fraction`` (``phần trăm`` divides by 100), or ``None``.

    Example:
        >>> parse_vi_number_words("hai mươi lăm"), parse_vi_number_words("một trăm linh năm")
        (Fraction(25, 1), Fraction(105, 1))
        >>> parse_vi_number_words("ba phần tư"), parse_vi_number_words("hai phẩy năm")
        (Fraction(3, 4), Fraction(5, 2))
        >>> parse_vi_number_words("thứ tư") is None, parse_vi_number_words("năm 2024") is None
        (True, True)
    """
    number = parse_vi_number_phrase(text)
    return number.fraction if number is not None else None


def parse_vi_number_phrase(text: str) -> VietnameseNumber | None:
    """Like :func:`parse_vi_number_words` but keeps ``phần trăm``/``phần nghìn`` apart from the value.

    >>> parse_vi_number_phrase("năm mươi phần trăm")
    VietnameseNumber(value=Fraction(50, 1), per=100)
    """
    if not isinstance(text, str) or len(text) > MAX_CHARS:
        return None
    text = unicodedata.normalize("NFC", text).lower().strip().rstrip(".!;:")
    tokens = text.replace("-", " ").split()
    if not tokens or len(tokens) > MAX_TOKENS:
        return None
    sign = 1
    if tokens[0] == "âm":
        sign, tokens = -1, tokens[1:]
        if not tokens:
            return None
    result = _parse_body(tokens)
    if result is None:
        return None
    return VietnameseNumber(sign * result.value, result.per)


def _parse_body(tokens: list[str]) -> VietnameseNumber | None:
    if tokens == ["nửa"] or tokens == ["một", "nửa"]:
        return VietnameseNumber(Fraction(1, 2))
    if "phần" in tokens:
        i = tokens.index("phần")
        numerator = _parse_integer(tokens[:i])
        denominator_tokens = tokens[i + 1 :]
        if numerator is None or not denominator_tokens:
            return None
        if denominator_tokens == ["trăm"]:
            return VietnameseNumber(Fraction(numerator), 100)
        if denominator_tokens in (["nghìn"], ["ngàn"]):
            return VietnameseNumber(Fraction(numerator), 1000)
        denominator = 4 if denominator_tokens == ["tư"] else _parse_integer(denominator_tokens)
        if not denominator:
            return None
        return VietnameseNumber(Fraction(numerator) / denominator)
    if "phẩy" in tokens:
        i = tokens.index("phẩy")
        whole = _parse_integer(tokens[:i])
        digits = _decimal_digits(tokens[i + 1 :])
        if whole is None or digits is None:
            return None
        return VietnameseNumber(Fraction(int(str(whole) + digits), 10 ** len(digits)))
    value = _parse_integer(tokens, allow_half=True)
    return VietnameseNumber(Fraction(value)) if value is not None else None


def _decimal_digits(tokens: list[str]) -> str | None:
    """Digits after ``phẩy``: read one by one (``một bốn`` = 14) or as a number (``mười bốn`` = 14)."""
    if not tokens:
        return None
    if all(t in _DIGITS for t in tokens):
        return "".join(str(_DIGITS[t]) for t in tokens)
    value = _parse_integer(tokens)
    return str(value) if value is not None else None


def _parse_integer(tokens: list[str], allow_half: bool = False) -> Fraction | int | None:
    """A whole number phrase: groups below 1000, each followed by one or more scale words."""
    if not tokens:
        return None
    half = False
    if tokens[-1] == "rưỡi":
        if not allow_half or len(tokens) < 2:
            return None
        half, tokens = True, tokens[:-1]
    segments: list[tuple[list[str], int]] = []
    current: list[str] = []
    scale = 1
    for token in tokens:
        if token in _SCALES:
            if not current and not segments:
                return None
            if current:
                segments.append((current, _SCALES[token]))
                current = []
            else:  # "nghìn tỷ": a compound scale multiplies the previous one
                group, previous = segments.pop()
                segments.append((group, previous * _SCALES[token]))
        else:
            current.append(token)
    total = 0
    last_scale: int | None = None
    for index, (group, scale) in enumerate(segments):
        if last_scale is not None and scale >= last_scale:
            return None
        value = _parse_group(group, first=index == 0)
        if not value:
            return None
        total += value * scale
        last_scale = scale
    if current:
        if half:
            # "một trăm rưỡi" = 150; "hai rưỡi" = 2.5 (a lone group); "hai nghìn ba rưỡi" is refused.
            value = _parse_group(current, first=not segments)
            if value is None or (segments and current[-1] != "trăm"):
                return None
            return Fraction(total + value) + (50 if current[-1] == "trăm" else Fraction(1, 2))
        if last_scale is not None and len(current) == 1 and current[0] in _DIGITS and current[0] != "không":
            # Colloquial "một triệu hai" = 1 200 000: a lone digit after a scale counts tenths of it.
            return total + _DIGITS[current[0]] * last_scale // 10
        value = _parse_group(current, first=not segments, final=True)
        if value is None:
            return None
        total += value
    elif half:
        unit = last_scale or 1
        return Fraction(total) + Fraction(unit, 2)
    return total


def _parse_group(tokens: list[str], first: bool, final: bool = False) -> int | None:
    """0..999: ``[d trăm] [linh d | mười [u] | d mươi [u] | d chục | d]``."""
    if not tokens:
        return None
    hundreds = 0
    rest = tokens
    if len(tokens) >= 2 and tokens[1] == "trăm":
        digit = _DIGITS.get(tokens[0])
        if digit is None or (digit == 0 and first):
            return None
        hundreds, rest = digit * 100, tokens[2:]
    elif tokens[0] == "trăm":
        return None
    if not rest:
        return hundreds
    if hundreds or not first:
        if rest[0] in _LINH:
            if len(rest) != 2:
                return None
            unit = 4 if rest[1] == "tư" else _DIGITS.get(rest[1])
            return hundreds + unit if unit else None
        if hundreds and final and len(rest) == 1 and rest[0] in _DIGITS and rest[0] != "không":
            return hundreds + _DIGITS[rest[0]] * 10  # colloquial "một trăm hai" = 120
    tens = _parse_tens(rest)
    if tens is None or (tens == 0 and (hundreds or len(tokens) > 1)):
        return None
    return hundreds + tens


def _parse_tens(tokens: list[str]) -> int | None:
    """0..99 without hundreds."""
    if len(tokens) == 1:
        word = tokens[0]
        if word == "mười":
            return 10
        return _DIGITS.get(word)
    head, rest = tokens[0], tokens[1:]
    if head == "mười":
        if len(rest) != 1:
            return None
        word = rest[0]
        if word in _FIVE:
            return 15
        if word == "tư":
            return 14
        if word in ("năm", "không", "mốt"):
            return None  # "mười năm" is also "ten years": refuse rather than guess
        unit = _DIGITS.get(word)
        return 10 + unit if unit else None
    digit = _DIGITS.get(head)
    if digit is None or digit < 1:
        return None
    if rest == ["chục"]:
        return digit * 10
    if rest[0] != "mươi" or digit < 2 or len(rest) > 2:
        return None
    if len(rest) == 1:
        return digit * 10
    word = rest[1]
    if word in _FIVE:
        return digit * 10 + 5
    if word == "mốt":
        return digit * 10 + 1
    if word == "tư":
        return digit * 10 + 4
    unit = _DIGITS.get(word)
    return digit * 10 + unit if unit else None
