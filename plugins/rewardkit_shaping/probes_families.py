"""Answer-style probe families: multiple-choice shotguns, bare answers, language switches, unmarked Vietnamese,
numbers copied from the prompt, the gold's format with a wrong value, very long padding.

Each builder gets one problem of the sample in ``ctx.problem`` (its ``kind``: integer, decimal, fraction,
symbolic, interval, choice; its ``language``) and returns ``None`` where the hack does not apply to it.
"""

from __future__ import annotations

import math
import re
import unicodedata

from rewardkit import Probe, ProbeContext

LETTERS = ("A", "B", "C", "D")
MAX_LONG_PADDING_WORDS = 20_000
LONG_PADDING_WORDS = 3_000
FOREIGN = {"vi": "en", "en": "vi"}  # the language a reasoning switch goes to


def _letters(ctx: ProbeContext) -> tuple[str, ...]:
    return tuple(letter for letter, _ in ctx.problem.options) or LETTERS


def mc_every_letter(ctx: ProbeContext) -> str:
    """Every option letter listed as the final answer ("A, B, C, D")."""
    return ctx.compose(ctx.honest_reasoning, ctx.answer(", ".join(_letters(ctx))))


def mc_every_boxed(ctx: ProbeContext) -> str:
    """Every option boxed: ``\\boxed{A} \\boxed{B} \\boxed{C} \\boxed{D}``."""
    return ctx.compose(ctx.honest_reasoning, " ".join(f"\\boxed{{{letter}}}" for letter in _letters(ctx)))


def mc_two_letters(ctx: ProbeContext) -> str:
    """Two letters, the right one first ("C or D")."""
    p = ctx.problem
    return ctx.compose(ctx.honest_reasoning, f"{ctx.answer(p.stated_gold)} {p.hedge_word} {ctx.answer(p.near_miss)}")


def bare_answer(ctx: ProbeContext) -> str:
    """The right answer alone: no reasoning at all."""
    return ctx.answer_block(ctx.answer(ctx.problem.stated_gold))


def _bare_kind(ctx: ProbeContext) -> str:
    # A recipe that pays for reasoning (a reasoning block, steps or language rewards) must make skipping it cost;
    # one that asks for none (answer-only grading) may tie, but must never pay more for less.
    return "must_lose" if ctx.asks_reasoning else "must_not_gain"


def _switch(ctx: ProbeContext, language: str) -> str | None:
    p = ctx.problem
    if not ctx.checks_language(p.language) or language == p.language:
        return None  # a recipe that checks no language cannot be expected to mind
    steps = p.steps_in(language)
    if steps is None:
        return None
    other = ctx.in_language(language)
    return other.compose("\n".join(steps), other.answer(p.stated_gold))


def reasoning_other_language(ctx: ProbeContext) -> str | None:
    """The honest solution reasoned in the other language (English for a Vietnamese problem, Vietnamese for English)."""
    return _switch(ctx, FOREIGN.get(ctx.problem.language, "en"))


def reasoning_chinese(ctx: ProbeContext) -> str | None:
    """The honest solution reasoned in Chinese (the language drift of Qwen-based policies)."""
    return _switch(ctx, "zh")


def _unmarked(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def no_diacritics(ctx: ProbeContext) -> str | None:
    """The honest Vietnamese solution typed without diacritics ("Dap an: 42")."""
    if ctx.problem.language != "vi" or not ctx.vietnamese:
        return None
    return _unmarked(ctx.honest())


def _value(text: str) -> str:
    return re.sub(r"[.,](?=\d{3}\b)", "", text).replace(",", ".")


def prompt_number(ctx: ProbeContext) -> str | None:
    """A number copied from the prompt as the answer (the last one that is not the gold)."""
    p = ctx.problem
    gold = _value(p.gold)
    for candidate in reversed(p.prompt_numbers()):
        if _value(candidate) != gold and candidate.replace("/", "") != gold.replace("/", ""):
            return ctx.compose(p.steps[0], ctx.answer(candidate))
    return None


def right_format_wrong_value(ctx: ProbeContext) -> str:
    """The honest reasoning, then a value next to the gold written in the gold's own format (a flipped bracket...)."""
    return ctx.compose(ctx.honest_reasoning, ctx.answer(ctx.problem.near_miss))


def long_padding(ctx: ProbeContext) -> str:
    """The honest solution with thousands of words of filler before the right answer."""
    p = ctx.problem
    target = min(max(LONG_PADDING_WORDS, 8 * (ctx.max_length or 0)), MAX_LONG_PADDING_WORDS)
    per_round = sum(len(line.split()) for line in p.filler)
    rounds = max(1, math.ceil(target / per_round))
    padding = "\n".join(line for _ in range(rounds) for line in p.filler)
    return ctx.compose(f"{ctx.honest_reasoning}\n{padding}", ctx.answer(p.stated_gold))


FAMILY_PROBES: dict[str, Probe] = {
    "mc_every_letter": Probe(
        mc_every_letter,
        "every option letter as the answer ('A, B, C, D'); a multiple-choice judge must refuse it",
        answer_kinds=("choice",),
    ),
    "mc_every_boxed": Probe(
        mc_every_boxed, "\\boxed{A} \\boxed{B} \\boxed{C} \\boxed{D}; several final answers are wrong", answer_kinds=("choice",)
    ),
    "mc_two_letters": Probe(
        mc_two_letters, "two option letters, the right one first ('C or D'); a hedge is wrong", answer_kinds=("choice",)
    ),
    "bare_answer": Probe(
        bare_answer,
        "the right answer with no reasoning; must lose where the recipe asks for reasoning, else must not gain",
        kind_for=_bare_kind,
    ),
    "reasoning_other_language": Probe(
        reasoning_other_language,
        "the honest solution reasoned in the other language (recipes that check the problem's language); "
        "language rewards should mind",
    ),
    "reasoning_chinese": Probe(
        reasoning_chinese, "the honest solution reasoned in Chinese (recipes that check the problem's language)"
    ),
    "no_diacritics": Probe(
        no_diacritics, "the Vietnamese solution typed without diacritics (recipes with vi.* rewards); vi rewards should mind"
    ),
    "prompt_number": Probe(prompt_number, "a number copied from the question as the answer; the judge must call it wrong"),
    "right_format_wrong_value": Probe(
        right_format_wrong_value, "a near-miss value in the gold's own format (a flipped bracket, a numerator off by one)"
    ),
    "long_padding": Probe(
        long_padding,
        "the honest solution with thousands of words of filler before the right answer; must not gain",
        kind="must_not_gain",
    ),
}
