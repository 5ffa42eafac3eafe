"""Answer markers: where a completion states its final answer, and in which language.

Markers follow reference/vietnamese.md §4.2: ``Đáp án``/``Đáp số``/``Kết quả``/``Câu trả lời``/
``Trả lời``/``Kết luận``, multiple choice (``Chọn C``, ``Phương án B``), conclusions (``Vậy … là``,
``Do đó … =``, ``Vậy có tất cả 126 …``), ``\\boxed{}``, the translation artifact ``\\đóng hộp{``,
``####`` and English markers (``The answer is``, ``Final answer``, ``Answer:``). The last marker
in the last lines of the text is the one that counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rewardkit.text import VI_MARKED_LETTERS

VI_KINDS = frozenset({"vi", "choice", "conclude"})

_EN = (
    r"\b(?:(?:the\s+(?:final\s+|correct\s+)?answer\s+(?:is|would\s+be|will\s+be)|final\s+answer"
    r"|the\s+result\s+is|so\s+the\s+answer)\b|answer\s*[:=])"
)
_MARKER = re.compile(
    r"(?P<vi>\b(?:đáp\s*án|đáp\s*số|kết\s*quả|câu\s*trả\s*lời|trả\s*lời|kết\s*luận)\b)"
    r"|(?P<choice>\b(?:chọn|phương\s*án)\s*(?:đáp\s*án\s*)?(?:đúng\s*(?:là\s*)?)?[:：]?\s*\(?[A-E]\b)"
    # "Vậy" and friends start many sentences: only one that goes on to "là", "=", ":" or a number concludes.
    r"|(?P<conclude>\b(?:vậy|do\s+đó|như\s+vậy|vì\s+vậy|suy\s+ra|tóm\s+lại|cho\s+nên)\b[^.\n]{0,80}?(?:\blà\b|\bbằng\b|[=:]|\d))"
    rf"|(?P<en>{_EN})"
    r"|(?P<boxed>\\boxed\s*\{)"
    r"|(?P<artifact>\\đóng\s*hộp\s*\{)"
    r"|(?P<gsm>####)",
    re.IGNORECASE,
)
_EN_ONLY = re.compile(_EN, re.IGNORECASE)
_VI_LETTER = re.compile("[" + "".join(sorted(VI_MARKED_LETTERS)) + "]")


@dataclass(frozen=True, slots=True)
class Marker:
    """One answer marker: its kind (``vi``, ``choice``, ``conclude``, ``en``, ``boxed``, ``artifact``, ``gsm``) and span."""

    kind: str
    start: int
    end: int
    text: str


def tail_start(text: str, lines: int) -> int:
    """Index where the last ``lines`` non-empty lines of ``text`` begin (0 if it has fewer)."""
    pos = len(text.rstrip())
    count = 0
    while pos > 0:
        newline = text.rfind("\n", 0, pos)
        if text[newline + 1 : pos].strip():
            count += 1
            if count == lines:
                return newline + 1
        if newline < 0:
            return 0
        pos = newline
    return 0


def last_marker(text: str, tail_lines: int = 3) -> Marker | None:
    """The last answer marker that starts in the last ``tail_lines`` non-empty lines of ``text``.

    Example:
        >>> last_marker("Ta có 2 + 3 = 5.\\nĐáp án: 5").kind
        'vi'
        >>> last_marker("Ta có 2 + 3 = 5.\\nVậy đáp án là 5.").kind
        'conclude'
        >>> last_marker("Vậy đáp án là 5.\\nThe answer is: 5").kind
        'en'
    """
    start = tail_start(text, tail_lines) if tail_lines > 0 else 0
    found = None
    for match in _MARKER.finditer(text, start):
        found = match
    if found is None:
        return None
    kind = found.lastgroup or ""
    return Marker(kind, found.start(), found.end(), found.group(0))


def lead_in(text: str, start: int, max_chars: int = 200) -> str:
    """The text that leads in to position ``start``: its own line, or the previous line when it starts one."""
    line_start = text.rfind("\n", 0, start) + 1
    if not any(ch.isalpha() for ch in text[line_start:start]):  # it starts its line ("$$\\boxed"): read the line before
        line_start = text.rfind("\n", 0, max(0, line_start - 1)) + 1
    return text[max(line_start, start - max_chars) : start]


def has_english_marker(text: str) -> bool:
    return _EN_ONLY.search(text) is not None


def has_vietnamese_letter(text: str) -> bool:
    return _VI_LETTER.search(text) is not None
