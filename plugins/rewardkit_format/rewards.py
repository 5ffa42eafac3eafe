"""The format rewards: ``format.tags``, ``format.tag_count`` and ``format.guard``."""

from __future__ import annotations

from itertools import pairwise
from typing import Generic, TypeVar

from rewardkit import Outcome, Reward, Sample
from rewardkit_format.layout import ANSWER, REASONING, Layout, TagSet, analyze, content_end, is_blank
from rewardkit_format.params import GuardParams, TagCountParams, TagParams, TagsParams

# Longer completions score 0.0 unread: no sane generation is this long, and scanning stays bounded.
MAX_CHARS = 4_000_000
SNIPPET_CHARS = 200


TP = TypeVar("TP", bound=TagParams)


class _TagReward(Reward[TP], Generic[TP]):
    """Shared set-up: the tag set and the blocks a completion should hold, in order."""

    cheap = True

    def __init__(self, params: TP | None = None) -> None:
        super().__init__(params)
        self.tags = TagSet(self.params.reasoning_tag, self.params.answer_tag)
        self.expected = [block for block, opening in self.tags.keys() if opening]

    def _too_long(self, text: str) -> Outcome | None:
        if len(text) > MAX_CHARS:
            return Outcome.ok(0.0, reason=f"completion longer than {MAX_CHARS} characters")
        return None


def _snippet(text: str, start: int, end: int) -> str:
    """The start of ``text[start:end]`` for the details, without copying a megabyte first."""
    return text[start : min(end, start + SNIPPET_CHARS)]


