"""The math rewards: ``math.equivalence`` (is the final answer right?) and ``math.answer_format``."""

from __future__ import annotations

import threading
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from rewardkit import (
    AnswerTag,
    ErrorKind,
    ExtractorOrder,
    GoldColumn,
    LocaleName,
    Outcome,
    Reward,
    RewardParams,
    Sample,
    get_registry,
)
from rewardkit_math import extract as ex
from rewardkit_math.equivalence import Policy
from rewardkit_math.judge import Judge, JudgeConfig
from rewardkit_math.reading import prepare
from rewardkit_math.values import describe

ExtractNames = list[str] | Literal["auto"]


def _check_extractors(names: ExtractNames, info: ValidationInfo) -> ExtractNames:
    if names == "auto":
        return names
    if not names:
        raise ValueError("give at least one extractor name, or 'auto'")
    known = set(ex.BUILTIN_EXTRACTORS)
    unknown = [n for n in names if n not in known]
    # The registry comes from pydantic's validation context; without one, plugin extractors are checked at build.
    registry = info.context.get("registry") if isinstance(info.context, dict) else None
    if unknown and registry is not None:
        for name in unknown:
            if name not in registry.extractors:
                try:
                    registry.extractor(name)
                except Exception as exc:  # noqa: BLE001 - re-raised as a validation error with its did-you-mean text
                    raise ValueError(str(exc)) from None
    return names


def _resolve_extractors(names: ExtractNames) -> dict[str, Any]:
    if names == "auto":
        return {}
    extra = [n for n in names if n not in ex.BUILTIN_EXTRACTORS]
    if not extra:
        return {}
    registry = get_registry()
    return {name: registry.extractor(name).obj for name in extra}


class _JudgeParams(RewardParams):
    locale: LocaleName = Field(
        "auto",
        description="Number convention: en (1,234.5), vi (1.234,5; 2,5 = 2.5) or auto "
        "(detected from the completion, then the prompt)",
    )
    extract: Annotated[ExtractNames, ExtractorOrder()] = Field(
        "auto",
        description="Extractor names in priority order (boxed, tags, phrase, gsm8k, choice, conclusion, last_number, "
        "or a plugin's), or auto: the answer written last among boxed/tags/phrase/gsm8k/choice, "
        "then conclusion, then last_number",
    )
    answer_tag: Annotated[str, AnswerTag()] = Field(
        "answer", min_length=1, max_length=40, description="Tag name read by the 'tags' extractor"
    )
    max_answer_chars: int = Field(2_000, ge=10, le=20_000, description="Longer answer spans are unparseable")
    max_completion_chars: int = Field(
        1_000_000, ge=1_000, le=10_000_000, description="Only the last this many characters are read"
    )

    @field_validator("extract")
    @classmethod
    def _known_extractors(cls, value: ExtractNames, info: ValidationInfo) -> ExtractNames:
        return _check_extractors(value, info)


class EquivalenceParams(_JudgeParams):
    gold: GoldColumn = Field(
        "solution", description="Dataset column with the reference answer (a value, 'The answer is: X', '#### X' or \\boxed{X})"
    )
    tolerance: float = Field(
        1e-4, gt=0, lt=1, description="Relative tolerance for a decimal answer against a non-terminating exact gold (1/3, pi)"
    )
    min_significant_digits: int = Field(4, ge=1, le=30, description="Digits a decimal answer needs before the tolerance applies")
    percent: Literal["either", "fraction", "number"] = Field(
        "either", description="What X% matches: either X or X/100, only X/100 (fraction), only X (number)"
    )
    hedging: Literal["wrong", "any"] = Field(
        "wrong",
        description="Several final answers against one gold ('5 or 6'): wrong, or any (correct if one matches; not for training)",
    )
    symbolic: bool = Field(True, description="Compare symbolic answers by numeric identity testing and simplification")
    unparseable_gold: Literal["skip", "error"] = Field(
        "skip", description="A gold that cannot be read: skip the row (None to TRL) or report an unparseable_gold error"
    )
    audit: bool = Field(
        False, description="Also ask math-verify (if installed) and record its verdict and any disagreement in details"
    )


