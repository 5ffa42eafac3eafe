"""Step-by-step reasoning cues (``shaping.reasoning_steps``) in English and Vietnamese."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import Field

from rewardkit import Outcome, Reward, RewardParams, Sample
from rewardkit.text import normalize_text

# Hostile-input guard: cues are looked for in this many characters at most.
MAX_SCAN_CHARS = 200_000

_WORD_CUES = (
    # English transitions
    "first of all",
    "firstly",
    "first",
    "secondly",
    "second",
    "thirdly",
    "third",
    "next",
    "then",
    "after that",
    "finally",
    "lastly",
    # Vietnamese transitions
    "đầu tiên",
    "trước hết",
    "trước tiên",
    "thứ nhất",
    "thứ hai",
    "thứ ba",
    "tiếp theo",
    "tiếp đến",
    "kế tiếp",
    "sau đó",
    "cuối cùng",
)
_WORD_CUE = "|".join(re.escape(cue) for cue in sorted(_WORD_CUES, key=len, reverse=True))
_STEP_CUE = r"(?:step|bước)\s*\d{1,3}\b"
_MARKUP = r"[ \t]*(?:[#>]+[ \t]*)?(?:\*\*|__)?"
# A cue opens a line (numbered items and bullets only there) or a sentence (step words and transitions).
_LINE_CUE = re.compile(
    rf"^{_MARKUP}(?P<cue>{_STEP_CUE}|\d{{1,3}}[.)](?!\d)|[-*•+](?=[ \t])|(?:{_WORD_CUE})(?=[\s,:]))",
    re.IGNORECASE | re.MULTILINE,
)
_SENTENCE_CUE = re.compile(rf"(?<=[.!?;])[ \t]+(?:\*\*)?(?P<cue>{_STEP_CUE}|(?:{_WORD_CUE})(?=[\s,:]))", re.IGNORECASE)
_CONTENT_END = re.compile(r"\n|(?<=[.!?;])[ \t]")
_SPACES = re.compile(r"\s+")
_CUE_TAIL = re.compile(r"[ \t:,.)*_\-–]*")  # punctuation and markup between a cue and its content


class ReasoningStepsParams(RewardParams):
    target_steps: int = Field(3, ge=1, le=100, description="Steps needed for the full score (open-r1 uses 3)")
    min_step_chars: int = Field(
        8, ge=0, le=1000, description="A step counts only with this many characters of content after its cue"
    )


@dataclass(frozen=True)
class Step:
    cue: str
    content: str


def find_steps(text: str, min_step_chars: int = 8) -> list[Step]:
    """Distinct reasoning steps: cues ("Step 1", "Bước 2", "Đầu tiên", "1.", "-") followed by new content.

    A step whose content repeats an earlier step's, or is shorter than ``min_step_chars``, does not
    count, so repeating "Step 1:" lines or writing bare cues earns nothing.

    Example:
        >>> [s.cue for s in find_steps("Đầu tiên, ta có 12 quả táo. Sau đó, mẹ cho thêm 30 quả.")]
        ['Đầu tiên', 'Sau đó']
    """
    text = normalize_text(text[:MAX_SCAN_CHARS])
    starts = sorted(
        {m.start("cue"): m for m in [*_LINE_CUE.finditer(text), *_SENTENCE_CUE.finditer(text)]}.items(),
    )
    steps: list[Step] = []
    seen: set[str] = set()
    for i, (_, match) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        tail = _CUE_TAIL.match(text, match.end("cue"), end)
        begin = tail.end() if tail else match.end("cue")
        stop = _CONTENT_END.search(text, begin, end)
        raw = text[begin : stop.start() if stop else end]
        content = _SPACES.sub(" ", raw.strip(" \t:,.-)*_")).casefold()
        if len(content) < max(min_step_chars, 1) or content in seen:
            continue
        seen.add(content)
        steps.append(Step(match.group("cue").strip(), content))
    return steps


class ReasoningStepsReward(Reward[ReasoningStepsParams]):
    """Rewards visible step-by-step reasoning: ``min(1, distinct steps / target_steps)``, English and Vietnamese.

    Cues: "Step 1" / "Bước 1", numbered lists ("1.", "2)"), bullets, and transitions at the start of a
    line or sentence ("First,", "Next,", "Finally,", "Đầu tiên", "Trước hết", "Tiếp theo", "Sau đó",
    "Cuối cùng"...). Unlike open-r1's ``reasoning_steps_reward`` (which counts regex hits, so "Step 1:"
    written ten times scores 1.0, and whose ``^\\d+\\.`` only matches at the very start of the text), a
    step counts once per distinct content and needs ``min_step_chars`` of content after its cue.

    Args:
        target_steps (`int`, defaults to `3`): Steps for the full score.
        min_step_chars (`int`, defaults to `8`): Content a step needs after its cue.

    Returns:
        A score in `[0.0, 1.0]`.

    Example:
        >>> from rewardkit_shaping.steps import ReasoningStepsParams, ReasoningStepsReward
        >>> reward = ReasoningStepsReward(ReasoningStepsParams())
        >>> reward(completions=[
        ...     "Bước 1: Lan có 12 quả táo.\\nBước 2: Mẹ cho thêm 30 quả.\\nBước 3: Vậy 12 + 30 = 42.",
        ...     "Step 1: add the numbers.\\nStep 1: add the numbers.",
        ... ])
        [1.0, 0.3333333333333333]
    """

    def score(self, sample: Sample) -> Outcome:
        steps = find_steps(sample.completion, self.params.min_step_chars)
        value = min(1.0, len(steps) / self.params.target_steps)
        return Outcome.ok(value, steps=len(steps), cues=[s.cue for s in steps[:8]])