class TagsReward(_TagReward[TagsParams]):
    """Whether a completion is laid out as a reasoning block followed by an answer block.

    ``strict`` mode asks for the whole completion to be ``<think>…</think>``, whitespace, then
    ``<answer>…</answer>``: leading and trailing whitespace and trailing EOS markers (``<|im_end|>``,
    ``</s>`` …) are allowed, anything else outside the blocks is not. Content may span lines. A
    duplicated, empty, nested or unclosed block scores 0, so the format cannot be gamed with
    ``<think></think>`` or two answers. ``soft`` mode only asks for both blocks, in order, anywhere.

    Unlike TRL's ``think_format_reward`` (``^<think>(?!.*<think>)(.*?)</think>.*$``), which checks the
    reasoning block only, accepts an empty one and lets anything follow it, this reward checks the
    answer block too, rejects trailing junk and empty blocks, and scans in linear time.

    Args:
        params (`TagsParams`):
            ``reasoning_tag`` (default ``"think"``; ``None`` expects the answer block alone),
            ``answer_tag`` (default ``"answer"``), ``mode`` (``"strict"`` or ``"soft"``),
            ``think_opened_in_prompt`` (the chat template wrote ``<think>`` already, so the completion
            starts inside the reasoning block) and ``eos_markers``.

    Returns:
        `list[float]`: 1.0 where the layout matches, else 0.0 with ``details["reason"]`` saying why.

    Example:
        >>> from rewardkit import Sample
        >>> from rewardkit_format import TagsParams, TagsReward
        >>> strict = TagsReward(TagsParams())
        >>> strict(completions=[
        ...     "<think>\\n2 + 2 = 4\\n</think>\\n<answer>4</answer><|im_end|>",
        ...     "<think>2 + 2 = 4</think> So <answer>4</answer>",
        ...     "<think></think><answer>4</answer>",
        ... ])
        [1.0, 0.0, 0.0]
        >>> strict.score(Sample("<think>2 + 2 = 4</think><answer>4</answer> or 5")).details["reason"]
        'text after </answer>'
        >>> TagsReward(TagsParams(mode="soft"))(completions=["Sure. <think>2 + 2 = 4</think> So <answer>4</answer>!"])
        [1.0]
        >>> TagsReward(TagsParams(think_opened_in_prompt=True))(completions=["2 + 2 = 4</think>\\n<answer>4</answer>"])
        [1.0]
    """

    __name__ = "format_tags"

    def score(self, sample: Sample) -> Outcome:
        text = sample.completion
        too_long = self._too_long(text)
        if too_long is not None:
            return too_long
        if self.params.mode == "soft":
            return self._soft(text)
        return self._strict(analyze(text, self.tags, self.params.think_opened_in_prompt))

    def _strict(self, layout: Layout) -> Outcome:
        text, blocks = layout.text, layout.blocks
        if layout.problems:
            return Outcome.ok(0.0, mode="strict", reason=layout.problems[0].message)
        names = layout.names()
        if names != self.expected:
            missing = [name for name in self.expected if name not in names]
            if missing:
                return Outcome.ok(0.0, mode="strict", reason=f"no {self.tags.literal(missing[0], True)} block")
            order = " before ".join(self.tags.literal(name, True) for name in names)
            return Outcome.ok(0.0, mode="strict", reason=f"blocks out of order: {order}")
        if not is_blank(text, 0, blocks[0].open_start):
            return Outcome.ok(0.0, mode="strict", reason=f"text before {self.tags.literal(blocks[0].name, True)}")
        for before, after in pairwise(blocks):
            if not is_blank(text, before.close_end, after.open_start):
                where = f"{self.tags.literal(before.name, False)} and {self.tags.literal(after.name, True)}"
                return Outcome.ok(0.0, mode="strict", reason=f"text between {where}")
        if not is_blank(text, blocks[-1].close_end, content_end(text, self.params.eos_markers)):
            return Outcome.ok(0.0, mode="strict", reason=f"text after {self.tags.literal(blocks[-1].name, False)}")
        return Outcome.ok(1.0, mode="strict", answer=_snippet(text, blocks[-1].open_end, blocks[-1].close_start))

    def _soft(self, text: str) -> Outcome:
        # The first in-order open, close, open, close: what a lazy DOTALL regex would find, by str.find.
        keys = self.tags.keys()
        if self.params.think_opened_in_prompt:
            keys = keys[1:]
        position, spans = 0, []
        for key in keys:
            literal = self.tags.literal(*key)
            start = text.find(literal, position)
            if start < 0:
                return Outcome.ok(0.0, mode="soft", reason=f"no {literal} in order")
            position = start + len(literal)
            spans.append((start, position))
        return Outcome.ok(1.0, mode="soft", answer=_snippet(text, spans[-2][1], spans[-1][0]))


