"""Locale-aware reading of number literals: thousands groups, decimal commas, space groups.

Two conventions exist in the data rewardkit sees (reference/vietnamese.md §3.2):

* ``en``: ``,`` groups thousands and ``.`` is the decimal point (``1,234.5``);
* ``vi``: ``.`` groups thousands and ``,`` is the decimal comma (``1.234,5``; LaTeX ``2{,}5``).

Most literals read the same in both (``2.5``, ``2,5``, ``1.200.000``, ``1,200,000``); only a single
separator followed by exactly three digits (``1.234``, ``1,234``) depends on the convention.
:func:`detect_convention` finds a document's convention from its unambiguous literals and
:func:`scan_number` reads one literal under a given convention. Nothing here evaluates text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

Convention = Literal["vi", "en", "mixed", "unknown"]

#: Longest digit string read as one literal; longer runs are refused (not worth the big-int work).
MAX_LITERAL_DIGITS = 300

# A run of digit groups joined by '.', ',' or LaTeX '{,}' with no spaces. Separators are mandatory
# between groups, so the pattern cannot backtrack catastrophically on long inputs.
_RUN = re.compile(r"\d+(?:(?:[.,]|\{,\})\d+)*")
# Space groups: a 1-3 digit head then groups of exactly three digits joined by a (thin/no-break)
# space or a LaTeX spacing command; "3 4" is never joined.
_SPACE = r"(?:[ \u00a0\u202f\u2009]|\\,|\\ |\\thinspace ?|~)"
_SPACE_RUN = re.compile(r"\d{1,3}(?:" + _SPACE + r"\d{3}(?!\d))+(?:(?:[.,]|\{,\})\d+)?")
_SPACE_SPLIT = re.compile(_SPACE)
# Runs used for detection: must not touch a letter or another separator on either side.
_DETECT = re.compile(r"(?<![\w.,])\d+(?:(?:[.,]|\{,\})\d+)+(?![\w^]|[.,]\d)")


def classify_run(run: str) -> Literal["vi", "en", "ambiguous"] | None:
    """Say which convention a separator-joined digit run proves, if any.

    Returns ``"vi"`` (``2,5``, ``1.200.000``, ``1.234,5``, ``2{,}5``), ``"en"`` (``2.5``,
    ``1,200,000``, ``1,234.5``), ``"ambiguous"`` (``1.234``, ``1,234``) or ``None`` (no separator,
    or a shape neither convention writes, such as ``1.2.3`` or the list ``1,2,3``).

    >>> classify_run("2,5"), classify_run("1.200.000"), classify_run("1,234"), classify_run("2.5")
    ('vi', 'vi', 'ambiguous', 'en')
    """
    run = run.replace("{,}", ",")
    groups = re.split(r"[.,]", run)
    seps = re.findall(r"[.,]", run)
    if not seps:
        return None
    head, tail = groups[0], groups[1:]
    grouped = 1 <= len(head) <= 3 and all(len(g) == 3 for g in tail)
    if all(s == "," for s in seps):
        if len(seps) == 1:
            return "ambiguous" if grouped else "vi"
        return "en" if grouped else None
    if all(s == "." for s in seps):
        if len(seps) == 1:
            return "ambiguous" if grouped else "en"
        return "vi" if grouped else None
    # Both separators: the last one is the decimal mark, the others must be thousands groups.
    last = seps[-1]
    if all(s != last for s in seps[:-1]) and 1 <= len(head) <= 3 and all(len(g) == 3 for g in tail[:-1]):
        return "vi" if last == "," else "en"
    return None


def count_conventions(text: str) -> tuple[int, int]:
    """Count the literals in ``text`` that prove the Vietnamese and the English convention.

    >>> count_conventions("Giá 1.200.000 đồng, giảm 2,5%; còn 1.234")
    (2, 0)
    """
    vi = en = 0
    for match in _DETECT.finditer(text):
        run = match.group()
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if before in "([" and after in ")]" and "," in run and "." not in run:
            continue  # "(2,5)" is a point or an interval in English at least as often as a decimal
        kind = classify_run(run)
        if kind == "vi":
            vi += 1
        elif kind == "en":
            en += 1
    return vi, en


def detect_convention(text: str) -> Convention:
    """The number convention of a document, from its unambiguous literals only.

    ``vi`` if it writes a decimal comma (``2,5``, ``2{,}5``) or dot thousands (``1.200.000``,
    ``1.234,5``); ``en`` for ``2.5``, ``1,200,000`` or ``1,234.5``; ``mixed`` when both occur;
    ``unknown`` when no literal decides (``1.234`` alone is ambiguous). Version-like runs
    (``1.2.3``), lists without spaces (``1,2,3``) and the Vietnamese ``3.10^8`` decide nothing.
    Linear time in ``len(text)``.

    Args:
        text: any text (a completion, a prompt, a gold answer); normalise it first
            (:func:`rewardkit.text.normalize.normalize_text`).

    Returns:
        ``"vi"``, ``"en"``, ``"mixed"`` or ``"unknown"``.

    Example:
        >>> detect_convention("Vậy giá là 2,5 triệu đồng")
        'vi'
        >>> detect_convention("The total is 1,250,000 dollars")
        'en'
        >>> detect_convention("1.234")
        'unknown'
    """
    vi, en = count_conventions(text)
    if vi and en:
        return "mixed"
    if vi:
        return "vi"
    if en:
        return "en"
    return "unknown"


@dataclass(frozen=True, slots=True)
class NumberLiteral:
    """One number literal read from text.

    ``decimals`` is the count of digits written after the decimal mark (``None`` for integers),
    ``significant`` the count of significant digits written (``0.3333`` has 4, ``12.50`` has 4):
    the tolerance rules of the math judge need both. ``ambiguous`` is true when the other
    convention would have read the literal differently.
    """

    value: Fraction
    start: int
    end: int
    text: str
    decimals: int | None
    significant: int
    ambiguous: bool = False


def scan_number(text: str, pos: int, convention: Literal["vi", "en"]) -> NumberLiteral | None:
    """Read the number literal starting at ``text[pos]`` (a digit) under ``convention``.

    Returns ``None`` when the literal is malformed (``1.2.3``) or longer than
    :data:`MAX_LITERAL_DIGITS`. A comma that ``en`` does not read as a thousands separator
    (``2,5``) ends the literal there, so the caller sees a list; a dot that ends a sentence is
    never consumed (the run needs a digit after each separator).

    >>> scan_number("1.234", 0, "vi").value, scan_number("1.234", 0, "en").value
    (Fraction(1234, 1), Fraction(617, 500))
    >>> scan_number("2,5 triệu", 0, "vi").value, scan_number("2,5", 0, "en").end
    (Fraction(5, 2), 1)
    >>> scan_number("800 000 đồng", 0, "vi").value
    Fraction(800000, 1)
    """
    match = _SPACE_RUN.match(text, pos)
    spaced = match is not None
    if match is None:
        match = _RUN.match(text, pos)
        if match is None:
            return None
    run = match.group()
    end = match.end()
    if spaced:
        # Space groups are thousands; what follows the last group is the decimal part, if any.
        joined = _SPACE_SPLIT.sub("", run)
        return _literal_from_groups(joined, pos, end, text, convention, spaced=True)
    return _literal_from_groups(run, pos, end, text, convention, spaced=False)


def _literal_from_groups(
    run: str, start: int, end: int, text: str, convention: Literal["vi", "en"], *, spaced: bool
) -> NumberLiteral | None:
    # LaTeX "{,}" reads like a comma, except that it never separates list items: "2{,}5" is 2.5
    # in any convention, while "10{,}000" groups thousands like "10,000".
    latex_comma = "{,}" in run
    run = run.replace("{,}", ",")
    parts = re.split(r"([.,])", run)
    groups, seps = parts[0::2], parts[1::2]
    if sum(len(g) for g in groups) > MAX_LITERAL_DIGITS:
        return None
    if not seps:
        return _make(groups[0], "", start, end, text)
    head, tail = groups[0], groups[1:]
    three = all(len(g) == 3 for g in tail)
    short_head = 1 <= len(head) <= 3 or spaced

    if all(s == "," for s in seps):
        if spaced:  # "1 234,5": a decimal comma after space groups
            return _make(head, tail[0], start, end, text) if len(seps) == 1 else None
        if short_head and three:
            if len(seps) >= 2 or convention == "en":
                return _make("".join(groups), "", start, end, text, ambiguous=len(seps) == 1)
            return _make(head, tail[0], start, end, text, ambiguous=True)
        if len(seps) == 1 and (convention == "vi" or latex_comma):
            return _make(head, tail[0], start, end, text)
        # Not a number in this convention: the comma separates list items; stop before it.
        first_end = start + len(head)
        return _make(head, "", start, first_end, text)

    if all(s == "." for s in seps):
        if spaced:
            return _make(head, tail[0], start, end, text) if len(seps) == 1 else None
        if len(seps) >= 2:
            return _make("".join(groups), "", start, end, text) if short_head and three else None
        if short_head and three:
            if convention == "vi":
                return _make(head + tail[0], "", start, end, text, ambiguous=True)
            return _make(head, tail[0], start, end, text, ambiguous=True)
        return _make(head, tail[0], start, end, text)

    # Both marks: thousands groups of one kind, then one decimal mark of the other.
    last = seps[-1]
    if any(s == last for s in seps[:-1]) or not (short_head and all(len(g) == 3 for g in tail[:-1])):
        return None
    return _make("".join(groups[:-1]), groups[-1], start, end, text)


def _make(integer: str, fraction: str, start: int, end: int, text: str, *, ambiguous: bool = False) -> NumberLiteral:
    digits = (integer + fraction).lstrip("0")
    value = Fraction(int(integer + fraction), 10 ** len(fraction)) if fraction else Fraction(int(integer))
    return NumberLiteral(
        value=value,
        start=start,
        end=end,
        text=text[start:end],
        decimals=len(fraction) if fraction else None,
        significant=max(len(digits), 1),
        ambiguous=ambiguous,
    )
