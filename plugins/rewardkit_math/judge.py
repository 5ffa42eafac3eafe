"""The math judge: completion + gold → verdict, with the evidence for ``details``.

Pipeline: normalise the text (NFC, Unicode minus, ``\\đóng hộp{`` → ``\\boxed{``), keep the part
after a closed ``<think>`` block when it holds anything, locate the final answer (extractors), read it
under the document's number convention (:mod:`reading`), read the gold the same way, and compare
(:mod:`equivalence`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from rewardkit import ExtractContext, Extraction
from rewardkit.text import detect_convention
from rewardkit_math import extract as ex
from rewardkit_math.equivalence import Policy, equivalent
from rewardkit_math.reading import Want, prepare, read_gold, read_prose, read_span
from rewardkit_math.values import Collection, Expr, Letter, Number, Text, Value, describe

Status = Literal["correct", "wrong", "no_answer", "no_gold", "unparseable_gold"]
ExtractorFn = Callable[[str, ExtractContext], Sequence[Extraction]]
Conventions = tuple[Literal["vi", "en"], ...]

_THINK_CLOSE = re.compile(r"</(?:think|thinking|reasoning)\s*>", re.IGNORECASE)
# "I believe …" and "A quick check …" start with a pronoun or an article, not an option.
_LAST_LINE_LETTER = re.compile(r"(?:^|\n)[ \t*]*\(?([A-J])\)?(?:[.):][^\n]*|[ \t]+(?![a-z])[^\n]*)?\s*\Z")
# Between two boxes, only a separator or a conjunction: "\boxed{5} or \boxed{6}", "\boxed{5}, \boxed{6}".
_HEDGE_GAP = re.compile(
    r"[\s$]*(?:,|;|/|or|hoặc|hay|and|và|\\text\s*\{\s*(?:or|hoặc|hay|and|và)\s*\}|\\quad|\\qquad)?[\s$]*(?:\\(?:boxed|fbox)\s*\{)?$",
    re.IGNORECASE,
)
# A number just before the answer, joined by "or": "41 or 42", "41, hoặc có thể là 42", "x = 3 or x = -3".
_OR_BEFORE = re.compile(
    r"(?<![\w.,])(?P<num>-?\d[\d.,]*(?:\s*%)?)[\s$]*(?:,\s*)?(?:or|hoặc|hay|\\text\s*\{\s*(?:or|hoặc|hay)\s*\})"
    r"(?:\s+(?:là|maybe|perhaps|possibly|có\s+thể(?:\s+là)?))?[\s$]*(?:[a-zA-Z]\s*=\s*)?(?:\\(?:boxed|fbox)\s*\{)?\s*$",
    re.IGNORECASE,
)
# A question asking in a unit of scale accepts the bare number: "bao nhiêu nghìn đồng?" → 400 for "400 nghìn".
_SCALE_QUESTION = re.compile(
    r"(?:bao\s+nhiêu|mấy)\s+(?:nghìn|ngàn|triệu|tỷ|tỉ)|how\s+many\s+(?:thousands?|millions?|billions?)"
    r"|in\s+(?:thousands|millions|billions)|đơn\s+vị\s*[:：]?\s*(?:nghìn|ngàn|triệu|tỷ)|\(\s*(?:nghìn|ngàn|triệu|tỷ)\s+đồng\s*\)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class JudgeConfig:
    """Settings of one judge; ``extract=None`` means ``auto``."""

    locale: Literal["auto", "en", "vi"] = "auto"
    extract: tuple[str, ...] | None = None
    answer_tag: str = "answer"
    policy: Policy = field(default_factory=Policy)
    max_answer_chars: int = 2_000
    max_completion_chars: int = 1_000_000


@dataclass
class Verdict:
    """The judge's decision and its evidence."""

    status: Status
    rule: str
    extracted: str | None = None
    extractor: str | None = None
    parsed: str | None = None
    gold_parsed: str | None = None
    message: str = ""

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def details(self) -> dict[str, Any]:
        extracted = self.extracted if self.extracted is None or len(self.extracted) <= 200 else self.extracted[:197] + "..."
        out = {
            "extracted": extracted,
            "parsed": self.parsed,
            "gold_parsed": self.gold_parsed,
            "rule": self.rule,
            "extractor": self.extractor,
        }
        return {k: v for k, v in out.items() if v is not None}


@dataclass
class Found:
    """A located answer: its span, which extractor found it, and its readings."""

    extraction: Extraction
    extractor: str
    values: list[Value]
    hedged: bool = False


