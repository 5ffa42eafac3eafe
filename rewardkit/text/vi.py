"""Vietnamese syllable structure: tone and quality marks, onsets, rhymes, and ``check_syllable``.

A written Vietnamese syllable is ``onset + rhyme`` with at most one tone mark, which sits on a
vowel the orthography allows (DESIGN: reference/vietnamese.md §2.2-2.3). Both the old tone
placement (``hòa``, ``thủy``) and the new one (``hoà``, ``thuỷ``) are valid; they differ only in
open ``oa``/``oe``/``uy`` rhymes, and :func:`to_tone_style` converts between them by parsing the
syllable rather than by a lookup table. Pure standard library; results are cached per word
because the vocabulary of a text is small compared with its length.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

ToneStyle = Literal["old", "new"]

# Tone indices: 0 ngang (none), then the five marks in their combining-character form.
TONE_MARKS = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}  # huyền sắc hỏi ngã nặng

BASE_VOWELS = "aăâeêioôơuưy"
QUALITY_VOWELS = frozenset("ăâêôơư")
_STRIP_QUALITY = str.maketrans("ăâêôơưđ", "aaeooud")
_STRIP_QUALITY_ANY_CASE = str.maketrans("ăâêôơưđĂÂÊÔƠƯĐ", "aaeooudAAEOOUD")

ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", *"bcdđghklmnprstvx")
_ONSETS_LONGEST_FIRST = tuple(sorted(ONSETS, key=len, reverse=True))

# The legal rhymes (vần), without tone marks: medial + nucleus + coda, as written after an onset.
RHYMES = frozenset(
    """
    a ac ach ai am an ang anh ao ap at au ay
    ăc ăm ăn ăng ăp ăt
    âc âm ân âng âp ât âu ây
    e ec em en eng eo ep et
    ê êch êm ên ênh êp êt êu
    i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
    y yêm yên yêt yêu
    o oc oi om on ong op ot oong ooc
    ô ôc ôi ôm ôn ông ôp ôt
    ơ ơi ơm ơn ơp ơt
    u ua uc ui um un ung up ut uôc uôi uôm uôn uông uôt
    ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
    oa oac oach oai oam oan oang oanh oao oap oat oay
    oăc oăm oăn oăng oăt
    oe oen oeo oet
    uân uâng uât uây
    uê uêch uên uênh
    uơ
    uy uya uych uyn uynh uyp uyt uyu uyên uyêt
    """.split()
)
STOP_CODAS = ("ch", "p", "t", "c")
_STOP_TONES = frozenset({2, 5})  # sắc, nặng
_GLIDE_RHYMES = frozenset({"oa", "oe", "uy"})  # open rhymes where old and new tone placement differ

# Rhymes as they look when marks are dropped ("nguoi" for người): used to spot unmarked Vietnamese.
_RHYMES_STRIPPED = frozenset(r.translate(_STRIP_QUALITY) for r in RHYMES)
_RHYMES_TONELESS_ASCII = frozenset(r for r in RHYMES if r.isascii() and not r.endswith(STOP_CODAS))

MAX_SYLLABLE_LEN = 8  # "nghiêng" has 7 letters; anything longer is not one syllable


def _build_tables() -> tuple[dict[str, tuple[str, int]], dict[tuple[str, int], str]]:
    split: dict[str, tuple[str, int]] = {}
    join: dict[tuple[str, int], str] = {}
    for vowel in BASE_VOWELS + BASE_VOWELS.upper():
        split[vowel] = (vowel, 0)
        join[(vowel, 0)] = vowel
        for mark, tone in TONE_MARKS.items():
            composed = unicodedata.normalize("NFC", vowel + mark)
            if len(composed) == 1:
                split[composed] = (vowel, tone)
                join[(vowel, tone)] = composed
    return split, join


_SPLIT, _JOIN = _build_tables()
# Every letter Vietnamese writes with a mark (tone or quality), both cases, plus đ/Đ.
VI_MARKED_LETTERS = frozenset(c for c in _SPLIT if not c.isascii()) | {"đ", "Đ"}
VI_LETTERS = VI_MARKED_LETTERS | frozenset("abcdeghiklmnopqrstuvxyABCDEGHIKLMNOPQRSTUVXY")


def split_tone(word: str) -> tuple[str, int, int, int]:
    """Separate the tone marks from a (NFC, lower-case) word.

    Returns:
        ``(base, tone, index, count)``: the word with tone marks removed (quality marks kept),
        the tone (0 ngang, 1 huyền, 2 sắc, 3 hỏi, 4 ngã, 5 nặng), the index of the toned letter
        (-1 if none) and how many tone marks the word carries.

    Example:
        >>> split_tone("người")
        ('ngươi', 1, 3, 1)
    """
    base = []
    tone, index, count = 0, -1, 0
    for i, ch in enumerate(word):
        entry = _SPLIT.get(ch)
        if entry is None:
            base.append(ch)
            continue
        base.append(entry[0])
        if entry[1]:
            tone, index, count = entry[1], i, count + 1
    return "".join(base), tone, index, count


def strip_marks(word: str) -> str:
    """``word`` without its Vietnamese tone and quality marks (``đ`` → ``d``); every other character is kept.

    Tells garbled Vietnamese (``ngừoi`` strips to the Vietnamese shape ``nguoi``) from words of other
    languages (``área`` strips to ``area``, which no Vietnamese syllable spells).

    Example:
        >>> strip_marks("Người"), strip_marks("đựoc"), strip_marks("café")
        ('Nguoi', 'duoc', 'cafe')
    """
    return split_tone(word)[0].translate(_STRIP_QUALITY_ANY_CASE)


def _split_onset(base: str) -> tuple[str, str]:
    """``(onset, rhyme)`` of a tone-free lower-case syllable, by the longest onset that leaves a rhyme.

    ``gi`` and ``qu`` are onsets (``già``, ``quý``), but ``gìn``/``gì`` are ``g`` + ``in``/``i`` and
    ``giếng`` is ``g`` + ``iêng``: the ``i`` belongs to the rhyme when the rest is not one.
    """
    if base.startswith("gi") and len(base) > 2:
        rest = base[2:]
        if rest[0] in BASE_VOWELS and (rest in RHYMES or rest in _RHYMES_STRIPPED):
            return "gi", rest
        return "g", base[1:]
    for onset in _ONSETS_LONGEST_FIRST:
        if base.startswith(onset) and len(base) > len(onset):
            return onset, base[len(onset) :]
    return "", base


def _rhyme_after_qu(rhyme: str, table: frozenset[str]) -> bool:
    # After qu the u is the medial: quốc = qu+ôc, quyết = qu+(u)yêt; plain o/u/ư cannot follow (quóc).
    if rhyme in table and rhyme[0] not in "ouư":
        return True
    return ("u" + rhyme) in table


def _spelling_error(onset: str, rhyme: str) -> bool:
    first = rhyme[0]
    if onset in ("k", "gh", "ngh"):
        return first not in "ieêy"
    if onset in ("c", "ng"):
        return first in "ieêy" or (onset == "c" and rhyme[:2] in ("oa", "oă", "oe", "uâ", "uê", "uy"))
    if onset == "g":
        return first in "eêy"
    return False


def _allowed_tone_positions(rhyme: str, offset: int) -> tuple[int, ...]:
    """Indices (in the whole word) where the tone mark may sit, both tone styles accepted."""
    vowels = [i for i, ch in enumerate(rhyme) if ch in BASE_VOWELS]
    if not vowels:
        return ()
    quality = [i for i in vowels if rhyme[i] in QUALITY_VOWELS]
    if quality:
        picks: tuple[int, ...] = (quality[-1],)
    elif vowels[-1] != len(rhyme) - 1:  # a final consonant follows the nucleus
        picks = (vowels[-1],)
    elif len(vowels) == 3:
        picks = (vowels[1],)
    elif rhyme in _GLIDE_RHYMES:
        picks = (vowels[0], vowels[1])
    else:
        picks = (vowels[0],)
    return tuple(offset + i for i in picks)


@lru_cache(maxsize=65536)
def check_syllable(word: str) -> str | None:
    """Why ``word`` is not a well-formed Vietnamese syllable, or ``None`` when it is.

    Checks, after NFC and lower-casing: Vietnamese letters only, at most one tone mark, a legal
    onset and rhyme with the spelling rules (``k/gh/ngh`` only before ``i e ê y``; ``c/g/ng`` not
    before them), stop codas (``p t c ch``) only with sắc or nặng, and the tone on the vowel the
    orthography allows (old ``hòa`` and new ``hoà`` placement both accepted).

    Args:
        word: one syllable (a word without spaces), any case.

    Returns:
        ``None`` if valid, else one of ``"empty"``, ``"length"``, ``"letters"``, ``"tones"``,
        ``"onset"``, ``"rhyme"``, ``"spelling"``, ``"stop_tone"``, ``"tone_position"``.

    Example:
        >>> check_syllable("người") is None and check_syllable("hòa") is None and check_syllable("hoà") is None
        True
        >>> check_syllable("ngừoi"), check_syllable("càt"), check_syllable("baì"), check_syllable("nghành")
        ('rhyme', 'stop_tone', 'tone_position', 'spelling')
    """
    if not word:
        return "empty"
    if len(word) > MAX_SYLLABLE_LEN:
        return "length"
    word = unicodedata.normalize("NFC", word).lower()
    if any(ch not in VI_LETTERS for ch in word):
        return "letters"
    base, tone, index, count = split_tone(word)
    if count > 1:
        return "tones"
    onset, rhyme = _split_onset(base)
    if not rhyme or rhyme[0] not in BASE_VOWELS:
        return "onset"
    if onset == "qu":
        if not _rhyme_after_qu(rhyme, RHYMES):
            return "rhyme"
    elif rhyme not in RHYMES:
        return "rhyme"
    if _spelling_error(onset, rhyme):
        return "spelling"
    if rhyme.endswith(STOP_CODAS) and tone not in _STOP_TONES:
        return "stop_tone"
    if tone and index not in _allowed_tone_positions(rhyme, len(onset)):
        return "tone_position"
    return None


@lru_cache(maxsize=65536)
def ascii_syllable_kind(word: str) -> int:
    """How an all-ASCII lower-case word relates to Vietnamese spelling.

    Returns:
        ``0``: not Vietnamese in shape (``answer``, ``is``); ``1``: a valid Vietnamese syllable as
        written, without any mark (``hai``, ``cho``, ``the``); ``2``: a Vietnamese syllable whose
        marks were dropped: it needs a quality mark or, with a stop coda, a tone (``nguoi``,
        ``duoc``, ``dap``).

    Example:
        >>> ascii_syllable_kind("answer"), ascii_syllable_kind("hai"), ascii_syllable_kind("nguoi")
        (0, 1, 2)
    """
    if not word or len(word) > MAX_SYLLABLE_LEN or not word.isascii() or not word.isalpha():
        return 0
    onset, rhyme = _split_onset(word)
    if not rhyme or rhyme[0] not in BASE_VOWELS or _spelling_error(onset, rhyme):
        return 0
    if onset == "qu":
        if _rhyme_after_qu(rhyme, _RHYMES_TONELESS_ASCII):
            return 1
        return 2 if _rhyme_after_qu(rhyme, _RHYMES_STRIPPED) else 0
    if rhyme in _RHYMES_TONELESS_ASCII:
        return 1
    return 2 if rhyme in _RHYMES_STRIPPED else 0


def _restore_case(template: str, lowered: str) -> str:
    return "".join(new.upper() if old.isupper() else new for old, new in zip(template, lowered, strict=True))


@lru_cache(maxsize=65536)
def to_tone_style(word: str, style: ToneStyle = "new") -> str:
    """Move the tone of an open ``oa``/``oe``/``uy`` syllable to the chosen placement.

    ``old`` puts it on the first vowel (``hòa``, ``khỏe``, ``thủy``), ``new`` on the second
    (``hoà``, ``khoẻ``, ``thuỷ``). Every other word (``hoàn``, ``quý``, ``ngoài``, English) is
    returned unchanged, so comparing two strings after converting both is style-blind.

    Example:
        >>> to_tone_style("Hòa", "new"), to_tone_style("thuỷ", "old"), to_tone_style("quý", "old")
        ('Hoà', 'thủy', 'quý')
    """
    lower = word.lower()
    base, tone, index, count = split_tone(lower)
    if count != 1 or len(base) > MAX_SYLLABLE_LEN or len(lower) != len(word):  # "İ".lower() has two characters
        return word
    onset, rhyme = _split_onset(base)
    if rhyme not in _GLIDE_RHYMES or onset == "qu":
        return word
    target = len(onset) + (0 if style == "old" else 1)
    if target == index:
        return word
    chars = list(base)
    chars[target] = _JOIN[(chars[target], tone)]
    return _restore_case(word, "".join(chars))


# Words that end in a toned o/u + a/e/y (or o/u + toned a/e/y): the only candidates for a style change.
_TONED = "".join(c for c in _SPLIT if _SPLIT[c][1])
_GLIDE_WORD = re.compile(
    rf"(?<![^\W\d_])[^\W\d_]{{0,4}}(?:[oOuU][{_TONED}]|[{_TONED}][aAeEyY])(?![^\W\d_])",
)


def canonical_tone_style(text: str, style: ToneStyle = "new") -> str:
    """Rewrite every old/new-style syllable of ``text`` into one style, for comparisons.

    Expects NFC text (see :func:`rewardkit.text.normalize.normalize_text`).

    Example:
        >>> canonical_tone_style("Hòa bình, khỏe mạnh, thủy điện")
        'Hoà bình, khoẻ mạnh, thuỷ điện'
    """
    return _GLIDE_WORD.sub(lambda m: to_tone_style(m.group(0), style), text)


def tone_style(word: str) -> ToneStyle | None:
    """``"old"`` or ``"new"`` for an open ``oa``/``oe``/``uy`` syllable with a tone, else ``None``.

    Example:
        >>> tone_style("hòa"), tone_style("hoà"), tone_style("hoàn")
        ('old', 'new', None)
    """
    lower = word.lower()
    base, _tone, index, count = split_tone(lower)
    if count != 1:
        return None
    onset, rhyme = _split_onset(base)
    if rhyme not in _GLIDE_RHYMES or onset == "qu":
        return None
    return "old" if index == len(onset) else "new"
