"""Reading an answer span (or a gold) into values: letters, text, numbers and expressions.

Each reading is cached by its cleaned text: GRPO scores many completions per prompt, and the gold of a
prompt is read once for all of them.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache
from typing import Any, Literal

from rewardkit import ExtractContext, Extraction
from rewardkit.text import MAX_LITERAL_DIGITS, detect_convention, normalize_text
from rewardkit_math import extract as ex
from rewardkit_math.latex import clean_span, strip_units
from rewardkit_math.parser import parse_answer
from rewardkit_math.quantity import read_quantity
from rewardkit_math.tokens import ParseError
from rewardkit_math.values import Collection, Letter, Number, Text, Value

#: What to look for: an option ``letter``, ``text``, a ``number`` (the gold is one plain number, so words
#: after a number are its unit) or any ``value``.
Want = Literal["value", "number", "letter", "text", "many"]

_ARTIFACT = re.compile(r"\\\s*(?:đóng\s*hộp|hộp)\s*\{", re.IGNORECASE)
_LETTER_SPAN = re.compile(r"\(?([A-J])\)?(?:[.:)]|\s|$)")
_LOWER_LETTER = re.compile(r"\(([a-j])\)(?:[.:]|\s|$)")
OPTION_LABEL = re.compile(r"^\s*(?:\(([A-J])\)|([A-J])[.):])\s+(?=\S)")
_STANDALONE_LETTER = re.compile(r"(?<![A-Za-z0-9\\])\(?([A-J])\)?(?![A-Za-z0-9])")
_GOLD_LETTER = re.compile(r"^\s*\(?([A-J])\)?\s*(?:[.:)]\s*.*)?$", re.DOTALL)
_NEGATION = re.compile(r"(?i:\b(?:not|isn't|never|không\s+phải)\b)")
_REMARK = re.compile(r"\s*\((?=[^()]*[^\W\d_])[^()]{0,200}\)\s*$")
# A remark that offers another answer: "12 (hoặc 15 nếu …)", "12 (or 15 if …)" is a hedge.
_ALTERNATIVE = re.compile(r"(?i:\b(?:hoặc|hoac|hay(?:\s+là)?|or|otherwise|alternatively)\b)[^()\d]*(?P<other>\d[\d.,]*)")
# Reasons after a letter answer name other options: "C, since A and D fail", "C vì A sai".
_REASON = re.compile(
    r"(?i:[,;:]?\s+\b(?:since|because|as|vì|bởi\s+vì|bởi|tại\s+vì|do|not|rather\s+than|instead\s+of|không\s+phải)\b).*$",
    re.DOTALL,
)
_PROSE = re.compile(r"[^\W\d_]{2,}")
_BRACKET_COMMA = re.compile(r"[(\[{][^;]*\d,\d")
_TEXT_GOLD = re.compile(r"^[^\W\d_]+(?:[ '’-][^\W\d_]+){0,5}$")
_TEXT_WORDS = frozenset({"yes", "no", "true", "false", "có", "không", "đúng", "sai"})
_ARTICLES = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
# The commonest answer and gold of all, a plain integer ("42", "-7", "1500000"), reads the same in every
# convention: it skips cleaning, the quantity reader and the parser.
_PLAIN_INTEGER = re.compile(rf"[ \t]*(-?)(\d{{1,{MAX_LITERAL_DIGITS}}})[ \t]*")


def plain_integer(span: str) -> Number | None:
    """``span`` read as one plain integer (``" -42 "``), or ``None``; the same reading as the full path."""
    match = _PLAIN_INTEGER.fullmatch(span)
    if match is None:
        return None
    digits = match.group(2)
    value = Fraction(int(digits))
    return Number(-value if match.group(1) else value, None, max(len(digits.lstrip("0")), 1))


def prepare(text: Any, max_chars: int = 1_000_000) -> str:
    """Normalised text: NFC, Unicode minus, zero-width and control characters gone, ``\\đóng hộp{`` fixed."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if len(text) > max_chars:
        text = text[-max_chars:]  # the final answer is at the end
    return _ARTIFACT.sub(r"\\boxed{", normalize_text(text))


def normalize_words(text: str) -> str:
    """Text answers compare case-, article- and punctuation-insensitively: "The Monday." == "monday"."""
    return _ARTICLES.sub("", re.sub(r"[\s.,;:!?'\"“”]+", " ", text).strip()).casefold()


_MATH_WORDS = frozenset("pi oo inf infty infinity sqrt sin cos tan cot sec csc log ln lg exp".split())


def _is_word(cleaned: str) -> bool:
    """A gold of one word of letters ("cab", "Lisbon") is text, never a product of letters (single letters stay algebra)."""
    return cleaned.isalpha() and cleaned.isascii() and len(cleaned) >= 2 and cleaned.lower() not in _MATH_WORDS


def _is_text_gold(cleaned: str) -> bool:
    if not _TEXT_GOLD.match(cleaned):
        return False
    words = cleaned.split()
    return any(len(w) >= 4 or not w.isascii() for w in words) or cleaned.casefold() in _TEXT_WORDS or _is_word(cleaned)


def read_span(
    span: str, conventions: tuple[Literal["vi", "en"], ...], want: Want = "value", max_chars: int = 2_000
) -> tuple[list[Value], bool]:
    """Every reading of an answer span (one per convention that reads it differently), and whether it hedges."""
    if want != "text":
        number = plain_integer(span)
        if number is not None:
            return [number], False
    cleaned = clean_span(span)
    if not cleaned or len(cleaned) > max_chars:
        return [], False
    if want == "text":
        return [Text(normalize_words(cleaned))], False
    if want == "letter":
        letters, hedged = read_letter(cleaned)
        if letters or hedged:
            return letters, hedged
    cleaned = OPTION_LABEL.sub("", cleaned)
    loose = want == "number"
    values = read_values(cleaned, conventions, loose)
    remark = _REMARK.search(cleaned) if not values else None
    if remark is not None:
        values = read_values(_REMARK.sub("", cleaned), conventions, loose)  # "4.5 (i.e., 9/2)", "6 (not 5)"
        alternative = _ALTERNATIVE.search(remark.group()) if values else None
        if alternative is not None:  # "12 (hoặc 15 nếu …)": another answer; "12 (or 12.0)" says the same
            others = read_values(alternative.group("other").rstrip(".,"), conventions)
            return list(values), not any(o == v for o in others for v in values if isinstance(o, Number))
    return list(values), False


def read_prose(
    span: str, conventions: tuple[Literal["vi", "en"], ...], max_chars: int = 2_000, loose: bool = False
) -> list[Value]:
    """The math that ends a prose sentence: "tổng cộng có 15 quả" → 15, "có hai nghiệm x = 2 và x = 3" → {2, 3}.

    Words dropped from the front must hold no digit, so "12 cái kẹo và 3 cái bánh" stays unreadable;
    only prose qualifies (a span of symbols such as "10000!" that does not parse stays unparseable),
    and never a negated one ("not 5", "không phải là 5").
    """
    if len(span) > max_chars or not _PROSE.search(span) or _NEGATION.search(span):
        return []
    words = clean_span(span).split(" ")[-60:]
    for k in range(1, len(words)):
        if any(ch.isdigit() for ch in words[k - 1]):
            break
        values = read_values(OPTION_LABEL.sub("", " ".join(words[k:])), conventions, loose)
        if values:
            return list(values)
    return []


def read_letter(cleaned: str) -> tuple[list[Value], bool]:
    """An option letter ("B", "(B) 12", "Chọn B", "Câu C"); two different letters are a hedge."""
    cleaned = _REASON.sub("", cleaned) or cleaned
    letters = {m.group(1) for m in _STANDALONE_LETTER.finditer(cleaned)}
    hedged = len(letters) > 1
    match = _LETTER_SPAN.match(cleaned) or _LOWER_LETTER.match(cleaned)
    if match:
        return [Letter(match.group(1).upper())], hedged
    choices = ex.choice(cleaned, ExtractContext())
    if choices:
        return [Letter(choices[-1].text)], hedged
    if len(letters) == 1 and len(cleaned) <= 40 and not any(ch.isdigit() for ch in cleaned):
        return [Letter(letters.pop())], False  # "Câu C", "phương án đúng: C"
    return [], False


@lru_cache(maxsize=8192)
def read_values(cleaned: str, conventions: tuple[Literal["vi", "en"], ...], loose: bool = False) -> tuple[Value, ...]:
    """The distinct values of a cleaned span, one reading per number convention (quantity fast path first).

    ``loose``: the gold is a plain number, so words after a number are a unit (:func:`read_quantity`).
    """
    if not cleaned:
        return ()
    number = plain_integer(cleaned)
    if number is not None:
        return (number,)
    if "," not in cleaned and "." not in cleaned:
        conventions = conventions[:1]  # only "." and "," read differently in the two conventions
    extra: tuple[Literal["vi", "en"], ...] = ()
    if "en" not in conventions and _BRACKET_COMMA.search(cleaned):
        extra = ("en",)  # "(2,5)" is the point (2, 5) at least as often as a parenthesised 2.5
    values: list[Value] = []
    for convention in conventions + extra:
        value: Value | None = read_quantity(cleaned, convention, loose)
        if value is None:
            try:
                value = parse_answer(strip_units(cleaned, loose=loose), convention)
            except (ParseError, RecursionError, ZeroDivisionError, ValueError, TypeError, OverflowError):
                value = None
        if value is not None and value not in values:
            values.append(value)
    if values and "≈" in cleaned:  # "\\frac23 \\approx 0.67": the exact value first; the stated decimal answers a decimal gold
        approximation = read_quantity(cleaned.rsplit("≈", 1)[1].strip(), conventions[0])
        if approximation is not None and approximation.decimals is not None and approximation not in values:
            values.append(approximation)
    return tuple(values)


@lru_cache(maxsize=4096)
def read_gold(gold: str, max_chars: int = 2_000, locale: str = "auto") -> tuple[Value, ...]:
    """The readings of a gold: a bare value, "The answer is: X", "… #### X", ``\\boxed{X}``, an option letter or words.

    With a fixed ``locale`` (``en``/``vi``) the gold is read in it only: ``2.468`` is never 2468 under ``en``.
    Several boxes (``\\boxed{3}\\boxed{5}``, ``\\boxed{3} apples and \\boxed{5} pears``) are one answer of several values.
    """
    number = plain_integer(gold)
    if number is not None:
        return (number,)
    text = prepare(gold, 100_000)
    context = ExtractContext()
    marks = [e for name in ("boxed", "phrase", "gsm8k") for e in ex.BUILTIN_EXTRACTORS[name](text, context)]
    last = max(marks, key=lambda e: (e.end, e.start)) if marks else None
    if last is not None and last.rule == "boxed":
        last = ex.box_chain(text, [e for e in marks if e.rule == "boxed"], last) or last
    span = last.text if last is not None else text
    span = ex.refine(Extraction(span, 0, len(span), "gold"), context).text
    cleaned = clean_span(span)
    if not cleaned or len(cleaned) > max_chars:
        return ()
    letter = _GOLD_LETTER.match(cleaned)
    if letter:
        return (Letter(letter.group(1)),)
    choices = ex.choice(cleaned, context)
    if choices and len(cleaned) <= 60:
        return (Letter(choices[-1].text),)
    if _is_text_gold(cleaned) and (cleaned.casefold() in _TEXT_WORDS or _is_word(cleaned) or not read_values(cleaned, ("en",))):
        return (Text(normalize_words(cleaned)),)
    # Golds are usually written the canonical way ("." decimal), so under ``vi`` an ambiguous gold keeps both
    # readings; under ``en`` the locale and the canonical reading agree, and there is no other reading.
    found = "en" if locale == "en" else detect_convention(cleaned)
    conventions: tuple[Literal["vi", "en"], ...] = (found,) if found in ("vi", "en") else ("en", "vi")  # type: ignore[assignment]
    values = read_values(OPTION_LABEL.sub("", cleaned), conventions)
    return tuple(v for v in values if not (isinstance(v, Collection) and not v.items and len(values) > 1))
