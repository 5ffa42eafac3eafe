"""format.tags: strict and soft layouts on real completions, in both TRL input formats."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rewardkit import Sample
from rewardkit_format import TagsParams, TagsReward

STRICT = TagsReward(TagsParams())
SOFT = TagsReward(TagsParams(mode="soft"))

GOOD = "<think>\nThere are 12 boxes with 3 apples each.\n12 * 3 = 36\n</think>\n<answer>36</answer>"


def strict(text: str, **params: object) -> float | None:
    return TagsReward(TagsParams(**params))(completions=[text])[0]


@pytest.mark.parametrize(
    "completion",
    [
        GOOD,
        "<think>12 * 3 = 36</think><answer>36</answer>",
        "  \n<think>12 * 3 = 36</think>\n\n<answer>\n36\n</answer>\n\n",
        GOOD + "<|im_end|>",
        GOOD + "\n<|im_end|>\n<|endoftext|><|endoftext|>",
        GOOD + "</s>",
        GOOD + "<|eot_id|>",
        GOOD + "<｜end▁of▁sentence｜>",
        "<think>Ta có 2.500 + 500 = 3.000</think>\n<answer>3.000 đồng</answer>",
        "<think>a < b and b > c, so <thinking> is not a tag</think><answer>x</answer>",
    ],
)
def test_strict_accepts_the_r1_layout(completion: str) -> None:
    assert STRICT.score(Sample(completion)).score == 1.0
    assert SOFT.score(Sample(completion)).score == 1.0


@pytest.mark.parametrize(
    ("completion", "reason"),
    [
        ("<answer>36</answer>", "no <think> block"),
        ("<think>12 * 3 = 36</think>", "no <answer> block"),
        ("", "no <think> block"),
        ("<answer>36</answer><think>12 * 3</think>", "blocks out of order: <answer> before <think>"),
        ("Sure! <think>12 * 3</think><answer>36</answer>", "text before <think>"),
        ("<think>12 * 3</think> so <answer>36</answer>", "text between </think> and <answer>"),
        ("<think>12 * 3</think><answer>36</answer> Hope this helps!", "text after </answer>"),
        ("<think>12 * 3</think><answer>36</answer><|im_end|> junk", "text after </answer>"),
        ("<think>12 * 3</think><answer>36</answer><answer>37</answer>", "2 <answer> blocks"),
        ("<think>a</think><think>b</think><answer>36</answer>", "2 <think> blocks"),
        ("<think></think><answer>36</answer>", "empty <think> block"),
        ("<think> \n\u200b </think><answer>36</answer>", "empty <think> block"),
        ("<think>12 * 3</think><answer>\n</answer>", "empty <answer> block"),
        ("<think>12 * 3 <answer>36</answer></think>", "<answer> inside the <think> block"),
        ("<think>12 * 3 = 36", "<think> is never closed"),
        ("12 * 3 = 36</think><answer>36</answer>", "</think> without an opening tag"),
        ("<think>12 * 3</answer><answer>36</answer>", "</answer> inside the <think> block"),
    ],
)
def test_strict_rejects_with_a_reason(completion: str, reason: str) -> None:
    outcome = STRICT.score(Sample(completion))
    assert outcome.status == "ok"
    assert outcome.score == 0.0
    assert outcome.details["reason"] == reason


def test_strict_details_carry_the_answer() -> None:
    assert STRICT.score(Sample(GOOD)).details == {"mode": "strict", "answer": "36"}


def test_multiline_content_needs_no_dotall() -> None:
    completion = "<think>\nline one\n\nline two\r\n</think>\n<answer>\nx = 3\ny = 2\n</answer>"
    assert STRICT.score(Sample(completion)).score == 1.0


@pytest.mark.parametrize(
    ("completion", "expected"),
    [
        ("Let me think. <think>12 * 3</think> So <answer>36</answer>.", 1.0),
        ("<think>a</think>x<answer>36</answer><answer>37</answer>", 1.0),
        ("<think></think><answer>36</answer>", 1.0),
        ("<answer>36</answer><think>12 * 3</think>", 0.0),
        ("<think>12 * 3</think> The answer is 36.", 0.0),
        ("<answer>36</answer>", 0.0),
    ],
)
def test_soft_wants_both_blocks_in_order_anywhere(completion: str, expected: float) -> None:
    assert SOFT.score(Sample(completion)).score == expected


def test_soft_reports_the_missing_tag() -> None:
    assert SOFT.score(Sample("<think>12 * 3 = 36</think>")).details["reason"] == "no <answer> in order"


def test_trl_standard_and_conversational_inputs_agree() -> None:
    texts = [GOOD, "<think>x</think> <answer>36</answer> ok", "<answer>36</answer>"]
    standard = STRICT(prompts=["How many apples?"] * 3, completions=texts)
    conversational = STRICT(
        prompts=[[{"role": "user", "content": "How many apples?"}]] * 3,
        completions=[[{"role": "assistant", "content": text}] for text in texts],
        solution=["36", "36", "36"],
    )
    assert standard == conversational == [1.0, 0.0, 0.0]


def test_think_opened_in_prompt() -> None:
    # DeepSeek-R1 distills and Qwen3 templates end the prompt with "<think>\n".
    opened = TagsReward(TagsParams(think_opened_in_prompt=True))
    assert opened(completions=["12 * 3 = 36\n</think>\n<answer>36</answer><|im_end|>"]) == [1.0]
    assert opened(completions=["<think>12 * 3</think><answer>36</answer>"]) == [0.0]  # opened twice
    assert opened(completions=["</think><answer>36</answer>"]) == [0.0]  # empty reasoning
    soft = TagsReward(TagsParams(think_opened_in_prompt=True, mode="soft"))
    assert soft(completions=["12 * 3</think> so <answer>36</answer>"]) == [1.0]


def test_answer_only_layout() -> None:
    assert strict("<answer>36</answer>", reasoning_tag=None) == 1.0
    assert strict("Reasoning first. <answer>36</answer>", reasoning_tag=None) == 0.0
    assert strict("<think>x</think><answer>36</answer>", reasoning_tag=None) == 0.0  # think is text here
    assert TagsReward(TagsParams(reasoning_tag=None, mode="soft"))(completions=["So <answer>36</answer>."]) == [1.0]


def test_custom_tags_and_markers() -> None:
    completion = "<reasoning>12 * 3</reasoning>\n<final>36</final>[END]"
    assert strict(completion, reasoning_tag="reasoning", answer_tag="final", eos_markers=["[END]"]) == 1.0
    assert strict(completion, reasoning_tag="reasoning", answer_tag="final") == 0.0
    assert strict(GOOD + "<|im_end|>", eos_markers=["</s>"]) == 0.0


@pytest.mark.parametrize(
    "params",
    [
        {"reasoning_tag": "answer"},
        {"reasoning_tag": "my tag"},
        {"answer_tag": "<answer>"},
        {"answer_tag": ""},
        {"mode": "lenient"},
        {"reasoning_tag": None, "think_opened_in_prompt": True},
        {"eos_markers": [""]},
        {"eos_marker": ["</s>"]},
    ],
)
def test_bad_params_are_rejected(params: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        TagsParams.model_validate(params)


def test_differs_from_trl_think_format_reward() -> None:
    trl_rewards = pytest.importorskip("trl.rewards")
    cases = {
        "<think></think>anything": (1.0, 0.0),  # TRL accepts an empty block and any tail
        "<think>12 * 3</think>\n<answer>36</answer>": (1.0, 1.0),
        "  <think>12 * 3</think>\n<answer>36</answer>": (0.0, 1.0),  # leading whitespace
    }
    for text, (trl_score, ours) in cases.items():
        assert trl_rewards.think_format_reward([[{"content": text}]]) == [trl_score]
        assert STRICT(completions=[text]) == [ours]
