"""The answer-extractor protocol: how a plugin tells the math judge where a final answer is.

An extractor is any picklable callable ``extractor(text, context) -> Sequence[Extraction]``
that returns the answer spans it recognises in ``text``, in text order (the judge takes the
last one). ``text`` is already normalised (NFC, Unicode minus → ``-``, ``\\đóng hộp{`` →
``\\boxed{``) and may be up to a megabyte long, so an extractor must run in linear time: no
regular expression that can backtrack catastrophically, and no scanning from every match to the
end of the text. Register it from a plugin::

    import re
    from rewardkit import hookimpl
    from rewardkit.extractors import Extraction

    _RESULT = re.compile(r"RESULT:[ \\t]*([^\\n]{1,200})")

    def result_line(text, context):
        return [Extraction(m.group(1), m.start(1), m.end(1), "result_line") for m in _RESULT.finditer(text)]

    @hookimpl
    def register_extractors(register):
        register("result_line", result_line)

and name it in a recipe: ``params: {extract: [result_line, boxed, last_number]}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class Extraction:
    """One answer span found in a text.

    ``text`` is the span as written (the judge cleans it: ``$``, ``\\text{}``, units, a final
    period); ``start``/``end`` are its offsets in the text the extractor was given (the judge uses
    them to decide which answer comes last); ``rule`` names the pattern that matched, for
    ``details`` and ``score --explain``.
    """

    text: str
    start: int
    end: int
    rule: str


@dataclass(frozen=True, slots=True)
class ExtractContext:
    """What an extractor may want to know besides the text.

    ``answer_tag`` is the recipe's answer tag name (``answer`` for ``<answer>…</answer>``),
    ``locale`` the judge's number locale and ``prompt`` the prompt text (may be empty).
    """

    answer_tag: str = "answer"
    locale: Literal["auto", "en", "vi"] = "auto"
    prompt: str = ""


@runtime_checkable
class Extractor(Protocol):
    """``extractor(text, context)`` → the answer spans found in ``text``, in text order."""

    def __call__(self, text: str, context: ExtractContext) -> Sequence[Extraction]: ...


__all__ = ["ExtractContext", "Extraction", "Extractor"]
