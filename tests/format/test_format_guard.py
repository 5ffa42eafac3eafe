"""format.guard: duplicated, nested, empty, stray or unclosed blocks fail; everything else passes."""

from __future__ import annotations

import pytest

from rewardkit import Sample
from rewardkit_format import GuardParams, GuardReward
from rewardkit_format.layout import MAX_TAGS

GUARD = GuardReward(GuardParams())


@pytest.mark.parametrize(
    "completion",
    [
        "<think>12 * 3 = 36</think>\n<answer>36</answer>",
        "Some preamble. <think>12 * 3</think> So <answer>36</answer> trailing words",
        "The answer is 36.",
        "",
        "<answer>36</answer>",
        "<answer>36</answer><think>order is not the guard's business</think>",
    ],
)
def test_clean_completions_pass(completion: str) -> None:
    outcome = GUARD.score(Sample(completion))
    assert outcome.score == 1.0
    assert outcome.details == {}


@pytest.mark.parametrize(
    ("completion", "code", "problem"),
    [
        ("<think>a</think><answer>36</answer><answer>37</answer>", "duplicate", "2 <answer> blocks"),
        ("<think>a</think><think>b</think><answer>36</answer>", "duplicate", "2 <think> blocks"),
        ("<think></think><answer>36</answer>", "empty", "empty <think> block"),
        ("<think>a</think><answer></answer>", "empty", "empty <answer> block"),
        ("<think>a</think><answer> \t\n</answer>", "empty", "empty <answer> block"),
        ("<answer><answer>36</answer></answer>", "nested", "<answer> inside the <answer> block"),
        ("<think>a <answer>36</answer></think>", "nested", "<answer> inside the <think> block"),
        ("36</answer>", "stray", "</answer> without an opening tag"),
        ("<think>12 * 3 = ", "unclosed", "<think> is never closed"),
    ],
)
def test_exploits_fail_with_the_problem_named(completion: str, code: str, problem: str) -> None:
    outcome = GUARD.score(Sample(completion))
    assert outcome.score == 0.0
    assert outcome.details["problem"] == problem
    assert code in outcome.details["counts"]


def test_checks_choose_the_problems() -> None:
    only_duplicates = GuardReward(GuardParams(checks=["duplicate"]))
    assert only_duplicates(completions=["<think></think><answer>36</answer>", "<answer>1</answer><answer>2</answer>"]) == [
        1.0,
        0.0,
    ]
    allow_truncation = GuardReward(GuardParams(checks=["duplicate", "nested", "empty", "stray"]))
    assert allow_truncation(completions=["<think>12 * 3 ="]) == [1.0]


def test_think_opened_in_prompt() -> None:
    guard = GuardReward(GuardParams(think_opened_in_prompt=True))
    assert guard(completions=["12 * 3</think><answer>36</answer>", "<think>12</think><answer>36</answer>"]) == [1.0, 0.0]


def test_tag_floods_are_duplicates() -> None:
    outcome = GUARD.score(Sample("<answer>36</answer>" * MAX_TAGS))
    assert outcome.score == 0.0
    assert outcome.details["problem"] == f"{2 * MAX_TAGS} tags (more than {MAX_TAGS})"


def test_problem_list_is_capped() -> None:
    outcome = GUARD.score(Sample("</answer>" * 500))
    assert outcome.details["counts"] == {"stray": 500}
    assert len(outcome.details["problems"]) == 20