class Judge:
    """Decides whether completions answer a gold correctly. Picklable: settings and extractor functions only."""

    def __init__(self, config: JudgeConfig | None = None, extractors: dict[str, ExtractorFn] | None = None) -> None:
        self.config = config or JudgeConfig()
        self.extractors = dict(ex.BUILTIN_EXTRACTORS)
        self.extractors.update(extractors or {})

    # -- public ------------------------------------------------------------------------------
    def judge(self, completion: Any, gold: Any, prompt: str = "") -> Verdict:
        """Judge one completion against its gold (``prompt`` helps detect the number convention)."""
        gold_values, gold_error = self.read_gold(gold)
        if gold_error is not None:
            return Verdict(gold_error, gold_error, message="no gold answer" if gold_error == "no_gold" else "gold unreadable")
        text = prepare(completion, self.config.max_completion_chars)
        prompt_text = prepare(prompt, 20_000) if prompt else ""
        found = self.find(text, prompt_text, _wanted(gold_values))
        gold_shown = describe(gold_values[0])
        if found is None:
            return Verdict("no_answer", "no_answer", gold_parsed=gold_shown, message="no final answer found")
        span, shown = found.extraction.text, describe(found.values[0]) if found.values else None
        if not found.values:
            return Verdict("wrong", "unparseable_answer", span, found.extractor, None, gold_shown)
        if found.hedged and self.config.policy.hedging == "wrong":
            return Verdict("wrong", "hedging", span, found.extractor, shown, gold_shown)
        if prompt_text and _restates_prompt(span, prompt_text, gold):
            message = "the answer is an expression copied from the question, not a result"
            return Verdict("wrong", "restates_prompt", span, found.extractor, shown, gold_shown, message=message)
        allow_bare = bool(prompt_text and _SCALE_QUESTION.search(prompt_text))
        rule = "exact"
        for gold_value in gold_values:
            for value in found.values:
                for candidate in _with_bare(value, allow_bare):
                    ok, rule = equivalent(candidate, gold_value, self.config.policy)
                    if ok:
                        parsed = shown if candidate is found.values[0] else describe(candidate)
                        gold_parsed = gold_shown if gold_value is gold_values[0] else describe(gold_value)
                        return Verdict("correct", rule, span, found.extractor, parsed, gold_parsed)
        return Verdict("wrong", rule, span, found.extractor, shown, gold_shown)

    def read_gold(self, gold: Any) -> tuple[list[Value], Status | None]:
        if gold is None or (isinstance(gold, str) and not gold.strip()):
            return [], "no_gold"
        if isinstance(gold, (list, tuple)):
            gold = ", ".join(str(g) for g in gold)
        values = read_gold(str(gold), self.config.max_answer_chars, self.config.locale)
        return (list(values), None) if values else ([], "unparseable_gold")

    def find(self, text: str, prompt: str = "", want: Want = "value") -> Found | None:
        """The final answer in ``text`` (already :func:`prepare`-d), read under the document's convention."""
        region = _after_thinking(text)
        conventions = self.conventions(text, prompt)  # the reasoning shows the convention too
        context = ExtractContext(self.config.answer_tag, self.config.locale, prompt)
        if self.config.extract is None:
            return self._find_auto(region, context, conventions, want)
        return self._find_ordered(region, context, conventions, want)

    def conventions(self, text: str, prompt: str = "") -> Conventions:
        """``(locale,)`` when fixed; else the detected convention, or both when nothing decides."""
        if self.config.locale in ("en", "vi"):
            return (self.config.locale,)  # type: ignore[return-value]
        found = detect_convention(text)
        if found == "unknown" and prompt:
            found = detect_convention(prompt)
        return (found,) if found in ("vi", "en") else ("vi", "en")  # type: ignore[return-value]

    # -- locating the answer ----------------------------------------------------------------
    def _find_auto(self, text: str, context: ExtractContext, conventions: Conventions, want: Want) -> Found | None:
        marks: list[tuple[Extraction, str]] = []
        for name in ex.AUTO_MARKERS:
            marks.extend((e, name) for e in self.extractors[name](text, context))
        if marks:  # the answer written last wins
            extraction, name = max(marks, key=lambda pair: (pair[0].end, pair[0].start))
            marked = self._read_marked(extraction, name, context, conventions, want)
            if name == "boxed" and want == "many":  # "\boxed{2}, \boxed{4}, \boxed{6}" against a gold of three values
                chain = ex.box_chain(text, [e for e, n in marks if n == "boxed"], extraction)
                if chain is not None:  # the joined boxes are read first; the last box alone stays a reading
                    joined = self._read_marked(chain, name, context, conventions, want)
                    marked = Found(chain, name, joined.values + [v for v in marked.values if v not in joined.values])
            return self._check_hedging(text, marked, marks, conventions, want)
        if want == "letter":  # a last line such as "(B) 12", or a letter in the last sentence: "so I think it's D"
            label = _LAST_LINE_LETTER.search(text)
            if label is not None:
                extraction = Extraction(label.group(1), label.start(1), label.end(1), "last_line_letter")
                return Found(extraction, "choice", [Letter(label.group(1))])
            found = _last_sentence_letter(text)
            if found is not None:
                return found
        if want == "text":  # "</think>Lisbon": a short last line is the answer
            found = self._last_line_text(text, conventions)
            if found is not None:
                return found
        for name in ex.AUTO_FALLBACKS:
            found = self._try_fallback(name, text, context, conventions, want)
            if found is not None:
                return self._check_hedging(text, found, [], conventions, want)
        return None

    def _find_ordered(self, text: str, context: ExtractContext, conventions: Conventions, want: Want) -> Found | None:
        """The first extractor in the configured order that finds something; hedging is checked as in ``auto``."""
        for name in self.config.extract or ():
            if name in ex.FALLBACKS:
                found = self._try_fallback(name, text, context, conventions, want)
                if found is not None:
                    return self._check_hedging(text, found, self._boxes(text, context), conventions, want)
                continue
            extractions = list(self.extractors[name](text, context))
            if extractions:
                found = self._read_marked(extractions[-1], name, context, conventions, want)
                marks = [(e, name) for e in extractions] if name == "boxed" else self._boxes(text, context)
                return self._check_hedging(text, found, marks, conventions, want)
        return None

    def _boxes(self, text: str, context: ExtractContext) -> list[tuple[Extraction, str]]:
        return [(e, "boxed") for e in ex.boxed(text, context)] if "\\" in text else []

    def _check_hedging(
        self, text: str, found: Found, marks: list[tuple[Extraction, str]], conventions: Conventions, want: Want
    ) -> Found:
        """Marks ``found`` hedged when another answer stands right before it: "\\boxed{5} or \\boxed{6}", "41 or 42"."""
        if not found.hedged and found.values:
            found.hedged = self._boxes_disagree(text, found, marks, conventions, want) or (
                want in ("value", "number") and self._or_before(text, found, conventions, want)
            )
        return found

    def _or_before(self, text: str, found: Found, conventions: Conventions, want: Want) -> bool:
        start = found.extraction.start
        window = text[max(0, start - 160) : start]
        window = window[window.rfind("\n") + 1 :]
        match = _OR_BEFORE.search(window) if window else None
        if match is None:
            return False
        theirs, _ = self._read(match.group("num"), conventions, want)
        return bool(theirs) and not any(equivalent(a, b, self.config.policy)[0] for a in found.values for b in theirs)

    def _last_line_text(self, text: str, conventions: Conventions) -> Found | None:
        stripped = text.rstrip()
        start = stripped.rfind("\n") + 1
        line = stripped[start:].strip()
        if not line or len(line) > 80 or len(line.split()) > 8 or line.endswith("?"):
            return None
        offset = stripped.index(line, start)
        copula = None
        for copula in _TEXT_COPULA.finditer(line):  # noqa: B007 - only the last one matters
            pass
        if copula is not None and line[copula.end() :].strip():  # "The capital of Portugal is Lisbon."
            offset += copula.end()
            line = line[copula.end() :]
        values, _ = self._read(line, conventions, "text")
        return Found(Extraction(line, offset, offset + len(line), "last_line"), "last_line", values) if values else None

    def _try_fallback(self, name: str, text: str, context: ExtractContext, conventions: Conventions, want: Want) -> Found | None:
        """A fallback span counts only if it reads; ``last_number`` offers its math group first, then the number."""
        for extraction in reversed(list(self.extractors[name](text, context))[-2:]):
            values, hedged = self._read(extraction.text, conventions, want)
            if not values and want in ("value", "number", "many"):
                values = read_prose(extraction.text, conventions, self.config.max_answer_chars, want == "number")
            if values:
                return Found(extraction, name, values, hedged)
        return None

    def _read_marked(
        self, extraction: Extraction, name: str, context: ExtractContext, conventions: Conventions, want: Want
    ) -> Found:
        extraction = ex.refine(extraction, context)
        values, hedged = self._read(extraction.text, conventions, want)
        if not values and want in ("value", "number", "many"):
            values = read_prose(extraction.text, conventions, self.config.max_answer_chars, want == "number")
        return Found(extraction, name, values, hedged)

    def _boxes_disagree(
        self, text: str, found: Found, marks: list[tuple[Extraction, str]], conventions: Conventions, want: Want
    ) -> bool:
        """Several boxed answers joined by "or", "," or "hoặc" that differ: "\\boxed{5} or \\boxed{6}"."""
        final = found.extraction
        for other, name in marks:
            if name != "boxed" or other.end >= final.start or not _HEDGE_GAP.match(text, other.end + 1, final.start):
                continue
            theirs, _ = self._read(other.text, conventions, want)
            if found.values and theirs and not any(equivalent(a, b, self.config.policy)[0] for a in found.values for b in theirs):
                return True
        return False

    def _read(self, span: str, conventions: Conventions, want: Want) -> tuple[list[Value], bool]:
        return read_span(span, conventions, want, self.config.max_answer_chars)


