"""Number convention: the completion keeps one decimal/thousands convention, the prompt's when it has one.

Vietnamese writes ``2,5`` and ``1.200.000``; English writes ``2.5`` and ``1,200,000``. Translated
training data mixes both, and a model that mixes them in one answer is misread. The detection
is the math judge's own (:func:`rewardkit.text.numbers.detect_convention`), so both agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rewardkit.text import count_conventions

Expected = Literal["prompt", "vi", "en", "any"]


@dataclass(frozen=True, slots=True)
class ConventionResult:
    score: float
    rule: str
    completion: str
    expected: str | None
    vi_literals: int
    en_literals: int


def _convention(vi: int, en: int) -> str:
    if vi and en:
        return "mixed"
    return "vi" if vi else "en" if en else "unknown"


def number_convention(
    completion: str,
    prompt: str = "",
    expected: Expected = "prompt",
    mixed_score: float = 0.5,
    mismatch_score: float = 0.0,
) -> ConventionResult:
    """1 for one convention (matching the expected one) or no unambiguous number, ``mixed_score`` for both.

    Example:
        >>> number_convention("Giá là 2,5 triệu, tức 2.500.000 đồng").score
        1.0
        >>> number_convention("Ta có 2,5 + 1.5 = 4").rule
        'mixed'
        >>> number_convention("x = 2.5", prompt="Cho y = 1,5").rule
        'mismatch'
    """
    vi, en = count_conventions(completion)
    found = _convention(vi, en)
    want: str | None = None
    if expected == "prompt":
        prompt_convention = _convention(*count_conventions(prompt)) if prompt else "unknown"
        want = prompt_convention if prompt_convention in ("vi", "en") else None
    elif expected in ("vi", "en"):
        want = expected
    if found == "unknown":
        return ConventionResult(1.0, "no_unambiguous_number", found, want, vi, en)
    if found == "mixed":
        return ConventionResult(mixed_score, "mixed", found, want, vi, en)
    if want is not None and found != want:
        return ConventionResult(mismatch_score, "mismatch", found, want, vi, en)
    return ConventionResult(1.0, "consistent", found, want, vi, en)
