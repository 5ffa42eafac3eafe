"""The fast path for the commonest answers: one number with its sign, currency, scale word, percent and unit.

``-$1,200.50``, ``2,5 triệu đồng``, ``2 triệu 500 nghìn``, ``2tr5``, ``500k``, ``25 %``,
``12 cm``, ``hai mươi lăm quả``, ``twelve``: read without sympy. Anything else returns ``None`` and
goes to the expression parser.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Literal

from rewardkit.text import parse_vi_number_phrase, scan_number
from rewardkit_math.latex import ATTACHED_UNITS, RESERVED_WORDS, SINGLE_LETTER_UNITS
from rewardkit_math.values import Number
from rewardkit_math.words import parse_english_number

SCALES = {
    "nghìn": 10**3,
    "ngàn": 10**3,
    "k": 10**3,
    "triệu": 10**6,
    "tr": 10**6,
    "tỷ": 10**9,
    "tỉ": 10**9,
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
}
_SIGN = re.compile(r"\s*(?:([-+])|(âm|minus|negative)\s+)", re.IGNORECASE)
_CURRENCY = re.compile(r"\s*(?:US\$|\$|€|£|¥|₫|₹)")
_SCALE = re.compile(
    r"(\s*)(nghìn\s+tỷ|ngàn\s+tỷ|nghìn|ngàn|triệu|tỷ|tỉ|tr|k|thousands?|millions?|billions?|trillions?)(?![^\W\d_])",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"\s*(?:%|phần\s+trăm|percentage|percent|per\s*cent)(?![^\W\d_])", re.IGNORECASE)
_UNIT_TAIL = re.compile(r"[^\W\d_][^\W\d_'’]*(?:\^\s*\{?\s*[23]\s*\}?|[23](?!\d))?|[/().,\s]")
_GLUED_WORD = re.compile(r"[^\W\d_][^\W\d_]*(?:\^\s*\{?\s*[23]\s*\}?|[23](?!\d))?(?:/[^\W\d_]+)?")


def read_quantity(span: str, convention: Literal["vi", "en"], loose: bool = False) -> Number | None:
    """Read ``span`` as one number with optional sign, currency, scale, percent and unit words.

    Returns ``None`` when the span is anything else (an expression, a list, an equation).
    ``loose`` (the gold is a plain number): any run of words after the number, set apart by a space,
    is a unit unless it is math (a function, constant or scale word, or a lone lower-case variable
    letter), so ``25 C`` and ``3 lít nước`` read 25 and 3, never a product with symbols; ``2x + 1``
    and ``3 \\sqrt{2}`` still go to the expression parser.

    >>> read_quantity("2,5 triệu đồng", "vi").value, read_quantity("$1,200.50", "en").value
    (Fraction(2500000, 1), Fraction(2401, 2))
    >>> read_quantity("3x", "en") is None, read_quantity("25%", "en").percent, read_quantity("1,5 tr", "vi").value
    (True, True, Fraction(1500000, 1))
    >>> read_quantity("25 C", "en"), read_quantity("25 C", "en", loose=True).value
    (None, Fraction(25, 1))
    """
    if not span or len(span) > 300:
        return None
    if not any(ch.isdigit() for ch in span):
        return _read_words(span)
    pos, sign = 0, 1
    for _ in range(2):  # "-$5" and "$-5"
        match = _SIGN.match(span, pos)
        if match:
            sign = -sign if (match.group(1) == "-" or match.group(2)) else sign
            pos = match.end()
        match = _CURRENCY.match(span, pos)
        if match:
            pos = match.end()
    while pos < len(span) and span[pos] == " ":
        pos += 1
    if pos >= len(span) or not span[pos].isdigit():
        return None
    literal = scan_number(span, pos, convention)
    if literal is None:
        return None
    value, pos = literal.value, literal.end
    decimals, significant = literal.decimals, literal.significant
    bare = None
    scale = _SCALE.match(span, pos)
    if scale:
        total, pos = _apply_scales(span, value, scale, convention)
        if total is None:
            return None
        bare, value, decimals, significant = value, total, None, 0
    percent = _PERCENT.match(span, pos)
    if percent:
        pos = percent.end()
    if not _is_unit_tail(span, pos, loose):
        return None
    return Number(sign * value, decimals, significant, percent=bool(percent), bare=sign * bare if bare is not None else None)


def _apply_scales(
    span: str, value: Fraction, scale: re.Match[str], convention: Literal["vi", "en"]
) -> tuple[Fraction | None, int]:
    """``2 triệu 500 nghìn`` = 2 500 000; ``2tr5`` = 2 500 000; ``1 tỷ 2`` is refused (ambiguous)."""
    multiplier = _scale_value(scale.group(2))
    total = value * multiplier
    pos = scale.end()
    glued = re.match(r"\d{1,3}(?![\d.,])", span[pos:])
    if glued and not scale.group(1) and scale.group(2).lower() in ("tr", "triệu", "tỷ", "tỉ", "k"):
        digits = glued.group()
        return total + Fraction(int(digits), 10 ** len(digits)) * multiplier, pos + glued.end()
    rest = re.match(r"\s+(?=\d)", span[pos:])
    if rest:
        literal = scan_number(span, pos + rest.end(), convention)
        if literal is None:
            return None, pos
        smaller = _SCALE.match(span, literal.end)
        if smaller is None or _scale_value(smaller.group(2)) >= multiplier:
            return None, pos
        more, end = _apply_scales(span, literal.value, smaller, convention)
        if more is None:
            return None, pos
        return total + more, end
    return total, pos


def _scale_value(word: str) -> int:
    word = re.sub(r"\s+", " ", word.lower())
    if word in ("nghìn tỷ", "ngàn tỷ"):
        return 10**12
    return SCALES[word.rstrip("s") if word.rstrip("s") in SCALES else word]


def _is_unit_tail(span: str, pos: int, loose: bool = False) -> bool:
    """What follows the number is only unit or currency words ("quả", "km/h", "đồng", "cm^2").

    Strict (the default): a lone letter must be a known unit ("5 m", not "5 C"). ``loose``: any word
    set apart by a space is a unit except math words and a lone lower-case letter that is not a unit
    (a variable: "2 x", "5 a").
    """
    tail = re.sub(r"(?<=[^\W\d_])\s+(?=\^)", "", span[pos:])  # "cm ^2" → "cm^2"
    if not tail.strip():
        return True
    if tail[0].isalpha():  # glued to the number: only a known unit ("12cm"), never "3x"
        glued = _GLUED_WORD.match(tail)
        if glued is None or re.sub(r"[\s^{}]", "", glued.group().lower()) not in ATTACHED_UNITS:
            word = glued.group().lower() if glued else ""
            if re.split(r"[\^/\d]", word)[0] not in ATTACHED_UNITS:
                return False
    words = []
    pos = 0
    while pos < len(tail):
        match = _UNIT_TAIL.match(tail, pos)
        if match is None:
            return False
        token = match.group()
        if token[0].isalpha():
            words.append(re.split(r"[\^\d]", token, maxsplit=1)[0])
        pos = match.end()
    if not words:
        return not re.search(r"[()]", tail)
    lowered = [w.lower() for w in words]
    if any(w in RESERVED_WORDS for w in lowered):
        return False
    if loose:
        return not any(len(w) == 1 and w.islower() and w not in SINGLE_LETTER_UNITS for w in words)
    if any(w in ("x", "y", "z", "n") for w in lowered):
        return False
    if len(words) == 1 and len(lowered[0]) == 1 and lowered[0] not in SINGLE_LETTER_UNITS:
        return False
    return True


def _read_words(span: str) -> Number | None:
    """Number words, strictly, with trailing unit words allowed ("hai mươi lăm quả táo")."""
    words = span.replace(",", " ").split()
    if not words or len(words) > 20:
        return None
    for cut in range(len(words), 0, -1):
        head, rest = words[:cut], words[cut:]
        if any(w.lower() in RESERVED_WORDS for w in rest):
            continue
        phrase = " ".join(head)
        vi = parse_vi_number_phrase(phrase)
        if vi is not None:
            return Number(vi.value / vi.per if vi.per == 1000 else vi.value, percent=vi.per == 100)
        en = parse_english_number(phrase)
        if en is not None:
            return Number(en)
    return None