def _wanted(gold_values: list[Value]) -> Want:
    """What to look for in the completion: an option letter, words, one plain number, or any value."""
    if any(isinstance(g, Letter) for g in gold_values):
        return "letter"
    if any(isinstance(g, Text) for g in gold_values):
        return "text"
    if gold_values and all(_is_plain_number(g) for g in gold_values):
        return "number"
    if any(isinstance(g, Collection) and g.kind != "matrix" and len(g.items) > 1 for g in gold_values):
        return "many"
    return "value"


# A standalone option letter; "I" before a word ("I think") is the pronoun, "A" before a word an article.
_PROSE_LETTER = re.compile(r"(?<![\w\\'’])\(?([A-J])\)?(?![\w'’])(?!(?<=[IA])\s+[a-z])")
_TEXT_COPULA = re.compile(r"(?i:\b(?:is|are|was|were|là|chính\s+là)\b|[:：])\s*")
_SENTENCE_BREAK = re.compile(r"[.!?\n](?=\s|$)")


def _last_sentence_letter(text: str) -> Found | None:
    """The option letter of the last sentence with no marker: "Looking at the options, so I think it's D."."""
    tail = text[-600:].rstrip().rstrip(".!")
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(tail)]
    start = breaks[-1] if breaks else 0
    letters = list(_PROSE_LETTER.finditer(tail, start))
    if not letters:
        return None
    chosen = letters[-1]
    offset = len(text) - len(text[-600:]) + chosen.start(1)
    extraction = Extraction(chosen.group(1), offset, offset + 1, "last_letter")
    hedged = len({m.group(1) for m in letters}) > 1
    return Found(extraction, "choice", [Letter(chosen.group(1))], hedged)


