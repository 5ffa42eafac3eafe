"""The words of a text and what each one is, computed once and shared by every Vietnamese check.

Classes: ``V`` Vietnamese with marks (``được``), ``D`` Vietnamese whose marks were dropped
(``duoc``, ``la``), ``A`` unmarked words that are valid Vietnamese as written or ambiguous
(``hai``, ``cho``, ``to``), ``E`` English (``the``, ``answer``), ``U`` unknown lower-case Latin
words that are not Vietnamese in shape (``marbles``: English inside an English run, else ignored),
``N`` neutral (names, units, variables, acronyms, Greek) and ``F`` letters of a foreign script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rewardkit.text.vi import VI_LETTERS, ascii_syllable_kind
from rewardkit_vi.lexicon import AMBIGUOUS, DROPPED_MARKS, ENGLISH, LEGIT_PAIRS, NAME_STARTERS, NEUTRAL

V, D, A, E, U, N, F = range(7)
CLASS_NAMES = ("vi", "dropped_marks", "ambiguous", "english", "unknown_latin", "neutral", "foreign")

# Latin (with Vietnamese), Greek, IPA, letter-like math symbols, and the numeric characters Python
# counts as word characters (² ½ Ⅳ ①): every other letter belongs to a foreign script.
_LATIN_GREEK = (
    "A-Za-z\u00aa\u00b2\u00b3\u00b5\u00b9\u00ba\u00bc-\u00be\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u03ff\u1e00-\u1fff"
    "\u2070-\u209f\u2100-\u218f\u2460-\u24ff\u2776-\u2793\U0001d400-\U0001d7ff"
)
# Tokens are script-homogeneous letter runs, so "27人số" gives "人" and "số".
_TOKEN = re.compile(rf"[{_LATIN_GREEK}]+|[^\W\d_{_LATIN_GREEK}]+")
FOREIGN_LETTERS = rf"[^\W\d_{_LATIN_GREEK}]"
# Full-width and ideographic punctuation and digits (，。：；！？、「」（）０-９): the typography of a Chinese code switch.
CJK_PUNCTUATION = r"[\u3000-\u303f\uff01-\uff20\uff3b-\uff40\uff5b-\uff65]"
# Short English terms in parentheses or double quotes are allowed ("số nguyên tố (prime number)").
_EXEMPT_TERM = re.compile(
    r"\(\s*[A-Za-z][A-Za-z'\-]*(?:[ \t]+[A-Za-z][A-Za-z'\-]*){0,4}\s*\)"
    r"|[\"“]\s*[A-Za-z][A-Za-z'\-]*(?:[ \t]+[A-Za-z][A-Za-z'\-]*){0,3}\s*[\"”]"
)

_LATIN_GREEK_ONE = re.compile(rf"[{_LATIN_GREEK}]")
_CACHE: dict[str, int] = {}
_CACHE_LIMIT = 100_000
_CACHE_TOKEN_CHARS = 24


def _classify_ascii(token: str) -> int:
    lower = token.lower()
    if len(token) == 1 or lower in NEUTRAL:
        return N
    if token.isupper():  # acronyms (ABC, USD, AM-GM) are neutral unless they spell an unmarked word
        if (len(token) >= 3 and lower in DROPPED_MARKS) or (len(token) >= 4 and ascii_syllable_kind(lower) == 2):
            return D
        return N
    if lower in ENGLISH:
        return E
    if lower in AMBIGUOUS:
        return A
    if lower in DROPPED_MARKS:
        return D
    if not token.islower():  # Title-case or mixed case, not an English word: a name (Anna, Nguyen, iPhone)
        return N
    kind = ascii_syllable_kind(lower)
    if kind == 2:
        return D
    if kind == 1:
        return A
    return U if len(token) >= 3 else N


def classify(token: str) -> int:
    """The class (``V``, ``D``, ``A``, ``E``, ``U``, ``N`` or ``F``) of one token from :func:`tokenize`.

    Example:
        >>> [CLASS_NAMES[classify(t)] for t in ["được", "duoc", "hai", "the", "oranges", "Anna", "所以"]]
        ['vi', 'dropped_marks', 'ambiguous', 'english', 'unknown_latin', 'neutral', 'foreign']
    """
    cls = _CACHE.get(token)
    if cls is None:
        if token.isascii():
            cls = _classify_ascii(token)
        elif all(ch in VI_LETTERS for ch in token):
            cls = V
        elif _LATIN_GREEK_ONE.match(token):  # tokens are one script, so the first letter decides
            cls = N  # café, Zürich, α
        else:
            cls = F
        if len(token) <= _CACHE_TOKEN_CHARS:  # hostile input must not grow memory without bound
            if len(_CACHE) >= _CACHE_LIMIT:
                _CACHE.clear()
            _CACHE[token] = cls
    return cls


@dataclass(slots=True)
class Words:
    """The tokens of a prose text, their classes, and the text they came from."""

    text: str
    tokens: list[str]
    classes: list[int]
    _types: dict[str, int] | None = None
    _counts: list[int] | None = None

    def types(self) -> dict[str, int]:
        """Distinct words and their class: shares over distinct words resist repeated filler."""
        if self._types is None:
            self._types = dict(zip(self.tokens, self.classes, strict=True))
        return self._types

    def type_counts(self) -> list[int]:
        """How many distinct words each class has, indexed by class (``counts[V]``)."""
        if self._counts is None:
            values = list(self.types().values())
            self._counts = [values.count(cls) for cls in range(len(CLASS_NAMES))]  # C-level scans of a short list
        return self._counts


def tokenize(text: str) -> Words:
    """Split prose (NFC, LaTeX and code already stripped) into classified words.

    Short English terms in parentheses or double quotes are removed first: they are allowed.

    Example:
        >>> w = tokenize("Số nguyên tố (prime number) là 7. The answer is 7")
        >>> w.tokens
        ['Số', 'nguyên', 'tố', 'là', 'The', 'answer', 'is']
    """
    if "(" in text or '"' in text or "“" in text:
        text = _EXEMPT_TERM.sub(" ", text)
    tokens = _TOKEN.findall(text)
    get = _CACHE.get
    classes = [get(t, -1) for t in tokens]  # the cache answers almost every word without a call
    if -1 in classes:
        classes = [classify(t) if c < 0 else c for t, c in zip(tokens, classes, strict=True)]
    if D in classes:
        _pardon_pairs(tokens, classes)
    if E in classes:
        _join_names(tokens, classes)
    return Words(text, tokens, classes)


def _join_names(tokens: list[str], classes: list[int]) -> None:
    # "New York", "Great Britain": a capitalised English word that starts a name is part of the name.
    for i in range(len(classes) - 1):
        if classes[i] == E and classes[i + 1] == N and tokens[i][0].isupper() and tokens[i + 1][0].isupper():
            if tokens[i].lower() in NAME_STARTERS:
                classes[i] = N


def _pardon_pairs(tokens: list[str], classes: list[int]) -> None:
    for i, cls in enumerate(classes):
        if cls != D:
            continue
        word = tokens[i].lower()
        if (i > 0 and (tokens[i - 1].lower(), word) in LEGIT_PAIRS) or (
            i + 1 < len(tokens) and (word, tokens[i + 1].lower()) in LEGIT_PAIRS
        ):
            classes[i] = A