class TagCountReward(_TagReward[TagCountParams]):
    """Partial credit per well-formed tag, for models still learning the format.

    Each of ``<think>``, ``</think>``, ``<answer>``, ``</answer>`` present exactly once earns an equal
    share (0.25 each; 0.5 each for the two answer tags when ``reasoning_tag`` is ``None``), like
    open-r1's ``tag_count_reward``, but without its newline requirements. Each extra occurrence of a
    tag costs ``duplicate_penalty`` and each character after the last ``</answer>`` (trailing
    whitespace and EOS markers aside) costs ``trailing_penalty_per_char``; the score is clipped to
    [0, 1]. With ``think_opened_in_prompt`` the prompt wrote ``<think>``: the other tags share the
    credit and a ``<think>`` in the completion counts as a duplicate.

    Args:
        params (`TagCountParams`):
            The tag settings of ``format.tags`` plus ``trailing_penalty_per_char`` (default 0.001)
            and ``duplicate_penalty`` (default 0.25).

    Returns:
        `list[float]`: the credit in [0, 1]; ``details`` hold the tag counts and the penalties.

    Example:
        >>> from rewardkit_format import TagCountParams, TagCountReward
        >>> count = TagCountReward(TagCountParams())
        >>> count(completions=[
        ...     "<think>2 + 2 = 4</think>\\n<answer>4</answer>",
        ...     "<think>2 + 2 = 4</think> The answer is 4.",
        ...     "<think>2 + 2 = 4</think><answer>4</answer></answer>",
        ...     "<think>2 + 2 = 4</think><answer>4</answer><answer>5</answer>",
        ...     "<think>2 + 2 = 4</think><answer>4</answer>0123456789",
        ... ])
        [1.0, 0.5, 0.5, 0.0, 0.99]
    """

    __name__ = "format_tag_count"

    def score(self, sample: Sample) -> Outcome:
        text = sample.completion
        too_long = self._too_long(text)
        if too_long is not None:
            return too_long
        counts = self.tags.count(text)
        expected = dict.fromkeys(counts, 1)
        if self.params.think_opened_in_prompt:
            expected[(REASONING, True)] = 0
        scored = [key for key, n in expected.items() if n == 1]
        credit = sum(counts[key] == 1 for key in scored) / len(scored)
        extra = sum(max(0, counts[key] - expected[key]) for key in counts)
        trailing = 0
        close = self.tags.literal(ANSWER, False)
        last_close = text.rfind(close)
        if last_close >= 0:
            trailing = max(0, content_end(text, self.params.eos_markers) - last_close - len(close))
        penalty = extra * self.params.duplicate_penalty + trailing * self.params.trailing_penalty_per_char
        value = min(1.0, max(0.0, round(credit - penalty, 9)))  # rounding keeps 1 - 0.01 at 0.99 in logs
        shown = {self.tags.literal(*key): n for key, n in counts.items()}
        return Outcome.ok(value, counts=shown, extra_tags=extra, trailing_chars=trailing)


class GuardReward(_TagReward[GuardParams]):
    """A guard against duplicated, nested, empty, stray or unclosed blocks: 1.0 when clean, else 0.0.

    Models learn to exploit format and answer rewards with two ``<answer>`` blocks (one of them is
    right), ``<think></think>`` with nothing inside, an empty ``<answer></answer>`` or tags nested
    inside each other. This reward names the problem in ``details["problem"]``. It is not a format
    check: a completion with no tags at all is clean; pair it with ``format.tags`` or use it as a
    gate in a recipe. ``checks`` chooses which problems fail the guard.

    Args:
        params (`GuardParams`):
            The tag settings of ``format.tags`` plus ``checks`` (default: ``duplicate``, ``nested``,
            ``empty``, ``stray``, ``unclosed``).

    Returns:
        `list[float]`: 1.0 for a clean completion, 0.0 with ``details["problems"]`` otherwise.

    Example:
        >>> from rewardkit import Sample
        >>> from rewardkit_format import GuardParams, GuardReward
        >>> guard = GuardReward(GuardParams())
        >>> guard(completions=[
        ...     "<think>2 + 2 = 4</think><answer>4</answer>",
        ...     "<think>2 + 2 = 4</think><answer>4</answer><answer>5</answer>",
        ...     "<think></think><answer>4</answer>",
        ...     "The answer is 4.",
        ... ])
        [1.0, 0.0, 0.0, 1.0]
        >>> guard.score(Sample("<answer><answer>4</answer></answer>")).details["problems"]
        ['<answer> inside the <answer> block', '</answer> without an opening tag']
    """

    __name__ = "format_guard"

    def score(self, sample: Sample) -> Outcome:
        text = sample.completion
        too_long = self._too_long(text)
        if too_long is not None:
            return too_long
        layout = analyze(text, self.tags, self.params.think_opened_in_prompt)
        checks = set(self.params.checks)
        failed = {code: n for code, n in layout.codes.items() if code in checks}
        if not failed:
            return Outcome.ok(1.0)
        messages = [problem.message for problem in layout.problems if problem.code in checks]
        if not messages:  # the recorded problems were all of unchecked kinds
            messages = [f"{n} {code} problem(s)" for code, n in failed.items()]
        return Outcome.ok(0.0, problem=messages[0], problems=messages, counts=failed)
