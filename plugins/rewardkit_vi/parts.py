"""Which part of a completion a check reads (reasoning, answer or all), and the prose in it.

``reasoning`` is the content of the ``<think>`` blocks, or, without them, the text before the
answer tag or before the final answer marker; ``answer`` is the content of the last ``<answer>``
block, or the text from the final marker on; ``all`` is the whole completion. Every check then
reads the part as NFC text with LaTeX, code and tags removed.
"""

from __future__ import annotations

import re
from typing import Literal

from rewardkit.text import normalize_text, strip_latex_and_code
from rewardkit_vi.markers import last_marker

Part = Literal["reasoning", "answer", "all"]

_TAG = re.compile(r"</?[A-Za-z][\w:-]{0,30}\s*/?>")


def blocks(text: str, tag: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the content of every ``<tag>…</tag>`` block; an unclosed one runs to the end.

    A closing tag without an opening one (the chat template opened ``<think>``) closes a block
    that starts at the beginning of the text.
    """
    opening, closing = f"<{tag}>", f"</{tag}>"
    spans = []
    pos = 0
    first_open = text.find(opening)
    first_close = text.find(closing)
    if first_close >= 0 and (first_open < 0 or first_close < first_open):
        spans.append((0, first_close))
        pos = first_close + len(closing)
    while True:
        start = text.find(opening, pos)
        if start < 0:
            break
        start += len(opening)
        end = text.find(closing, start)
        if end < 0:
            spans.append((start, len(text)))
            break
        spans.append((start, end))
        pos = end + len(closing)
    return spans


def select_part(text: str, part: Part, reasoning_tag: str = "think", answer_tag: str = "answer") -> str:
    """The ``part`` of a normalised completion (tags still in place).

    Example:
        >>> select_part("<think>2 + 3 = 5</think><answer>5</answer>", "reasoning")
        '2 + 3 = 5'
        >>> select_part("Ta có 2 + 3 = 5.\\nĐáp án: 5", "answer")
        'Đáp án: 5'
        >>> select_part("Ta có 2 + 3 = 5.\\nĐáp án: 5", "reasoning")
        'Ta có 2 + 3 = 5.\\n'
    """
    if part == "all":
        return text
    if part == "reasoning":
        spans = blocks(text, reasoning_tag) if reasoning_tag else []
        if spans:
            return "\n".join(text[a:b] for a, b in spans)
        answer_at = text.find(f"<{answer_tag}>") if answer_tag else -1
        if answer_at >= 0:
            return text[:answer_at]
        marker = last_marker(text)
        return text[: marker.start] if marker is not None else text
    spans = blocks(text, answer_tag) if answer_tag else []
    if spans:
        a, b = spans[-1]
        return text[a:b]
    marker = last_marker(text)
    return text[marker.start :] if marker is not None else ""


def prose(
    completion: str, part: Part = "all", *, reasoning_tag: str = "think", answer_tag: str = "answer", max_chars: int = 50_000
) -> str:
    """The text a language check judges: normalised, the chosen part, LaTeX, code and tags removed.

    Example:
        >>> prose("<think>Ta có $x^2 = 4$ nên x = 2.</think><answer>\\\\boxed{2}</answer>")
        ' Ta có   nên x = 2.    '
    """
    text = normalize_text(completion[:max_chars])
    text = select_part(text, part, reasoning_tag, answer_tag)
    text = strip_latex_and_code(text)
    return _TAG.sub(" ", text) if "<" in text else text
