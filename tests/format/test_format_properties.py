"""Property tests: every format reward scores in [0, 1] and never raises, whatever the text.

Strict and soft ``format.tags`` are also checked against slow reference regexes that state the
rules directly (fine on short inputs, catastrophic on long ones: the reason the rewards scan instead).
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from rewardkit import Sample
from rewardkit_format import GuardParams, GuardReward, TagCountParams, TagCountReward, TagsParams, TagsReward

PIECES = ["<think>", "</think>", "<answer>", "</answer>", "<|im_end|>", "</s>", " ", "\n", "\u200b", "36", "<", "/", ">", "é"]
blanks = st.lists(st.sampled_from([" ", "\n", "\u200b", "\t"]), max_size=3).map("".join)
contents = st.one_of(
    st.sampled_from(["36", "x = 3\ny = 2", "a < b > c", "đáp án"]),
    blanks,
    st.lists(st.sampled_from([*PIECES, "x = 3"]), max_size=4).map("".join),
)
# Near-misses of the R1 layout: about half of these are valid, the rest break one rule.
layouts = st.tuples(
    blanks, contents, blanks, contents, st.lists(st.sampled_from(["<|im_end|>", "</s>", "\n", " ", "x"]), max_size=3)
).map(lambda p: f"{p[0]}<think>{p[1]}</think>{p[2]}<answer>{p[3]}</answer>{''.join(p[4])}")
texts = st.one_of(
    layouts,
    st.lists(st.sampled_from(PIECES), max_size=14).map("".join),
    st.text(max_size=60),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=10).map("".join),
)

STRICT = TagsReward(TagsParams(eos_markers=["<|im_end|>", "</s>"]))
SOFT = TagsReward(TagsParams(mode="soft"))
COUNT = TagCountReward(TagCountParams())
GUARD = GuardReward(GuardParams())
REWARDS = [
    STRICT,
    SOFT,
    COUNT,
    GUARD,
    TagsReward(TagsParams(think_opened_in_prompt=True)),
    TagsReward(TagsParams(reasoning_tag=None)),
    TagCountReward(TagCountParams(think_opened_in_prompt=True)),
    TagCountReward(TagCountParams(reasoning_tag=None)),
    GuardReward(GuardParams(think_opened_in_prompt=True)),
]

BLANK = r"[\s\u200b\u200c\u200d\u2060\ufeff]"
NO_TAG = r"(?:(?!</?(?:think|answer)>).)*?"
STRICT_REFERENCE = re.compile(
    rf"{BLANK}*<think>({NO_TAG})</think>{BLANK}*<answer>({NO_TAG})</answer>(?:{BLANK}|<\|im_end\|>|</s>)*",
    re.DOTALL,
)
SOFT_REFERENCE = re.compile(r"<think>.*?</think>.*?<answer>.*?</answer>", re.DOTALL)


@settings(max_examples=200)
@given(texts)
def test_scores_are_in_unit_interval_and_never_raise(text: str) -> None:
    for reward in REWARDS:
        outcome = reward.score(Sample(text))
        assert outcome.status == "ok"
        assert outcome.score is not None and 0.0 <= outcome.score <= 1.0


@settings(max_examples=200)
@given(texts)
@example("<think>36</think>\n<answer>36</answer></s>")
@example("<think>\u200b</think><answer>36</answer>")
def test_strict_matches_reference(text: str) -> None:
    match = STRICT_REFERENCE.fullmatch(text)
    expected = match is not None and all(re.fullmatch(f"{BLANK}*", group) is None for group in match.groups())
    assert STRICT.score(Sample(text)).score == float(expected)


@settings(max_examples=200)
@given(texts)
def test_soft_matches_reference(text: str) -> None:
    assert SOFT.score(Sample(text)).score == float(SOFT_REFERENCE.search(text) is not None)


@settings(max_examples=200)
@given(texts)
@example(" <think>36</think> <answer>36</answer>\n<|im_end|>")
def test_strict_implies_every_other_format_reward(text: str) -> None:
    if STRICT.score(Sample(text)).score == 1.0:
        assert SOFT.score(Sample(text)).score == 1.0
        assert COUNT.score(Sample(text)).score == 1.0
        assert GUARD.score(Sample(text)).score == 1.0


@given(st.lists(texts, max_size=5))
def test_trl_call_returns_one_float_per_completion(batch: list[str]) -> None:
    for reward in (STRICT, COUNT, GUARD):
        values = reward(completions=[[{"role": "assistant", "content": t}] for t in batch])
        assert len(values) == len(batch)
        assert all(isinstance(v, float) for v in values)