class MathEquivalence(Reward[EquivalenceParams]):
    """1.0 when the completion's final answer equals the gold answer, else 0.0.

    The final answer is the last ``\\boxed{}``, answer tag or answer phrase (English or Vietnamese),
    ``####`` or option letter, else the last number of the last sentence (never a step number).
    Numbers are read in the document's convention (``2,5`` = 2.5 and ``1.500.000`` = 1500000 in
    Vietnamese), scale words multiply, units are dropped, percent, tolerance, sets, tuples,
    intervals, option letters and symbolic answers follow docs/math-judge.md. Model text is never
    evaluated: a whitelisted parser builds sympy objects under size caps.

    Args:
        params: an :class:`EquivalenceParams` (``gold`` column, ``locale``, ``extract``, ``tolerance``,
            ``percent``, ``hedging``, ``unparseable_gold``, ``audit``).

    Returns:
        Per completion: ``Outcome.ok(1.0 | 0.0)`` with ``details`` (``extracted``, ``parsed``,
        ``gold_parsed``, ``rule``, ``extractor``); ``no_answer`` error when nothing is found;
        a skip (default) or ``unparseable_gold`` error when the gold cannot be read.

    Example:
        >>> reward = MathEquivalence(EquivalenceParams(locale="vi"))
        >>> reward(completions=["<think>2.500 + 500</think><answer>3.000</answer>", "Đáp án: 5 hoặc 6"], solution=["3000", "5"])
        [1.0, 0.0]
    """

    cheap = False  # sympy on hostile input: run in killable workers under `isolation: auto`
    __name__ = "math_equivalence"

    def __init__(self, params: EquivalenceParams | None = None) -> None:
        super().__init__(params)
        p = self.params
        policy = Policy(p.tolerance, p.min_significant_digits, p.percent, p.hedging, p.symbolic)
        config = JudgeConfig(
            locale=p.locale,
            extract=None if p.extract == "auto" else tuple(p.extract),
            answer_tag=p.answer_tag,
            policy=policy,
            max_answer_chars=p.max_answer_chars,
            max_completion_chars=p.max_completion_chars,
        )
        self.judge = Judge(config, _resolve_extractors(p.extract))

    def warm_up(self) -> None:
        """Import sympy and run the parser once, so that a worker's first sample is not charged for it."""
        self.score(Sample(completion=r"\boxed{\frac{1}{2} + \sqrt{2} x}", columns={self.params.gold: "1/2 + sqrt(2)*x"}))

    def score(self, sample: Sample) -> Outcome:
        p = self.params
        if p.gold not in sample.columns:
            return Outcome.skip(f"no {p.gold!r} column in this row")
        gold = sample.columns[p.gold]
        verdict = self.judge.judge(sample.completion, gold, sample.prompt)
        details = verdict.details()
        if p.audit:
            details.update(_audit(sample.completion, gold, verdict.correct))
        if verdict.status in ("correct", "wrong"):
            return Outcome.ok(1.0 if verdict.correct else 0.0, **details)
        if verdict.status == "no_answer":
            return Outcome.error(ErrorKind.NO_ANSWER, "no final answer found", **details)
        reason = f"gold answer {str(gold)[:80]!r} cannot be read" if verdict.status == "unparseable_gold" else "no gold answer"
        if p.unparseable_gold == "error":
            return Outcome.error(ErrorKind.UNPARSEABLE_GOLD, reason, **details)
        return Outcome.skip(reason, **details)


class AnswerFormatParams(_JudgeParams):
    require_marker: bool = Field(
        True, description="Only a marked answer (box, tag, phrase, ####, option) counts, not the last-number fallback"
    )


class MathAnswerFormat(Reward[AnswerFormatParams]):
    """1.0 when the completion states a final answer that parses, else 0.0 (a cheap shaping reward).

    Uses the same extractors and reader as ``math.equivalence`` but needs no gold: it rewards
    answering in a gradable form, not answering correctly. Keep its weight small.

    Args:
        params: an :class:`AnswerFormatParams` (``locale``, ``extract``, ``answer_tag``, ``require_marker``).

    Returns:
        Per completion: ``Outcome.ok(1.0 | 0.0)`` with ``details`` (``extracted``, ``parsed``, ``extractor``).

    Example:
        >>> reward = MathAnswerFormat()
        >>> reward(completions=["So \\\\boxed{\\\\frac{1}{2}}", "I think it is about five-ish", "Step 1: add. Step 2: done"])
        [1.0, 0.0, 0.0]
    """

    cheap = True  # extraction is linear and parsing is capped
    __name__ = "math_answer_format"

    def __init__(self, params: AnswerFormatParams | None = None) -> None:
        super().__init__(params)
        p = self.params
        config = JudgeConfig(
            locale=p.locale,
            extract=None if p.extract == "auto" else tuple(p.extract),
            answer_tag=p.answer_tag,
            max_answer_chars=p.max_answer_chars,
            max_completion_chars=p.max_completion_chars,
        )
        self.judge = Judge(config, _resolve_extractors(p.extract))

    def score(self, sample: Sample) -> Outcome:
        text = prepare(sample.completion, self.params.max_completion_chars)
        found = self.judge.find(text, prepare(sample.prompt, 20_000) if sample.prompt else "")
        if found is None:
            return Outcome.ok(0.0, rule="no_answer")
        marked = found.extractor not in ex.FALLBACKS
        ok = bool(found.values) and (marked or not self.params.require_marker)
        return Outcome.ok(
            1.0 if ok else 0.0,
            extracted=found.extraction.text[:200],
            parsed=describe(found.values[0]) if found.values else None,
            extractor=found.extractor,
            rule="parsed" if ok else ("unmarked" if found.values else "unparseable_answer"),
        )


_AUDIT_LOCK = threading.Lock()


def _audit(completion: str, gold: Any, ours: bool) -> dict[str, Any]:
    """math-verify's verdict on the same pair (imported lazily; never a runtime dependency)."""
    try:
        from math_verify import parse, verify
    except ImportError:
        return {"audit": "math-verify is not installed"}
    try:
        with _AUDIT_LOCK:  # math-verify caches parses globally; keep threads apart
            theirs = bool(
                verify(parse(str(gold), parsing_timeout=None), parse(completion, parsing_timeout=None), timeout_seconds=None)
            )
    except Exception as exc:  # noqa: BLE001 - an audit must never break scoring
        return {"audit_error": f"{type(exc).__name__}: {exc}"[:200]}
    return {"audit_math_verify": theirs, "audit_disagree": theirs != ours}
