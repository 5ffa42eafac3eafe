"""The words of a text and what each one is, computed once and shared by every Vietnamese check.

Classes: ``V`` Vietnamese with marks (``được``), ``D`` Vietnamese whose marks were dropped
(``duoc``, ``la``), ``A`` unmarked words that are valid Vietnamese as written or ambiguous
(``hai``, ``cho``, ``to``), ``E`` English (``the``, ``answer``), ``U`` unknown lower-case Latin
words that are not Vietnamese in shape (``marbles``: English inside an English run, else ignored),
``N`` neutral (names, units, variables, acronyms, Greek), ``F`` letters of a foreign script and ``X``
accented Latin words that are not Vietnamese (``área``, ``dépensé``, ``součet``, ``café``): a letter
outside the Vietnamese alphabet, or Vietnamese letters that spell no Vietnamese syllable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rewardkit.text import VI_LETTERS, ascii_syllable_kind, check_syllable, strip_marks
from rewardkit_vi.lexicon import (
    AMBIGUOUS,
    DROPPED_MARKS,
    ENGLISH,
    GLOSS_BREAKERS,
    GLOSS_OPENERS,
    LEGIT_PAIRS,
    MARKED_LOANWORDS,
    NAME_LINKS,
    NAME_STARTERS,
    NEUTRAL,
)

V, D, A, E, U, N, F, X = range(8)
CLASS_NAMES = ("vi", "dropped_marks", "ambiguous", "english", "unknown_latin", "neutral", "foreign", "foreign_latin")

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
# English glosses in parentheses or double quotes are allowed ("số nguyên tố (prime number)",
# "(combinations of 10 taken 3 at a time)", "(conditional probability of A given B)"): ASCII text that
# opens with a letter, may hold numbers, variables and one level of parentheses, and is a term, not a clause.
_GLOSS_CHAR = r"[A-Za-z0-9 \t'’.,:;/+\-*=^%&<>!|]"
_GLOSS_BODY = rf"[ \t]*[A-Za-z](?:{_GLOSS_CHAR}|\({_GLOSS_CHAR}{{0,40}}\)){{0,160}}?"
_GLOSS = re.compile(rf"\(({_GLOSS_BODY})\)|[\"“]({_GLOSS_BODY})[\"”]")
_ASCII_WORD = re.compile(r"[A-Za-z]+")
GLOSS_WORDS = 12

_LATIN_GREEK_ONE = re.compile(rf"[{_LATIN_GREEK}]")
# Accented Latin letters (Latin-1, Extended-A/B, Extended Additional; not × ÷): Vietnamese ones and others.
_ACCENTED_LATIN = re.compile(r"[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
# Syllable faults that garble Vietnamese rather than mark a foreign word; vi.syllables judges them.
_GARBLED = frozenset({"tone_position", "stop_tone", "spelling"})
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


def _classify_marked(token: str) -> int:
    # Every letter is in the Vietnamese alphabet; the word is Vietnamese if it is a syllable, a known
    # loanword, or a syllable with garbled marks (ngừoi, baì, nghành: Vietnamese in shape).
    lower = token.lower()
    reason = check_syllable(lower)
    if reason is None or reason in _GARBLED or lower in MARKED_LOANWORDS:
        return V
    if reason in ("rhyme", "tones") and ascii_syllable_kind(strip_marks(lower)):
        return V
    if len(token) == 1 or token.isupper():  # a lone letter (đ) or an acronym (ĐHQG, HĐND)
        return N
    return X  # área, Então, dépensé, Réponse


def classify(token: str) -> int:
    """The class (``V``, ``D``, ``A``, ``E``, ``U``, ``N``, ``F`` or ``X``) of one token from :func:`tokenize`.

    Example:
        >>> [CLASS_NAMES[classify(t)] for t in ["được", "duoc", "hai", "the", "oranges", "Anna", "所以", "área"]]
        ['vi', 'dropped_marks', 'ambiguous', 'english', 'unknown_latin', 'neutral', 'foreign', 'foreign_latin']
    """
    cls = _CACHE.get(token)
    if cls is None:
        if token.isascii():
            cls = _classify_ascii(token)
        elif not _LATIN_GREEK_ONE.match(token):  # tokens are one script, so the first letter decides
            cls = F
        elif all(ch in VI_LETTERS for ch in token):
            cls = _classify_marked(token)
        elif _ACCENTED_LATIN.search(token):  # a letter outside the Vietnamese alphabet: součet, Zürich, café, niño
            cls = N if token.isupper() and len(token) >= 2 else X
        else:
            cls = N  # α, x², cm³
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

    English glosses in parentheses or double quotes are removed first: they are allowed. Runs of
    capitalised words inside Vietnamese text are names or titles, not English (:func:`_join_names`).

    Example:
        >>> w = tokenize("Số nguyên tố (prime number) là 7. The answer is 7")
        >>> w.tokens
        ['Số', 'nguyên', 'tố', 'là', 'The', 'answer', 'is']
    """
    if "(" in text or '"' in text or "“" in text:
        text = _GLOSS.sub(_drop_gloss, text)
    tokens = _TOKEN.findall(text)
    get = _CACHE.get
    classes = [get(t, -1) for t in tokens]  # the cache answers almost every word without a call
    if -1 in classes:
        classes = [classify(t) if c < 0 else c for t, c in zip(tokens, classes, strict=True)]
    if D in classes:
        _pardon_pairs(tokens, classes)
    if E in classes:
        _join_names(text, tokens, classes)
    return Words(text, tokens, classes)