def _is_plain_number(value: Value) -> bool:
    """A number without symbols: ``42``, ``2,5``, ``1/3``, ``\\sqrt{2}``, ``\\pi`` (not ``x = 5``, not ``2x``)."""
    if isinstance(value, Number):
        return True
    return isinstance(value, Expr) and not getattr(value.sym, "free_symbols", True)


def _with_bare(value: Value, allow_bare: bool) -> list[Value]:
    if allow_bare and isinstance(value, Number) and value.bare is not None:
        return [value, Number(value.bare, percent=value.percent)]
    return [value]


def _after_thinking(text: str) -> str:
    """The text after the last closed reasoning block, if anything is there; else the whole text."""
    last = None
    for last in _THINK_CLOSE.finditer(text):  # noqa: B007 - only the last one matters
        pass
    if last is not None and text[last.end() :].strip():
        return text[last.end() :]
    return text


_SQUASH = re.compile(r"\s+|\$|\\left|\\right|\\[,;!: ]")
_OPERATOR = re.compile(r"[-+*/^<>=≤≥×÷]|\\(?:le|ge|leq|geq|lt|gt|cdot|times|frac|sqrt|div)\b")


def _squash(text: str) -> str:
    return _SQUASH.sub("", text)


def _restates_prompt(span: str, prompt: str, gold: Any) -> bool:
    """An expression with a variable and an operator, copied from the question, is not an answer.

    "Solve 2x - 3 > 5" answered "2x - 3 > 5" is equivalent to the gold ``x > 4`` and "Expand (x-5)(x-6)"
    answered "(x-5)(x-6)" equals the expanded gold: a policy would learn to echo the question. The
    answer stands when it is the gold as written (the question may list the options).
    """
    answer = _squash(span)
    variables = re.sub(r"\\[A-Za-z]+", "", answer)  # LaTeX command names are not variables
    if len(answer) < 3 or not _OPERATOR.search(answer) or not re.search(r"[A-Za-z]", variables):
        return False
    return answer in _squash(prompt) and answer != _squash(str(gold))
