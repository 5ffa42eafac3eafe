"""Where the reasoning and answer tags sit in a completion, found in one linear scan.

No regular expression spans a block's content: one alternation of literal tags finds every tag,
and a small state machine pairs them. A hostile megabyte of text therefore costs one pass, never
backtracking, and multi-line content needs no DOTALL care.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

REASONING = "reasoning"
ANSWER = "answer"

# Recorded problems stop here (scanning goes on).
MAX_PROBLEMS = 20
# A well-formed completion holds 4 tags; past this many, pairing is skipped and the completion is
# reported as duplicated (more tags than types means some tag repeats), so a hostile megabyte of
# tags costs a few C-speed str.count calls instead of a Python loop over 100k matches.
MAX_TAGS = 1000
# What does not make a block non-empty: whitespace plus the invisible zero-width characters.
_BLANK_CLASS = r"[\s\u200b\u200c\u200d\u2060\ufeff]"
_BLANK_RUN = re.compile(_BLANK_CLASS + "*")


@dataclass(frozen=True, slots=True)
class Tag:
    """One tag occurrence: ``block`` is REASONING or ANSWER; ``start == end`` for a virtual tag."""

    block: str
    opening: bool
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Block:
    """A paired ``<tag>…</tag>``; the content is ``text[open_end:close_start]``."""

    name: str
    open_start: int
    open_end: int
    close_start: int
    close_end: int


@dataclass(frozen=True, slots=True)
class Problem:
    """A structural defect a model could exploit: duplicate, nested, empty, stray or unclosed."""

    code: str
    message: str


@dataclass
class Layout:
    """The tags of one completion, paired into blocks, with the problems found on the way."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    codes: dict[str, int] = field(default_factory=dict)  # every problem counted, also those past MAX_PROBLEMS

    def names(self) -> list[str]:
        return [block.name for block in self.blocks]


class TagSet:
    """The literal tags of one configuration, e.g. ``<think>``, ``</think>``, ``<answer>``, ``</answer>``.

    Args:
        reasoning_tag: Name of the reasoning tag, or ``None`` when no reasoning block is expected.
        answer_tag: Name of the answer tag.
    """

    def __init__(self, reasoning_tag: str | None, answer_tag: str) -> None:
        self.names = {ANSWER: answer_tag} if reasoning_tag is None else {REASONING: reasoning_tag, ANSWER: answer_tag}

    def literal(self, block: str, opening: bool) -> str:
        name = self.names[block]
        return f"<{name}>" if opening else f"</{name}>"

    def keys(self) -> list[tuple[str, bool]]:
        """``(block, opening)`` of every tag, in the order a well-formed completion writes them."""
        return [(block, opening) for block in (REASONING, ANSWER) if block in self.names for opening in (True, False)]

    def count(self, text: str) -> dict[tuple[str, bool], int]:
        """Occurrences of each tag (tags cannot overlap: each starts with ``<`` and holds no other ``<``)."""
        return {key: text.count(self.literal(*key)) for key in self.keys()}

    def scan(self, text: str) -> list[Tag]:
        """Every tag occurrence in ``text``, in order (linear: a literal alternation never backtracks)."""
        pattern, lookup = _compiled(tuple(sorted(self.names.items())))
        return [Tag(*lookup[m.group()], m.start(), m.end()) for m in pattern.finditer(text)]


@lru_cache(maxsize=64)
def _compiled(names: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, tuple[str, bool]]]:
    lookup = {}
    for block, name in names:
        lookup[f"<{name}>"] = (block, True)
        lookup[f"</{name}>"] = (block, False)
    return re.compile("|".join(re.escape(literal) for literal in lookup)), lookup


def analyze(text: str, tags: TagSet, opened_in_prompt: bool = False) -> Layout:
    """Pair the tags of ``text`` into blocks and list the structural problems.

    Args:
        text: The completion.
        tags: The tag configuration.
        opened_in_prompt: The chat template already opened the reasoning tag, so the completion
            starts inside the reasoning block (a virtual opening tag at position 0).

    Returns:
        The :class:`Layout`. Pairing never nests: a tag met inside an open block is a ``nested``
        problem and is otherwise ignored; a closing tag with no open block is ``stray``.
    """
    counts = tags.count(text)
    if opened_in_prompt:
        counts[(REASONING, True)] += 1
    total = sum(counts.values())
    if total > MAX_TAGS:
        layout = Layout(text)
        _problem(layout, "duplicate", f"{total} tags (more than {MAX_TAGS})")
        return layout
    found = tags.scan(text)
    if opened_in_prompt:
        found.insert(0, Tag(REASONING, True, 0, 0))
    layout = Layout(text)

    current: Tag | None = None
    for tag in found:
        if current is None:
            if tag.opening:
                current = tag
            else:
                _problem(layout, "stray", f"{tags.literal(tag.block, False)} without an opening tag")
        elif tag.opening:
            where = tags.literal(current.block, True)
            _problem(layout, "nested", f"{tags.literal(tag.block, True)} inside the {where} block")
        elif tag.block != current.block:
            where = tags.literal(current.block, True)
            _problem(layout, "nested", f"{tags.literal(tag.block, False)} inside the {where} block")
        else:
            layout.blocks.append(Block(current.block, current.start, current.end, tag.start, tag.end))
            current = None
    if current is not None:
        _problem(layout, "unclosed", f"{tags.literal(current.block, True)} is never closed")

    seen: dict[str, int] = {}
    for block in layout.blocks:
        seen[block.name] = seen.get(block.name, 0) + 1
        if is_blank(text, block.open_end, block.close_start):
            _problem(layout, "empty", f"empty {tags.literal(block.name, True)} block")
    for name, count in seen.items():
        if count > 1:
            _problem(layout, "duplicate", f"{count} {tags.literal(name, True)} blocks")
    return layout


def _problem(layout: Layout, code: str, message: str) -> None:
    layout.codes[code] = layout.codes.get(code, 0) + 1
    if len(layout.problems) < MAX_PROBLEMS:
        layout.problems.append(Problem(code, message))


def content_end(text: str, eos_markers: tuple[str, ...]) -> int:
    r"""Index where the completion's content ends: trailing whitespace and EOS markers are not content.

    The tail is matched on the reversed text by a loop of literals that always succeeds (so never
    backtracks): even a tail of a million markers costs one linear C-speed pass.

    >>> text = "<answer>4</answer>\n<|im_end|>\n<|endoftext|>"
    >>> text[: content_end(text, ("<|im_end|>", "<|endoftext|>"))]
    '<answer>4</answer>'
    """
    tail = _tail_pattern(tuple(marker for marker in eos_markers if marker)).match(text[::-1])
    return len(text) - (tail.end() if tail else 0)


@lru_cache(maxsize=64)
def _tail_pattern(markers: tuple[str, ...]) -> re.Pattern[str]:
    reversed_markers = "".join(f"|{re.escape(marker[::-1])}" for marker in markers)
    return re.compile(rf"(?:{_BLANK_CLASS}+{reversed_markers})*")  # always matches, so never backtracks


def is_blank(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds only whitespace or zero-width characters (matched in place, no copy)."""
    return start >= end or _BLANK_RUN.fullmatch(text, start, end) is not None