def _drop_gloss(match: re.Match[str]) -> str:
    """A gloss of at most ``GLOSS_WORDS`` words that reads as a term is removed; a clause stays."""
    words = [w.lower() for w in _ASCII_WORD.findall(match.group(1) or match.group(2))]
    if len(words) > GLOSS_WORDS or words[0] in GLOSS_OPENERS or not GLOSS_BREAKERS.isdisjoint(words):
        return match.group(0)
    return " "


# What may separate two words of one name: spaces, or a hyphen, apostrophe or ampersand (Coca-Cola, O'Neil, AT&T).
_NAME_GAP = re.compile(r"[ \t\u00a0]+|[ \t]*[-&'’][ \t]*")
_NAME_OPENERS = NAME_STARTERS | {"the"}


def _join_names(text: str, tokens: list[str], classes: list[int]) -> None:
    """Capitalised English words that are part of a name or title become neutral.

    A name is a run of capitalised words joined by spaces, with short link words between them
    (``Harry Potter and the Chamber of Secrets``, ``The Little Prince``, ``New York``); it needs a
    capitalised word that is not common English (``Potter``, ``Prince``), so ``Final Answer`` stays
    English. Its leading common words belong to it when a Vietnamese or neutral word comes right
    before it or they open names (``The``, ``New``). A single capitalised English word is a name
    when it sits mid-sentence after a non-English word and no English word follows (``Công ty Apple bán``).
    """
    spans = [m.span() for m in _TOKEN.finditer(text)]
    n = len(tokens)

    def joined(j: int) -> bool:  # tokens j and j + 1 are separated by spaces only: no sentence break
        return _NAME_GAP.fullmatch(text, spans[j][1], spans[j + 1][0]) is not None

    i = 0
    while i < n:
        if not (tokens[i][0].isupper() and classes[i] in (E, A, N)):
            i += 1
            continue
        members = [i]
        j = i
        while j + 1 < n and joined(j):
            following = tokens[j + 1]
            if following[0].isupper() and classes[j + 1] in (E, A, N):
                members.append(j + 1)
            elif following not in NAME_LINKS:
                break
            j += 1
        last = members[-1]
        mid_sentence = i > 0 and classes[i - 1] not in (E, U) and joined(i - 1)
        if len(members) >= 2:
            anchors = [k for k in members if classes[k] == N and len(tokens[k]) >= 2]
            if anchors:
                opens = classes[i] == N or mid_sentence or tokens[i].lower() in _NAME_OPENERS
                for k in range(i if opens else anchors[0], last + 1):
                    if classes[k] in (E, A, D, U):
                        classes[k] = N
        elif classes[i] == E and mid_sentence and (i + 1 == n or classes[i + 1] not in (E, U)):
            classes[i] = N
        i = last + 1


def _pardon_pairs(tokens: list[str], classes: list[int]) -> None:
    for i, cls in enumerate(classes):
        if cls != D:
            continue
        word = tokens[i].lower()
        if (i > 0 and (tokens[i - 1].lower(), word) in LEGIT_PAIRS) or (
            i + 1 < len(tokens) and (word, tokens[i + 1].lower()) in LEGIT_PAIRS
        ):
            classes[i] = A
