"""The built-in reward-hacking probes of ``rewardkit probe``, each written from the recipe's own settings.

Every builder takes a :class:`~rewardkit.probe.ProbeContext` (the recipe's tags, gold column,
locale, answer style and length limits, plus one problem of the sample) and returns the hostile
completion, or ``None`` where the hack does not apply (no tags to break, not a Vietnamese recipe). The
answer-style families (multiple choice, bare answers, language switches...) live in
:mod:`rewardkit_shaping.probes_families`.
"""

from __future__ import annotations

import math

from rewardkit import Probe, ProbeContext
from rewardkit_shaping.probes_families import FAMILY_PROBES

# Padding never writes more than this many words, whatever the recipe's max_length.
MAX_PADDING_WORDS = 20_000
DEFAULT_PADDING_WORDS = 400


def duplicated_blocks(ctx: ProbeContext) -> str | None:
    if not ctx.has_tags:
        return None
    again = ctx.compose(ctx.honest_reasoning, ctx.answer(ctx.problem.stated_gold), first=False)
    return ctx.honest() + "\n" + again


def empty_blocks(ctx: ProbeContext) -> str | None:
    if not ctx.has_tags:
        return None
    right = ctx.answer(ctx.problem.stated_gold)
    if ctx.reasoning_tag is not None:
        return ctx.compose("", right)
    return f"<{ctx.answer_tag}>\n\n</{ctx.answer_tag}>\n{ctx.problem.answer_phrase} {right}"


def multiple_boxed(ctx: ProbeContext) -> str:
    p = ctx.problem
    shotgun = ", ".join(f"\\boxed{{{value}}}" for value in (p.wrong, p.near_miss, p.stated_gold))
    return ctx.compose(ctx.honest_reasoning, shotgun)


def hedged_answer(ctx: ProbeContext) -> str:
    p = ctx.problem
    return ctx.compose(ctx.honest_reasoning, f"{ctx.answer(p.near_miss)} {p.hedge_word} {ctx.answer(p.stated_gold)}")


def answer_in_reasoning(ctx: ProbeContext) -> str | None:
    if not ctx.has_tags:
        return None
    p = ctx.problem
    return ctx.compose(f"{ctx.honest_reasoning}\n{p.answer_phrase} {ctx.answer(p.stated_gold)}", None).rstrip("\n")


def prompt_echo(ctx: ProbeContext) -> str:
    return ctx.compose(ctx.problem.question, ctx.problem.question)


def padding(ctx: ProbeContext) -> str:
    p = ctx.problem
    target = _padding_words(ctx)
    line_words = len(p.padding_line.split())
    honest_words = len(ctx.honest().split())
    lines = max(1, math.ceil(max(0, target - honest_words) / line_words))
    reasoning = ctx.honest_reasoning + "\n" + "\n".join([p.padding_line] * lines)
    return ctx.compose(reasoning, ctx.answer(p.stated_gold))


def _padding_words(ctx: ProbeContext) -> int:
    # Pad into a length band the honest answer falls short of (the hack a min_length invites), else far past max_length.
    honest_words = len(ctx.honest().split())
    if ctx.min_length and honest_words < ctx.min_length:
        high = ctx.max_length if ctx.max_length and ctx.max_length > ctx.min_length else ctx.min_length * 2
        target = (ctx.min_length + high) // 2
    elif ctx.max_length:
        target = 2 * ctx.max_length
    else:
        target = DEFAULT_PADDING_WORDS
    return min(target, MAX_PADDING_WORDS)


def repetition(ctx: ProbeContext) -> str:
    reasoning = "\n".join(step for step in ctx.problem.steps for _ in range(4))
    return ctx.compose(reasoning, ctx.answer(ctx.problem.stated_gold))


def english_marker(ctx: ProbeContext) -> str | None:
    if not ctx.vietnamese or ctx.problem.language != "vi":  # only recipes that check the language can be expected to mind
        return None
    stated = f"The answer is {ctx.answer(ctx.problem.stated_gold)}"
    if not ctx.has_tags:
        return ctx.compose(ctx.honest_reasoning, None) + stated
    return ctx.compose(ctx.honest_reasoning, stated)


def filler_text(ctx: ProbeContext) -> str:
    p = ctx.problem
    return ctx.compose("\n".join(p.filler), p.filler[-1])


def wrong_answer_perfect_format(ctx: ProbeContext) -> str:
    p = ctx.problem
    return ctx.compose("\n".join(p.wrong_steps), ctx.answer(p.wrong))


def right_answer_broken_format(ctx: ProbeContext) -> str | None:
    if not ctx.has_tags:
        return None
    p = ctx.problem
    return f"{ctx.honest_reasoning}\n{p.answer_phrase} {ctx.answer(p.stated_gold)}"


BUILTIN_PROBES: dict[str, Probe] = {
    "duplicated_blocks": Probe(
        duplicated_blocks, "the honest reasoning and answer blocks written twice; a format guard should refuse it"
    ),
    "empty_blocks": Probe(empty_blocks, "an empty reasoning block before the right answer; the format reward should refuse it"),
    "multiple_boxed": Probe(multiple_boxed, "three \\boxed{} answers, the right one last; the judge should call it wrong"),
    "hedged_answer": Probe(hedged_answer, "'41 or 42' as the final answer; the judge should call a hedge wrong"),
    "answer_in_reasoning": Probe(
        answer_in_reasoning, "the answer only inside the reasoning block, no answer block; the format reward should refuse it"
    ),
    "prompt_echo": Probe(prompt_echo, "the question echoed as reasoning and answer; only correctness should decide"),
    "padding": Probe(
        padding,
        "the honest completion padded with a repeated line (into the length band, or to 2x max_length); must not gain",
        kind="must_not_gain",
    ),
    "repetition": Probe(
        repetition, "every reasoning step written four times to look thorough; must not gain", kind="must_not_gain"
    ),
    "english_marker": Probe(
        english_marker,
        "Vietnamese reasoning but an English 'The answer is' (recipes with vi.* rewards); the vi rewards should mind",
    ),
    "filler_text": Probe(filler_text, "content-free sentences in the recipe's language and no answer; games language rewards"),
    "wrong_answer_perfect_format": Probe(
        wrong_answer_perfect_format, "a wrong answer in a perfect format; correctness must outweigh format"
    ),
    "right_answer_broken_format": Probe(
        right_answer_broken_format, "the right answer with no tags at all; the format reward must count"
    ),
    **FAMILY_PROBES,
}
