"""Unicode normalisation applied to completions and golds before any regex or comparison."""

from __future__ import annotations

import re
import unicodedata

# Zero-width characters models and copy-paste leave behind; they split words and numbers invisibly.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# Look-alikes: Icelandic eth for Vietnamese Đ; dashes and the Unicode minus for ASCII minus.
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u2212": "-", "\u2013": "-", "\u2012": "-", "\ufe63": "-", "\uff0d": "-"})
_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F], None)
_TABLE = {**_ZERO_WIDTH, **_LOOKALIKES, **_CONTROL}
# One C-level scan decides whether the (slower) translation is needed at all: most text needs none.
_NEEDS_TABLE = re.compile("[" + "".join(f"\\U{code:08x}" for code in sorted(_TABLE)) + "]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def nfc(text: str) -> str:
    """NFC-compose ``text``; lone surrogates (invalid in UTF-8) are replaced, never raised on."""
    try:
        return unicodedata.normalize("NFC", text)
    except UnicodeError:
        return unicodedata.normalize("NFC", text.encode("utf-8", "replace").decode("utf-8"))


def normalize_text(text: str) -> str:
    """NFC, ``Ð``→``Đ``, zero-width characters removed, Unicode minus/dashes → ``-``, control characters dropped.

    Lone surrogates (invalid in UTF-8) become ``?``. Tabs and newlines are kept.

    >>> normalize_text("\u0110a\u0301p a\u0301n: \u22125")
    'Đáp án: -5'
    """
    ascii_only = text.isascii()
    if not ascii_only and _SURROGATE.search(text):
        text = text.encode("utf-8", "replace").decode("utf-8")
    if _NEEDS_TABLE.search(text):
        text = text.translate(_TABLE)
    return text if ascii_only else unicodedata.normalize("NFC", text)


# Openers of spans that are not prose: code fences, inline code, display and inline math, environments.
_SPAN_OPENER = re.compile(r"```|~~~|`|\$\$|\$|\\\[|\\\(|\\begin\{([A-Za-z*]{1,30})\}")
_CODE_OPENER = re.compile(r"```|~~~|`()")
_SAME_LINE = {"`": "`", "$": "$"}
_CLOSER = {"```": "```", "~~~": "~~~", "$$": "$$", "\\[": "\\]", "\\(": "\\)"}
# A LaTeX command outside math, with up to three flat brace arguments: \boxed{5}, \frac{1}{2}, \times.
_BARE_COMMAND = re.compile(r"\\[A-Za-z]+\*?(?:\s*\{[^{}\n]{0,200}\}){0,3}")
MAX_INLINE_SPAN = 2000


def strip_latex_and_code(text: str, replacement: str = " ", *, latex: bool = True) -> str:
    """Remove code and LaTeX from ``text``, leaving the prose that language checks should judge.

    Removed: fenced code (```` ``` ```` or ``~~~``; an unclosed fence runs to the end, as in Markdown),
    inline code, ``$$..$$``, ``\\[..\\]``, ``\\(..\\)``, ``\\begin{env}..\\end{env}``, inline ``$..$``
    (on one line), and bare commands outside math with their brace arguments (``\\boxed{5}``).
    An opener without its closer is left as text. Runs in linear time on hostile input: each
    closer is searched once, and a closer that is missing is never searched for again.

    Args:
        text: the text (NFC; see :func:`normalize_text`).
        replacement: what each removed span becomes (a space keeps words apart).
        latex: also remove LaTeX (the default); ``False`` removes code only, for checks that read numbers.

    Returns:
        The text with those spans replaced.

    Example:
        >>> strip_latex_and_code("Ta có $x^2 = 4$ nên \\\\(x = 2\\\\). `code` \\\\boxed{2}")
        'Ta có   nên  .    '
    """
    if "`" not in text and "~~~" not in text and (not latex or ("$" not in text and "\\" not in text)):
        return text
    opener_re = _SPAN_OPENER if latex else _CODE_OPENER
    out: list[str] = []
    missing: set[str] = set()  # closers known to be absent after the current position
    pos = 0
    search_from = 0
    n = len(text)
    while search_from < n:
        match = opener_re.search(text, search_from)
        if match is None:
            break
        opener, start = match.group(0), match.start()
        env = match.group(1)
        closer = f"\\end{{{env}}}" if env else _SAME_LINE.get(opener) or _CLOSER[opener]
        if closer in missing:
            search_from = match.end()
            continue
        end = text.find(closer, match.end())
        if opener in _SAME_LINE:
            if end < 0:
                missing.add(closer)
            if end < 0 or end - start > MAX_INLINE_SPAN or "\n" in text[match.end() : end] or end == match.end():
                search_from = match.end()
                continue
        elif end < 0:
            if opener in ("```", "~~~"):
                end = n  # an unclosed fence runs to the end
            else:
                missing.add(closer)
                search_from = match.end()
                continue
        out.append(text[pos:start])
        out.append(replacement)
        pos = search_from = min(n, end + len(closer))
    out.append(text[pos:])
    result = "".join(out)
    if latex and "\\" in result:
        result = _BARE_COMMAND.sub(replacement, result)
    return result


def remove_marks(text: str) -> str:
    """Drop every diacritic (tone and quality marks, ``đ``→``d``): the form of Vietnamese typed without marks.

    Example:
        >>> remove_marks("Đáp án là 5")
        'Dap an la 5'
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def canonical_tone_style(text: str, style: str = "new") -> str:
    """Rewrite old-style (``hòa``, ``thủy``) and new-style (``hoà``, ``thuỷ``) syllables into one style.

    Both placements are correct Vietnamese; comparing strings needs one. Expects NFC text.

    Example:
        >>> canonical_tone_style("hòa bình") == canonical_tone_style("hoà bình")
        True
    """
    from rewardkit.text.vi import canonical_tone_style as convert  # vi imports nothing from here

    return convert(text, "old" if style == "old" else "new")


def normalize_for_compare(text: str) -> str:
    """The key two strings are compared by: :func:`normalize_text`, new tone style, case folded, spaces collapsed.

    Example:
        >>> normalize_for_compare("  Hòa\\u200b  BÌNH ") == normalize_for_compare("hoà bình")
        True
    """
    return " ".join(canonical_tone_style(normalize_text(text)).casefold().split())
