"""format.tag_count: partial credit per tag, penalties for duplicates and trailing text."""

from __future__ import annotations

import pytest

from rewardkit import Sample
from rewardkit_format import TagCountParams, TagCountReward

COUNT = TagCountReward(TagCountParams())


@pytest.mark.parametrize(
    ("completion", "expected"),
    [
        ("<think>12 * 3 = 36</think>\n<answer>36</answer>", 1.0),
        ("<think>12 * 3 = 36</think>\n<answer>36</answer>\n<|im_end|>\n", 1.0),
        ("<think>12 * 3 = 36</think> The answer is 36", 0.5),
        ("<think>12 * 3 = 36", 0.25),
        ("<answer>36</answer>", 0.5),
        ("The answer is 36.", 0.0),
        ("", 0.0),
        ("<think>a</think><answer>36</answer></answer>", 0.5),  # 0.75 for the others, -0.25 for the extra
        ("<think>a</think><answer>36</answer><answer>37</answer>", 0.0),  # 0.5 - 2 * 0.25
        ("<think>a</think><answer>36</answer>0123456789", 0.99),
        ("<think>a</think><answer>36</answer>" + "x" * 2000, 0.0),  # clipped at 0
        ("<answer>36</answer><think>a</think>", 0.984),  # order is format.tags' job; 16 trailing chars cost
    ],
)
def test_partial_credit(completion: str, expected: float) -> None:
    assert COUNT.score(Sample(completion)).score == pytest.approx(expected)


def test_details_show_counts_and_penalties() -> None:
    outcome = COUNT.score(Sample("<think>a</think><answer>36</answer><answer>37</answer> bye"))
    assert outcome.details == {
        "counts": {"<think>": 1, "</think>": 1, "<answer>": 2, "</answer>": 2},
        "extra_tags": 2,
        "trailing_chars": 4,
    }


def test_penalties_are_configurable() -> None:
    lenient = TagCountReward(TagCountParams(trailing_penalty_per_char=0.0, duplicate_penalty=0.0))
    assert lenient(completions=["<think>a</think><answer>36</answer> and some more text"]) == [1.0]
    assert lenient(completions=["<think>a</think><answer>36</answer><answer>37</answer>"]) == [0.5]


def test_answer_only_tags_share_the_credit() -> None:
    count = TagCountReward(TagCountParams(reasoning_tag=None))
    assert count(completions=["<answer>36</answer>", "<answer>36", "<think>a</think>"]) == [1.0, 0.5, 0.0]


def test_think_opened_in_prompt_scores_what_the_completion_writes() -> None:
    count = TagCountReward(TagCountParams(think_opened_in_prompt=True))
    assert count(completions=["12 * 3</think><answer>36</answer>"]) == [1.0]
    assert count(completions=["12 * 3</think>"]) == [pytest.approx(1 / 3)]
    assert count(completions=["<think>12 * 3</think><answer>36</answer>"]) == [0.75]  # re-opened: a duplicate


def test_conversational_input() -> None:
    completions = [[{"role": "assistant", "content": "<think>a</think><answer>36</answer>"}]]
    assert COUNT(prompts=[[{"role": "user", "content": "q"}]], completions=completions) == [1.0]
